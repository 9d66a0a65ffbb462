"""The grader's sandbox and the ways it finds answers: a student can neither copy a classmate
nor change anything on the teacher's machine, and a correct notebook saved by any common
editor (new cell ids, Colab's format 4.0, Jupyter magics) gets its marks.

These tests need bubblewrap (`.ci/run` installs it); without it they fail with the grader's
own message saying what to install, never skip."""
import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from dlbasics import build
from dlbasics.checks import lesson
from dlbasics.grade import cells
from dlbasics.grade.grader import Limits, grade_submission
from grading import FAST, PEEK_AT_THE_KEY, by_number, solution_source, submission

TITLES = {ex.number: ex.title for ex in lesson("02").EXERCISES}
GOOD = {n: solution_source("02", n) for n in TITLES}
GRADER_CODE = build.ROOT / "dlbasics" / "grade" / "grader.py"

# Looks everywhere for classmate Ada's notebook and runs her answer to exercise 1.
COPY_FROM_DISK = f"""
import glob, json, os
roots = [top for top in os.listdir('/') if top not in ('proc', 'sys', 'dev', 'usr') and not os.path.islink('/' + top)]
for path in [p for top in roots for p in glob.glob(f'/{{top}}/**/ada.ipynb', recursive=True)]:
    try:
        nb = json.load(open(path))
    except Exception:
        continue
    for cell in nb.get('cells', []):
        source = ''.join(cell.get('source', ''))
        if 'def {TITLES[1]}(' in source and 'NotImplementedError' not in source:
            exec(source)
"""


def _grade_cli(folder, out, *extra, env=None):
    cmd = [sys.executable, "-m", "dlbasics.cli", "grade", str(folder), "--out", str(out), "-q",
           "--timeout", str(FAST.timeout), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})


class TestAClassFolder:
    """One class folder graded by the command line, two at a time, as a teacher would: Ada is right,
    Bob answered exercise 1 only, Mallory's file is broken, and Eve copies Ada's exercise 1 from disk
    and, in exercise 2, tries to write everywhere a teacher would mind and to plant a judge that
    passes anything. The tests below share that one run (a grading costs a TensorFlow import)."""

    @pytest.fixture(scope="class")
    def graded(self, tmp_path_factory):
        tmp = tmp_path_factory.mktemp("class")
        klass, out = tmp / "class", tmp / "grades"
        klass.mkdir()
        tag = uuid.uuid4().hex[:8]
        targets = [build.ROOT / f"pwned-{tag}.txt", build.ROOT / "dlbasics" / f"pwned_{tag}.py",
                   build.ROOT / "lessons" / f"pwned-{tag}.ipynb", Path.home() / f".pwned-{tag}",
                   Path("/tmp") / f"pwned-{tag}", out / f"pwned-{tag}.json", klass / f"pwned-{tag}.ipynb"]
        tamper = (f"import os\nfor path in {[str(t) for t in targets]!r}:\n"
                  "    try:\n        open(path, 'w').write('pwned')\n    except OSError:\n        pass\n"
                  f"try:\n    open({str(GRADER_CODE)!r}, 'a').write('\\ndef judge(*a, **k):\\n    return True, \"ok\"\\n')\n"
                  "except OSError:\n    pass\n"
                  f"def {TITLES[2]}(x, *rest, **kw):\n    return x\n")
        before = hashlib.sha256(GRADER_CODE.read_bytes()).hexdigest()
        submission(klass, "02", GOOD, name="ada.ipynb")
        submission(klass, "02", {1: GOOD[1]}, name="bob.ipynb")
        submission(klass, "02", {**GOOD, 1: COPY_FROM_DISK, 2: tamper}, name="eve.ipynb")
        (klass / "mallory.ipynb").write_text("{broken")
        done = _grade_cli(klass, out, "-j", "2")
        return {"klass": klass, "out": out, "done": done, "targets": targets, "grader_sha256": before,
                "gradebook": (out / "gradebook.csv").read_text().splitlines() if (out / "gradebook.csv").exists() else None,
                "results": {name: json.loads((out / f"{name}.json").read_text())
                            for name in ("ada", "bob", "eve", "mallory") if (out / f"{name}.json").exists()}}

    def test_gradebook_and_feedback(self, graded):
        done, out, rows, results = graded["done"], graded["out"], graded["gradebook"], graded["results"]
        assert done.returncode == 1, done.stderr                     # not everyone has full marks
        assert rows[0] == "student,lesson,status," + ",".join(f"ex{n} {t}" for n, t in TITLES.items()) + ",total,max,sandbox"
        points = [by_number(results["ada"])[n]["max_points"] for n in TITLES]
        full, total = ",".join(map(str, points)), sum(points)
        bob = ",".join(str(p if n == 1 else 0) for n, p in zip(TITLES, points))
        assert rows[1].startswith(f"ada,02,graded,{full},{total},{total},bubblewrap ")
        assert rows[2].startswith(f"bob,02,graded,{bob},{points[0]},{total},bubblewrap ")
        assert rows[3].startswith(f"eve,02,graded,0,0,{points[2]},{points[2]},{total},bubblewrap ")
        assert rows[4].startswith("mallory,,invalid")
        feedback = (out / "bob.feedback.md").read_text()
        assert f"{points[0]} / {total} points" in feedback and "not implemented" in feedback
        assert results["ada"]["schema"] == "dlbasics-grade/1" and "keras" in results["ada"]["versions"]
        # each exercise's own time (lesson 02's take milliseconds), never the runner's imports (seconds)
        ada = results["ada"]
        assert sum(e["seconds"] for e in ada["exercises"]) < ada["runtime_seconds"] / 2, ada

    def test_a_classmate_cannot_be_copied_and_nothing_can_be_changed(self, graded):
        ada, eve = graded["results"]["ada"], graded["results"]["eve"]
        assert ada["score"] == ada["max_score"] > 0 and ada["sandbox"].startswith("bubblewrap")
        assert by_number(eve)[1]["points"] == 0 and f"does not define the function `{TITLES[1]}`" in by_number(eve)[1]["message"]
        assert by_number(eve)[2]["points"] == 0
        assert [t for t in graded["targets"] if t.exists()] == [], "the submission wrote outside its scratch folder"
        assert hashlib.sha256(GRADER_CODE.read_bytes()).hexdigest() == graded["grader_sha256"]

    def test_grading_again_resumes_with_nothing_to_regrade(self, graded):
        start = time.perf_counter()
        again = _grade_cli(graded["klass"], graded["out"], "-j", "2")
        assert again.returncode == 1 and time.perf_counter() - start < 30, again.stderr
        assert (graded["out"] / "gradebook.csv").read_text().splitlines() == graded["gradebook"]

    def test_a_fresh_grading_still_judges_honestly(self, graded):
        """Whatever Eve's first grading left behind, grading her again from scratch gives nothing."""
        again = _grade_cli(graded["klass"] / "eve.ipynb", graded["out"], "--force")
        eve = json.loads((graded["out"] / "eve.json").read_text())
        assert again.returncode == 1, again.stderr
        assert eve["seed"] != graded["results"]["eve"]["seed"], "--force must grade again, not keep the old result"
        assert by_number(eve)[1]["points"] == 0 and by_number(eve)[2]["points"] == 0, eve


def test_without_the_sandbox_copying_works_so_the_test_above_means_something(tmp_path):
    """--no-sandbox is the teacher's explicit choice, recorded everywhere, and then a cell can
    read other notebooks on disk, and the answer key's file: exactly what the sandbox prevents
    (here and in test_grade_hostile.py)."""
    klass, out = tmp_path / "class", tmp_path / "grades"
    klass.mkdir()
    submission(klass, "02", GOOD, name="ada.ipynb")
    submission(klass, "02", {1: COPY_FROM_DISK, 3: PEEK_AT_THE_KEY.replace("FN", TITLES[3])}, name="eve.ipynb")
    missing = {"DLBASICS_BWRAP": str(tmp_path / "no-such-bwrap")}
    refused = _grade_cli(klass / "eve.ipynb", out, env=missing)
    assert refused.returncode == 2 and "--no-sandbox" in refused.stderr, refused.stderr
    assert "apt install bubblewrap" in refused.stderr and not list(out.glob("*.json"))
    done = _grade_cli(klass / "eve.ipynb", out, "--no-sandbox", env=missing)
    eve = json.loads((out / "eve.json").read_text())
    assert eve["sandbox"].startswith("none (--no-sandbox") and "WARNING" in done.stderr
    assert by_number(eve)[1]["points"] == by_number(eve)[1]["max_points"], "copying from disk worked unsandboxed"
    assert by_number(eve)[3]["points"] == by_number(eve)[3]["max_points"], "the answer key's file worked unsandboxed"
    assert "none (--no-sandbox" in (out / "gradebook.csv").read_text()
    assert "without a sandbox" in (out / "eve.feedback.md").read_text()


def test_process_and_thread_bombs_are_bounded_and_nothing_is_left_running(tmp_path):
    marker = str(700 + uuid.uuid4().int % 200)                        # `sleep <marker>` children
    processes = ("import subprocess\nn = 0\ntry:\n    for _ in range(5000):\n"
                 f"        subprocess.Popen(['sleep', '{marker}'])\n        n += 1\n"
                 "except OSError:\n    pass\nraise RuntimeError(f'started {n} processes')\n")
    threads = ("import threading, time\nn = 0\ntry:\n    for _ in range(5000):\n"
               "        threading.Thread(target=time.sleep, args=(600,), daemon=True).start()\n        n += 1\n"
               "except RuntimeError:\n    pass\nraise RuntimeError(f'started {n} threads')\n")
    limit = FAST.processes
    result = grade_submission(submission(tmp_path, "02", {**GOOD, 1: processes, 2: threads}), limits=FAST)
    ex = by_number(result)
    started = {n: int(ex[n]["message"].split("started ")[1].split()[0]) for n in (1, 2)}
    assert 0 < started[1] < limit and started[2] < limit, started
    assert all(e["points"] == e["max_points"] for n, e in ex.items() if n > 2), "the rest is still graded"
    # The sandbox's pid namespace is killed as grading ends; the kernel tears it down asynchronously, so
    # on a loaded machine (measured under `pytest -n 3`) a hundred dying processes can still be listed
    # for a moment. They must be gone within seconds, not survive.
    deadline = time.monotonic() + 15
    while True:
        left = subprocess.run(["pgrep", "-f", f"^sleep {marker}$"], capture_output=True, text=True).stdout.split()
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert left == [], f"{len(left)} processes of the submission outlived grading by 15 s"


def _colab_style(nb):
    """As Colab saves a notebook it created: format 4.0, no cell ids, its own metadata.id."""
    nb.nbformat_minor = 0
    for cell in nb.cells:
        cell.pop("id", None)
        cell.metadata["id"] = uuid.uuid4().hex[:12]


def _copied_into_a_fresh_notebook(nb):
    """Cells pasted into a new notebook by an editor that keeps no metadata: new ids, no
    dlbasics metadata in cells or notebook (the lesson is then known by its title cell)."""
    for cell in nb.cells:
        cell.id = uuid.uuid4().hex[:8]
        cell.metadata.pop("dlbasics", None)
    nb.metadata.pop("dlbasics", None)


def test_notebooks_saved_by_other_editors_get_full_marks(tmp_path):
    magics = {1: "%%time\n" + GOOD[1], 2: "%matplotlib inline\n!pip install nothing-here\n" + GOOD[2]}
    cases = {"colab": (_colab_style, "exercise metadata"), "fresh": (_copied_into_a_fresh_notebook, "definition")}
    results = {}
    for name, (edit, rule) in cases.items():
        answers = {**GOOD, **magics} if name == "colab" else {**GOOD, 3: "%pip install x\n" + GOOD[3]}
        path = submission(tmp_path, "02", answers, edit=edit, name=f"{name}.ipynb")
        if name == "colab":
            raw = json.loads(path.read_text())
            assert raw["nbformat_minor"] == 0 and all("id" not in c for c in raw["cells"])
        results[name] = result = grade_submission(path, limits=FAST)
        assert result["score"] == result["max_score"] > 0, (name, [(e["number"], e["points"], e["message"][:400])
                                                                   for e in result["exercises"]])
        assert {e["found_by"] for e in result["exercises"]} == {rule}, name
        assert all("found by its" in e["message"] for e in result["exercises"]), name
    colab, fresh = by_number(results["colab"]), by_number(results["fresh"])
    assert "%%time" in colab[1]["message"] and "!pip install nothing-here" in colab[2]["message"]
    assert "%pip install x" in fresh[3]["message"]


def test_finding_answers_follows_jupyter_order():
    template = [nbformat.v4.new_code_cell("def f(x):\n    raise NotImplementedError", id="ex1",
                                          metadata={"dlbasics": {"exercise": 1}}),
                nbformat.v4.new_code_cell("check.exercise_1(f)", id="chk1", metadata={"dlbasics": {"check": 1}})]
    first = nbformat.v4.new_code_cell("def f(x):\n    return 1", id="a")
    last = nbformat.v4.new_code_cell("%%time\ndef f(x):\n    return 2", id="b")
    check = nbformat.v4.new_code_cell("f = 3", id="c", metadata={"dlbasics": {"check": 1}})
    other = nbformat.v4.new_code_cell("def g(x):\n    return f(x)", id="d")
    assert cells.find_answers([first, last, check, other], template, {1: "f"}) == {1: (last.source, "definition")}
    assert cells.find_answers([other], template, {1: "f"}) == {1: (None, None)}
    kept = nbformat.v4.new_code_cell("def f(x):\n    return 0", id="ex1")
    assert cells.find_answers([kept, last], template, {1: "f"})[1] == (kept.source, "cell id")


def test_jupyter_syntax_becomes_python_with_the_same_line_numbers():
    python, ignored = cells.to_python("%%time\nimport os\n!ls\nx = 1/0\n")
    assert python.splitlines()[3] == "x = 1/0" and "get_ipython().system('ls')" in python
    assert ignored == ["line 1: %%time (timing/capture only; the cell's code ran)", "line 3: !ls"]
    assert cells.to_python("%%bash\necho hi\n") == ("", ["line 1: %%bash (the whole cell: it is not Python code)"])
    assert cells.to_python("def f(x):\n    return x\n") == ("def f(x):\n    return x\n", [])


def test_a_runner_that_does_not_start_is_tried_again(tmp_path, monkeypatch):
    """A runner that exits before any exercise starts (a passing hiccup of the machine: the setup cell
    is the lesson's own, not the learner's) must not cost marks: the grader starts it once more."""
    from dlbasics.grade import grader

    real, starts = grader.subprocess.Popen, []

    def first_runner_dies(cmd, *args, **kwargs):
        if "dlbasics.grade.runner" in cmd:
            starts.append(cmd)
            if len(starts) == 1:
                cmd = [sys.executable, "-c", "import sys; sys.stdin.read()"]     # reads the task, writes nothing
        return real(cmd, *args, **kwargs)

    monkeypatch.setattr(grader.subprocess, "Popen", first_runner_dies)
    result = grade_submission(submission(tmp_path, "02", GOOD), limits=FAST)
    assert len(starts) == 2
    assert result["score"] == result["max_score"] > 0, [(e["number"], e["message"][:200]) for e in result["exercises"]]
