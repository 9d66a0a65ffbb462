"""Checks for lesson 17, variational autoencoders and diffusion models.

`reference(1)` is written with `keras.ops`, so it works on NumPy arrays and on the tensors inside a
`GradientTape`: the lesson's VAE training step (and scripts/train_vae_fashion.py, which holds a
copy of it) uses it. `reference(3)` and `reference(4)` are the course's forward-noising and
reverse-step functions in NumPy, used by the lesson's diffusion sections.

Step indices follow the lesson's code convention: t = 0, ..., T-1, `betas[t]` is the math's
beta_{t+1}, alpha_bar[t] = prod_{s <= t} (1 - betas[s]), and x_t in code has been noised t + 1 times.
"""
import numpy as np

from .core import Case, CheckFailed, Exercise, as_array, compare_arrays, exercises


def _close(a, b, rtol=1e-5, atol=1e-6):
    a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)


def _pair(got, first, second):
    if got is None:
        raise CheckFailed("your function returned None. Did you forget `return`?")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise CheckFailed(f"expected the pair ({first}, {second}).")
    return [as_array(got[0], first), as_array(got[1], second)]


# ---- exercise 1: the reparameterization trick and the KL term -------------------------------
class ReparameterizeKL(Exercise):
    number, title = 1, "reparameterize_and_kl"
    hint = ("sigma = exp(log_var / 2), z = mean + sigma * eps. "
            "KL(N(mean, sigma^2) || N(0, 1)) per dimension = 0.5 * (mean^2 + sigma^2 - 1 - log sigma^2), "
            "summed over the latent dimensions (the last axis): one number per example.")
    rtol, atol = 1e-5, 1e-6

    def cases(self, rng=None):
        r = np.random.default_rng(17)
        cases = [
            Case("a batch of 4 codes of 3 dimensions",
                 (r.normal(size=(4, 3)), r.normal(0, 1, (4, 3)), r.normal(size=(4, 3)))),
            Case("q equals the prior: mean 0, log-variance 0",
                 (np.zeros((2, 5)), np.zeros((2, 5)), r.normal(size=(2, 5))),
                 hint="When q(z|x) is N(0, I) itself, z is just eps and the KL is exactly 0."),
            Case("log-variances far from 0 (-3 and +2)",
                 (r.normal(size=(3, 4)), np.array([[-3.0, 2.0, -3.0, 2.0]] * 3), r.normal(size=(3, 4))),
                 hint="log_var is the log of the variance: the standard deviation is exp(log_var / 2), "
                      "neither log_var itself nor exp(log_var)."),
            Case("one example with a 1-D latent", (np.array([[1.5]]), np.array([[-1.0]]), np.array([[0.7]]))),
            Case("a batch of 8 codes of 16 dimensions",
                 (r.normal(size=(8, 16)), r.normal(-1, 1, (8, 16)), r.normal(size=(8, 16))),
                 hint="The KL of a diagonal Gaussian is the SUM of the per-dimension KLs, not their mean."),
        ]
        if rng is not None:
            for i in range(4):
                n, d = int(rng.integers(1, 20)), int(rng.integers(1, 20))
                cases.append(Case(f"random codes #{i}", (rng.normal(0, 2, (n, d)), rng.normal(-1, 1.5, (n, d)),
                                                         rng.normal(size=(n, d)))))
        return cases

    def produce(self, fn, case):
        mean, log_var, eps = (a.copy() for a in case.args)
        return _pair(fn(mean, log_var, eps), "z", "kl")

    def reference(self, mean, log_var, eps):
        """z = mean + exp(log_var / 2) * eps and KL(N(mean, exp(log_var)) || N(0, I)) summed over the
        last axis, with keras.ops: works on NumPy arrays and on tensors (gradients flow through it)."""
        from keras import ops

        z = mean + ops.exp(0.5 * log_var) * eps
        kl = 0.5 * ops.sum(ops.square(mean) + ops.exp(log_var) - 1.0 - log_var, axis=-1)
        return z, kl

    def judge(self, got, case):
        mean, log_var, eps = case.args
        z, kl = got
        want_z, want_kl = (np.asarray(a, "float64") for a in self.reference(*case.args))
        if z.shape != want_z.shape:
            return f"z has shape {z.shape}, but it should have the shape of mean, {want_z.shape}."
        if not _close(z, want_z, self.rtol, self.atol):
            if _close(z, mean + log_var * eps):
                return "z uses log_var as the standard deviation: sigma = exp(log_var / 2)."
            if _close(z, mean + np.exp(log_var) * eps):
                return "z uses the variance exp(log_var) as the standard deviation: sigma = exp(log_var / 2)."
            return compare_arrays(z, want_z, self.rtol, self.atol, what="z")
        if kl.shape != want_kl.shape:
            if kl.size == 1:
                return ("kl is one number: return one KL per example (shape (batch,)), summed over the "
                        "latent dimensions only, not over the batch.")
            if kl.shape == mean.shape:
                return "kl has one value per latent dimension: sum them over the last axis, one KL per example."
            return f"kl has shape {kl.shape}, but it should have shape {want_kl.shape} (one number per example)."
        if not _close(kl, want_kl, self.rtol, self.atol):
            d = mean.shape[-1]
            if d > 1 and _close(kl * d, want_kl):
                return "kl is the mean over the latent dimensions: the KL of a diagonal Gaussian is their sum."
            if _close(kl, 2 * want_kl):
                return "kl is twice too large: the KL of two Gaussians has a factor 1/2 in front."
            if _close(kl, -want_kl):
                return "kl has the wrong sign: a KL divergence is never negative."
            return compare_arrays(kl, want_kl, self.rtol, self.atol, what="kl")
        return None


# ---- exercise 2: the KL between two diagonal Gaussians (derived) -----------------------------
class KLGaussians(Exercise):
    number, title = 2, "kl_gaussians"
    hint = ("Write KL(p || q) = E_p[log p(z) - log q(z)] for one dimension with the Gaussian log-density "
            "-0.5 log(2 pi sigma^2) - (z - mu)^2 / (2 sigma^2), then use E_p[(z - mu_q)^2] = sigma_p^2 + (mu_p - mu_q)^2. "
            "Sum over the last axis. With mu2 = 0 and log_var2 = 0 it must give exercise 1's KL.")
    rtol, atol = 1e-5, 1e-6

    def cases(self, rng=None):
        r = np.random.default_rng(171)
        a = r.normal(size=(3, 4)), r.normal(size=(3, 4))
        cases = [
            Case("two identical distributions", (a[0], a[1], a[0].copy(), a[1].copy()),
                 hint="KL(p || p) = 0."),
            Case("q is the standard normal (exercise 1's case)",
                 (r.normal(size=(4, 3)), r.normal(size=(4, 3)), np.zeros((4, 3)), np.zeros((4, 3))),
                 hint="With mu2 = 0 and log_var2 = 0 the formula must reduce to 0.5 * sum(mu^2 + sigma^2 - 1 - log sigma^2)."),
            Case("same variance, different means", (np.array([[1.0, -2.0]]), np.array([[0.5, 0.5]]),
                                                     np.array([[0.0, 1.0]]), np.array([[0.5, 0.5]])),
                 hint="With equal variances only the means differ: the KL is 0.5 * (mu1 - mu2)^2 / sigma^2 per dimension."),
            Case("same mean, different variances (the KL is not symmetric)",
                 (np.zeros((2, 3)), np.array([[-2.0, 0.0, 1.0], [1.0, 2.0, -1.0]]),
                  np.zeros((2, 3)), np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]])),
                 hint="KL(p || q) takes the expectation under p, the FIRST distribution; swapping them gives a "
                      "different number."),
            Case("a batch of 6, 8 dimensions",
                 tuple(r.normal(0, 1, (6, 8)) for _ in range(4))),
        ]
        if rng is not None:
            for i in range(4):
                n, d = int(rng.integers(1, 12)), int(rng.integers(1, 12))
                cases.append(Case(f"random Gaussians #{i}", tuple(rng.normal(0, 1.5, (n, d)) for _ in range(4))))
        return cases

    def produce(self, fn, case):
        got = fn(*(a.copy() for a in case.args))
        return as_array(got, "your function")

    def reference(self, mu1, log_var1, mu2, log_var2):
        """KL(N(mu1, exp(log_var1)) || N(mu2, exp(log_var2))), diagonal, summed over the last axis."""
        mu1, log_var1, mu2, log_var2 = (np.asarray(a, "float64") for a in (mu1, log_var1, mu2, log_var2))
        return 0.5 * np.sum(log_var2 - log_var1 + (np.exp(log_var1) + (mu1 - mu2) ** 2) / np.exp(log_var2) - 1.0,
                            axis=-1)

    def judge(self, got, case):
        mu1, lv1, mu2, lv2 = case.args
        want = self.reference(*case.args)
        if got.shape != want.shape:
            if got.shape == np.shape(mu1):
                return "the result has one value per dimension: sum over the last axis, one KL per row."
            return f"the result has shape {got.shape}, but it should have shape {want.shape} (one KL per row)."
        if _close(got, want, self.rtol, self.atol):
            return None
        if _close(got, self.reference(mu2, lv2, mu1, lv1)):
            return "you computed KL(q || p), the other direction: the expectation is under the first Gaussian."
        if _close(got, 2 * want):
            return "the result is twice too large: keep the factor 1/2."
        if _close(got, -want) and not _close(want, 0 * want):
            return "the result has the wrong sign: a KL divergence is never negative."
        if not np.allclose(mu1, mu2) and _close(got, 0.5 * np.sum(lv2 - lv1 + (np.exp(lv1) + (mu1 - mu2) ** 2) / np.exp(lv1) - 1, axis=-1)):
            return "the squared difference of the means is divided by the first variance; it belongs under the second."
        return compare_arrays(got, want, self.rtol, self.atol)


# ---- exercise 3: sampling x_t from q(x_t | x_0) in one go -------------------------------------
def _alpha_bar(betas):
    return np.cumprod(1.0 - np.asarray(betas, "float64"))


def _per_example(values, like):
    """values (batch,) reshaped to broadcast over the trailing axes of `like`."""
    return np.reshape(values, (-1,) + (1,) * (np.ndim(like) - 1))


def _q_sample_variant(x0, t, noise, betas, kind):
    x0, noise = np.asarray(x0, "float64"), np.asarray(noise, "float64")
    t = np.asarray(t)
    ab = _alpha_bar(betas)
    if kind == "alpha":
        a = (1.0 - np.asarray(betas, "float64"))[t]
        return _per_example(np.sqrt(a), x0) * x0 + _per_example(np.sqrt(1 - a), x0) * noise
    if kind == "no-sqrt":
        a = ab[t]
        return _per_example(a, x0) * x0 + _per_example(1 - a, x0) * noise
    shift = {"t-1": -1, "t+1": 1}[kind]
    a = np.concatenate([[1.0], ab, [ab[-1]]])[t + 1 + shift]
    return _per_example(np.sqrt(a), x0) * x0 + _per_example(np.sqrt(1 - a), x0) * noise


class QSample(Exercise):
    number, title = 3, "q_sample"
    hint = ("Go back to the closed form of q(x_t | x_0) above: which product of (1 - beta) belongs to step t "
            "(index 0 is the first noising step), what multiplies x0 and what multiplies the noise, and how a "
            "per-example factor of shape (batch,) must be reshaped to scale a whole example.")
    # float32 answers pass (1 - alpha_bar[0] = 2.5e-4 keeps only ~4 digits in float32: measured 1.8e-6 off
    # at t = 0); every registered mistake is off by far more.
    rtol, atol = 1e-4, 1e-5

    def cases(self, rng=None):
        r = np.random.default_rng(1717)
        betas10 = np.linspace(0.01, 0.2, 10)
        betas400 = np.linspace(2.5e-4, 0.05, 400)
        cases = [
            Case("2-D points, all at step t = 0 (one noising step)",
                 (r.normal(size=(5, 2)), np.zeros(5, dtype=int), r.normal(size=(5, 2)), betas10),
                 hint="Step t = 0 in code is the first noising step: alpha_bar[0] = 1 - betas[0], not 1."),
            Case("2-D points at different steps", (r.normal(size=(6, 2)), np.array([0, 1, 3, 5, 8, 9]),
                                                   r.normal(size=(6, 2)), betas10),
                 hint="Each example has its own step: use alpha_bar[t] for the t of that row. alpha_bar is the "
                      "running product of (1 - beta) up to and including step t."),
            Case("4x4 images at different steps (batch, 4, 4, 1)",
                 (r.uniform(-1, 1, (3, 4, 4, 1)), np.array([2, 7, 4]), r.normal(size=(3, 4, 4, 1)), betas10),
                 hint="alpha_bar[t] has shape (batch,): reshape it to (batch, 1, 1, 1) to scale whole images."),
            Case("the lesson's schedule (T = 400), steps 0, 99, 199, 399",
                 (r.uniform(-1, 1, (4, 28, 28, 1)), np.array([0, 99, 199, 399]), r.normal(size=(4, 28, 28, 1)), betas400),
                 hint="The signal keeps the factor sqrt(alpha_bar) and the noise sqrt(1 - alpha_bar): square roots, "
                      "so that the variances add to 1."),
        ]
        if rng is not None:
            for i in range(4):
                T, n, d = int(rng.integers(2, 500)), int(rng.integers(1, 12)), int(rng.integers(1, 6))
                betas = np.sort(rng.uniform(1e-4, 0.1, T))
                cases.append(Case(f"random batch #{i}", (rng.normal(size=(n, d, d)), rng.integers(0, T, n),
                                                         rng.normal(size=(n, d, d)), betas)))
        return cases

    def produce(self, fn, case):
        x0, t, noise, betas = (a.copy() for a in case.args)
        return as_array(fn(x0, t, noise, betas), "your function")

    def reference(self, x0, t, noise, betas):
        """x_t = sqrt(alpha_bar[t]) x0 + sqrt(1 - alpha_bar[t]) noise, alpha_bar = cumprod(1 - betas)."""
        x0, noise = np.asarray(x0, "float64"), np.asarray(noise, "float64")
        ab = _alpha_bar(betas)[np.asarray(t)]
        return _per_example(np.sqrt(ab), x0) * x0 + _per_example(np.sqrt(1.0 - ab), x0) * noise

    def judge(self, got, case):
        want = self.reference(*case.args)
        if got.shape != want.shape:
            return f"x_t has shape {got.shape}, but it should have the shape of x0, {want.shape}."
        if _close(got, want, self.rtol, self.atol):
            return None
        for kind, advice in (("alpha", "you used alpha_t = 1 - beta_t of step t alone; x_t from x0 in one go "
                                       "needs alpha_bar[t], the product of (1 - beta) over all steps up to t."),
                             ("no-sqrt", "the factors need square roots: sqrt(alpha_bar) on x0 and sqrt(1 - alpha_bar) "
                                         "on the noise (alpha_bar and 1 - alpha_bar are the variances)."),
                             ("t-1", "your alpha_bar is one step behind: in code alpha_bar[t] includes step t itself "
                                     "(np.cumprod(1 - betas)[t])."),
                             ("t+1", "your alpha_bar is one step ahead: use np.cumprod(1 - betas)[t].")):
            variant = _q_sample_variant(*case.args, kind)
            if _close(got, variant) and not _close(variant, want):
                return advice
        return compare_arrays(got, want, self.rtol, self.atol, what="x_t")


# ---- exercise 4: one reverse (sampling) step --------------------------------------------------
def _step_variant(x_t, t, eps_hat, z, betas, noise_at_zero=False, sigma="sqrt", coef="right", scale="alpha"):
    x_t, eps_hat, z = (np.asarray(a, "float64") for a in (x_t, eps_hat, z))
    betas = np.asarray(betas, "float64")
    ab = _alpha_bar(betas)
    beta, alpha = betas[t], 1.0 - betas[t]
    c = {"right": beta / np.sqrt(1.0 - ab[t]), "no-sqrt": beta / (1.0 - ab[t]),
         "one": 1.0, "sqrt-one-minus-ab": np.sqrt(1.0 - ab[t])}[coef]
    s = {"alpha": np.sqrt(alpha), "alpha-bar": np.sqrt(ab[t]), "none": 1.0}[scale]
    mean = (x_t - c * eps_hat) / s
    if t == 0 and not noise_at_zero:
        return mean
    std = {"sqrt": np.sqrt(beta), "beta": beta}[sigma]
    return mean + std * z


class DDPMStep(Exercise):
    number, title = 4, "ddpm_step"
    hint = ("Follow the reverse step derived above term by term: which coefficient scales the predicted noise "
            "(it uses the running product alpha_bar_t, not alpha_t), what the difference is divided by, which "
            "standard deviation the fresh noise z gets, and what happens at the last step, t = 0.")
    rtol, atol = 1e-5, 1e-6          # float32 answers pass; every registered mistake is off by far more

    def cases(self, rng=None):
        r = np.random.default_rng(17171)
        betas10 = np.linspace(0.01, 0.2, 10)
        betas400 = np.linspace(2.5e-4, 0.05, 400)
        rand = lambda *shape: r.normal(size=shape)
        cases = [
            Case("2-D points, a middle step t = 5", (rand(4, 2), 5, rand(4, 2), rand(4, 2), betas10),
                 hint="The noise term has standard deviation sqrt(beta_t) (variance beta_t)."),
            Case("the last step, t = 0: no noise is added", (rand(4, 2), 0, rand(4, 2), rand(4, 2), betas10),
                 hint="At t = 0 the step returns the mean: adding noise there would leave noise in the final sample."),
            Case("images at the first reverse step, t = T - 1 = 9", (rand(2, 4, 4, 1), 9, rand(2, 4, 4, 1), rand(2, 4, 4, 1),
                                                                     betas10),
                 hint="The predicted noise is scaled by beta_t / sqrt(1 - alpha_bar_t), with alpha_bar_t the running "
                      "product, before dividing by sqrt(alpha_t)."),
            Case("the lesson's schedule (T = 400), t = 150", (rand(3, 28, 28, 1), 150, rand(3, 28, 28, 1),
                                                             rand(3, 28, 28, 1), betas400)),
            Case("the lesson's schedule, t = 1", (rand(3, 2), 1, rand(3, 2), rand(3, 2), betas400),
                 hint="Only t = 0 skips the noise; t = 1 still adds sqrt(beta_1) * z."),
        ]
        if rng is not None:
            for i in range(4):
                T, n, d = int(rng.integers(2, 500)), int(rng.integers(1, 10)), int(rng.integers(1, 6))
                betas = np.sort(rng.uniform(1e-4, 0.1, T))
                t = i if i < 2 else int(rng.integers(0, T))          # the two last steps, then any
                cases.append(Case(f"random step #{i}", (rng.normal(size=(n, d)), t, rng.normal(size=(n, d)),
                                                        rng.normal(size=(n, d)), betas)))
        return cases

    def produce(self, fn, case):
        x_t, t, eps_hat, z, betas = case.args
        return as_array(fn(x_t.copy(), t, eps_hat.copy(), z.copy(), betas.copy()), "your function")

    def reference(self, x_t, t, eps_hat, z, betas):
        """x_{t-1} = (x_t - beta_t / sqrt(1 - alpha_bar_t) eps_hat) / sqrt(alpha_t) + sqrt(beta_t) z (no z at t = 0)."""
        return _step_variant(x_t, int(t), eps_hat, z, betas)

    def judge(self, got, case):
        x_t, t, eps_hat, z, betas = case.args
        want = self.reference(*case.args)
        if got.shape != want.shape:
            return f"the result has shape {got.shape}, but it should have the shape of x_t, {want.shape}."
        if _close(got, want, self.rtol, self.atol):
            return None
        for flags, advice in (
                (dict(noise_at_zero=True), "at t = 0 you added noise: the last step returns the mean alone."),
                (dict(sigma="beta"), "the noise's standard deviation is sqrt(beta_t); you used beta_t."),
                (dict(coef="no-sqrt"), "the coefficient on eps_hat is beta_t / sqrt(1 - alpha_bar_t): the square "
                                       "root is missing."),
                (dict(coef="one"), "eps_hat must be scaled by beta_t / sqrt(1 - alpha_bar_t) before it is subtracted."),
                (dict(coef="sqrt-one-minus-ab"), "eps_hat's coefficient is beta_t / sqrt(1 - alpha_bar_t), not "
                                                 "sqrt(1 - alpha_bar_t)."),
                (dict(scale="alpha-bar"), "divide by sqrt(alpha_t) = sqrt(1 - beta_t) of this one step, not by "
                                          "sqrt(alpha_bar_t)."),
                (dict(scale="none"), "the mean is divided by sqrt(alpha_t) = sqrt(1 - beta_t).")):
            variant = _step_variant(x_t, int(t), eps_hat, z, betas, **flags)
            if _close(got, variant) and not _close(variant, want):
                return advice
        return compare_arrays(got, want, self.rtol, self.atol, what="x_{t-1}")


EXERCISES = [ReparameterizeKL(), KLGaussians(), QSample(), DDPMStep()]
globals().update(exercises(*EXERCISES))
