"""Lesson 06: other correct implementations pass (also on the grader's randomized cases), and
the early-stopping check follows a callback the way Keras's fit does."""
import numpy as np

from dlbasics.checks import lesson


def _all_cases(ex, fn, seeds=range(3)):
    ex.check(fn, quiet=True)
    fixed = len(ex.cases())
    for seed in seeds:
        ex.check(fn, cases=ex.cases(np.random.default_rng(seed))[fixed:], quiet=True)


def test_keras_early_stopping_passes_the_patience_check():
    """Keras's own callback (restoring in on_train_end, state reset in on_train_begin) is correct."""
    import keras

    l06 = lesson("06")
    _all_cases(l06.EXERCISES[1], lambda patience: keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True))


def test_alternative_patience_callbacks_pass():
    import copy

    import keras

    def patience_callback(patience):
        class Stopper(keras.callbacks.Callback):
            """Keeps a history of losses and a deep copy of the weights; restores on train end."""

            def on_train_begin(self, logs=None):
                self.losses, self.kept = [], None

            def on_epoch_end(self, epoch, logs=None):
                self.losses.append(logs["val_loss"])
                if np.argmin(self.losses) == len(self.losses) - 1:       # a new strict best (argmin: first)
                    self.kept = copy.deepcopy(self.model.get_weights())
                if len(self.losses) - 1 - int(np.argmin(self.losses)) >= patience:
                    self.model.stop_training = True

            def on_train_end(self, logs=None):
                if self.kept is not None:
                    self.model.set_weights(self.kept)
        return Stopper()

    _all_cases(lesson("06").EXERCISES[1], patience_callback)


def test_alternative_comparisons_pass():
    import pandas as pd

    ex = lesson("06").EXERCISES[2]

    def with_counts(correct_a, correct_b):
        """From the disagreement counts (McNemar's table): n10 images only A gets right, n01 only B."""
        a, b = np.asarray(correct_a, bool), np.asarray(correct_b, bool)
        n, n10, n01 = a.size, np.sum(a & ~b), np.sum(~a & b)
        diff = (n10 - n01) / n
        return diff, np.sqrt(((n10 + n01) / n - diff**2) / n)           # population variance of d

    def with_pandas(correct_a, correct_b):
        d = pd.Series(correct_a).astype(int) - pd.Series(correct_b).astype(int)
        return [d.mean(), d.sem()]                                        # a list, pandas' ddof=1

    def with_int_cast(correct_a, correct_b):
        d = np.asarray(correct_a).astype(int) - np.asarray(correct_b).astype(int)
        return np.mean(d), np.std(d) / np.sqrt(len(d))                    # NumPy scalars, ddof=0

    for fn in (with_counts, with_pandas, with_int_cast):
        _all_cases(ex, fn)
