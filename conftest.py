"""Suite-wide: time every notebook nbval runs, print a table, fail any notebook over budget.

The course's bar is 60 s per notebook run alone on a 2-core CPU (`make timings` measures
that). Here two notebooks share the two cores, which measured up to 1.5x slower, so under
pytest-xdist the budget is scaled by LOAD_FACTOR. NOTEBOOK_BUDGET overrides the base budget.
"""
import os
from collections import defaultdict

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
