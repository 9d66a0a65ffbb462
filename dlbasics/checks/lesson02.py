"""Checks for lesson 02, activation functions.

The three exercises are about numerical stability, so learner code runs with NumPy's overflow
and invalid-operation errors turned into exceptions (`fp_errors`): an `exp(1000)` computed on
the way fails the check even when the final value rounds to the right answer."""
import inspect
import warnings

import numpy as np

from .core import Case, CheckFailed, Exercise, exercises

STRICT = {"over": "raise", "invalid": "raise"}
WHERE_TRAP = ("np.where(cond, a, b) computes BOTH a and b for every element before choosing; "
              "an exp that overflows in the branch you do not keep still overflows.")


SILENCERS = {"errstate", "seterr", "seterrcall"}


def _names(code):
    """Every global and attribute name the code (and any function or lambda inside it) uses."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _names(const)
    return names


class Stable(Exercise):
    """A stability exercise: learner code runs with overflow raised, and may not switch that off."""
    fp_errors = STRICT

    def produce(self, fn, case):
        code = getattr(inspect.unwrap(fn), "__code__", None)      # the learner's own function, not its watcher
        if code is not None and _names(code) & SILENCERS:
            raise CheckFailed("your code changes NumPy's floating-point error settings (np.errstate or "
                              "np.seterr). Silencing the overflow does not remove it: compute the result so "
                              "that nothing overflows in the first place.")
        return fn(*case.args, **case.kwargs)


def _keras(fn, x, **kw):
    import keras

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras warns about softmax over a size-1 axis: valid here
        return keras.ops.convert_to_numpy(fn(keras)(np.asarray(x, "float64"), **kw))


def _elementwise_cases(rng, what):
    cases = [
        Case("zeros", (np.zeros(5),)),
        Case("small values from -3 to 3", (np.linspace(-3, 3, 13),)),
        Case("a batch (matrix) of values", (np.arange(-6, 6, dtype="float64").reshape(3, 4) / 2,)),
        Case("large positive values (20, 100, 1000)", (np.array([20.0, 100.0, 1000.0]),),
             hint=f"For large x, exp(x) overflows: write {what} so that you only ever take exp of a "
                  "number <= 0, such as exp(-|x|). " + WHERE_TRAP),
        Case("large negative values (-20, -100, -1000)", (np.array([-20.0, -100.0, -1000.0]),),
             hint=f"For very negative x, exp(-x) overflows: write {what} so that you only ever take exp "
                  "of a number <= 0, such as exp(-|x|). " + WHERE_TRAP),
        Case("both signs in one array (-800 ... 800)", (np.linspace(-800, 800, 9),), hint=WHERE_TRAP),
        Case("a single number", (np.float64(0.5),)),
    ]
    if rng is not None:
        cases += [Case(f"random values #{i}", (rng.normal(0, 10 ** rng.uniform(0, 3), rng.integers(1, 50)),))
                  for i in range(4)]
        cases.append(Case("random values #4", (rng.uniform(-1000, 1000, 40),), hint=WHERE_TRAP))
    return cases


class Sigmoid(Stable):
    number, title = 1, "sigmoid"
    hint = ("sigmoid(x) = 1 / (1 + exp(-x)) equals exp(x) / (1 + exp(x)); each form is safe for one "
            "sign of x. With e = exp(-|x|), both can be written with e.")

    def cases(self, rng=None):
        return _elementwise_cases(rng, "the sigmoid")

    def reference(self, x):
        return _keras(lambda k: k.activations.sigmoid, x)


class Softmax(Stable):
    number, title = 2, "softmax"
    hint = ("softmax is unchanged when you subtract the same number from every logit of a slice; "
            "subtracting each slice's own maximum makes every exponent <= 0.")

    def cases(self, rng=None):
        cases = [
            Case("one vector of 3 logits", (np.array([1.0, 2.0, 3.0]),)),
            Case("all zeros (a uniform distribution)", (np.zeros(4),)),
            Case("a batch of 3 rows, softmax over the last axis", (np.array([[1.0, 2, 3], [0, 0, 0], [-1, 5, 2]]),),
                 hint="Reduce along `axis` with keepdims=True, so the result broadcasts back over each row."),
            Case("large logits (1000, 1001, 1002)", (np.array([1000.0, 1001.0, 1002.0]),)),
            Case("rows on very different scales", (np.array([[1000.0, 1001.0], [0.0, 1.0]]),),
                 hint="Subtract each row's own maximum (keepdims=True), not one maximum for the whole array."),
            Case("a row spread from -1000 to 1000", (np.array([[-1000.0, 0.0, 1000.0], [1.0, 2.0, 3.0]]),),
                 hint="Only the maximum makes every exponent <= 0: shifting by the minimum or the mean still "
                      "leaves exp of a large positive number."),
            Case("a row with one very negative logit (-1000, 1, 2)", (np.array([-1000.0, 1.0, 2.0]),),
                 hint="Shift by the maximum itself, not by the largest magnitude: the largest logit must "
                      "become exactly 0, or the other exponents can all underflow to 0 and the sum with them."),
            Case("axis=0 (columns sum to one)", (np.array([[1.0, 2.0], [3.0, 5.0], [0.0, -1.0]]),), {"axis": 0},
                 hint="Use the `axis` argument for both the maximum and the sum."),
            Case("float32 logits", (np.array([[10.0, 20.0, 90.0]], dtype="float32"),)),
        ]
        if rng is not None:
            for i in range(5):
                shape = tuple(int(s) for s in rng.integers(1, 6, size=rng.integers(1, 4)))
                axis = int(rng.integers(-len(shape), len(shape)))
                cases.append(Case(f"random logits #{i}", (rng.normal(0, 50, shape),), {"axis": axis}))
            cases.append(Case("random logits #5 (spread over +-1000)", (rng.uniform(-1000, 1000, (4, 6)),),
                              hint="Only the maximum makes every exponent <= 0."))
        return cases

    def reference(self, x, axis=-1):
        return _keras(lambda k: k.activations.softmax, x, axis=axis)


class LogSigmoid(Stable):
    number, title = 3, "log_sigmoid"
    hint = ("Write log(sigmoid(x)) for x >= 0 and for x < 0 separately, simplify each with the log, then "
            "combine the two with np.minimum(x, 0) and exp(-|x|); np.log1p(t) computes log(1 + t).")

    def cases(self, rng=None):
        cases = _elementwise_cases(None, "log-sigmoid")
        cases[4] = Case(cases[4].label, cases[4].args,
                        hint="sigmoid(-1000) rounds to 0 in float64 and log(0) = -inf, although log(sigmoid(x)) is an "
                             "ordinary negative number there: take the log of the formula, simplify, then compute.")
        cases.insert(5, Case("moderately negative values (-30, -50, -700)", (np.array([-30.0, -50.0, -700.0]),)))
        if rng is not None:
            cases += [Case(f"random values #{i}", (rng.normal(0, 10 ** rng.uniform(0, 3), rng.integers(1, 50)),))
                      for i in range(4)]
            cases.append(Case("random values #4", (rng.uniform(-1000, 1000, 40),)))
        return cases

    def reference(self, x):
        return _keras(lambda k: k.ops.log_sigmoid, x)


EXERCISES = [Sigmoid(), Softmax(), LogSigmoid()]
globals().update(exercises(*EXERCISES))
