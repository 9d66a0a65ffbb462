"""Generate lessons/ from solutions/: one authored notebook, two versions.

In a solution notebook, exercise code sits between `### BEGIN SOLUTION` and `### END SOLUTION`
in a cell whose metadata says `{"dlbasics": {"exercise": N}}`; the cell that checks it says
`{"dlbasics": {"check": N}}`; `"points": P` in the exercise's metadata sets its marks (default 1),
shown on the lesson's exercise cell. The lesson keeps everything else (signature, docstring, prose),
turns each solution block into a stub that raises NotImplementedError, drops all outputs,
keeps the cell ids (graders and diffs rely on them) and tags exercise and check cells
`raises-exception` so a learner (and nbval) can run the whole lesson with exercises unsolved.
"""
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS, LESSONS = ROOT / "solutions", ROOT / "lessons"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
NAME = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")
RAISES = "raises-exception"


class BuildError(ValueError):
    """A solution notebook breaks the authoring conventions (the message says where)."""


def role(cell) -> dict:
    return cell.get("metadata", {}).get("dlbasics", {})


def stub_source(source: str, number: int, where: str) -> str:
    """Replace every solution block of a cell's source by a NotImplementedError stub."""
    out, inside, indent = [], False, ""
    for lineno, line in enumerate(source.splitlines(), 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise BuildError(f"{where}, line {lineno}: {BEGIN} inside another solution block")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            out += [f"{indent}# YOUR CODE HERE",
                    f'{indent}raise NotImplementedError("Exercise {number}: replace this line with your code")']
        elif stripped == END:
            if not inside:
                raise BuildError(f"{where}, line {lineno}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise BuildError(f"{where}: {BEGIN} is never closed by {END}")
    return "\n".join(out)


def lesson_from_solution(sol, name: str):
    """The learner's version of solution notebook `sol` (a NotebookNode), validated."""
    nb = nbformat.v4.new_notebook(metadata=dict(sol.metadata), nbformat=4, nbformat_minor=5)
    nb.metadata["dlbasics"] = {"lesson": name[:2]}   # how a grader knows which lesson came back
    seen_ex, seen_check = [], []
    for i, cell in enumerate(sol.cells):
        where = f"solutions/{name}, cell {i} (id {cell.get('id')})"
        if "id" not in cell:
            raise BuildError(f"{where}: no cell id; save it with Jupyter 7 / nbformat >= 4.5")
        src = cell.source
        info = role(cell)
        new = nbformat.from_dict({k: v for k, v in cell.items() if k not in ("outputs", "execution_count")})
        new.metadata = {k: v for k, v in cell.metadata.items() if k not in ("execution", "scrolled", "collapsed")}
        if cell.cell_type == "code":
            new.outputs, new.execution_count = [], None
            if BEGIN in src or END in src:
                if "exercise" not in info:
                    raise BuildError(f"{where}: has {BEGIN} but no metadata dlbasics.exercise")
            if "exercise" in info:
                if BEGIN not in src:
                    raise BuildError(f"{where}: an exercise cell without a {BEGIN} block")
                seen_ex.append(info["exercise"])
                points = info.get("points", 1)
                header = f"# \u270f\ufe0f Exercise {info['exercise']} ({points} point{'s' if points != 1 else ''})"
                new.source = header + "\n" + stub_source(src, info["exercise"], where)
            if "check" in info:
                seen_check.append(info["check"])
            if "exercise" in info or "check" in info:
                tags = list(new.metadata.get("tags", []))
                new.metadata["tags"] = tags + [RAISES] if RAISES not in tags else tags
        elif BEGIN in src:
            raise BuildError(f"{where}: solution markers belong in code cells")
        nb.cells.append(new)
    want = list(range(1, len(seen_ex) + 1))
    if sorted(seen_ex) != want or sorted(seen_check) != want:
        raise BuildError(f"solutions/{name}: exercises {sorted(seen_ex)} and checks {sorted(seen_check)} "
                         f"must both be numbered 1..N, each once")
    if len(seen_ex) < 3:
        raise BuildError(f"solutions/{name}: {len(seen_ex)} exercises; a lesson has at least 3")
    return nb


def dumps(nb) -> str:
    return nbformat.writes(nb) + "\n"


def solution_paths(root: Path = ROOT):
    paths = sorted((root / "solutions").glob("*.ipynb"))
    for p in paths:
        if not NAME.match(p.name):
            raise BuildError(f"solutions/{p.name}: notebooks are named NN_topic.ipynb (e.g. 02_activation_functions.ipynb)")
    return paths


def build(root: Path = ROOT, check: bool = False) -> list[str]:
    """Write (or with check=True, only compare) every lesson. Returns the problems found."""
    problems = []
    sources = solution_paths(root)
    for path in sources:
        sol = nbformat.read(path, as_version=4)
        text = dumps(lesson_from_solution(sol, path.name))
        target = root / "lessons" / path.name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if check:
            problems.append(f"lessons/{path.name} is {'missing' if current is None else 'stale'}: run `dlbasics build`")
        else:
            target.parent.mkdir(exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote lessons/{path.name}")
    names = {p.name for p in sources}
    for extra in sorted((root / "lessons").glob("*.ipynb")):
        if extra.name not in names:
            problems.append(f"lessons/{extra.name} has no source solutions/{extra.name}")
    return problems


def execute(path: Path, timeout: int = 600) -> float:
    """Run a solution notebook top to bottom in place (outputs refreshed); returns seconds."""
    import time

    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:                     # keep diffs quiet: timing metadata changes every run
        cell.metadata.pop("execution", None)
    path.write_text(dumps(nb), encoding="utf-8")
    return seconds
