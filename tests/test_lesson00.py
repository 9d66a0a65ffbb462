"""Lesson 00: other correct implementations pass, also on the grader's randomized cases; both
output heads of the course's convention pass the model check, the mix-ups fail with a reason."""
import numpy as np
import pytest

from dlbasics.checks import lesson
from dlbasics.checks.core import CheckFailed


def _check_everywhere(ex, fn):
    ex.check(fn, quiet=True)
    fixed = len(ex.cases())
    for seed in range(3):
        ex.check(fn, cases=ex.cases(np.random.default_rng(seed))[fixed:], quiet=True)


def test_alternative_standardize_implementations_pass():
    import pandas as pd
    from sklearn.preprocessing import StandardScaler

    ex = lesson("00").EXERCISES[0]

    def with_epsilon(train, test):             # the common `std + 1e-8` idiom
        train, test = np.asarray(train, float), np.asarray(test, float)
        m, s = train.mean(0), train.std(0) + 1e-8
        return (train - m) / s, (test - m) / s

    def with_isclose(train, test):
        train, test = np.asarray(train, float), np.asarray(test, float)
        m, s = train.mean(0), train.std(0)
        s = np.where(np.isclose(s, 0), 1.0, s)
        return (train - m) / s, (test - m) / s

    def with_pandas_ddof0(train, test):
        train, test = pd.DataFrame(train, dtype=float), pd.DataFrame(test, dtype=float)
        m, s = train.mean(), train.std(ddof=0)
        s = s.where(train.max() != train.min(), 1.0)
        return ((train - m) / s).to_numpy(), ((test - m) / s).to_numpy()

    def with_sklearn(train, test):
        scaler = StandardScaler().fit(train)
        return scaler.transform(train), scaler.transform(test)

    for fn in (with_epsilon, with_isclose, with_pandas_ddof0, with_sklearn):
        _check_everywhere(ex, fn)


def test_other_feature_designs_pass():
    import pandas as pd

    ex = lesson("00").EXERCISES[1]

    def harmonics(df):
        day = df["date"].dt.day_of_year.to_numpy()
        cols = {f"{f.__name__}{k}": f(2 * np.pi * k * day / 365.25) for k in (1, 2) for f in (np.sin, np.cos)}
        cols["rain"] = np.log1p(df["precipitation"].to_numpy())
        return pd.DataFrame(cols, index=df.index)

    def month_one_hot(df):
        return pd.get_dummies(df["date"].dt.month, prefix="month").astype(float).set_index(df.index)

    def distance_from_summer(df):
        return pd.DataFrame({"from_summer": (df["date"].dt.day_of_year - 200).abs()}, index=df.index)

    for fn in (harmonics, month_one_hot, distance_from_summer):
        _check_everywhere(ex, fn)


def _compiled(head_layers, loss):
    import keras
    from keras import layers

    inputs = keras.Input((28, 28, 1))
    h = layers.Dense(64, activation="relu")(layers.Flatten()(inputs))
    for layer in head_layers:
        h = layer(h)
    model = keras.Model(inputs, h)
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    return model


def test_both_output_heads_pass_and_mixups_fail():
    import keras
    from keras import layers

    l00 = lesson("00")
    logits = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    l00.exercise_3(lambda: _compiled([layers.Dense(10)], logits))                               # logits head
    l00.exercise_3(lambda: _compiled([layers.Dense(10), layers.Softmax()], "sparse_categorical_crossentropy"))
    with pytest.raises(CheckFailed, match="second time"):
        l00.exercise_3(lambda: _compiled([layers.Dense(10), layers.Activation("softmax")], logits))
    with pytest.raises(CheckFailed, match="raw scores"):
        l00.exercise_3(lambda: _compiled([layers.Dense(10)], "sparse_categorical_crossentropy"))
