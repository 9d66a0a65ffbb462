"""Reading the course's notebooks: which cell is the setup, which holds exercise N, and running
an exercise cell on its own (what the tests and the grader do with a learner's answer)."""
from pathlib import Path

import nbformat

from .build import role


def read(path):
    return nbformat.read(Path(path), as_version=4)


def setup_cell(nb):
    """The first code cell: imports and `dlbasics.setup()`, all an exercise may rely on. (In a
    lesson, the Colab/Kaggle install cell the build puts before it is not the setup.)"""
    return next(c for c in nb.cells if c.cell_type == "code" and not role(c).get("platform"))


def exercise_cell(nb, number: int):
    for cell in nb.cells:
        if cell.cell_type == "code" and role(cell).get("exercise") == number:
            return cell
    raise KeyError(f"no cell with exercise {number}")


def run_exercise(path, number: int) -> dict:
    """Execute the setup cell, then exercise `number`'s cell; return the resulting namespace."""
    nb = read(path)
    namespace = {"__name__": "__exercise__"}
    for cell in (setup_cell(nb), exercise_cell(nb, number)):
        exec(compile(cell.source, f"{Path(path).name}#{cell.id}", "exec"), namespace)
    return namespace
