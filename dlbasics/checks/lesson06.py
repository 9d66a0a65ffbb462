"""Checks for lesson 06, hyperparameters."""
import numpy as np

from .core import Case, CheckFailed, Exercise, exercises


class _FakeModel:
    """Just enough of a Keras model for a callback: weights we can recognise, a stop flag.

    Like a Keras model, `get_weights()` returns copies while `weights` are the live variables:
    keeping `self.model.weights` keeps a reference that changes with every epoch."""

    def __init__(self):
        self.stop_training = False
        self._live = np.zeros(1, dtype="float64")

    @property
    def weights(self):
        return [self._live]

    @property
    def weights_id(self):
        return int(self._live[0])

    @weights_id.setter
    def weights_id(self, tag):
        self._live[0] = tag

    def get_weights(self):
        return [self._live.copy()]

    def set_weights(self, weights):
        self._live[:] = np.asarray(weights[0], dtype="float64").ravel()[:1]


def _fit(callback, model, val_losses, first_tag):
    """One `fit`: epochs until the list ends or the callback stops training. The weights after
    epoch N of this run are tagged first_tag + N (and first_tag + N - 1 during epoch N)."""
    model.stop_training = False
    callback.on_train_begin({})
    epochs_run = 0
    for epoch, v in enumerate(val_losses):
        callback.on_epoch_begin(epoch, {})
        if epoch and model.weights_id != first_tag + epoch:
            raise CheckFailed(f"the callback changed the model's weights during training (before epoch {epoch + 1}); "
                              "training must go on from where it is. Put the best weights back only when "
                              "training ends, in on_train_end.")
        model.weights_id = first_tag + epoch + 1      # training during the epoch changed the weights
        epochs_run = epoch + 1
        callback.on_epoch_end(epoch, {"loss": 1.0, "val_loss": float(v)})
        if model.stop_training:
            break
    callback.on_train_end({})
    return [epochs_run, model.weights_id - first_tag]


def _simulate(callback_factory, patience, val_losses, second_fit=None):
    """Drive a callback through one `fit` (or two, reusing the callback); for each fit, the
    epochs run and the epoch whose weights the model holds at the end."""
    callback = callback_factory(patience)
    model = _FakeModel()
    callback.set_model(model)
    runs = _fit(callback, model, val_losses, 0)
    if second_fit is not None:
        runs += _fit(callback, model, second_fit, 100)
    return runs


def _early_stopping(patience, val_losses):
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, v in enumerate(val_losses, 1):
        if v < best:
            best, best_epoch, wait = v, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return [epoch, best_epoch]
    return [len(val_losses), best_epoch]


def _shaped_run(rng, shape):
    """(patience, val_losses) of a random run built to tell a detail of early stopping apart:
    'ends' finishes before the patience runs out with its best epoch not last, 'ties' repeats
    the best value patience times, 'waits' improves again after patience - 1 worse epochs, twice."""
    patience = int(rng.integers(2, 5))
    best = list(np.round(np.sort(rng.uniform(0.3, 1.0, int(rng.integers(1, 5))))[::-1], 2))
    low = best[-1]
    worse = lambda k: list(np.round(rng.uniform(low + 0.01, low + 0.5, k), 2))
    if shape == "ends":
        run = best + worse(int(rng.integers(1, patience)))
    elif shape == "ties":
        run = best + [low] * patience + [low - 0.1]
    else:
        run = best + worse(patience - 1) + [low - 0.05] + worse(patience - 1) + [low - 0.1] + worse(patience)
    return patience, [round(float(v), 2) for v in run]


class EarlyStopping(Exercise):
    number, title = 2, "patience_callback"
    hint = ("Keep the best val_loss and a copy of its weights (self.model.get_weights()); count epochs "
            "without a new best; when the count reaches patience set self.model.stop_training = True; "
            "in on_train_end, whether or not training stopped early, put the best weights back with "
            "self.model.set_weights(...).")

    def cases(self, rng=None):
        cases = [
            Case("patience 2, best at epoch 3", (2, [1.0, 0.8, 0.6, 0.7, 0.65, 0.5, 0.4])),
            Case("patience 1 stops at the first worse epoch", (1, [1.0, 0.9, 0.95, 0.5])),
            Case("equal is not better", (2, [1.0, 0.8, 0.8, 0.8, 0.3]),
                 hint="Only a strictly lower val_loss counts as an improvement."),
            Case("always improving: never stops, keeps the last weights", (3, [1.0, 0.9, 0.8, 0.7, 0.6])),
            Case("a patient wait that pays off", (3, [1.0, 0.9, 0.95, 0.97, 0.85, 0.99, 1.0, 1.1]),
                 hint="The count of epochs without improvement starts again at 0 after every new best."),
            Case("training ends before the patience runs out, the best epoch is not the last",
                 (3, [1.0, 0.5, 0.7, 0.8]),
                 hint="Training can end without an early stop (the epochs ran out); the best weights "
                      "must come back then too, so restore them in on_train_end."),
            Case("the same callback used for a second fit", (2, [0.5, 0.6, 0.7]), {"second_fit": [0.9, 0.8, 0.85, 0.7]},
                 hint="Keras calls on_train_begin at the start of every fit: reset the best value, the "
                      "weights and the count there, not in __init__."),
        ]
        if rng is not None:
            for i in range(6):
                # one-decimal losses: ties and long waits are common, as in real (rounded) logs
                patience, n = int(rng.integers(1, 5)), int(rng.integers(2, 25))
                cases.append(Case(f"random run #{i}", (patience, list(np.round(rng.uniform(0.1, 1, n), 1)))))
            cases += [Case(f"random run ending before the patience runs out (patience {p})", (p, v))
                      for p, v in [_shaped_run(rng, "ends")]]
            cases += [Case(f"random run with ties to the best (patience {p})", (p, v)) for p, v in [_shaped_run(rng, "ties")]]
            cases += [Case(f"random run with waits that pay off (patience {p})", (p, v)) for p, v in [_shaped_run(rng, "waits")]]
            cases.append(Case("random run, then a second fit with the same callback",
                              (int(rng.integers(1, 4)), list(np.round(rng.uniform(0.1, 0.6, int(rng.integers(2, 12))), 2))),
                              {"second_fit": list(np.round(rng.uniform(0.7, 1.5, int(rng.integers(2, 12))), 2))}))
        return cases

    def produce(self, fn, case):
        import keras

        probe = fn(1)
        if not isinstance(probe, keras.callbacks.Callback):
            raise CheckFailed(f"expected a keras.callbacks.Callback, got a {type(probe).__name__}.")
        return _simulate(fn, *case.args, **case.kwargs)

    def reference(self, patience, val_losses, second_fit=None):
        runs = _early_stopping(patience, val_losses)
        if second_fit is not None:
            runs += _early_stopping(patience, second_fit)
        return runs

    def judge(self, got, case):
        want = self.reference(*case.args, **case.kwargs)
        if not isinstance(got, (list, tuple)) or len(got) != len(want):
            return "the check could not follow your callback through training."
        for k in range(0, len(want), 2):
            fit = "in the second fit, " if k else ""
            (run, restored), (want_run, want_restored) = got[k:k + 2], want[k:k + 2]
            if run != want_run:
                return f"{fit}training stopped after epoch {run}, {'too early' if run < want_run else 'too late'}."
            if restored != want_restored:
                return f"{fit or 'at the end of training, '}the model does not hold the weights of the best epoch{' of that fit' if k else ''}."
        return None


def _paired(rng, n, acc_a, disagree, a_wins):
    """Correctness of two models on the same n images: they disagree on a fraction `disagree` of
    them, and A is the right one on a fraction `a_wins` of those."""
    a = rng.random(n) < acc_a
    b = a.copy()
    flip = rng.random(n) < disagree
    b[flip] = ~a[flip]
    wins = flip & (rng.random(n) < a_wins)       # where they differ, make A right with prob a_wins
    a[flip], b[flip] = wins[flip], ~wins[flip]
    return a, b


class CompareOnValidation(Exercise):
    number, title = 3, "compare_on_validation"
    hint = ("The images are the independent units, and both models saw the same ones: find one number per "
            "image whose mean over the n images is the accuracy difference. The standard error of a mean is "
            "the standard deviation of its values divided by sqrt(n).")
    se_rtol = 0.01                  # std with ddof=0 or ddof=1: both fine for n >= 200

    def cases(self, rng=None):
        r = np.random.default_rng(6)
        spec = [("two similar models that disagree on 10% of 2,000 images", 2000, 0.8, 0.10, 0.5),
                ("A better: it wins most of the images where they disagree", 2000, 0.8, 0.15, 0.7),
                ("B better (the difference is negative)", 1000, 0.85, 0.2, 0.3),
                ("almost the same model: 3% disagreement", 2000, 0.81, 0.03, 0.5),
                ("very different models (40% disagreement), 500 images", 500, 0.7, 0.4, 0.55)]
        cases = []
        for label, n, acc, dis, wins in spec:
            a, b = _paired(r, n, acc, dis, wins)
            cases.append(Case(label, (a, b)))
        a, b = _paired(r, 400, 0.75, 0.2, 0.6)
        cases.append(Case("0/1 integers instead of booleans (400 images)", (a.astype("int64"), b.astype("int64"))))
        cases.append(Case("two identical models", (a, a.copy()),
                          hint="Models that agree on every image have a difference of exactly 0, with no uncertainty."))
        if rng is not None:
            for i in range(5):
                n = int(rng.integers(200, 5000))
                a, b = _paired(rng, n, float(rng.uniform(0.5, 0.95)), float(rng.uniform(0.02, 0.5)), float(rng.uniform(0.2, 0.8)))
                cases.append(Case(f"random pair of models #{i} ({n} images)", (a, b)))
        return cases

    def produce(self, fn, case):
        a, b = case.args
        got = fn(a.copy(), b.copy())
        try:
            values = [float(v) for v in got]
        except (TypeError, ValueError):
            raise CheckFailed("expected two numbers (difference, standard_error), "
                              f"got a {type(got).__name__}.") from None
        if len(values) != 2:
            raise CheckFailed(f"expected two numbers (difference, standard_error), got {len(values)}.")
        return values

    def reference(self, correct_a, correct_b):
        d = np.asarray(correct_a, dtype="float64") - np.asarray(correct_b, dtype="float64")
        return [float(d.mean()), float(d.std(ddof=1) / np.sqrt(d.size))]

    def judge(self, got, case):
        (diff, se), (want_diff, want_se) = got, self.reference(*case.args)
        if not np.isfinite(diff) or not np.isfinite(se):
            return "your function returns nan or inf."
        if abs(diff - want_diff) > 1e-9:
            if abs(diff + want_diff) <= 1e-9:
                return "the difference has the wrong sign: it is the accuracy of A minus the accuracy of B."
            return f"the difference is too {'large' if diff > want_diff else 'small'}."
        if abs(se - want_se) > self.se_rtol * want_se + 1e-12:
            a, b = (np.asarray(v, dtype="float64") for v in case.args)
            unpaired = np.sqrt(a.var() / a.size + b.var() / b.size)
            if abs(se - unpaired) <= 0.02 * unpaired:
                return ("the standard error is too large: that is the formula for two independent test sets, "
                        "but both models were scored on the same images.")
            return f"the standard error is too {'large' if se > want_se else 'small'}."
        return None


def _lr_curve(rng, lr_min_loss_exp, noise):
    """A synthetic learning-rate range test: flat, then falling, a minimum, then divergence."""
    lrs = np.geomspace(1e-6, 1.0, 120)
    t = np.log10(lrs)
    falling = 1.5 / (1 + np.exp(-3 * (t - (lr_min_loss_exp - 1.2))))
    blowup = np.exp(4 * (t - lr_min_loss_exp))
    loss = 2.3 - falling + 0.5 * blowup + (rng.normal(0, noise, lrs.size) if noise else 0)
    return lrs, np.minimum(loss, 10.0)


class SuggestLR(Exercise):
    number, title = 1, "suggest_learning_rate"
    hint = ("A sensible rate lies where the loss is still falling fast, well below the rate of the "
            "lowest loss (about a tenth of it), and never where the loss has started to blow up.")

    def cases(self, rng=None):
        r = np.random.default_rng(9)
        cases = [Case(f"a range test with its lowest loss near 1e{e:g}{' (noisy)' if noise else ''}",
                      _lr_curve(r, e, noise)) for e, noise in [(-2, 0.0), (-1, 0.0), (-3, 0.02), (-1.5, 0.03)]]
        if rng is not None:
            cases += [Case(f"random range test #{i}", _lr_curve(rng, float(rng.uniform(-4, -0.5)), float(rng.uniform(0, 0.03))))
                      for i in range(4)]
        return cases

    def produce(self, fn, case):
        got = fn(case.args[0].copy(), case.args[1].copy())
        try:
            return float(got)
        except (TypeError, ValueError):
            raise CheckFailed(f"expected one learning rate (a number), got a {type(got).__name__}.") from None

    def band(self, lrs, losses):
        smooth = np.convolve(losses, np.ones(5) / 5, mode="same")
        at_min = lrs[int(np.argmin(smooth[2:-2])) + 2]
        return at_min / 100, at_min / 2

    def reference(self, lrs, losses):
        low, high = self.band(lrs, losses)
        return float(np.sqrt(low * high))

    def judge(self, got, case):
        low, high = self.band(*case.args)
        if not np.isfinite(got) or got <= 0:
            return "a learning rate must be a positive number."
        if got > high:
            return "that rate is too high: at or beyond the lowest loss, training is close to diverging."
        if got < low:
            return "that rate is too low: the loss was hardly falling there, so training would crawl."
        return None


EXERCISES = [SuggestLR(), EarlyStopping(), CompareOnValidation()]
globals().update(exercises(*EXERCISES))
