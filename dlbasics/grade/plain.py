"""Plain data across the process boundary: what a learner's code produced travels from the
runner to the scorer as an .npz of numeric arrays plus a JSON description of their nesting.
Nothing is pickled, so reading it cannot run code."""
import json

import numpy as np


class NotPlain(TypeError):
    """A result that is not numbers, arrays, strings, or lists/tuples/dicts of them."""


def encode(value, arrays, path="r"):
    if isinstance(value, dict):
        return {"dict": {str(k): encode(v, arrays, f"{path}.{i}") for i, (k, v) in enumerate(value.items())}}
    if isinstance(value, (tuple, list)):
        return {type(value).__name__: [encode(v, arrays, f"{path}.{i}") for i, v in enumerate(value)]}
    if value is None or isinstance(value, (bool, str)):
        return {"json": value}
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return {"json": value.item() if isinstance(value, np.generic) else value}
    try:
        array = np.asarray(value)
    except Exception:
        raise NotPlain(f"a {type(value).__name__} cannot be graded") from None
    if array.dtype.kind not in "biufc":
        raise NotPlain(f"an array of {array.dtype} cannot be graded; return numbers")
    arrays[path] = array
    return {"array": path}


def decode(spec, arrays):
    (kind, body), = spec.items()
    if kind == "dict":
        return {k: decode(v, arrays) for k, v in body.items()}
    if kind in ("list", "tuple"):
        items = [decode(v, arrays) for v in body]
        return tuple(items) if kind == "tuple" else items
    if kind == "json":
        return body
    return arrays[body]


def save(value, path):
    arrays = {}
    spec = encode(value, arrays)
    np.savez(path, __spec__=np.frombuffer(json.dumps(spec).encode(), dtype=np.uint8), **arrays)


def load(path):
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    spec = json.loads(arrays.pop("__spec__").tobytes().decode())
    return decode(spec, arrays)
