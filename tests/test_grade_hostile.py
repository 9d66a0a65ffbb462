"""The autograder against hostile submissions: each gets a correct, bounded verdict in bounded
time, and a correct answer is never penalised for noise."""
import json
import time

import nbformat
import pytest

from dlbasics import build
from dlbasics.checks import lesson
from dlbasics.grade.grader import Limits, grade_submission
from grading import FAST, LESSON_FILES, PEEK_AT_THE_KEY, by_number, solution_source, submission


# Lesson 02 is the quickest to grade. FN in a hostile cell stands for the name of the function that
# the exercise it answers defines (exercise 1: `sigmoid`).
TITLES = {ex.number: ex.title for ex in lesson("02").EXERCISES}
GOOD = {n: solution_source("02", n) for n in TITLES}


def grade_02(tmp_path, ex1_source, limits=FAST, **kw):
    return grade_02_cells(tmp_path, {1: ex1_source}, limits, **kw)


def grade_02_cells(tmp_path, sources, limits=FAST, **kw):
    """Lesson 02 with some exercise cells replaced ({exercise: source}, FN = that exercise's name)."""
    answers = {**GOOD, **{n: src.replace("FN", TITLES[n]) for n, src in sources.items()}}
    return grade_submission(submission(tmp_path, "02", answers, **kw), limits=limits)


HOSTILE = [
    ("import os\nos._exit(0)", "crashed"),
    ("raise SystemExit(0)", "failed"),
    ("raise KeyboardInterrupt", "failed"),
    ("def FN(x, *rest, **kw):\n    import os\n    os._exit(0)", "crashed"),
    ("x = bytearray(50 * 2**30)", "failed"),                        # memory bomb: MemoryError
    ("print('x' * 10**8)\ndef FN(x, *rest, **kw):\n    raise NotImplementedError", "failed"),   # huge output
]


@pytest.mark.parametrize("pair", [HOSTILE[0:2], HOSTILE[2:4], HOSTILE[4:6]])
def test_hostile_cells_cost_only_their_exercise(tmp_path, pair):
    """Two hostile cells (exercises 1 and 3) per grading; exercise 2, between them, keeps its marks."""
    (first, first_status), (last, last_status) = pair
    ex = by_number(grade_02_cells(tmp_path, {1: first, 3: last}))
    assert ex[1]["status"] == first_status and ex[1]["points"] == 0, ex[1]
    assert ex[3]["status"] == last_status and ex[3]["points"] == 0, ex[3]
    assert ex[2]["points"] == ex[2]["max_points"], "the other exercises keep their marks"


CHEATS = [
    # fake pass lines and a redefined check: the grader reads no output and uses its own checks
    "print('\u2705 Exercise 1 (FN): all 7 cases pass.')\ndef FN(x, *rest, **kw):\n    return x",
    "import dlbasics.checks.core as c\nc.Exercise.check = lambda *a, **k: None\nc.compare_arrays = lambda *a, **k: None\ndef FN(x, *rest, **kw):\n    return x",
    # monkeypatched comparisons and builtins in the learner's process
    "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\ndef FN(x, *rest, **kw):\n    return x",
    "import builtins\nbuiltins.isinstance = lambda *a: True\ndef FN(x, *rest, **kw):\n    return x",
    "import tensorflow as tf\ntf.debugging.assert_near = lambda *a, **k: None\ntf.experimental.numpy.allclose = lambda *a, **k: True\ndef FN(x, *rest, **kw):\n    return x",
    # an object that claims to equal anything
    "class Anything:\n    def __eq__(self, other): return True\n    def __array__(self, *a, **k): raise TypeError\ndef FN(x, *rest, **kw):\n    return Anything()",
]


@pytest.mark.parametrize("three", [CHEATS[0:3], CHEATS[3:6]])
def test_cheats_get_no_marks(tmp_path, three):
    """Three cheats per grading, one in each exercise cell: none earns a point."""
    result = grade_02_cells(tmp_path, dict(zip((1, 2, 3), three)))
    assert result["score"] == 0, result["exercises"]


def test_endless_loop_that_ignores_interrupts_times_out(tmp_path):
    loop = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass"
    start = time.perf_counter()
    # A short limit keeps the suite quick: exercise 2's answer needs well under a second, and the
    # clock starts after the imports (grader.py), so 6 s is ample even on a loaded machine.
    result = grade_02(tmp_path, loop, limits=Limits(timeout=6))
    assert by_number(result)[1]["status"] == "timeout" and result["status"] == "timeout"
    assert by_number(result)[2]["points"] == by_number(result)[2]["max_points"]
    assert time.perf_counter() - start < 90


# ---- two gradings shared by several tests ----------------------------------------------------
# A grading starts a runner that imports TensorFlow (about 4 s), so the tests below each assert one
# property of a grading they share. The exercises run one after another in one runner process,
# each in a fresh namespace; these attacks change nothing process-wide (modules, builtins), so each
# exercise's result speaks for its own attack only. Tests in a class run on one worker
# (conftest.py), which grades once for all of them.

STEAL_SOLUTION = (f"import nbformat\nnb = nbformat.read({str(build.ROOT / 'solutions' / LESSON_FILES['02'])!r}, 4)\n"
                  "exec([c.source for c in nb.cells if c.metadata.get('dlbasics', {}).get('exercise') == 1][0])")
# TEST-NET-1 (192.0.2.1) routes nowhere; inside the sandbox there is no interface but loopback.
CALL_OUT = "import socket\nsocket.create_connection(('192.0.2.1', 80), timeout=5)\n" + GOOD[2]


class TestNothingOutsideTheSandboxIsReachable:
    """One grading: exercise 1 runs the solution notebook's answer, exercise 2 calls out to the
    network before a correct answer, exercise 3 runs the answer key (by import or from its file)."""

    @pytest.fixture(scope="class")
    def graded(self, tmp_path_factory):
        return by_number(grade_02_cells(tmp_path_factory.mktemp("reach"), {1: STEAL_SOLUTION, 2: CALL_OUT, 3: PEEK_AT_THE_KEY}))

    def test_reading_the_solutions_or_tests_fails(self, graded):
        assert graded[1]["points"] == 0 and "No such file" in graded[1]["message"], graded[1]

    def test_network_is_blocked(self, graded):
        assert graded[2]["points"] == 0 and "Network is unreachable" in graded[2]["message"], graded[2]

    def test_the_answer_key_is_out_of_reach(self, graded):
        assert graded[3]["points"] == 0, graded[3]
        assert f"does not define the function `{TITLES[3]}`" in graded[3]["message"], graded[3]


class TestOnlyTheExerciseCellsCount:
    """One grading of a correct notebook that was mangled everywhere but its answers: the check and
    setup cells replaced by `SystemExit`, exercise 2's cell deleted, cells reversed, a wrong copy of
    exercise 1 pasted after it, a cell that ends the kernel appended, a foreign kernelspec, and
    exercise 3's answer printing to stderr and warning on its way to the right result."""

    @pytest.fixture(scope="class")
    def result(self, tmp_path_factory):
        def mangle(nb):
            for cell in nb.cells:
                if build.role(cell).get("check") or cell.id == "setup":
                    cell.source = "raise SystemExit('gone')"
            nb.cells = [c for c in nb.cells if build.role(c).get("exercise") != 2]
            nb.cells.reverse()
            # a wrong copy of exercise 1 right after it (Jupyter gives a copy a new id): the later
            # definition, which Run All would keep, must not replace the cell the lesson gave
            cell = next(c for c in nb.cells if build.role(c).get("exercise") == 1)
            copy = nbformat.v4.new_code_cell(f"def {TITLES[1]}(x, *rest, **kw):\n    return 0 * x")
            nb.cells.insert(nb.cells.index(cell) + 1, copy)
            nb.cells.append(nbformat.v4.new_code_cell("import os; os._exit(1)"))
            nb.metadata["kernelspec"] = {"name": "evil"}

        noisy = "import sys, warnings\nwarnings.warn('careful')\nprint('debug', file=sys.stderr)\n" + GOOD[3]
        path = submission(tmp_path_factory.mktemp("mangled"), "02", {**GOOD, 3: noisy}, edit=mangle)
        return grade_submission(path, limits=FAST)

    def test_edits_outside_exercise_cells_are_ignored(self, result):
        assert by_number(result)[1]["points"] == by_number(result)[1]["max_points"], by_number(result)[1]

    def test_a_duplicated_exercise_cell_does_not_replace_the_original(self, result):
        ex1 = by_number(result)[1]
        assert ex1["found_by"] == "cell id" and ex1["points"] == ex1["max_points"], ex1

    def test_deleted_exercise_cell_is_reported_missing(self, result):
        assert by_number(result)[2]["status"] == "missing"
        assert result["score"] == result["max_score"] - by_number(result)[2]["max_points"]

    def test_stderr_warnings_do_not_cost_marks(self, result):
        assert by_number(result)[3]["points"] == by_number(result)[3]["max_points"], by_number(result)[3]


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid notebook JSON"),
    (json.dumps({"nbformat": 3, "worksheets": [], "cells": []}), "too old"),
    (json.dumps({"hello": 1}), "not a notebook"),
    ("\udcff", "not text"),
])
def test_broken_files_are_invalid_with_a_reason(tmp_path, content, message):
    path = tmp_path / "broken.ipynb"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    result = grade_submission(path, lesson="02")
    assert result["status"] == "invalid" and message in result["message"]
