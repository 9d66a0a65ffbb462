"""Plausible mistakes for the exercises of lesson 06 (see tests/wrong_answers/__init__.py)."""
import keras
import numpy as np

from ._registry import registry

WRONG, wrong = registry()


@wrong(1)
def suggest_rate_at_lowest_loss(lrs, losses):
    return float(lrs[int(np.argmin(losses))])


@wrong(1)
def suggest_smallest_rate(lrs, losses):
    return float(lrs[0])


@wrong(1)
def suggest_rate_where_loss_peaks(lrs, losses):
    return float(lrs[int(np.argmax(losses))] / 10)


@wrong(2)
def best_epoch_by_training_loss(history):
    return int(np.argmin(history["loss"])) + 1


@wrong(2)
def best_epoch_counted_from_zero(history):
    return int(np.argmin(history["val_loss"]))


@wrong(2)
def best_epoch_latest_on_tie(history):
    v = np.asarray(history["val_loss"])
    return int(len(v) - np.argmin(v[::-1]))


def _patience(patience, strict=True, restore=True, reset=True):
    class Stopper(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.best, self.weights, self.wait = np.inf, None, 0

        def on_epoch_end(self, epoch, logs=None):
            better = logs["val_loss"] < self.best if strict else logs["val_loss"] <= self.best
            if better:
                self.best, self.weights = logs["val_loss"], self.model.get_weights()
                if reset:
                    self.wait = 0
            else:
                self.wait += 1
            if self.wait >= patience:
                self.model.stop_training = True

        def on_train_end(self, logs=None):
            if restore and self.weights is not None:
                self.model.set_weights(self.weights)
    return Stopper()


@wrong(3)
def patience_without_restoring(patience):
    return _patience(patience, restore=False)


@wrong(3)
def patience_counts_ties_as_better(patience):
    return _patience(patience, strict=False)


@wrong(3)
def patience_never_resets_the_count(patience):
    return _patience(patience, reset=False)
