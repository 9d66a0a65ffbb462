"""Lesson 12 (LSTM): other correct implementations pass, and the course's own LSTM step (used by
the notebook after exercise 1) agrees with keras.layers.LSTM, the truth the check judges by."""
import numpy as np

from dlbasics.checks import lesson


def test_course_lstm_step_matches_keras():
    l12 = lesson("12")
    ex = l12.EXERCISES[0]
    for seed in range(3):
        for case in ex.cases(np.random.default_rng(seed)):
            ours, keras_says = ex.reference(*case.args), l12.keras_lstm_step(*case.args)
            for a, b in zip(ours, keras_says):
                np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12, err_msg=case.label)


def test_alternative_lstm_implementations_pass():
    import tensorflow as tf

    l12 = lesson("12")

    def lstm_step_float32_tensorflow(x_t, h, c, kernel, recurrent_kernel, bias):
        x_t, h, c, kernel, recurrent_kernel, bias = (tf.constant(v, tf.float32) for v in (x_t, h, c, kernel, recurrent_kernel, bias))
        i, f, g, o = tf.split(tf.matmul(x_t, kernel) + tf.matmul(h, recurrent_kernel) + bias, 4, axis=-1)
        c_new = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
        return tf.sigmoid(o) * tf.tanh(c_new), c_new          # float32 tensors, a tuple

    def lstm_step_gate_by_gate(x_t, h, c, kernel, recurrent_kernel, bias):
        u = np.shape(h)[-1]
        gate = lambda k, act: act(np.asarray(x_t) @ kernel[:, k * u:(k + 1) * u]
                                  + np.asarray(h) @ recurrent_kernel[:, k * u:(k + 1) * u] + bias[k * u:(k + 1) * u])
        sig = lambda v: 0.5 * (1 + np.tanh(v / 2))
        i, f, g, o = gate(0, sig), gate(1, sig), gate(2, np.tanh), gate(3, sig)
        c_new = f * c + i * g
        return [o * np.tanh(c_new), c_new]                    # a list

    for fn in (lstm_step_float32_tensorflow, lstm_step_gate_by_gate):
        l12.exercise_1(fn)
        l12.EXERCISES[0].check(fn, cases=l12.EXERCISES[0].cases(np.random.default_rng(5)), quiet=True)


def test_alternative_padding_implementations_pass():
    import keras

    l12 = lesson("12")

    def pad_with_keras(sequences, maxlen=None):
        padded = keras.utils.pad_sequences(sequences, maxlen=maxlen, dtype="float32", padding="post", truncating="post")
        lengths = np.array([len(s) for s in sequences])
        return padded, (np.arange(padded.shape[1]) < lengths[:, None]).astype(int)    # a 0/1 mask

    def pad_with_lists(sequences, maxlen=None):
        maxlen = maxlen or max(len(s) for s in sequences)
        rows, masks = [], []
        for s in sequences:
            s = np.asarray(s, "float64")[:maxlen]
            rows.append(np.concatenate([s, np.zeros((maxlen - len(s), s.shape[1]))]))
            masks.append([True] * len(s) + [False] * (maxlen - len(s)))
        return np.array(rows), masks                           # float64 and a nested list

    for fn in (pad_with_keras, pad_with_lists):
        l12.exercise_2(fn)
        l12.EXERCISES[1].check(fn, cases=l12.EXERCISES[1].cases(np.random.default_rng(5)), quiet=True)


def test_a_masked_gru_classifier_passes():
    import keras
    from keras import layers

    def build_gru_classifier():
        inputs = keras.Input(shape=(None, 12))
        x = layers.Masking()(inputs)
        x = layers.GRU(24, return_sequences=True)(x)
        x = layers.GlobalAveragePooling1D()(x)                 # pools over the real steps only
        model = keras.Model(inputs, layers.Dense(9, activation="softmax")(x))
        model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
        return model

    lesson("12").exercise_3(build_gru_classifier)


def test_a_classifier_with_logits_and_from_logits_passes():
    """The course's convention: 9 logits and from_logits=True is as correct as a softmax head."""
    import keras
    from keras import layers

    def build_logits_classifier():
        model = keras.Sequential([keras.Input(shape=(None, 12)), layers.Masking(), layers.LSTM(32), layers.Dense(9)])
        model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return model

    lesson("12").exercise_3(build_logits_classifier)
