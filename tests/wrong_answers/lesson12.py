"""Plausible mistakes for the exercises of lesson 12 (see tests/wrong_answers/__init__.py)."""
import keras
import numpy as np
from keras import layers

from ._registry import registry

WRONG, wrong = registry()


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _gates(x_t, h, kernel, recurrent_kernel, bias):
    z = np.asarray(x_t) @ kernel + np.asarray(h) @ recurrent_kernel + bias
    return np.split(z, 4, axis=-1)


@wrong(1)
def lstm_step_gate_order_ifoc(x_t, h, c, kernel, recurrent_kernel, bias):
    i, f, o, g = _gates(x_t, h, kernel, recurrent_kernel, bias)          # the order of some papers, not Keras's
    c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c_new), c_new


@wrong(1)
def lstm_step_without_forget_gate(x_t, h, c, kernel, recurrent_kernel, bias):
    i, f, g, o = _gates(x_t, h, kernel, recurrent_kernel, bias)
    c_new = c + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c_new), c_new


@wrong(1)
def lstm_step_no_tanh_on_output(x_t, h, c, kernel, recurrent_kernel, bias):
    i, f, g, o = _gates(x_t, h, kernel, recurrent_kernel, bias)
    c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * c_new, c_new


@wrong(1)
def lstm_step_forgets_the_old_state(x_t, h, c, kernel, recurrent_kernel, bias):
    i, f, g, o = _gates(x_t, h, kernel, recurrent_kernel, bias)
    c_new = _sigmoid(i) * np.tanh(g)                                       # f * c dropped
    return _sigmoid(o) * np.tanh(c_new), c_new


@wrong(1)
def lstm_step_without_output_gate(x_t, h, c, kernel, recurrent_kernel, bias):
    i, f, g, o = _gates(x_t, h, kernel, recurrent_kernel, bias)
    c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    return np.tanh(c_new), c_new                                           # output gate left out


def _lengths(sequences, maxlen):
    maxlen = max(len(s) for s in sequences) if maxlen is None else maxlen
    return maxlen, [min(len(s), maxlen) for s in sequences]


@wrong(2)
def pad_and_mask_pre_padding(sequences, maxlen=None):
    maxlen, lengths = _lengths(sequences, maxlen)
    padded = np.zeros((len(sequences), maxlen, sequences[0].shape[1]), "float32")
    mask = np.zeros((len(sequences), maxlen), bool)
    for k, (s, n) in enumerate(zip(sequences, lengths)):
        padded[k, maxlen - n:] = s[:n]                                     # Keras's default, padding="pre"
        mask[k, maxlen - n:] = True
    return padded, mask


@wrong(2)
def pad_and_mask_from_zero_values(sequences, maxlen=None):
    maxlen, lengths = _lengths(sequences, maxlen)
    padded = np.zeros((len(sequences), maxlen, sequences[0].shape[1]), "float32")
    for k, (s, n) in enumerate(zip(sequences, lengths)):
        padded[k, :n] = s[:n]
    return padded, np.any(padded != 0, axis=-1)                            # what layers.Masking(0.0) computes


@wrong(2)
def pad_and_mask_off_by_one(sequences, maxlen=None):
    maxlen, lengths = _lengths(sequences, maxlen)
    padded = np.zeros((len(sequences), maxlen, sequences[0].shape[1]), "float32")
    mask = np.zeros((len(sequences), maxlen), bool)
    for k, (s, n) in enumerate(zip(sequences, lengths)):
        padded[k, :n] = s[:n]
        mask[k, :n - 1] = True                                             # the last real step left out
    return padded, mask


@wrong(2)
def pad_and_mask_keras_defaults(sequences, maxlen=None):
    padded = keras.utils.pad_sequences(sequences, maxlen=maxlen, dtype="float32")   # pre-padding, pre-truncating
    return padded, np.any(padded != 0, axis=-1)


@wrong(2)
def pad_and_mask_truncates_the_start(sequences, maxlen=None):
    maxlen, lengths = _lengths(sequences, maxlen)
    padded = np.zeros((len(sequences), maxlen, sequences[0].shape[1]), "float32")
    mask = np.zeros((len(sequences), maxlen), bool)
    for k, (s, n) in enumerate(zip(sequences, lengths)):
        padded[k, :n] = s[len(s) - n:]                                     # keeps the last steps, not the first
        mask[k, :n] = True
    return padded, mask


def _vowel_model(*middle, out_activation="softmax", loss="sparse_categorical_crossentropy"):
    model = keras.Sequential([keras.Input(shape=(None, 12)), *middle, layers.Dense(9, activation=out_activation)])
    model.compile(keras.optimizers.Adam(0.005), loss=loss, metrics=["accuracy"])
    return model


@wrong(3)
def build_vowel_classifier_no_masking():
    return _vowel_model(layers.LSTM(32))


@wrong(3)
def build_vowel_classifier_wrong_mask_value():
    return _vowel_model(layers.Masking(mask_value=-1.0), layers.LSTM(32))     # the padding is 0, not -1


@wrong(3)
def build_vowel_classifier_logits_with_a_probability_loss():
    """9 logits (no softmax), but the loss expects probabilities (from_logits=False)."""
    return _vowel_model(layers.Masking(), layers.LSTM(32), out_activation=None)


@wrong(3)
def build_vowel_classifier_softmax_twice():
    """A softmax layer and a loss with from_logits=True: the loss applies softmax a second time."""
    return _vowel_model(layers.Masking(), layers.LSTM(32),
                        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))


@wrong(3)
def build_vowel_classifier_masked_pooling_no_recurrence():
    """Masked average of the frames: blind to padding and accurate enough, but no recurrent layer at all."""
    return _vowel_model(layers.Masking(), layers.GlobalAveragePooling1D())


@wrong(3)
def build_vowel_classifier_one_output_per_frame():
    """return_sequences=True: the Dense layer then gives 9 scores for every frame, not one set per utterance."""
    return _vowel_model(layers.Masking(), layers.LSTM(32, return_sequences=True))


@wrong(3)
def build_vowel_classifier_too_small():
    return _vowel_model(layers.Masking(), layers.LSTM(1))


@wrong(3)
def build_vowel_classifier_not_compiled():
    return keras.Sequential([keras.Input(shape=(None, 12)), layers.Masking(), layers.LSTM(32),
                             layers.Dense(9, activation="softmax")])


@wrong(1)
def lstm_step_sigmoid_candidate(x_t, h, c, kernel, recurrent_kernel, bias):
    i, f, g, o = _gates(x_t, h, kernel, recurrent_kernel, bias)
    c_new = _sigmoid(f) * c + _sigmoid(i) * _sigmoid(g)                   # the candidate needs tanh
    return _sigmoid(o) * np.tanh(c_new), c_new


@wrong(1)
def lstm_step_output_from_the_old_cell(x_t, h, c, kernel, recurrent_kernel, bias):
    i, f, g, o = _gates(x_t, h, kernel, recurrent_kernel, bias)
    c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c), c_new                                  # h from c, not c_new


@wrong(2)
def pad_and_mask_longest_sequence_ignores_maxlen(sequences, maxlen=None):
    """Pads to the longest sequence even when maxlen is given."""
    lengths = [len(s) for s in sequences]
    longest = max(lengths)
    padded = np.zeros((len(sequences), longest, sequences[0].shape[1]), "float32")
    mask = np.zeros((len(sequences), longest), bool)
    for k, (s, n) in enumerate(zip(sequences, lengths)):
        padded[k, :n] = s
        mask[k, :n] = True
    return padded, mask


@wrong(2)
def pad_and_mask_keras_default_dtype(sequences, maxlen=None):
    """pad_sequences with post padding but its default dtype, int32: every value cut to a whole number."""
    padded = keras.utils.pad_sequences(sequences, maxlen=maxlen, padding="post", truncating="post")
    maxlen = padded.shape[1]
    return padded, np.arange(maxlen)[None, :] < np.minimum([len(s) for s in sequences], maxlen)[:, None]
