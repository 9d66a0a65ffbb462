"""Time `dlbasics grade -j 2` against nbgrader's `autograde` on the same class of submissions.

    python scripts/bench_grading.py --nbgrader /path/to/venv-with-nbgrader/bin/nbgrader [--lesson 02] [--students 30]

nbgrader is not part of the course stack: install it in a separate venv (`pip install nbgrader`).
Both graders run the course's kernel (this .venv's Python, so TensorFlow is there for both).
The class: every third student submits the solution, every third a wrong answer to exercise
1, every third the untouched lesson. Prints both wall times and their ratio.
"""
import argparse
import copy
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from dlbasics import build  # noqa: E402


def class_notebooks(lesson_nb, solution_nb, students):
    """(name, {exercise: source}) per student."""
    solved = {build.role(c)["exercise"]: c.source for c in solution_nb.cells if "exercise" in build.role(c)}
    stubs = {build.role(c)["exercise"]: c.source for c in lesson_nb.cells if "exercise" in build.role(c)}
    wrong = dict(solved)
    wrong[1] = stubs[1].replace("raise NotImplementedError", "return None  #")
    kinds = [solved, wrong, stubs]
    return [(f"student{i:02d}", kinds[i % 3]) for i in range(students)]


def with_answers(nb, answers):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        n = build.role(cell).get("exercise")
        if n in answers:
            cell.source = answers[n]
    return nb


def nbgrader_source(solution_nb, kernel):
    """The solution notebook with nbgrader's metadata: exercises are solution cells, checks are
    autograded test cells worth the exercise's points."""
    nb = copy.deepcopy(solution_nb)
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    for cell in nb.cells:
        role = build.role(cell)
        meta = {"schema_version": 3, "task": False}
        if "exercise" in role:
            meta.update(grade=False, solution=True, locked=False, grade_id=f"ex{role['exercise']}")
        elif "check" in role:
            meta.update(grade=True, solution=False, locked=True, grade_id=f"check{role['check']}", points=1)
        else:
            continue
        cell.metadata["nbgrader"] = meta
        cell.metadata.pop("dlbasics", None)
    return nb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nbgrader", required=True, help="path of the nbgrader executable (its own venv)")
    ap.add_argument("--lesson", default="02")
    ap.add_argument("--students", type=int, default=30)
    args = ap.parse_args()
    name = next((ROOT / "solutions").glob(f"{args.lesson}_*.ipynb")).name
    solution_nb = nbformat.read(ROOT / "solutions" / name, 4)
    lesson_nb = nbformat.read(ROOT / "lessons" / name, 4)
    roster = class_notebooks(lesson_nb, solution_nb, args.students)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # ours
        klass = tmp / "class"
        klass.mkdir()
        for student, answers in roster:
            nbformat.write(with_answers(lesson_nb, answers), klass / f"{student}.ipynb")
        start = time.perf_counter()
        subprocess.run([str(ROOT / ".venv/bin/dlbasics"), "grade", str(klass), "-j", "2", "--out", str(tmp / "grades"), "-q"],
                       check=False, stdout=subprocess.DEVNULL)
        ours = time.perf_counter() - start
        scores = [json.loads((tmp / "grades" / f"{s}.json").read_text())["score"] for s, _ in roster]

        # nbgrader, same kernel
        kernels = tmp / "share" / "jupyter" / "kernels" / "course"
        kernels.mkdir(parents=True)
        (kernels / "kernel.json").write_text(json.dumps({
            "argv": [str(ROOT / ".venv/bin/python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "course", "language": "python"}))
        course = tmp / "course"
        (course / "source" / "lesson").mkdir(parents=True)
        nbformat.write(nbgrader_source(solution_nb, "course"), course / "source" / "lesson" / name)
        (course / "nbgrader_config.py").write_text(
            "c = get_config()\nc.CourseDirectory.course_id = 'bench'\n"
            "c.ExecutePreprocessor.timeout = 600\nc.Execute.timeout = 600\n")
        env = {"JUPYTER_PATH": str(tmp / "share" / "jupyter"), "PATH": f"{Path(args.nbgrader).parent}:/usr/bin:/bin",
               "HOME": str(tmp), "TF_CPP_MIN_LOG_LEVEL": "2", "MPLBACKEND": "Agg"}
        def run(*a):
            done = subprocess.run([args.nbgrader, *a], cwd=course, env=env, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"nbgrader {' '.join(a)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")

        run("generate_assignment", "lesson", "--force")
        released = nbformat.read(course / "release" / "lesson" / name, 4)
        for student, answers in roster:
            nb = copy.deepcopy(released)
            for cell in nb.cells:
                gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
                if gid.startswith("ex"):
                    cell.source = answers[int(gid[2:])]
            folder = course / "submitted" / student / "lesson"
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / name)
        start = time.perf_counter()
        run("autograde", "lesson", "--create", "--force")
        theirs = time.perf_counter() - start
        run("export", "--to", str(tmp / "nbgrader.csv"))
        import csv
        their_scores = [float(r["raw_score"] or 0) for r in csv.DictReader(open(tmp / "nbgrader.csv"))]

    print(f"class of {args.students}, lesson {args.lesson}")
    print(f"dlbasics grade -j 2 : {ours:7.1f} s  (scores: {sorted(set(scores))})")
    print(f"nbgrader autograde  : {theirs:7.1f} s  (scores: {sorted(set(their_scores))})")
    print(f"nbgrader / dlbasics : {theirs / ours:5.2f}x")


if __name__ == "__main__":
    main()
