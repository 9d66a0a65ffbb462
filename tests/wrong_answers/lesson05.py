"""Plausible mistakes for the exercises of lesson 05 (see tests/wrong_answers/__init__.py)."""
import numpy as np

from ._registry import registry

WRONG, wrong = registry()


@wrong(1)
def gd_step_uphill(w, b, x, y, lr):
    e = np.asarray(x) @ w + b - y
    return w + lr * 2 * np.asarray(x).T @ e / len(y), b + lr * 2 * e.mean()


@wrong(1)
def gd_step_sum_not_mean(w, b, x, y, lr):
    e = np.asarray(x) @ w + b - y
    return w - lr * 2 * np.asarray(x).T @ e, b - lr * 2 * e.sum()


@wrong(1)
def gd_step_bias_frozen(w, b, x, y, lr):
    e = np.asarray(x) @ w + b - y
    return w - lr * 2 * np.asarray(x).T @ e / len(y), b



@wrong(1)
def gd_step_without_factor_two(w, b, x, y, lr):
    e = np.asarray(x) @ w + b - y
    return w - lr * np.asarray(x).T @ e / len(y), b - lr * e.mean()


@wrong(1)
def gd_step_updates_w_in_place(w, b, x, y, lr):
    w = np.asarray(w, dtype="float64")            # no copy: w is the caller's array
    e = np.asarray(x) @ w + b - y
    w -= lr * 2 * np.asarray(x).T @ e / len(y)
    return w, b - lr * 2 * e.mean()


@wrong(1)
def gd_step_bias_gradient_summed(w, b, x, y, lr):
    e = np.asarray(x) @ w + b - y
    return w - lr * 2 * np.asarray(x).T @ e / len(y), b - lr * 2 * e.sum()


@wrong(1)
def gd_step_divides_by_the_number_of_features(w, b, x, y, lr):
    x = np.asarray(x)
    e = x @ w + b - y
    return w - lr * 2 * x.T @ e / x.shape[1], b - lr * 2 * e.mean()

@wrong(2)
def minibatches_not_shuffled(x, y, batch_size, rng):
    for start in range(0, len(y), batch_size):
        yield x[start:start + batch_size], y[start:start + batch_size]


@wrong(2)
def minibatches_drop_the_remainder(x, y, batch_size, rng):
    order = rng.permutation(len(y))
    for start in range(0, len(y) - batch_size + 1, batch_size):
        idx = order[start:start + batch_size]
        yield x[idx], y[idx]


@wrong(2)
def minibatches_shuffle_x_and_y_separately(x, y, batch_size, rng):
    ox, oy = rng.permutation(len(y)), rng.permutation(len(y))
    for start in range(0, len(y), batch_size):
        yield x[ox[start:start + batch_size]], y[oy[start:start + batch_size]]


@wrong(2)
def minibatches_sample_with_replacement(x, y, batch_size, rng):
    for start in range(0, len(y), batch_size):
        idx = rng.integers(0, len(y), min(batch_size, len(y) - start))
        yield x[idx], y[idx]


@wrong(2)
def minibatches_global_numpy_generator(x, y, batch_size, rng):
    order = np.random.permutation(len(y))            # ignores rng: a seed no longer reproduces the run
    for start in range(0, len(y), batch_size):
        idx = order[start:start + batch_size]
        yield x[idx], y[idx]


@wrong(2)
def minibatches_fresh_unseeded_generator(x, y, batch_size, rng):
    order = np.random.default_rng().permutation(len(y))
    for start in range(0, len(y), batch_size):
        idx = order[start:start + batch_size]
        yield x[idx], y[idx]


@wrong(2)
def minibatches_own_fixed_seed(x, y, batch_size, rng):
    order = np.random.default_rng(42).permutation(len(y))   # same order every epoch, whatever rng says
    for start in range(0, len(y), batch_size):
        idx = order[start:start + batch_size]
        yield x[idx], y[idx]


@wrong(2)
def minibatches_shuffle_in_place(x, y, batch_size, rng):
    order = rng.permutation(len(y))
    x[:], y[:] = x[order], y[order]                   # reorders the caller's arrays
    for start in range(0, len(y), batch_size):
        yield x[start:start + batch_size], y[start:start + batch_size]


@wrong(2)
def minibatches_new_permutation_per_batch(x, y, batch_size, rng):
    for start in range(0, len(y), batch_size):
        idx = rng.permutation(len(y))[:min(batch_size, len(y) - start)]
        yield x[idx], y[idx]


def _adam(w, grad, m, v, t, lr, beta_1, beta_2, epsilon, correct=True, eps_on_hat=False, eps_inside=False,
          swap=False, square=True, uphill=False, correct_m_only=False):
    g = np.asarray(grad, float)
    m = (beta_1 * g + (1 - beta_1) * m) if swap else (beta_1 * m + (1 - beta_1) * g)
    v = beta_2 * v + (1 - beta_2) * (g ** 2 if square else np.abs(g))
    m_hat = m / (1 - beta_1 ** t) if correct else m
    v_hat = v / (1 - beta_2 ** t) if correct and not correct_m_only else v
    if eps_inside:
        step = lr * m_hat / np.sqrt(v_hat + epsilon)
    elif eps_on_hat or not correct or correct_m_only:
        step = lr * m_hat / (np.sqrt(v_hat) + epsilon)
    else:
        step = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t) * m / (np.sqrt(v) + epsilon)
    return (w + step if uphill else w - step), m, v


@wrong(3)
def adam_without_bias_correction(w, grad, m, v, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return _adam(w, grad, m, v, t, lr, beta_1, beta_2, epsilon, correct=False)


@wrong(3)
def adam_paper_epsilon_on_v_hat(w, grad, m, v, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return _adam(w, grad, m, v, t, lr, beta_1, beta_2, epsilon, eps_on_hat=True)


@wrong(3)
def adam_epsilon_inside_the_square_root(w, grad, m, v, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return _adam(w, grad, m, v, t, lr, beta_1, beta_2, epsilon, eps_inside=True)


@wrong(3)
def adam_step_counted_from_zero(w, grad, m, v, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return _adam(w, grad, m, v, t - 1, lr, beta_1, beta_2, epsilon)


@wrong(3)
def adam_betas_weight_the_new_gradient(w, grad, m, v, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return _adam(w, grad, m, v, t, lr, beta_1, beta_2, epsilon, swap=True)


@wrong(3)
def adam_second_moment_of_abs_not_square(w, grad, m, v, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return _adam(w, grad, m, v, t, lr, beta_1, beta_2, epsilon, square=False)


@wrong(3)
def adam_corrects_only_the_first_moment(w, grad, m, v, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return _adam(w, grad, m, v, t, lr, beta_1, beta_2, epsilon, correct_m_only=True)


@wrong(3)
def adam_steps_uphill(w, grad, m, v, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return _adam(w, grad, m, v, t, lr, beta_1, beta_2, epsilon, uphill=True)


@wrong(3)
def adam_is_momentum_sgd(w, grad, m, v, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m - lr * np.asarray(grad, float)            # the old momentum exercise's update
    return w + m, m, v


@wrong(2)
def minibatches_shuffle_only_the_batch_order(x, y, batch_size, rng):
    starts = rng.permutation(np.arange(0, len(y), batch_size))     # fixed batches, visited in random order
    for start in starts:
        yield x[start:start + batch_size], y[start:start + batch_size]


@wrong(2)
def minibatches_shuffle_a_copy_of_rng(x, y, batch_size, rng):
    import copy

    order = copy.deepcopy(rng).permutation(len(y))    # leaves rng untouched: every epoch gets the same order
    for start in range(0, len(y), batch_size):
        idx = order[start:start + batch_size]
        yield x[idx], y[idx]
