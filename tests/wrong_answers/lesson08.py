"""Plausible mistakes for the exercises of lesson 08 (see tests/wrong_answers/__init__.py)."""
import keras
import numpy as np

from ._registry import registry

WRONG, wrong = registry()


def _windows(series, window, horizon, input_start, target_at, count):
    series = np.asarray(series)
    inputs = np.stack([series[input_start(i):input_start(i) + window] for i in range(count)])
    targets = np.stack([series[target_at(i)] for i in range(count)])
    return inputs, targets


@wrong(1)
def windows_target_one_step_early(series, window, horizon):
    """Off by one: for horizon 1 the 'target' is the window's own last step."""
    n = len(series) - window - horizon + 1
    return _windows(series, window, horizon, lambda i: i, lambda i: i + window + horizon - 2, n)


@wrong(1)
def windows_overlap_the_target(series, window, horizon):
    """The window is slid up to the target, so the answer is inside the input."""
    n = len(series) - window - horizon + 1
    return _windows(series, window, horizon, lambda i: i + horizon, lambda i: i + window + horizon - 1, n)


@wrong(1)
def windows_ignore_the_horizon(series, window, horizon):
    """Always predicts the next step, whatever the horizon."""
    n = len(series) - window - horizon + 1
    return _windows(series, window, horizon, lambda i: i, lambda i: i + window, n)


@wrong(1)
def windows_horizon_one_too_far(series, window, horizon):
    n = len(series) - window - horizon
    return _windows(series, window, horizon, lambda i: i, lambda i: i + window + horizon, n)


@wrong(1)
def windows_drop_the_last_window(series, window, horizon):
    n = len(series) - window - horizon
    return _windows(series, window, horizon, lambda i: i, lambda i: i + window + horizon - 1, n)


@wrong(2)
def rnn_step_without_recurrence(x_t, h_prev, W, U, b):
    return np.tanh(x_t @ W + b)


@wrong(2)
def rnn_step_transposed_recurrent_weights(x_t, h_prev, W, U, b):
    return np.tanh(x_t @ W + h_prev @ U.T + b)


@wrong(2)
def rnn_step_relu(x_t, h_prev, W, U, b):
    return np.maximum(x_t @ W + h_prev @ U + b, 0)


@wrong(2)
def rnn_step_matmul_in_the_wrong_order(x_t, h_prev, W, U, b):
    return np.tanh(x_t @ W + (U @ h_prev.T).T + b)


@wrong(2)
def rnn_step_without_bias(x_t, h_prev, W, U, b):
    return np.tanh(x_t @ W + h_prev @ U)


def _forecaster(window, head, compiled=True, return_sequences=False, optimizer=None, loss="mse"):
    model = keras.Sequential([keras.Input((window, 1)),
                              keras.layers.SimpleRNN(32, return_sequences=return_sequences), head])
    if compiled:
        model.compile(optimizer=optimizer or keras.optimizers.Adam(0.01), loss=loss)
    return model


@wrong(3)
def forecaster_not_compiled(window):
    return _forecaster(window, keras.layers.Dense(1), compiled=False)


@wrong(3)
def forecaster_one_output_per_time_step(window):
    return _forecaster(window, keras.layers.Dense(1), return_sequences=True)


@wrong(3)
def forecaster_relu_output(window):
    return _forecaster(window, keras.layers.Dense(1, activation="relu"))


@wrong(3)
def forecaster_sigmoid_output_and_classification_loss(window):
    return _forecaster(window, keras.layers.Dense(1, activation="sigmoid"), loss="binary_crossentropy")


@wrong(3)
def forecaster_learning_rate_far_too_small(window):
    return _forecaster(window, keras.layers.Dense(1), optimizer=keras.optimizers.Adam(1e-6))
