"""Checks for lesson 00, machine learning vs deep learning."""
import numpy as np

from .core import as_compiled_model, Case, CheckFailed, compare_arrays, Exercise, exercises


class Standardize(Exercise):
    number, title = 1, "standardize"
    hint = ("Compute each column's mean and standard deviation on the training set only, then "
            "apply those same numbers to both sets; a constant column has std 0 and should become 0.")

    def cases(self, rng=None):
        r = np.random.default_rng(0)
        cases = [
            Case("3 columns on different scales", (r.normal([0, 10, 1000], [1, 5, 300], (50, 3)), r.normal([0, 10, 1000], [1, 5, 300], (20, 3)))),
            Case("a test set with a shifted mean", (r.normal(0, 1, (40, 2)), r.normal(3, 2, (10, 2))),
                 hint="The test set must be scaled with the training set's mean and std, not its own."),
            Case("a constant column", (np.c_[r.normal(size=30), np.full(30, 7.0)], np.c_[r.normal(size=5), np.full(5, 7.0)]),
                 hint="Where the std is 0, divide by 1 instead (or leave the centred column at 0)."),
            Case("integer input", (r.integers(0, 100, (25, 4)), r.integers(0, 100, (6, 4)))),
            Case("a single test row", (r.normal(5, 2, (30, 3)), r.normal(5, 2, (1, 3)))),
        ]
        if rng is not None:
            for i in range(5):
                d = int(rng.integers(1, 8))
                mu, sd = rng.normal(0, 100, d), rng.uniform(0.01, 50, d)
                cases.append(Case(f"random data #{i}", (rng.normal(mu, sd, (int(rng.integers(5, 80)), d)),
                                                        rng.normal(mu, sd, (int(rng.integers(1, 30)), d)))))
        return cases

    def produce(self, fn, case):
        got = fn(*case.args)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise CheckFailed("expected a pair (train_scaled, test_scaled): `return train_scaled, test_scaled`.")
        return tuple(np.asarray(g, dtype="float64") for g in got)

    def reference(self, train, test):
        train, test = np.asarray(train, "float64"), np.asarray(test, "float64")
        mean, std = train.mean(axis=0), train.std(axis=0)
        std = np.where(std == 0, 1.0, std)
        return (train - mean) / std, (test - mean) / std

    def judge(self, got, case):
        want = self.reference(*case.args)
        for part, g, w in zip(("the scaled training set", "the scaled test set"), got, want):
            problem = compare_arrays(g, w, self.rtol, self.atol, what=part)
            if problem:
                return problem
        return None


FEATURE_HINTS = {
    "season_sin": "Use the day of the year (1 to 366), as an angle in radians: 2*pi*day/365.25.",
    "season_cos": "Use the day of the year (1 to 366), as an angle in radians: 2*pi*day/365.25.",
    "log_precip": "log(1 + precipitation) stays finite on dry days (np.log1p).",
    "rainy": "1.0 when any rain fell (precipitation > 0), else 0.0.",
    "wind_kmh": "1 m/s is 3.6 km/h.",
}


def _plain(df):
    """A DataFrame as plain arrays (what crosses from learner code to the judge)."""
    return {"index": np.asarray(df.index), "columns": {str(c): np.asarray(df[c], "float64") for c in df.columns}}


class WeatherFeatures(Exercise):
    number, title = 2, "weather_features"
    hint = "Return a new DataFrame with exactly the columns " + ", ".join(FEATURE_HINTS) + ", and the same index as the input."

    def cases(self, rng=None):
        import pandas as pd

        from .. import data

        df = data.seattle_weather()
        cases = [
            Case("the first 20 days of 2012", (df.iloc[:20].copy(),)),
            Case("a stretch of summer", (df.iloc[180:200].copy(),)),
            Case("around New Year in a leap year (day 366)", (df.iloc[360:370].copy(),),
                 hint="pandas gives the day of the year as `.dt.day_of_year`."),
            Case("a DataFrame with a non-default index", (df.iloc[500:510].set_index(pd.RangeIndex(1000, 1010)),),
                 hint="Keep the input's index (build the result with index=df.index)."),
            Case("one dry day", (df[df.precipitation == 0].iloc[:1].copy(),)),
        ]
        if rng is not None:
            cases += [Case(f"random days #{i}", (df.sample(int(rng.integers(1, 60)), random_state=int(rng.integers(1 << 31))),))
                      for i in range(5)]
        return cases

    def produce(self, fn, case):
        import pandas as pd

        got = fn(*case.args)
        if got is None:
            raise CheckFailed("your function returned None. Did you forget `return`?")
        if not isinstance(got, pd.DataFrame):
            raise CheckFailed(f"expected a pandas DataFrame, got a {type(got).__name__}.")
        try:
            return _plain(got)
        except (TypeError, ValueError):
            raise CheckFailed("every column of the result should hold numbers.") from None

    def reference(self, df):
        import pandas as pd

        angle = 2 * np.pi * df["date"].dt.day_of_year.to_numpy() / 365.25
        p = df["precipitation"].to_numpy()
        return pd.DataFrame({
            "season_sin": np.sin(angle), "season_cos": np.cos(angle), "log_precip": np.log1p(p),
            "rainy": (p > 0).astype("float64"), "wind_kmh": df["wind"].to_numpy() * 3.6}, index=df.index)

    def judge(self, got, case):
        want = _plain(self.reference(*case.args))
        missing = [c for c in want["columns"] if c not in got["columns"]]
        extra = [c for c in got["columns"] if c not in want["columns"]]
        if missing:
            return f"the result lacks the column(s) {missing}."
        if extra:
            return f"the result has extra column(s) {extra}; return only the five feature columns."
        if len(got["index"]) != len(want["index"]) or not np.array_equal(got["index"], want["index"]):
            return "the result's index (rows) differs from the input's."
        for col, w in want["columns"].items():
            problem = compare_arrays(got["columns"][col], w, self.rtol, self.atol, what=f"column '{col}'")
            if problem:
                return problem + " " + FEATURE_HINTS[col]
        return None


class ImageClassifier(Exercise):
    number, title = 3, "build_image_classifier"
    hint = ("Start from keras.Input(shape=(28, 28, 1)), flatten or convolve, end with "
            "Dense(10, activation='softmax'), and compile with loss='sparse_categorical_crossentropy'.")
    n_train, n_test, epochs, min_accuracy = 3000, 1000, 4, 0.72   # a plain softmax regression scores ~0.78

    def cases(self, rng=None):
        from .. import data

        x, y = data.fashion_mnist("train", limit=self.n_train)
        xt, yt = data.fashion_mnist("test", limit=self.n_test)
        cases = [Case(f"trained {self.epochs} epochs on {self.n_train} images, tested on {self.n_test} others",
                      (), {"data": (x / 255.0, y, xt / 255.0, yt), "seed": 0})]
        if rng is not None:
            cases[0].kwargs["seed"] = int(rng.integers(1 << 31))
        return cases

    def produce(self, fn, case):
        import keras

        x, y, xt, _ = case.kwargs["data"]
        keras.utils.set_random_seed(case.kwargs["seed"])
        model = fn()
        as_compiled_model(model)
        try:
            out = model.compute_output_shape((None, 28, 28, 1))
        except Exception:
            shape = getattr(model, "input_shape", "?")
            raise CheckFailed(f"the model does not accept images of shape (28, 28, 1); its input shape is {shape}.") from None
        if tuple(out) != (None, 10):
            raise CheckFailed(f"the model's output has shape {tuple(out)}; it should give 10 values per image, one per class.")
        model.fit(x, y, epochs=self.epochs, batch_size=64, verbose=0)
        return keras.ops.convert_to_numpy(model(xt.astype("float32"), training=False))

    def judge(self, got, case):
        probs = np.asarray(got, "float64")
        yt = case.kwargs["data"][3]
        if probs.shape != (len(yt), 10):
            return f"the predictions have shape {probs.shape}, expected one row of 10 per test image."
        if not np.isfinite(probs).all():
            return "the model predicts nan: training diverged (is the learning rate too high, or the loss wrong?)."
        if probs.min() < -1e-6 or not np.allclose(probs.sum(1), 1, atol=1e-3):
            return "the outputs are not probabilities (each row should be >= 0 and sum to 1): use a softmax output layer."
        acc = float((probs.argmax(1) == yt).mean())
        if acc < self.min_accuracy:
            return f"test accuracy {acc:.2f} is below {self.min_accuracy} after {self.epochs} epochs."
        return None

    def pass_line(self, cases):
        return f"the model trains and reaches test accuracy >= {self.min_accuracy}."


EXERCISES = [Standardize(), WeatherFeatures(), ImageClassifier()]
globals().update(exercises(*EXERCISES))
