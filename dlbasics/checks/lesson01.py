"""Checks for lesson 01, neural networks and deep neural networks."""
import numpy as np

from .core import Case, CheckFailed, Exercise, as_array, as_whole_number, exercises


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))      # same as 1/(1+exp(-z)), without overflow


class Neuron(Exercise):
    number, title = 1, "neuron"
    hint = "A neuron computes a weighted sum of its inputs plus its bias, then applies the sigmoid."

    def cases(self, rng=None):
        r = np.random.default_rng(1)
        cases = [
            Case("one example with 3 inputs", (np.array([1.0, 2.0, -1.0]), np.array([0.5, -0.25, 1.0]), 0.1)),
            Case("a batch of 5 examples", (r.normal(size=(5, 3)), r.normal(size=3), -0.3),
                 hint="With a batch, x has shape (n, d): x @ w gives one weighted sum per row."),
            Case("zero weights (only the bias speaks)", (r.normal(size=(4, 2)), np.zeros(2), 2.0),
                 hint="Did you add the bias?"),
            Case("zero inputs", (np.zeros((2, 3)), r.normal(size=3), -1.0)),
            Case("a batch of one example, shape (1, 2)", (np.array([[0.5, -1.5]]), np.array([2.0, 1.0]), 0.25),
                 hint="A batch of one example is still a batch: return shape (1,), not a bare number "
                      "(np.squeeze drops that axis)."),
            Case("large weighted sums", (np.array([[100.0, 50.0], [-100.0, -50.0]]), np.array([1.0, 1.0]), 0.0)),
        ]
        if rng is not None:
            for i in range(5):
                n, d = rng.integers(1, 20, size=2)
                cases.append(Case(f"random batch #{i}", (rng.normal(size=(n, d)), rng.normal(size=d), float(rng.normal()))))
        return cases

    def reference(self, x, w, b):
        return _sigmoid(np.asarray(x) @ np.asarray(w) + b)


class DenseForward(Exercise):
    number, title = 2, "dense_forward"
    hint = ("A Dense layer computes activation(x @ kernel + bias), with kernel of shape "
            "(inputs, units); the activation (if any) comes last.")
    rtol, atol = 1e-5, 1e-5

    def cases(self, rng=None):
        r = np.random.default_rng(2)
        relu = lambda z: np.maximum(z, 0)  # noqa: E731
        cases = [
            Case("no activation, 4 examples, 3 inputs -> 2 units", (r.normal(size=(4, 3)), r.normal(size=(3, 2)), r.normal(size=2))),
            Case("ReLU activation", (r.normal(size=(6, 3)), r.normal(size=(3, 4)), r.normal(size=4)), {"activation": relu},
                 hint="Apply the activation to the whole pre-activation x @ kernel + bias."),
            Case("tanh activation", (r.normal(size=(2, 5)), r.normal(size=(5, 3)), r.normal(size=3)), {"activation": np.tanh}),
            Case("a batch of one example", (r.normal(size=(1, 3)), r.normal(size=(3, 3)), r.normal(size=3))),
            Case("more units than inputs, nonzero bias", (r.normal(size=(3, 2)), r.normal(size=(2, 7)), np.arange(7.0))),
        ]
        if rng is not None:
            for i in range(5):
                n, d, u = rng.integers(1, 12, size=3)
                act = [None, relu, np.tanh][i % 3]
                cases.append(Case(f"random layer #{i}", (rng.normal(size=(n, d)), rng.normal(size=(d, u)), rng.normal(size=u)),
                                  {"activation": act} if act else {}))
        return cases

    def reference(self, x, kernel, bias, activation=None):
        # The truth is Keras itself: a Dense layer loaded with the same weights.
        import keras

        layer = keras.layers.Dense(kernel.shape[1], dtype="float64")
        layer.build((None, kernel.shape[0]))
        layer.set_weights([kernel, bias])
        z = keras.ops.convert_to_numpy(layer(x))
        return z if activation is None else activation(z)


class CountParams(Exercise):
    number, title = 3, "count_params"
    hint = ("Each Dense layer from n_in to n_out units has an n_in x n_out kernel and one bias per "
            "output unit; the input layer itself has no parameters.")

    def cases(self, rng=None):
        sizes = [[2, 1], [3, 5, 2], [784, 128, 10], [10, 10, 10, 10], [1, 100, 1]]
        if rng is not None:
            sizes += [list(rng.integers(1, 300, size=rng.integers(2, 7))) for _ in range(5)]
        return [Case(f"layer sizes {s}", (list(int(v) for v in s),)) for s in sizes]

    def produce(self, fn, case):
        return as_whole_number(fn(*case.args))

    def reference(self, sizes):
        import keras

        model = keras.Sequential([keras.Input((sizes[0],))] + [keras.layers.Dense(n) for n in sizes[1:]])
        return model.count_params()

    def judge(self, got, case):
        want = self.reference(*case.args)
        if got != want:
            direction = "too high" if got > want else "too low"
            return f"your count is {direction} for this network."
        return None


CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR = np.array([0.0, 1.0, 1.0, 0.0])


class XorWeights(Exercise):
    number, title = 4, "xor_weights"
    hint = ("Look at relu(x1 + x2 - c) at the four corners for a few thresholds c: one unit can say "
            "'at least one input is on', another 'both are on'. The output layer then combines the "
            "two with one positive and one negative weight.")
    atol = 1e-3

    def cases(self, rng=None):
        # Nothing to randomize: the answer is a design, judged at the four corners.
        return [Case("the four corners (0,0), (0,1), (1,0), (1,1)")]

    def produce(self, fn, case):
        got = fn()
        if got is None:
            raise CheckFailed("your function returned None. Did you forget `return`?")
        if not isinstance(got, (tuple, list)) or len(got) != 4:
            raise CheckFailed("return four arrays, (kernel1, bias1, kernel2, bias2), in that order.")
        k1, b1, k2, b2 = (as_array(a, "each of the four weights") for a in got)
        if k1.ndim != 2 or k1.shape[0] != 2:
            raise CheckFailed(f"kernel1 has shape {k1.shape}; it needs shape (2, hidden units): one row per input.")
        h = k1.shape[1]
        if b1.shape != (h,):
            raise CheckFailed(f"bias1 has shape {b1.shape}; it needs one entry per hidden unit, shape ({h},).")
        if k2.shape != (h, 1):
            raise CheckFailed(f"kernel2 has shape {k2.shape}; it needs shape ({h}, 1): one row per hidden unit, one output.")
        if b2.reshape(-1).shape != (1,):
            raise CheckFailed(f"bias2 has shape {b2.shape}; the one output unit has one bias, shape (1,).")
        return [k1.tolist(), b1.tolist(), k2.tolist(), b2.reshape(-1).tolist()]

    def reference(self):
        """The course's XOR network: two ReLU units, 'any input on' and 'both on'."""
        return (np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]),
                np.array([[1.0], [-2.0]]), np.array([0.0]))

    @staticmethod
    def network(weights, x):
        """relu(x @ kernel1 + bias1) @ kernel2 + bias2, computed by Keras layers holding the weights."""
        import keras

        k1, b1, k2, b2 = (np.asarray(w, "float64") for w in weights)
        hidden = keras.layers.Dense(k1.shape[1], activation="relu", dtype="float64")
        out = keras.layers.Dense(1, dtype="float64")
        hidden.build((None, 2))
        out.build((None, k1.shape[1]))
        hidden.set_weights([k1, b1])
        out.set_weights([k2, b2])
        return keras.ops.convert_to_numpy(out(hidden(np.asarray(x, "float64"))))[:, 0]

    def judge(self, got, case):
        y = self.network(got, CORNERS)
        if not np.isfinite(y).all():
            return "the network's output is nan or inf at some corner."
        wrong = ~np.isclose(y, XOR, atol=self.atol, rtol=0)
        if wrong.any():
            corners = ", ".join(f"({int(a)},{int(b)}) is too {'high' if y[i] > XOR[i] else 'low'}"
                                for i, (a, b) in enumerate(CORNERS) if wrong[i])
            return (f"the output must be XOR exactly (within {self.atol}) at every corner; at {int(wrong.sum())} "
                    f"of 4 corners it is not: {corners}.")
        return None


EXERCISES = [Neuron(), DenseForward(), CountParams(), XorWeights()]
globals().update(exercises(*EXERCISES))
