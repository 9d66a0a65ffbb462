"""Lesson 10's transfer-learning comparison over several seeds, and the recipe choices behind it.

The pretrained backbone is data/models/resnet_fashion5.keras (scripts/train_fashion_backbone.py,
classes 0, 2, 5, 7, 8). The new task is classes 1, 3, 4, 6, 9 with 20 labelled images per class; choices are made on
a validation split (200 other training images per class); the test images of classes 5-9 are
scored only for the final report. Prints one line per seed and recipe, then the margins.

Run:  nice -n 10 .venv/bin/python scripts/measure_transfer_seeds.py [first_seed] [n_seeds] [mode]
mode "choose" sweeps the learning rates and epochs (validation only), "report" (default) runs
the lesson's recipes and prints validation and test accuracy, "scratch" trains only the from-scratch
model, for SCRATCH_EPOCHS epochs (default 100), and prints its validation and test accuracy (the
longer baseline that "choose" preferred, to compare with the fine-tuned test accuracies of "report").
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

from dlbasics import data  # noqa: E402

from dlbasics.checks import lesson10 as check  # noqa: E402

NEW = check.NEW_CLASSES
N_LABELLED, N_VAL = int(os.environ.get("N_LABELLED", 20)), 200


def task():
    x, y = data.fashion_mnist("train")
    xt, yt = data.fashion_mnist("test")
    tr, va = [], []
    for c in NEW:
        idx = np.flatnonzero(y == c)
        tr.append(idx[:N_LABELLED])
        va.append(idx[N_LABELLED:N_LABELLED + N_VAL])
    tr, va = np.sort(np.concatenate(tr)), np.sort(np.concatenate(va))
    te = np.flatnonzero(np.isin(yt, NEW))
    f = lambda a: a.astype("float32")  # noqa: E731
    g = check.new_label
    return (f(x[tr]), g(y[tr])), (f(x[va]), g(y[va])), (f(xt[te]), g(yt[te]))


def pretrained():
    return keras.saving.load_model(data.model_path("resnet_fashion5"))


def accuracy(model, x, y):
    return float((np.asarray(model(x, training=False)).argmax(1) == y).mean())


def fit_passes(model, x, y, epochs, batch=20, chunk=20):
    """`epochs` shuffled passes over (x, y) in batches of `batch`, as the lesson trains: one repeating
    tf.data pipeline, fitted `chunk` passes per Keras epoch (the same steps as fit(x, y, epochs=epochs),
    with Keras's fixed cost per epoch paid epochs / chunk times)."""
    import tensorflow as tf

    per_pass = len(x) // batch
    data_ = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), reshuffle_each_iteration=True)
             .batch(batch, drop_remainder=True).repeat())
    chunk = min(chunk, epochs)
    assert epochs % chunk == 0
    model.fit(data_, epochs=epochs // chunk, steps_per_epoch=chunk * per_pass, shuffle=False, verbose=0)
    return model


def scratch(seed, train, lr=3e-3, epochs=100, batch=20):
    keras.utils.set_random_seed(seed)
    model = keras.models.clone_model(pretrained())           # same architecture, fresh weights
    x, y = train
    steps = epochs * (len(x) // batch)
    model.compile(keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(lr, steps)),
                  "sparse_categorical_crossentropy", steps_per_execution=len(x) // batch)
    return fit_passes(model, x, y, epochs, batch)


def features_model(base):
    return keras.Model(base.inputs, base.get_layer("gap").output)


def probe(seed, train, epochs=200, lr=1e-2):
    keras.utils.set_random_seed(seed)
    base = pretrained()
    feats = features_model(base)
    f = np.asarray(feats(train[0], training=False))
    head = keras.layers.Dense(5, activation="softmax", name="new_head")
    small = keras.Sequential([keras.Input((f.shape[1],)), head])
    small.compile(keras.optimizers.Adam(lr), "sparse_categorical_crossentropy")
    small.fit(f, train[1], batch_size=len(f), epochs=epochs, verbose=0)
    model = keras.Model(base.inputs, head(feats.output))
    return model, base


def fine_tune(seed, train, lr=1e-3, epochs=40, batch=20, top=("stage3",), bn_mode="inference"):
    model, base = probe(seed, train)
    for layer in base.layers:
        unfreeze = layer.name.startswith(top)
        if isinstance(layer, keras.layers.BatchNormalization) and bn_mode == "inference":
            unfreeze = False
        layer.trainable = unfreeze
    x, y = train
    steps = epochs * (len(x) // batch)
    model.compile(keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(lr, steps)),
                  "sparse_categorical_crossentropy", steps_per_execution=len(x) // batch)
    return fit_passes(model, x, y, epochs, batch)


def main():
    first = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    mode = sys.argv[3] if len(sys.argv) > 3 else "report"
    train, val, test = task()
    print(f"labelled {train[0].shape}, validation {val[0].shape}, test {test[0].shape}", flush=True)
    if mode == "choose":
        recipes = {f"scratch lr 0.003 x{ep}": (lambda s, ep=ep: scratch(s, train, 3e-3, ep)) for ep in (100, 200, 300)}
        recipes.update({f"fine-tune {'+'.join(top)} lr {lr} x40": (lambda s, lr=lr, top=top: fine_tune(s, train, lr, 40, top=top))
                        for top, lr in [(("stage3",), 3e-4), (("stage3",), 1e-3), (("stage2", "stage3"), 1e-3)]})
        for name, fn in recipes.items():
            accs = []
            t = time.time()
            for seed in range(first, first + n):
                accs.append(accuracy(fn(seed), *val))
            print(f"{name:45s} validation {np.mean(accs):.3f} (min {min(accs):.3f}, max {max(accs):.3f}) "
                  f"[{time.time() - t:.0f} s]", flush=True)
        return
    if mode == "scratch":
        epochs = int(os.environ.get("SCRATCH_EPOCHS", 100))
        for seed in range(first, first + n):
            t = time.time()
            model = scratch(seed, train, epochs=epochs)
            print(f"seed {seed}: scratch x{epochs} val {accuracy(model, *val):.3f} test {accuracy(model, *test):.3f} "
                  f"[{time.time() - t:.0f} s]", flush=True)
        return
    margins = []
    for seed in range(first, first + n):
        t = time.time()
        models = {"scratch": scratch(seed, train), "probe": probe(seed, train)[0],
                  "fine-tuned": fine_tune(seed, train), "fine-tuned, BN training mode": fine_tune(seed, train, bn_mode="train")}
        res = {k: (accuracy(m, *val), accuracy(m, *test)) for k, m in models.items()}
        margins.append(res["fine-tuned"][1] - res["scratch"][1])
        print(f"seed {seed}: " + "; ".join(f"{k} val {v:.3f} test {t_:.3f}" for k, (v, t_) in res.items())
              + f"; margin {margins[-1]:+.3f} [{time.time() - t:.0f} s]", flush=True)
    print(f"fine-tuned minus scratch on test: min {min(margins):+.3f}, mean {np.mean(margins):+.3f}, "
          f"max {max(margins):+.3f} over seeds {first}..{first + n - 1}")


if __name__ == "__main__":
    main()
