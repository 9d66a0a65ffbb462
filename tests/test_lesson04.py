"""Lesson 04: other correct implementations pass, and the gradient checks catch what they teach."""
import numpy as np
import pytest

from dlbasics.checks import lesson
from dlbasics.checks.core import CheckFailed


def test_alternative_numerical_gradients_pass():
    l04 = lesson("04")

    def restore_by_arithmetic(f, x, eps=1e-6):
        x = np.array(x, dtype=float)
        flat, grad = x.reshape(-1), np.zeros(x.size)       # flat is a view: editing it edits x
        for i in range(x.size):
            flat[i] += eps
            plus = f(x)
            flat[i] -= 2 * eps
            minus = f(x)
            flat[i] += eps
            grad[i] = (plus - minus) / (2 * eps)
        return grad.reshape(x.shape)

    def fresh_copies(f, x, eps=1e-6):
        x = np.asarray(x, dtype=float)
        grad = np.empty_like(x)
        for i in np.ndindex(x.shape):
            up, down = x.copy(), x.copy()
            up[i] += eps
            down[i] -= eps
            grad[i] = (f(up) - f(down)) / (2 * eps)
        return grad

    l04.exercise_3(restore_by_arithmetic)
    l04.exercise_3(fresh_copies)


def _numeric(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (f(up) - f(down)) / (2 * eps)
    return grad


def test_alternative_bug_finders_pass():
    l04 = lesson("04")

    def elementwise_allclose(layers, x):
        rng = np.random.default_rng(123)
        bad = set()
        for name, (forward, backward) in layers.items():
            g = rng.standard_normal(np.shape(forward(x)))
            numeric = _numeric(lambda z: np.vdot(forward(z), g), x)
            if not np.allclose(backward(x, g), numeric, rtol=1e-4, atol=1e-6):
                bad.add(name)
        return bad                                           # a set, not a list

    def random_directions(layers, x):
        """Directional derivatives along a few random directions: cheaper, and as good here."""
        rng = np.random.default_rng(7)
        bad = []
        for name, (forward, backward) in layers.items():
            g = rng.normal(size=np.shape(forward(x)))
            analytic = backward(x, g)
            for _ in range(3):
                v = rng.normal(size=np.shape(x))
                slope = (np.sum(forward(x + 1e-6 * v) * g) - np.sum(forward(x - 1e-6 * v) * g)) / 2e-6
                if abs(slope - np.sum(analytic * v)) > 1e-5 * (abs(slope) + 1e-3):
                    bad.append(name)
                    break
        return tuple(bad)

    def forward_difference_with_a_looser_threshold(layers, x):
        rng = np.random.default_rng(0)
        bad = []
        for name, (forward, backward) in layers.items():
            g = rng.normal(size=np.shape(forward(x)))
            scalar = lambda z: float(np.sum(forward(z) * g))        # noqa: E731
            numeric = np.zeros_like(x)
            for i in np.ndindex(x.shape):
                z = x.copy()
                z[i] += 1e-7
                numeric[i] = (scalar(z) - scalar(x)) / 1e-7
            a = np.asarray(backward(x, g))
            if np.linalg.norm(a - numeric) / (np.linalg.norm(a) + np.linalg.norm(numeric)) > 1e-3:
                bad.append(name)
        return bad

    for fn in (elementwise_allclose, random_directions, forward_difference_with_a_looser_threshold):
        l04.exercise_4(fn)
        ex = l04.EXERCISES[3]
        for seed in range(3):
            ex.check(fn, cases=ex.cases(np.random.default_rng(seed)), quiet=True)


def test_bug_finder_messages_count_but_do_not_name_layers():
    l04 = lesson("04")
    with pytest.raises(CheckFailed) as failure:
        l04.exercise_4(lambda layers, x: [])
    assert "missed" in str(failure.value)
    for name in l04.LAYERS:
        assert f"'{name}'" not in str(failure.value).split("Hint:")[0]


def test_every_planted_bug_is_far_from_the_numbers():
    """The bugs the check plants are visible (relative error > 1e-3) on every test input it draws,
    and the correct backward passes agree to 1e-7: the answer key is not a matter of threshold."""
    l04 = lesson("04")
    ex = l04.EXERCISES[3]
    rng = np.random.default_rng(0)
    for seed in range(20):
        for case in ex.cases(np.random.default_rng(seed)):
            layers, x = case.args
            for name, (forward, backward) in layers.items():
                g = rng.normal(size=x.shape)
                a, n = backward(x, g), _numeric(lambda z: float(np.sum(forward(z) * g)), x)
                err = np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))
                assert (err > 1e-3) if name in case.wrong else (err < 1e-7), (case.label, name, err)


def test_alternative_backward_passes_pass():
    l04 = lesson("04")

    def slopes_from_the_output(x, W, b, grad_out, activation):
        x, W, g = (np.asarray(v, dtype=float) for v in (x, W, grad_out))
        z = x @ W + b
        if activation == "relu":
            slope = np.sign(np.maximum(z, 0))
        elif activation == "sigmoid":
            a = 1 / (1 + np.exp(-z))
            slope = a - a * a
        elif activation == "tanh":
            a = np.tanh(z)
            slope = 1 - a * a
        else:
            slope = 1.0
        dz = g * slope
        return np.einsum("nu,du->nd", dz, W), np.einsum("nd,nu->du", x, dz), np.einsum("nu->u", dz)

    def log_softmax_and_eye(x, y, W1, b1, W2, b2):
        x, y = np.asarray(x, dtype=float), np.asarray(y).astype(int)
        z1 = x @ W1 + b1
        h = np.maximum(z1, 0)
        s = h @ W2 + b2
        p = np.exp(s - np.logaddexp.reduce(s, axis=1, keepdims=True))
        ds = (p - np.eye(W2.shape[1])[y]) / len(x)          # one column per logit
        dz1 = np.where(z1 > 0, ds @ W2.T, 0.0)
        return {"W1": x.T @ dz1, "b1": dz1.sum(0), "W2": h.T @ ds, "b2": ds.sum(0)}

    for number, fn in ((1, slopes_from_the_output), (2, log_softmax_and_eye)):
        ex = l04.EXERCISES[number - 1]
        ex.check(fn, quiet=True)
        for seed in range(3):
            ex.check(fn, cases=ex.cases(np.random.default_rng(seed)), quiet=True)
