"""Lesson 03: other correct implementations pass, also on the grader's randomized cases (the
stability exercises run with floating-point errors raised, which a correct answer never hits)."""
import numpy as np

from dlbasics.checks import lesson


def _check_everywhere(ex, fn):
    ex.check(fn, quiet=True)
    fixed = len(ex.cases())
    for seed in range(4):
        ex.check(fn, cases=ex.cases(np.random.default_rng(seed))[fixed:], quiet=True)


def test_alternative_stable_losses_pass():
    import scipy.special
    import tensorflow as tf

    l03 = lesson("03")

    def bce_log_expit(y_true, logits):
        y, z = np.asarray(y_true, float), np.asarray(logits, float)
        return np.mean(-(y * scipy.special.log_expit(z) + (1 - y) * scipy.special.log_expit(-z)))

    def bce_softplus_where(y_true, logits):          # softplus(z) - z*y, softplus with a safe exp
        y, z = np.asarray(y_true, float), np.asarray(logits, float)
        softplus = np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))
        return float(np.mean(softplus - z * y))

    def bce_tensorflow(y_true, logits):                # TF's building blocks, not its ready-made loss
        y, z = tf.constant(y_true, tf.float64), tf.constant(logits, tf.float64)
        return tf.reduce_mean(tf.nn.relu(z) - z * y + tf.math.log1p(tf.exp(-tf.abs(z))))

    def scce_log_softmax(labels, logits):
        z = np.asarray(logits, float)
        shifted = z - z.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -np.mean(log_p[np.arange(len(z)), np.asarray(labels).astype(int)])

    def scce_loop(labels, logits):
        total = 0.0
        for label, row in zip(np.asarray(labels).astype(int), np.asarray(logits, float)):
            m = row.max()
            total += m + np.log(np.sum(np.exp(row - m))) - row[label]
        return total / len(labels)

    def scce_tensorflow(labels, logits):               # TF's building blocks, not its ready-made loss
        z = tf.constant(logits, tf.float64)
        true = tf.gather(z, np.asarray(labels).astype(int), axis=1, batch_dims=1)
        return tf.reduce_mean(tf.reduce_logsumexp(z, axis=1) - true)

    for fn in (bce_log_expit, bce_softplus_where, bce_tensorflow):
        _check_everywhere(l03.EXERCISES[1], fn)
    for fn in (scce_log_softmax, scce_loop, scce_tensorflow):
        _check_everywhere(l03.EXERCISES[2], fn)


def test_alternative_hinges_pass():
    l03 = lesson("03")

    def hinge_masked_array(y_true, y_pred):
        y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
        others = np.ma.masked_array(y_pred, mask=y_true.astype(bool)).max(axis=1).filled(-np.inf)
        return np.mean(np.maximum(0, 1 - (y_pred[y_true.astype(bool)] - others)))

    def hinge_sorted(y_true, y_pred):        # the best other = top score, or the runner-up if the top is true
        y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
        labels = y_true.argmax(1)
        true = y_pred[np.arange(len(labels)), labels]
        top2 = np.sort(y_pred, axis=1)[:, -2:]
        best_other = np.where(y_pred.argmax(1) == labels, top2[:, 0], top2[:, 1])
        return float(np.mean(np.maximum(0, 1 - true + best_other)))

    def hinge_keras_ops(y_true, y_pred):
        import keras

        true = keras.ops.sum(y_true * y_pred, axis=-1)
        best_other = keras.ops.max(keras.ops.where(y_true > 0.5, -1e9, y_pred), axis=-1)
        return keras.ops.mean(keras.ops.relu(1 - true + best_other))

    for fn in (hinge_masked_array, hinge_sorted, hinge_keras_ops):
        _check_everywhere(l03.EXERCISES[3], fn)


def test_mae_is_accepted_for_the_outlier_task():
    l03 = lesson("03")
    choices = l03.reference(5)()
    outliers = "house prices, where a few listings are data-entry errors worth millions"
    l03.exercise_5(lambda: {**choices, outliers: "mae"})
