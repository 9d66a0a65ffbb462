"""Lesson 11: other correct implementations pass its checks; the check's data are what the lesson says."""
import numpy as np

from dlbasics.checks import lesson


def test_alternative_recurrent_implementations_pass():
    import keras
    import tensorflow as tf

    l11 = lesson("11")

    def windows_by_sliding_view(series, window, horizon):
        series = np.asarray(series)
        views = np.lib.stride_tricks.sliding_window_view(series, window, axis=0)[:len(series) - window - horizon + 1]
        return np.moveaxis(views, -1, 1), series[window + horizon - 1:]     # views put the window axis last

    def windows_in_a_loop(series, window, horizon):
        pairs = [(series[i:i + window], series[i + window + horizon - 1])
                 for i in range(len(series) - window - horizon + 1)]
        return [p[0] for p in pairs], [p[1] for p in pairs]                   # lists, not arrays

    def windows_cast_to_float32(series, window, horizon):
        series = np.asarray(series, "float32")                             # the course's networks use float32
        n = len(series) - window - horizon + 1
        return np.stack([series[i:i + window] for i in range(n)]), series[window + horizon - 1:]

    def forward_in_tensorflow(x, h0, W, U, b):
        h, states = tf.constant(h0), []
        for x_t in tf.unstack(tf.constant(x), axis=1):
            h = tf.tanh(tf.linalg.matmul(x_t, W) + tf.linalg.matmul(h, U) + b)
            states.append(h)
        return tf.stack(states, axis=1)

    def forward_with_einsum_into_a_preallocated_array(x, h0, W, U, b):
        out = np.empty((x.shape[0], x.shape[1], W.shape[1]))
        h = h0
        for t in range(x.shape[1]):
            h = out[:, t] = np.tanh(np.einsum("bf,fu->bu", x[:, t], W) + np.einsum("bv,vu->bu", h, U) + b)
        return out

    def forward_with_keras_cell(x, h0, W, U, b):
        cell = keras.layers.SimpleRNNCell(W.shape[1], dtype="float64")
        cell.build((None, W.shape[0]))
        cell.set_weights([W, U, b])
        h, states = h0, []
        for t in range(x.shape[1]):
            out, h = cell(x[:, t], h)
            states.append(keras.ops.convert_to_numpy(out))
        return np.stack(states, axis=1)

    def forward_in_float32(x, h0, W, U, b):
        x, h, W, U, b = (np.asarray(v, "float32") for v in (x, h0, W, U, b))   # the networks' own precision
        states = []
        for t in range(x.shape[1]):
            h = np.tanh(x[:, t] @ W + h @ U + b)
            states.append(h)
        return np.stack(states, axis=1)

    def forward_with_a_float32_keras_layer(x, h0, W, U, b):
        layer = keras.layers.SimpleRNN(W.shape[1], return_sequences=True)     # float32, Keras's default
        layer.build(x.shape)
        layer.set_weights([W, U, b])
        return keras.ops.convert_to_numpy(layer(x.astype("float32"), initial_state=h0.astype("float32")))

    def gradient_forward_mode(x, h0, w, u, b):
        jacobian, h = np.zeros(len(x)), h0          # jacobian[s] = d h_t / d x_s, carried forward in t
        for t, x_t in enumerate(x):
            h = np.tanh(w * x_t + u * h + b)
            jacobian = (1 - h ** 2) * u * jacobian
            jacobian[t] = (1 - h ** 2) * w
        return jacobian

    def gradient_with_a_tape(x, h0, w, u, b):
        x = tf.Variable(np.asarray(x, "float64"))
        with tf.GradientTape() as tape:
            h = tf.constant(h0, tf.float64)
            for t in range(x.shape[0]):
                h = tf.tanh(w * x[t] + u * h + b)
        return tape.gradient(h, x).numpy()

    def gradient_from_cumulative_products(x, h0, w, u, b):
        states, h = [], h0
        for x_t in x:
            h = np.tanh(w * x_t + u * h + b)
            states.append(h)
        slope = 1 - np.array(states) ** 2
        later = np.append(np.cumprod((u * slope[1:])[::-1])[::-1], 1.0)    # product over the steps after t
        return [float(v) for v in w * slope * later]                        # a list

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

    for n, fn in ((1, windows_by_sliding_view), (1, windows_in_a_loop), (1, windows_cast_to_float32),
                  (2, forward_in_tensorflow), (2, forward_with_einsum_into_a_preallocated_array),
                  (2, forward_with_keras_cell), (2, forward_in_float32), (2, forward_with_a_float32_keras_layer),
                  (4, gradient_with_a_tape), (4, gradient_from_cumulative_products), (4, gradient_forward_mode)):
        ex = l11.EXERCISES[n - 1]
        ex.check(fn, quiet=True)
        ex.check(fn, cases=ex.cases(np.random.default_rng(3)), quiet=True)
    l11.exercise_3(gru_forecaster)
    l11.exercise_3(functional_rnn_forecaster)


def test_forecaster_data_follow_the_lesson():
    """Training targets end in 1989, validation covers 1990-1995, and the naive baseline is the lesson's."""
    from dlbasics import data

    l11 = lesson("11")
    x_train, y_train, x_val, y_val, scale, seasonal_error = l11.co2_change_windows(52)
    co2 = data.co2()
    assert x_train.shape == (1603, 52, 1) and x_val.shape == (313, 52, 1) and seasonal_error.shape == (313,)
    assert np.allclose(x_train[:, -1, 0], 0) and np.allclose(x_val[:, -1, 0], 0)   # relative to the last value
    naive_mae = float(np.mean(np.abs(y_val))) * scale
    assert abs(naive_mae - 1.134) < 0.01 and abs(float(np.mean(np.abs(seasonal_error))) - 1.344) < 0.01
    assert int((co2["date"] < "1996-01-01").sum()) - int((co2["date"] < "1990-01-01").sum()) == len(y_val)
