"""Plausible mistakes for the exercises of lesson 01 (see tests/wrong_answers/__init__.py)."""
import numpy as np

from ._registry import registry

WRONG, wrong = registry()


@wrong(1)
def neuron_without_bias(x, w, b):
    return 1 / (1 + np.exp(-(np.asarray(x) @ w)))


@wrong(1)
def neuron_without_activation(x, w, b):
    return np.asarray(x) @ w + b


@wrong(1)
def neuron_tanh(x, w, b):
    return np.tanh(np.asarray(x) @ w + b)


@wrong(2)
def dense_activation_before_bias(x, kernel, bias, activation=None):
    z = np.asarray(x) @ kernel
    return (z if activation is None else activation(z)) + bias


@wrong(2)
def dense_ignores_activation(x, kernel, bias, activation=None):
    return np.asarray(x) @ kernel + bias


@wrong(2)
def dense_without_bias(x, kernel, bias, activation=None):
    z = np.asarray(x) @ kernel
    return z if activation is None else activation(z)


@wrong(3)
def count_without_biases(sizes):
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


@wrong(3)
def count_biases_on_every_layer(sizes):
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + sum(sizes)


@wrong(3)
def count_as_float(sizes):
    return float(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))) + 0.5


@wrong(1)
def neuron_bias_added_to_each_input(x, w, b):
    return 1 / (1 + np.exp(-((np.asarray(x) + b) @ w)))


@wrong(1)
def neuron_relu(x, w, b):
    return np.maximum(np.asarray(x) @ w + b, 0)


@wrong(1)
def neuron_sum_over_batch_axis(x, w, b):
    z = (np.asarray(x) * w).sum(axis=0) + b                               # sums over examples for a batch
    return 1 / (1 + np.exp(-z))


@wrong(1)
def neuron_sign_error(x, w, b):
    return 1 / (1 + np.exp(np.asarray(x) @ w + b))


@wrong(2)
def dense_kernel_transposed(x, kernel, bias, activation=None):
    z = np.asarray(x) @ np.asarray(kernel).T + bias
    return z if activation is None else activation(z)


@wrong(2)
def dense_activation_twice(x, kernel, bias, activation=None):
    z = np.asarray(x) @ kernel + bias
    return z if activation is None else activation(activation(z))


@wrong(2)
def dense_relu_by_default(x, kernel, bias, activation=None):
    z = np.asarray(x) @ kernel + bias
    return np.maximum(z, 0) if activation is None else activation(z)


@wrong(3)
def count_skips_last_layer(sizes):
    return sum(a * b + b for a, b in zip(sizes[:-2], sizes[1:-1]))


@wrong(3)
def count_bias_per_input(sizes):
    return sum(a * b + a for a, b in zip(sizes[:-1], sizes[1:]))


@wrong(3)
def count_products_of_all_sizes(sizes):
    total = 1
    for s in sizes:
        total *= s
    return total + sum(sizes[1:])


@wrong(4)
def xor_single_layer(*args):
    # no useful hidden layer: the hidden units pass x1 and x2 through, the output is linear in them
    return np.eye(2), np.zeros(2), np.array([[0.5], [0.5]]), np.array([0.0])


@wrong(4)
def xor_computes_or(*args):
    return np.ones((2, 2)), np.array([0.0, -1.0]), np.array([[1.0], [-1.0]]), np.array([0.0])


@wrong(4)
def xor_computes_and(*args):
    return np.ones((2, 2)), np.array([0.0, -1.0]), np.array([[0.0], [1.0]]), np.array([0.0])


@wrong(4)
def xor_weights_transposed(*args):
    # a 3-unit design whose kernel is written (units, inputs) instead of (inputs, units)
    return np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([0.0, 0.0, -1.0]), np.array([[1.0], [1.0], [-2.0]]), np.array([0.0])


@wrong(4)
def xor_output_weights_flat(*args):
    return np.ones((2, 2)), np.array([0.0, -1.0]), np.array([1.0, -2.0]), np.array([0.0])


@wrong(4)
def xor_close_but_not_exact(*args):
    # "near 1 on the diagonal is good enough": 0.9 where XOR is 1
    return np.ones((2, 2)), np.array([0.0, -1.0]), np.array([[0.9], [-1.8]]), np.array([0.0])


@wrong(4)
def xor_one_hidden_unit(*args):
    # relu(x1 + x2 - 1) is "both on": one unit and a linear output cannot also count "any on"
    return np.ones((2, 1)), np.array([-1.0]), np.array([[-1.0]]), np.array([1.0])


@wrong(1)
def neuron_squeezes_a_batch_of_one(x, w, b):
    # a column-vector weight, then squeeze: a batch (1, d) comes back as a bare number, not shape (1,)
    z = np.squeeze(np.asarray(x, float) @ np.asarray(w, float).reshape(-1, 1)) + b
    return 1 / (1 + np.exp(-z))
