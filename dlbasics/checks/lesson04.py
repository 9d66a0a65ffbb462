"""Checks for lesson 04, backpropagation. The truth is `tf.GradientTape` on the same weights."""
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


FUNCTIONS = {"sum(x**2) + 3*x[0]": _quadratic, "sum(sin(x) * exp(0.1x))": _wavy, "sum(softplus(x))": _softplus_sum}


class NumericalGradient(Exercise):
    number, title = 3, "numerical_gradient"
    hint = ("For each element i: add eps to x[i] only, evaluate f, subtract eps instead, evaluate f, put "
            "x[i] back; the slope is (f_plus - f_minus) / (2 * eps).")
    rtol, atol = 1e-5, 1e-6

    def cases(self, rng=None):
        r = np.random.default_rng(6)
        cases = [
            Case(f"f(x) = {name}, x of shape {shape}", (FUNCTIONS[name], r.normal(size=shape)))
            for name, shape in [("sum(x**2) + 3*x[0]", (4,)), ("sum(sin(x) * exp(0.1x))", (3, 2)), ("sum(softplus(x))", (5,))]
        ]
        cases[0].hint = "Each element needs its own two evaluations; perturb one element at a time."
        if rng is not None:
            names = list(FUNCTIONS)
            for i in range(4):
                shape = tuple(int(v) for v in rng.integers(1, 5, size=int(rng.integers(1, 3))))
                cases.append(Case(f"random point #{i}", (FUNCTIONS[names[i % 3]], rng.normal(size=shape))))
        return cases

    def produce(self, fn, case):
        f, x = case.args
        return np.asarray(fn(f, x.copy()), "float64")

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


EXERCISES = [DenseBackward(), TwoLayerBackprop(), NumericalGradient()]
globals().update(exercises(*EXERCISES))
