"""Instant checks, one module per lesson: `from dlbasics.checks import lesson02 as check`,
then `check.exercise_1(sigmoid)` after the exercise. Each module lists its `EXERCISES`
(definitions the autograder reuses) and exposes `exercise_N` for the notebook."""
import importlib


def lesson(number: str):
    """The check module of lesson `number` ("02" or 2)."""
    return importlib.import_module(f"{__name__}.lesson{int(number):02d}")
