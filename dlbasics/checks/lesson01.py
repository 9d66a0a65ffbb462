"""Checks for lesson 01, neural networks and deep neural networks."""
import numpy as np

from .core import Case, Exercise, as_whole_number, exercises


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


EXERCISES = [Neuron(), DenseForward(), CountParams()]
globals().update(exercises(*EXERCISES))
