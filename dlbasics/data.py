"""Offline datasets: everything a lesson loads lies in data/ (checksummed) or is made by code.

Nothing here downloads. A missing or altered file stops with a message that names it and says
how to get it back, instead of a confusing error deep inside pandas or TensorFlow.
"""
import hashlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

CHECKSUMS = "checksums.sha256"


def _find_data_dir() -> Path:
    """Where the course data lies, first match wins: the folder named by DLBASICS_DATA; the
    repository's data/ (a clone, or `pip install -e .`); the copy inside an installed wheel
    (`dlbasics/_data`, put there at build time: pyproject.toml maps data/ into the package)."""
    if os.environ.get("DLBASICS_DATA"):
        return Path(os.environ["DLBASICS_DATA"])
    package = Path(__file__).resolve().parent
    candidates = [package.parent / "data", package / "_data"]
    return next((c for c in candidates if (c / CHECKSUMS).is_file()), candidates[0])


DATA_DIR = _find_data_dir()

FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# Each dataset is the set of files under its folder (or the one file) named here.
DATASETS = {
    "fashion_mnist": "tfds/fashion_mnist",
    "seattle_weather": "seattle_weather.csv",
    "diabetes": "diabetes.csv",
    "co2": "co2_weekly.csv",
    "sunspots": "sunspots_yearly.csv",
    "ucr": "ucr",
    "rotten_tomatoes": "rotten_tomatoes.csv",
    "hamlet": "hamlet.txt",
    "digits": "digits.csv",
    # Trained models (data/models/, each made by a script in scripts/; see data/README.md).
    "dec_autoencoder": "models/dec_autoencoder.keras",
    "char_hamlet": "models/char_hamlet.keras",
    "dates_seq2seq": "models/dates_seq2seq.keras",
    "cartpole_policy": "models/cartpole_policy.keras",
    "dcgan_fashion_generator": "models/dcgan_fashion_generator.keras",
    "cnn_fashion": "models/cnn_fashion.keras",
    "gpt_hamlet": "models/gpt_hamlet.weights.h5",
    "review_encoder": "models/review_encoder.weights.h5",
    "vae_fashion": "models/vae_fashion.keras",
    "ddpm_fashion": "models/ddpm_fashion.keras",
    "resnet_fashion5": "models/resnet_fashion5.keras",
}

HOW_TO_FIX = ("Restore it with `git checkout -- data/` (or `git lfs pull` if your clone uses LFS), "
              "or rebuild data/ with `make data` as data/README.md explains; installed with pip, "
              "reinstall: `pip install --force-reinstall --no-deps dlbasics`.")


class DataError(RuntimeError):
    """A course data file is missing or does not match its recorded checksum."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _recorded(data_dir: Path) -> dict:
    listing = data_dir / CHECKSUMS
    if not listing.exists():
        raise DataError(f"The course data folder {data_dir} has no {CHECKSUMS}: "
                        f"is DLBASICS_DATA pointing at the repository's data/ folder? {HOW_TO_FIX}")
    sums = {}
    for line in listing.read_text().splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.strip()] = digest
    return sums


@lru_cache(maxsize=None)
def verify(name: str, data_dir: Path = DATA_DIR) -> Path:
    """Check every file of dataset `name` against data/checksums.sha256; return its path."""
    if name not in DATASETS:
        raise KeyError(f"Unknown dataset {name!r}; the course ships {sorted(DATASETS)}")
    prefix = DATASETS[name]
    files = {p: d for p, d in _recorded(data_dir).items() if p == prefix or p.startswith(prefix + "/")}
    if not files:
        raise DataError(f"data/{CHECKSUMS} lists no files for {name!r}. {HOW_TO_FIX}")
    recorded = {p.relative_to(data_dir).as_posix() for p in (data_dir / prefix).rglob("*") if p.is_file()} \
        if (data_dir / prefix).is_dir() else set()
    if recorded - set(files):
        raise DataError(f"Dataset {name!r}: data/{sorted(recorded - set(files))[0]} is not in data/{CHECKSUMS}. {HOW_TO_FIX}")
    for rel, digest in sorted(files.items()):
        path = data_dir / rel
        if not path.exists():
            raise DataError(f"Dataset {name!r}: file data/{rel} is missing. {HOW_TO_FIX}")
        if _sha256(path) != digest:
            raise DataError(f"Dataset {name!r}: file data/{rel} is corrupt or was changed "
                            f"(its SHA-256 differs from data/{CHECKSUMS}). {HOW_TO_FIX}")
    return data_dir / prefix


def tfds_dir() -> str:
    """The `data_dir` to give `tfds.load(..., download=False)` for the course's image datasets."""
    verify("fashion_mnist")
    return str(DATA_DIR / "tfds")


def fashion_mnist(split: str = "train", limit: int | None = None):
    """Fashion-MNIST as NumPy arrays: images (n, 28, 28, 1) uint8 and labels (n,) int64.

    Reads the TFDS copy in data/ (20,000 training and 5,000 test images of the original
    60,000 + 10,000). `split` takes TFDS syntax too, e.g. "train[:2000]".
    """
    import tensorflow_datasets as tfds

    if limit is not None:
        split = f"{split}[:{limit}]"
    ds = tfds.load("fashion_mnist", split=split, data_dir=tfds_dir(), download=False,
                   as_supervised=True, batch_size=-1)
    x, y = tfds.as_numpy(ds)
    return x, y


def seattle_weather():
    """Daily weather at Seattle, 2012-2015: date, precipitation (mm), temp_max and temp_min (°C),
    wind (m/s) and a weather label. One row per day, 1,461 rows."""
    import pandas as pd

    path = verify("seattle_weather")
    return pd.read_csv(path, parse_dates=["date"])


def diabetes():
    """442 diabetes patients: ten measurements and `target`, disease progression a year later."""
    import pandas as pd

    return pd.read_csv(verify("diabetes"))


def co2():
    """Weekly mean CO2 at Mauna Loa (ppm), 1958-2001: columns date, co2 (59 weeks missing, NaN)."""
    import pandas as pd

    return pd.read_csv(verify("co2"), parse_dates=["date"])


def sunspots():
    """Yearly mean sunspot number, 1700-2008: columns year, sunspots."""
    import pandas as pd

    return pd.read_csv(verify("sunspots"))


UCR_SETS = ("JapaneseVowels", "ItalyPowerDemand", "BasicMotions")


def ucr(name: str, split: str = "train"):
    """A UCR/UEA classification set from its original `.ts` file.

    Returns (series, labels): a list of float32 arrays of shape (time steps, channels) -- the
    lengths differ for JapaneseVowels -- and an int64 array of class indices 0..k-1 (the file's
    class labels in the order its header lists them).
    """
    if name not in UCR_SETS:
        raise KeyError(f"Unknown UCR set {name!r}; the course ships {list(UCR_SETS)}")
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    path = verify("ucr") / name / f"{name}_{split.upper()}.ts"
    classes, series, labels = None, [], []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.lower().startswith("@classlabel"):
            classes = line.split()[2:]
        elif not line.startswith("@"):
            *channels, label = line.split(":")
            values = [np.array([float(v) for v in c.split(",")], dtype="float32") for c in channels]
            series.append(np.stack(values, axis=-1))
            labels.append(classes.index(label.strip()))
    return series, np.array(labels, dtype="int64")


def rotten_tomatoes():
    """12,808 movie-review snippets: columns text, label (1 positive, 0 negative), movie."""
    import pandas as pd

    return pd.read_csv(verify("rotten_tomatoes"))


def hamlet() -> str:
    """The full text of Shakespeare's Hamlet (public domain) as one string."""
    return verify("hamlet").read_text(encoding="utf-8")


def digits():
    """1,797 handwritten digits: images (n, 8, 8) float32 in 0..16 and labels (n,) int64."""
    import pandas as pd

    df = pd.read_csv(verify("digits"))
    return df.drop(columns="target").to_numpy("float32").reshape(-1, 8, 8), df["target"].to_numpy("int64")


def model_path(name: str) -> Path:
    """The verified path of a trained model shipped in data/models/ (see data/README.md).

    The models are saved by the Keras of requirements.txt. An older Keras (the course supports
    down to the floor in pyproject.toml, e.g. on Colab or Kaggle) refuses the config keys that
    later releases added, even at their default values: then this returns a copy, made once, whose
    config leaves those keys out. The weights are the same bytes, so the model is the same.
    """
    return _readable_by_this_keras(verify(name))


# Config keys that Keras releases after the course's floor write into every saved model, with the
# value that means "as before" (3.15: initializers' axes, quantization; BatchNormalization's renorm).
_NEWER_KERAS_DEFAULTS = {"input_axes": None, "output_axes": None, "quantization_config": None,
                         "renorm": False, "renorm_clipping": None, "renorm_momentum": 0.99}


def _version_tuple(text: str) -> tuple:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


def _readable_by_this_keras(path: Path) -> Path:
    import json
    import tempfile
    import zipfile
    from importlib.metadata import version

    if path.suffix != ".keras" or not zipfile.is_zipfile(path):
        return path                   # weights alone (.weights.h5): no config to read
    running = version("keras")
    with zipfile.ZipFile(path) as saved:
        saved_by = json.loads(saved.read("metadata.json"))["keras_version"]
        if _version_tuple(running) >= _version_tuple(saved_by):
            return path
        # Keyed by the shipped file's content: a model retrained and pulled later gets a fresh copy
        # (keyed by name alone, an older Keras kept reading the copy of the previous model).
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        copy = Path(tempfile.gettempdir()) / f"dlbasics-models-keras-{running}" / digest / path.name
        if not copy.exists():

            def older(node):
                if isinstance(node, dict):
                    return {k: older(v) for k, v in node.items()
                            if not (k in _NEWER_KERAS_DEFAULTS and v == _NEWER_KERAS_DEFAULTS[k])}
                return [older(v) for v in node] if isinstance(node, list) else node

            copy.parent.mkdir(parents=True, exist_ok=True)
            partial = copy.with_suffix(f".{os.getpid()}.part")
            with zipfile.ZipFile(partial, "w") as out:
                for item in saved.infolist():
                    content = saved.read(item.filename)
                    if item.filename == "config.json":
                        content = json.dumps(older(json.loads(content))).encode()
                    out.writestr(item, content)
            os.replace(partial, copy)
    return copy


def two_spirals(n: int = 1000, noise: float = 0.25, turns: float = 1.75, seed: int = 0):
    """Two interleaved spirals in the plane: points (n, 2) float32, labels (n,) 0/1.

    Made by code, not stored: a classic problem no straight line (and no shallow, narrow
    network) can separate.
    """
    rng = np.random.default_rng(seed)
    k = n // 2
    t = np.sqrt(rng.uniform(0, 1, k)) * turns * 2 * np.pi
    arm = np.c_[t * np.cos(t), t * np.sin(t)] / (turns * 2 * np.pi) * 4
    x = np.concatenate([arm, -arm]) + rng.normal(0, noise * 0.4, (2 * k, 2))
    y = np.r_[np.zeros(k), np.ones(k)].astype("int64")
    order = rng.permutation(2 * k)
    return x[order].astype("float32"), y[order]
