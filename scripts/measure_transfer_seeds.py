"""Lesson 10's transfer-learning comparison: the recipe choices behind it, and its results over seeds.

The pretrained backbone is data/models/resnet_fashion5.keras (scripts/train_fashion_backbone.py,
classes 0, 2, 5, 7, 8). The new task is classes 1, 3, 4, 6, 9 with N labelled images per class
(the lesson: N = 5). Every choice is made on a validation split (200 other training images per class);
the test images of the five new classes are scored only for the recipes chosen (modes report and labels).

Training from scratch gets at least as large a search as fine-tuning, so that the comparison is with a
scratch model tuned as generously as the fine-tuned one: for scratch the learning rate, the number of
passes, data augmentation (random horizontal flip and a shift of up to 2 pixels) and label smoothing;
for fine-tuning the number of passes, augmentation and how deep to unfreeze (learning rate 0.001 and
label smoothing 0.1 fixed beforehand). Batches of 25 (at N = 5, one
batch is the whole labelled set), Adam with cosine decay.

Run (each prints one line per recipe and seed):
    nice -n 10 .venv/bin/python scripts/measure_transfer_seeds.py choose N [seeds]   # the grid, validation only
    nice -n 10 .venv/bin/python scripts/measure_transfer_seeds.py after 5 [seeds]    # recipes tried after the choices, validation only
    nice -n 10 .venv/bin/python scripts/measure_transfer_seeds.py report N [seeds]   # the chosen recipes: val and test, margins
    nice -n 10 .venv/bin/python scripts/measure_transfer_seeds.py labels [seeds]     # the chosen recipes for N = 5..100 (lesson's plot)
seeds: "0-2" (default) or "0-4".
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
import tensorflow as tf  # noqa: E402

from dlbasics import data  # noqa: E402

from dlbasics.checks import lesson10 as check  # noqa: E402

BATCH, N_VAL = 25, 200
LABELS = (5, 10, 20, 50, 100)


def recipe(kind, epochs, lr=1e-3, top=("stage2", "stage3"), aug=1, ls=0.1, head="probe"):
    return dict(kind=kind, epochs=epochs, lr=lr, top=top, aug=aug, ls=ls, head=head)


def name(r):
    where = "+".join(r["top"]) if r["kind"] == "fine-tune" else "all layers"
    head = ", random head" if r["head"] == "random" else ""
    return f"{r['kind']:9s} {where:13s} lr {r['lr']:g} x{r['epochs']:<4d} aug {r['aug']} smoothing {r['ls']:g}{head}"


def grid(n):
    """The recipes compared on validation for N labels per class (all fine-tuning at learning rate 0.001,
    with label smoothing 0.1). At N = 5 a pass over the labelled set is one batch, at N = 10 two, so N = 5
    gets twice the passes for the same steps. N = 20, 50 and 100 got a smaller grid."""
    s23, s3, every = ("stage2", "stage3"), ("stage3",), ("stem", "stage1", "stage2", "stage3")
    if n in (5, 10):
        k = 10 // n
        out = [recipe("scratch", e * k, lr, aug=aug, ls=ls) for e, lr, aug, ls in
               [(200, 3e-3, 1, 0), (400, 3e-3, 1, 0), (400, 3e-3, 1, 0.1), (400, 3e-3, 0, 0), (400, 1e-3, 1, 0),
                (800, 3e-3, 1, 0.1), (1200, 3e-3, 1, 0.1), (800, 1e-3, 1, 0.1)]]
        out += [recipe("fine-tune", e * k, top=top, aug=aug) for e, top, aug in
                [(100, s23, 0), (200, s23, 0), (200, s3, 0), (200, s23, 1), (400, s23, 1)]]
        return out + ([recipe("fine-tune", 400, top=every)] if n == 5 else [])
    s = {20: (200, 400, 100, 200), 50: (100, 200, 40, 100), 100: (60, 100, 20, 40)}[n]
    return ([recipe("scratch", e, 3e-3) for e in s[:2]] + [recipe("fine-tune", e) for e in s[2:]]
            + [recipe("fine-tune", s[3], aug=0)])


# measured on validation after the choices (a second reader's questions; lesson 10, section 8), N = 5 only
AFTER = [recipe("fine-tune", 400, head="random"), recipe("fine-tune", 400, top=("stage3",)),
         recipe("fine-tune", 400, ls=0), recipe("fine-tune", 400, lr=1e-2)]


# chosen on validation (seeds 0-2) from grid(n), by one rule for both: the best mean validation accuracy, or
# the recipe with the fewest training steps within 0.005 of it (less than the spread over seeds)
CHOSEN = {
    5: (recipe("scratch", 800, 3e-3), recipe("fine-tune", 400)),
    10: (recipe("scratch", 400, 3e-3), recipe("fine-tune", 400)),
    20: (recipe("scratch", 200, 3e-3), recipe("fine-tune", 200)),
    50: (recipe("scratch", 100, 3e-3), recipe("fine-tune", 40)),
    100: (recipe("scratch", 60, 3e-3), recipe("fine-tune", 40, aug=0)),
}


def task(n):
    x, y = data.fashion_mnist("train")
    xt, yt = data.fashion_mnist("test")
    tr, va = [], []
    for c in check.NEW_CLASSES:
        idx = np.flatnonzero(y == c)
        tr.append(idx[:n])
        va.append(idx[n:n + N_VAL])
    tr, va = np.sort(np.concatenate(tr)), np.sort(np.concatenate(va))
    te = np.flatnonzero(np.isin(yt, check.NEW_CLASSES))
    f = lambda a: a.astype("float32")  # noqa: E731
    g = check.new_label
    return (f(x[tr]), g(y[tr])), (f(x[va]), g(y[va])), (f(xt[te]), g(yt[te]))


def pretrained():
    return keras.saving.load_model(data.model_path("resnet_fashion5"))


def accuracy(model, x, y):
    return float((np.asarray(model(x, training=False)).argmax(1) == y).mean())


shift_and_flip = check.shift_and_flip          # a random horizontal flip and a shift of up to 2 pixels


def fit(model, x, y, r):
    """Compile with Adam + cosine decay and train r["epochs"] shuffled passes, 20 per Keras epoch."""
    steps_per_pass = len(x) // BATCH
    loss = keras.losses.CategoricalCrossentropy(label_smoothing=r["ls"])
    model.compile(keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(r["lr"], r["epochs"] * steps_per_pass)),
                  loss, steps_per_execution=steps_per_pass)
    d = tf.data.Dataset.from_tensor_slices((x, np.eye(5, dtype="float32")[y]))
    d = d.shuffle(len(x), reshuffle_each_iteration=True)
    if r["aug"]:
        d = d.map(shift_and_flip)
    d = d.batch(BATCH, drop_remainder=True).repeat()
    chunk = min(20, r["epochs"])
    assert r["epochs"] % chunk == 0
    model.fit(d, epochs=r["epochs"] // chunk, steps_per_epoch=chunk * steps_per_pass, shuffle=False, verbose=0)
    return model


def probe(seed, train, epochs=200, lr=1e-2):
    """A new softmax head on the frozen backbone's 64 features: `epochs` full-batch Adam steps."""
    keras.utils.set_random_seed(seed)
    base = pretrained()
    feats = keras.Model(base.inputs, base.get_layer("gap").output)
    f = np.asarray(feats(train[0], training=False))
    head = keras.layers.Dense(5, activation="softmax", name="new_head")
    small = keras.Sequential([keras.Input((f.shape[1],)), head])
    small.compile(keras.optimizers.Adam(lr), "sparse_categorical_crossentropy")
    small.fit(f, train[1], batch_size=len(f), epochs=epochs, verbose=0)
    return keras.Model(base.inputs, head(feats.output)), base


def train(seed, train_set, r, bn_trainable=False):
    if r["kind"] == "scratch":
        keras.utils.set_random_seed(seed)
        model = keras.models.clone_model(pretrained())        # same architecture, fresh weights
    elif r["head"] == "random":                              # no probe: a random head trains with the backbone
        keras.utils.set_random_seed(seed)
        base = pretrained()
        feats = keras.Model(base.inputs, base.get_layer("gap").output)
        model = keras.Model(base.inputs, keras.layers.Dense(5, activation="softmax", name="new_head")(feats.output))
        for layer in base.layers:
            is_bn = isinstance(layer, keras.layers.BatchNormalization)
            layer.trainable = layer.name.startswith(r["top"]) and (bn_trainable or not is_bn)
    else:
        model, base = probe(seed, train_set)
        for layer in base.layers:
            is_bn = isinstance(layer, keras.layers.BatchNormalization)
            layer.trainable = layer.name.startswith(r["top"]) and (bn_trainable or not is_bn)
    return fit(model, *train_set, r)


def seeds(arg):
    a, _, b = (arg or "0-2").partition("-")
    return range(int(a), int(b or a) + 1)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "report"
    if mode == "labels":
        rows = {}
        for n in LABELS:
            train_set, _, test = task(n)
            scratch_r, fine_r = CHOSEN[n]
            for s in seeds(sys.argv[2] if len(sys.argv) > 2 else None):
                acc = [accuracy(train(s, train_set, scratch_r), *test), accuracy(probe(s, train_set)[0], *test),
                       accuracy(train(s, train_set, fine_r), *test)]
                rows.setdefault(n, []).append(acc)
                print(f"N={n:3d} seed {s}: test scratch {acc[0]:.4f} probe {acc[1]:.4f} fine-tuned {acc[2]:.4f}", flush=True)
        print("test accuracy, mean over seeds: labels per class -> (scratch, probe, fine-tuned)")
        print({n: tuple(round(float(v), 3) for v in np.mean(a, axis=0)) for n, a in rows.items()})
        print({n: tuple(round(float(v), 3) for v in np.min(a, axis=0)) for n, a in rows.items()}, "(min)")
        print({n: tuple(round(float(v), 3) for v in np.max(a, axis=0)) for n, a in rows.items()}, "(max)")
        return
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    train_set, val, test = task(n)
    print(f"labelled {train_set[0].shape}, validation {val[0].shape}, test {test[0].shape}", flush=True)
    if mode in ("choose", "after"):
        for r in (grid(n) if mode == "choose" else AFTER):
            t, accs = time.process_time(), []
            for s in seeds(sys.argv[3] if len(sys.argv) > 3 else None):
                accs.append(accuracy(train(s, train_set, r), *val))
            print(f"{name(r)}  validation {np.mean(accs):.3f} ({' '.join(f'{a:.3f}' for a in accs)}) "
                  f"[{(time.process_time() - t) / len(accs):.1f} CPU s per run]", flush=True)
        return
    scratch_r, fine_r = CHOSEN[n]
    margins = []
    for s in seeds(sys.argv[3] if len(sys.argv) > 3 else None):
        models = {"scratch": train(s, train_set, scratch_r), "probe": probe(s, train_set)[0],
                  "fine-tuned": train(s, train_set, fine_r),
                  "fine-tuned, BN training mode": train(s, train_set, fine_r, bn_trainable=True)}
        res = {k: (accuracy(m, *val), accuracy(m, *test)) for k, m in models.items()}
        margins.append(res["fine-tuned"][1] - res["scratch"][1])
        print(f"seed {s}: " + "; ".join(f"{k} val {v:.3f} test {t_:.3f}" for k, (v, t_) in res.items())
              + f"; margin {margins[-1]:+.3f}", flush=True)
    print(f"fine-tuned minus scratch on test: min {min(margins):+.3f}, mean {np.mean(margins):+.3f}, "
          f"max {max(margins):+.3f}")


if __name__ == "__main__":
    main()
