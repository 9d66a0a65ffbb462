"""The machinery behind every instant check.

An `Exercise` is defined once: its cases (the inputs, with a label a learner understands),
how to run a submission on a case (`produce`), and how to judge what came out (`judge`).
The notebook check runs the fixed cases; the autograder reuses the same definition with
more, randomized cases (`cases(rng)`). `produce` runs learner code and returns plain data
(arrays, numbers); `judge` never calls learner code, so grading can keep the two apart.

Failure messages say which case failed, what differs and a hint, never the expected value.
"""
import contextlib
import copy
import functools
import hashlib
import importlib
import inspect
import types
import warnings
from dataclasses import dataclass, field

import numpy as np


class CheckFailed(AssertionError):
    """A check did not pass. IPython shows just the message, not the checker's internals."""

    def _render_traceback_(self):
        return ["\u274c " + line if i == 0 else "   " + line for i, line in enumerate(str(self).splitlines())]


@dataclass
class Case:
    label: str                       # shown to the learner: "a batch of 4 rows", "large logits"
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    hint: str = ""                   # extra hint when this case fails


class Exercise:
    number: int = 0
    title: str = ""                  # "softmax": names the function the learner writes
    hint: str = ""                   # shown on any failure
    points: int = 1
    rtol: float = 1e-5
    atol: float = 1e-6
    # How NumPy floating-point errors behave while the learner's code runs (np.errstate keywords).
    # Most checks judge the values that come out; a stability exercise sets
    # {"over": "raise", "invalid": "raise"} so that an overflow inside the learner's code fails,
    # even when the overflowed value happens to round to the right answer (1/(1+inf) = 0).
    fp_errors: dict = {"all": "ignore"}
    # Library functions that would do the whole exercise for the learner ("keras.losses.huber"):
    # while the learner's code runs they refuse, in the notebook and the grader alike.
    shortcuts: tuple = ()
    # An exercise whose function may update the arrays it is given (optimizer state, as Keras's own
    # optimizers do) sets this; its `produce` then passes copies. Otherwise an edit in place fails.
    updates_in_place: bool = False
    # A check that trains the learner's model (seconds per case; its cases carry a seed) sets this:
    # the suite then proves its solution in the notebook and the grader only, not a third time.
    trains_a_model: bool = False

    def cases(self, rng=None):
        """The check's cases; with a NumPy Generator, extra randomized cases (autograder)."""
        raise NotImplementedError

    def reference(self, *args, **kwargs):
        raise NotImplementedError

    def produce(self, fn, case):
        """Run the learner's function on one case (untrusted side). Returns plain data."""
        return fn(*case.args, **case.kwargs)

    def run(self, fn, case):
        """`produce` under the exercise's floating-point rules: the one way both the notebook
        check and the grader's runner call learner code. Raises what the learner's code raised;
        a FloatingPointError becomes a CheckFailed that says what overflowed, and so does an
        edit of the case's inputs in place (checked here so that the grader catches it too)."""
        before = copy.deepcopy((case.args, case.kwargs))
        try:
            with warnings.catch_warnings(), np.errstate(**self.fp_errors), _refused(self.shortcuts):
                warnings.simplefilter("ignore")   # e.g. overflow warnings: the values are judged instead
                got = self.produce(fn if self.updates_in_place else _watched(fn), case)
        except FloatingPointError as e:
            raise CheckFailed(f"your code hit a floating-point error ({e}): an intermediate value "
                              "overflowed or became nan, even if the final result looks fine.") from None
        if not _same(before, (case.args, case.kwargs)):
            raise CheckFailed("your function changed its input in place; work on a copy or build a new array.")
        return got

    def judge(self, got, case):
        """None when `got` is right for `case`, else a sentence saying what differs."""
        want = self.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        return compare_arrays(got, want, self.rtol, self.atol)

    # ---- the notebook-facing check -------------------------------------------------------
    def check(self, fn, *, cases=None, quiet=False):
        """Run every case; print one pass line, or raise CheckFailed with what differs + a hint."""
        name = f"Exercise {self.number} ({self.title})"
        if not callable(fn) or inspect.isclass(fn):
            kind = type(fn).__name__
            raise CheckFailed(f"{name}: expected your function `{self.title}` itself, got a {kind}.\n"
                              f"Pass the function without calling it: check.exercise_{self.number}({self.title})")
        cases = self.cases() if cases is None else cases
        for case in cases:
            problem = self.try_case(fn, case)
            if problem:
                hints = [h for h in (case.hint, self.hint) if h]
                raise CheckFailed(f"{name}, case '{case.label}': {problem}\n"
                                  + "\n".join(f"Hint: {h}" for h in hints))
        if not quiet:
            print(f"\u2705 {name}: {self.pass_line(cases)}")

    def pass_line(self, cases):
        return f"all {len(cases)} cases pass." if len(cases) > 1 else "correct."

    def try_case(self, fn, case):
        """Run and judge one case; a sentence describing the problem, or None."""
        try:
            got = self.run(fn, case)
        except NotImplementedError:
            return "not implemented yet: replace the `raise NotImplementedError` line with your code."
        except CheckFailed as e:        # produce() found a problem it can explain
            return str(e)
        except Exception as e:          # the learner's code raised: say what, not where in the checker
            return f"your code raised {type(e).__name__}: {e}"
        return self.judge(got, case)


def _refuse(*args, **kwargs):
    # Only builtins here: this code object is also lent to the library's own functions (below),
    # and runs with their module's globals.
    raise RuntimeError("a library function that computes the whole exercise was called: the exercise is to "
                       "write that computation yourself (its building blocks, like np.exp or np.logaddexp, are fine).")


@contextlib.contextmanager
def _refused(names):
    """Make each dotted name refuse to run for the duration: the module attribute is replaced, and a
    plain function's code is swapped too, so a name imported before the check is caught as well."""
    undo = []
    try:
        for name in names:
            parts = name.split(".")
            try:
                owner = importlib.import_module(parts[0])
                for part in parts[1:-1]:
                    owner = getattr(owner, part)
                original = getattr(owner, parts[-1])
            except (ImportError, AttributeError):
                continue                       # not installed here: nothing to refuse
            undo.append(lambda o=owner, a=parts[-1], v=original: setattr(o, a, v))
            setattr(owner, parts[-1], _refuse)
            if isinstance(original, types.FunctionType) and not original.__code__.co_freevars:
                undo.append(lambda f=original, c=original.__code__: setattr(f, "__code__", c))
                original.__code__ = _refuse.__code__
        yield
    finally:
        for step in reversed(undo):
            step()


def _fingerprint(value):
    """The arrays in `value` (also inside lists, tuples and dicts) as shape, dtype and a hash of their
    bytes; anything else (models, generators, tensors) as None: only arrays are watched for edits."""
    if isinstance(value, (tuple, list)):
        return [_fingerprint(v) for v in value]
    if isinstance(value, dict):
        return {k: _fingerprint(v) for k, v in value.items()}
    if isinstance(value, np.ndarray) and value.dtype != object:
        data = np.ascontiguousarray(value)
        return value.shape, value.dtype.str, hashlib.sha1(data.view(np.uint8).reshape(-1)).hexdigest()
    return None


def _watched(fn):
    """`fn`, refusing to change the arrays it is given. `produce` often hands the learner copies
    (so that one case cannot spoil the next); an edit in place of such a copy is as wrong as one of
    the case's own inputs, so it is caught here, at every call, whatever `produce` passes."""
    if not isinstance(fn, types.FunctionType):
        return fn                          # classes, Keras layers, tf.functions: left as they are

    @functools.wraps(fn)
    def call(*args, **kwargs):
        before = _fingerprint((args, kwargs))
        result = fn(*args, **kwargs)
        if _fingerprint((args, kwargs)) != before:
            raise CheckFailed("your function changed its input in place; work on a copy or build a new array.")
        return result
    return call


def _same(a, b):
    """Deep equality that understands arrays and DataFrames (to spot in-place edits)."""
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if hasattr(a, "equals"):            # pandas
        return a.equals(b)
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    try:
        return bool(a == b)
    except Exception:
        return True


def as_array(got, what="your function"):
    """Convert a result (list, NumPy or TensorFlow tensor) to a float array, or explain why not."""
    if got is None:
        raise CheckFailed(f"{what} returned None. Did you forget `return`?")
    try:
        return np.asarray(got, dtype="float64")
    except Exception:
        raise CheckFailed(f"{what} returned a {type(got).__name__}, which is not an array of numbers.") from None


def as_whole_number(got, what="a whole number (int)"):
    """An int from a result that should be one (5.0 is accepted), or CheckFailed saying what came."""
    if isinstance(got, (float, np.floating)) and float(got).is_integer():
        got = int(got)
    if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
        raise CheckFailed(f"expected {what}, got {type(got).__name__}.")
    return int(got)


def as_compiled_model(model):
    """What a model-building exercise returned, if it is a compiled Keras model; else CheckFailed."""
    import keras

    if model is None:
        raise CheckFailed("your function returned None. Did you forget `return model`?")
    if not isinstance(model, keras.Model):
        raise CheckFailed(f"expected a Keras model, got a {type(model).__name__}.")
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", True):
        raise CheckFailed("the model is not compiled: call model.compile(optimizer=..., loss=..., "
                          "metrics=[...]) before returning it.")
    return model


def recurrent_layers(model):
    """The recurrent layers (SimpleRNN, LSTM, GRU, keras.layers.RNN(cell), also inside Bidirectional or a
    nested model) of a Keras model: a sequence model's check asks for at least one."""
    import keras

    try:
        layers = list(model._flatten_layers(include_self=False, recursive=True))
    except Exception:
        layers = list(getattr(model, "layers", []))
    return [layer for layer in layers if isinstance(layer, keras.layers.RNN)]


def output_head(model):
    """'probabilities' or 'logits': what the model's last layer outputs, checked against its loss.

    The course's convention (lesson 03): a classifier ends either in softmax/sigmoid with a loss
    on probabilities, or in a linear layer (logits) with `from_logits=True`. Both train alike.
    The mixed-up pairings raise CheckFailed: softmax + from_logits=True squashes twice, logits +
    from_logits=False feeds raw scores to a loss that expects probabilities, and any other last
    activation (relu, tanh) gives neither. `tf.nn.softmax` counts as a softmax (its name is
    softmax_v2); log_softmax gives log-probabilities, which are logits."""
    import keras

    last = model.layers[-1] if model.layers else None
    if isinstance(last, keras.layers.Softmax):
        activation = "softmax"
    else:
        activation = getattr(getattr(last, "activation", None), "__name__", "linear")
    loss = getattr(model, "loss", None)
    config = loss.get_config() if hasattr(loss, "get_config") and not isinstance(loss, str) else {}
    from_logits = bool(config.get("from_logits", False))
    if activation == "log_softmax":
        if not from_logits:
            raise CheckFailed("the last layer gives log-probabilities (log_softmax), but the loss expects "
                              "probabilities: pass from_logits=True to the loss, or use a softmax.")
        return "logits"
    squashed = "softmax" in activation or activation == "sigmoid"
    if not squashed and activation != "linear":
        raise CheckFailed(f"the last layer applies {activation}: a classifier's last layer gives either "
                          "probabilities (softmax/sigmoid) or logits (no activation, with from_logits=True), as in lesson 03.")
    if squashed and from_logits:
        raise CheckFailed(f"the last layer applies {activation}, and the loss has from_logits=True: the loss "
                          f"applies it a second time. Use one or the other (lesson 03).")
    if not squashed and not from_logits:
        raise CheckFailed("the last layer outputs raw scores (logits), but the loss expects probabilities: "
                          "either add a softmax/sigmoid to the last layer or pass from_logits=True to the loss.")
    return "probabilities" if squashed else "logits"


def probabilities(model, x, batch_size=256):
    """Class probabilities from a classifier under either head of the course's convention."""
    import keras

    head = output_head(model)
    out = model.predict(x, batch_size=batch_size, verbose=0)
    if head == "logits":
        last = model.layers[-1]
        binary = getattr(last, "units", None) == 1 or out.shape[-1] == 1
        out = keras.ops.convert_to_numpy(keras.ops.sigmoid(out) if binary else keras.ops.softmax(out))
    return np.asarray(out, dtype="float64")


def compare_arrays(got, want, rtol=1e-5, atol=1e-6, what="the result"):
    """Say how `got` differs from `want` (shape, non-finite values, how many entries), or None."""
    try:
        got = as_array(got)
    except CheckFailed as e:
        return str(e)
    want = np.asarray(want, dtype="float64")
    if got.shape != want.shape:
        return f"{what} has shape {got.shape}, but for this input it should have shape {want.shape}."
    bad_finite = ~np.isfinite(got) & np.isfinite(want)
    if bad_finite.any():
        return (f"{what} contains nan or inf ({int(bad_finite.sum())} of {got.size} values), "
                "a sign of overflow or division by zero.")
    close = np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        first = tuple(int(i) for i in np.argwhere(~close)[0])
        where = f" (the first at index {first})" if got.ndim else ""
        return f"{int((~close).sum())} of {got.size} values are wrong{where}."
    return None


def exercises(*items):
    """A check module's public names: `exercise_N(fn)` runs the check of exercise N, and
    `reference(N)` gives the course's own version, which the rest of a lesson uses so that
    it runs even while an exercise is unfinished."""
    by_number = {ex.number: ex for ex in items}
    names = {f"exercise_{n}": ex.check for n, ex in by_number.items()}
    names["reference"] = lambda number: by_number[number].reference
    return names
