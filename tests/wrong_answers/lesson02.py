"""Plausible mistakes for the exercises of lesson 02 (see tests/wrong_answers/__init__.py)."""
import numpy as np

from ._registry import registry

WRONG, wrong = registry()


@wrong(1)
def sigmoid_sign_error(x):
    return 1 / (1 + np.exp(np.asarray(x, float)))


@wrong(1)
def sigmoid_exp_over_one_plus_exp(x):
    e = np.exp(np.asarray(x, float))
    return e / (1 + e)


@wrong(1)
def sigmoid_clipped_too_hard(x):
    return 1 / (1 + np.exp(-np.clip(np.asarray(x, float), -10, 10)))  # "stable", but wrong beyond |x| > 10


@wrong(2)
def softmax_naive(x, axis=-1):
    e = np.exp(np.asarray(x, float))
    return e / e.sum(axis=axis, keepdims=True)


@wrong(2)
def softmax_global_max(x, axis=-1):
    x = np.asarray(x, float)
    e = np.exp(x - x.max())
    return e / e.sum(axis=axis, keepdims=True)


@wrong(2)
def softmax_ignores_axis(x, axis=-1):
    x = np.asarray(x, float)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@wrong(2)
def softmax_sums_whole_array(x, axis=-1):
    x = np.asarray(x, float)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum()


@wrong(3)
def swish_ignores_beta(x, beta=1.0):
    x = np.asarray(x, float)
    return x / (1 + np.exp(-np.clip(x, -500, 500)))


@wrong(3)
def swish_beta_outside(x, beta=1.0):
    x = np.asarray(x, float)
    return beta * x / (1 + np.exp(-np.clip(x, -500, 500)))


@wrong(3)
def swish_naive_nan(x, beta=1.0):
    x = np.asarray(x, float)
    e = np.exp(beta * x)
    return x * e / (1 + e)
