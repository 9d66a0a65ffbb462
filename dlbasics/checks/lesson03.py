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


class Huber(ScalarLoss):
    number, title = 1, "huber"
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


class BinaryCrossentropyLogits(ScalarLoss):
    number, title = 2, "binary_crossentropy_from_logits"
    hint = ("For a logit z and label y: max(z, 0) - z*y + log(1 + exp(-|z|)) equals the cross-entropy "
            "of sigmoid(z), and never overflows; then the mean.")

    def cases(self, rng=None):
        cases = [
            Case("moderate logits", (np.array([1.0, 0.0, 1.0, 0.0]), np.array([2.0, -1.0, -0.5, 0.3]))),
            Case("logit 0 (probability 0.5)", (np.array([1.0, 0.0]), np.zeros(2))),
            Case("large, confident, right logits", (np.array([1.0, 0.0]), np.array([50.0, -50.0])),
                 hint="sigmoid(50) rounds to 1.0; never compute log(sigmoid(z)) directly."),
            Case("large, confident, wrong logits", (np.array([0.0, 1.0]), np.array([800.0, -800.0])),
                 hint="The loss of a confident wrong answer is about |z|: large but finite."),
            Case("a batch of 3 rows x 2 outputs", (np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]]),
                                                   np.array([[3.0, -2.0], [0.5, 0.1], [-1.0, 4.0]]))),
        ]
        if rng is not None:
            for i in range(5):
                n = int(rng.integers(1, 40))
                cases.append(Case(f"random logits #{i}", (rng.integers(0, 2, n).astype(float), rng.normal(0, 10 ** rng.uniform(0, 2.5), n))))
        return cases

    def reference(self, y_true, logits):
        return _keras_loss("BinaryCrossentropy", y_true, logits, from_logits=True)


class SparseCCELogits(ScalarLoss):
    number, title = 3, "sparse_categorical_crossentropy_from_logits"
    hint = ("For one example: logsumexp(z) - z[label], where logsumexp(z) = m + log(sum(exp(z - m))) "
            "with m = max(z); then the mean over the batch.")

    def cases(self, rng=None):
        cases = [
            Case("3 examples, 3 classes", (np.array([0, 2, 1]), np.array([[2.0, 1.0, 0.1], [0.5, 0.5, 3.0], [1.0, 1.0, 1.0]]))),
            Case("one example", (np.array([1]), np.array([[0.0, 5.0, -2.0, 1.0]]))),
            Case("large logits", (np.array([0, 1]), np.array([[1000.0, 0.0], [1000.0, 999.0]])),
                 hint="Subtract each row's maximum before exp (log-sum-exp trick)."),
            Case("integer labels given as floats", (np.array([2.0, 0.0]), np.array([[0.1, 0.2, 0.3], [3.0, -1.0, 0.0]])),
                 hint="Convert labels with .astype(int) before using them as indices."),
            Case("labels are not always the first class", (np.array([3, 3, 0]), np.tile(np.arange(4.0), (3, 1))),
                 hint="Pick each row's logit at that row's own label: z[np.arange(n), labels]."),
        ]
        if rng is not None:
            for i in range(5):
                n, k = int(rng.integers(1, 30)), int(rng.integers(2, 12))
                cases.append(Case(f"random logits #{i}", (rng.integers(0, k, n), rng.normal(0, 20, (n, k)))))
        return cases

    def reference(self, labels, logits):
        return _keras_loss("SparseCategoricalCrossentropy", labels, logits, from_logits=True)


class CategoricalHinge(ScalarLoss):
    number, title = 4, "categorical_hinge"
    hint = ("Keras's definition, per example: pos = sum(y_true * y_pred), neg = max((1 - y_true) * y_pred), "
            "loss = max(0, neg - pos + 1); then the mean.")

    def cases(self, rng=None):
        eye = np.eye(3)
        cases = [
            Case("margins below 1", (eye[[0, 1]], np.array([[0.5, 0.2, 0.1], [0.3, 0.6, 0.4]]))),
            Case("margins above 1 (loss 0)", (eye[[2]], np.array([[-1.0, 0.5, 3.0]]))),
            Case("wrong class scored highest", (eye[[1, 0]], np.array([[2.0, 0.0, 1.0], [-1.0, 0.5, 0.0]]))),
            Case("all other scores negative", (eye[[2]], np.array([[-2.0, -3.0, 0.5]])),
                 hint="Follow Keras's definition: (1 - y_true) * y_pred puts a 0 at the true class, and the max includes it."),
        ]
        if rng is not None:
            for i in range(5):
                n, k = int(rng.integers(1, 20)), int(rng.integers(2, 8))
                cases.append(Case(f"random scores #{i}", (np.eye(k)[rng.integers(0, k, n)], rng.normal(0, 2, (n, k)))))
        return cases

    def reference(self, y_true, y_pred):
        return _keras_loss("CategoricalHinge", y_true, y_pred)


TASKS = {
    "house prices, where a few listings are data-entry errors worth millions": "huber",
    "tomorrow's temperature, with errors roughly normal and no outliers": "mse",
    "spam or not spam, one output logit per email": "binary_crossentropy",
    "ten clothing classes, labels stored as integers 0-9": "sparse_categorical_crossentropy",
    "ten clothing classes, labels stored one-hot": "categorical_crossentropy",
    "which of five tags apply to a photo (several can)": "binary_crossentropy",
}
MENU = sorted(set(TASKS.values()) | {"categorical_hinge"})


class ChooseLosses(Exercise):
    number, title = 5, "choose_losses"
    hint = ("Ask: is the target a number (regression) or a class? Are there outliers? Is each "
            "output its own yes/no question, or one choice among many? How are labels stored?")

    def cases(self, rng=None):
        return [Case("the six tasks in the table", ())]

    def produce(self, fn, case):
        got = fn()
        if not isinstance(got, dict):
            raise CheckFailed(f"expected a dict {{task: loss name}}, got a {type(got).__name__}.")
        return {str(k): (v if isinstance(v, str) else repr(v)) for k, v in got.items()}

    def reference(self):
        return dict(TASKS)

    def judge(self, got, case):
        missing = [t for t in TASKS if t not in got]
        if missing:
            return f"no choice for: {missing[0]!r} (keep the task texts exactly as given)."
        unknown = [v for v in got.values() if v not in MENU]
        if unknown:
            return f"{unknown[0]!r} is not one of the loss names on the menu: {MENU}."
        wrong = [t for t in TASKS if got[t] != TASKS[t]]
        if wrong:
            return f"{len(wrong)} of {len(TASKS)} choices are not the best fit, among them: {wrong[0]!r}."
        return None


EXERCISES = [Huber(), BinaryCrossentropyLogits(), SparseCCELogits(), CategoricalHinge(), ChooseLosses()]
globals().update(exercises(*EXERCISES))
