"""Checks for lesson 02, activation functions."""
import warnings

import numpy as np

from .core import Case, Exercise, exercises


def _keras_activation(name, x, **kw):
    import keras

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras warns about softmax over a size-1 axis: valid here
        return keras.ops.convert_to_numpy(getattr(keras.activations, name)(np.asarray(x, "float64"), **kw))


def _elementwise_cases(rng):
    cases = [
        Case("zeros", (np.zeros(5),)),
        Case("small values from -3 to 3", (np.linspace(-3, 3, 13),)),
        Case("a batch (matrix) of values", (np.arange(-6, 6, dtype="float64").reshape(3, 4) / 2,)),
        Case("large positive values (up to 1000)", (np.array([20.0, 100.0, 1000.0]),),
             hint="For large x, exp(x) overflows; rewrite the formula so you only ever take exp of a negative number."),
        Case("large negative values (down to -1000)", (np.array([-20.0, -100.0, -1000.0]),),
             hint="For very negative x, exp(-x) overflows; use a form that only takes exp of a negative number."),
        Case("float32 input", (np.linspace(-100, 100, 9, dtype="float32"),),
             hint="float32 overflows already at exp(89)."),
        Case("a single number", (np.float64(0.5),)),
    ]
    if rng is not None:
        cases += [Case(f"random values #{i}", (rng.normal(0, 10 ** rng.uniform(0, 3), rng.integers(1, 50)),))
                  for i in range(5)]
    return cases


class Sigmoid(Exercise):
    number, title = 1, "sigmoid"
    hint = "sigmoid(x) = 1 / (1 + exp(-x)) equals exp(x) / (1 + exp(x)); each form is safe for one sign of x."

    def cases(self, rng=None):
        return _elementwise_cases(rng)

    def reference(self, x):
        return _keras_activation("sigmoid", x)


class Softmax(Exercise):
    number, title = 2, "softmax"
    hint = ("softmax is unchanged when you subtract the same number from every logit of a row; "
            "subtracting each row's maximum keeps exp() in range.")

    def cases(self, rng=None):
        cases = [
            Case("one vector of 3 logits", (np.array([1.0, 2.0, 3.0]),)),
            Case("all zeros (a uniform distribution)", (np.zeros(4),)),
            Case("a batch of 3 rows, softmax over the last axis", (np.array([[1.0, 2, 3], [0, 0, 0], [-1, 5, 2]]),)),
            Case("large logits (1000, 1001, 1002)", (np.array([1000.0, 1001.0, 1002.0]),)),
            Case("rows on very different scales", (np.array([[1000.0, 1001.0], [0.0, 1.0]]),),
                 hint="Subtract each row's own maximum (keepdims=True), not one maximum for the whole array."),
            Case("axis=0 (columns sum to one)", (np.array([[1.0, 2.0], [3.0, 5.0], [0.0, -1.0]]),), {"axis": 0},
                 hint="Use the `axis` argument for both the maximum and the sum."),
            Case("float32 logits", (np.array([[10.0, 20.0, 90.0]], dtype="float32"),)),
        ]
        if rng is not None:
            for i in range(5):
                shape = tuple(rng.integers(1, 6, size=rng.integers(1, 4)))
                axis = int(rng.integers(-len(shape), len(shape)))
                cases.append(Case(f"random logits #{i}", (rng.normal(0, 50, shape),), {"axis": axis}))
        return cases

    def reference(self, x, axis=-1):
        return _keras_activation("softmax", x, axis=axis)


class Swish(Exercise):
    number, title = 3, "swish"
    hint = "swish(x, beta) = x * sigmoid(beta * x); compute the sigmoid part in a numerically stable way."

    def cases(self, rng=None):
        cases = [Case(c.label + ", beta=1", c.args, {}, c.hint) for c in _elementwise_cases(None)]
        cases += [
            Case("beta=2", (np.linspace(-3, 3, 7),), {"beta": 2.0}, hint="The slope parameter beta scales x inside the sigmoid only."),
            Case("beta=0.5 with large values", (np.array([-500.0, -1.0, 0.0, 1.0, 500.0]),), {"beta": 0.5}),
        ]
        if rng is not None:
            cases += [Case(f"random values #{i}", (rng.normal(0, 20, 30),), {"beta": float(rng.uniform(0.1, 3))})
                      for i in range(5)]
        return cases

    def reference(self, x, beta=1.0):
        x = np.asarray(x, "float64")
        return x * _keras_activation("sigmoid", beta * x)


EXERCISES = [Sigmoid(), Softmax(), Swish()]
globals().update(exercises(*EXERCISES))
