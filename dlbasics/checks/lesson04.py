"""Checks for lesson 04, backpropagation. The truth is `tf.GradientTape` on the same weights."""
from dataclasses import dataclass

import numpy as np

from .core import Case, CheckFailed, Exercise, compare_arrays, exercises

ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh")


def _tape_dense(x, W, b, grad_out, activation):
    """dL/dx, dL/dW, dL/db for a = activation(x @ W + b), where dL/da = grad_out."""
    import tensorflow as tf

    x, W, b = (tf.Variable(np.asarray(v, "float64")) for v in (x, W, b))
    with tf.GradientTape() as tape:
        z = x @ W + b
        a = {"linear": tf.identity, "relu": tf.nn.relu, "sigmoid": tf.sigmoid, "tanh": tf.tanh}[activation](z)
        surrogate = tf.reduce_sum(a * np.asarray(grad_out, "float64"))   # its gradient wrt a is grad_out
    return tuple(g.numpy() for g in tape.gradient(surrogate, [x, W, b]))


def _as_triple(got, names):
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        raise CheckFailed(f"expected a tuple of {len(names)} arrays ({', '.join(names)}).")
    return tuple(np.asarray(g, "float64") for g in got)


class DenseBackward(Exercise):
    number, title = 1, "dense_backward"
    hint = ("With z = x @ W + b and a = f(z): dz = grad_out * f'(z); dW = x.T @ dz; db = dz summed over "
            "the batch; dx = dz @ W.T.")
    rtol, atol = 1e-6, 1e-8

    def cases(self, rng=None):
        r = np.random.default_rng(4)
        cases = []
        for act in ACTIVATIONS:
            cases.append(Case(f"{act} activation, batch of 4, 3 inputs -> 2 units",
                              (r.normal(size=(4, 3)), r.normal(size=(3, 2)), r.normal(size=2), r.normal(size=(4, 2)), act),
                              hint={"relu": "ReLU's slope is 1 where z > 0 and 0 elsewhere.",
                                    "sigmoid": "sigmoid'(z) = s * (1 - s) with s = sigmoid(z).",
                                    "tanh": "tanh'(z) = 1 - tanh(z)**2.",
                                    "linear": "With no activation, dz = grad_out."}[act]))
        cases.append(Case("a batch of one example", (r.normal(size=(1, 5)), r.normal(size=(5, 3)), r.normal(size=3),
                                                     r.normal(size=(1, 3)), "tanh")))
        cases.append(Case("large batch: db sums over examples", (r.normal(size=(32, 2)), r.normal(size=(2, 2)), r.normal(size=2),
                                                                 np.ones((32, 2)), "linear"),
                          hint="db has the shape of b: add up the batch's contributions."))
        if rng is not None:
            for i in range(6):
                n, d, u = (int(v) for v in rng.integers(1, 10, 3))
                cases.append(Case(f"random layer #{i}", (rng.normal(size=(n, d)), rng.normal(size=(d, u)), rng.normal(size=u),
                                                         rng.normal(size=(n, u)), ACTIVATIONS[i % 4])))
        return cases

    def produce(self, fn, case):
        return _as_triple(fn(*case.args, **case.kwargs), ("dx", "dW", "db"))

    def reference(self, x, W, b, grad_out, activation):
        return _tape_dense(x, W, b, grad_out, activation)

    def judge(self, got, case):
        for name, g, w in zip(("dx", "dW", "db"), got, self.reference(*case.args)):
            problem = compare_arrays(g, w, self.rtol, self.atol, what=name)
            if problem:
                return problem
        return None


PARAMS = ("W1", "b1", "W2", "b2")


def _tape_two_layer(x, y, W1, b1, W2, b2):
    import tensorflow as tf

    params = [tf.Variable(np.asarray(p, "float64")) for p in (W1, b1, W2, b2)]
    with tf.GradientTape() as tape:
        h = tf.nn.relu(np.asarray(x, "float64") @ params[0] + params[1])
        logits = h @ params[2] + params[3]
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(np.asarray(y, "int64"), logits))
    return float(loss), {k: g.numpy() for k, g in zip(PARAMS, tape.gradient(loss, params))}


class TwoLayerBackprop(Exercise):
    number, title = 2, "two_layer_backprop"
    hint = ("Backwards from the loss: dlogits = (softmax(logits) - onehot(y)) / n; dW2 = h.T @ dlogits; "
            "db2 = dlogits summed over the batch; dh = dlogits @ W2.T; dz1 = dh * (z1 > 0); then as for layer 2.")
    rtol, atol = 1e-6, 1e-9

    def cases(self, rng=None):
        r = np.random.default_rng(5)

        def net(n, d, h, k, rr, scale=1.0):
            return (rr.normal(size=(n, d)), rr.integers(0, k, n), rr.normal(0, scale, (d, h)), rr.normal(0, 0.1, h),
                    rr.normal(0, scale, (h, k)), rr.normal(0, 0.1, k))

        cases = [
            Case("8 examples, 4 inputs, 5 hidden units, 3 classes", net(8, 4, 5, 3, r)),
            Case("one example", net(1, 3, 4, 2, r), hint="Divide by the batch size n, even when n is 1."),
            Case("a larger batch", net(64, 6, 10, 4, r), hint="The loss is the mean over the batch: divide the gradient by n."),
            Case("large weights (confident logits)", net(5, 3, 4, 3, r, scale=10.0),
                 hint="Compute softmax stably (subtract each row's maximum)."),
        ]
        x, _, *weights = net(6, 3, 5, 4, r)
        cases.append(Case("4 classes, but this batch only has labels 0 and 1", (x, np.array([0, 1, 1, 0, 1, 0]), *weights),
                          hint="The one-hot needs one column per logit (W2.shape[1] classes), not y.max() + 1: "
                               "a batch need not contain every class."))
        if rng is not None:
            for i in range(5):
                n, d, h, k = (int(v) for v in rng.integers(1, 12, 4))
                cases.append(Case(f"random network #{i}", net(n, d, h, max(k, 2), rng)))
        return cases

    def produce(self, fn, case):
        got = fn(*case.args)
        if not isinstance(got, dict):
            raise CheckFailed(f"expected a dict with the keys {list(PARAMS)}, got a {type(got).__name__}.")
        missing = [k for k in PARAMS if k not in got]
        if missing:
            raise CheckFailed(f"the dict lacks the key(s) {missing}.")
        return {k: np.asarray(got[k], "float64") for k in PARAMS}

    def reference(self, *args):
        return _tape_two_layer(*args)[1]

    def judge(self, got, case):
        want = self.reference(*case.args)
        for k in reversed(PARAMS):          # report the layer nearest the loss first
            problem = compare_arrays(got[k], want[k], self.rtol, self.atol, what=f"the gradient for {k}")
            if problem:
                return problem
        return None


def _quadratic(x):
    return float(np.sum(x ** 2) + 3 * x.ravel()[0])


def _wavy(x):
    return float(np.sum(np.sin(x) * np.exp(0.1 * x)))


def _softplus_sum(x):
    return float(np.sum(np.logaddexp(0, x)))


def _logsumexp(x):
    m = np.max(x)
    return float(m + np.log(np.sum(np.exp(x - m))))


def _projected_square(x):
    a = np.arange(1, x.size + 1).reshape(x.shape)
    return float(np.sum(a * x) ** 2)


def _cube_sum(x):
    return float(np.sum(x ** 3))


# Separable sums (each x_i on its own), then functions that mix the elements: only those reveal a
# loop that forgets to put x[i] back before moving on to x[i+1].
FUNCTIONS = {"sum(x**2) + 3*x[0]": _quadratic, "sum(sin(x) * exp(0.1x))": _wavy, "sum(softplus(x))": _softplus_sum,
             "logsumexp(x)": _logsumexp, "(a . x)**2 with a = 1, 2, 3, ...": _projected_square,
             "sum(x**3)": _cube_sum}


class NumericalGradient(Exercise):
    number, title = 3, "numerical_gradient"
    hint = ("For each element i: add eps to x[i] only, evaluate f, subtract eps instead, evaluate f, put "
            "x[i] back; the slope is (f_plus - f_minus) / (2 * eps).")
    rtol, atol = 1e-5, 1e-6

    def cases(self, rng=None):
        r = np.random.default_rng(6)
        fixed = [("sum(x**2) + 3*x[0]", (4,), None), ("sum(sin(x) * exp(0.1x))", (3, 2), None),
                 ("sum(softplus(x))", (5,), None), ("logsumexp(x)", (2, 3), None),
                 ("(a . x)**2 with a = 1, 2, 3, ...", (5,), 1e-3), ("sum(x**3)", (4,), 0.05)]
        cases = [Case(f"f(x) = {name}, x of shape {shape}" + (f", eps={eps}" if eps else ""),
                      (FUNCTIONS[name], r.normal(size=shape)), {"eps": eps} if eps else {})
                 for name, shape, eps in fixed]
        cases[0].hint = "Each element needs its own two evaluations; perturb one element at a time."
        cases[3].hint = "This f mixes the elements: every evaluation must see the other elements at their original values."
        cases[4].hint = ("With eps=1e-3 a one-sided difference is off by about eps times the curvature; and x[i] "
                         "must be back at its original value before you perturb the next element.")
        cases[5].hint = "Use the eps you are given: the check compares with the central difference at that step."
        if rng is not None:
            names = list(FUNCTIONS)
            for i in range(6):
                shape = tuple(int(v) for v in rng.integers(1, 5, size=int(rng.integers(1, 3))))
                eps = [1e-6, 1e-4, 1e-3][i % 3]
                cases.append(Case(f"random point #{i}, eps={eps}", (FUNCTIONS[names[i % len(names)]], rng.normal(size=shape)),
                                  {"eps": eps}))
        return cases

    def produce(self, fn, case):
        f, x = case.args
        return np.asarray(fn(f, x.copy(), **case.kwargs), "float64")

    def reference(self, f, x, eps=1e-6):
        x = np.array(x, dtype="float64")
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old + eps
            f_plus = f(x)
            x[i] = old - eps
            f_minus = f(x)
            x[i] = old
            grad[i] = (f_plus - f_minus) / (2 * eps)
        return grad


# ---- Exercise 4: find the layers whose backward pass is wrong ------------------------------
def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


_DENSE_W = np.random.default_rng(44).normal(size=(4, 4))      # a fixed, non-symmetric weight matrix


def _softmax_rows(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _normalize_rows(x):
    return (x - x.mean(-1, keepdims=True)) / x.std(-1, keepdims=True)


def _normalize_backward(x, g):
    xh = _normalize_rows(x)
    return (g - g.mean(-1, keepdims=True) - xh * (g * xh).mean(-1, keepdims=True)) / x.std(-1, keepdims=True)


# name: (forward, correct backward, a plausible buggy backward). Every layer maps (n, 4) -> (n, 4).
LAYERS = {
    "tanh": (np.tanh, lambda x, g: g * (1 - np.tanh(x) ** 2),
             lambda x, g: 1 - np.tanh(x) ** 2),                                   # ignores grad_out
    "sigmoid": (_sigmoid, lambda x, g: g * _sigmoid(x) * (1 - _sigmoid(x)),
                lambda x, g: g * _sigmoid(x)),                                    # sigma used as sigma'
    "softplus": (lambda x: np.logaddexp(0, x), lambda x, g: g * _sigmoid(x),
                 lambda x, g: g * _sigmoid(-x)),                                  # sign slip
    "square": (lambda x: x ** 2, lambda x, g: 2 * x * g, lambda x, g: x * g),       # factor 2 lost
    "relu": (lambda x: np.maximum(x, 0), lambda x, g: g * (x > 0),
             lambda x, g: np.array(g, dtype="float64")),                          # mask forgotten
    "exp": (np.exp, lambda x, g: g * np.exp(x), lambda x, g: np.exp(x)),         # ignores grad_out
    "dense": (lambda x: x @ _DENSE_W, lambda x, g: g @ _DENSE_W.T, lambda x, g: g @ _DENSE_W),   # W not transposed
    "softmax": (_softmax_rows, lambda x, g: _softmax_rows(x) * (g - (g * _softmax_rows(x)).sum(-1, keepdims=True)),
                lambda x, g: g * _softmax_rows(x) * (1 - _softmax_rows(x))),      # diagonal of the Jacobian only
    "normalize": (_normalize_rows, _normalize_backward,                           # (x - mean) / std, per row
                  lambda x, g: (g - g.mean(-1, keepdims=True)) / x.std(-1, keepdims=True)),   # treats std as a constant
}


def _library(names, wrong):
    return {name: (LAYERS[name][0], LAYERS[name][2 if name in wrong else 1]) for name in names}


def _test_input(rng, n):
    """An (n, 4) input with both signs and no entry within 0.05 of ReLU's kink."""
    x = rng.normal(size=(n, 4))
    x = np.where(np.abs(x) < 0.05, np.sign(x + 1e-12) * 0.05 + x, x)
    x[0, 0], x[-1, -1] = abs(x[0, 0]) + 0.1, -abs(x[-1, -1]) - 0.1
    return x


@dataclass
class LibraryCase(Case):
    wrong: tuple = ()                # the names whose backward is buggy (the answer)


class FindWrongBackward(Exercise):
    number, title = 4, "find_wrong_backward"
    hint = ("Gradient-check each layer: a check needs a scalar, so build one from forward(x) whose gradient "
            "with respect to x is what backward(x, grad_out) claims to return, compare with "
            "central differences by relative error, and report the layers that disagree.")

    def cases(self, rng=None):
        r = np.random.default_rng(9)
        spec = [
            ("five layers: tanh, sigmoid, dense, relu, exp", ["tanh", "sigmoid", "dense", "relu", "exp"], {"tanh", "relu"},
             "A grad_out of all ones hides some bugs: what would a backward that ignores grad_out return then?"),
            ("whole-row layers: softmax, normalize, square, softplus", ["softmax", "normalize", "square", "softplus"],
             {"normalize", "softplus"}, "Some layers mix the elements of a row: compare every element of the gradient."),
            ("all nine layers, none wrong", list(LAYERS), set(),
             "A correct backward agrees with central differences to about 1e-8 (relative error): choose a threshold "
             "well above that."),
            ("all nine layers, every one wrong", list(LAYERS), set(LAYERS), ""),
        ]
        cases = [LibraryCase(label, (_library(names, wrong), _test_input(r, 3)), hint=hint, wrong=tuple(sorted(wrong)))
                 for label, names, wrong, hint in spec]
        if rng is not None:
            for i in range(5):
                names = [str(v) for v in rng.choice(list(LAYERS), size=int(rng.integers(3, 7)), replace=False)]
                wrong = {name for name in names if rng.random() < 0.5}
                cases.append(LibraryCase(f"random library #{i} of {len(names)} layers",
                                         (_library(names, wrong), _test_input(rng, int(rng.integers(2, 5)))),
                                         wrong=tuple(sorted(wrong))))
        return cases

    def produce(self, fn, case):
        layers, x = case.args
        got = fn(layers, x)
        if got is None:
            raise CheckFailed("your function returned None. Did you forget `return`?")
        if isinstance(got, str) or not hasattr(got, "__iter__"):
            raise CheckFailed(f"expected a list of layer names, got a {type(got).__name__}.")
        names = list(got)
        unknown = [n for n in names if not isinstance(n, str) or n not in layers]
        if unknown:
            raise CheckFailed("return the names (the dict's keys, strings) of the layers whose backward is wrong; "
                              f"found {len(unknown)} item(s) that are not keys of `layers`.")
        return sorted(set(names))

    def reference(self, layers, x, eps=1e-6, threshold=1e-5):
        """The course's gradient check of every layer, with a random grad_out."""
        rng = np.random.default_rng(0)
        x = np.array(x, dtype="float64")
        wrong = []
        for name, (forward, backward) in layers.items():
            g = rng.normal(size=np.shape(forward(x)))
            analytic = np.asarray(backward(x, g), dtype="float64")
            numeric = NumericalGradient.reference(None, lambda z: float(np.sum(forward(z) * g)), x, eps)
            error = np.linalg.norm(analytic - numeric) / max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-300)
            if not error < threshold:
                wrong.append(name)
        return sorted(wrong)

    def judge(self, got, case):
        got, want = set(got), set(case.wrong)
        missed, false_alarms = len(want - got), len(got - want)
        if not missed and not false_alarms:
            return None
        parts = []
        if missed:
            parts.append(f"you missed {missed} layer(s) whose backward is wrong")
        if false_alarms:
            parts.append(f"you reported {false_alarms} layer(s) whose backward is correct")
        return " and ".join(parts) + "."


EXERCISES = [DenseBackward(), TwoLayerBackprop(), NumericalGradient(), FindWrongBackward()]
globals().update(exercises(*EXERCISES))
