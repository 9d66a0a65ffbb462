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
def features_wind_divided(df):
    return _features(df, wind=1 / 3.6)


@wrong(2)
def features_added_to_input(df):
    for name, col in _features(df).items():
        df[name] = col
    return df


@wrong(2)
def features_reset_index(df):
    return _features(df).reset_index(drop=True)


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
