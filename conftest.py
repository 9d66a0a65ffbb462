"""Suite-wide: time every notebook nbval runs, print a table, fail any notebook over budget.

Set NOTEBOOK_BUDGET (seconds, default 60) to change the limit. Times are measured while the
suite runs two notebooks at once on two cores, so they are an upper bound of a lone run
(`make timings` measures lone runs).
"""
import os
from collections import defaultdict

BUDGET = float(os.environ.get("NOTEBOOK_BUDGET", "60"))
_seconds = defaultdict(float)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _seconds[path] += report.duration


def _over():
    return {p: s for p, s in _seconds.items() if s > BUDGET}


def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    tr = terminalreporter
    tr.section("notebook timings (seconds, under the suite's parallel load)")
    for path, seconds in sorted(_seconds.items()):
        tr.write_line(f"{path:50s} {seconds:6.1f}{'   OVER BUDGET' if seconds > BUDGET else ''}")
    if _over():
        tr.write_line(f"{len(_over())} notebook(s) over the {BUDGET:.0f} s budget", red=True)


def pytest_sessionfinish(session, exitstatus):
    if _over() and exitstatus == 0:
        session.exitstatus = 1
