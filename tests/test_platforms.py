"""Simulated Colab and Kaggle (issue 15): a lesson notebook alone in an empty folder, run top to
bottom in a fresh Python environment that has what such a platform has (TensorFlow, Keras,
NumPy, ... at the course's floor versions) but not dlbasics and not gymnasium, with the
platform's marker (a stand-in `google.colab` module imported at start-up, as Colab does, or
Kaggle's KAGGLE_KERNEL_RUN_TYPE). The lesson's generated first cell must install dlbasics with
its data (Colab: from a `file://` git clone of this repository, as from GitHub; Kaggle: from a
built wheel), install what else is missing, and leave TensorFlow, Keras and NumPy alone.

Slow (a venv, pip and two whole lessons per platform): skipped in `make test`; `make test-colab`
runs it (CI too, after `make test`), with DLBASICS_PLATFORM_TESTS naming the floor venv
(`make test-floor`'s), whose packages play the platform's.
"""
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from dlbasics import build, data

FLOOR_VENV = os.environ.get("DLBASICS_PLATFORM_TESTS")
pytestmark = pytest.mark.skipif(not FLOOR_VENV, reason="slow: run by `make test-colab`")
ROOT = build.ROOT
PY = f"python{sys.version_info.major}.{sys.version_info.minor}"
# What a platform lacks, so that the first cell has something else to install.
MISSING = ("gymnasium", "farama_notifications", "dlbasics")
TIMINGS = {}


def _site(venv: Path) -> Path:
    return venv / "lib" / PY / "site-packages"


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    """This working tree as a git repository of its own (committed or not), like the published one."""
    repo = tmp_path_factory.mktemp("published") / "deep-learning-basics"
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "snapshot"], cwd=repo, check=True)
    return repo


@pytest.fixture(scope="module")
def wheel(snapshot, tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(snapshot)], check=True)
    TIMINGS["build the wheel"] = time.perf_counter() - start
    (path,) = out.glob("dlbasics-*.whl")
    return path


@pytest.fixture(scope="module")
def platform_packages(tmp_path_factory):
    """The platform's preinstalled packages: the floor venv's, less MISSING (links, not copies)."""
    floor = _site(Path(FLOOR_VENV))
    assert (floor / "tensorflow").is_dir(), f"{FLOOR_VENV} is not the floor venv: run `make test-colab`"
    site = tmp_path_factory.mktemp("platform-site-packages")
    for entry in floor.iterdir():
        name = entry.name.lower()
        if entry.suffix == ".pth" or name.startswith(MISSING + ("pip", "setuptools", "_distutils", "__editable__")):
            continue
        (site / entry.name).symlink_to(entry)
    return site


def _fresh_platform(tmp_path, platform_packages, platform):
    """A new venv that sees the platform's packages, and the platform's marker."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = _site(venv)
    (site / "platform-packages.pth").write_text(f"{platform_packages}\n")
    if platform == "colab":
        (site / "google" / "colab").mkdir(parents=True)
        (site / "google" / "colab" / "__init__.py").write_text('"""Stand-in for Colab\'s own package."""\n')
        (site / "zz-colab-kernel.pth").write_text("import google.colab\n")   # Colab's kernel has it loaded
    return venv


def _kernel(tmp_path, venv, env):
    kernels = tmp_path / "jupyter" / "kernels" / "platform"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "simulated platform", "language": "python", "env": env}))
    return tmp_path / "jupyter"


CHECK = """import json, sys, dlbasics, dlbasics.data, numpy, tensorflow, keras, gymnasium
print("WHERE", json.dumps({m: sys.modules[m].__file__ for m in ("dlbasics", "numpy", "tensorflow", "keras", "gymnasium")}))
print("DATA", dlbasics.data.DATA_DIR)"""


def _run_lesson(tmp_path, monkeypatch, platform_packages, platform, lesson, source):
    venv = _fresh_platform(tmp_path, platform_packages, platform)
    env = {"DLBASICS_INSTALL_FROM": source, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.update({"colab": {"COLAB_RELEASE_TAG": "release-colab-simulated"},
                "kaggle": {"KAGGLE_KERNEL_RUN_TYPE": "Interactive"}}[platform])
    for name in ("PYTHONPATH", "DLBASICS_DATA", "VIRTUAL_ENV", "COLAB_RELEASE_TAG", "KAGGLE_KERNEL_RUN_TYPE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JUPYTER_PATH", str(_kernel(tmp_path, venv, env)))
    content = tmp_path / "content"            # the lesson alone in an empty folder
    content.mkdir()
    shutil.copy(ROOT / "lessons" / lesson, content / lesson)
    nb = nbformat.read(content / lesson, 4)
    nb.cells.append(nbformat.v4.new_code_cell(CHECK))
    from nbclient import NotebookClient

    start = time.perf_counter()
    NotebookClient(nb, timeout=900, kernel_name="platform", resources={"metadata": {"path": str(content)}}).execute()
    TIMINGS[f"{platform}: {lesson}"] = time.perf_counter() - start
    errors = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(nb.cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error" and "raises-exception" not in c.metadata.get("tags", [])]
    assert not errors, errors
    text = lambda cell: "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    first = nb.cells[1]
    assert first.id == build.PLATFORM_CELL_ID
    assert "Installed dlbasics with the course data." in text(first)
    assert "No GPU attached" in text(first)
    report = text(nb.cells[-1]).splitlines()
    where = json.loads(report[0].removeprefix("WHERE "))
    own = str(_site(venv))
    assert where["dlbasics"].startswith(own) and where["gymnasium"].startswith(own), "what was missing is installed"
    for kept in ("numpy", "tensorflow", "keras"):
        assert where[kept].startswith(str(platform_packages)), f"{kept} must stay the platform's own"
        assert not list(_site(venv).glob(f"{kept}*")), f"pip put a second {kept} into the environment"
    assert report[1] == f"DATA {_site(venv) / 'dlbasics' / '_data'}", "the data comes with the package"
    return nb


@pytest.mark.parametrize("lesson", ["00_ml_vs_deep_learning.ipynb", "09_convolutional_networks.ipynb"])
def test_colab_runs_a_lesson_alone_installing_from_the_git_repository(tmp_path, monkeypatch, platform_packages,
                                                                      snapshot, lesson):
    # (a bare VCS URL: pip refuses `name @ git+file:///...`, a URL with no host, as a requirement)
    _run_lesson(tmp_path, monkeypatch, platform_packages, "colab", lesson, f"git+file://{snapshot}@main")


@pytest.mark.parametrize("lesson", ["00_ml_vs_deep_learning.ipynb", "13_natural_language_processing.ipynb"])
def test_kaggle_runs_a_lesson_alone_installing_from_a_wheel(tmp_path, monkeypatch, platform_packages, wheel, lesson):
    _run_lesson(tmp_path, monkeypatch, platform_packages, "kaggle", lesson, str(wheel))


def test_the_wheel_carries_every_data_file_and_model(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    listed = [line.split(maxsplit=1)[1] for line in (data.DATA_DIR / data.CHECKSUMS).read_text().splitlines() if line]
    missing = [name for name in listed if f"dlbasics/_data/{name}" not in names]
    assert not missing and f"dlbasics/_data/{data.CHECKSUMS}" in names, missing
    assert any(n.startswith("dlbasics/_data/models/") and n.endswith(".keras") for n in names)
    TIMINGS["wheel size (MB)"] = wheel.stat().st_size / 1e6


def test_the_wheel_outside_the_repository_verifies_its_data(tmp_path, wheel, platform_packages):
    venv = _fresh_platform(tmp_path, platform_packages, "none")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DLBASICS_DATA")}
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, env=env)
    result = subprocess.run([venv / "bin" / "dlbasics", "data"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok       ") == len(data.DATASETS)


def test_report_timings():
    """Not a check: prints what the runs above took (pytest -s shows it; CI's log keeps it)."""
    for what, value in TIMINGS.items():
        print(f"{what:50s} {value:7.1f}")
