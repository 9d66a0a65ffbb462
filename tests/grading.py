"""Helpers for the grader tests: submissions made from the course's own lessons."""
import inspect

import nbformat

from dlbasics import build
from wrong_answers import _registry
from dlbasics.grade.grader import Limits

LESSON_FILES = {p.name[:2]: p.name for p in build.solution_paths()}
FAST = Limits(timeout=60)
REGISTRY_IMPORT = "from ._registry import registry\n"


def submission(tmp_path, number, answers=None, edit=None, name="student.ipynb"):
    """A copy of lessons/NN with some exercise cells answered (answers: {exercise: source})."""
    nb = nbformat.read(build.ROOT / "lessons" / LESSON_FILES[number], 4)
    for cell in nb.cells:
        n = build.role(cell).get("exercise")
        if answers and n in answers:
            cell.source = answers[n]
    if edit:
        edit(nb)
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def trains(exercise):
    """Whether the exercise's check trains a model (its cases carry a seed): the expensive ones."""
    return any("seed" in case.kwargs for case in exercise.cases()) if hasattr(exercise, "cases") else False


def solution_source(number, exercise):
    nb = nbformat.read(build.ROOT / "solutions" / LESSON_FILES[number], 4)
    return next(c.source for c in nb.cells if build.role(c).get("exercise") == exercise)


def wrong_source(fn, title):
    """A cell that defines the wrong implementation `fn` under the exercise's name: its lesson's
    module, with the registry's source pasted in place of the import (no package in the sandbox)."""
    module = inspect.getsource(inspect.getmodule(fn))
    assert REGISTRY_IMPORT in module, f"{fn.__module__} must import the registry as its siblings do"
    return module.replace(REGISTRY_IMPORT, inspect.getsource(_registry)) + f"\n{title} = {fn.__name__}\n"


def by_number(result):
    return {e["number"]: e for e in result["exercises"]}


