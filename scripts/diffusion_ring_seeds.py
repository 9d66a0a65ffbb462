"""Lesson 17's 2-D diffusion run (section 5) repeated with other seeds: modes covered and the fraction of
samples near a mode, for the claim in the lesson's text.

The training data, the denoiser, its training (2,000 steps of 512, Adam 3e-3 with cosine decay) and
ancestral sampling with the course's q_sample and ddpm_step (check.reference(3) and (4)) are the
notebook's; the seed sets the training pairs, the weights and the sampling noise.

Run:  nice -n 10 .venv/bin/python scripts/diffusion_ring_seeds.py 1 2 3 4
Measured here: seed 1 (8/8 modes, 77% near), seed 2 (8/8, 83%), seed 3 (8/8, 93%), seed 4 (8/8, 87%);
the notebook's seed 0 gave 8/8 and 88%.
"""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import dlbasics; dlbasics.setup(seed=0)
import numpy as np, keras
from dlbasics.checks import lesson17 as check
q_sample, ddpm_step = check.reference(3), check.reference(4)
CENTRES = 2 * np.c_[np.cos(np.arange(8) * np.pi / 4), np.sin(np.arange(8) * np.pi / 4)]
def ring(n, seed=0):
    rng = np.random.default_rng(seed)
    return CENTRES[rng.integers(0, 8, n)] + rng.normal(0, 0.05, (n, 2))
def modes_covered(samples, radius=0.25, share=0.02):
    dist = np.linalg.norm(samples[:, None] - CENTRES[None], axis=-1)
    near = dist.min(axis=1) < radius
    counts = np.bincount(dist.argmin(axis=1)[near], minlength=8)
    return int((counts >= share * len(samples)).sum()), float(near.mean())
T2 = 100; betas2 = np.linspace(0.1 / T2, 20 / T2, T2)
for seed in [int(a) for a in sys.argv[1:]]:
    STEPS, BATCH = 2000, 512
    rng = np.random.default_rng(seed)
    x0 = ring(STEPS * BATCH, seed=seed + 1)
    t_train = rng.integers(0, T2, len(x0)); eps_train = rng.normal(size=x0.shape)
    xt_train = q_sample(x0, t_train, eps_train, betas2)
    keras.utils.set_random_seed(seed)
    L = keras.layers
    x, t = keras.Input((2,)), keras.Input((), dtype="int32")
    h = L.Concatenate()([x, L.Embedding(T2, 32, embeddings_initializer=keras.initializers.RandomNormal(stddev=1.0))(t)])
    for _ in range(3): h = L.Dense(128, activation="swish")(h)
    den = keras.Model([x, t], L.Dense(2)(h))
    den.compile(keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(3e-3, STEPS, alpha=0.02)), loss="mse", steps_per_execution=50)
    den.fit([xt_train.astype("float32"), t_train], eps_train.astype("float32"), batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    r = np.random.default_rng(seed + 1); xs = r.normal(size=(1000, 2))
    for k in reversed(range(T2)):
        e = np.asarray(den([xs.astype("float32"), np.full(len(xs), k)]), "float64")
        xs = ddpm_step(xs, k, e, r.normal(size=xs.shape), betas2)
    print("seed", seed, modes_covered(xs), flush=True)
