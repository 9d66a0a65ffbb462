"""Checks for lesson 03, loss functions. The truth is `keras.losses` itself."""
import warnings

import numpy as np

from .core import Case, CheckFailed, Exercise, exercises


def _keras_loss(name, *args, **kw):
    import keras

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loss = getattr(keras.losses, name)(**kw)
        return float(keras.ops.convert_to_numpy(loss(*[np.asarray(a, "float64") if np.asarray(a).dtype.kind == "f" else np.asarray(a) for a in args])))


class ScalarLoss(Exercise):
    """A loss returns one number: the mean over the batch (Keras's default reduction)."""
    rtol, atol = 1e-5, 1e-6

    def produce(self, fn, case):
        got = fn(*case.args, **case.kwargs)
        if got is None:
            raise CheckFailed("your function returned None. Did you forget `return`?")
        value = np.asarray(got, dtype="float64") if not isinstance(got, str) else None
        if value is None or value.size != 1:
            shape = getattr(value, "shape", type(got).__name__)
            raise CheckFailed(f"expected one number (the mean loss over the batch), got shape {shape}: "
                              "average the per-example losses.")
        return float(value.reshape(()))

    def judge(self, got, case):
        want = self.reference(*case.args, **case.kwargs)
        if not np.isfinite(got) and np.isfinite(want):
            return "the loss is nan or inf: something overflowed (exp of a large number?) or took log(0)."
        if not np.isclose(got, want, rtol=self.rtol, atol=self.atol):
            return f"the loss is too {'high' if got > want else 'low'}."
        return None


def _library_losses(*names):
    """Where Keras and TensorFlow offer the loss ready-made: a shortcut, refused while the check runs."""
    return tuple(f"{where}.{name}" for where in ("keras.losses", "keras.metrics", "keras.ops", "tensorflow.keras.losses")
                 for name in names)


class Huber(ScalarLoss):
    number, title = 1, "huber"
    shortcuts = _library_losses("huber", "Huber")
    hint = ("Per element, with e = y_pred - y_true: 0.5*e**2 where |e| <= delta, else "
            "delta*(|e| - 0.5*delta); then the mean over all elements.")

    def cases(self, rng=None):
        cases = [
            Case("small errors (all within delta)", (np.array([1.0, 2.0, 3.0]), np.array([1.5, 1.8, 3.2]))),
            Case("one outlier", (np.array([0.0, 0.0, 0.0, 0.0]), np.array([0.1, -0.2, 0.0, 10.0])),
                 hint="Beyond delta the loss grows linearly, not quadratically."),
            Case("delta=2", (np.array([0.0, 0.0, 0.0]), np.array([1.0, 3.0, -5.0])), {"delta": 2.0},
                 hint="Use the `delta` argument in both the test and the linear part."),
            Case("a batch of 2 rows x 3 outputs", (np.zeros((2, 3)), np.array([[0.5, 2.0, -1.0], [4.0, 0.0, 0.2]]))),
            Case("a perfect prediction", (np.arange(5.0), np.arange(5.0))),
        ]
        if rng is not None:
            for i in range(5):
                shape = (int(rng.integers(1, 30)),) + ((int(rng.integers(1, 4)),) if i % 2 else ())
                cases.append(Case(f"random predictions #{i}", (rng.normal(0, 3, shape), rng.normal(0, 3, shape)),
                                  {"delta": float(rng.uniform(0.2, 3))}))
        return cases

    def reference(self, y_true, y_pred, delta=1.0):
        return _keras_loss("Huber", y_true, y_pred, delta=delta)


# Stability exercises run the learner's code with overflow, 0/0 and log(0) raised: the naive forms
# (log(sigmoid(z)), exp(z) without a shift) then fail even where their final value rounds right.
STABLE = {"over": "raise", "invalid": "raise", "divide": "raise"}


class BinaryCrossentropyLogits(ScalarLoss):
    number, title = 2, "binary_crossentropy_from_logits"
    fp_errors = STABLE
    shortcuts = _library_losses("binary_crossentropy", "BinaryCrossentropy") + (
        "tensorflow.nn.sigmoid_cross_entropy_with_logits",)
    hint = ("For a logit z and label y: max(z, 0) - z*y + log(1 + exp(-|z|)) equals the cross-entropy "
            "of sigmoid(z), and never overflows; then the mean.")

    def cases(self, rng=None):
        cases = [
            Case("moderate logits", (np.array([1.0, 0.0, 1.0, 0.0]), np.array([2.0, -1.0, -0.5, 0.3]))),
            Case("logit 0 (probability 0.5)", (np.array([1.0, 0.0]), np.zeros(2))),
            Case("large, confident, right logits", (np.array([1.0, 0.0]), np.array([50.0, -50.0])),
                 hint="sigmoid(50) rounds to 1.0, so log(1 - sigmoid(50)) is log(0); never compute log(sigmoid(z)) directly."),
            Case("large, confident, wrong logits", (np.array([0.0, 1.0]), np.array([800.0, -800.0])),
                 hint="The loss of a confident wrong answer is about |z|: large but finite. exp(800) overflows, "
                      "and np.where computes both of its branches, so keep every exp's argument <= 0."),
            Case("a batch of 3 rows x 2 outputs", (np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]]),
                                                   np.array([[3.0, -2.0], [0.5, 0.1], [-1.0, 4.0]]))),
        ]
        if rng is not None:
            for i in range(5):
                n = int(rng.integers(1, 40))
                scale = 10 ** rng.uniform(0, 2.5) if i % 2 == 0 else 10 ** rng.uniform(2.8, 3.2)   # odd: |z| ~ 1000
                cases.append(Case(f"random logits #{i}", (rng.integers(0, 2, max(n, 4)).astype(float), rng.normal(0, scale, max(n, 4)))))
        return cases

    def reference(self, y_true, logits):
        return _keras_loss("BinaryCrossentropy", y_true, logits, from_logits=True)


class SparseCCELogits(ScalarLoss):
    number, title = 3, "sparse_categorical_crossentropy_from_logits"
    fp_errors = STABLE
    shortcuts = _library_losses("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy") + (
        "tensorflow.nn.sparse_softmax_cross_entropy_with_logits",)
    hint = ("For one example: logsumexp(z) - z[label], where logsumexp(z) = m + log(sum(exp(z - m))) "
            "with m = max(z); then the mean over the batch.")

    def cases(self, rng=None):
        cases = [
            Case("3 examples, 3 classes", (np.array([0, 2, 1]), np.array([[2.0, 1.0, 0.1], [0.5, 0.5, 3.0], [1.0, 1.0, 1.0]]))),
            Case("one example", (np.array([1]), np.array([[0.0, 5.0, -2.0, 1.0]]))),
            Case("large logits", (np.array([0, 1]), np.array([[1000.0, 0.0], [1000.0, 999.0]])),
                 hint="Subtract each row's maximum before exp (log-sum-exp trick)."),
            Case("confident and wrong", (np.array([1]), np.array([[1000.0, -1000.0]])),
                 hint="The loss is large (about 2000) but finite. Shift by the row's maximum, not its mean, "
                      "and compute log-sum-exp minus the true logit rather than the log of a softmax "
                      "(exp(-2000) underflows to 0)."),
            Case("rows on very different scales", (np.array([0, 1]), np.array([[1000.0, 0.0], [0.0, 1.0]])),
                 hint="Shift each row by its own maximum (keepdims=True), not by the largest logit of the whole batch: "
                      "exp(1 - 1000) underflows to 0 and its log is -inf."),
            Case("labels are not always the first class", (np.array([3, 3, 0]), np.tile(np.arange(4.0), (3, 1))),
                 hint="Pick each row's logit at that row's own label: z[np.arange(n), labels]."),
        ]
        if rng is not None:
            for i in range(5):
                n, k = int(rng.integers(1, 30)), int(rng.integers(2, 12))
                z = rng.normal(0, 20, (n, k))
                if i % 2:           # rows hundreds apart, logits spread by hundreds within a row
                    n = max(n, 4)
                    z = rng.normal(0, 600, (n, k)) + rng.permutation(np.linspace(-1000, 1000, n))[:, None]
                cases.append(Case(f"random logits #{i}", (rng.integers(0, k, n), z)))
        return cases

    def reference(self, labels, logits):
        return _keras_loss("SparseCategoricalCrossentropy", labels, logits, from_logits=True)


class MulticlassHinge(ScalarLoss):
    number, title = 4, "multiclass_hinge"
    hint = ("Per example: margin = true-class score - the best score among the OTHER classes; loss = "
            "max(0, 1 - margin); then the mean. Keep the true class out of the max without giving it a "
            "value that could win (multiplying by (1 - y_true) leaves a 0 there).")

    def cases(self, rng=None):
        eye = np.eye(3)
        cases = [
            Case("margins below 1", (eye[[0, 1]], np.array([[0.5, 0.2, 0.1], [0.3, 0.6, 0.4]]))),
            Case("margins above 1 (loss 0)", (eye[[2]], np.array([[-1.0, 0.5, 3.0]]))),
            Case("wrong class scored highest", (eye[[1, 0]], np.array([[2.0, 0.0, 1.0], [-1.0, 0.5, 0.0]]))),
            Case("all scores negative, true class ahead by 2", (np.eye(2)[[0]], np.array([[-3.0, -5.0]])),
                 hint="The margin here is -3 - (-5) = 2, already past 1. Compare with the other classes' "
                      "scores only: a 0 standing in for the true class is not one of them."),
            Case("all other scores negative", (eye[[2]], np.array([[-2.0, -3.0, 0.5]]))),
            Case("another class ties with the true class", (eye[[0, 2]], np.array([[1.0, 1.0, -2.0], [0.5, -1.0, 0.5]])),
                 hint="A tie is margin 0, loss 1. Leave out the true class by its position (where y_true is 1), "
                      "not by its value: another class can have exactly the same score."),
        ]
        if rng is not None:
            for i in range(5):
                n, k = int(rng.integers(1, 20)), int(rng.integers(2, 8))
                scores = rng.normal(0, 2, (n, k)) - (3.0 if i % 2 else 0.0)   # odd cases: mostly negative scores
                cases.append(Case(f"random scores #{i}", (np.eye(k)[rng.integers(0, k, n)], scores)))
        return cases

    def reference(self, y_true, y_pred):
        """The multiclass (Crammer-Singer) hinge, from the definition of the margin. Keras's
        CategoricalHinge differs: its max over "the others" includes a 0 at the true class."""
        y_true, y_pred = np.asarray(y_true, "float64"), np.asarray(y_pred, "float64")
        true = np.sum(y_true * y_pred, axis=-1)
        best_other = np.max(np.where(y_true > 0.5, -np.inf, y_pred), axis=-1)
        return float(np.mean(np.maximum(0.0, 1.0 - (true - best_other))))


# Each task's best loss; where a second one is just as defensible, it is accepted too.
TASKS = {
    "house prices, where a few listings are data-entry errors worth millions": ("huber", "mae"),
    "tomorrow's temperature, with errors roughly normal and no outliers": ("mse",),
    "a delivery-time estimate that should be too early as often as too late": ("mae",),
    "spam or not spam, one output logit per email": ("binary_crossentropy",),
    "ten clothing classes, labels stored as integers 0-9": ("sparse_categorical_crossentropy",),
    "ten clothing classes, labels stored one-hot": ("categorical_crossentropy",),
    "which of five tags apply to a photo (several can)": ("binary_crossentropy",),
}
MENU = sorted({name for names in TASKS.values() for name in names} | {"categorical_hinge"})


class ChooseLosses(Exercise):
    number, title = 5, "choose_losses"
    hint = ("Ask: is the target a number (regression) or a class? Are there outliers? Should the prediction "
            "be the mean or the median of what could happen? Is each output its own yes/no question, or "
            "one choice among many? How are labels stored?")

    def cases(self, rng=None):
        return [Case(f"the {len(TASKS)} tasks in the table", ())]

    def produce(self, fn, case):
        got = fn()
        if not isinstance(got, dict):
            raise CheckFailed(f"expected a dict {{task: loss name}}, got a {type(got).__name__}.")
        return {str(k): (v if isinstance(v, str) else repr(v)) for k, v in got.items()}

    def reference(self):
        return {task: names[0] for task, names in TASKS.items()}

    def judge(self, got, case):
        missing = [t for t in TASKS if t not in got]
        if missing:
            return f"no choice for: {missing[0]!r} (keep the task texts exactly as given)."
        unknown = [v for v in got.values() if v not in MENU]
        if unknown:
            return f"{unknown[0]!r} is not one of the loss names on the menu: {MENU}."
        wrong = [t for t in TASKS if got[t] not in TASKS[t]]
        if wrong:
            return f"{len(wrong)} of {len(TASKS)} choices are not the best fit, among them: {wrong[0]!r}."
        return None


EXERCISES = [Huber(), BinaryCrossentropyLogits(), SparseCCELogits(), MulticlassHinge(), ChooseLosses()]
globals().update(exercises(*EXERCISES))
