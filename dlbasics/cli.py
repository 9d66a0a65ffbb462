"""The course's command line: `dlbasics build`, `dlbasics timings`, `dlbasics data`."""
import argparse
import sys
from pathlib import Path

from . import build as b


def cmd_build(args) -> int:
    try:
        if args.execute:
            targets = [Path(p) for p in args.notebooks] or b.solution_paths(args.root)
            for path in targets:
                print(f"executing {path} ...", flush=True)
                print(f"  {b.execute(path):.1f} s", flush=True)
        problems = b.build(args.root, check=args.check)
    except b.BuildError as e:
        print(f"dlbasics build: {e}", file=sys.stderr)
        return 2
    for p in problems:
        print(p, file=sys.stderr)
    if not problems and args.check:
        print(f"lessons/ is in sync with solutions/ ({len(b.solution_paths(args.root))} notebooks)")
    return 1 if problems else 0


def cmd_timings(args) -> int:
    """Run each solution notebook alone (a scratch copy, outputs discarded) and time it."""
    import shutil
    import tempfile

    budget, worst = args.budget, 0.0
    rows = []
    for path in [Path(p) for p in args.notebooks] or b.solution_paths():
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / path.name
            shutil.copy(path, copy)
            seconds = b.execute(copy)
        rows.append((path.name, seconds))
        worst = max(worst, seconds)
        print(f"{path.name:45s} {seconds:6.1f} s {'OVER BUDGET' if seconds > budget else ''}", flush=True)
    print(f"{'total':45s} {sum(s for _, s in rows):6.1f} s")
    return 1 if worst > budget else 0


def cmd_data(args) -> int:
    from . import data

    failed = 0
    for name in data.DATASETS:
        try:
            data.verify(name)
            print(f"ok       {name}")
        except data.DataError as e:
            failed += 1
            print(f"PROBLEM  {e}")
    return 1 if failed else 0


def cmd_grade(args) -> int:
    """Grade one notebook or every notebook in a folder; write JSON, feedback and a gradebook."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    from . import import_tensorflow_quietly
    from .grade import reports
    from .grade import sandbox
    from .grade.grader import Limits, grade_submission, sandbox_name, write_atomically

    limits = Limits(timeout=args.timeout, memory_mb=args.memory, sandbox=not args.no_sandbox)
    try:
        sandbox_used = sandbox_name(limits)       # refuse before anything runs, not per notebook
    except sandbox.Unavailable as e:
        print(f"dlbasics grade: refusing to run students' code without a sandbox.\n{e}", file=sys.stderr)
        return 2
    if args.no_sandbox:
        print(f"dlbasics grade: WARNING: {sandbox_used}; every result and the gradebook record this.",
              file=sys.stderr)

    target = Path(args.submission)
    if not target.exists():
        print(f"dlbasics grade: {target} does not exist", file=sys.stderr)
        return 2
    files = sorted(target.glob("*.ipynb")) if target.is_dir() else [target]
    if not files:
        print(f"dlbasics grade: no .ipynb files in {target}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        todo = []
        for path in files:
            done = out / f"{path.stem}.json"
            if done.exists() and not args.force:
                results.append(json.loads(done.read_text()))   # graded before: keep it
            else:
                todo.append(path)
        if todo:       # the judges compare with Keras: load it once, its notices off the report (4 s)
            import_tensorflow_quietly()

        def one(path):
            result = grade_submission(path, lesson=args.lesson, limits=limits, seed=args.seed)
            write_atomically(out / f"{path.stem}.json", json.dumps(result, indent=2))
            write_atomically(out / f"{path.stem}.feedback.md", reports.feedback_markdown(result))
            return result

        progress = _progress(len(todo), quiet=args.quiet or len(todo) < 2)
        for result in pool.map(one, todo):
            results.append(result)
            progress.update(1)
            progress.set_postfix_str(f"{result['submission']}: {result['score']}/{result['max_score']}")
        progress.close()
    write_atomically(out / "gradebook.csv", reports.gradebook_csv(results))
    if args.gradescope:
        write_atomically(Path(args.gradescope), reports.gradescope_json(results[0]))
    for r in results:
        line = reports.classroom_line(r)
        print(f"{r['submission']}: {r['status']}, {line}" if len(results) > 1 else line)
    if len(results) == 1 and not args.quiet:
        for e in results[0].get("exercises", []):
            print(f"  {reports.ICON.get(e['status'], '')} Exercise {e['number']} ({e['title']}): "
                  f"{e['points']}/{e['max_points']}  {e['message'].splitlines()[0] if e['message'] else ''}")
        if results[0]["status"] == "invalid":
            print(f"  invalid: {results[0]['message']}")
    print(f"results in {out}/ (one .json and .feedback.md per notebook, gradebook.csv)")
    full = all(r["status"] != "invalid" and r["score"] == r["max_score"] for r in results)
    return 0 if full else 1


def _progress(total, quiet):
    from tqdm import tqdm

    return tqdm(total=total, unit="notebook", disable=quiet, file=sys.stderr)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="dlbasics", description="Deep Learning Basics course tool")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="generate lessons/ from solutions/")
    p.add_argument("--check", action="store_true", help="only report stale lessons (exit 1 if any)")
    p.add_argument("--execute", action="store_true", help="first re-run solution notebooks in place")
    p.add_argument("notebooks", nargs="*", help="with --execute: which solution notebooks (default all)")
    p.add_argument("--root", type=Path, default=b.ROOT, help="the course repository (default: this checkout)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("timings", help="time each solution notebook run alone")
    p.add_argument("notebooks", nargs="*")
    p.add_argument("--budget", type=float, default=60.0, help="seconds allowed per notebook (default 60)")
    p.set_defaults(func=cmd_timings)

    p = sub.add_parser("grade", help="grade a submitted notebook, or a folder of them")
    p.add_argument("submission", help="a .ipynb file or a folder of them (any file names)")
    p.add_argument("--lesson", help="lesson number, if the notebooks' metadata lost it")
    p.add_argument("-j", "--jobs", type=int, default=2, help="notebooks graded at once (default 2)")
    p.add_argument("--timeout", type=float, default=120, help="seconds allowed per exercise (default 120)")
    p.add_argument("--memory", type=int, default=4096, help="memory cap per exercise in MB (default 4096)")
    p.add_argument("--out", default="grades", help="output folder (default grades/)")
    p.add_argument("--force", action="store_true", help="grade again notebooks already graded in --out")
    p.add_argument("--seed", type=int, help="fix the random test inputs (default: new ones each run)")
    p.add_argument("--gradescope", metavar="FILE", help="also write Gradescope's results.json for one notebook")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run students' code WITHOUT the bubblewrap sandbox (only for notebooks you trust; recorded in every result)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("data", help="verify the checksums of every dataset in data/")
    p.set_defaults(func=cmd_data)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
