"""Checks for lesson 11, recurrent neural networks."""
import numpy as np

from .core import as_array, as_compiled_model, Case, CheckFailed, compare_arrays, Exercise, exercises, recurrent_layers


def _series(rng, length, features=None):
    """A wandering series whose values never repeat, so a shifted window cannot match by accident."""
    shape = (length,) if features is None else (length, features)
    return np.round(np.cumsum(rng.uniform(0.1, 1.0, shape), axis=0) * 10) / 10


class MakeWindows(Exercise):
    number, title = 1, "make_windows"
    hint = ("Window i starts at series[i] and holds `window` values; its target lies `horizon` steps after "
            "the window's last value. Keep making windows until that target would fall off the end of the series.")
    rtol, atol = 1e-6, 1e-9          # exact up to float32 rounding: casting the series to float32 is fine

    def cases(self, rng=None):
        r = np.random.default_rng(8)
        cases = [
            Case("series 0..9, window 3, horizon 1", (np.arange(10.0), 3, 1),
                 hint="With horizon 1 the target is the step right after the window, never its last step."),
            Case("series 0..19, window 5, horizon 4", (np.arange(20.0), 5, 4),
                 hint="Horizon 4 means 4 steps after the window's last step: 3 steps are skipped."),
            Case("the shortest series: exactly one window", (np.arange(7.0), 4, 3),
                 hint="A series of window + horizon values holds exactly one (window, target) pair."),
            Case("window 1", (_series(r, 12), 1, 2)),
            Case("multivariate input: 3 features per step", (_series(r, 30, 3), 6, 2),
                 hint="Keep the feature axis: inputs (n, window, features), targets (n, features)."),
            Case("a longer series, window 52, horizon 4", (_series(r, 300), 52, 4)),
        ]
        if rng is not None:
            for i in range(4):
                window, horizon = int(rng.integers(1, 30)), int(rng.integers(1, 10))
                length = window + horizon + int(rng.integers(0, 80))
                features = None if i % 2 == 0 else int(rng.integers(1, 5))
                cases.append(Case(f"random series #{i}", (_series(rng, length, features), window, horizon)))
        return cases

    def produce(self, fn, case):
        series, window, horizon = case.args
        got = fn(series.copy(), window, horizon)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise CheckFailed("expected the pair (inputs, targets).")
        return as_array(got[0], "inputs"), as_array(got[1], "targets")

    def reference(self, series, window, horizon):
        """Keras's own windowing: keras.utils.timeseries_dataset_from_array."""
        import keras

        ds = keras.utils.timeseries_dataset_from_array(series, series[window + horizon - 1:], sequence_length=window,
                                                       batch_size=len(series), shuffle=False)
        inputs, targets = zip(*ds.as_numpy_iterator())
        return np.concatenate(inputs), np.concatenate(targets)

    def judge(self, got, case):
        series, window, horizon = case.args
        want = self.reference(*case.args)
        for what, g, w, index in (("inputs", got[0], want[0], np.arange(len(want[0]))[:, None] + np.arange(window)),
                                  ("targets", got[1], want[1], np.arange(len(want[1])) + window + horizon - 1)):
            problem = compare_arrays(g, w, self.rtol, self.atol, what=what)
            if problem and g.shape == w.shape:
                for shift in [k for k in range(-horizon - 1, 3) if k]:   # the whole array taken a few steps early or late?
                    moved = index + shift
                    if moved.min() >= 0 and moved.max() < len(series) and np.allclose(g, series[moved], self.rtol, self.atol):
                        return (f"{problem} Your {what} are taken {abs(shift)} step{'s' if abs(shift) > 1 else ''} "
                                f"too {'early' if shift < 0 else 'late'} in the series"
                                + (", so each window overlaps its target." if what == "inputs" and shift >= horizon else "."))
            if problem:
                return problem
        return None


class RNNForward(Exercise):
    number, title = 2, "rnn_forward"
    hint = ("Loop over the time axis (axis 1 of x, not the batch axis 0): each step takes that step's inputs "
            "x[:, t] and the state the previous step produced (h0 for the first step), and returns the next "
            "state. Collect one state per step and stack them along axis 1.")
    rtol, atol = 1e-5, 1e-6          # float32 arithmetic (or a float32 Keras cell) passes; every mistake is off by far more

    @staticmethod
    def _case(label, r, batch, steps, features, units, h0="zeros", scale=1.0, hint=""):
        x = r.normal(0, scale, (batch, steps, features))
        W = r.normal(0, 0.6, (features, units))
        U = r.normal(0, 0.6, (units, units))
        b = r.normal(0, 0.3, units)
        h = np.zeros((batch, units)) if h0 == "zeros" else np.tanh(r.normal(0, 1, (batch, units)))
        return Case(label, (x, h, W, U, b), hint=hint)

    def cases(self, rng=None):
        r = np.random.default_rng(9)
        cases = [
            self._case("one step from a zero state", r, 2, 1, 3, 4),
            self._case("one step from a nonzero starting state h0", r, 2, 1, 3, 4, h0="random",
                       hint="The starting state enters the first step through the recurrent weights U."),
            self._case("6 steps, batch of 3, 4 features, 5 units", r, 3, 6, 4, 5),
            self._case("as many steps as examples in the batch (4 and 4)", r, 4, 4, 2, 3, h0="random",
                       hint="x has shape (batch, steps, features): time is axis 1."),
            self._case("a scalar RNN: 1 feature, 1 unit, 10 steps", r, 1, 10, 1, 1),
            self._case("large inputs (the state saturates)", r, 2, 4, 2, 3, scale=20.0,
                       hint="tanh keeps every state between -1 and 1, however large the input."),
            self._case("a long sequence from a nonzero state", r, 4, 30, 2, 8, h0="random"),
        ]
        if rng is not None:
            for i in range(4):
                cases.append(self._case(f"random sequence #{i}", rng, int(rng.integers(1, 5)), int(rng.integers(1, 20)),
                                        int(rng.integers(1, 6)), int(rng.integers(1, 9)), h0="random" if i % 2 else "zeros"))
        return cases

    def produce(self, fn, case):
        x, h0, W, U, b = case.args
        return as_array(fn(x.copy(), h0.copy(), W.copy(), U.copy(), b.copy()), "your rnn_forward")

    def reference(self, x, h0, W, U, b):
        """keras.layers.SimpleRNN(return_sequences=True) with the same weights and initial state."""
        import keras

        layer = keras.layers.SimpleRNN(W.shape[1], return_sequences=True, dtype="float64")
        layer.build(x.shape)
        layer.set_weights([W, U, b])
        return keras.ops.convert_to_numpy(layer(x, initial_state=h0))

    def judge(self, got, case):
        x = case.args[0]
        want = self.reference(*case.args)
        if got.shape != want.shape:
            problem = compare_arrays(got, want, what="the hidden states")
            if got.ndim == 3 and got.shape[1] == x.shape[0] != x.shape[1]:
                return problem + " You made one state per sequence in the batch: time is axis 1 of x, the batch axis 0."
            if got.shape == (want.shape[0], want.shape[2]):
                return problem + " That is one state per sequence: return the state of every step, not only the last."
            if got.shape == (want.shape[0], want.shape[1] + 1, want.shape[2]):
                return problem + " There is one state too many: h0 is the state before the first step, not one of the outputs."
            if got.shape == (want.shape[1], want.shape[0], want.shape[2]):
                return problem + " The time and batch axes are swapped: stack the states along axis 1."
            return problem
        close = np.isclose(got, want, rtol=self.rtol, atol=self.atol).reshape(len(got), got.shape[1], -1).all(axis=(0, 2))
        if close.all():
            return None
        first = int(np.argmin(close)) + 1
        if np.allclose(got[:, 0], case.args[1], rtol=self.rtol, atol=self.atol) and not np.allclose(want[:, 0], case.args[1]):
            return ("your first state is h0, the state before the first step; position 0 should hold the state "
                    "after reading x[:, 0], and the last position the state after the last step.")
        if got.shape[1] > 1 and close[-1] and np.allclose(got, got[:, -1:]):
            return ("every position holds the same state, the last one: you stored one array and kept overwriting it "
                    "(h[:] = ...). Make a new array at every step, or store a copy.")
        if not np.isfinite(got).all() or np.abs(got).max() > 1 + 1e-5:
            return "some hidden states lie outside -1..1, where SimpleRNN's tanh keeps them."
        if got.min() >= 0 and want.min() < 0:
            return "none of your hidden states is negative, but SimpleRNN's tanh gives values between -1 and 1."
        if got.shape[1] > 1 and np.allclose(got[:, 1:], want[:, :-1], rtol=self.rtol, atol=self.atol):
            return "your states are one step late: the state after step t belongs at position t, not t + 1."
        if first > 1:
            return (f"the hidden states match Keras up to time step {first - 1} but differ from step {first} on: "
                    "each step must start from the state the previous step produced.")
        return "the hidden states differ from Keras's SimpleRNN already at the first time step."


def co2_change_windows(window, horizon=4):
    """The lesson's forecasting data: windows of weekly CO2 described relative to their last value.

    Training windows have their targets in 1958-1989, validation windows in 1990-1995. Inputs are
    (x - x_last) / scale with shape (n, window, 1), targets (y - x_last) / scale, where `scale` is
    the spread of the target change over the training windows (training statistics only).
    Returns x_train, y_train, x_val, y_val (float32), scale and the validation windows'
    seasonal-naive forecast error (the change over the 52 weeks before each target), in ppm.
    """
    from .. import data

    co2 = data.co2()
    series = co2["co2"].interpolate().to_numpy("float32")
    train_end, val_end = int((co2["date"] < "1990-01-01").sum()), int((co2["date"] < "1996-01-01").sum())

    def cut(first_target, stop):
        targets = np.arange(first_target, stop)
        return series[targets[:, None] - horizon - window + 1 + np.arange(window)], series[targets]

    x_train, y_train = cut(window + horizon - 1, train_end)
    x_val, y_val = cut(train_end, val_end)
    seasonal_error = series[train_end:val_end] - series[train_end - 52:val_end - 52]
    scale = float(np.std(y_train - x_train[:, -1]))

    def relative(x, y):
        return ((x - x[:, -1:]) / scale)[..., None].astype("float32"), ((y - x[:, -1]) / scale).astype("float32")

    return (*relative(x_train, y_train), *relative(x_val, y_val), scale, seasonal_error)


class Forecaster(Exercise):
    number, title = 3, "build_forecaster"
    trains_a_model = True
    hint = ("Start from keras.Input((window, 1)), add a recurrent layer that returns only its last state, end "
            "with a Dense layer of one unit and no activation, and compile with a regression loss and an optimizer "
            "(Adam's default learning rate works; 0.003 learns a little faster).")
    window, epochs, batch_size, margin = 26, 8, 32, 0.8

    def cases(self, rng=None):
        seed = 0 if rng is None else int(rng.integers(1 << 31))
        return [Case(f"trained {self.epochs} epochs on {self.window}-week windows of 1958-1989, judged on 1990-1995",
                     (), {"seed": seed})]

    def produce(self, fn, case):
        import keras

        x_train, y_train, x_val, _, _, _ = co2_change_windows(self.window)
        keras.utils.set_random_seed(case.kwargs["seed"])
        model = fn(self.window)
        as_compiled_model(model)
        if not recurrent_layers(model):
            raise CheckFailed("the model has no recurrent layer (SimpleRNN, LSTM, GRU), so no state is carried from "
                              "step to step (Flatten and Dense make the linear baseline of the lesson again). "
                              "This exercise is about recurrence: put a recurrent layer in it.")
        try:
            out = tuple(model.compute_output_shape((None, self.window, 1)))
        except Exception:
            shape = getattr(model, "input_shape", "?")
            raise CheckFailed(f"the model does not accept windows of shape ({self.window}, 1); its input shape is {shape}.") from None
        if out not in ((None, 1), (None,)):
            raise CheckFailed(f"the model's output has shape {out}; it should give one number per window, shape (None, 1)"
                              + (" (a recurrent layer with return_sequences=True gives one per time step)." if len(out) == 3 else "."))
        before = keras.ops.convert_to_numpy(model(x_val, training=False)).reshape(-1)
        model.fit(x_train, y_train, epochs=self.epochs, batch_size=self.batch_size, verbose=0)
        return before, keras.ops.convert_to_numpy(model(x_val, training=False)).reshape(-1)

    def reference(self, window):
        """The course's forecaster: one SimpleRNN layer and a linear output."""
        import keras

        model = keras.Sequential([keras.Input((window, 1)), keras.layers.SimpleRNN(32), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(0.003), loss="huber", metrics=["mae"])
        return model

    def judge(self, got, case):
        _, _, _, y_val, scale, seasonal_error = co2_change_windows(self.window)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return "the check expected the forecasts before and after training."
        before, got = (np.asarray(g, "float64") for g in got)
        if got.shape != y_val.shape:
            return f"the model made {got.size} predictions for {y_val.size} validation windows."
        if not np.isfinite(got).all():
            return "the model predicts nan: training diverged (is the learning rate too high, or the loss wrong?)."
        if got.min() >= 0:
            return ("your forecaster never predicts a fall, but CO2 drops every summer: an output activation "
                    "(relu, sigmoid) cuts off negative values. Use a linear output layer.")
        if before.shape == got.shape and np.mean(np.abs(got - before)) < 0.05 * np.std(y_val):
            # a randomly initialized network can, by luck, forecast better than the naive baseline
            return ("training hardly changed the forecasts, so the model did not learn (is the learning rate far "
                    "too small, or are its layers frozen?); a score from the untrained weights is luck.")
        mae = float(np.mean(np.abs(got - y_val))) * scale
        best = min(float(np.mean(np.abs(y_val))) * scale, float(np.mean(np.abs(seasonal_error))))
        if mae > self.margin * best:
            return (f"validation MAE {mae:.2f} ppm is not at least {1 - self.margin:.0%} below the best naive "
                    f"baseline ({best:.2f} ppm) after {self.epochs} epochs.")
        return None

    def pass_line(self, cases):
        return f"the model trains and beats the best naive baseline by at least {1 - self.margin:.0%} on held-out years."


class GradientThroughTime(Exercise):
    number, title = 4, "gradient_through_time"
    hint = ("Run the forward pass first and keep every state h_1..h_T. x_t reaches h_T only through h_t, so by the "
            "chain rule dh_T/dx_t = (dh_t/dx_t) * (dh_{t+1}/dh_t) * ... * (dh_T/dh_{T-1}): one factor for the step "
            "that reads x_t and one for every later step. Each factor is the derivative of a tanh, which you can "
            "write with the state that tanh produced.")
    rtol, atol = 1e-6, 1e-12

    @staticmethod
    def _case(label, r, steps, w, u, b=0.0, h0=0.0, scale=1.0, hint=""):
        return Case(label, (r.normal(0, scale, steps), float(h0), float(w), float(u), float(b)), hint=hint)

    def cases(self, rng=None):
        r = np.random.default_rng(4)
        cases = [
            self._case("a single step", r, 1, 0.8, 0.5, 0.1,
                       hint="With one step, h_1 = tanh(w x_1 + u h_0 + b): only the derivative of that tanh with respect to x_1."),
            self._case("3 steps", r, 3, 0.7, 0.9, 0.2),
            self._case("a nonzero starting state h0", r, 5, 1.1, 0.6, -0.3, h0=0.7),
            self._case("u = 0.5: the gradient fades with the lag", r, 30, 1.0, 0.5),
            self._case("u = 1.5 and tiny inputs: the gradient grows with the lag", r, 12, 1.0, 1.5, scale=1e-4,
                       hint="Nothing limits the product of the factors to 1: with states near 0 each factor is close to u."),
            self._case("a negative u: the sign alternates", r, 8, 0.9, -0.8, 0.1),
            self._case("large inputs (saturated states)", r, 10, 3.0, 1.2, 0.0, scale=2.0),
        ]
        if rng is not None:
            for i in range(4):
                cases.append(self._case(f"random sequence #{i}", rng, int(rng.integers(1, 25)), rng.uniform(-2, 2),
                                        rng.uniform(-1.6, 1.6), rng.uniform(-0.5, 0.5), h0=rng.uniform(-0.9, 0.9),
                                        scale=float(rng.choice([0.01, 0.5, 1.5]))))
        return cases

    def produce(self, fn, case):
        x, h0, w, u, b = case.args
        return as_array(fn(x.copy(), h0, w, u, b), "your gradient_through_time")

    def reference(self, x, h0, w, u, b):
        """GradientTape through keras.layers.SimpleRNN(1) with the same weights, in float64."""
        import keras
        import tensorflow as tf

        layer = keras.layers.SimpleRNN(1, dtype="float64")
        layer.build((1, len(x), 1))
        layer.set_weights([np.array([[w]]), np.array([[u]]), np.array([b])])
        inputs = tf.constant(np.asarray(x, "float64").reshape(1, -1, 1))
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            last = layer(inputs, initial_state=tf.constant([[h0]], "float64"))
        return tape.gradient(last, inputs).numpy().reshape(-1)

    def judge(self, got, case):
        x, h0, w, u, b = case.args
        want = self.reference(*case.args)
        problem = compare_arrays(got, want, self.rtol, self.atol, what="the gradient")
        if not problem:
            return None
        if got.shape == want.shape:
            close = lambda a: np.allclose(a, want, self.rtol, self.atol)      # noqa: E731
            if len(want) > 1 and close(got[::-1]):
                return problem + " Your values are in reverse order: entry t belongs to the input x[t], the first entry to the first input."
            if w != 0 and close(got * w) and not close(got):
                return problem + " Every value is off by the same factor: how does h_t respond to x_t itself?"
        return problem


EXERCISES = [MakeWindows(), RNNForward(), Forecaster(), GradientThroughTime()]
globals().update(exercises(*EXERCISES))
