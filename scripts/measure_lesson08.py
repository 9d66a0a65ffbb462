"""Lesson 08's claims over three seeds: the notebook runs one seed, this script runs 0, 1 and 2.

Uses the notebook's own code (the cells that define `train_stack`, the data, the augmenting
pipeline and `classifier` are read from solutions/08_training_deep_networks.ipynb and run here),
so the numbers are those of the lesson's recipe. About 10 CPU-minutes on two cores.

    nice -n 10 .venv/bin/python scripts/measure_lesson08.py
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("MPLBACKEND", "Agg")
import nbformat  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
cells = {c.id: c.source for c in nbformat.read(ROOT / "solutions" / "08_training_deep_networks.ipynb", 4).cells}
ns = {}
exec(cells["setup"], ns)
exec(cells["stack"], ns)
exec(cells["reg-data"], ns)
exec(cells["aug"].split("first = ")[0], ns)
exec(cells["rescue"].split("runs = {}")[0], ns)
keras, np = ns["keras"], ns["np"]
seeds = [int(s) for s in sys.argv[1:]] or [0, 1, 2]

for seed in seeds:
    for name, settings, augmented in [("no regularization", {}, False),
                                      ("dropout + AdamW", {"dropout_rate": 0.5, "weight_decay": 0.1}, False),
                                      ("dropout + AdamW + augmentation", {"dropout_rate": 0.5, "weight_decay": 0.1}, True)]:
        keras.utils.set_random_seed(seed)
        hist = ns["classifier"](**settings).fit(ns["pipeline"](ns["x_small"], ns["y_small"], augmented, seed=seed),
                                                steps_per_epoch=40, epochs=20, shuffle=False,
                                                validation_data=(ns["x_val"], ns["y_val"]), verbose=0).history
        print(f"seed {seed} {name:32s} final validation accuracy {hist['val_accuracy'][-1]:.3f} "
              f"(training {hist['accuracy'][-1]:.3f})", flush=True)
    for kind, depth, steps, window in [("plain", 20, 150, 20), ("batchnorm", 20, 150, 20),
                                       ("plain", 50, 300, 30), ("residual", 50, 300, 30)]:
        losses = ns["train_stack"](kind, depth=depth, steps=steps, seed=seed)
        print(f"seed {seed} {kind:9s} depth {depth}: mean training loss over the last {window} of {steps} steps "
              f"{losses[-window:].mean():.3f}", flush=True)
