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

    p = sub.add_parser("data", help="verify the checksums of every dataset in data/")
    p.set_defaults(func=cmd_data)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
