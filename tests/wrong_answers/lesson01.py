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
