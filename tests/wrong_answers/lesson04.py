"""Plausible mistakes for the exercises of lesson 04 (see tests/wrong_answers/__init__.py)."""
import numpy as np

from ._registry import registry

WRONG, wrong = registry()


def _slope(z, activation):
    s = 1 / (1 + np.exp(-z))
    return {"linear": np.ones_like(z), "relu": (z > 0).astype(float), "sigmoid": s * (1 - s),
            "tanh": 1 - np.tanh(z) ** 2}[activation]


@wrong(1)
def dense_backward_without_activation_slope(x, W, b, grad_out, activation):
    x, W, g = np.asarray(x, float), np.asarray(W, float), np.asarray(grad_out, float)
    return g @ W.T, x.T @ g, g.sum(0)


@wrong(1)
def dense_backward_sigmoid_slope_is_sigmoid(x, W, b, grad_out, activation):
    x, W = np.asarray(x, float), np.asarray(W, float)
    z = x @ W + b
    slope = 1 / (1 + np.exp(-z)) if activation == "sigmoid" else _slope(z, activation)
    dz = grad_out * slope
    return dz @ W.T, x.T @ dz, dz.sum(0)


@wrong(1)
def dense_backward_db_averaged(x, W, b, grad_out, activation):
    x, W = np.asarray(x, float), np.asarray(W, float)
    dz = grad_out * _slope(x @ W + b, activation)
    return dz @ W.T, x.T @ dz, dz.mean(0)


def _two_layer(x, y, W1, b1, W2, b2, mask=True, mean=True, onehot=True):
    x, y = np.asarray(x, float), np.asarray(y).astype(int)
    z1 = x @ W1 + b1
    h = np.maximum(z1, 0)
    s = h @ W2 + b2
    p = np.exp(s - s.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    if onehot:
        p[np.arange(len(x)), y] -= 1
    ds = p / len(x) if mean else p
    dz1 = (ds @ W2.T) * (z1 > 0) if mask else ds @ W2.T
    return {"W1": x.T @ dz1, "b1": dz1.sum(0), "W2": h.T @ ds, "b2": ds.sum(0)}


@wrong(2)
def backprop_forgets_relu_mask(x, y, W1, b1, W2, b2):
    return _two_layer(x, y, W1, b1, W2, b2, mask=False)


@wrong(2)
def backprop_forgets_batch_mean(x, y, W1, b1, W2, b2):
    return _two_layer(x, y, W1, b1, W2, b2, mean=False)


@wrong(2)
def backprop_forgets_onehot(x, y, W1, b1, W2, b2):
    return _two_layer(x, y, W1, b1, W2, b2, onehot=False)


@wrong(3)
def numerical_gradient_divides_by_eps(f, x, eps=1e-6):
    x = np.array(x, float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = f(x)
        x[i] = old - eps
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / eps
    return grad


@wrong(3)
def numerical_gradient_moves_everything(f, x, eps=1e-6):
    x = np.array(x, float)
    return np.full_like(x, (f(x + eps) - f(x - eps)) / (2 * eps))


@wrong(3)
def numerical_gradient_huge_one_sided_step(f, x, eps=1e-6):
    x = np.array(x, float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = 0.1
        grad[i] = (f(x + step) - f(x)) / 0.1
    return grad
