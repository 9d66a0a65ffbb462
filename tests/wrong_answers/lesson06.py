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


@wrong(1)
def suggest_ten_times_the_lowest(lrs, losses):
    """Multiplies by 10 instead of dividing: deep in the diverging part."""
    return float(lrs[int(np.argmin(losses))] * 10)


@wrong(1)
def suggest_an_index_not_a_rate(lrs, losses):
    """Returns a tenth of the position of the lowest loss, not of its learning rate."""
    return float(np.argmin(losses) / 10)


def _patience(patience, strict=True, restore=True, reset=True, restore_on_stop_only=False,
              state_in_init=False, live_weights=False, late_by_one=False, roll_back=False):
    class Stopper(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            if state_in_init:
                self.best, self.weights_kept, self.wait = np.inf, None, 0

        def on_train_begin(self, logs=None):
            if not state_in_init:
                self.best, self.weights_kept, self.wait = np.inf, None, 0

        def on_epoch_end(self, epoch, logs=None):
            better = logs["val_loss"] < self.best if strict else logs["val_loss"] <= self.best
            if better:
                self.best = logs["val_loss"]
                self.weights_kept = self.model.weights if live_weights else self.model.get_weights()
                if reset:
                    self.wait = 0
            else:
                self.wait += 1
                if roll_back and self.weights_kept is not None:
                    self.model.set_weights(self.weights_kept)
            if (self.wait > patience) if late_by_one else (self.wait >= patience):
                self.model.stop_training = True
                if restore_on_stop_only and self.weights_kept is not None:
                    self.model.set_weights(self.weights_kept)

        def on_train_end(self, logs=None):
            if restore and not restore_on_stop_only and self.weights_kept is not None:
                self.model.set_weights(self.weights_kept)
    return Stopper()


@wrong(2)
def patience_without_restoring(patience):
    return _patience(patience, restore=False)


@wrong(2)
def patience_counts_ties_as_better(patience):
    return _patience(patience, strict=False)


@wrong(2)
def patience_never_resets_the_count(patience):
    return _patience(patience, reset=False)


@wrong(2)
def patience_restores_only_when_it_stops(patience):
    """tf.keras 2's old behaviour: the best weights come back only if training stopped early."""
    return _patience(patience, restore_on_stop_only=True)


@wrong(2)
def patience_state_set_in_init(patience):
    """Best value, weights and count set once in __init__: a second fit inherits the first's."""
    return _patience(patience, state_in_init=True)


@wrong(2)
def patience_keeps_live_weights(patience):
    """Keeps self.model.weights (the live variables), not a copy: 'restoring' changes nothing."""
    return _patience(patience, live_weights=True)


@wrong(2)
def patience_rolls_back_after_every_worse_epoch(patience):
    """Puts the best weights back as soon as an epoch is worse, so training restarts from them: not
    early stopping (the final weights are the best either way, only the training path differs)."""
    return _patience(patience, roll_back=True)


@wrong(2)
def patience_stops_one_epoch_late(patience):
    return _patience(patience, late_by_one=True)


@wrong(2)
def patience_watches_the_training_loss(patience):
    class Stopper(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.best, self.kept, self.wait = np.inf, None, 0

        def on_epoch_end(self, epoch, logs=None):
            if logs["loss"] < self.best:
                self.best, self.kept, self.wait = logs["loss"], self.model.get_weights(), 0
            else:
                self.wait += 1
                if self.wait >= patience:
                    self.model.stop_training = True

        def on_train_end(self, logs=None):
            self.model.set_weights(self.kept)
    return Stopper()


@wrong(3)
def compare_unpaired(correct_a, correct_b):
    """The textbook formula for two independent test sets: ignores that the images are shared."""
    a, b = np.mean(correct_a), np.mean(correct_b)
    n = len(correct_a)
    return a - b, np.sqrt(a * (1 - a) / n + b * (1 - b) / n)


@wrong(3)
def compare_with_one_models_error(correct_a, correct_b):
    """The standard error of A's accuracy alone."""
    a = np.mean(correct_a)
    return a - np.mean(correct_b), np.sqrt(a * (1 - a) / len(correct_a))


@wrong(3)
def compare_without_sqrt_n(correct_a, correct_b):
    """The spread of the per-image differences, not the standard error of their mean."""
    d = np.asarray(correct_a, float) - np.asarray(correct_b, float)
    return d.mean(), d.std()


@wrong(3)
def compare_divides_by_n(correct_a, correct_b):
    d = np.asarray(correct_a, float) - np.asarray(correct_b, float)
    return d.mean(), d.std() / len(d)


@wrong(3)
def compare_b_minus_a(correct_a, correct_b):
    d = np.asarray(correct_b, float) - np.asarray(correct_a, float)
    return d.mean(), d.std(ddof=1) / np.sqrt(len(d))


@wrong(3)
def compare_subtracts_booleans(correct_a, correct_b):
    """NumPy refuses `-` on two boolean arrays (and wraps around on unsigned integers)."""
    d = correct_a - correct_b
    return np.mean(d), np.std(d) / np.sqrt(len(d))


@wrong(3)
def compare_standard_error_of_disagreement(correct_a, correct_b):
    """Treats 'the models disagree' as the 0/1 value: its rate, not a signed difference."""
    d = np.asarray(correct_a) != np.asarray(correct_b)
    return np.mean(correct_a) - np.mean(correct_b), np.std(d) / np.sqrt(len(d))
