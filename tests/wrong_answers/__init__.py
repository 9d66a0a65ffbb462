"""Plausible mistakes, at least two per exercise, one module per lesson (lessonNN.py).

Every check must reject every one of them (tests/test_checks.py) and the autograder must take
the exercise's points for each (tests/test_grade_lessons.py). A module imports nothing from
dlbasics and nothing from here but `_registry` (`WRONG, wrong = registry()`): the grader tests
paste its source, with the registry's in place of that import, into a learner's cell and run it
in the grading sandbox.
"""
import importlib
import pkgutil

WRONG = {}      # (lesson "NN", exercise number) -> [wrong implementations]
MODULES = {}    # lesson "NN" -> module

for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if info.name.startswith("lesson"):
        module = importlib.import_module(f"{__name__}.{info.name}")
        MODULES[info.name[6:]] = module
        for number, fns in module.WRONG.items():
            WRONG[(info.name[6:], number)] = fns
