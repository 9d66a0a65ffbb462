"""Suite-wide: how notebooks are executed, and a timing table that fails any notebook over budget.

One execution per lesson proves both versions. `solutions/NN.ipynb` runs in one kernel in the
order of `lessons/NN.ipynb`; at each exercise the kernel runs the lesson's stub and its check
(both may raise, as for a learner who has not started), then the solution and its check (which
must pass, with any checked outputs matching), then the stub once more, so that every later
cell runs in the lesson's state, with the learner's function unsolved. A later cell that needed
the exercise would fail here (tests/test_build.py also proves it statically). Cells that only
the lesson has run too. So nbval no longer runs lessons/ separately, which halved its time.
`pytest --nbval-lax <notebook>` still runs any notebook plainly, as nbval does.

The course's bar is 60 s per notebook run alone on a 2-core CPU (`make timings` measures
that). Here two notebooks share the two cores, which measured up to 1.5x slower, so under
pytest-xdist the budget is scaled by LOAD_FACTOR. NOTEBOOK_BUDGET overrides the base budget.
"""
import ast
import os
from collections import defaultdict

import nbformat
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile, find_comment_markers, find_metadata_tags

from dlbasics import build


def pytest_collect_file(file_path, parent):
    option = parent.config.option
    if file_path.suffix != ".ipynb" or option.nbval or option.nbval_lax:
        return None                       # nbval's own options: let nbval collect as usual
    if file_path.parent.name == "solutions":
        return LessonAndSolution.from_parent(parent, path=file_path)
    return PlainNotebook.from_parent(parent, path=file_path)


def _options(cell, check_output=True, may_raise=None):
    """nbval's per-cell options (tags and comment markers), as `--nbval-lax` reads them."""
    options = defaultdict(bool, find_metadata_tags(cell.metadata))
    options.update(dict(find_comment_markers(cell.source)))
    options["check"] = check_output and bool(options.get("check"))
    if may_raise is not None:
        options["check_exception"] = may_raise
    return options


def _bound(source):
    """Top-level names a cell binds (def, class, import, assignment)."""
    tree = ast.parse(source)
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        else:
            names.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    return names


class PlainNotebook(IPyNbFile):
    """A notebook run top to bottom, comparing only the outputs of cells tagged to be checked."""

    def collect(self):
        self.nb = nbformat.read(str(self.path), as_version=4)
        code = [c for c in self.nb.cells if c.cell_type == "code"]
        for number, cell in enumerate(code):
            yield IPyNbCell.from_parent(self, name=f"Cell {number}", cell_num=number, cell=cell,
                                        options=_options(cell))


class LessonAndSolution(IPyNbFile):
    """solutions/NN.ipynb and the lesson built from it, proven in one kernel (see the top)."""

    def collect(self):
        self.nb = solution = nbformat.read(str(self.path), as_version=4)
        lesson = nbformat.read(str(self.path.parent.parent / "lessons" / self.path.name), as_version=4)
        solved = {c.id: c for c in solution.cells}
        code = [c for c in lesson.cells if c.cell_type == "code"]
        steps, i = [], 0
        while i < len(code):
            cell, role = code[i], build.role(code[i])
            if "exercise" not in role:
                # the solution's copy carries the stored outputs to compare
                steps.append((i, f"Cell {i}", solved.get(cell.id, cell), None))
                i += 1
                continue
            n = role["exercise"]
            check = code[i + 1] if i + 1 < len(code) else None
            if check is None or build.role(check).get("check") != n:
                raise build.BuildError(f"lessons/{self.path.name}: exercise {n}'s check must be the next code cell")
            answer, answer_check = solved[cell.id], solved[check.id]
            only_solution = sorted(_bound(answer.source) - _bound(cell.source))
            forget = nbformat.v4.new_code_cell(
                f"for _name in {only_solution!r}:\n    globals().pop(_name, None)" if only_solution else "pass")
            steps += [(i, f"Cell {i} exercise {n} stub", cell, True),
                      (i + 1, f"Cell {i + 1} check {n} on the stub", check, True),
                      (i, f"Cell {i} exercise {n} solution", answer, False),
                      (i + 1, f"Cell {i + 1} check {n} on the solution", answer_check, False),
                      (i, f"Cell {i} exercise {n} unsolved again", forget, False),
                      (i, f"Cell {i} exercise {n} stub again", cell, True)]
            i += 2
        for number, name, cell, may_raise in steps:   # number: the code cell's index in the lesson
            checked = may_raise is not True          # a stub's run has no outputs to compare
            yield IPyNbCell.from_parent(self, name=name, cell_num=number, cell=cell,
                                        options=_options(cell, checked, may_raise))


# ---- scheduling on two workers -----------------------------------------------------------
# A notebook's cells share one kernel, so a notebook is one unit of work for one worker, and so is
# a test class (its tests share a class-scoped fixture, such as one grading); every other test is
# a unit of its own, so no long test file (the grader's tests, the checks) holds
# one worker while the other idles. Notebooks go first: they are the longest units, and a long
# unit at the end would leave one worker alone. (`--dist loadgroup` cannot do this with pytest 9:
# xdist's group suffix on node ids no longer takes effect.)
def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.path.suffix != ".ipynb")     # stable: keeps each file's order


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "load":
        return None                       # an explicit --dist loadfile/each/... is obeyed
    from xdist.scheduler import LoadScopeScheduling

    class NotebooksWhole(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            parts = nodeid.split("::")
            if parts[0].endswith(".ipynb"):
                return parts[0]
            # A test class shares a class-scoped fixture (one grading for several tests): run it whole.
            return "::".join(parts[:2]) if len(parts) > 2 else nodeid

    return NotebooksWhole(config, log)


# ---- timings -------------------------------------------------------------------------------
LOAD_FACTOR = 1.5
BUDGET = float(os.environ.get("NOTEBOOK_BUDGET", "60"))
_seconds = defaultdict(float)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _seconds[path] += report.duration


_budget = BUDGET


def pytest_configure(config):
    global _budget
    parallel = getattr(config.option, "numprocesses", None) not in (None, 0, 1)
    _budget = BUDGET * (LOAD_FACTOR if parallel else 1)


def _over():
    return {p: s for p, s in _seconds.items() if s > _budget}


def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    tr = terminalreporter
    tr.section(f"notebook timings (seconds; budget {_budget:.0f} s in this run)")
    for path, seconds in sorted(_seconds.items()):
        tr.write_line(f"{path:50s} {seconds:6.1f}{'   OVER BUDGET' if seconds > _budget else ''}")
    if _over():
        tr.write_line(f"{len(_over())} notebook(s) over the {_budget:.0f} s budget", red=True)


def pytest_sessionfinish(session, exitstatus):
    if _over() and exitstatus == 0:
        session.exitstatus = 1



