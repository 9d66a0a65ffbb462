"""Plausible mistakes for the exercises of lesson 03 (see tests/wrong_answers/__init__.py)."""
import numpy as np

from ._registry import registry

WRONG, wrong = registry()


@wrong(1)
def huber_always_quadratic(y_true, y_pred, delta=1.0):
    return float(np.mean(0.5 * (np.asarray(y_pred, float) - y_true) ** 2))


@wrong(1)
def huber_ignores_delta(y_true, y_pred, delta=1.0):
    e = np.abs(np.asarray(y_pred, float) - y_true)
    return float(np.mean(np.where(e <= 1, 0.5 * e**2, e - 0.5)))


@wrong(1)
def huber_sums_instead_of_mean(y_true, y_pred, delta=1.0):
    e = np.abs(np.asarray(y_pred, float) - y_true)
    return float(np.sum(np.where(e <= delta, 0.5 * e**2, delta * (e - 0.5 * delta))))


@wrong(2)
def bce_naive_from_probabilities(y_true, logits):
    p = 1 / (1 + np.exp(-np.asarray(logits, float)))
    return float(np.mean(-(y_true * np.log(p) + (1 - np.asarray(y_true)) * np.log(1 - p))))


@wrong(2)
def bce_clipped_like_keras_probabilities(y_true, logits):
    with np.errstate(over="ignore"):
        p = np.clip(1 / (1 + np.exp(-np.asarray(logits, float))), 1e-7, 1 - 1e-7)
    return float(np.mean(-(y_true * np.log(p) + (1 - np.asarray(y_true)) * np.log(1 - p))))


@wrong(2)
def bce_naive_logaddexp_free(y_true, logits):
    """log(1 + exp(-z)) written out: exp(800) overflows for a large negative logit."""
    z, y = np.asarray(logits, float), np.asarray(y_true, float)
    return float(np.mean((1 - y) * z + np.log(1 + np.exp(-z))))


@wrong(2)
def bce_log_of_stable_sigmoid(y_true, logits):
    """A carefully stable sigmoid, then log(p) and log(1 - p): 1 - sigmoid(50) is 0, log(0) = -inf."""
    z, y = np.asarray(logits, float), np.asarray(y_true, float)
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


@wrong(2)
def bce_sign_error(y_true, logits):
    z = np.asarray(logits, float)
    return float(np.mean(np.maximum(z, 0) + z * y_true + np.log1p(np.exp(-np.abs(z)))))


@wrong(3)
def scce_without_max_shift(labels, logits):
    z = np.asarray(logits, float)
    with np.errstate(over="ignore"):
        lse = np.log(np.exp(z).sum(axis=1))
    return float(np.mean(lse - z[np.arange(len(z)), np.asarray(labels).astype(int)]))


@wrong(3)
def scce_takes_first_column(labels, logits):
    z = np.asarray(logits, float)
    m = z.max(axis=1, keepdims=True)
    return float(np.mean(m[:, 0] + np.log(np.exp(z - m).sum(axis=1)) - z[:, 0]))


@wrong(3)
def scce_forgets_log(labels, logits):
    z = np.asarray(logits, float)
    m = z.max(axis=1, keepdims=True)
    p = np.exp(z - m) / np.exp(z - m).sum(axis=1, keepdims=True)
    return float(np.mean(1 - p[np.arange(len(z)), np.asarray(labels).astype(int)]))


@wrong(3)
def scce_global_max_shift(labels, logits):
    """The log-sum-exp shift by the batch's largest logit instead of each row's own."""
    z = np.asarray(logits, float)
    m = z.max()
    lse = m + np.log(np.exp(z - m).sum(axis=1))
    return float(np.mean(lse - z[np.arange(len(z)), np.asarray(labels).astype(int)]))


@wrong(3)
def scce_shift_by_row_mean(labels, logits):
    z = np.asarray(logits, float)
    m = z.mean(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return float(np.mean(lse - z[np.arange(len(z)), np.asarray(labels).astype(int)]))


@wrong(3)
def scce_via_softmax_then_log(labels, logits):
    """Stable softmax first, then its log: exp(-1000) underflows to 0 and log(0) = -inf."""
    z = np.asarray(logits, float)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return float(np.mean(-np.log(p[np.arange(len(z)), np.asarray(labels).astype(int)])))


@wrong(3)
def scce_sums_over_batch(labels, logits):
    z = np.asarray(logits, float)
    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return float(np.sum(lse - z[np.arange(len(z)), np.asarray(labels).astype(int)]))


@wrong(4)
def hinge_keras_zero_at_true_class(y_true, y_pred):
    """Keras's CategoricalHinge: (1 - y_true) * y_pred leaves a 0 at the true class, which wins the
    max when every other score is negative."""
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    return float(np.mean(np.maximum(0, ((1 - y_true) * y_pred).max(-1) - (y_true * y_pred).sum(-1) + 1)))


@wrong(4)
def hinge_max_includes_true_class(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    return float(np.mean(np.maximum(0, y_pred.max(-1) - (y_true * y_pred).sum(-1) + 1)))


@wrong(4)
def hinge_sums_over_other_classes(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    terms = np.maximum(0, y_pred - (y_true * y_pred).sum(-1, keepdims=True) + 1) * (1 - y_true)
    return float(np.mean(terms.sum(-1)))


@wrong(4)
def hinge_without_clamp(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    others = np.where(y_true == 1, -np.inf, y_pred).max(axis=-1)
    return float(np.mean(others - (y_true * y_pred).sum(-1) + 1))


@wrong(4)
def hinge_without_margin(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    others = np.where(y_true == 1, -np.inf, y_pred).max(axis=-1)
    return float(np.mean(np.maximum(0, others - (y_true * y_pred).sum(-1))))


# Written out, not imported from dlbasics.checks: this file is also run, as a learner's answer,
# inside the grader's sandbox, where the answer key is out of reach.
_CHOICES = {
    "house prices, where a few listings are data-entry errors worth millions": "huber",
    "tomorrow's temperature, with errors roughly normal and no outliers": "mse",
    "a delivery-time estimate that should be too early as often as too late": "mae",
    "spam or not spam, one output logit per email": "binary_crossentropy",
    "ten clothing classes, labels stored as integers 0-9": "sparse_categorical_crossentropy",
    "ten clothing classes, labels stored one-hot": "categorical_crossentropy",
    "which of five tags apply to a photo (several can)": "binary_crossentropy",
}


@wrong(5)
def choose_multilabel_as_categorical():
    return {**_CHOICES, "which of five tags apply to a photo (several can)": "categorical_crossentropy"}


@wrong(5)
def choose_mse_for_outliers():
    return {**_CHOICES, "house prices, where a few listings are data-entry errors worth millions": "mse"}


@wrong(5)
def choose_label_formats_swapped():
    return {**_CHOICES, "ten clothing classes, labels stored as integers 0-9": "categorical_crossentropy",
            "ten clothing classes, labels stored one-hot": "sparse_categorical_crossentropy"}


@wrong(5)
def choose_mse_for_the_median():
    return {**_CHOICES, "a delivery-time estimate that should be too early as often as too late": "mse"}


@wrong(5)
def choose_hinge_for_spam():
    return {**_CHOICES, "spam or not spam, one output logit per email": "categorical_hinge"}


@wrong(1)
def huber_linear_part_without_half_delta(y_true, y_pred, delta=1.0):
    e = np.abs(np.asarray(y_pred, float) - y_true)
    return float(np.mean(np.where(e <= delta, 0.5 * e**2, delta * e)))


@wrong(1)
def huber_squares_without_half(y_true, y_pred, delta=1.0):
    e = np.abs(np.asarray(y_pred, float) - y_true)
    return float(np.mean(np.where(e <= delta, e**2, delta * (e - 0.5 * delta))))


@wrong(2)
def bce_sums_instead_of_mean(y_true, logits):
    z, y = np.asarray(logits, float), np.asarray(y_true, float)
    return float(np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))


@wrong(4)
def hinge_sums_over_batch(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    others = np.where(y_true == 1, -np.inf, y_pred).max(axis=-1)
    return float(np.sum(np.maximum(0, 1 + others - (y_true * y_pred).sum(-1))))


@wrong(4)
def hinge_masks_the_true_class_by_value(y_true, y_pred):
    """'The other classes' found as the scores that differ from the true score: a class tied with
    the true class is dropped too, so a tie (margin 0) looks like a clear win."""
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    true_score = (y_true * y_pred).sum(-1)
    others = np.where(y_pred == true_score[:, None], -np.inf, y_pred).max(axis=-1)
    return float(np.mean(np.maximum(0, 1 - (true_score - others))))


# Library shortcuts: the loss ready-made instead of the computation the exercise is about.
@wrong(1)
def huber_from_keras(y_true, y_pred, delta=1.0):
    from keras.losses import huber       # imported by name: caught all the same

    return float(huber(np.asarray(y_true), np.asarray(y_pred), delta=delta).numpy().mean())


@wrong(2)
def bce_from_keras(y_true, logits):
    import keras

    return float(keras.losses.BinaryCrossentropy(from_logits=True)(y_true, logits))


@wrong(3)
def scce_from_tf_nn(labels, logits):
    import tensorflow as tf

    return float(tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=np.asarray(labels), logits=logits)))
