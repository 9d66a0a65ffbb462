"""Lesson 15: other correct implementations of the exercises pass their checks, and the checks
explain bad results instead of crashing."""
import numpy as np
import pytest

from dlbasics.checks import lesson
from dlbasics.checks.core import CheckFailed


def test_alternative_implementations_pass():
    import tensorflow as tf
    from scipy.optimize import linear_sum_assignment
    from scipy.spatial.distance import cdist
    from sklearn.metrics import confusion_matrix

    l15 = lesson("15")

    def accuracy_from_confusion_matrix(y_true, y_pred):
        # rows: the union of all label values (true and predicted), so the matrix is square
        m = confusion_matrix(y_pred, y_true)
        rows, cols = linear_sum_assignment(-m)              # minimizing the negated counts
        return m[rows, cols].sum() / m.sum()                # a NumPy float, not a Python float

    def accuracy_with_dicts(y_true, y_pred):
        classes = {c: i for i, c in enumerate(sorted(set(list(y_true))))}
        clusters = {c: i for i, c in enumerate(sorted(set(list(y_pred))))}
        table = np.zeros((len(clusters), len(classes)))
        for t, p in zip(y_true, y_pred):
            table[clusters[p], classes[t]] += 1
        rows, cols = linear_sum_assignment(table.max() - table)
        return table[rows, cols].sum() / len(y_true)

    def soft_assignment_tf(z, centers, alpha=1.0):
        z, centers = tf.constant(z, tf.float64), tf.constant(centers, tf.float64)
        squared = tf.reduce_sum(tf.square(z[:, None, :] - centers[None]), axis=-1)
        q = tf.pow(1.0 + squared / alpha, -(alpha + 1.0) / 2.0)
        return q / tf.reduce_sum(q, axis=1, keepdims=True)   # a tensor, not an array

    def soft_assignment_cdist_log_space(z, centers, alpha=1.0):
        log_kernel = -(alpha + 1) / 2 * np.log1p(cdist(z, centers, "sqeuclidean") / alpha)
        log_kernel -= log_kernel.max(axis=1, keepdims=True)
        kernel = np.exp(log_kernel)
        return (kernel.T / kernel.sum(axis=1)).T

    def target_distribution_tf(q):
        q = tf.constant(q, tf.float64)
        weight = q ** 2 / tf.reduce_sum(q, axis=0)
        return tf.transpose(tf.transpose(weight) / tf.reduce_sum(weight, axis=1))

    def target_distribution_einsum(q):
        q = np.asarray(q, float)
        weight = np.einsum("ij,j->ij", q ** 2, 1 / q.sum(0))
        return weight / weight.sum(-1)[:, None]

    for fn in (accuracy_from_confusion_matrix, accuracy_with_dicts):
        l15.exercise_1(fn)
    for fn in (soft_assignment_tf, soft_assignment_cdist_log_space):
        l15.exercise_2(fn)
    for fn in (target_distribution_tf, target_distribution_einsum):
        l15.exercise_3(fn)
    for seed in range(3):   # the grader's randomized cases too
        rng = np.random.default_rng(seed)
        ex1, ex2, ex3 = lesson("15").EXERCISES[:3]
        ex1.check(accuracy_from_confusion_matrix, cases=ex1.cases(rng), quiet=True)
        ex2.check(soft_assignment_tf, cases=ex2.cases(rng), quiet=True)
        ex3.check(target_distribution_einsum, cases=ex3.cases(rng), quiet=True)


def test_reference_accuracy_is_the_best_one_to_one_matching():
    """The Hungarian reference equals brute force over all cluster->class mappings (small cases)."""
    from itertools import permutations

    ex1 = lesson("15").EXERCISES[0]
    rng = np.random.default_rng(0)
    for _ in range(20):
        k = int(rng.integers(2, 6))
        y, p = rng.integers(0, k, 30), rng.integers(0, k, 30)
        best = max(np.mean(np.asarray(perm)[p] == y) for perm in permutations(range(k)))
        assert ex1.reference(y, p) == pytest.approx(best)


def test_reference_soft_assignment_is_the_dec_formula():
    ex2 = lesson("15").EXERCISES[1]
    rng = np.random.default_rng(1)
    z, mu = rng.normal(size=(7, 4)), rng.normal(size=(3, 4))
    for alpha in (1.0, 2.5):
        kernel = (1 + ((z[:, None] - mu[None]) ** 2).sum(-1) / alpha) ** (-(alpha + 1) / 2)
        np.testing.assert_allclose(ex2.reference(z, mu, alpha), kernel / kernel.sum(1, keepdims=True), rtol=1e-12)


@pytest.mark.parametrize("number, bad, message", [
    (1, lambda y_true, y_pred: [0.5, 0.5], "one number"),
    (1, lambda y_true, y_pred: "high", "a number"),
    (2, lambda z, centers, alpha=1.0: np.ones((len(z), len(centers) + 1)) / (len(centers) + 1), "shape"),
    (3, lambda q: None, "forget `return`"),
])
def test_bad_results_are_explained(number, bad, message):
    with pytest.raises(CheckFailed, match=message):
        lesson("15").EXERCISES[number - 1].check(bad)


def test_alternative_dec_rounds_pass():
    """Exercise 4 accepts other correct ways to write one DEC round: calling the model directly,
    keras.ops for the target, an explicit GradientTape pass over the batches (no shuffling)."""
    import keras
    import tensorflow as tf

    ex4 = lesson("15").EXERCISES[3]

    def round_with_model_call(model, x, labels):
        q = keras.ops.convert_to_numpy(model(x))
        weight = keras.ops.square(q) / keras.ops.sum(q, axis=0)
        p = keras.ops.convert_to_numpy(weight / keras.ops.sum(weight, axis=1, keepdims=True))
        model.fit(x, p, batch_size=256, epochs=1, verbose=0, shuffle=False)
        q_new = keras.ops.convert_to_numpy(model(x))
        return p, q_new, np.mean(q_new.argmax(-1) != labels)          # a NumPy float

    def round_with_gradient_tape(model, x, labels):
        q = model.predict(x, verbose=0).astype("float64")
        p = q ** 2 / q.sum(0)
        p = (p / p.sum(1, keepdims=True)).astype("float32")
        kl = keras.losses.KLDivergence()
        for start in range(0, len(x), 256):
            with tf.GradientTape() as tape:
                loss = kl(p[start:start + 256], model(x[start:start + 256], training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            model.optimizer.apply_gradients(zip(grads, model.trainable_variables))
        q_new = model.predict(x, verbose=0)
        return list(p), q_new, float((q_new.argmax(1) != labels).sum() / len(x))

    def round_with_train_on_batch(model, x, labels):                    # its own shuffled batches, p fixed
        q = np.asarray(model(x), dtype="float64")
        p = q ** 2 / q.sum(axis=0)
        p /= p.sum(axis=1, keepdims=True)
        order = np.random.default_rng(1).permutation(len(x))
        for start in range(0, len(x), 256):
            rows = order[start:start + 256]
            model.train_on_batch(x[rows], p[rows])
        q_new = np.asarray(model(x))
        return p, q_new, float(np.mean(q_new.argmax(1) != labels))

    for fn in (round_with_model_call, round_with_gradient_tape, round_with_train_on_batch):
        ex4.check(fn, quiet=True)
    ex4.check(round_with_model_call, cases=ex4.cases(np.random.default_rng(5))[2:], quiet=True)
