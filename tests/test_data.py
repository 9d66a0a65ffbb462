"""Offline data: every shipped file matches its checksum, loaders work, and a missing or
corrupt file produces a message that names it and says how to restore it."""
import shutil
import subprocess
import sys

import numpy as np
import pytest

from dlbasics import data


def test_every_dataset_verifies():
    for name in data.DATASETS:
        assert data.verify(name).exists()


def test_checksum_list_covers_every_data_file():
    listed = set(data._recorded(data.DATA_DIR))
    on_disk = {p.relative_to(data.DATA_DIR).as_posix() for p in data.DATA_DIR.rglob("*")
               if p.is_file() and p.name not in ("README.md", data.CHECKSUMS)}
    assert listed == on_disk


def test_readme_records_source_licence_size_and_sha256():
    readme = (data.DATA_DIR / "README.md").read_text()
    for name in data.DATASETS:
        section = readme.split(f"### `{name}`", 1)[1].split("###", 1)[0]
        for field in ("Source:", "Licence:", "MB", "SHA-256"):
            assert field in section, f"data/README.md: {name} lacks {field}"
    for line in (data.DATA_DIR / data.CHECKSUMS).read_text().splitlines():
        digest, path = line.split()
        if not path.endswith((".json", ".txt")):
            assert digest in readme


@pytest.fixture
def data_copy(tmp_path):
    shutil.copytree(data.DATA_DIR, tmp_path / "data")
    return tmp_path / "data"


def test_missing_file_is_named(data_copy):
    (data_copy / "seattle_weather.csv").unlink()
    with pytest.raises(data.DataError, match=r"data/seattle_weather.csv is missing.*make data"):
        data.verify("seattle_weather", data_copy)


def test_corrupt_file_is_named(data_copy):
    shard = next((data_copy / "tfds/fashion_mnist/3.0.1").glob("*train.tfrecord*"))
    with open(shard, "r+b") as f:
        f.seek(1000)
        f.write(b"\x00\x01\x02")
    with pytest.raises(data.DataError, match=r"data/tfds/fashion_mnist/3.0.1/fashion_mnist-train.* is corrupt"):
        data.verify("fashion_mnist", data_copy)


def test_wrong_data_folder_is_explained(tmp_path):
    with pytest.raises(data.DataError, match="DLBASICS_DATA"):
        data.verify("seattle_weather", tmp_path)


def test_unknown_dataset_lists_the_known_ones():
    with pytest.raises(KeyError, match="fashion_mnist"):
        data.verify("imagenet")


def test_cli_data_verifies():
    result = subprocess.run([sys.executable, "-m", "dlbasics.cli", "data"], capture_output=True, text=True)
    assert result.returncode == 0 and "ok       fashion_mnist" in result.stdout


def test_diabetes():
    df = data.diabetes()
    assert df.shape == (442, 11) and "target" in df and df.notna().all().all()


def test_seattle_weather():
    df = data.seattle_weather()
    assert df.shape == (1461, 6) and str(df["date"].dtype).startswith("datetime64")


def test_fashion_mnist_through_tfds_offline():
    import tensorflow_datasets as tfds

    ds, info = tfds.load("fashion_mnist", split="test", data_dir=data.tfds_dir(), download=False,
                         as_supervised=True, with_info=True)
    assert info.splits["train"].num_examples == 20000 and info.splits["test"].num_examples == 5000
    image, label = next(iter(ds))
    assert image.shape == (28, 28, 1) and image.dtype.name == "uint8" and 0 <= int(label) < 10
    x, y = data.fashion_mnist("test", limit=500)
    assert x.shape == (500, 28, 28, 1) and set(np.unique(y)) == set(range(10))


def test_two_spirals_is_reproducible_and_balanced():
    x1, y1 = data.two_spirals(400, seed=3)
    x2, y2 = data.two_spirals(400, seed=3)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert x1.shape == (400, 2) and y1.mean() == 0.5
