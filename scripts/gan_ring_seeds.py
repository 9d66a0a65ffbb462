"""Lesson 16's ring-of-Gaussians experiment (balanced learning rates vs a ten times slower
discriminator) repeated for other seeds, to check that the notebook's seed-0 picture is typical.

It runs the notebook's own cells (setup, the GAN class, the ring data and `train_ring`), with
the seed of the weights and of the noise set to each of SEEDS; the data order stays as in the
notebook.

Run:  nice .venv/bin/python scripts/gan_ring_seeds.py
Here (2026-11-29, 2 shared cores, about 2 min): modes covered at the 6 snapshots (steps 250..1500)
  seed 1  balanced [0, 0, 8, 8, 8, 8]   slow discriminator [2, 0, 1, 1, 2, 1]
  seed 2  balanced [1, 0, 2, 8, 8, 8]   slow discriminator [1, 1, 1, 2, 2, 1]
  seed 3  balanced [0, 0, 3, 7, 8, 8]   slow discriminator [0, 2, 1, 1, 3, 2]
  seed 4  balanced [1, 0, 1, 4, 7, 7]   slow discriminator [0, 1, 1, 1, 0, 0]
  seed 5  balanced [0, 1, 7, 8, 7, 7]   slow discriminator [0, 1, 1, 2, 0, 1]
Balanced runs end with 7-8 of 8 modes covered; with the slow discriminator no snapshot covers more than 3.
"""
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SEEDS = range(1, 6)

nb = nbformat.read(ROOT / "solutions" / "16_generative_adversarial_networks.ipynb", 4)
cells = {c.id: c.source for c in nb.cells}
source = "\n".join(cells[i] for i in ("setup", "gan-model", "ring-data"))
old = "keras.utils.set_random_seed(0)\n    gan = GAN(mlp(2, 2), mlp(2, 1), latent_dim=2)"
assert old in source, "train_ring changed: update this script"
source = source.replace(old, "keras.utils.set_random_seed(SEED)\n    gan = GAN(mlp(2, 2), mlp(2, 1), latent_dim=2, seed=SEED)")
namespace = {"__name__": "__ring__"}
exec(compile(source, "lesson16-cells", "exec"), namespace)
for seed in SEEDS:
    namespace["SEED"] = seed
    runs = {name: [namespace["modes_covered"](s)[0] for s in namespace["train_ring"](g_lr, d_lr)]
            for name, (g_lr, d_lr) in (("balanced", (1e-3, 1e-3)), ("slow discriminator", (1e-3, 1e-4)))}
    print(f"seed {seed}  " + "   ".join(f"{k} {v}" for k, v in runs.items()), flush=True)
