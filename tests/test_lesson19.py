"""Lesson 19 (graph neural networks): other correct implementations pass the checks."""
import numpy as np
import pytest

from dlbasics.checks import lesson
from dlbasics.checks.core import CheckFailed


def test_alternative_graph_implementations_pass():
    import keras
    import scipy.sparse
    import tensorflow as tf

    l19 = lesson("19")

    def normalized_with_diagonal_matrices(a):               # a float32 TensorFlow tensor, not NumPy
        a_tilde = tf.constant(a, tf.float32) + tf.eye(len(a))
        d = tf.linalg.diag(tf.math.rsqrt(tf.reduce_sum(a_tilde, axis=1)))
        return d @ a_tilde @ d

    class DenseAfterPropagation(keras.layers.Layer):        # weights live in a Dense sub-layer
        def __init__(self, units, activation=None):
            super().__init__()
            self.dense = keras.layers.Dense(units, activation=activation)

        def call(self, inputs):
            x, a_hat = inputs
            return self.dense(tf.matmul(a_hat, x))

    class BiasFirstNamesOwn(keras.layers.Layer):            # bias created first, other names
        def __init__(self, units, activation=None):
            super().__init__()
            self.units, self.act = units, keras.activations.get(activation)

        def build(self, input_shape):
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")
            self.w = self.add_weight(shape=(input_shape[0][-1], self.units), name="w")

        def call(self, inputs):
            x, a_hat = inputs
            return self.act(keras.ops.einsum("ij,jf,fu->iu", a_hat, x, self.w) + self.b)

    def message_pass_segments(x, edges, reduce="sum"):
        edges = np.asarray(edges, dtype="int64").reshape(-1, 2)
        op = tf.math.unsorted_segment_sum if reduce == "sum" else tf.math.unsorted_segment_mean
        return op(tf.gather(tf.constant(x), edges[:, 0]), edges[:, 1], num_segments=len(x))

    def message_pass_sparse(x, edges, reduce="sum"):        # duplicate (target, source) entries add up
        edges = np.asarray(edges, dtype="int64").reshape(-1, 2)
        n = len(x)
        m = scipy.sparse.coo_matrix((np.ones(len(edges)), (edges[:, 1], edges[:, 0])), shape=(n, n)).tocsr()
        out = m @ np.asarray(x)
        if reduce == "mean":
            out = out / np.maximum(np.asarray(m.sum(axis=1)).ravel(), 1)[:, None]
        return out

    def message_pass_loops(x, edges, reduce="sum"):
        rows = [[] for _ in x]
        for source, target in edges:
            rows[target].append(x[source])
        return [np.zeros(len(x[0])) if not r else np.sum(r, axis=0) if reduce == "sum" else np.mean(r, axis=0) for r in rows]

    l19.exercise_1(normalized_with_diagonal_matrices)
    l19.exercise_2(lambda units, activation=None: DenseAfterPropagation(units, activation))
    l19.exercise_2(lambda units, activation=None: BiasFirstNamesOwn(units, activation))
    def message_pass_dense_counts(x, edges, reduce="sum"):     # dense, but a repeated edge counts twice
        edges = np.asarray(edges, dtype="int64").reshape(-1, 2)
        a = np.zeros((len(x), len(x)))
        np.add.at(a, (edges[:, 1], edges[:, 0]), 1.0)
        out = a @ np.asarray(x, dtype=float)
        return out / np.maximum(a.sum(axis=1), 1)[:, None] if reduce == "mean" else out

    for fn in (message_pass_segments, message_pass_sparse, message_pass_loops, message_pass_dense_counts):
        l19.exercise_3(fn)


def test_a_layer_with_extra_weights_is_explained():
    import keras

    class ThreeWeights(keras.layers.Layer):
        def build(self, input_shape):
            self.k = self.add_weight(shape=(input_shape[0][-1], 2))
            self.b = self.add_weight(shape=(2,))
            self.scale = self.add_weight(shape=())

        def call(self, inputs):
            x, a_hat = inputs
            return a_hat @ x @ self.k + self.b

    with pytest.raises(CheckFailed, match="exactly two trainable weights"):
        lesson("19").exercise_2(lambda units, activation=None: ThreeWeights())


def test_returning_a_function_instead_of_a_layer_is_explained():
    with pytest.raises(CheckFailed, match="should return a keras.layers.Layer"):
        lesson("19").exercise_2(lambda units, activation=None: (lambda inputs: inputs[0]))


def test_other_label_propagations_pass():
    """Exercise 4 accepts any way to the fixed point: iterate with self-loops, solve the system."""
    l19 = lesson("19")

    def with_self_loops_uniform_start(a, labelled, y_labelled):  # same fixed point, slower way there
        a = np.asarray(a, dtype=float) + np.eye(len(a))
        f = np.full((len(a), np.shape(y_labelled)[1]), 1.0 / np.shape(y_labelled)[1])
        for _ in range(200_000):
            new = a @ f / a.sum(axis=1, keepdims=True)
            new[labelled] = y_labelled
            if np.abs(new - f).max() < 1e-12:
                break
            f = new
        return new

    def harmonic_solution(a, labelled, y_labelled):               # solve (D - A)_UU F_U = A_UL Y_L
        a = np.asarray(a, dtype=float)
        free = np.setdiff1d(np.arange(len(a)), labelled)
        f = np.zeros((len(a), np.shape(y_labelled)[1]))
        f[labelled] = y_labelled
        laplacian = np.diag(a.sum(1)) - a
        f[free] = np.linalg.lstsq(laplacian[np.ix_(free, free)], a[np.ix_(free, labelled)] @ y_labelled, rcond=None)[0]
        return f.tolist()

    def gauss_seidel_in_place(a, labelled, y_labelled):            # update one node at a time, newest values
        a = np.asarray(a, dtype=float)
        f = np.zeros((len(a), np.shape(y_labelled)[1]))
        f[labelled] = y_labelled
        free = np.setdiff1d(np.arange(len(a)), labelled)
        for _ in range(100_000):
            change = 0.0
            for i in free:
                new = a[i] @ f / a[i].sum()
                change, f[i] = max(change, np.abs(new - f[i]).max()), new
            if change < 1e-12:
                break
        return f

    for fn in (with_self_loops_uniform_start, harmonic_solution, gauss_seidel_in_place):
        l19.exercise_4(fn)


def test_a_glorot_normal_kernel_passes():
    """The initializer check asks for Glorot's scale: glorot_normal has it as well as glorot_uniform."""
    import keras

    class GlorotNormalConv(keras.layers.Layer):
        def __init__(self, units, activation=None):
            super().__init__()
            self.units, self.act = units, keras.activations.get(activation)

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[0][-1], self.units), initializer="glorot_normal")
            self.bias = self.add_weight(shape=(self.units,), initializer="zeros")

        def call(self, inputs):
            x, a_hat = inputs
            return self.act(keras.ops.matmul(a_hat, keras.ops.matmul(x, self.kernel)) + self.bias)

    lesson("19").exercise_2(lambda units, activation=None: GlorotNormalConv(units, activation))
