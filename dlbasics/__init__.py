"""Helpers for the Deep Learning Basics course.

Importing this package is cheap (no TensorFlow): it only sets environment defaults that must
be in place before TensorFlow loads. `setup()` does the per-notebook rest.
"""
import contextlib
import os
import sys

# Set before TensorFlow is imported anywhere: hides its C++ INFO/WARNING logs, picks the backend.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# gymnasium draws frames with pygame (SDL): no window, no sound card, no "XDG_RUNTIME_DIR" noise.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

__version__ = "0.1.0"


@contextlib.contextmanager
def _quiet_stderr_fd():
    """Silence file descriptor 2 (C++ logs) for a moment; Python exceptions still propagate.

    TensorFlow 2.21 prints a oneDNN notice through absl before its log level is read, so
    TF_CPP_MIN_LOG_LEVEL cannot hide it, and Jupyter shows fd 2 in the notebook.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def import_tensorflow_quietly():
    """Load TensorFlow and Keras once, without their start-up notices; returns keras."""
    with _quiet_stderr_fd():
        import numpy as np
        import tensorflow  # noqa: F401
        import keras

        # TF 2.21 also logs a oneDNN "DT_BOOL" notice the first time a masked RNN runs (lessons 12,
        # 12): run a tiny one now, silenced (0.1 s; setup() seeds everything afterwards).
        keras.layers.SimpleRNN(1)(np.zeros((1, 2, 1), "float32"), mask=np.array([[True, False]]))
    return keras


def setup(seed: int = 0) -> None:
    """Import TensorFlow quietly, seed Python, NumPy and TensorFlow, apply the plot style.

    Every lesson calls this first, so a re-run gives the same numbers.
    """
    keras = import_tensorflow_quietly()

    from . import plots

    keras.utils.set_random_seed(seed)
    plots.use_course_style()
