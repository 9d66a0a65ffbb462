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


@wrong(1)
def dense_backward_tanh_slope_from_z(x, W, b, grad_out, activation):
    x, W = np.asarray(x, float), np.asarray(W, float)
    z = x @ W + b
    slope = 1 - z ** 2 if activation == "tanh" else _slope(z, activation)      # 1 - z**2, not 1 - tanh(z)**2
    dz = grad_out * slope
    return dz @ W.T, x.T @ dz, dz.sum(0)


@wrong(1)
def dense_backward_dx_without_transpose(x, W, b, grad_out, activation):
    x, W = np.asarray(x, float), np.asarray(W, float)
    dz = grad_out * _slope(x @ W + b, activation)
    return dz @ W, x.T @ dz, dz.sum(0)


@wrong(2)
def backprop_softmax_without_max_shift(x, y, W1, b1, W2, b2):
    x, y = np.asarray(x, float), np.asarray(y).astype(int)
    z1 = x @ W1 + b1
    h = np.maximum(z1, 0)
    s = h @ W2 + b2
    p = np.exp(s) / np.exp(s).sum(1, keepdims=True)       # overflows for confident logits
    p[np.arange(len(x)), y] -= 1
    ds = p / len(x)
    dz1 = (ds @ W2.T) * (z1 > 0)
    return {"W1": x.T @ dz1, "b1": dz1.sum(0), "W2": h.T @ ds, "b2": ds.sum(0)}


def _central(f, x, eps, restore=True, forward=False, dtype=float):
    x = np.array(x, dtype=dtype)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = f(x)
        if forward:
            x[i] = old
            grad[i] = (plus - f(x)) / eps
            continue
        x[i] = old - eps
        minus = f(x)
        if restore:
            x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


@wrong(3)
def numerical_gradient_forward_difference(f, x, eps=1e-6):
    return _central(f, x, eps, forward=True)


@wrong(3)
def numerical_gradient_forgets_to_restore(f, x, eps=1e-6):
    return _central(f, x, eps, restore=False)


@wrong(3)
def numerical_gradient_ignores_eps(f, x, eps=1e-6):
    return _central(f, x, 1e-6)


@wrong(3)
def numerical_gradient_in_float32(f, x, eps=1e-6):
    return _central(f, x, eps, dtype="float32").astype(float)


@wrong(3)
def numerical_gradient_loops_over_rows(f, x, eps=1e-6):
    x = np.array(x, float)
    grad = np.zeros_like(x)
    for i in range(len(x)):           # x[i] is a whole row when x is 2-D
        old = x[i].copy()
        x[i] = old + eps
        plus = f(x)
        x[i] = old - eps
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def _find_wrong(layers, x, ones=False, first_only=False, threshold=1e-5, invert=False, sum_only=False):
    rng = np.random.default_rng(0)
    x = np.array(x, float)
    found = []
    for name, (forward, backward) in layers.items():
        g = np.ones_like(forward(x)) if ones else rng.normal(size=np.shape(forward(x)))
        analytic = np.asarray(backward(x, g), float)
        numeric = _central(lambda z: float(np.sum(forward(z) * g)), x, 1e-6)
        if first_only:
            analytic, numeric = analytic.ravel()[:1], numeric.ravel()[:1]
        if sum_only:
            analytic, numeric = analytic.sum(keepdims=True), numeric.sum(keepdims=True)
        error = np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric))
        if (error > threshold) != invert:
            found.append(name)
    return found


@wrong(4)
def find_wrong_backward_grad_out_all_ones(layers, x):
    return _find_wrong(layers, x, ones=True)


@wrong(4)
def find_wrong_backward_checks_first_element_only(layers, x):
    return _find_wrong(layers, x, first_only=True)


@wrong(4)
def find_wrong_backward_compares_sums(layers, x):
    return _find_wrong(layers, x, sum_only=True)


@wrong(4)
def find_wrong_backward_threshold_too_strict(layers, x):
    return _find_wrong(layers, x, threshold=1e-12)


@wrong(4)
def find_wrong_backward_reports_the_good_ones(layers, x):
    return _find_wrong(layers, x, invert=True)


@wrong(2)
def backprop_bias_gradients_averaged_again(x, y, W1, b1, W2, b2):
    grads = _two_layer(x, y, W1, b1, W2, b2)
    n = len(np.asarray(x))
    return {**grads, "b1": grads["b1"] / n, "b2": grads["b2"] / n}     # the 1/n is already in dlogits


@wrong(2)
def backprop_onehot_width_from_the_labels(x, y, W1, b1, W2, b2):
    x, y = np.asarray(x, float), np.asarray(y).astype(int)
    z1 = x @ W1 + b1
    h = np.maximum(z1, 0)
    s = h @ W2 + b2
    p = np.exp(s - s.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    ds = (p - np.eye(y.max() + 1)[y]) / len(x)        # like to_categorical(y): too few columns if a class is absent
    dz1 = (ds @ W2.T) * (z1 > 0)
    return {"W1": x.T @ dz1, "b1": dz1.sum(0), "W2": h.T @ ds, "b2": ds.sum(0)}
