"""The suite's one-execution proof of a lesson and its solution (conftest.py) fails when it should.

Three tiny notebooks without TensorFlow, run by the suite's own collector in a child pytest:
a correct one passes; one whose later cell needs an exercise fails at that cell (a stuck learner
could not run it); one whose solution is wrong fails at its check; one whose checked output
changed fails at that cell.
"""
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from dlbasics import build

ROOT = Path(__file__).resolve().parent.parent

CHECK = "def exercise(fn):\n    assert fn(2) == 4, 'not yet: double(2) should be 4'\n    print('correct')\n"


def _notebook(later="print(len('abc'))", answer="return 2 * x", checked_output="3\n"):
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_markdown_cell("# 99 · Tiny\n\n**Prerequisites:** none. **Time:** 1 minute."),
             nbformat.v4.new_code_cell(CHECK)]
    for n in (1, 2, 3):
        ex = nbformat.v4.new_code_cell(f"def double{n}(x):\n    ### BEGIN SOLUTION\n    {answer}\n    ### END SOLUTION")
        ex.metadata["dlbasics"] = {"exercise": n}
        ck = nbformat.v4.new_code_cell(f"exercise(double{n})")
        ck.metadata["dlbasics"] = {"check": n}
        cells += [ex, ck]
    tail = nbformat.v4.new_code_cell(later, metadata={"tags": ["nbval-check-output"]})
    tail.outputs = [nbformat.v4.new_output("stream", name="stdout", text=checked_output)]
    tail.execution_count = 1
    nb.cells = cells + [tail]
    return nb


VARIANTS = {                      # name: (changes to the good notebook, the one step that must fail)
    "correct": ({}, None),
    "later_cell_needs_exercise": ({"later": "print(double1(2) - 1)"}, "Cell 8"),
    "wrong_solution": ({"answer": "return x + 1"}, "Cell 3 check 1 on the solution"),
    "checked_output_changed": ({"checked_output": "4\n"}, "Cell 8"),
}


def test_one_run_proves_lesson_and_solution(tmp_path):
    for folder in ("solutions", "lessons", "tests"):
        (tmp_path / folder).mkdir()
    (tmp_path / "tests" / "sanitize.cfg").write_text((ROOT / "tests" / "sanitize.cfg").read_text())
    for n, (name, (variant, _)) in enumerate(VARIANTS.items()):
        file = f"9{n}_{name}.ipynb"
        sol = _notebook(**variant)
        (tmp_path / "solutions" / file).write_text(build.dumps(sol))
        (tmp_path / "lessons" / file).write_text(build.dumps(build.lesson_from_solution(sol, file)))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "conftest", "-n", "0", "-q", "-rf",
                          "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), "solutions"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = run.stdout + run.stderr
    failed = [line for line in out.splitlines() if line.startswith("FAILED")]
    for n, (name, (_, step)) in enumerate(VARIANTS.items()):
        mine = [line.split("::")[1].split(" - ")[0] for line in failed if f"9{n}_{name}.ipynb::" in line]
        if step is None:
            assert not mine, out
        else:
            assert step in mine, out
    assert run.returncode == 1, out
