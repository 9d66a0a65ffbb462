"""Plausible mistakes for the exercises of lesson 14 (see tests/wrong_answers/__init__.py)."""
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
