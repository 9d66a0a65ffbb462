"""Train the variational autoencoder that lesson 17 ships: data/models/vae_fashion.keras.

What: the lesson's VAE with a 10-D latent space, the size of lesson 15's autoencoder code
(`dec_autoencoder`), so the two can be compared. Encoder: Flatten - Dense 512 ReLU - Dense 256
ReLU - two Dense 10 heads, the mean and the log-variance of q(z | x). Decoder: Dense 256 ReLU -
Dense 512 ReLU - Dense 784 sigmoid - Reshape (28, 28, 1), the pixel probabilities. Images are
scaled to 0..1. Loss per image (the negative ELBO): reconstruction = 784 x Keras's
binary_crossentropy (the sum over pixels) + KL(q(z | x) || N(0, I)) summed over the 10 latent
dimensions, averaged over the batch; z = mean + exp(log_var / 2) * eps (the reparameterization
trick). `make_vae` and `vae_step` below are copies of the notebook's, and `reparameterize_and_kl`
is its exercise 1's solution (the notebook calls it as `check.reference(1)`): keep them identical
when you change either (tests/test_lesson17.py compares them).

Saved as one functional model named "vae_fashion": image -> [decoder(mean), mean, log_var],
with the two parts reachable as vae.get_layer("encoder") (image -> [mean, log_var]) and
vae.get_layer("decoder") (z -> image). Adam 1e-3, batch 128, 40 epochs on the 20,000 training
images in data/ (the lesson's split; test images never used), no optimizer state saved.

Run:  nice -n 10 .venv/bin/python scripts/train_vae_fashion.py [epochs]   (VAE_OUT=path to write elsewhere)
Measured here (2 shared CPU cores, load average 6-10): 40 epochs in 1.2 min wall, 0.9 min CPU; last
epoch's means: loss 237.7 = reconstruction 224.2 + KL 13.5 nats per image; 1,074,980 parameters,
file 4.3 MB. Decoding 1,000 draws from N(0, I) (seed 2), lesson 09's classifier finds all 10 classes
with at least 2% of them; Frechet distance in its features 150 (lesson 17 measures both).
"""
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dlbasics  # noqa: E402

dlbasics.setup(seed=0)

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

from dlbasics import data  # noqa: E402

OUT = Path(os.environ.get("VAE_OUT", ROOT / "data" / "models" / "vae_fashion.keras"))
EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 40
BATCH = 128
LATENT = 10


# ---- copied from the notebook: keep identical ------------------------------------------------
def make_vae(latent_dim=LATENT):
    L = keras.layers
    image = keras.Input((28, 28, 1))
    h = L.Dense(256, activation="relu")(L.Dense(512, activation="relu")(L.Flatten()(image)))
    encoder = keras.Model(image, [L.Dense(latent_dim, name="mean")(h), L.Dense(latent_dim, name="log_var")(h)],
                          name="encoder")
    decoder = keras.Sequential([keras.Input((latent_dim,)), L.Dense(256, activation="relu"),
                                L.Dense(512, activation="relu"), L.Dense(28 * 28, activation="sigmoid"),
                                L.Reshape((28, 28, 1))], name="decoder")
    mean, log_var = encoder(image)
    return keras.Model(image, [decoder(mean), mean, log_var], name="vae_fashion")


def reparameterize_and_kl(mean, log_var, eps):
    std = ops.exp(0.5 * log_var)
    z = mean + std * eps
    kl = 0.5 * ops.sum(ops.square(mean) + ops.exp(log_var) - 1.0 - log_var, axis=-1)
    return z, kl


course_reparameterize_and_kl = reparameterize_and_kl     # the notebook's name for check.reference(1)


def vae_step(vae, optimizer, x, eps):
    """One gradient step on the negative ELBO; returns (loss, reconstruction, kl), batch means."""
    encoder, decoder = vae.get_layer("encoder"), vae.get_layer("decoder")
    with tf.GradientTape() as tape:
        mean, log_var = encoder(x, training=True)
        z, kl = course_reparameterize_and_kl(mean, log_var, eps)
        x_hat = decoder(z, training=True)
        flat, flat_hat = ops.reshape(x, (-1, 28 * 28)), ops.reshape(x_hat, (-1, 28 * 28))
        reconstruction = 28 * 28 * keras.losses.binary_crossentropy(flat, flat_hat)    # sum over pixels
        loss = ops.mean(reconstruction + kl)
    grads = tape.gradient(loss, vae.trainable_variables)
    optimizer.apply_gradients(zip(grads, vae.trainable_variables))
    return loss, ops.mean(reconstruction), ops.mean(kl)
# ---- end of the copy -------------------------------------------------------------------------


if __name__ == "__main__":
    x, _ = data.fashion_mnist("train")
    x = x.astype("float32") / 255.0
    steps_per_epoch = len(x) // BATCH
    ds = (tf.data.Dataset.from_tensor_slices(x).shuffle(len(x), seed=0, reshuffle_each_iteration=True)
          .batch(BATCH, drop_remainder=True).repeat(EPOCHS).prefetch(tf.data.AUTOTUNE))
    vae = make_vae()
    optimizer = keras.optimizers.Adam(1e-3)
    gen = tf.random.Generator.from_seed(0)
    step = tf.function(lambda xb: vae_step(vae, optimizer, xb, gen.normal((tf.shape(xb)[0], LATENT))))
    start, cpu0 = time.time(), time.process_time()
    sums = [0.0, 0.0, 0.0]
    for i, xb in enumerate(ds, 1):
        sums = [s + float(v) for s, v in zip(sums, step(xb))]
        if i % steps_per_epoch == 0:
            n = steps_per_epoch
            print(f"epoch {i // n}/{EPOCHS}: loss {sums[0] / n:.2f} = reconstruction {sums[1] / n:.2f} "
                  f"+ KL {sums[2] / n:.2f}; {time.time() - start:.0f} s wall, {time.process_time() - cpu0:.0f} s CPU",
                  flush=True)
            sums = [0.0, 0.0, 0.0]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    vae.save(OUT)          # a functional model: no optimizer state is attached (never compiled)
    print(f"saved {OUT} ({OUT.stat().st_size / 1e6:.2f} MB, {vae.count_params():,} parameters) after {EPOCHS} epochs: "
          f"{(time.time() - start) / 60:.1f} min wall, {(time.process_time() - cpu0) / 60:.1f} min CPU")
