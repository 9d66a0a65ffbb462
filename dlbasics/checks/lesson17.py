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
    hint = ("Both parts are in the text above the exercise: the standard deviation comes from the log-variance, "
            "z from eps, and the KL of one latent dimension (zero exactly when mean = 0 and log_var = 0) is summed "
            "over the last axis: one number per example.")
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
        return _pair(fn(*case.args), "z", "kl")       # the case's own arrays: edits in place are caught

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
        if z.shape == want_kl.shape and kl.shape == want_z.shape and z.shape != kl.shape:
            return "the pair is in the wrong order: return (z, kl), z first."
        if z.shape != want_z.shape:
            return f"z has shape {z.shape}, but it should have the shape of mean, {want_z.shape}."
        if not _close(z, want_z, self.rtol, self.atol):
            if _close(z, mean + log_var * eps):
                return "z uses log_var as the standard deviation: sigma = exp(log_var / 2)."
            if _close(z, mean + np.exp(log_var) * eps):
                return "z uses the variance exp(log_var) as the standard deviation: sigma = exp(log_var / 2)."
            return "z is off: " + compare_arrays(z, want_z, self.rtol, self.atol, what="z")
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
            if _close(kl, want_kl + 0.5 * d):
                return "z is right, but kl misses the constant: each dimension's KL has a -1 (it is 0 when q is the prior)."
            if _close(kl, want_kl + np.sum(log_var, axis=-1)):
                return ("z is right, but kl's log-variance term has the wrong sign: the KL subtracts log sigma^2 "
                        "(it is 0 at sigma = 1 and grows for small and for large variances).")
            return "z is right, but kl is off: " + compare_arrays(kl, want_kl, self.rtol, self.atol, what="kl")
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
        return as_array(fn(*case.args), "your function")

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
        if _close(got, want + 0.5 * np.shape(mu1)[-1]):
            return "the constant is missing: each dimension's KL has a -1, so that KL(p || p) = 0."
        if not np.allclose(mu1, mu2) and _close(got, want - 0.5 * np.sum((mu1 - mu2) ** 2 / np.exp(lv2), axis=-1)):
            return ("the means' term is missing: E_p[(z - mu_q)^2] has the squared difference of the means besides "
                    "the first variance.")
        if not np.allclose(lv1, lv2) and _close(got, want + np.sum(lv1 - lv2, axis=-1)):
            return ("the log-variance term has the wrong sign: the KL of p from q contains log(sigma_q^2 / sigma_p^2), "
                    "the second variance over the first.")
        return compare_arrays(got, want, self.rtol, self.atol)


# ---- exercises 3 and 4 take a linear answer apart --------------------------------------------
# q_sample and ddpm_step are linear in their array inputs, so `produce` also runs the learner's
# function with one input set to zero: each term of the answer on its own (the x0 term and the
# noise term of x_t; the mean of the reverse step and its noise term). `judge` then says which
# term is off and, for a term that is a multiple of its input, whether its factor is too large,
# too small or one of the known mistakes, instead of one message for the whole result.
def _alpha_bar(betas):
    return np.cumprod(1.0 - np.asarray(betas, "float64"))


def _per_example(values, like):
    """values (batch,) reshaped to broadcast over the trailing axes of `like`."""
    return np.reshape(values, (-1,) + (1,) * (np.ndim(like) - 1))


def _factor(part, source):
    """(factor per example, exact): the least-squares f with part[i] = f[i] * source[i] for each example i,
    and whether that describes `part` (within float32 rounding)."""
    p, s = (np.reshape(np.asarray(a, "float64"), (len(a), -1)) for a in (part, source))
    f = (p * s).sum(axis=1) / np.maximum((s * s).sum(axis=1), 1e-300)
    return f, bool(np.allclose(p, f[:, None] * s, rtol=1e-4, atol=1e-5))


def _factor_problem(term, f, want, candidates, steps):
    """A sentence on how the per-example factors `f` of `term` differ from `want`, or None. `candidates` are
    (factors, sentence) pairs for known mistakes; `steps` labels the examples (their t)."""
    off = ~np.isclose(f, want, rtol=1e-4, atol=1e-6)
    if not off.any():
        return None
    for factors, sentence in candidates:
        factors = np.broadcast_to(np.asarray(factors, "float64"), np.shape(f))
        if np.allclose(f, factors, rtol=1e-4, atol=1e-6) and not np.allclose(factors, want, rtol=1e-4, atol=1e-6):
            return sentence
    i = int(np.argmax(off))
    if f[i] * want[i] < 0:
        how = "has the wrong sign"
    elif abs(f[i]) < 1e-12:
        how = "is zero: the term is missing"
    else:
        how = "is too large" if abs(f[i]) > abs(want[i]) else "is too small"
    where = f" for {int(off.sum())} of {len(f)} examples (the first: row {i}, step t = {steps[i]})" if len(f) > 1 else ""
    return f"the factor of the {term} {how}{where}."


def _sentences(parts):
    """Sentences joined, each after the first starting with a capital."""
    return " ".join(p if i == 0 else p[0].upper() + p[1:] for i, p in enumerate(parts))


# ---- exercise 3: sampling x_t from q(x_t | x_0) in one go -------------------------------------
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
                 (r.normal(size=(5, 2)), np.zeros(5, dtype=int), r.normal(size=(5, 2)), betas10)),
            Case("2-D points at different steps", (r.normal(size=(6, 2)), np.array([0, 1, 3, 5, 8, 9]),
                                                   r.normal(size=(6, 2)), betas10)),
            Case("4x4 images at different steps (batch, 4, 4, 1)",
                 (r.uniform(-1, 1, (3, 4, 4, 1)), np.array([2, 7, 4]), r.normal(size=(3, 4, 4, 1)), betas10),
                 hint="alpha_bar[t] has shape (batch,): reshape it to (batch, 1, 1, 1) to scale whole images."),
            Case("the lesson's schedule (T = 400), steps 0, 99, 199, 399",
                 (r.uniform(-1, 1, (4, 28, 28, 1)), np.array([0, 99, 199, 399]), r.normal(size=(4, 28, 28, 1)), betas400)),
        ]
        if rng is not None:
            for i in range(4):
                T, n, d = int(rng.integers(2, 500)), int(rng.integers(1, 12)), int(rng.integers(1, 6))
                betas = np.sort(rng.uniform(1e-4, 0.1, T))
                cases.append(Case(f"random batch #{i}", (rng.normal(size=(n, d, d)), rng.integers(0, T, n),
                                                         rng.normal(size=(n, d, d)), betas)))
        return cases

    def produce(self, fn, case):
        """x_t, and its two terms: the result with noise = 0 (the x0 term) and with x0 = 0 (the noise term)."""
        x0, t, noise, betas = case.args
        full = as_array(fn(x0, t, noise, betas), "your function")     # the case's own arrays: edits in place are caught
        run = lambda a, b: as_array(fn(a.copy(), t.copy(), b.copy(), betas.copy()), "your function")
        return [full, run(x0, np.zeros_like(noise)), run(np.zeros_like(x0), noise)]

    def reference(self, x0, t, noise, betas):
        """x_t = sqrt(alpha_bar[t]) x0 + sqrt(1 - alpha_bar[t]) noise, alpha_bar = cumprod(1 - betas)."""
        x0, noise = np.asarray(x0, "float64"), np.asarray(noise, "float64")
        ab = _alpha_bar(betas)[np.asarray(t)]
        return _per_example(np.sqrt(ab), x0) * x0 + _per_example(np.sqrt(1.0 - ab), x0) * noise

    def judge(self, got, case):
        x0, t, noise, betas = case.args
        full, signal, noisy = got
        want = self.reference(*case.args)
        if full.shape != want.shape:
            return f"x_t has shape {full.shape}, but it should have the shape of x0, {want.shape}."
        if _close(full, want, self.rtol, self.atol):
            return None
        if signal.shape != want.shape or noisy.shape != want.shape:
            return compare_arrays(full, want, self.rtol, self.atol, what="x_t")
        t = np.asarray(t)
        ab = _alpha_bar(betas)
        behind, ahead = np.concatenate([[1.0], ab])[t], np.concatenate([ab, ab[-1:]])[t + 1]
        alpha = 1.0 - np.asarray(betas, "float64")[t]
        first = ab[t[0]]
        x0_candidates = (
            (np.sqrt(alpha), "x0's factor uses alpha_t = 1 - beta_t of step t alone; x_t from x0 in one go needs "
                             "alpha_bar[t], the product of (1 - beta) over all steps up to t."),
            (ab[t], "x0's factor needs a square root: sqrt(alpha_bar), since alpha_bar is the signal's variance."),
            # before "behind": at t = 0 a step behind is a factor of 1, which is no factor at all
            (np.ones(len(t)), "x0 is not scaled: the signal fades as noise comes in, by sqrt(alpha_bar[t])."),
            (np.sqrt(behind), "your alpha_bar is one step behind: in code alpha_bar[t] includes step t itself "
                              "(index 0 is the first noising step)."),
            (np.sqrt(ahead), "your alpha_bar is one step ahead: alpha_bar[t] is the product up to and including step t."),
            (np.full(len(t), np.sqrt(first)), "every example got the step of the first row: each row has its own t."),
            (np.sqrt(1 - ab[t]), "the two factors are swapped: x0 keeps sqrt(alpha_bar), the noise gets sqrt(1 - alpha_bar)."))
        noise_candidates = (
            (np.sqrt(1 - alpha), "the noise's factor uses beta_t of step t alone; in one go from x0 the noise has "
                                 "variance 1 - alpha_bar[t]."),
            (1 - ab[t], "the noise's factor needs a square root: sqrt(1 - alpha_bar), since 1 - alpha_bar is the "
                        "noise's variance."),
            (np.ones(len(t)), "the noise is not scaled: in one go from x0 it gets sqrt(1 - alpha_bar[t])."),
            (np.sqrt(1 - behind), "your alpha_bar is one step behind: in code alpha_bar[t] includes step t itself "
                                  "(index 0 is the first noising step)."),
            (np.sqrt(1 - ahead), "your alpha_bar is one step ahead: alpha_bar[t] is the product up to and including step t."),
            (np.full(len(t), np.sqrt(1 - first)), "every example got the step of the first row: each row has its own t."),
            (np.sqrt(ab[t]), "the two factors are swapped: x0 keeps sqrt(alpha_bar), the noise gets sqrt(1 - alpha_bar)."))
        problems = []
        for term, source, part, want_factor, candidates in (
                ("x0 term (your x_t with noise = 0)", x0, signal, np.sqrt(ab[t]), x0_candidates),
                ("noise term (your x_t with x0 = 0)", noise, noisy, np.sqrt(1 - ab[t]), noise_candidates)):
            f, exact = _factor(part, source)
            if not exact:
                problems.append(f"the {term} is not one multiple of its input per example: scale each example by "
                                "one number.")
                continue
            problem = _factor_problem(term, f, want_factor, candidates, t)
            if problem and problem not in problems:
                problems.append(problem)
        if not problems:       # both terms right, their sum not: the answer is not a plain sum of the two
            return compare_arrays(full, want, self.rtol, self.atol, what="x_t") + (
                " Each term is right on its own: x_t is their plain sum.")
        return _sentences(problems)


# ---- exercise 4: one reverse (sampling) step --------------------------------------------------
def _reverse_mean(x_t, t, eps_hat, betas):
    """The mean of DDPM's reverse step: (x_t - beta_t / sqrt(1 - alpha_bar_t) eps_hat) / sqrt(alpha_t)."""
    betas = np.asarray(betas, "float64")
    coef = betas[t] / np.sqrt(1.0 - _alpha_bar(betas)[t])
    return (np.asarray(x_t, "float64") - coef * np.asarray(eps_hat, "float64")) / np.sqrt(1.0 - betas[t])


class DDPMStep(Exercise):
    number, title = 4, "ddpm_step"
    hint = ("The step is a mean, made from x_t and eps_hat (what your function returns with z = 0), plus a noise "
            "term sigma_t * z; the message says which part is off. Compare that part, factor by factor, with the "
            "reverse step in the text, and mind the last step, t = 0.")
    rtol, atol = 1e-4, 1e-5          # float32 answers pass (1 - alpha_bar loses digits at small t); every registered mistake is off by far more

    def cases(self, rng=None):
        r = np.random.default_rng(17171)
        betas10 = np.linspace(0.01, 0.2, 10)
        betas400 = np.linspace(2.5e-4, 0.05, 400)
        rand = lambda *shape: r.normal(size=shape)
        cases = [
            Case("2-D points, a middle step t = 5", (rand(4, 2), 5, rand(4, 2), rand(4, 2), betas10)),
            Case("the last step, t = 0: no noise is added", (rand(4, 2), 0, rand(4, 2), rand(4, 2), betas10)),
            Case("images at the first reverse step, t = T - 1 = 9", (rand(2, 4, 4, 1), 9, rand(2, 4, 4, 1), rand(2, 4, 4, 1),
                                                                     betas10)),
            Case("the lesson's schedule (T = 400), t = 150", (rand(3, 28, 28, 1), 150, rand(3, 28, 28, 1),
                                                             rand(3, 28, 28, 1), betas400)),
            Case("the lesson's schedule, t = 1 (the last step that adds noise)",
                 (rand(3, 2), 1, rand(3, 2), rand(3, 2), betas400)),
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
        """The step, then its parts: the mean (z = 0, twice: the same inputs must give the same result), and
        the mean's two terms, from x_t alone (eps_hat = 0) and from eps_hat alone (x_t = 0)."""
        x_t, t, eps_hat, z, betas = case.args
        full = as_array(fn(x_t, t, eps_hat, z, betas), "your function")  # the case's own arrays: edits in place are caught
        run = lambda x, e, noise: as_array(fn(x.copy(), t, e.copy(), noise.copy(), betas.copy()), "your function")
        zero = np.zeros_like(z)
        return [full, run(x_t, eps_hat, zero), run(x_t, eps_hat, zero),
                run(x_t, np.zeros_like(eps_hat), zero), run(np.zeros_like(x_t), eps_hat, zero)]

    def reference(self, x_t, t, eps_hat, z, betas):
        """x_{t-1} = (x_t - beta_t / sqrt(1 - alpha_bar_t) eps_hat) / sqrt(alpha_t) + sqrt(beta_t) z (no z at t = 0)."""
        mean = _reverse_mean(x_t, int(t), eps_hat, betas)
        return mean if int(t) == 0 else mean + np.sqrt(np.asarray(betas, "float64")[int(t)]) * np.asarray(z, "float64")

    def judge(self, got, case):
        x_t, t, eps_hat, z, betas = case.args
        t, betas = int(t), np.asarray(betas, "float64")
        full, mean, again, from_x, from_eps = got
        want = self.reference(*case.args)
        if full.shape != want.shape:
            return f"the result has shape {full.shape}, but it should have the shape of x_t, {want.shape}."
        if _close(full, want, self.rtol, self.atol):
            return None
        if any(a.shape != want.shape for a in (mean, again, from_x, from_eps)):
            return compare_arrays(full, want, self.rtol, self.atol, what="x_{t-1}")
        if not np.array_equal(mean, again, equal_nan=True):
            return ("called twice with the same inputs, your function gave different results: the step's only "
                    "randomness is the z it is given; don't draw noise inside the function.")
        ab = _alpha_bar(betas)
        alpha = 1.0 - betas[t]
        want_mean = _reverse_mean(x_t, t, eps_hat, betas)
        if not _close(mean, want_mean, self.rtol, self.atol):
            problems, ratios = [], []
            coef, scale = betas[t] / np.sqrt(1.0 - ab[t]), np.sqrt(alpha)
            for term, source, part, want_factor, candidates in (
                    ("x_t term (your step with eps_hat = 0 and z = 0)", x_t, from_x, 1.0 / scale, (
                        (1.0 / np.sqrt(ab[t]), "x_t is divided by sqrt(alpha_bar_t), the running product; the step "
                                               "divides by sqrt(alpha_t) = sqrt(1 - beta_t) of this one step."),
                        (1.0, "x_t is not divided by sqrt(alpha_t) = sqrt(1 - beta_t)."))),
                    ("eps_hat term (your step with x_t = 0 and z = 0)", eps_hat, from_eps, -coef / scale, (
                        (-betas[t] / (1.0 - ab[t]) / scale, "the coefficient of eps_hat, beta_t / sqrt(1 - alpha_bar_t), "
                                                            "is missing its square root."),
                        (-1.0 / scale, "eps_hat must be scaled by beta_t / sqrt(1 - alpha_bar_t) before it is subtracted."),
                        (-1.0, "eps_hat must be scaled by beta_t / sqrt(1 - alpha_bar_t) before it is subtracted."),
                        (-np.sqrt(1.0 - ab[t]) / scale, "eps_hat's coefficient is beta_t / sqrt(1 - alpha_bar_t), not "
                                                        "sqrt(1 - alpha_bar_t)."),
                        (-coef / np.sqrt(ab[t]), "the difference is divided by sqrt(alpha_bar_t), the running product; "
                                                 "the step divides by sqrt(alpha_t) = sqrt(1 - beta_t) of this one step."),
                        (-coef, "the difference x_t - (...) eps_hat is not divided by sqrt(alpha_t) = sqrt(1 - beta_t)."),
                        (coef / scale, "eps_hat's term has the wrong sign: the step subtracts the predicted noise.")))):
                f, exact = _factor(part[None], source[None])
                if not exact:
                    problems.append(f"the {term} is not a multiple of its input: one number per step scales it.")
                    continue
                ratio = f[0] / want_factor
                if source is eps_hat and problems and ratios and np.isclose(ratio, ratios[0], rtol=1e-4):
                    break                            # the whole mean is scaled wrongly: said once, for x_t
                ratios.append(ratio)
                problem = _factor_problem(term, f, np.atleast_1d(want_factor), candidates, [t])
                if problem and problem not in problems:
                    problems.append(problem)
            if not problems:
                return (compare_arrays(mean, want_mean, self.rtol, self.atol, what="the mean (your step with z = 0)")
                        + " Each of its terms is right on its own: the mean is their plain sum.")
            return "the mean (your step with z = 0) is off: " + _sentences(problems)
        noise = full - mean                          # the mean is right: what the step adds to it
        if t == 0:
            return ("the mean is right, but at t = 0 you added noise: the last step returns the mean alone, so that "
                    "no noise is left in the final sample.")
        f, exact = _factor(noise[None], np.asarray(z, "float64")[None])
        if not exact:
            return ("the mean is right, but the noise term (your step minus your step with z = 0) is not a multiple "
                    "of z: the fresh noise is z itself, scaled by sigma_t.")
        tilde = (1.0 - ab[t - 1]) / (1.0 - ab[t]) * betas[t]
        problem = _factor_problem("noise term (your step minus your step with z = 0)", f, np.sqrt([betas[t]]), (
            (0.0, f"the mean is right, but at t = {t} you added no noise: only the last step, t = 0, returns the "
                  "mean alone."),
            (betas[t], "the mean is right, but the noise's standard deviation is sqrt(beta_t); you used beta_t, its "
                       "variance."),
            (np.sqrt(tilde), "the mean is right, but the noise has the posterior's variance (1 - alpha_bar_{t-1}) / "
                             "(1 - alpha_bar_t) beta_t; this lesson's step uses sigma_t^2 = beta_t.")), [t])
        if problem is None:
            return compare_arrays(full, want, self.rtol, self.atol, what="x_{t-1}")
        return problem if problem.startswith("the mean is right") else "the mean is right, but " + problem


EXERCISES = [ReparameterizeKL(), KLGaussians(), QSample(), DDPMStep()]
globals().update(exercises(*EXERCISES))
