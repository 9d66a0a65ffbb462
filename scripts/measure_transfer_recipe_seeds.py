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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import wrong_answers.lesson10 as W  # noqa: E402


# two registered wrong answers (tests/wrong_answers/lesson10.py), measured as they are registered
probe_only, scratch = W.transfer_probe_only, W.transfer_from_scratch


def _recipe(r):
    """A recipe of scripts/measure_transfer_seeds.py as an answer to exercise 3 (the check has set the seed)."""
    def answer(pretrained, x, y):
        if r["kind"] == "scratch":
            model = keras.models.clone_model(pretrained)
        else:
            model = probe_only(pretrained, x, y)
            for layer in pretrained.layers:
                layer.trainable = (layer.name.startswith(r["top"])
                                   and not isinstance(layer, keras.layers.BatchNormalization))
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
            refused = ""
            try:
                scores = ex.run(RECIPES[name], case)
            except check.CheckFailed as e:          # e.g. a probe: the backbone is unchanged. Its accuracy still:
                refused = f"; the check fails it before its accuracy: {str(e)[:70]}..."
                keras.utils.set_random_seed(seed)
                model = RECIPES[name](keras.saving.load_model(check._pretrained_path()), *(a.copy() for a in check.new_task()[0]))
                scores = keras.ops.convert_to_numpy(model(check.new_task()[1][0], training=False))
            accs.append(float((scores.argmax(1) == yv).mean()))
            print(f"{name} seed {seed}: validation accuracy {accs[-1]:.3f} ({time.time() - t:.0f} s){refused}",
                  flush=True)
        print(f"RESULT {name}: min {min(accs):.3f} mean {np.mean(accs):.3f} max {max(accs):.3f} over seeds 0..{n - 1}; "
              f"bar {check.MIN_ACCURACY}: {sum(a >= check.MIN_ACCURACY for a in accs)}/{n} pass", flush=True)


if __name__ == "__main__":
    main()
