"""The full Fashion-MNIST (60,000 + 10,000) from Debian's package, for the data build and the
training scripts only (lessons use the subset in data/). `apt-get install dataset-fashion-mnist`."""
import gzip
import sys
from pathlib import Path

import numpy as np

SOURCE = Path("/usr/share/datasets/fashion-mnist")


def available() -> bool:
    return SOURCE.exists()


def load(split: str = "train"):
    """Images (n, 28, 28, 1) uint8 and labels (n,) int64 of split "train" or "test", in file order."""
    if not available():
        sys.exit(f"{SOURCE} not found: apt-get install dataset-fashion-mnist")
    prefix = {"train": "train", "test": "t10k"}[split]

    def idx(name, offset, shape):
        raw = gzip.open(SOURCE / name).read()
        return np.frombuffer(raw, np.uint8, offset=offset).reshape(shape)

    x = idx(f"{prefix}-images-idx3-ubyte.gz", 16, (-1, 28, 28, 1))
    y = idx(f"{prefix}-labels-idx1-ubyte.gz", 8, (-1,)).astype("int64")
    return x, y
