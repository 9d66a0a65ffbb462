"""The autograder against hostile submissions: each gets a correct, bounded verdict in bounded
time, and a correct answer is never penalised for noise."""
import json
import subprocess
import sys
import time

import nbformat
import pytest

from dlbasics import build
from dlbasics.checks import lesson
from dlbasics.grade.grader import Limits, grade_submission
from grading import FAST, LESSON_FILES, by_number, solution_source, submission


# Lesson 02 is the quickest to grade. FN in a hostile cell stands for exercise 1's function name.
TITLES = {ex.number: ex.title for ex in lesson("02").EXERCISES}
GOOD = {n: solution_source("02", n) for n in TITLES}


def grade_02(tmp_path, ex1_source, limits=FAST, **kw):
    return grade_02_cells(tmp_path, {1: ex1_source}, limits, **kw)


def grade_02_cells(tmp_path, sources, limits=FAST, **kw):
    """Lesson 02 with some exercise cells replaced ({exercise: source}, FN = that exercise's name)."""
    answers = {**GOOD, **{n: src.replace("FN", TITLES[n]) for n, src in sources.items()}}
    return grade_submission(submission(tmp_path, "02", answers, **kw), limits=limits)


def test_stderr_warnings_do_not_cost_marks(tmp_path):
    noisy = "import sys, warnings\nwarnings.warn('careful')\nprint('debug', file=sys.stderr)\n" + GOOD[1]
    result = grade_02(tmp_path, noisy)
    assert result["score"] == result["max_score"] > 0


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


def test_reading_the_solutions_or_tests_fails(tmp_path):
    steal = (f"import nbformat\nnb = nbformat.read({str(build.ROOT / 'solutions' / LESSON_FILES['02'])!r}, 4)\n"
             "exec([c.source for c in nb.cells if c.metadata.get('dlbasics', {}).get('exercise') == 1][0])")
    result = grade_02(tmp_path, steal)
    assert by_number(result)[1]["points"] == 0
    assert "No such file" in by_number(result)[1]["message"]


def test_the_answer_key_is_out_of_reach(tmp_path):
    peek = ("import inspect, dlbasics.checks.lesson02 as key\n"
            "FN = lambda *a, **k: key.EXERCISES[0].reference(*a, **k)")
    read = f"open({str(build.ROOT / 'dlbasics' / 'checks' / 'lesson02.py')!r}).read()\n" + GOOD[3]
    ex = by_number(grade_02_cells(tmp_path, {1: peek, 3: read}))
    assert ex[1]["points"] == 0 and ex[3]["points"] == 0, ex


def test_a_duplicated_exercise_cell_does_not_replace_the_original(tmp_path):
    def duplicate(nb):
        cell = next(c for c in nb.cells if build.role(c).get("exercise") == 1)
        copy = nbformat.v4.new_code_cell(f"def {TITLES[1]}(x, *rest, **kw):\n    return 0 * x")
        nb.cells.insert(nb.cells.index(cell) + 1, copy)   # Jupyter gives a copy a new id

    result = grade_submission(submission(tmp_path, "02", GOOD, edit=duplicate), limits=FAST)
    assert result["score"] == result["max_score"] and by_number(result)[1]["found_by"] == "cell id"


def test_network_is_blocked(tmp_path):
    # TEST-NET-1 (192.0.2.1) routes nowhere; inside the sandbox there is no interface but loopback
    call = "import socket\nsocket.create_connection(('192.0.2.1', 80), timeout=5)\n" + GOOD[1]
    result = grade_02(tmp_path, call)
    ex = by_number(result)[1]
    assert ex["points"] == 0 and "Network is unreachable" in ex["message"], ex


def test_endless_loop_that_ignores_interrupts_times_out(tmp_path):
    loop = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass"
    start = time.perf_counter()
    # A short limit keeps the suite quick: exercise 2's answer needs well under a second, and the
    # clock starts after the imports (grader.py), so 6 s is ample even on a loaded machine.
    result = grade_02(tmp_path, loop, limits=Limits(timeout=6))
    assert by_number(result)[1]["status"] == "timeout" and result["status"] == "timeout"
    assert by_number(result)[2]["points"] == by_number(result)[2]["max_points"]
    assert time.perf_counter() - start < 90


def test_edits_outside_exercise_cells_are_ignored(tmp_path):
    def vandalise(nb):
        for cell in nb.cells:
            if build.role(cell).get("check") or cell.id == "setup":
                cell.source = "raise SystemExit('gone')"
        nb.cells.reverse()                                # reordered
        nb.cells.append(nbformat.v4.new_code_cell("import os; os._exit(1)"))
        nb.metadata["kernelspec"] = {"name": "evil"}

    result = grade_submission(submission(tmp_path, "02", GOOD, edit=vandalise), limits=FAST)
    assert result["score"] == result["max_score"]


def test_deleted_exercise_cell_is_reported_missing(tmp_path):
    def delete(nb):
        nb.cells = [c for c in nb.cells if build.role(c).get("exercise") != 2]

    result = grade_submission(submission(tmp_path, "02", GOOD, edit=delete), limits=FAST)
    assert by_number(result)[2]["status"] == "missing"
    assert result["score"] == result["max_score"] - by_number(result)[2]["max_points"]


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


def test_class_folder_gradebook_feedback_and_resume(tmp_path):
    klass, out = tmp_path / "class", tmp_path / "grades"
    klass.mkdir()
    submission(klass, "02", GOOD, name="ada.ipynb")
    submission(klass, "02", {1: GOOD[1]}, name="bob.ipynb")
    (klass / "eve.ipynb").write_text("{broken")
    cmd = [sys.executable, "-m", "dlbasics.cli", "grade", str(klass), "--out", str(out), "-j", "2", "-q"]
    first = subprocess.run(cmd, capture_output=True, text=True)
    assert first.returncode == 1, first.stderr                     # not everyone has full marks
    rows = (out / "gradebook.csv").read_text().splitlines()
    assert rows[0] == "student,lesson,status," + ",".join(f"ex{n} {t}" for n, t in TITLES.items()) + ",total,max,sandbox"
    points = [by_number(json.loads((out / "ada.json").read_text()))[n]["max_points"] for n in TITLES]
    full, total = ",".join(map(str, points)), sum(points)
    bob = ",".join(str(p if n == 1 else 0) for n, p in zip(TITLES, points))
    assert rows[1].startswith(f"ada,02,graded,{full},{total},{total},bubblewrap ")
    assert rows[2].startswith(f"bob,02,graded,{bob},{points[0]},{total},bubblewrap ")
    assert rows[3].startswith("eve,,invalid")
    feedback = (out / "bob.feedback.md").read_text()
    assert f"{points[0]} / {total} points" in feedback and "not implemented" in feedback
    result = json.loads((out / "ada.json").read_text())
    assert result["schema"] == "dlbasics-grade/1" and "keras" in result["versions"]
    start = time.perf_counter()
    again = subprocess.run(cmd, capture_output=True, text=True)      # resumes: nothing to regrade
    assert again.returncode == 1 and time.perf_counter() - start < 30
    assert (out / "gradebook.csv").read_text().splitlines() == rows
