"""Lesson 10, exercise 3: the validation accuracy the check measures, over many grader seeds, for the
course's recipe and for plausible other recipes (to set the bar MIN_ACCURACY in
dlbasics/checks/lesson10.py: every seed of the reference must pass, the wrong recipes must not).

Run:  nice -n 10 .venv/bin/python scripts/measure_transfer_recipe_seeds.py [n_seeds] [recipe ...]
recipes: reference (default), probe, scratch, tuned_scratch, no_augmentation, stage3_only
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure_transfer_seeds as M  # noqa: E402


def probe_only(pretrained, x, y):
    features = keras.Model(pretrained.input, pretrained.get_layer("gap").output)
    head = keras.layers.Dense(5, activation="softmax")
    small = keras.Sequential([keras.Input((64,)), head])
    small.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy")
    small.fit(features.predict(x, verbose=0), y, batch_size=len(x), epochs=200, verbose=0)
    return keras.Model(pretrained.input, head(features.output))


def scratch(pretrained, x, y):
    """The registered wrong answer transfer_from_scratch: 100 passes, no augmentation."""
    model = keras.models.clone_model(pretrained)
    steps = 100 * max(1, len(x) // 20)
    model.compile(keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(3e-3, steps)),
                  "sparse_categorical_crossentropy", steps_per_execution=max(1, len(x) // 20))
    model.fit(x, y, batch_size=20, epochs=100, verbose=0)
    return model


def _recipe(r):
    """A recipe of scripts/measure_transfer_seeds.py as an answer to exercise 3 (the check has set the seed)."""
    def answer(pretrained, x, y):
        if r["kind"] == "scratch":
            model = keras.models.clone_model(pretrained)
        else:
            features = keras.Model(pretrained.input, pretrained.get_layer("gap").output)
            model = probe_only(pretrained, x, y)
            for layer in pretrained.layers:
                layer.trainable = (layer.name.startswith(r["top"])
                                   and not isinstance(layer, keras.layers.BatchNormalization))
            del features
        return M.fit(model, x, y, r)
    return answer


RECIPES = {"reference": check.reference(3), "probe": probe_only, "scratch": scratch,
           "tuned_scratch": _recipe(M.recipe("scratch", 800, 3e-3)),             # the lesson's scratch model
           "no_augmentation": _recipe(M.recipe("fine-tune", 400, aug=0)),
           "stage3_only": _recipe(M.recipe("fine-tune", 400, top=("stage3",), aug=0))}


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
