"""Lesson 08: other correct implementations pass its checks; the check's data are what the lesson says."""
import numpy as np

from dlbasics.checks import lesson


def test_alternative_recurrent_implementations_pass():
    import keras
    import tensorflow as tf

    l08 = lesson("08")

    def windows_by_sliding_view(series, window, horizon):
        series = np.asarray(series)
        views = np.lib.stride_tricks.sliding_window_view(series, window, axis=0)[:len(series) - window - horizon + 1]
        return np.moveaxis(views, -1, 1), series[window + horizon - 1:]     # views put the window axis last

    def windows_in_a_loop(series, window, horizon):
        pairs = [(series[i:i + window], series[i + window + horizon - 1])
                 for i in range(len(series) - window - horizon + 1)]
        return [p[0] for p in pairs], [p[1] for p in pairs]                   # lists, not arrays

    def step_in_tensorflow(x_t, h_prev, W, U, b):
        return tf.tanh(tf.linalg.matmul(x_t, W) + tf.linalg.matmul(h_prev, U) + b)

    def step_with_einsum(x_t, h_prev, W, U, b):
        return np.tanh(np.einsum("bf,fu->bu", x_t, W) + np.einsum("bv,vu->bu", h_prev, U) + b)

    def gru_forecaster(window):
        model = keras.Sequential([keras.Input((window, 1)), keras.layers.GRU(16), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        return model

    def functional_rnn_forecaster(window):
        inputs = keras.Input((window, 1))
        hidden = keras.layers.SimpleRNN(16, return_sequences=True)(inputs)
        hidden = keras.layers.SimpleRNN(16)(hidden)
        model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
        model.compile(optimizer=keras.optimizers.Adam(0.003), loss="mae")
        return model

    l08.exercise_1(windows_by_sliding_view)
    l08.exercise_1(windows_in_a_loop)
    l08.exercise_2(step_in_tensorflow)
    l08.exercise_2(step_with_einsum)
    l08.exercise_3(gru_forecaster)
    l08.exercise_3(functional_rnn_forecaster)


def test_forecaster_data_follow_the_lesson():
    """Training targets end in 1989, validation covers 1990-1995, and the naive baseline is the lesson's."""
    from dlbasics import data

    l08 = lesson("08")
    x_train, y_train, x_val, y_val, scale, seasonal_error = l08.co2_change_windows(52)
    co2 = data.co2()
    assert x_train.shape == (1603, 52, 1) and x_val.shape == (313, 52, 1) and seasonal_error.shape == (313,)
    assert np.allclose(x_train[:, -1, 0], 0) and np.allclose(x_val[:, -1, 0], 0)   # relative to the last value
    naive_mae = float(np.mean(np.abs(y_val))) * scale
    assert abs(naive_mae - 1.134) < 0.01 and abs(float(np.mean(np.abs(seasonal_error))) - 1.344) < 0.01
    assert int((co2["date"] < "1996-01-01").sum()) - int((co2["date"] < "1990-01-01").sum()) == len(y_val)
