"""The trusted side of grading.

For each exercise the learner's answer cell (found as grade/cells.py describes) is run by
grade/runner.py in a separate process inside a bubblewrap sandbox (grade/sandbox.py: a
read-only allow-listed filesystem, no classmates, no network, no capabilities) with limits on
memory, CPU time, file size, processes and wall time, and no terminal output. Without
bubblewrap the grader refuses unless the teacher passes --no-sandbox, and then every result
says so. This process never imports or unpickles learner code: it regenerates the same seeded
cases, loads the plain arrays the runner wrote, and judges them with the exercise's own
`judge`. One exercise crashing, hanging or exiting costs that exercise only; a result file is
always written.
"""
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import nbformat
import numpy as np

from .. import build, notebook
from ..checks import lesson as check_module
from . import cells, plain, sandbox

SCHEMA = "dlbasics-grade/1"
# A runner imports TensorFlow before its first exercise: on a loaded machine that alone can
# take longer than a short --timeout, which is meant for the learner's code, not for start-up.
STARTUP_SECONDS = 90


@dataclass
class Limits:
    timeout: float = 120.0        # seconds of wall time per exercise
    memory_mb: int = 4096         # address-space cap per exercise process
    file_mb: int = 256            # largest file the learner's code may write
    processes: int = 512          # processes + threads inside the sandbox (TensorFlow's pools count)
    sandbox: bool = True          # False only by the teacher's explicit --no-sandbox
    exercises: int = 1            # how many exercises one runner may run (scales its CPU-time cap)


class Invalid(ValueError):
    """The submission cannot be graded at all (the message says why)."""


def read_submission(path: Path):
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise Invalid("the file is not text (UTF-8): is it really a .ipynb notebook?") from None
    except json.JSONDecodeError as e:
        raise Invalid(f"the file is not valid notebook JSON ({e.msg} at line {e.lineno})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise Invalid("the file is JSON but not a notebook (no list of cells)")
    if raw.get("nbformat", 0) < 4:
        raise Invalid(f"notebook format {raw.get('nbformat')} is too old; save it with Jupyter 7 (format 4.5)")
    try:
        return nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as e:
        raise Invalid(f"the notebook could not be read: {e}") from None


def find_lesson(nb, override: str | None = None) -> str:
    if override:
        return f"{int(override):02d}"
    number = nb.metadata.get("dlbasics", {}).get("lesson") if isinstance(nb.metadata.get("dlbasics"), dict) else None
    if not isinstance(number, str) or not number.isdigit():
        number = _lesson_from_title(nb)
    if number is None:
        raise Invalid("the notebook does not say which lesson it is (its metadata lost dlbasics.lesson); "
                      "grade it with --lesson NN")
    return number


def _lesson_from_title(nb) -> str | None:
    """The lesson whose title cell ("# 02 · Activation functions") the notebook still carries."""
    for cell in nb.cells[:3]:
        if cell.get("cell_type") == "markdown" and isinstance(cell.get("source"), str):
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            for path in sorted((build.ROOT / "lessons").glob("*.ipynb")):
                if first and first == notebook.read(path).cells[0].source.strip().splitlines()[0]:
                    return path.name[:2]
    return None


@lru_cache(maxsize=None)
def template(number: str):
    """The trusted lesson notebook: its setup cell runs, its cell ids say where answers are."""
    matches = sorted((build.ROOT / "lessons").glob(f"{number}_*.ipynb"))
    if not matches:
        raise Invalid(f"there is no lesson {number} in this course")
    return notebook.read(matches[0])


def answers(submission, lesson_nb, module) -> dict:
    """{exercise number: (the learner's source or None, which rule found it)}: see cells.py."""
    titles = {ex.number: ex.title for ex in module.EXERCISES}
    return cells.find_answers(submission.cells, lesson_nb.cells, titles)


def exercise_points(lesson_nb) -> dict:
    """{exercise number: points}, as declared in the lesson's cell metadata (default 1)."""
    return {build.role(c)["exercise"]: build.role(c).get("points", 1)
            for c in lesson_nb.cells if "exercise" in build.role(c)}


def sandbox_name(limits: Limits) -> str:
    """What the result records as its sandbox; raises sandbox.Unavailable when none can be made
    and the teacher did not pass --no-sandbox."""
    if not limits.sandbox:
        return "none (--no-sandbox: learner code ran with the teacher's permissions)"
    return sandbox.describe()


def _limit(limits: Limits):
    def apply():  # runs in the child before exec: the learner cannot raise these again
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb << 20,) * 2)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb << 20,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        cpu = int(limits.timeout * (os.cpu_count() or 1) * limits.exercises) + 10   # all threads, all exercises
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    return apply


def run_exercises(lesson: str, setup: str, answers: dict, seed: int, limits: Limits) -> dict:
    """Run answers {number: source} in runner processes. Returns {number: (status, outcome, seconds)}
    with status 'ran', 'timeout' or 'crashed'. One process does them all unless an exercise
    kills or hangs it; then a fresh process carries on with the exercises after that one."""
    import dataclasses

    limits = dataclasses.replace(limits, exercises=len(answers))
    key = Path(check_module(lesson).__file__).read_text(encoding="utf-8")
    done, remaining, retried = {}, sorted(answers), False
    with tempfile.TemporaryDirectory(prefix="dlbasics-grade-") as work:
        results = os.path.join(work, "results")
        scratch = os.path.join(work, "scratch")        # only without the sandbox (it has its own)
        os.makedirs(results)
        os.makedirs(scratch)
        os.chmod(results, 0o777)      # the sandboxed runner may be `nobody`; `work` itself stays 0700
        mpl = os.path.join(work, "mpl")
        os.makedirs(mpl)
        os.chmod(mpl, 0o777)
        for font_list in sandbox.font_cache_files():
            shutil.copy(font_list, mpl)
        while remaining:
            inside = sandbox.RESULTS if limits.sandbox else results
            task = json.dumps({"lesson": lesson, "seed": seed, "setup": setup, "dir": inside, "key": key,
                               "processes": limits.processes if limits.sandbox else None,
                               "exercises": [{"number": n, "answer": answers[n]} for n in remaining]})
            if limits.sandbox:
                cmd = sandbox.command(results, limits, mpl) + [sys.executable, "-m", "dlbasics.grade.runner"]
                env, cwd = sandbox.environment(sandbox.SCRATCH, sandbox.MPLCONFIG), work
            else:
                cmd = [sys.executable, "-m", "dlbasics.grade.runner"]
                env, cwd = sandbox.environment(scratch, mpl), scratch
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    cwd=cwd, env=env, preexec_fn=_limit(limits), start_new_session=True)
            proc.stdin.write(task.encode())
            proc.stdin.close()
            launched, current, began = time.perf_counter(), None, None
            while True:
                exited = proc.poll() is not None
                for n in remaining:
                    result = os.path.join(results, f"result-{n}.npz")
                    if n not in done and os.path.exists(result):
                        try:
                            outcome = plain.load(result)
                        except Exception:
                            outcome = None
                        done[n] = ("ran" if outcome is not None else "crashed", outcome, _took(results, n))
                        current = None
                if current is None:
                    started = [n for n in remaining if n not in done and os.path.exists(os.path.join(results, f"started-{n}"))]
                    if started:
                        current, began = started[-1], time.perf_counter()
                if exited:
                    break
                if current is not None and time.perf_counter() - began > limits.timeout:
                    done[current] = ("timeout", None, time.perf_counter() - began)
                    break
                if current is None and time.perf_counter() - launched > max(limits.timeout, STARTUP_SECONDS):
                    break                                  # could not even start: treated below
                time.sleep(0.05)
            try:
                os.killpg(proc.pid, signal.SIGKILL)        # the whole group, whatever it started
            except ProcessLookupError:
                pass
            proc.wait()
            if current is not None and current not in done:
                done[current] = ("crashed", None, time.perf_counter() - began)
            left = [n for n in remaining if n not in done]
            if left == remaining and not retried:          # no exercise even started: the runner itself failed
                retried = True                              # (setup is the lesson's, not the learner's), so a
                continue                                    # passing hiccup must not cost marks: once more
            if left == remaining:                           # no progress at all: give up on the rest
                for n in left:
                    done[n] = ("crashed", None, 0.0)
                left = []
            remaining = left
    return done


def _took(results: str, n: int) -> float:
    """Exercise n's own seconds, from its started- file to its result file (the runner writes both):
    polling cannot tell, as several can appear between two looks, the first after the imports.
    The learner's code could change these times (the results folder is writable inside): they are
    shown to the teacher, and nothing is decided by them; timeouts use this process's own clock."""
    try:
        return max(0.0, os.path.getmtime(os.path.join(results, f"result-{n}.npz"))
                   - os.path.getmtime(os.path.join(results, f"started-{n}")))
    except OSError:
        return 0.0


def judge(exercise, seed: int, outcome) -> tuple[bool, str]:
    """(passed, message) for one exercise, from the runner's plain outcome."""
    if not isinstance(outcome, dict):
        return False, "the grader could not read your exercise's results."
    if "error" in outcome:
        return False, str(outcome["error"])
    cases = exercise.cases(np.random.default_rng(seed))
    results = outcome.get("results")
    if not isinstance(results, list) or len(results) != len(cases):
        return False, "the grader could not read your exercise's results."
    for case, result in zip(cases, results):
        if not isinstance(result, dict):
            return False, "the grader could not read your exercise's results."
        if "error" in result:
            problem = "not implemented yet." if result["error"] == "not implemented" else str(result["error"])
        else:
            try:
                problem = exercise.judge(result.get("ok"), case)
            except Exception:
                problem = "the result could not be compared with the expected one (wrong type or shape?)."
        if problem:
            hints = "".join(f"\nHint: {h}" for h in (case.hint, exercise.hint) if h)
            return False, f"case '{case.label}': {problem}{hints}"
    return True, exercise.pass_line(cases)


def versions() -> dict:
    names = ["dlbasics", "keras", "tensorflow-cpu", "tensorflow", "numpy"]
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return {"python": sys.version.split()[0], **found}


def grade_submission(path, lesson: str | None = None, limits: Limits = Limits(), seed: int | None = None) -> dict:
    """Grade one notebook; always returns a result dict (status 'invalid' when unreadable).
    Raises sandbox.Unavailable, before running anything, when the sandbox is required and
    cannot be made: the teacher must install bubblewrap or choose --no-sandbox."""
    path = Path(path)
    seed = secrets.randbelow(2**31) if seed is None else seed
    start = time.perf_counter()
    result = {"schema": SCHEMA, "submission": path.name, "lesson": lesson, "status": "graded",
              "score": 0, "max_score": 0, "exercises": [], "seed": seed,
              "sandbox": sandbox_name(limits), "versions": versions()}
    try:
        nb = read_submission(path)
        result["lesson"] = number = find_lesson(nb, lesson)
        lesson_nb = template(number)
        module = check_module(number)
        theirs = answers(nb, lesson_nb, module)
        points = exercise_points(lesson_nb)
    except Invalid as e:
        result.update(status="invalid", message=str(e), runtime_seconds=round(time.perf_counter() - start, 2))
        return result
    setup = notebook.setup_cell(lesson_nb).source

    numbers = {ex.number: ex for ex in module.EXERCISES}
    python = {n: cells.to_python(src) for n, (src, _) in theirs.items() if src is not None}
    runs = run_exercises(number, setup, {n: py for n, (py, _) in python.items()}, seed, limits)
    for n, exercise in numbers.items():
        source, rule = theirs.get(n, (None, None))
        entry = {"number": n, "title": exercise.title, "max_points": points[n], "points": 0,
                 "status": "failed", "message": "", "found_by": rule}
        notes = []
        if rule and rule != cells.RULES[0]:
            notes.append(f"Note: your answer was found by its {rule} (the cell's id had changed), "
                         "as the last such cell in the notebook.")
        if n in python and python[n][1]:
            notes.append("Note: Jupyter-only lines were ignored when grading: " + "; ".join(python[n][1]) + ".")
            entry["ignored_lines"] = python[n][1]
        if n not in runs:
            entry.update(status="missing", message="the exercise cell is missing from the notebook: no cell has its id "
                         f"or its metadata, and no cell defines `{exercise.title}`.")
        else:
            run_status, outcome, seconds = runs[n]
            entry["seconds"] = round(seconds, 2)
            if run_status == "timeout":
                entry.update(status="timeout", message=f"stopped after {limits.timeout:.0f} s: an endless loop, or far too slow?")
            elif run_status == "crashed":
                entry.update(status="crashed", message="your code ended the process (os._exit, a crash, too many processes, "
                             "or out of memory or CPU time) before giving a result.")
            else:
                passed, message = judge(exercise, seed, outcome)
                entry.update(status="passed" if passed else "failed", message=message, points=points[n] if passed else 0)
        if notes:
            entry["message"] = "\n".join([entry["message"]] + notes)
        result["exercises"].append(entry)

    result["score"] = sum(e["points"] for e in result["exercises"])
    result["max_score"] = sum(e["max_points"] for e in result["exercises"])
    worst = {e["status"] for e in result["exercises"]}
    result["status"] = "timeout" if "timeout" in worst else "crashed" if "crashed" in worst else "graded"
    result["runtime_seconds"] = round(time.perf_counter() - start, 2)
    return result


def write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
