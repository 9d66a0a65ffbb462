"""Lesson 17: other correct answers pass, the checks explain bad results, and the training scripts
hold the notebook's VAE code."""
import ast

import nbformat
import numpy as np
import pytest

from dlbasics import build
from dlbasics.checks import lesson
from dlbasics.checks.core import CheckFailed


def test_alternative_implementations_pass():
    import tensorflow as tf

    l17 = lesson("17")

    def reparameterize_numpy(mean, log_var, eps):            # NumPy, std via sqrt(exp(.)), a list back
        std = np.sqrt(np.exp(log_var))
        kl = -0.5 * np.sum(1 + log_var - mean ** 2 - np.exp(log_var), axis=1)    # the paper's form
        return [mean + std * eps, kl]

    def reparameterize_tf(mean, log_var, eps):                # TensorFlow tensors back
        mean, log_var, eps = (tf.constant(a) for a in (mean, log_var, eps))
        z = mean + tf.exp(log_var / 2) * eps
        kl = tf.reduce_sum(0.5 * (tf.square(mean) + tf.exp(log_var) - log_var - 1), axis=-1)
        return z, kl

    def kl_with_log_sigmas(mu1, log_var1, mu2, log_var2):    # the textbook form with log(sigma2 / sigma1)
        s1, s2 = np.exp(0.5 * np.asarray(log_var1)), np.exp(0.5 * np.asarray(log_var2))
        per_dim = np.log(s2 / s1) + (s1 ** 2 + (np.asarray(mu1) - mu2) ** 2) / (2 * s2 ** 2) - 0.5
        return per_dim.sum(-1)

    def kl_via_traces(mu1, log_var1, mu2, log_var2):          # the multivariate formula, one row at a time
        out = []
        for m1, l1, m2, l2 in zip(mu1, log_var1, mu2, log_var2):
            c1, c2inv = np.diag(np.exp(l1)), np.diag(np.exp(-l2))
            d = m2 - m1
            out.append(0.5 * (np.trace(c2inv @ c1) + d @ c2inv @ d - len(m1) + np.sum(l2) - np.sum(l1)))
        return np.array(out)

    def q_sample_loop(x0, t, noise, betas):                   # a running product per example, float32
        out = np.empty_like(x0, dtype="float32")
        for i, ti in enumerate(t):
            ab = 1.0
            for s in range(int(ti) + 1):
                ab *= 1 - betas[s]
            out[i] = np.sqrt(ab) * x0[i] + np.sqrt(1 - ab) * noise[i]
        return out

    def q_sample_float32(x0, t, noise, betas):                # the solution's formula computed in float32
        ab = np.cumprod(1 - np.asarray(betas, dtype="float32"))[np.asarray(t)]
        ab = ab.reshape((-1,) + (1,) * (np.ndim(x0) - 1))
        return np.sqrt(ab) * np.float32(x0) + np.sqrt(1 - ab) * np.float32(noise)

    def q_sample_tf(x0, t, noise, betas):                     # tf.gather + broadcasting by expand_dims
        ab = tf.math.cumprod(1 - tf.constant(betas))
        a = tf.gather(ab, t)
        for _ in range(np.ndim(x0) - 1):
            a = a[..., None]
        return tf.sqrt(a) * x0 + tf.sqrt(1 - a) * noise

    def q_sample_transposed(x0, t, noise, betas):             # broadcasting over the batch axis by transposing
        ab = np.cumprod(1 - np.asarray(betas))[t]
        return (np.sqrt(ab) * x0.T).T + (np.sqrt(1 - ab) * noise.T).T

    def ddpm_step_via_x0(x_t, t, eps_hat, z, betas):          # through the estimate of x0 and the posterior mean
        ab = np.cumprod(1 - betas)
        ab_prev = ab[t - 1] if t > 0 else 1.0
        x0_hat = (x_t - np.sqrt(1 - ab[t]) * eps_hat) / np.sqrt(ab[t])
        mean = (np.sqrt(ab_prev) * betas[t] / (1 - ab[t]) * x0_hat
                + np.sqrt(1 - betas[t]) * (1 - ab_prev) / (1 - ab[t]) * x_t)
        return mean + (np.sqrt(betas[t]) * z if t > 0 else 0)

    def ddpm_step_float32(x_t, t, eps_hat, z, betas):         # float32 throughout, noise scaled by 0 at t = 0
        x_t, eps_hat, z, betas = (np.asarray(a, "float32") for a in (x_t, eps_hat, z, betas))
        alpha = 1 - betas
        ab = np.cumprod(alpha)
        sigma = np.sqrt(betas[t]) * (t > 0)
        return 1 / np.sqrt(alpha[t]) * (x_t - (1 - alpha[t]) / np.sqrt(1 - ab[t]) * eps_hat) + sigma * z

    l17.exercise_1(reparameterize_numpy)
    l17.exercise_1(reparameterize_tf)
    l17.exercise_1(l17.reference(1))                          # keras.ops, as the lesson's solution
    l17.exercise_2(kl_with_log_sigmas)
    l17.exercise_2(kl_via_traces)
    l17.exercise_3(q_sample_loop)
    l17.exercise_3(q_sample_tf)
    l17.exercise_3(q_sample_float32)
    l17.exercise_3(q_sample_transposed)
    with pytest.raises(CheckFailed, match="shape"):
        l17.exercise_3(lambda x0, t, noise, betas: q_sample_loop(x0, t, noise, betas)[:, None])
    def ddpm_step_sigma_where(x_t, t, eps_hat, z, betas):    # tensors back; sigma by np.where, alpha from 1 - beta
        alpha = 1.0 - tf.constant(betas)
        ab = tf.math.cumprod(alpha)
        sigma = tf.where(t > 0, tf.sqrt(1.0 - alpha[t]), 0.0)
        return (x_t - (1.0 - alpha[t]) / tf.sqrt(1.0 - ab[t]) * eps_hat) / tf.sqrt(alpha[t]) + sigma * z

    l17.exercise_4(ddpm_step_via_x0)
    l17.exercise_4(ddpm_step_sigma_where)
    # float32 rounding is ~1e-7 relative, but 1 - alpha_bar loses digits at t = 0 or 1 with a small beta
    # (errors up to ~3e-6): the grader's random cases of these seeds failed float32 at rtol 1e-5 / atol 1e-6
    l17.exercise_4(ddpm_step_float32)
    step = l17.EXERCISES[3]
    for seed in (41, 45, 55, 72, 161):
        for case in step.cases(np.random.default_rng(seed)):
            assert step.try_case(ddpm_step_float32, case) is None, (seed, case.label)


def _definitions(source):
    tree = ast.parse(source)
    return {node.name: ast.get_source_segment(source, node) for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def test_vae_training_script_uses_the_notebooks_code():
    """scripts/train_vae_fashion.py holds copies of the notebook's make_vae and vae_step, and its
    reparameterize_and_kl passes exercise 1's check."""
    nb = nbformat.read(build.ROOT / "solutions" / "17_vaes_and_diffusion.ipynb", 4)
    notebook = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.id == "vae-model":
            notebook.update(_definitions(cell.source))
    source = (build.ROOT / "scripts" / "train_vae_fashion.py").read_text()
    script = _definitions(source)
    for name in ("make_vae", "vae_step"):
        assert script[name] == notebook[name], f"{name} differs between the notebook and the training script"
    namespace = {}
    exec("import numpy as np\nfrom keras import ops\n" + script["reparameterize_and_kl"], namespace)
    lesson("17").exercise_1(namespace["reparameterize_and_kl"])


def test_ddpm_schedule_matches_the_notebook():
    """The shipped diffusion model was trained with the notebook's schedule (T = 400, linear_betas)."""
    nb = nbformat.read(build.ROOT / "solutions" / "17_vaes_and_diffusion.ipynb", 4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.id == "schedule")
    namespace = {"np": np}
    exec(_definitions(cell.source)["linear_betas"], namespace)
    assert "T = 400" in cell.source
    script = (build.ROOT / "scripts" / "train_ddpm_fashion.py").read_text()
    assert "T = 400" in script and "np.linspace(2.5e-4, 0.05, T)" in script
    assert np.allclose(namespace["linear_betas"](400), np.linspace(2.5e-4, 0.05, 400))


def test_an_unscaled_x0_is_named_as_such():
    """At t = 0 an alpha_bar one step behind is a factor of 1, like no factor at all: the message must name
    the missing factor, not an off-by-one (a third reader's finding)."""
    from wrong_answers.lesson17 import q_sample_x0_not_scaled

    with pytest.raises(CheckFailed, match="x0 is not scaled"):
        lesson("17").exercise_3(q_sample_x0_not_scaled)
