"""Checks for lesson 12, long short-term memory (LSTM)."""

import numpy as np

from .core import as_array, as_compiled_model, Case, CheckFailed, compare_arrays, Exercise, exercises, output_head, recurrent_layers


def _lstm_case(rng, batch, input_dim, units, scale=0.6, state_scale=1.0, forget_bias=None):
    """Random inputs, state and weights for one LSTM step (weights large enough that every gate matters)."""
    bias = rng.normal(0, scale, 4 * units)
    if forget_bias is not None:
        bias[units:2 * units] = forget_bias
    return (rng.normal(0, 1, (batch, input_dim)), rng.normal(0, 0.5 * state_scale, (batch, units)),
            rng.normal(0, 1.5 * state_scale, (batch, units)), rng.normal(0, scale, (input_dim, 4 * units)),
            rng.normal(0, scale, (units, 4 * units)), bias)


class LSTMStep(Exercise):
    number, title = 1, "lstm_step"
    hint = ("One matrix product with kernel and one with recurrent_kernel give all four blocks at once; split "
            "them along the last axis in the order a fresh layer's bias shows, give each block the activation of "
            "the table, and update the cell state before the output.")
    rtol, atol = 1e-5, 1e-6          # float32 arithmetic passes; every plausible mistake is off by far more

    def cases(self, rng=None):
        r = np.random.default_rng(9)
        cases = [
            Case("one example, 2 inputs, 3 units", _lstm_case(r, 1, 2, 3)),
            Case("a batch of 4 with a large carried cell state", _lstm_case(r, 4, 5, 2, state_scale=2.0),
                 hint="The old cell state survives through the forget gate: c_new = f * c + ..."),
            Case("a single unit", _lstm_case(r, 3, 1, 1)),
            Case("Keras's initial forget bias of 1", _lstm_case(r, 2, 3, 4, forget_bias=1.0),
                 hint="The four gates sit side by side in kernel, recurrent_kernel and bias: [i | f | c | o]."),
            Case("large weights (saturated gates)", _lstm_case(r, 5, 4, 3, scale=2.5)),
            Case("zero state (the first step of a sequence)",
                 (r.normal(size=(2, 3)), np.zeros((2, 2)), np.zeros((2, 2)), *_lstm_case(r, 2, 3, 2)[3:])),
        ]
        if rng is not None:
            for i in range(5):
                batch, input_dim, units = (int(v) for v in rng.integers(1, 7, size=3))
                cases.append(Case(f"random step #{i}", _lstm_case(rng, batch, input_dim, units,
                                                                  scale=float(rng.uniform(0.2, 2.0)))))
        return cases

    def produce(self, fn, case):
        got = fn(*(np.array(a) for a in case.args))
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise CheckFailed("expected the pair (h_new, c_new): `return h_new, c_new`.")
        return as_array(got[0], "h_new"), as_array(got[1], "c_new")

    def reference(self, x_t, h, c, kernel, recurrent_kernel, bias):
        """The course's step, from the gate equations (the check compares with Keras's own layer)."""
        z = np.asarray(x_t, "float64") @ kernel + np.asarray(h, "float64") @ recurrent_kernel + bias
        i, f, g, o = np.split(z, 4, axis=-1)                       # Keras's order: input, forget, candidate, output
        sigmoid = lambda v: 1 / (1 + np.exp(-v))                   # noqa: E731
        c_new = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        return sigmoid(o) * np.tanh(c_new), c_new

    def judge(self, got, case):
        h_want, c_want = keras_lstm_step(*case.args)
        problem = compare_arrays(got[1], c_want, self.rtol, self.atol, what="c_new")
        if problem:
            return (f"c_new (the new cell state): {problem} Check the gate order and the cell update "
                    "c_new = f * c + i * tanh(candidate).")
        problem = compare_arrays(got[0], h_want, self.rtol, self.atol, what="h_new")
        if problem:
            return f"h_new (the new hidden state): {problem} c_new is right, so look at the output: h_new = o * tanh(c_new)."
        return None


def keras_lstm_step(x_t, h, c, kernel, recurrent_kernel, bias):
    """One step of keras.layers.LSTM (in float64) with the given weights and state: the truth for exercise 1."""
    import keras

    layer = keras.layers.LSTM(np.shape(h)[-1], return_state=True, dtype="float64")
    layer.build((None, 1, np.shape(x_t)[-1]))
    layer.set_weights([kernel, recurrent_kernel, bias])
    _, h_new, c_new = layer(np.asarray(x_t, "float64")[:, None, :],
                            initial_state=[np.asarray(h, "float64"), np.asarray(c, "float64")])
    return keras.ops.convert_to_numpy(h_new), keras.ops.convert_to_numpy(c_new)


def _sequences(rng, lengths, channels, scale=1.0):
    return [rng.normal(0, scale, (int(n), channels)).astype("float32") for n in lengths]


class PadAndMask(Exercise):
    number, title = 2, "pad_and_mask"
    hint = ("Post-padding: each sequence starts at step 0 of its row and zeros follow it; a sequence longer than "
            "maxlen keeps its first maxlen steps. Build the mask from the lengths, never from the values.")

    def cases(self, rng=None):
        r = np.random.default_rng(4)
        silent = _sequences(r, [4, 6, 3], 2)
        silent[1][2] = 0.0                                     # a real frame that happens to be all zeros
        trailing = [np.array([[0.5], [-1.0], [0.0], [0.0]], "float32"), np.array([[2.0], [0.0]], "float32"),
                    np.array([[1.0], [1.5], [0.25], [-0.5], [0.75]], "float32")]
        cases = [
            Case("3 sequences of lengths 3, 1, 2 (2 channels)", (_sequences(r, [3, 1, 2], 2),),
                 hint="Post-padding: the sequence starts at step 0 and the zeros come after it."),
            Case("a real frame of zeros inside a sequence", (silent,),
                 hint="Real data can be zero: derive the mask from each sequence's length, not from zero values."),
            Case("one channel with real zeros at the end of a sequence", (trailing,),
                 hint="Real data can be zero: derive the mask from each sequence's length, not from zero values."),
            Case("maxlen longer than every sequence", (_sequences(r, [2, 5, 3], 3),), {"maxlen": 8}),
            Case("maxlen shorter than some sequences (keep the first steps)", (_sequences(r, [7, 2, 4, 5], 2),),
                 {"maxlen": 4}, hint="A sequence longer than maxlen keeps its first maxlen steps."),
            Case("all sequences the same length", (_sequences(r, [3, 3], 4),)),
            Case("12 channels, lengths as in JapaneseVowels", (_sequences(r, [7, 29, 15, 20], 12, 0.5),)),
        ]
        if rng is not None:
            for i in range(4):
                n, channels = int(rng.integers(1, 8)), int(rng.integers(1, 5))
                seqs = _sequences(rng, rng.integers(1, 12, n), channels)
                seqs[0][-1] = 0.0                             # a zero frame at the very end of a real sequence
                kwargs = {"maxlen": int(rng.integers(1, 14))} if i % 2 else {}
                cases.append(Case(f"random sequences #{i}", (seqs,), kwargs))
        return cases

    def produce(self, fn, case):
        seqs = [s.copy() for s in case.args[0]]
        got = fn(seqs, **case.kwargs)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise CheckFailed("expected the pair (padded, mask): `return padded, mask`.")
        padded = as_array(got[0], "padded")
        mask = np.asarray(got[1])
        if mask.dtype != bool:
            numbers = as_array(mask, "mask")
            if not np.isin(numbers, (0, 1)).all():
                raise CheckFailed("the mask should be boolean: True on real time steps, False on padding.")
            mask = numbers.astype(bool)
        return padded, mask

    def reference(self, sequences, maxlen=None):
        """Keras's pad_sequences (padding and truncating at the end) and the mask from the lengths."""
        import keras

        maxlen = max(len(s) for s in sequences) if maxlen is None else maxlen
        padded = keras.utils.pad_sequences(sequences, maxlen=maxlen, dtype="float32", padding="post",
                                           truncating="post", value=0.0)
        lengths = np.minimum([len(s) for s in sequences], maxlen)
        return padded, np.arange(maxlen)[None, :] < lengths[:, None]

    def judge(self, got, case):
        padded, mask = got
        want_padded, want_mask = self.reference(*case.args, **case.kwargs)
        if padded.shape != want_padded.shape:
            return (f"padded has shape {padded.shape}, but it should be (number of sequences, maxlen, channels) "
                    f"= {want_padded.shape}.")
        if mask.shape != want_mask.shape:
            return f"mask has shape {mask.shape}, but it should be (number of sequences, maxlen) = {want_mask.shape}."
        problem = compare_arrays(padded, want_padded, what="padded")
        if problem:
            if compare_arrays(padded, self._pre_padded(case)) is None:
                return f"padded: {problem} The zeros are at the start: pad at the end (post-padding)."
            if np.array_equal(padded, np.trunc(want_padded)):
                return (f"padded: {problem} Every value was cut to a whole number: keras.utils.pad_sequences "
                        "makes int32 arrays unless you pass dtype=\"float32\".")
            return f"padded: {problem}"
        wrong = mask != want_mask
        if wrong.any():
            row = int(np.argwhere(wrong)[0][0])
            more = int(mask[row].sum()) - int(want_mask[row].sum())
            how = (f"{abs(more)} step(s) too {'many' if more > 0 else 'few'} marked True" if more
                   else "the True steps are in the wrong place")
            return f"the mask is wrong in {int(wrong.any(axis=1).sum())} of {len(mask)} rows (the first: row {row}, {how})."
        return None

    def _pre_padded(self, case):
        import keras

        seqs = case.args[0]
        maxlen = case.kwargs.get("maxlen") or max(len(s) for s in seqs)
        return keras.utils.pad_sequences(seqs, maxlen=maxlen, dtype="float32", padding="pre", truncating="post")


class VowelClassifier(Exercise):
    number, title = 3, "build_vowel_classifier"
    trains_a_model = True
    hint = ("Start from keras.Input(shape=(None, 12)), then layers.Masking(mask_value=0.0) so the padded "
            "steps are skipped, a recurrent layer such as layers.LSTM(32) that returns its last state, and a "
            "Dense layer with one output per speaker; compile with a loss for integer labels that matches the "
            "last layer (probabilities, or logits with from_logits=True) and Adam.")
    # Measured over 22 grader seeds: the course model 0.914-0.959, LSTM(32) with Adam's default rate 0.878-0.951,
    # GRU(32) with Adam's default rate 0.865-0.938; a too-small LSTM(1) 0.17-0.19. 0.80 leaves every correct
    # design a margin under any seed.
    epochs, batch_size, min_accuracy = 20, 16, 0.80
    extra_padding = 12

    def cases(self, rng=None):
        from .. import data

        x, y = data.ucr("JapaneseVowels", "train")
        xt, yt = data.ucr("JapaneseVowels", "test")
        cases = [Case(f"trained {self.epochs} epochs on the 270 training utterances, tested on the 370 others",
                      (), {"data": (_post_pad(x), y, _post_pad(xt), yt), "seed": 0})]
        if rng is not None:
            cases[0].kwargs["seed"] = int(rng.integers(1 << 31))
        return cases

    def produce(self, fn, case):
        import keras

        x, y, xt, _ = case.kwargs["data"]
        keras.utils.set_random_seed(case.kwargs["seed"])
        model = fn()
        as_compiled_model(model)
        head = output_head(model)
        if not recurrent_layers(model):
            raise CheckFailed("the model has no recurrent layer (LSTM, GRU, SimpleRNN): it cannot carry anything "
                              "from one frame to the next, so it ignores the order of the frames. This exercise is "
                              "about a masked recurrent layer: put one in.")
        try:
            out = model.compute_output_shape((None, x.shape[1], 12))
        except Exception:
            shape = getattr(model, "input_shape", "?")
            raise CheckFailed(f"the model does not accept padded batches of shape (batch, time, 12); "
                              f"its input shape is {shape}.") from None
        if tuple(out) != (None, 9):
            raise CheckFailed(f"the model's output has shape {tuple(out)}; it should give 9 values per "
                              "utterance, one per speaker.")
        longer = np.pad(xt, ((0, 0), (0, self.extra_padding), (0, 0)))
        # before training too, so that a wrong design fails in a second: probabilities? blind to the padding?
        before = self._predict(model, xt, longer, head)
        problem = self._structure_problem(*before)
        if problem:
            raise CheckFailed("before any training, " + problem)
        model.fit(x, y, epochs=self.epochs, batch_size=self.batch_size, verbose=0)
        return self._predict(model, xt, longer, head)

    @staticmethod
    def _predict(model, xt, longer, head="probabilities"):
        import keras

        def probabilities(batch):
            out = model(batch, training=False)
            return keras.ops.convert_to_numpy(keras.ops.softmax(out) if head == "logits" else out)

        probs = probabilities(xt)
        try:
            probs_longer = probabilities(longer)
        except Exception:
            raise CheckFailed("the model fails on a batch padded to a different length: build it for "
                              "keras.Input(shape=(None, 12)), any number of time steps.") from None
        return probs, probs_longer

    def _structure_problem(self, probs, probs_longer):
        probs, probs_longer = np.asarray(probs, "float64"), np.asarray(probs_longer, "float64")
        if probs.ndim != 2 or probs.shape[1] != 9:
            return f"the predictions have shape {probs.shape}, expected one row of 9 per test utterance."
        if not np.isfinite(probs).all():
            return "the model predicts nan: training diverged (is the learning rate too high, or the loss wrong?)."
        if probs.min() < -1e-6 or not np.allclose(probs.sum(1), 1, atol=1e-3):
            return ("the outputs are not probabilities (each row should be >= 0 and sum to 1): end in a softmax "
                    "over the 9 speakers, or in 9 logits with a loss that has from_logits=True.")
        if probs_longer.shape != probs.shape or not np.allclose(probs, probs_longer, atol=1e-4):
            return (f"the predictions change when the test utterances get {self.extra_padding} more padded "
                    "steps, so the model reads the padding as data: mask it (layers.Masking(mask_value=0.0) "
                    "before the recurrent layer).")
        return None

    def reference(self):
        """The course's classifier: masking, one LSTM layer, a softmax over the 9 speakers."""
        import keras
        from keras import layers

        model = keras.Sequential([
            keras.Input(shape=(None, 12)),
            layers.Masking(mask_value=0.0),
            layers.LSTM(32),
            layers.Dense(9, activation="softmax"),
        ])
        model.compile(keras.optimizers.Adam(0.003), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    def judge(self, got, case):
        probs, probs_longer = (np.asarray(g, "float64") for g in got)
        yt = case.kwargs["data"][3]
        if probs.shape != (len(yt), 9):
            return f"the predictions have shape {probs.shape}, expected one row of 9 per test utterance."
        problem = self._structure_problem(probs, probs_longer)
        if problem:
            return "after training, " + problem
        acc = float((probs.argmax(1) == yt).mean())
        if acc < self.min_accuracy:
            return f"test accuracy {acc:.2f} is below {self.min_accuracy} after {self.epochs} epochs."
        return None

    def pass_line(self, cases):
        return (f"the model ignores padding and reaches test accuracy >= {self.min_accuracy} after "
                f"{self.epochs} epochs.")


def _post_pad(sequences):
    """Sequences (T_i, channels) zero-padded at the end to the longest: (n, T_max, channels) float32."""
    out = np.zeros((len(sequences), max(len(s) for s in sequences), sequences[0].shape[1]), "float32")
    for row, s in zip(out, sequences):
        row[:len(s)] = s
    return out


EXERCISES = [LSTMStep(), PadAndMask(), VowelClassifier()]
globals().update(exercises(*EXERCISES))
