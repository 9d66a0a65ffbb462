"""Plausible mistakes for the exercises of lesson 11 (see tests/wrong_answers/__init__.py)."""
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


@wrong(1)
def windows_with_keras_targets_one_step_late(series, window, horizon):
    """Keras's own function, but with targets=series[window + horizon:]: every target a step too far."""
    ds = keras.utils.timeseries_dataset_from_array(series, series[window + horizon:], sequence_length=window,
                                                   batch_size=len(series), shuffle=False)
    inputs, targets = zip(*ds.as_numpy_iterator())
    return np.concatenate(inputs), np.concatenate(targets)


@wrong(1)
def windows_targets_keep_a_trailing_axis(series, window, horizon):
    """Targets of shape (n, 1) for a 1-D series, instead of (n,)."""
    series = np.asarray(series)
    n = len(series) - window - horizon + 1
    inputs = np.stack([series[i:i + window] for i in range(n)])
    targets = np.stack([series[i + window + horizon - 1:i + window + horizon] for i in range(n)])
    return inputs, targets


def _unroll(x, h0, W, U, b, step):
    h, states = h0, []
    for t in range(x.shape[1]):
        h = step(x[:, t], h, W, U, b)
        states.append(h)
    return np.stack(states, axis=1)


@wrong(2)
def rnn_forward_without_recurrence(x, h0, W, U, b):
    return _unroll(x, h0, W, U, b, lambda x_t, h, W, U, b: np.tanh(x_t @ W + b))


@wrong(2)
def rnn_forward_transposed_recurrent_weights(x, h0, W, U, b):
    return _unroll(x, h0, W, U, b, lambda x_t, h, W, U, b: np.tanh(x_t @ W + h @ U.T + b))


@wrong(2)
def rnn_forward_relu(x, h0, W, U, b):
    return _unroll(x, h0, W, U, b, lambda x_t, h, W, U, b: np.maximum(x_t @ W + h @ U + b, 0))


@wrong(2)
def rnn_forward_without_bias(x, h0, W, U, b):
    return _unroll(x, h0, W, U, b, lambda x_t, h, W, U, b: np.tanh(x_t @ W + h @ U))


@wrong(2)
def rnn_forward_always_from_h0(x, h0, W, U, b):
    """Every step starts from h0 instead of the previous step's state."""
    return np.stack([np.tanh(x[:, t] @ W + h0 @ U + b) for t in range(x.shape[1])], axis=1)


@wrong(2)
def rnn_forward_ignores_h0(x, h0, W, U, b):
    return _unroll(x, np.zeros_like(h0), W, U, b, lambda x_t, h, W, U, b: np.tanh(x_t @ W + h @ U + b))


@wrong(2)
def rnn_forward_returns_only_the_last_state(x, h0, W, U, b):
    return _unroll(x, h0, W, U, b, lambda x_t, h, W, U, b: np.tanh(x_t @ W + h @ U + b))[:, -1]


@wrong(2)
def rnn_forward_includes_h0(x, h0, W, U, b):
    states = _unroll(x, h0, W, U, b, lambda x_t, h, W, U, b: np.tanh(x_t @ W + h @ U + b))
    return np.concatenate([h0[:, None], states], axis=1)


@wrong(2)
def rnn_forward_loops_over_the_batch_axis(x, h0, W, U, b):
    """Takes axis 0 (the batch) for time: x[t] is one whole sequence, not one step of every sequence."""
    h, states = h0, []
    for t in range(len(x)):
        h = np.tanh(x[t] @ W + h @ U + b)
        states.append(h)
    return np.stack(states, axis=1)


@wrong(2)
def rnn_forward_stacked_on_the_wrong_axis(x, h0, W, U, b):
    return np.moveaxis(_unroll(x, h0, W, U, b, lambda x_t, h, W, U, b: np.tanh(x_t @ W + h @ U + b)), 1, 0)


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


@wrong(3)
def forecaster_without_recurrence(window):
    """A linear autoregression: Flatten and Dense(1). It beats the naive baseline, but it is not an RNN."""
    model = keras.Sequential([keras.Input((window, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="huber")
    return model


@wrong(3)
def forecaster_dense_layers_only(window):
    """A multilayer perceptron on the flattened window: no state carried through time."""
    model = keras.Sequential([keras.Input((window, 1)), keras.layers.Flatten(), keras.layers.Dense(32, activation="tanh"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="mse")
    return model


def _scalar_states(x, h0, w, u, b):
    h, states = h0, []
    for x_t in np.asarray(x, "float64"):
        h = np.tanh(w * x_t + u * h + b)
        states.append(h)
    return np.array(states)


def _backward(x, h0, w, u, b, local, through):
    """g[t] = local(t) * prod over later steps k of through(k)."""
    h = _scalar_states(x, h0, w, u, b)
    g, carry = np.empty(len(h)), 1.0
    for t in reversed(range(len(h))):
        g[t] = carry * local(h, t)
        carry *= through(h, t)
    return g


@wrong(4)
def gradient_without_the_tanh_slope(x, h0, w, u, b):
    """w * u**(T - t): the chain rule through the weights only, as if tanh were the identity."""
    return _backward(x, h0, w, u, b, lambda h, t: w, lambda h, t: u)


@wrong(4)
def gradient_slope_one_step_early(x, h0, w, u, b):
    """Uses 1 - h_{t-1}**2 where the slope at step t is 1 - h_t**2."""
    prev = lambda h, t: h[t - 1] if t > 0 else h0          # noqa: E731
    return _backward(x, h0, w, u, b, lambda h, t: w * (1 - prev(h, t) ** 2), lambda h, t: u * (1 - prev(h, t) ** 2))


@wrong(4)
def gradient_in_lag_order(x, h0, w, u, b):
    """Right values, but entry k holds the input k steps before the end (the lesson's plot order)."""
    return _backward(x, h0, w, u, b, lambda h, t: w * (1 - h[t] ** 2), lambda h, t: u * (1 - h[t] ** 2))[::-1]


@wrong(4)
def gradient_with_respect_to_the_states(x, h0, w, u, b):
    """dh_T/dh_t instead of dh_T/dx_t: the factor w of the step that reads x_t is missing."""
    return _backward(x, h0, w, u, b, lambda h, t: 1 - h[t] ** 2, lambda h, t: u * (1 - h[t] ** 2))


@wrong(4)
def gradient_slope_without_the_square(x, h0, w, u, b):
    """1 - h instead of 1 - h**2 for the derivative of tanh."""
    return _backward(x, h0, w, u, b, lambda h, t: w * (1 - h[t]), lambda h, t: u * (1 - h[t]))


@wrong(4)
def gradient_of_the_last_step_only(x, h0, w, u, b):
    """Only the direct effect: dh_T/dx_T, zero for every earlier input."""
    h = _scalar_states(x, h0, w, u, b)
    g = np.zeros(len(h))
    g[-1] = w * (1 - h[-1] ** 2)
    return g


@wrong(3)
def forecaster_frozen_layers(window):
    """Layers frozen (trainable=False), as in transfer learning: fit runs, but nothing learns."""
    model = _forecaster(window, keras.layers.Dense(1), optimizer=keras.optimizers.Adam(0.003))
    for layer in model.layers:
        layer.trainable = False
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="mse")
    return model


@wrong(2)
def rnn_forward_states_shifted_by_h0(x, h0, W, U, b):
    """Appends the state before updating it: h0 comes out first and the last step's state is lost."""
    h, states = h0, []
    for t in range(x.shape[1]):
        states.append(h)
        h = np.tanh(x[:, t] @ W + h @ U + b)
    return np.stack(states, axis=1)


@wrong(2)
def rnn_forward_reshape_instead_of_transpose(x, h0, W, U, b):
    """Stacks the states as (steps, batch, units), then reshapes to (batch, steps, units): right shape, scrambled."""
    h, states = h0, []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ W + h @ U + b)
        states.append(h)
    return np.array(states).reshape(x.shape[0], x.shape[1], -1)


@wrong(2)
def rnn_forward_updates_one_array_in_place(x, h0, W, U, b):
    """h[:] = ... writes into the same array every step, so every stored state is the last one."""
    h, states = np.array(h0, dtype="float64"), []
    for t in range(x.shape[1]):
        h[:] = np.tanh(x[:, t] @ W + h @ U + b)
        states.append(h)
    return np.stack(states, axis=1)


def _backward_with_slope(x, h0, w, u, b, slope):
    h = _scalar_states(x, h0, w, u, b)
    pre = w * np.asarray(x, "float64") + u * np.r_[h0, h[:-1]] + b          # the tanh's input at every step
    s = slope(h, pre)
    g, carry = np.empty(len(h)), 1.0
    for t in reversed(range(len(h))):
        g[t] = carry * w * s[t]
        carry *= u * s[t]
    return g


@wrong(4)
def gradient_tanh_applied_twice(x, h0, w, u, b):
    """1 - tanh(h_t)**2: the state h_t is already the tanh's output, so this takes tanh twice."""
    return _backward_with_slope(x, h0, w, u, b, lambda h, pre: 1 - np.tanh(h) ** 2)


@wrong(4)
def gradient_slope_from_the_pre_activation(x, h0, w, u, b):
    """1 - a_t**2 with a_t = w x_t + u h_{t-1} + b, the tanh's input, instead of its output h_t."""
    return _backward_with_slope(x, h0, w, u, b, lambda h, pre: 1 - pre ** 2)


@wrong(4)
def gradient_carry_updated_too_early(x, h0, w, u, b):
    """Multiplies the carry by step t's factor before using it: one factor u (1 - h_t**2) too many."""
    h = _scalar_states(x, h0, w, u, b)
    g, carry = np.empty(len(h)), 1.0
    for t in reversed(range(len(h))):
        carry *= u * (1 - h[t] ** 2)
        g[t] = carry * w
    return g
