"""dlbasics as a package for Colab, Kaggle and pip (issue 15), the fast part: the version floors
agree everywhere, every lesson starts with the same generated Colab/Kaggle cell, that cell does
nothing on a learner's own computer and says clearly what is wrong on a platform, and the data is
found inside an installed package. The slow part (fresh environments, pip, whole lessons) is
tests/test_platforms.py, run by `make test-colab`."""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib

import nbformat
import pytest

from dlbasics import build, data, notebook

ROOT = build.ROOT
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
COURSE = build.settings()
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
PLATFORM_VARS = ("COLAB_RELEASE_TAG", "KAGGLE_KERNEL_RUN_TYPE", "DLBASICS_INSTALL_FROM", "DLBASICS_DATA")


def _pins(path):
    """{name: version} of the `name==version` lines of a requirements file (markers dropped)."""
    pins = {}
    for line in path.read_text().splitlines():
        m = re.match(r"\s*([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==([0-9][0-9.]*)", line)
        if m:
            pins[m[1].lower().replace("_", "-")] = m[2]
    return pins


def _floors():
    return {name.replace("_", "-"): v for name, v in COURSE["floors"].items()}


def _number(version):
    return tuple(int(x) for x in version.split("."))


def test_floor_requirements_install_exactly_the_declared_floors():
    floors, pinned = _floors(), _pins(ROOT / "requirements-floor.txt")
    for name, floor in floors.items():
        installed_as = "tensorflow-cpu" if name == "tensorflow" else name
        assert pinned.get(installed_as) == floor, \
            f"requirements-floor.txt must pin {installed_as}=={floor}, the floor pyproject.toml declares"
    assert set(floors) == {n.lower().replace("_", "-") for n in
                           [re.match(r"[A-Za-z0-9_.-]+", d)[0] for d in PYPROJECT["project"]["dependencies"]]} | {"tensorflow"}


def test_the_exact_pins_are_within_the_declared_ranges():
    pins = _pins(ROOT / "requirements-base.txt") | _pins(ROOT / "requirements.txt")
    for name, floor in _floors().items():
        pinned = pins["tensorflow-cpu" if name == "tensorflow" else name]
        assert _number(pinned) >= _number(floor), f"requirements pin {name}=={pinned} below its floor {floor}"


def test_repository_url_is_one_setting():
    url = PYPROJECT["project"]["urls"]["Repository"]
    assert COURSE["url"] == url.rstrip("/")
    for path in [ROOT / "README.md", *LESSONS]:
        assert url in path.read_text(), f"{path.name}: no badge or install command from [project.urls]"
    # nowhere else is it written by hand: the build derives every copy
    for path in [ROOT / "dlbasics" / "build.py", ROOT / "dlbasics" / "data.py", ROOT / "Makefile"]:
        assert url not in path.read_text()


def test_every_package_folder_is_in_the_wheel():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {"dlbasics" + "".join("." + part for part in p.parent.relative_to(ROOT / "dlbasics").parts)
             for p in (ROOT / "dlbasics").rglob("__init__.py")}
    assert found <= listed, f"pyproject.toml [tool.setuptools] packages lacks {sorted(found - listed)}"
    assert PYPROJECT["tool"]["setuptools"]["package-dir"]["dlbasics._data"] == "data"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_opens_with_badges_and_the_platform_cell(path):
    nb = nbformat.read(path, 4)
    title, cell = nb.cells[0], nb.cells[1]
    colab, kaggle = build.badge_links(path.name, COURSE["url"])
    assert title.source.splitlines()[0].startswith(f"# {path.name[:2]} ")   # the grader reads line 1
    assert colab in title.source and kaggle in title.source
    assert cell.id == build.PLATFORM_CELL_ID and build.role(cell) == {"platform": True}
    assert cell.source == build.platform_cell_source(COURSE["url"], COURSE["floors"])
    assert notebook.setup_cell(nb).id != build.PLATFORM_CELL_ID, "the grader's setup cell is the lesson's own"


def test_platform_cell_is_short_and_names_the_floors():
    source = build.platform_cell_source(COURSE["url"], COURSE["floors"])
    lines = [line for line in source.splitlines() if COURSE["url"] not in line]
    assert len(source.splitlines()) <= 38 and max(map(len, lines)) <= 120
    for name in ("tensorflow", "keras", "numpy"):
        assert f"'{name}': '{COURSE['floors'][name]}'" in source
    assert f"git+{COURSE['url']}@{build.BRANCH}" in source


def _run_cell(tmp_path, extra_env=None, pythonpath=()):
    """Run the platform cell in a plain Python process (as a kernel would), with a clean env."""
    script = (build.platform_cell_source(COURSE["url"], COURSE["floors"])
              + "\nprint('heavy modules loaded:', sorted({'tensorflow', 'keras', 'numpy', 'pip'} & set(sys.modules)))\n")
    env = {k: v for k, v in os.environ.items() if k not in PLATFORM_VARS and k != "PYTHONPATH"}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + "/usr/bin:/bin"   # no nvidia-smi here
    env["PYTHONPATH"] = os.pathsep.join(map(str, pythonpath))
    env.update(extra_env or {})
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path)
    return result, time.perf_counter() - start


def test_platform_cell_does_nothing_on_your_own_computer(tmp_path):
    result, seconds = _run_cell(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "heavy modules loaded: []\n" and result.stderr == ""
    assert seconds < 5


@pytest.mark.parametrize("marker, where", [("COLAB_RELEASE_TAG", "Runtime > Change runtime type"),
                                           ("KAGGLE_KERNEL_RUN_TYPE", "Settings > Accelerator")])
def test_platform_cell_with_dlbasics_present_only_hints_at_the_gpu(tmp_path, marker, where):
    # dlbasics importable (PYTHONPATH): nothing to install; the install source would fail if tried
    result, _ = _run_cell(tmp_path, {marker: "1", "DLBASICS_INSTALL_FROM": str(tmp_path / "nowhere")}, [ROOT])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("No GPU attached") and where in lines[0]
    assert "Installed" not in result.stdout
    assert "'tensorflow'" not in lines[-1] and "'numpy'" not in lines[-1], "a version check must not import them"


def _fake_distribution(folder, name, version):
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


def test_platform_cell_stops_with_advice_when_a_version_is_too_old(tmp_path):
    fake = tmp_path / "platform"
    _fake_distribution(fake, "numpy", "1.26.4")
    _fake_distribution(fake, "keras", "2.15.0")
    result, _ = _run_cell(tmp_path, {"COLAB_RELEASE_TAG": "1", "DLBASICS_INSTALL_FROM": str(tmp_path / "nowhere")}, [fake])
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("RuntimeError: Too old for this course:")
    assert f"numpy 1.26.4 (needs {COURSE['floors']['numpy']})" in message
    assert f"keras 2.15.0 (needs {COURSE['floors']['keras']})" in message
    assert "tensorflow" not in message.split("Colab:")[0]          # TensorFlow 2.21 is fine
    assert "Runtime version: Latest" in message and "Always use latest" in message
    assert "upgrade Keras alone" not in message     # NumPy is old too: a new runtime is the fix


def test_platform_cell_offers_a_keras_upgrade_when_only_keras_is_too_old(tmp_path):
    fake = tmp_path / "platform"
    _fake_distribution(fake, "keras", "3.10.0")
    result, _ = _run_cell(tmp_path, {"KAGGLE_KERNEL_RUN_TYPE": "Interactive"}, [fake])
    message = result.stderr.strip().splitlines()[-1]
    assert f'%pip install "keras>={COURSE["floors"]["keras"]}", then restart the session.' in message


def test_data_is_found_in_an_installed_package(tmp_path):
    """Outside the repository, dlbasics.data uses the copy a wheel carries (dlbasics/_data);
    DLBASICS_DATA still wins when set."""
    site = tmp_path / "site-packages"
    shutil.copytree(ROOT / "dlbasics", site / "dlbasics", ignore=shutil.ignore_patterns("__pycache__"))
    (site / "dlbasics" / "_data").symlink_to(data.DATA_DIR)
    code = "from dlbasics import data; print(data.DATA_DIR); print(data.verify('seattle_weather'))"
    env = {k: v for k, v in os.environ.items() if k not in PLATFORM_VARS}
    env["PYTHONPATH"] = str(site)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [str(site / "dlbasics" / "_data"),
                                       str(site / "dlbasics" / "_data" / "seattle_weather.csv")]
    env["DLBASICS_DATA"] = str(tmp_path / "elsewhere")
    out = subprocess.run([sys.executable, "-c", "from dlbasics import data; print(data.DATA_DIR)"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.stdout.strip() == str(tmp_path / "elsewhere")


def test_readme_shows_the_commands_without_make():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Without make", 1)[1].split("\n## ", 1)[0]
    for command in ("-m venv .venv", "-m pip install -r requirements.txt -e .", "jupyter lab lessons", "-m pytest"):
        assert command in section
    versions = readme.split("## Versions", 1)[1].split("\n## ", 1)[0]
    for name in ("tensorflow", "keras", "numpy"):
        assert COURSE["floors"][name] in versions, f"README's Versions lacks the {name} floor"


def test_ci_runs_the_floor_and_platform_steps_after_make_test():
    commands = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert commands.index("make test") < commands.index("make test-floor") < commands.index("make test-colab")


def test_an_older_keras_gets_a_copy_of_a_shipped_model_it_can_read(monkeypatch, tmp_path):
    """Keras 3.15 writes config keys (initializers' axes, quantization, renorm) that the floor's
    Keras refuses; model_path gives an older Keras a copy without them, same weights."""
    import importlib.metadata
    import tempfile
    import zipfile

    import keras
    import numpy as np

    real_version = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "3.10.0" if name == "keras" else real_version(name))
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    original = data.verify("cnn_fashion")
    copy = data.model_path("cnn_fashion")
    digest = hashlib.sha256(original.read_bytes()).hexdigest()[:16]
    assert copy == tmp_path / "dlbasics-models-keras-3.10.0" / digest / "cnn_fashion.keras"
    with zipfile.ZipFile(original) as old, zipfile.ZipFile(copy) as new:
        assert new.read("model.weights.h5") == old.read("model.weights.h5")
        config = new.read("config.json").decode()
    assert not [key for key in data._NEWER_KERAS_DEFAULTS if f'"{key}"' in config]
    x = np.random.default_rng(0).integers(0, 255, (4, 28, 28, 1)).astype("float32")
    assert np.array_equal(keras.models.load_model(original)(x), keras.models.load_model(copy)(x))
    # A retrained model (other bytes, same name) gets a copy of its own, not the previous model's.
    retrained = tmp_path / "retrained" / "cnn_fashion.keras"
    retrained.parent.mkdir()
    with zipfile.ZipFile(original) as old, zipfile.ZipFile(retrained, "w") as out:
        for item in old.infolist():
            out.writestr(item, old.read(item.filename) + (b" " if item.filename == "metadata.json" else b""))
    fresh = data._readable_by_this_keras(retrained)
    assert fresh != copy and fresh.read_bytes() != copy.read_bytes()
    monkeypatch.setattr(importlib.metadata, "version", real_version)
    assert data.model_path("cnn_fashion") == original, "the Keras that saved it reads the original"


def test_weights_alone_are_handed_over_as_they_are(tmp_path):
    weights = tmp_path / "encoder.weights.h5"
    weights.write_bytes(b"\x89HDF\r\n\x1a\n")
    assert data._readable_by_this_keras(weights) == weights
