"""Plausible mistakes for the exercises of lesson 02 (see tests/wrong_answers/__init__.py)."""
import numpy as np

from ._registry import registry

WRONG, wrong = registry()


@wrong(1)
def sigmoid_textbook(x):
    # right values (1/(1+inf) = 0), but exp(1000) overflows on the way: the check raises on it
    return 1 / (1 + np.exp(-np.asarray(x, float)))


@wrong(1)
def sigmoid_exp_over_one_plus_exp(x):
    e = np.exp(np.asarray(x, float))
    return e / (1 + e)


@wrong(1)
def sigmoid_where_both_branches(x):
    x = np.asarray(x, float)
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))


@wrong(1)
def sigmoid_sign_error(x):
    e = np.exp(-np.abs(np.asarray(x, float)))
    return np.where(np.asarray(x) >= 0, e / (1 + e), 1 / (1 + e))


@wrong(1)
def sigmoid_clipped_too_hard(x):
    return 1 / (1 + np.exp(-np.clip(np.asarray(x, float), -10, 10)))  # "stable", but wrong beyond |x| > 10


@wrong(1)
def sigmoid_tanh_form_wrong_scale(x):
    return 0.5 * (1 + np.tanh(np.asarray(x, float)))                    # tanh(x/2), not tanh(x)


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
def softmax_min_shift(x, axis=-1):
    x = np.asarray(x, float)
    e = np.exp(x - x.min(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@wrong(2)
def softmax_mean_shift(x, axis=-1):
    x = np.asarray(x, float)
    e = np.exp(x - x.mean(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@wrong(2)
def softmax_ignores_axis(x, axis=-1):
    x = np.asarray(x, float)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@wrong(2)
def softmax_max_over_other_axis(x, axis=-1):
    x = np.asarray(x, float)
    e = np.exp(x - x.max(axis=0))                                         # column maxima, not the slice's own
    return e / e.sum(axis=axis, keepdims=True)


@wrong(2)
def softmax_sums_whole_array(x, axis=-1):
    x = np.asarray(x, float)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum()


@wrong(2)
def softmax_clipped_logits(x, axis=-1):
    e = np.exp(np.clip(np.asarray(x, float), -500, 500))
    return e / e.sum(axis=axis, keepdims=True)


@wrong(3)
def log_sigmoid_naive(x):
    return np.log(1 / (1 + np.exp(-np.asarray(x, float))))


@wrong(3)
def log_sigmoid_of_stable_sigmoid(x):
    x = np.asarray(x, float)
    e = np.exp(-np.abs(x))
    return np.log(np.where(x >= 0, 1 / (1 + e), e / (1 + e)))           # sigmoid(-1000) = 0, log(0) = -inf


@wrong(3)
def log_sigmoid_epsilon(x):
    x = np.asarray(x, float)
    e = np.exp(-np.abs(x))
    return np.log(np.where(x >= 0, 1 / (1 + e), e / (1 + e)) + 1e-12)   # no -inf, but wrong below -27


@wrong(3)
def log_sigmoid_minus_log1p_exp(x):
    return -np.log1p(np.exp(-np.asarray(x, float)))                      # exact, but exp(1000) for x = -1000


@wrong(3)
def log_sigmoid_where_both_branches(x):
    x = np.asarray(x, float)
    return np.where(x >= 0, -np.log1p(np.exp(-x)), x - np.log1p(np.exp(x)))


@wrong(3)
def log_sigmoid_forgets_min_term(x):
    return -np.log1p(np.exp(-np.abs(np.asarray(x, float))))


@wrong(3)
def log_sigmoid_max_instead_of_min(x):
    x = np.asarray(x, float)
    return np.maximum(x, 0) - np.log1p(np.exp(-np.abs(x)))


@wrong(3)
def log_sigmoid_is_softplus(x):
    x = np.asarray(x, float)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))               # softplus(x) = -log_sigmoid(-x)


@wrong(1)
def sigmoid_overwrites_its_input(x):
    x = np.asarray(x, float)                  # the same array as the caller's when x is float64
    e = np.exp(-np.abs(x))
    pos = x >= 0
    x[pos] = 1 / (1 + e[pos])
    x[~pos] = e[~pos] / (1 + e[~pos])
    return x


@wrong(2)
def softmax_without_keepdims(x, axis=-1):
    x = np.asarray(x, float)
    e = np.exp(x - x.max(axis=axis))
    return e / e.sum(axis=axis)


@wrong(1)
def sigmoid_silences_the_overflow(x):
    # the textbook form with the error switched off: the overflow is still there, just hidden
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-np.asarray(x, float)))


@wrong(2)
def softmax_shift_by_largest_magnitude(x, axis=-1):
    # every exponent <= 0, but the largest logit does not become 0: [-1000, 1, 2] underflows to 0/0
    x = np.asarray(x, float)
    e = np.exp(x - np.abs(x).max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
