"""Plausible mistakes, at least two per exercise, one module per lesson (lessonNN.py).

Every check must reject every one of them (tests/test_checks.py) and the autograder must take
the exercise's points for each (tests/test_grade_lessons.py). Each module is self-contained --
it defines its own `WRONG` and `wrong(number)` and imports nothing from dlbasics -- because the
grader tests paste a module's source into a learner's cell and run it in the grading sandbox.
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
