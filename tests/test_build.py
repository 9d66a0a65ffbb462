"""The authoring pipeline: solutions/ -> lessons/ (stubs, no leaks, stable ids, sync check)."""
import ast
import copy
import json
import shutil
import subprocess
import sys

import nbformat
import pytest

from dlbasics import build
from dlbasics.build import BEGIN, END, BuildError

SOLUTIONS = build.solution_paths()


def test_lessons_are_in_sync_with_solutions():
    result = subprocess.run([sys.executable, "-m", "dlbasics.cli", "build", "--check"],
                            capture_output=True, text=True, cwd=build.ROOT)
    assert result.returncode == 0, result.stderr


def test_same_notebooks_in_both_folders():
    lessons = sorted(p.name for p in (build.ROOT / "lessons").glob("*.ipynb"))
    assert lessons == [p.name for p in SOLUTIONS] and len(lessons) >= 3


def _without_platform_cell(cells):
    return [c for c in cells if c.id != build.PLATFORM_CELL_ID]


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_no_solution_text_leaks_into_the_lesson(path):
    sol, les = nbformat.read(path, 4), nbformat.read(build.ROOT / "lessons" / path.name, 4)
    for s_cell, l_cell in zip(sol.cells, _without_platform_cell(les.cells), strict=True):
        if build.role(s_cell).get("exercise"):
            hidden = s_cell.source.split(BEGIN, 1)[1].split(END, 1)[0]
            for line in hidden.splitlines():
                if len(line.strip()) > 3 and not line.strip().startswith("#"):  # not just ")" or "}"
                    assert line.strip() not in l_cell.source, f"{path.name} leaks: {line.strip()}"
    text = (build.ROOT / "lessons" / path.name).read_text()
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_lesson_structure(path):
    sol, les = nbformat.read(path, 4), nbformat.read(build.ROOT / "lessons" / path.name, 4)
    assert [c.id for c in sol.cells] == [c.id for c in _without_platform_cell(les.cells)], \
        "cell ids must match the solution's"
    assert les.cells[1].id == build.PLATFORM_CELL_ID, "the Colab/Kaggle cell comes right after the title"
    assert les.metadata["dlbasics"] == {"lesson": path.name[:2]}
    assert all(c.outputs == [] and c.execution_count is None for c in les.cells if c.cell_type == "code")
    assert all(c.execution_count is not None for c in sol.cells if c.cell_type == "code" and c.source.strip()), \
        "solutions are committed executed: run `make execute`"
    exercises = [c for c in les.cells if "exercise" in build.role(c)]
    checks = [c for c in les.cells if "check" in build.role(c)]
    assert len(exercises) >= 3 and len(checks) == len(exercises)
    for cell in exercises + checks:
        assert "raises-exception" in cell.metadata.get("tags", [])
    for cell in exercises:
        n = build.role(cell)["exercise"]
        assert "# YOUR CODE HERE" in cell.source
        assert cell.source.startswith(f"# \u270f\ufe0f Exercise {n} ({build.role(cell).get('points', 1)} point")
        assert f'raise NotImplementedError("Exercise {n}' in cell.source
    # each check cell comes after its exercise and calls its check
    order = {c.id: i for i, c in enumerate(les.cells)}
    for ex, ch in zip(sorted(exercises, key=lambda c: build.role(c)["exercise"]),
                      sorted(checks, key=lambda c: build.role(c)["check"])):
        assert order[ex.id] < order[ch.id]
        assert f"check.exercise_{build.role(ch)['check']}(" in ch.source


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_title_cell_states_objectives_prerequisites_and_time(path):
    first = nbformat.read(path, 4).cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    for word in ("You will learn", "Prerequisites", "Time"):
        assert word in first.source


def test_stub_keeps_signature_docstring_and_indentation():
    src = 'def f(x):\n    """Doc."""\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n'
    out = build.stub_source(src, 4, "t")
    assert out.splitlines() == ['def f(x):', '    """Doc."""', '    y = 1', '    # YOUR CODE HERE',
                                '    raise NotImplementedError("Exercise 4: replace this line with your code")']


def test_two_blocks_in_one_cell_become_two_stubs():
    src = "def a():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n\ndef b():\n    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION"
    assert build.stub_source(src, 1, "t").count("NotImplementedError") == 2


@pytest.mark.parametrize("src, message", [
    ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x = 1\n### END SOLUTION\n", "without"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "inside another"),
])
def test_broken_markers_are_named(src, message):
    with pytest.raises(BuildError, match=message):
        build.stub_source(src, 1, "solutions/x.ipynb, cell 3")


def _copy_repo(tmp_path):
    for folder in ("solutions", "lessons"):
        shutil.copytree(build.ROOT / folder, tmp_path / folder)
    return tmp_path


def test_build_is_idempotent_and_ids_stable(tmp_path):
    root = _copy_repo(tmp_path)
    before = {p.name: p.read_text() for p in (root / "lessons").glob("*.ipynb")}
    assert build.build(root) == []
    assert before == {p.name: p.read_text() for p in (root / "lessons").glob("*.ipynb")}


def test_check_names_the_stale_notebook(tmp_path):
    root = _copy_repo(tmp_path)
    path = sorted((root / "solutions").glob("*.ipynb"))[0]
    nb = nbformat.read(path, 4)
    nb.cells[0].source += "\n\nAn edit."
    nbformat.write(nb, path)
    problems = build.build(root, check=True)
    assert problems == [f"lessons/{path.name} is stale: run `dlbasics build`"]
    assert build.build(root) == [] and build.build(root, check=True) == []


def test_check_names_an_orphan_lesson(tmp_path):
    root = _copy_repo(tmp_path)
    shutil.copy(sorted((root / "lessons").glob("*.ipynb"))[0], root / "lessons" / "99_orphan.ipynb")
    assert "lessons/99_orphan.ipynb has no source solutions/99_orphan.ipynb" in build.build(root, check=True)


def test_exercise_without_metadata_is_rejected():
    nb = nbformat.read(SOLUTIONS[0], 4)
    broken = copy.deepcopy(nb)
    cell = next(c for c in broken.cells if "exercise" in build.role(c))
    del cell.metadata["dlbasics"]
    with pytest.raises(BuildError, match="no metadata dlbasics.exercise"):
        build.lesson_from_solution(broken, "00_x.ipynb")


def test_missing_check_is_rejected():
    nb = nbformat.read(SOLUTIONS[0], 4)
    broken = copy.deepcopy(nb)
    broken.cells = [c for c in broken.cells if build.role(c).get("check") != 2]
    with pytest.raises(BuildError, match="numbered 1..N"):
        build.lesson_from_solution(broken, "00_x.ipynb")


def test_badly_named_notebook_is_rejected(tmp_path):
    root = _copy_repo(tmp_path)
    shutil.copy(SOLUTIONS[0], root / "solutions" / "Intro.ipynb")
    with pytest.raises(BuildError, match="NN_topic.ipynb"):
        build.build(root, check=True)


def test_cli_reports_build_errors_without_a_traceback(tmp_path):
    root = _copy_repo(tmp_path)
    path = SOLUTIONS[0]
    data = json.loads(path.read_text())
    for cell in data["cells"]:
        if "check" in cell["metadata"].get("dlbasics", {}):
            del cell["metadata"]["dlbasics"]
    (root / "solutions" / path.name).write_text(json.dumps(data))
    result = subprocess.run([sys.executable, "-m", "dlbasics.cli", "build", "--check", "--root", str(root)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "dlbasics build:" in result.stderr and "Traceback" not in result.stderr


def _defined(tree):
    """Top-level names a cell binds: functions, classes, assignments, imports, loop targets."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        else:
            names.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    return names


def _parse(source):
    # IPython magics (%timeit, !ls) are not Python: blank them out for the analysis.
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    return ast.parse("\n".join(lines))


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_nothing_after_an_exercise_uses_the_learners_code(path):
    """A stuck learner can run the rest of the lesson: no cell outside an exercise and its check
    reads a name that only an exercise cell defines (later cells use check.reference(N))."""
    learner_only = {}            # name -> exercise number that defines it
    for cell in nbformat.read(path, 4).cells:
        if cell.cell_type != "code":
            continue
        role, tree = build.role(cell), _parse(cell.source)
        if "exercise" in role:
            learner_only.update(dict.fromkeys(_defined(tree), role["exercise"]))
            continue
        if "check" in role:
            continue
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        bad = sorted(used & set(learner_only))
        assert not bad, (f"{path.name}, cell {cell.id!r} uses {bad}, defined by exercise "
                         f"{learner_only[bad[0]]}: use check.reference(N) instead")
        for name in _defined(tree):     # a later cell may define its own variable of that name
            learner_only.pop(name, None)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_exercise_and_check_cells_have_no_side_effects(path):
    """Exercise cells only define things (imports, functions, classes) and check cells are one
    call: with the test above, the lesson's other cells then run exactly as the solution's do,
    whatever state the learner's exercises are in."""
    for cell in nbformat.read(path, 4).cells:
        role = build.role(cell)
        if "exercise" in role:
            for node in ast.parse(cell.source).body:
                assert isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)), \
                    f"{path.name}, exercise {role['exercise']}: only imports, functions and classes belong in an exercise cell"
        elif "check" in role:
            body = ast.parse(cell.source).body
            assert len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Call), \
                f"{path.name}, check {role['check']}: a check cell is the single call check.exercise_N(fn)"
