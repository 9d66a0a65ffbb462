"""Checks for lesson 00, machine learning vs deep learning."""
import numpy as np

from .core import as_compiled_model, Case, CheckFailed, compare_arrays, Exercise, exercises, output_head, probabilities


class Standardize(Exercise):
    number, title = 1, "standardize"
    hint = ("Compute each column's mean and (population, ddof=0) standard deviation on the training set "
            "only, then apply those same numbers to both sets; a column that is constant in the training "
            "set must come out as 0.")

    def cases(self, rng=None):
        r = np.random.default_rng(0)
        cases = [
            Case("3 columns on different scales", (r.normal([0, 10, 1000], [1, 5, 300], (50, 3)), r.normal([0, 10, 1000], [1, 5, 300], (20, 3)))),
            Case("a test set with a shifted mean", (r.normal(0, 1, (40, 2)), r.normal(3, 2, (10, 2))),
                 hint="The test set must be scaled with the training set's mean and std, not its own."),
            Case("a constant column of 7s", (np.c_[r.normal(size=30), np.full(30, 7.0)], np.c_[r.normal(size=5), np.full(5, 7.0)]),
                 hint="Where the std is 0, divide by 1 instead (or leave the centred column at 0)."),
            Case("a constant column of 0.1s", (np.c_[r.normal(size=30), np.full(30, 0.1)], np.c_[r.normal(size=5), np.full(5, 0.1)]),
                 hint="Try np.full(30, 0.1).std(): in floating point it is not exactly 0, so a test `std == 0` "
                      "misses this constant column and divides rounding noise by rounding noise. Decide "
                      "'constant' exactly (max == min, np.ptp) or with a tolerance."),
            Case("integer input", (r.integers(0, 100, (25, 4)), r.integers(0, 100, (6, 4)))),
            Case("a single test row", (r.normal(5, 2, (30, 3)), r.normal(5, 2, (1, 3)))),
        ]
        if rng is not None:
            for i in range(5):
                d = int(rng.integers(2 if i % 2 else 1, 8))
                mu, sd = rng.normal(0, 100, d), rng.uniform(0.01, 50, d)
                n, m = int(rng.integers(5, 80)), int(rng.integers(1, 30))
                train, test = rng.normal(mu, sd, (n, d)), rng.normal(mu, sd, (m, d))
                if i % 2:                # a constant column whose value is not exactly representable
                    value = float(rng.choice([0.1, 0.3, 1 / 3, 2.2, -0.7]))
                    train[:, 0], test[:, 0] = value, value
                cases.append(Case(f"random data #{i}", (train, test)))
        return cases

    def produce(self, fn, case):
        got = fn(*case.args)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise CheckFailed("expected a pair (train_scaled, test_scaled): `return train_scaled, test_scaled`.")
        return tuple(np.asarray(g, dtype="float64") for g in got)

    def reference(self, train, test, ddof=0):
        train, test = np.asarray(train, "float64"), np.asarray(test, "float64")
        mean, std = train.mean(axis=0), train.std(axis=0, ddof=ddof)
        std = np.where(np.ptp(train, axis=0) == 0, 1.0, std)     # exactly constant: max == min
        return (train - mean) / std, (test - mean) / std

    def judge(self, got, case):
        want = self.reference(*case.args)
        for part, g, w in zip(("the scaled training set", "the scaled test set"), got, want):
            problem = compare_arrays(g, w, self.rtol, self.atol, what=part)
            if problem:
                sample = self.reference(*case.args, ddof=1)
                if len(case.args[0]) > 1 and all(compare_arrays(a, b, self.rtol, self.atol) is None for a, b in zip(got, sample)):
                    return (problem + " It matches scaling by the sample standard deviation (ddof=1, pandas' "
                            "default): use the population std, ddof=0 (NumPy's default, as StandardScaler does).")
                return problem
        return None


RAW_COLUMNS = ["date", "precipitation", "wind"]       # what the features may be computed from


def _plain(df):
    """A DataFrame as plain arrays (what crosses from learner code to the judge)."""
    return {"index": np.asarray(df.index), "columns": {str(c): np.asarray(df[c], "float64") for c in df.columns}}


def validation_mae(features, target, fit_rows, score_rows):
    """MAE (deg C) of a LinearRegression on standardized features: fit on fit_rows, scored on score_rows."""
    from sklearn.linear_model import LinearRegression

    x = np.asarray(features, "float64")
    mean, std = x[fit_rows].mean(axis=0), x[fit_rows].std(axis=0)
    std = np.where(np.ptp(x[fit_rows], axis=0) == 0, 1.0, std)
    x = (x - mean) / std
    model = LinearRegression().fit(x[fit_rows], target[fit_rows])
    return float(np.abs(model.predict(x[score_rows]) - target[score_rows]).mean())


class WeatherFeatures(Exercise):
    """A design exercise: any features that let a linear model reach the bar on a validation year."""
    number, title = 2, "weather_features"
    max_mae, max_columns = 3.2, 12
    hint = ("The linear model can only make the temperature rise or fall steadily with the day number. "
            "Find numbers, computed from the date, that are close for days of the year with similar weather, "
            "including December 31 and January 1.")

    def cases(self, rng=None):
        from .. import data

        df = data.seattle_weather()
        df = df[df["date"].dt.year <= 2014][RAW_COLUMNS]      # no temperatures; 2015 stays the test year
        def shuffled(r):                                      # rows shuffled, index renumbered
            out = df.iloc[r.permutation(len(df))].copy()
            out.index = 5000 + r.permutation(len(df))
            return out

        hint = "Compute each row's features from that row's own values (its date), and keep the input's index."
        cases = [Case("2012-2013 to fit, 2014 to score", (df.copy(),)),
                 Case("the same days in a shuffled order, with another index", (shuffled(np.random.default_rng(0)),), hint=hint)]
        if rng is not None:
            cases.append(Case("the same days in another shuffled order", (shuffled(rng),), hint=hint))
        return cases

    def produce(self, fn, case):
        import pandas as pd

        try:
            got = fn(*case.args)
        except KeyError as e:
            raise CheckFailed(f"your code asked for the column {e}, which the input does not have: the features "
                              f"may use only {RAW_COLUMNS} (the temperatures are the target).") from None
        if got is None:
            raise CheckFailed("your function returned None. Did you forget `return`?")
        if not isinstance(got, pd.DataFrame):
            raise CheckFailed(f"expected a pandas DataFrame, got a {type(got).__name__}.")
        if list(case.args[0].columns) != RAW_COLUMNS:
            raise CheckFailed("your function changed its input in place (it added or removed columns of df); "
                              "build a new DataFrame instead.")
        not_numeric = [c for c in got.columns if not pd.api.types.is_numeric_dtype(got[c])]
        if not_numeric:
            raise CheckFailed(f"column '{not_numeric[0]}' holds {got[not_numeric[0]].dtype} values, not numbers: "
                              "return only numeric features (not the date itself).")
        try:
            plain = _plain(got)
        except (TypeError, ValueError):
            raise CheckFailed("every column of the result should hold numbers.") from None
        # Each row's features come from that row alone: the same rows in reverse order must get the
        # same features (a lag, a rolling mean or a row position would not).
        df = case.args[0]
        if not np.array_equal(np.asarray(got.index), np.asarray(df.index)):
            return plain                  # the judge reports the lost index
        again = fn(df.iloc[::-1].copy())
        if isinstance(again, pd.DataFrame) and not np.array_equal(np.asarray(again.index), np.asarray(df.index[::-1])):
            raise CheckFailed("for the same days in reverse order, the result's index (rows) differs from the input's: "
                              "build it with index=df.index.")
        same = isinstance(again, pd.DataFrame) and list(again.columns) == list(got.columns) and again.index.is_unique
        if same and got.index.is_unique:
            again = again.reindex(got.index)
            same = all(np.allclose(np.asarray(again[c], "float64"), plain["columns"][str(c)], rtol=1e-9, atol=1e-9,
                                   equal_nan=True) for c in got.columns)
        if not same:
            raise CheckFailed("the same days in reverse order got different features: a feature depends on the order "
                              "of the rows or on other rows (a lag such as .shift(), a rolling mean, a row number). "
                              "Compute each row's features from that row's own date, precipitation and wind.")
        return plain

    def reference(self, df):
        """The course's answer: the day on a circle, plus rain and wind."""
        import pandas as pd

        angle = 2 * np.pi * df["date"].dt.day_of_year.to_numpy() / 365.25
        p = df["precipitation"].to_numpy()
        return pd.DataFrame({
            "season_sin": np.sin(angle), "season_cos": np.cos(angle), "log_precip": np.log1p(p),
            "rainy": (p > 0).astype("float64"), "wind_kmh": df["wind"].to_numpy() * 3.6}, index=df.index)

    def judge(self, got, case):
        from .. import data

        df = case.args[0]
        columns = got["columns"]
        if not columns:
            return "the DataFrame has no columns."
        if len(columns) > self.max_columns:
            return (f"{len(columns)} columns: use at most {self.max_columns}, a few well-chosen features "
                    "rather than one column per day.")
        if len(got["index"]) != len(df) or not np.array_equal(got["index"], np.asarray(df.index)):
            return "the result's index (rows) differs from the input's: build it with index=df.index."
        x = np.column_stack(list(columns.values()))
        bad = [name for name, col in columns.items() if not np.isfinite(col).all()]
        if bad:
            return f"column '{bad[0]}' contains nan or inf (log of 0? division by 0?)."
        weather = data.seattle_weather().set_index("date")["temp_max"]
        target = weather.loc[df["date"]].to_numpy()
        year = df["date"].dt.year.to_numpy()
        mae = validation_mae(x, target, year <= 2013, year == 2014)
        if mae > self.max_mae:
            return (f"with your {len(columns)} feature(s), the linear model's validation MAE is {mae:.2f} \u00b0C; "
                    f"the bar is {self.max_mae} \u00b0C.")
        return None

    def pass_line(self, cases):
        return f"your features bring the linear model's validation MAE (2014) to at most {self.max_mae} \u00b0C."


class ImageClassifier(Exercise):
    number, title = 3, "build_image_classifier"
    trains_a_model = True
    hint = ("Start from keras.Input(shape=(28, 28, 1)), flatten or convolve, and end with 10 outputs: "
            "either Dense(10, activation='softmax') with loss='sparse_categorical_crossentropy', or "
            "Dense(10) (logits) with keras.losses.SparseCategoricalCrossentropy(from_logits=True).")
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
        output_head(model)          # softmax + loss on probabilities, or logits + from_logits=True
        model.fit(x, y, epochs=self.epochs, batch_size=64, verbose=0)
        try:
            learning_rate = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
        except Exception:
            learning_rate = 1.0
        return {"probabilities": probabilities(model, xt.astype("float32")),
                "optimizer": type(model.optimizer).__name__, "learning_rate": learning_rate}

    def judge(self, got, case):
        if not isinstance(got, dict) or "probabilities" not in got:
            return "the check could not read your model's predictions."
        probs = np.asarray(got["probabilities"], "float64")
        yt = case.kwargs["data"][3]
        if probs.shape != (len(yt), 10):
            return f"the predictions have shape {probs.shape}, expected one row of 10 per test image."
        if not np.isfinite(probs).all():
            return "the model predicts nan: training diverged (is the learning rate too high, or the loss wrong?)."
        if probs.min() < -1e-6 or not np.allclose(probs.sum(1), 1, atol=1e-3):
            return ("the outputs are not probabilities (each row should be >= 0 and sum to 1): for 10 classes "
                    "end in softmax (not sigmoid), or in logits with from_logits=True.")
        acc = float((probs.argmax(1) == yt).mean())
        if acc < self.min_accuracy:
            slow = got.get("optimizer") == "SGD" and got.get("learning_rate", 1.0) < 0.05
            return (f"test accuracy {acc:.2f} is below {self.min_accuracy} after {self.epochs} epochs."
                    + (" Plain SGD at learning rate 0.01 learns too slowly for so few steps: use optimizer='adam'."
                       if slow else ""))
        return None

    def pass_line(self, cases):
        return f"the model trains and reaches test accuracy >= {self.min_accuracy}."


EXERCISES = [Standardize(), WeatherFeatures(), ImageClassifier()]
globals().update(exercises(*EXERCISES))
