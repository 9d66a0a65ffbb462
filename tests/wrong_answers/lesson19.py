"""Plausible mistakes for the exercises of lesson 19 (see tests/wrong_answers/__init__.py)."""
import keras
import numpy as np

from ._registry import registry

WRONG, wrong = registry()


# ---- exercise 1: normalized adjacency --------------------------------------------------------
@wrong(1)
def adjacency_without_self_loops(a):
    a = np.asarray(a, dtype="float64")
    d = a.sum(1)
    return a / np.sqrt(np.outer(d, d))


@wrong(1)
def adjacency_row_normalized(a):
    a = np.asarray(a, dtype="float64") + np.eye(len(a))
    return a / a.sum(1, keepdims=True)


@wrong(1)
def adjacency_degree_before_self_loops(a):
    a = np.asarray(a, dtype="float64")
    d = a.sum(1)
    return (a + np.eye(len(a))) / np.sqrt(np.outer(d, d))


@wrong(1)
def adjacency_degree_counts_neighbours_not_weights(a):
    a = np.asarray(a, dtype="float64") + np.eye(len(a))
    d = (a > 0).sum(1)
    return a / np.sqrt(np.outer(d, d))


# ---- exercise 2: the GCN layer ---------------------------------------------------------------
class WrongConv(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.activation = units, keras.activations.get(activation)

    def build(self, input_shape):
        x_shape, _ = input_shape
        self.kernel = self.add_weight(shape=(x_shape[-1], self.units), initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")


class NoPropagation(WrongConv):
    def call(self, inputs):
        x, a_hat = inputs
        return self.activation(keras.ops.matmul(x, self.kernel) + self.bias)


class TransposedAdjacency(WrongConv):
    def call(self, inputs):
        x, a_hat = inputs
        return self.activation(keras.ops.matmul(keras.ops.transpose(a_hat), keras.ops.matmul(x, self.kernel)) + self.bias)


class BiasBeforePropagation(WrongConv):
    def call(self, inputs):
        x, a_hat = inputs
        return self.activation(keras.ops.matmul(a_hat, keras.ops.matmul(x, self.kernel) + self.bias))


class SelfLoopsAddedAgain(WrongConv):
    def call(self, inputs):
        x, a_hat = inputs
        a = a_hat + keras.ops.eye(keras.ops.shape(a_hat)[0])
        return self.activation(keras.ops.matmul(a, keras.ops.matmul(x, self.kernel)) + self.bias)


class NumpyInCall(WrongConv):
    def call(self, inputs):
        x, a_hat = inputs
        return self.activation(np.asarray(a_hat) @ np.asarray(x) @ np.asarray(self.kernel) + np.asarray(self.bias))


@wrong(2)
def gcn_layer_without_propagation(units, activation=None):
    return NoPropagation(units, activation)


@wrong(2)
def gcn_layer_transposed_adjacency(units, activation=None):
    return TransposedAdjacency(units, activation)


@wrong(2)
def gcn_layer_bias_before_propagation(units, activation=None):
    return BiasBeforePropagation(units, activation)


@wrong(2)
def gcn_layer_adds_self_loops_again(units, activation=None):
    return SelfLoopsAddedAgain(units, activation)


@wrong(2)
def gcn_layer_numpy_in_call(units, activation=None):
    return NumpyInCall(units, activation)


class ActivationBeforePropagation(WrongConv):
    def call(self, inputs):
        x, a_hat = inputs
        return keras.ops.matmul(a_hat, self.activation(keras.ops.matmul(x, self.kernel) + self.bias))


@wrong(2)
def gcn_layer_activation_before_propagation(units, activation=None):
    return ActivationBeforePropagation(units, activation)


class ZeroKernel(keras.layers.Layer):
    """Right formula, but a kernel that starts at zeros: every unit stays the same."""

    def __init__(self, units, activation=None, kernel_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.units, self.activation = units, keras.activations.get(activation)
        self.kernel_initializer = kernel_initializer

    def build(self, input_shape):
        x_shape, _ = input_shape
        self.kernel = self.add_weight(shape=(x_shape[-1], self.units), initializer=self.kernel_initializer, name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        x, a_hat = inputs
        return self.activation(keras.ops.matmul(a_hat, keras.ops.matmul(x, self.kernel)) + self.bias)


@wrong(2)
def gcn_layer_zeros_kernel(units, activation=None):
    return ZeroKernel(units, activation)


@wrong(2)
def gcn_layer_ones_kernel(units, activation=None):
    return ZeroKernel(units, activation, kernel_initializer="ones")


@wrong(2)
def gcn_layer_unit_normal_kernel(units, activation=None):
    return ZeroKernel(units, activation, kernel_initializer=keras.initializers.RandomNormal(stddev=1.0))


class RandomBias(ZeroKernel):
    def build(self, input_shape):
        x_shape, _ = input_shape
        self.kernel = self.add_weight(shape=(x_shape[-1], self.units), initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="glorot_uniform", name="bias")


@wrong(2)
def gcn_layer_random_bias(units, activation=None):
    return RandomBias(units, activation)


# ---- exercise 3: message passing on an edge list -------------------------------------------
def _counts(edges, column, n):
    return np.bincount(np.asarray(edges, dtype="int64").reshape(-1, 2)[:, column], minlength=n)


@wrong(3)
def message_pass_along_outgoing_edges(x, edges, reduce="sum"):
    x, edges = np.asarray(x, dtype="float64"), np.asarray(edges, dtype="int64").reshape(-1, 2)
    out = np.zeros_like(x)
    np.add.at(out, edges[:, 0], x[edges[:, 1]])
    if reduce == "mean":
        out /= np.maximum(_counts(edges, 0, len(x)), 1)[:, None]
    return out


@wrong(3)
def message_pass_includes_self(x, edges, reduce="sum"):
    x, edges = np.asarray(x, dtype="float64"), np.asarray(edges, dtype="int64").reshape(-1, 2)
    out = x.copy()
    np.add.at(out, edges[:, 1], x[edges[:, 0]])
    if reduce == "mean":
        out /= (_counts(edges, 1, len(x)) + 1)[:, None]
    return out


@wrong(3)
def message_pass_mean_over_all_nodes(x, edges, reduce="sum"):
    x, edges = np.asarray(x, dtype="float64"), np.asarray(edges, dtype="int64").reshape(-1, 2)
    out = np.zeros_like(x)
    np.add.at(out, edges[:, 1], x[edges[:, 0]])
    return out / len(x) if reduce == "mean" else out


@wrong(3)
def message_pass_nan_without_incoming_edges(x, edges, reduce="sum"):
    x, edges = np.asarray(x, dtype="float64"), np.asarray(edges, dtype="int64").reshape(-1, 2)
    out = np.zeros_like(x)
    np.add.at(out, edges[:, 1], x[edges[:, 0]])
    if reduce == "mean":
        out = out / _counts(edges, 1, len(x))[:, None]
    return out


@wrong(3)
def message_pass_fancy_index_drops_repeats(x, edges, reduce="sum"):
    x, edges = np.asarray(x, dtype="float64"), np.asarray(edges, dtype="int64").reshape(-1, 2)
    out = np.zeros_like(x)
    out[edges[:, 1]] += x[edges[:, 0]]          # buffered: a target hit twice keeps only one message
    if reduce == "mean":
        out /= np.maximum(_counts(edges, 1, len(x)), 1)[:, None]
    return out


# ---- exercise 4: label propagation with clamping ------------------------------------------------
def _start(a, labelled, y_labelled):
    a = np.asarray(a, dtype="float64")
    f = np.zeros((len(a), np.shape(y_labelled)[1]))
    f[np.asarray(labelled)] = y_labelled
    return a, f


@wrong(4)
def label_propagation_without_clamping(a, labelled, y_labelled):
    a, f = _start(a, labelled, y_labelled)
    for _ in range(2000):                          # plain diffusion: the labels wash out
        f = a @ f / a.sum(1, keepdims=True)
    return f


@wrong(4)
def label_propagation_fixed_20_rounds(a, labelled, y_labelled):
    a, f = _start(a, labelled, y_labelled)
    for _ in range(20):
        f = a @ f / a.sum(1, keepdims=True)
        f[labelled] = y_labelled
    return f


@wrong(4)
def label_propagation_clamps_before_propagating(a, labelled, y_labelled):
    a, f = _start(a, labelled, y_labelled)
    for _ in range(5000):
        f[labelled] = y_labelled
        f = a @ f / a.sum(1, keepdims=True)        # the last round leaves the labelled rows unclamped
    return f


@wrong(4)
def label_propagation_symmetric_normalization(a, labelled, y_labelled):
    a, f = _start(a, labelled, y_labelled)
    d = a.sum(1)
    m = a / np.sqrt(np.outer(d, d))
    for _ in range(5000):
        f = m @ f
        f[labelled] = y_labelled
    return f


@wrong(4)
def label_propagation_counts_neighbours(a, labelled, y_labelled):
    a, f = _start(a, labelled, y_labelled)
    binary = (a > 0).astype("float64")
    for _ in range(5000):
        f = binary @ f / binary.sum(1, keepdims=True)
        f[labelled] = y_labelled
    return f


@wrong(4)
def label_propagation_only_unlabelled_rows(a, labelled, y_labelled):
    a, f = _start(a, labelled, y_labelled)
    for _ in range(5000):
        f = a @ f / a.sum(1, keepdims=True)
        f[labelled] = y_labelled
    return np.delete(f, labelled, axis=0)


# ---- more plausible mistakes for exercises 1, 3 and 4 ----------------------------------------
@wrong(1)
def adjacency_identity_added_after_normalizing(a):
    a = np.asarray(a, dtype="float64")
    d = np.maximum(a.sum(1), 1e-12)
    return a / np.sqrt(np.outer(d, d)) + np.eye(len(a))


@wrong(1)
def adjacency_self_loops_added_in_place(a):
    a = np.asarray(a, dtype="float64")                    # no copy for a float64 array ...
    a += np.eye(len(a))                                   # ... so this edits the caller's matrix
    d = a.sum(1)
    return a / np.sqrt(np.outer(d, d))


@wrong(3)
def message_pass_ignores_reduce(x, edges, reduce="sum"):
    x, edges = np.asarray(x, dtype="float64"), np.asarray(edges, dtype="int64").reshape(-1, 2)
    out = np.zeros_like(x)
    np.add.at(out, edges[:, 1], x[edges[:, 0]])
    return out


@wrong(4)
def label_propagation_returns_classes(a, labelled, y_labelled):
    a, f = _start(a, labelled, y_labelled)
    for _ in range(5000):
        f = a @ f / a.sum(1, keepdims=True)
        f[labelled] = y_labelled
    return f.argmax(axis=1)


@wrong(4)
def label_propagation_divides_by_column_sums(a, labelled, y_labelled):
    a, f = _start(a, labelled, y_labelled)
    m = a / a.sum(0, keepdims=True)                # normalizes the senders, not the receivers
    for _ in range(5000):
        f = m @ f
        f[labelled] = y_labelled
    return f


@wrong(4)
def label_propagation_stops_too_early(a, labelled, y_labelled):
    a, f = _start(a, labelled, y_labelled)
    for _ in range(100_000):
        new = a @ f / a.sum(1, keepdims=True)
        new[labelled] = y_labelled
        if np.abs(new - f).max() < 1e-3:           # a small change per round is not a small error
            return new
        f = new
    return f


# ---- found by a second reader ------------------------------------------------------------------
@wrong(2)
def gcn_layer_he_uniform_kernel(units, activation=None):
    return ZeroKernel(units, activation, kernel_initializer="he_uniform")    # the ReLU rule, not Glorot


@wrong(3)
def message_pass_dense_matrix_keeps_one_copy_of_an_edge(x, edges, reduce="sum"):
    x, edges = np.asarray(x, dtype="float64"), np.asarray(edges, dtype="int64").reshape(-1, 2)
    a = np.zeros((len(x), len(x)))
    a[edges[:, 1], edges[:, 0]] = 1.0                      # a repeated edge is set to 1 again, not counted twice
    out = a @ x
    if reduce == "mean":
        out /= np.maximum(a.sum(axis=1), 1)[:, None]
    return out


@wrong(3)
def message_pass_mean_over_distinct_senders(x, edges, reduce="sum"):
    x, edges = np.asarray(x, dtype="float64"), np.asarray(edges, dtype="int64").reshape(-1, 2)
    out = np.zeros_like(x)
    np.add.at(out, edges[:, 1], x[edges[:, 0]])
    if reduce == "mean":
        senders = np.array([len(set(edges[edges[:, 1] == i, 0].tolist())) for i in range(len(x))])
        out /= np.maximum(senders, 1)[:, None]
    return out
