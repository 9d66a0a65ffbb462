"""Plausible mistakes, at least two per exercise. Every check must reject every one of them
(tests/test_checks.py); the autograder's tests reuse them. Key: (lesson, exercise number)."""
import keras
import numpy as np
import pandas as pd
from keras import layers

WRONG = {}


def wrong(lesson, number):
    def register(fn):
        WRONG.setdefault((lesson, number), []).append(fn)
        return fn
    return register


# ---- lesson 00 ------------------------------------------------------------------------------
@wrong("00", 1)
def standardize_test_with_own_stats(train, test):
    train, test = np.asarray(train, float), np.asarray(test, float)
    return (train - train.mean(0)) / train.std(0), (test - test.mean(0)) / test.std(0)


@wrong("00", 1)
def standardize_with_pooled_stats(train, test):
    both = np.concatenate([train, test]).astype(float)
    m, s = both.mean(0), np.where(both.std(0) == 0, 1, both.std(0))
    return (train - m) / s, (test - m) / s


@wrong("00", 1)
def standardize_rows_not_columns(train, test):
    train, test = np.asarray(train, float), np.asarray(test, float)
    m, s = train.mean(1, keepdims=True), train.std(1, keepdims=True)
    return (train - m) / s, (test - test.mean(1, keepdims=True)) / test.std(1, keepdims=True)


@wrong("00", 1)
def standardize_constant_column_nan(train, test):
    train, test = np.asarray(train, float), np.asarray(test, float)
    m, s = train.mean(0), train.std(0)
    return (train - m) / s, (test - m) / s


def _features(df, angle_unit=2 * np.pi, day=None, log=np.log1p, rainy=lambda p: p > 0, wind=3.6):
    day = df["date"].dt.day_of_year if day is None else day(df)
    angle = angle_unit * day / 365.25
    return pd.DataFrame({"season_sin": np.sin(angle), "season_cos": np.cos(angle),
                         "log_precip": log(df["precipitation"]), "rainy": rainy(df["precipitation"]).astype(float),
                         "wind_kmh": df["wind"] * wind}, index=df.index)


@wrong("00", 2)
def features_in_degrees(df):
    return _features(df, angle_unit=360)


@wrong("00", 2)
def features_month_instead_of_day(df):
    return _features(df, day=lambda d: d["date"].dt.month)


@wrong("00", 2)
def features_log_without_one(df):
    with np.errstate(divide="ignore"):
        return _features(df, log=np.log)


@wrong("00", 2)
def features_wind_divided(df):
    return _features(df, wind=1 / 3.6)


@wrong("00", 2)
def features_added_to_input(df):
    for name, col in _features(df).items():
        df[name] = col
    return df


@wrong("00", 2)
def features_reset_index(df):
    return _features(df).reset_index(drop=True)


@wrong("00", 3)
def classifier_without_softmax(_=None):
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(64, activation="relu"), layers.Dense(10)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@wrong("00", 3)
def classifier_one_output(_=None):
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


@wrong("00", 3)
def classifier_not_compiled(_=None):
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(10, activation="softmax")])


@wrong("00", 3)
def classifier_flat_input(_=None):
    model = keras.Sequential([keras.Input((784,)), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


# ---- lesson 01 ------------------------------------------------------------------------------
@wrong("01", 1)
def neuron_without_bias(x, w, b):
    return 1 / (1 + np.exp(-(np.asarray(x) @ w)))


@wrong("01", 1)
def neuron_without_activation(x, w, b):
    return np.asarray(x) @ w + b


@wrong("01", 1)
def neuron_tanh(x, w, b):
    return np.tanh(np.asarray(x) @ w + b)


@wrong("01", 2)
def dense_activation_before_bias(x, kernel, bias, activation=None):
    z = np.asarray(x) @ kernel
    return (z if activation is None else activation(z)) + bias


@wrong("01", 2)
def dense_ignores_activation(x, kernel, bias, activation=None):
    return np.asarray(x) @ kernel + bias


@wrong("01", 2)
def dense_without_bias(x, kernel, bias, activation=None):
    z = np.asarray(x) @ kernel
    return z if activation is None else activation(z)


@wrong("01", 3)
def count_without_biases(sizes):
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


@wrong("01", 3)
def count_biases_on_every_layer(sizes):
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + sum(sizes)


@wrong("01", 3)
def count_as_float(sizes):
    return float(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))) + 0.5


# ---- lesson 02 ------------------------------------------------------------------------------
@wrong("02", 1)
def sigmoid_sign_error(x):
    return 1 / (1 + np.exp(np.asarray(x, float)))


@wrong("02", 1)
def sigmoid_exp_over_one_plus_exp(x):
    e = np.exp(np.asarray(x, float))
    return e / (1 + e)


@wrong("02", 1)
def sigmoid_clipped_too_hard(x):
    return 1 / (1 + np.exp(-np.clip(np.asarray(x, float), -10, 10)))  # "stable", but wrong beyond |x| > 10


@wrong("02", 2)
def softmax_naive(x, axis=-1):
    e = np.exp(np.asarray(x, float))
    return e / e.sum(axis=axis, keepdims=True)


@wrong("02", 2)
def softmax_global_max(x, axis=-1):
    x = np.asarray(x, float)
    e = np.exp(x - x.max())
    return e / e.sum(axis=axis, keepdims=True)


@wrong("02", 2)
def softmax_ignores_axis(x, axis=-1):
    x = np.asarray(x, float)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@wrong("02", 2)
def softmax_sums_whole_array(x, axis=-1):
    x = np.asarray(x, float)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum()


@wrong("02", 3)
def swish_ignores_beta(x, beta=1.0):
    x = np.asarray(x, float)
    return x / (1 + np.exp(-np.clip(x, -500, 500)))


@wrong("02", 3)
def swish_beta_outside(x, beta=1.0):
    x = np.asarray(x, float)
    return beta * x / (1 + np.exp(-np.clip(x, -500, 500)))


@wrong("02", 3)
def swish_naive_nan(x, beta=1.0):
    x = np.asarray(x, float)
    e = np.exp(beta * x)
    return x * e / (1 + e)


# ---- lesson 03 ------------------------------------------------------------------------------
@wrong("03", 1)
def huber_always_quadratic(y_true, y_pred, delta=1.0):
    return float(np.mean(0.5 * (np.asarray(y_pred, float) - y_true) ** 2))


@wrong("03", 1)
def huber_ignores_delta(y_true, y_pred, delta=1.0):
    e = np.abs(np.asarray(y_pred, float) - y_true)
    return float(np.mean(np.where(e <= 1, 0.5 * e**2, e - 0.5)))


@wrong("03", 1)
def huber_sums_instead_of_mean(y_true, y_pred, delta=1.0):
    e = np.abs(np.asarray(y_pred, float) - y_true)
    return float(np.sum(np.where(e <= delta, 0.5 * e**2, delta * (e - 0.5 * delta))))


@wrong("03", 2)
def bce_naive_from_probabilities(y_true, logits):
    p = 1 / (1 + np.exp(-np.asarray(logits, float)))
    return float(np.mean(-(y_true * np.log(p) + (1 - np.asarray(y_true)) * np.log(1 - p))))


@wrong("03", 2)
def bce_clipped_like_keras_probabilities(y_true, logits):
    with np.errstate(over="ignore"):
        p = np.clip(1 / (1 + np.exp(-np.asarray(logits, float))), 1e-7, 1 - 1e-7)
    return float(np.mean(-(y_true * np.log(p) + (1 - np.asarray(y_true)) * np.log(1 - p))))


@wrong("03", 2)
def bce_sign_error(y_true, logits):
    z = np.asarray(logits, float)
    return float(np.mean(np.maximum(z, 0) + z * y_true + np.log1p(np.exp(-np.abs(z)))))


@wrong("03", 3)
def scce_without_max_shift(labels, logits):
    z = np.asarray(logits, float)
    with np.errstate(over="ignore"):
        lse = np.log(np.exp(z).sum(axis=1))
    return float(np.mean(lse - z[np.arange(len(z)), np.asarray(labels).astype(int)]))


@wrong("03", 3)
def scce_takes_first_column(labels, logits):
    z = np.asarray(logits, float)
    m = z.max(axis=1, keepdims=True)
    return float(np.mean(m[:, 0] + np.log(np.exp(z - m).sum(axis=1)) - z[:, 0]))


@wrong("03", 3)
def scce_forgets_log(labels, logits):
    z = np.asarray(logits, float)
    m = z.max(axis=1, keepdims=True)
    p = np.exp(z - m) / np.exp(z - m).sum(axis=1, keepdims=True)
    return float(np.mean(1 - p[np.arange(len(z)), np.asarray(labels).astype(int)]))


@wrong("03", 4)
def hinge_textbook_max_over_others(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    others = np.where(y_true == 1, -np.inf, y_pred).max(axis=-1)
    return float(np.mean(np.maximum(0, others - (y_true * y_pred).sum(-1) + 1)))


@wrong("03", 4)
def hinge_without_clamp(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    return float(np.mean(((1 - y_true) * y_pred).max(-1) - (y_true * y_pred).sum(-1) + 1))


@wrong("03", 4)
def hinge_without_margin(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    return float(np.mean(np.maximum(0, ((1 - y_true) * y_pred).max(-1) - (y_true * y_pred).sum(-1))))


# Written out, not imported from dlbasics.checks: this file is also run, as a learner's answer,
# inside the grader's sandbox, where the answer key is out of reach.
_CHOICES = {
    "house prices, where a few listings are data-entry errors worth millions": "huber",
    "tomorrow's temperature, with errors roughly normal and no outliers": "mse",
    "spam or not spam, one output logit per email": "binary_crossentropy",
    "ten clothing classes, labels stored as integers 0-9": "sparse_categorical_crossentropy",
    "ten clothing classes, labels stored one-hot": "categorical_crossentropy",
    "which of five tags apply to a photo (several can)": "binary_crossentropy",
}


@wrong("03", 5)
def choose_multilabel_as_categorical():
    return {**_CHOICES, "which of five tags apply to a photo (several can)": "categorical_crossentropy"}


@wrong("03", 5)
def choose_mse_for_outliers():
    return {**_CHOICES, "house prices, where a few listings are data-entry errors worth millions": "mse"}


@wrong("03", 5)
def choose_label_formats_swapped():
    return {**_CHOICES, "ten clothing classes, labels stored as integers 0-9": "categorical_crossentropy",
            "ten clothing classes, labels stored one-hot": "sparse_categorical_crossentropy"}


# ---- lesson 04 ------------------------------------------------------------------------------
def _slope(z, activation):
    s = 1 / (1 + np.exp(-z))
    return {"linear": np.ones_like(z), "relu": (z > 0).astype(float), "sigmoid": s * (1 - s),
            "tanh": 1 - np.tanh(z) ** 2}[activation]


@wrong("04", 1)
def dense_backward_without_activation_slope(x, W, b, grad_out, activation):
    x, W, g = np.asarray(x, float), np.asarray(W, float), np.asarray(grad_out, float)
    return g @ W.T, x.T @ g, g.sum(0)


@wrong("04", 1)
def dense_backward_sigmoid_slope_is_sigmoid(x, W, b, grad_out, activation):
    x, W = np.asarray(x, float), np.asarray(W, float)
    z = x @ W + b
    slope = 1 / (1 + np.exp(-z)) if activation == "sigmoid" else _slope(z, activation)
    dz = grad_out * slope
    return dz @ W.T, x.T @ dz, dz.sum(0)


@wrong("04", 1)
def dense_backward_db_averaged(x, W, b, grad_out, activation):
    x, W = np.asarray(x, float), np.asarray(W, float)
    dz = grad_out * _slope(x @ W + b, activation)
    return dz @ W.T, x.T @ dz, dz.mean(0)


def _two_layer(x, y, W1, b1, W2, b2, mask=True, mean=True, onehot=True):
    x, y = np.asarray(x, float), np.asarray(y).astype(int)
    z1 = x @ W1 + b1
    h = np.maximum(z1, 0)
    s = h @ W2 + b2
    p = np.exp(s - s.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    if onehot:
        p[np.arange(len(x)), y] -= 1
    ds = p / len(x) if mean else p
    dz1 = (ds @ W2.T) * (z1 > 0) if mask else ds @ W2.T
    return {"W1": x.T @ dz1, "b1": dz1.sum(0), "W2": h.T @ ds, "b2": ds.sum(0)}


@wrong("04", 2)
def backprop_forgets_relu_mask(x, y, W1, b1, W2, b2):
    return _two_layer(x, y, W1, b1, W2, b2, mask=False)


@wrong("04", 2)
def backprop_forgets_batch_mean(x, y, W1, b1, W2, b2):
    return _two_layer(x, y, W1, b1, W2, b2, mean=False)


@wrong("04", 2)
def backprop_forgets_onehot(x, y, W1, b1, W2, b2):
    return _two_layer(x, y, W1, b1, W2, b2, onehot=False)


@wrong("04", 3)
def numerical_gradient_divides_by_eps(f, x, eps=1e-6):
    x = np.array(x, float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = f(x)
        x[i] = old - eps
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / eps
    return grad


@wrong("04", 3)
def numerical_gradient_moves_everything(f, x, eps=1e-6):
    x = np.array(x, float)
    return np.full_like(x, (f(x + eps) - f(x - eps)) / (2 * eps))


@wrong("04", 3)
def numerical_gradient_huge_one_sided_step(f, x, eps=1e-6):
    x = np.array(x, float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = 0.1
        grad[i] = (f(x + step) - f(x)) / 0.1
    return grad


# ---- lesson 05 ------------------------------------------------------------------------------
@wrong("05", 1)
def gd_step_uphill(w, b, x, y, lr):
    e = np.asarray(x) @ w + b - y
    return w + lr * 2 * np.asarray(x).T @ e / len(y), b + lr * 2 * e.mean()


@wrong("05", 1)
def gd_step_sum_not_mean(w, b, x, y, lr):
    e = np.asarray(x) @ w + b - y
    return w - lr * 2 * np.asarray(x).T @ e, b - lr * 2 * e.sum()


@wrong("05", 1)
def gd_step_bias_frozen(w, b, x, y, lr):
    e = np.asarray(x) @ w + b - y
    return w - lr * 2 * np.asarray(x).T @ e / len(y), b


@wrong("05", 2)
def minibatches_not_shuffled(x, y, batch_size, rng):
    for start in range(0, len(y), batch_size):
        yield x[start:start + batch_size], y[start:start + batch_size]


@wrong("05", 2)
def minibatches_drop_the_remainder(x, y, batch_size, rng):
    order = rng.permutation(len(y))
    for start in range(0, len(y) - batch_size + 1, batch_size):
        idx = order[start:start + batch_size]
        yield x[idx], y[idx]


@wrong("05", 2)
def minibatches_shuffle_x_and_y_separately(x, y, batch_size, rng):
    ox, oy = rng.permutation(len(y)), rng.permutation(len(y))
    for start in range(0, len(y), batch_size):
        yield x[ox[start:start + batch_size]], y[oy[start:start + batch_size]]


@wrong("05", 2)
def minibatches_sample_with_replacement(x, y, batch_size, rng):
    for start in range(0, len(y), batch_size):
        idx = rng.integers(0, len(y), min(batch_size, len(y) - start))
        yield x[idx], y[idx]


@wrong("05", 3)
def momentum_forgets_velocity(w, velocity, grad, lr, momentum):
    return w - lr * grad, velocity


@wrong("05", 3)
def momentum_velocity_scaled_again(w, velocity, grad, lr, momentum):
    velocity = momentum * velocity - grad
    return w + lr * velocity, velocity * lr


@wrong("05", 3)
def momentum_applied_to_gradient_only(w, velocity, grad, lr, momentum):
    velocity = momentum * velocity - lr * grad
    return w - lr * grad, velocity


# ---- lesson 06 ------------------------------------------------------------------------------
@wrong("06", 1)
def suggest_rate_at_lowest_loss(lrs, losses):
    return float(lrs[int(np.argmin(losses))])


@wrong("06", 1)
def suggest_smallest_rate(lrs, losses):
    return float(lrs[0])


@wrong("06", 1)
def suggest_rate_where_loss_peaks(lrs, losses):
    return float(lrs[int(np.argmax(losses))] / 10)


@wrong("06", 2)
def best_epoch_by_training_loss(history):
    return int(np.argmin(history["loss"])) + 1


@wrong("06", 2)
def best_epoch_counted_from_zero(history):
    return int(np.argmin(history["val_loss"]))


@wrong("06", 2)
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


@wrong("06", 3)
def patience_without_restoring(patience):
    return _patience(patience, restore=False)


@wrong("06", 3)
def patience_counts_ties_as_better(patience):
    return _patience(patience, strict=False)


@wrong("06", 3)
def patience_never_resets_the_count(patience):
    return _patience(patience, reset=False)
