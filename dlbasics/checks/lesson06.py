"""Checks for lesson 06, hyperparameters."""
import numpy as np

from .core import Case, CheckFailed, Exercise, as_whole_number, exercises


class BestEpoch(Exercise):
    number, title = 2, "best_epoch"
    hint = ("Look at the validation loss (not the training loss), find its smallest value, and count "
            "epochs from 1; on a tie, the earliest epoch wins.")

    def cases(self, rng=None):
        cases = [
            Case("a clear minimum at epoch 3", ({"loss": [1.0, 0.8, 0.6, 0.5, 0.4], "val_loss": [1.1, 0.9, 0.7, 0.75, 0.8]},),
                 hint="Epochs are counted from 1: the first entry is epoch 1."),
            Case("training loss keeps falling, validation turns up", ({"loss": [0.9, 0.5, 0.3, 0.2, 0.1, 0.05],
                                                                       "val_loss": [1.0, 0.6, 0.55, 0.58, 0.7, 0.9]},),
                 hint="The training loss always improves; overfitting shows in the validation loss."),
            Case("a tie: the earliest epoch wins", ({"loss": [1.0, 0.9, 0.8, 0.7], "val_loss": [0.9, 0.5, 0.7, 0.5]},)),
            Case("the last epoch is the best", ({"loss": [1.0, 0.5, 0.3], "val_loss": [1.2, 0.8, 0.4]},)),
            Case("extra metrics in the history", ({"accuracy": [0.5, 0.7, 0.8], "loss": [1.0, 0.6, 0.5],
                                                   "val_accuracy": [0.5, 0.6, 0.55], "val_loss": [0.9, 0.6, 0.65]},)),
        ]
        if rng is not None:
            for i in range(5):
                n = int(rng.integers(1, 40))
                val = list(np.round(rng.uniform(0.1, 2.0, n), 3))
                cases.append(Case(f"random history #{i}", ({"loss": list(np.sort(rng.uniform(0.1, 2, n))[::-1]), "val_loss": val},)))
        return cases

    def produce(self, fn, case):
        return as_whole_number(fn(case.args[0]), "an epoch number (int)")

    def reference(self, history):
        return int(np.argmin(history["val_loss"])) + 1

    def judge(self, got, case):
        want = self.reference(*case.args)
        if got != want:
            return f"epoch {got} is not the epoch with the lowest validation loss."
        return None


class _FakeModel:
    """Just enough of a Keras model for a callback: weights we can recognise, a stop flag."""

    def __init__(self):
        self.stop_training = False
        self.weights_id = 0

    def get_weights(self):
        return [np.array([self.weights_id], dtype="float64")]

    def set_weights(self, weights):
        self.weights_id = int(np.asarray(weights[0]).ravel()[0])


def _simulate(callback_factory, patience, val_losses):
    """Drive a callback through epochs; returns (epochs run, epoch whose weights are restored)."""
    callback = callback_factory(patience)
    model = _FakeModel()
    callback.set_model(model)
    callback.on_train_begin({})
    epochs_run = 0
    for epoch, v in enumerate(val_losses):
        model.weights_id = epoch + 1            # the weights after epoch N are tagged N
        epochs_run = epoch + 1
        callback.on_epoch_end(epoch, {"loss": 1.0, "val_loss": float(v)})
        if model.stop_training:
            break
    callback.on_train_end({})
    return epochs_run, model.weights_id


class EarlyStopping(Exercise):
    number, title = 3, "patience_callback"
    hint = ("Keep the best val_loss and its weights (self.model.get_weights()); count epochs without a "
            "new best; when the count reaches patience set self.model.stop_training = True; in "
            "on_train_end put the best weights back with self.model.set_weights(...).")

    def cases(self, rng=None):
        cases = [
            Case("patience 2, best at epoch 3", (2, [1.0, 0.8, 0.6, 0.7, 0.65, 0.5, 0.4])),
            Case("patience 1 stops at the first worse epoch", (1, [1.0, 0.9, 0.95, 0.5])),
            Case("equal is not better", (2, [1.0, 0.8, 0.8, 0.8, 0.3]),
                 hint="Only a strictly lower val_loss counts as an improvement."),
            Case("always improving: never stops, keeps the last weights", (3, [1.0, 0.9, 0.8, 0.7, 0.6])),
            Case("a patient wait that pays off", (3, [1.0, 0.9, 0.95, 0.97, 0.85, 0.99, 1.0, 1.1]),
                 hint="The count of epochs without improvement starts again at 0 after every new best."),
        ]
        if rng is not None:
            for i in range(5):
                cases.append(Case(f"random run #{i}", (int(rng.integers(1, 5)), list(np.round(rng.uniform(0.1, 1, int(rng.integers(2, 25))), 2)))))
        return cases

    def produce(self, fn, case):
        import keras

        probe = fn(1)
        if not isinstance(probe, keras.callbacks.Callback):
            raise CheckFailed(f"expected a keras.callbacks.Callback, got a {type(probe).__name__}.")
        return list(_simulate(fn, *case.args))

    def reference(self, patience, val_losses):
        best, best_epoch, wait = np.inf, 0, 0
        for epoch, v in enumerate(val_losses, 1):
            if v < best:
                best, best_epoch, wait = v, epoch, 0
            else:
                wait += 1
                if wait >= patience:
                    return [epoch, best_epoch]
        return [len(val_losses), best_epoch]

    def judge(self, got, case):
        (run, restored), (want_run, want_restored) = got, self.reference(*case.args)
        if run != want_run:
            return f"training stopped after epoch {run}, {'too early' if run < want_run else 'too late'}."
        if restored != want_restored:
            return "at the end of training the model does not hold the weights of the best epoch."
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


EXERCISES = [SuggestLR(), BestEpoch(), EarlyStopping()]
globals().update(exercises(*EXERCISES))
