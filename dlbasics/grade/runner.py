"""The untrusted side of grading: a submission's exercises, in a process of their own.

Started by the grader as `python -m dlbasics.grade.runner` with a JSON task on stdin. It runs
the lesson template's setup cell, then each listed exercise in turn: the learner's cell in a
fresh namespace, then the exercise's `produce` on every case. Before exercise N it writes
`started-N`, after it `result-N.npz` (plain data, see plain.py). It judges nothing: the
grader regenerates the cases in its own process and compares there. If the learner's code
ends or hangs this process, the grader restarts it for the exercises still to do, so one
exercise's crash costs only that exercise, and TensorFlow is imported once per submission in
the common case.
"""
import json
import os
import sys
import traceback


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _line_in_answer(exc: BaseException) -> str:
    """' (line N of your answer)' where the error arose in the learner's cell, if it did."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == "<your answer>":
            return f" (line {frame.lineno} of your answer)"
    return ""


def _load_key(number: str, source: str):
    """The lesson's check module from the text the grader sent: the sandbox has no copy of
    the answer key on disk (grade/sandbox.py hides dlbasics/checks/lessonNN.py)."""
    import types

    name = f"dlbasics.checks.lesson{int(number):02d}"
    module = types.ModuleType(name)
    module.__package__ = "dlbasics.checks"
    module.__file__ = f"<answer key of lesson {number}>"
    sys.modules[name] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def prepare(task: dict):
    """Trusted set-up: limits, the exercises and their cases, then the answer key out of reach."""
    import resource

    import numpy as np

    # Processes and threads: counted per user namespace, so set here, inside the sandbox
    # (outside one, it would count all of the teacher's own processes too).
    if task.get("processes"):
        resource.setrlimit(resource.RLIMIT_NPROC, (task["processes"],) * 2)
    module = _load_key(task["lesson"], task.pop("key"))
    jobs = []
    for item in task["exercises"]:
        exercise = module.EXERCISES[item["number"] - 1]
        jobs.append((item, exercise, exercise.cases(np.random.default_rng(task["seed"]))))
    for exercise in module.EXERCISES:        # references stay in the grader's process only
        type(exercise).reference = None
    return jobs


def run_one(exercise, cases, setup: str, answer: str) -> dict:
    from dlbasics.checks.core import CheckFailed
    from dlbasics.grade import plain

    from dlbasics.grade.cells import Shell

    namespace = {"__name__": "__main__"}
    namespace["get_ipython"] = lambda: Shell(namespace)    # %magics and !shell lines: no-ops
    exec(compile(setup, "<lesson setup>", "exec"), namespace)
    try:
        exec(compile(answer, "<your answer>", "exec"), namespace)
    except BaseException as e:  # SystemExit and KeyboardInterrupt included: the cell failed
        return {"error": f"your exercise cell raised {_describe(e)}{_line_in_answer(e)}"}
    fn = namespace.get(exercise.title)
    if not callable(fn):
        return {"error": f"your exercise cell does not define the function `{exercise.title}`"}
    results = []
    for case in cases:
        try:
            value = exercise.run(fn, case)
            plain.encode(value, {})          # fails here, for this case only, if not plain data
            results.append({"ok": value})
        except plain.NotPlain as e:
            results.append({"error": f"your function returned something that cannot be graded: {e}"})
        except NotImplementedError:
            results.append({"error": "not implemented"})
        except CheckFailed as e:
            results.append({"error": str(e)})
        except BaseException as e:
            results.append({"error": f"your code raised {_describe(e)}{_line_in_answer(e)}"})
    return {"results": results}


def main() -> None:
    task = json.load(sys.stdin)
    from dlbasics.grade import plain

    folder = task["dir"]
    try:
        jobs = prepare(task)
        # The setup cell's imports (TensorFlow, Keras, matplotlib) once, before any exercise's
        # clock starts; each exercise then runs it again, warm, in a fresh namespace.
        exec(compile(task["setup"], "<lesson setup>", "exec"), {"__name__": "__main__"})
        for item, exercise, cases in jobs:
            n = item["number"]
            open(os.path.join(folder, f"started-{n}"), "w").close()
            outcome = run_one(exercise, cases, task["setup"], item["answer"])
            tmp = os.path.join(folder, f"result-{n}.tmp.npz")
            plain.save(outcome, tmp)
            os.replace(tmp, os.path.join(folder, f"result-{n}.npz"))
    finally:
        # Leave at once: atexit handlers or threads the learner started cannot delay or
        # change anything after the results are on disk.
        os._exit(0)


if __name__ == "__main__":
    main()
