"""Lesson 08's claims over three seeds: the notebook runs one seed, this script runs 0, 1 and 2.

Uses the notebook's own code (the cells that define `train_stack`, the data, the augmenting
pipeline and `classifier` are read from solutions/08_training_deep_networks.ipynb and run here),
so the numbers are those of the lesson's recipe. About 10 CPU-minutes on two cores.
`--rescue` runs only the regularization runs (section 3); `--stacks` only the deep-stack measurements (sections 2 and 5: plain, batch norm, layer norm
and residual, and the residual stack without its identity start), a few CPU-minutes.

    nice -n 10 .venv/bin/python scripts/measure_lesson08.py [--rescue | --stacks] [seed ...]
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
exec(cells["aug"], ns)        # the whole cell, figure included: the augmentation's draws continue as in the notebook
exec(cells["rescue"].split("runs = {}")[0], ns)
keras, np = ns["keras"], ns["np"]
stacks_only, rescue_only = "--stacks" in sys.argv, "--rescue" in sys.argv
seeds = [int(s) for s in sys.argv[1:] if not s.startswith("--")] or [0, 1, 2]

for seed in seeds:
    for name, settings, augmented in [("no regularization", {}, False),
                                      ("dropout + AdamW", {"dropout_rate": 0.5, "weight_decay": 0.1}, False),
                                      ("dropout + AdamW + augmentation", {"dropout_rate": 0.5, "weight_decay": 0.1}, True)]:
        if stacks_only:
            break
        keras.utils.set_random_seed(seed)
        hist = ns["classifier"](**settings).fit(ns["pipeline"](ns["x_small"], ns["y_small"], augmented, seed=seed),
                                                steps_per_epoch=40, epochs=20, shuffle=False,
                                                validation_data=(ns["x_val"], ns["y_val"]), verbose=0).history
        print(f"seed {seed} {name:32s} final validation accuracy {hist['val_accuracy'][-1]:.3f} "
              f"(training {hist['accuracy'][-1]:.3f})", flush=True)
    if rescue_only:
        continue
    finals = {}
    for kind, depth, steps, window, extra in [("plain", 20, 150, 20, {}), ("batchnorm", 20, 150, 20, {}),
                                              ("layernorm", 20, 150, 20, {}),
                                              ("plain", 50, 300, 30, {}), ("residual", 50, 300, 30, {}),
                                              ("batchnorm", 50, 300, 30, {}),
                                              ("residual", 50, 300, 30, {"identity_start": False})]:
        losses = ns["train_stack"](kind, depth=depth, steps=steps, seed=seed, **extra)
        name = kind + ("" if extra.get("identity_start", True) else ", He in every layer (no identity start)")
        finals[name, depth] = final = losses[-window:].mean()
        print(f"seed {seed} {name:9s} depth {depth}: mean training loss over the last {window} of {steps} steps "
              f"{final:.3f} (first step {losses[0]:.3g}, largest {np.nanmax(losses):.3g})", flush=True)
    print(f"seed {seed} ratios: plain/residual at 50 layers {finals['plain', 50] / finals['residual', 50]:.1f}, "
          f"plain/batchnorm at 20 layers {finals['plain', 20] / finals['batchnorm', 20]:.1f}, "
          f"plain/layernorm at 20 layers {finals['plain', 20] / finals['layernorm', 20]:.1f}", flush=True)
