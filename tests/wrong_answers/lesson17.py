"""Plausible mistakes for the exercises of lesson 17 (see tests/wrong_answers/__init__.py)."""
import numpy as np

from ._registry import registry

WRONG, wrong = registry()


def _kl(mean, log_var):
    return 0.5 * (mean ** 2 + np.exp(log_var) - 1.0 - log_var)


# ---- exercise 1 ---------------------------------------------------------------------------------
@wrong(1)
def reparameterize_log_var_as_std(mean, log_var, eps):
    return mean + log_var * eps, np.sum(_kl(mean, log_var), axis=-1)


@wrong(1)
def reparameterize_variance_as_std(mean, log_var, eps):
    return mean + np.exp(log_var) * eps, np.sum(_kl(mean, log_var), axis=-1)


@wrong(1)
def kl_wrong_sign(mean, log_var, eps):
    return mean + np.exp(0.5 * log_var) * eps, -np.sum(_kl(mean, log_var), axis=-1)


@wrong(1)
def kl_mean_over_latent_dims(mean, log_var, eps):
    return mean + np.exp(0.5 * log_var) * eps, np.mean(_kl(mean, log_var), axis=-1)


@wrong(1)
def kl_missing_half(mean, log_var, eps):
    return mean + np.exp(0.5 * log_var) * eps, np.sum(2 * _kl(mean, log_var), axis=-1)


@wrong(1)
def kl_summed_over_batch_too(mean, log_var, eps):
    return mean + np.exp(0.5 * log_var) * eps, np.sum(_kl(mean, log_var))


@wrong(1)
def kl_sign_of_log_var_flipped(mean, log_var, eps):
    # + log sigma^2 instead of - log sigma^2
    return mean + np.exp(0.5 * log_var) * eps, 0.5 * np.sum(mean ** 2 + np.exp(log_var) - 1.0 + log_var, axis=-1)


@wrong(1)
def kl_without_the_minus_one(mean, log_var, eps):
    return mean + np.exp(0.5 * log_var) * eps, 0.5 * np.sum(mean ** 2 + np.exp(log_var) - log_var, axis=-1)


@wrong(1)
def returns_kl_then_z(mean, log_var, eps):
    return np.sum(_kl(mean, log_var), axis=-1), mean + np.exp(0.5 * log_var) * eps


# ---- exercise 2 ---------------------------------------------------------------------------------
def _kl2(mu1, lv1, mu2, lv2):
    return 0.5 * np.sum(lv2 - lv1 + (np.exp(lv1) + (mu1 - mu2) ** 2) / np.exp(lv2) - 1.0, axis=-1)


@wrong(2)
def kl_gaussians_reversed(mu1, log_var1, mu2, log_var2):
    return _kl2(mu2, log_var2, mu1, log_var1)


@wrong(2)
def kl_gaussians_mean_term_over_first_variance(mu1, log_var1, mu2, log_var2):
    return 0.5 * np.sum(log_var2 - log_var1 + (np.exp(log_var1) + (mu1 - mu2) ** 2) / np.exp(log_var1) - 1.0, axis=-1)


@wrong(2)
def kl_gaussians_missing_half(mu1, log_var1, mu2, log_var2):
    return 2 * _kl2(mu1, log_var1, mu2, log_var2)


@wrong(2)
def kl_gaussians_log_ratio_flipped(mu1, log_var1, mu2, log_var2):
    # log(sigma1^2 / sigma2^2) where log(sigma2^2 / sigma1^2) belongs
    return 0.5 * np.sum(log_var1 - log_var2 + (np.exp(log_var1) + (mu1 - mu2) ** 2) / np.exp(log_var2) - 1.0, axis=-1)


@wrong(2)
def kl_gaussians_only_prior_case(mu1, log_var1, mu2, log_var2):
    # exercise 1's formula: ignores the second Gaussian
    return 0.5 * np.sum(mu1 ** 2 + np.exp(log_var1) - 1.0 - log_var1, axis=-1)


@wrong(2)
def kl_gaussians_not_summed(mu1, log_var1, mu2, log_var2):
    return 0.5 * (log_var2 - log_var1 + (np.exp(log_var1) + (mu1 - mu2) ** 2) / np.exp(log_var2) - 1.0)


@wrong(2)
def kl_gaussians_without_the_minus_one(mu1, log_var1, mu2, log_var2):
    return _kl2(mu1, log_var1, mu2, log_var2) + 0.5 * np.shape(mu1)[-1]


@wrong(2)
def kl_gaussians_means_term_missing(mu1, log_var1, mu2, log_var2):
    # E[(z - mu2)^2] taken as sigma1^2 alone
    return 0.5 * np.sum(log_var2 - log_var1 + np.exp(log_var1) / np.exp(log_var2) - 1.0, axis=-1)


# ---- exercise 3 ---------------------------------------------------------------------------------
def _bcast(values, like):
    return np.reshape(values, (-1,) + (1,) * (np.ndim(like) - 1))


@wrong(3)
def q_sample_no_square_roots(x0, t, noise, betas):
    ab = _bcast(np.cumprod(1 - betas)[t], x0)
    return ab * x0 + (1 - ab) * noise


@wrong(3)
def q_sample_alpha_not_alpha_bar(x0, t, noise, betas):
    a = _bcast((1 - betas)[t], x0)
    return np.sqrt(a) * x0 + np.sqrt(1 - a) * noise


@wrong(3)
def q_sample_off_by_one(x0, t, noise, betas):
    # alpha_bar of the steps before t only (exclusive product): t = 0 gives back x0
    ab = np.concatenate([[1.0], np.cumprod(1 - betas)])[t]
    ab = _bcast(ab, x0)
    return np.sqrt(ab) * x0 + np.sqrt(1 - ab) * noise


@wrong(3)
def q_sample_sqrt_missing_on_noise(x0, t, noise, betas):
    ab = _bcast(np.cumprod(1 - betas)[t], x0)
    return np.sqrt(ab) * x0 + (1 - ab) * noise


@wrong(3)
def q_sample_factors_swapped(x0, t, noise, betas):
    ab = _bcast(np.cumprod(1 - betas)[t], x0)
    return np.sqrt(1 - ab) * x0 + np.sqrt(ab) * noise


@wrong(3)
def q_sample_noise_of_one_step(x0, t, noise, betas):
    # the signal in one go, but the noise of step t alone (sqrt(beta_t))
    ab = _bcast(np.cumprod(1 - betas)[t], x0)
    return np.sqrt(ab) * x0 + np.sqrt(_bcast(betas[t], x0)) * noise


@wrong(3)
def q_sample_scales_x0_in_place(x0, t, noise, betas):
    # right values, but the caller's x0 is overwritten (np.asarray of a float64 array is no copy)
    x0 = np.asarray(x0, dtype="float64")
    x0 *= _bcast(np.sqrt(np.cumprod(1 - betas)[t]), x0)
    return x0 + _bcast(np.sqrt(1 - np.cumprod(1 - betas)[t]), x0) * noise


@wrong(3)
def q_sample_first_step_for_everyone(x0, t, noise, betas):
    # one step for the whole batch (the first row's), not one per example
    ab = np.cumprod(1 - betas)[np.ravel(t)[0]]
    return np.sqrt(ab) * x0 + np.sqrt(1 - ab) * noise


# ---- exercise 4 ---------------------------------------------------------------------------------
def _mean(x_t, t, eps_hat, betas):
    ab = np.cumprod(1 - betas)
    return (x_t - betas[t] / np.sqrt(1 - ab[t]) * eps_hat) / np.sqrt(1 - betas[t])


@wrong(4)
def ddpm_step_noise_at_zero(x_t, t, eps_hat, z, betas):
    return _mean(x_t, t, eps_hat, betas) + np.sqrt(betas[t]) * z


@wrong(4)
def ddpm_step_beta_as_std(x_t, t, eps_hat, z, betas):
    mean = _mean(x_t, t, eps_hat, betas)
    return mean if t == 0 else mean + betas[t] * z


@wrong(4)
def ddpm_step_coefficient_without_sqrt(x_t, t, eps_hat, z, betas):
    ab = np.cumprod(1 - betas)
    mean = (x_t - betas[t] / (1 - ab[t]) * eps_hat) / np.sqrt(1 - betas[t])
    return mean if t == 0 else mean + np.sqrt(betas[t]) * z


@wrong(4)
def ddpm_step_divides_by_alpha_bar(x_t, t, eps_hat, z, betas):
    ab = np.cumprod(1 - betas)
    mean = (x_t - betas[t] / np.sqrt(1 - ab[t]) * eps_hat) / np.sqrt(ab[t])
    return mean if t == 0 else mean + np.sqrt(betas[t]) * z


@wrong(4)
def ddpm_step_subtracts_raw_noise(x_t, t, eps_hat, z, betas):
    mean = (x_t - eps_hat) / np.sqrt(1 - betas[t])
    return mean if t == 0 else mean + np.sqrt(betas[t]) * z


@wrong(4)
def ddpm_step_noise_skipped_at_one_too(x_t, t, eps_hat, z, betas):
    # treats t = 1 as the last step (1-based thinking)
    mean = _mean(x_t, t, eps_hat, betas)
    return mean if t <= 1 else mean + np.sqrt(betas[t]) * z


@wrong(4)
def ddpm_step_posterior_variance(x_t, t, eps_hat, z, betas):
    # Ho et al.'s other choice, sigma_t^2 = tilde beta_t; the exercise asks for beta_t (a sigma mistake)
    ab = np.cumprod(1 - betas)
    mean = _mean(x_t, t, eps_hat, betas)
    return mean if t == 0 else mean + np.sqrt((1 - ab[t - 1]) / (1 - ab[t]) * betas[t]) * z


@wrong(4)
def ddpm_step_draws_its_own_noise(x_t, t, eps_hat, z, betas):
    mean = _mean(x_t, t, eps_hat, betas)
    return mean if t == 0 else mean + np.sqrt(betas[t]) * np.random.normal(size=np.shape(x_t))


@wrong(4)
def ddpm_step_adds_the_noise_guess(x_t, t, eps_hat, z, betas):
    # + instead of - in the mean (a mean mistake)
    ab = np.cumprod(1 - betas)
    mean = (x_t + betas[t] / np.sqrt(1 - ab[t]) * eps_hat) / np.sqrt(1 - betas[t])
    return mean if t == 0 else mean + np.sqrt(betas[t]) * z


@wrong(4)
def ddpm_step_divides_only_the_noise_term(x_t, t, eps_hat, z, betas):
    # a missing bracket: x_t - c * eps_hat / sqrt(alpha_t) (a mean mistake)
    ab = np.cumprod(1 - betas)
    mean = x_t - betas[t] / np.sqrt(1 - ab[t]) * eps_hat / np.sqrt(1 - betas[t])
    return mean if t == 0 else mean + np.sqrt(betas[t]) * z


@wrong(4)
def ddpm_step_noise_inside_the_bracket(x_t, t, eps_hat, z, betas):
    # sigma_t z added before dividing by sqrt(alpha_t): a noise term too large (a sigma mistake)
    ab = np.cumprod(1 - betas)
    inner = x_t - betas[t] / np.sqrt(1 - ab[t]) * eps_hat + (np.sqrt(betas[t]) * z if t > 0 else 0.0)
    return inner / np.sqrt(1 - betas[t])


@wrong(4)
def ddpm_step_edits_x_t_in_place(x_t, t, eps_hat, z, betas):
    # right values, but the caller's x_t is overwritten
    x_t = np.asarray(x_t, dtype="float64")
    x_t -= betas[t] / np.sqrt(1 - np.cumprod(1 - betas)[t]) * eps_hat
    x_t /= np.sqrt(1 - betas[t])
    return x_t if t == 0 else x_t + np.sqrt(betas[t]) * z


@wrong(3)
def q_sample_x0_not_scaled(x0, t, noise, betas):
    # a third reader's mistake: the noise is added right, the signal is not faded (was told "one step behind")
    ab = _bcast(np.cumprod(1 - betas)[t], x0)
    return x0 + np.sqrt(1 - ab) * noise
