"""Plausible mistakes for the exercises of lesson 00 (see tests/wrong_answers/__init__.py)."""
import keras
import numpy as np
import pandas as pd
from keras import layers

from ._registry import registry

WRONG, wrong = registry()


@wrong(1)
def standardize_test_with_own_stats(train, test):
    train, test = np.asarray(train, float), np.asarray(test, float)
    return (train - train.mean(0)) / train.std(0), (test - test.mean(0)) / test.std(0)


@wrong(1)
def standardize_with_pooled_stats(train, test):
    both = np.concatenate([train, test]).astype(float)
    m, s = both.mean(0), np.where(both.std(0) == 0, 1, both.std(0))
    return (train - m) / s, (test - m) / s


@wrong(1)
def standardize_rows_not_columns(train, test):
    train, test = np.asarray(train, float), np.asarray(test, float)
    m, s = train.mean(1, keepdims=True), train.std(1, keepdims=True)
    return (train - m) / s, (test - test.mean(1, keepdims=True)) / test.std(1, keepdims=True)


@wrong(1)
def standardize_std_exactly_zero_test(train, test):
    """The old course rule: np.std of a constant 0.1 column is 2.8e-17, not 0, so it turns into -1s."""
    train, test = np.asarray(train, float), np.asarray(test, float)
    m, s = train.mean(0), train.std(0)
    s = np.where(s == 0, 1.0, s)
    return (train - m) / s, (test - m) / s


@wrong(1)
def standardize_sample_std_like_pandas(train, test):
    train, test = pd.DataFrame(np.asarray(train, float)), pd.DataFrame(np.asarray(test, float))
    m, s = train.mean(), train.std().replace(0, 1.0)
    return ((train - m) / s).to_numpy(), ((test - m) / s).to_numpy()


@wrong(1)
def standardize_by_variance(train, test):
    train, test = np.asarray(train, float), np.asarray(test, float)
    m, v = train.mean(0), train.var(0)
    v = np.where(np.ptp(train, 0) == 0, 1.0, v)
    return (train - m) / v, (test - m) / v


@wrong(1)
def standardize_min_max(train, test):
    train, test = np.asarray(train, float), np.asarray(test, float)
    lo, span = train.min(0), np.ptp(train, 0)
    span = np.where(span == 0, 1.0, span)
    return (train - lo) / span, (test - lo) / span


@wrong(1)
def standardize_one_number_for_all_columns(train, test):
    train, test = np.asarray(train, float), np.asarray(test, float)
    return (train - train.mean()) / train.std(), (test - train.mean()) / train.std()


@wrong(1)
def standardize_in_place(train, test):
    m, s = train.mean(0), train.std(0)
    s = np.where(np.ptp(train, 0) == 0, 1.0, s)
    train -= m
    train /= s
    return train, (np.asarray(test, float) - m) / s


@wrong(1)
def standardize_test_with_train_mean_own_std(train, test):
    train, test = np.asarray(train, float), np.asarray(test, float)
    m = train.mean(0)
    s_train = np.where(np.ptp(train, 0) == 0, 1.0, train.std(0))
    s_test = np.where(np.ptp(test, 0) == 0, 1.0, test.std(0)) if len(test) > 1 else s_train
    return (train - m) / s_train, (test - m) / s_test


@wrong(1)
def standardize_constant_column_nan(train, test):
    train, test = np.asarray(train, float), np.asarray(test, float)
    m, s = train.mean(0), train.std(0)
    return (train - m) / s, (test - m) / s


def _features(df, angle_unit=2 * np.pi, day=None, log=np.log1p, rainy=lambda p: p > 0, wind=3.6):
    day = df["date"].dt.day_of_year if day is None else day(df)
    angle = angle_unit * day / 365.25
    return pd.DataFrame({"season_sin": np.sin(angle), "season_cos": np.cos(angle),
                         "log_precip": log(df["precipitation"]), "rainy": rainy(df["precipitation"]).astype(float),
                         "wind_kmh": df["wind"] * wind}, index=df.index)


@wrong(2)
def features_in_degrees(df):
    return _features(df, angle_unit=360)


@wrong(2)
def features_month_instead_of_day(df):
    return _features(df, day=lambda d: d["date"].dt.month)


@wrong(2)
def features_log_without_one(df):
    with np.errstate(divide="ignore"):
        return _features(df, log=np.log)


@wrong(2)
def features_added_to_input(df):
    for name, col in _features(df).items():
        df[name] = col
    return df


@wrong(2)
def features_reset_index(df):
    return _features(df).reset_index(drop=True)


@wrong(2)
def features_raw_columns(df):
    """The three raw measurements, unchanged: the linear model cannot bend the year."""
    return pd.DataFrame({"day": df["date"].dt.day_of_year, "precipitation": df["precipitation"],
                         "wind": df["wind"]}, index=df.index)


@wrong(2)
def features_day_and_its_square(df):
    d = df["date"].dt.day_of_year.astype(float)
    return pd.DataFrame({"day": d, "day_squared": d**2, "log_precip": np.log1p(df["precipitation"])}, index=df.index)


@wrong(2)
def features_sine_only(df):
    return _features(df).drop(columns="season_cos")


@wrong(2)
def features_one_column_per_day(df):
    return pd.get_dummies(df["date"].dt.day_of_year).astype(float).set_index(df.index)


@wrong(2)
def features_use_the_temperature(df):
    return pd.DataFrame({"yesterday": df["temp_max"].shift(1).fillna(10.0)}, index=df.index)


@wrong(2)
def features_season_from_row_position(df):
    """The season from the row's position instead of its date: right only while rows are in date order."""
    out = _features(df)
    position = np.arange(len(df))
    out["season_sin"], out["season_cos"] = np.sin(2 * np.pi * position / 365.25), np.cos(2 * np.pi * position / 365.25)
    return out


@wrong(2)
def features_with_yesterdays_rain(df):
    """Yesterday's rain as a feature: it reads another row, so it changes when the rows are reordered
    (the season features alone clear the bar, so the score cannot tell)."""
    out = _features(df)
    out["rain_yesterday"] = np.log1p(df["precipitation"].shift(1).fillna(0.0))
    return out


@wrong(2)
def features_keep_the_date(df):
    """The date column left in the result: not a numeric feature."""
    return _features(df).assign(date=df["date"])


@wrong(3)
def classifier_without_softmax(_=None):
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(64, activation="relu"), layers.Dense(10)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@wrong(3)
def classifier_one_output(_=None):
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


@wrong(3)
def classifier_not_compiled(_=None):
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(10, activation="softmax")])


@wrong(3)
def classifier_flat_input(_=None):
    model = keras.Sequential([keras.Input((784,)), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


@wrong(3)
def classifier_double_softmax(_=None):
    """A softmax head with from_logits=True: TensorFlow repairs it silently, other backends do not."""
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(64, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


@wrong(3)
def classifier_sigmoid_head(_=None):
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(64, activation="relu"),
                              layers.Dense(10, activation="sigmoid")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@wrong(3)
def classifier_plain_sgd(_=None):
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(128, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
