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


@wrong(3)
def momentum_forgets_velocity(w, velocity, grad, lr, momentum):
    return w - lr * grad, velocity


@wrong(3)
def momentum_velocity_scaled_again(w, velocity, grad, lr, momentum):
    velocity = momentum * velocity - grad
    return w + lr * velocity, velocity * lr


@wrong(3)
def momentum_applied_to_gradient_only(w, velocity, grad, lr, momentum):
    velocity = momentum * velocity - lr * grad
    return w - lr * grad, velocity
