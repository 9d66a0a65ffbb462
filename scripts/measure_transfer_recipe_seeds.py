"""Lesson 10, exercise 3: the validation accuracy the check measures, over many grader seeds, for the
course's recipe and for plausible other recipes (to set the bar MIN_ACCURACY in
dlbasics/checks/lesson10.py: every seed of the reference must pass, the wrong recipes must not).

Run:  nice -n 10 .venv/bin/python scripts/measure_transfer_recipe_seeds.py [n_seeds] [recipe ...]
recipes: reference (default), probe, scratch
"""
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

import dlbasics  # noqa: E402

dlbasics.setup(seed=0)
import keras  # noqa: E402

from dlbasics.checks import lesson10 as check  # noqa: E402


def probe_only(pretrained, x, y):
    features = keras.Model(pretrained.input, pretrained.get_layer("gap").output)
    head = keras.layers.Dense(5, activation="softmax")
    small = keras.Sequential([keras.Input((64,)), head])
    small.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy")
    small.fit(features.predict(x, verbose=0), y, batch_size=len(x), epochs=200, verbose=0)
    return keras.Model(pretrained.input, head(features.output))


def scratch(pretrained, x, y):
    model = keras.models.clone_model(pretrained)
    steps = 100 * (len(x) // 20)
    model.compile(keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(3e-3, steps)),
                  "sparse_categorical_crossentropy", steps_per_execution=len(x) // 20)
    model.fit(x, y, batch_size=20, epochs=100, verbose=0)
    return model


RECIPES = {"reference": check.reference(3), "probe": probe_only, "scratch": scratch}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    names = sys.argv[2:] or ["reference"]
    ex = check.EXERCISES[2]
    yv = check.new_task()[1][1]
    for name in names:
        accs = []
        for seed in range(n):
            t = time.time()
            case = ex.cases()[0]
            case.kwargs["seed"] = seed
            scores = ex.run(RECIPES[name], case)
            accs.append(float((scores.argmax(1) == yv).mean()))
            print(f"{name} seed {seed}: validation accuracy {accs[-1]:.3f} ({time.time() - t:.0f} s)", flush=True)
        print(f"RESULT {name}: min {min(accs):.3f} mean {np.mean(accs):.3f} max {max(accs):.3f} over seeds 0..{n - 1}; "
              f"bar {check.MIN_ACCURACY}: {sum(a >= check.MIN_ACCURACY for a in accs)}/{n} pass", flush=True)


if __name__ == "__main__":
    main()
