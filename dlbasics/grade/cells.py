"""Finding a learner's answers in a notebook, and turning Jupyter cells into Python.

Notebooks reach the grader from many editors: JupyterLab keeps our cell ids and metadata;
Colab saves format 4.0-4.4 without ids (its own `metadata.id` instead); copying cells into a
fresh notebook or a jupytext round trip gives new ids. So an exercise is found by the first
rule that matches, and the result records which one:

1. "cell id":           the lesson template's id for the exercise cell;
2. "exercise metadata": a cell whose metadata says {"dlbasics": {"exercise": N}};
3. "definition":        a code cell that defines the exercise's function or class at top level.

Under rules 2 and 3, when several cells match, the last one counts: run top to bottom, as
Jupyter's "Run All" does, its definition is the one left standing.

Exercise cells may use Jupyter syntax (`%%time`, `%matplotlib inline`, `!pip install x`).
IPython turns these into calls on `get_ipython()`; the runner's stand-in ignores them (no
shell, no installs), except that the cell magics %%time and %%capture run their body, as
Jupyter does. `to_python` says which lines were ignored, for the feedback.
"""
import ast
import itertools
import re

RULES = ("cell id", "exercise metadata", "definition")
# Cell magics after which Jupyter runs the body in the notebook's own namespace.
BODY_RUNS = {"time", "capture"}


def _role(cell) -> dict:
    meta = cell.get("metadata", {}).get("dlbasics") if isinstance(cell.get("metadata"), dict) else None
    return meta if isinstance(meta, dict) else {}


def _is_code(cell) -> bool:
    return cell.get("cell_type") == "code" and isinstance(cell.get("source"), str)


def defines(source: str, name: str) -> bool:
    """Does this cell define `name` at top level (def, class, or assignment)?"""
    try:
        tree = ast.parse(to_python(source)[0])
    except (SyntaxError, ValueError):
        return re.search(rf"^(async\s+)?(def|class)\s+{re.escape(name)}\b", source, re.M) is not None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return True
    return False


def find_answers(submission_cells, template_cells, titles: dict) -> dict:
    """{exercise number: (source or None, rule or None)} for each exercise of the template.
    `titles` maps exercise numbers to the name each exercise's cell must define."""
    by_id = {c.get("id"): c for c in submission_cells if c.get("id")}
    code = [c for c in submission_cells if _is_code(c)]
    found = {}
    for cell in template_cells:
        number = _role(cell).get("exercise")
        if not number:
            continue
        theirs = by_id.get(cell.get("id"))
        if theirs is not None and _is_code(theirs):
            found[number] = (theirs["source"], RULES[0])
            continue
        tagged = [c for c in code if _role(c).get("exercise") == number]
        if tagged:
            found[number] = (tagged[-1]["source"], RULES[1])
            continue
        defining = [c for c in code if titles.get(number) and defines(c["source"], titles[number])
                    and not _role(c).get("check")]
        found[number] = (defining[-1]["source"], RULES[2]) if defining else (None, None)
    return found


def _magic_name(line: str) -> str:
    return line.lstrip("%").split(None, 1)[0] if line.strip("%").strip() else ""


def to_python(source: str) -> tuple[str, list[str]]:
    """(Python source, the Jupyter-only lines that will do nothing), as IPython transforms a cell.
    Line numbers are kept, so an error's line number points at the learner's own line."""
    from IPython.core.inputtransformer2 import TransformerManager

    lines = source.splitlines()
    ignored = []
    first = next((i for i, l in enumerate(lines) if l.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        magic = lines[first].strip()
        if _magic_name(magic) in BODY_RUNS:
            ignored.append(f"line {first + 1}: {magic} (timing/capture only; the cell's code ran)")
            lines[first] = "# " + magic          # a comment keeps the line numbers
        else:   # %%bash, %%writefile, %%html ...: Jupyter does not run the cell as Python either
            return "", [f"line {first + 1}: {magic} (the whole cell: it is not Python code)"]
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith("%") and not stripped.startswith("%%") and _magic_name(stripped) in BODY_RUNS:
            ignored.append(f"line {i + 1}: {stripped} (timing only; the statement ran)")
        elif stripped.startswith(("%", "!")) or re.match(r"^[\w.,\s]+=\s*[!%]", stripped):
            ignored.append(f"line {i + 1}: {stripped}")
    python = TransformerManager().transform_cell("\n".join(lines) + "\n")
    leading = len(lines) - len(list(itertools.dropwhile(lambda l: not l.strip(), lines)))
    return "\n" * leading + python, ignored          # IPython drops leading blank lines


class Shell:
    """What `get_ipython()` returns in the runner: magics and shell escapes do nothing."""

    def __init__(self, namespace):
        self.user_ns = namespace

    def run_line_magic(self, name, line, *args, **kwargs):
        if name in BODY_RUNS:          # `%time x = f()` runs the statement, as in Jupyter
            exec(compile(line, "<your answer>", "exec"), self.user_ns)
        return None

    def run_cell_magic(self, name, line, cell, *args, **kwargs):
        if name in BODY_RUNS:          # reached only if a transformer nested one; run it like Jupyter
            exec(compile(to_python(cell)[0], "<your answer>", "exec"), self.user_ns)
        return None

    def system(self, *args, **kwargs):
        return None

    def getoutput(self, *args, **kwargs):
        return []

    def __getattr__(self, name):       # any other IPython API: a harmless no-op
        return lambda *a, **k: None
