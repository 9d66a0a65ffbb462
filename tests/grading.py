"""Helpers for the grader tests: submissions made from the course's own lessons."""
import inspect

import nbformat

from dlbasics import build
from wrong_answers import _registry
from dlbasics.grade.grader import Limits

LESSON_FILES = {p.name[:2]: p.name for p in build.solution_paths()}
FAST = Limits(timeout=60)
REGISTRY_IMPORT = "from ._registry import registry\n"

# Two ways to the answer key: import the module (the runner holds one, its references removed), or
# read its file and run it. Without the sandbox the file works and earns full marks
# (test_grade_sandbox.py proves it), so 0 points in the sandbox is the sandbox's doing. FN: the
# function's name (lesson 02's exercise 3, `log_sigmoid`).
KEY_FILE = build.ROOT / "dlbasics" / "checks" / "lesson02.py"
PEEK_AT_THE_KEY = f"""
import types

def by_import():
    import dlbasics.checks.lesson02 as key        # the runner holds it, with its references removed
    return key

def from_its_file():
    key = types.ModuleType("dlbasics.checks.lesson02")
    key.__package__ = "dlbasics.checks"
    exec(open({str(KEY_FILE)!r}).read(), key.__dict__)
    return key

for way in (by_import, from_its_file):
    try:
        reference = way().EXERCISES[2].reference
    except Exception as e:
        print(way.__name__, "failed:", e)
        continue
    if callable(reference):
        FN = reference
        break
"""


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


def seeded(exercise):
    """Whether the exercise's cases carry a seed (every check that trains a model, and a few more):
    a correct answer must pass whatever seed the grader picks."""
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


