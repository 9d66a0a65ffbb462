"""Train the DCGAN generator that lesson 16 ships: data/models/dcgan_fashion_generator.keras.

What: the lesson's DCGAN (generator: Dense -> 7x7x64 -> two stride-2 transposed convolutions ->
28x28x1 in [-1, 1] through tanh; discriminator: two stride-2 convolutions -> one logit), trained
with the lesson's `GAN` model, whose `train_step` calls the course's one GAN update
`dlbasics.checks.lesson16.reference(2)` (discriminator step, then generator step on the
non-saturating loss): the same function the notebook's `GAN` calls. The two builder functions and
the `GAN` class below are copies of the notebook's cells (a script cannot import a notebook);
keep them identical when you change either.

Data: all 60,000 training images of Fashion-MNIST from Debian's `dataset-fashion-mnist`
(/usr/share/datasets/fashion-mnist/, as scripts/build_data.py reads them); without that package
it falls back to the 20,000 images in data/. Only the generator is saved (the discriminator is
not needed to sample).

Run:  nice -n 19 .venv/bin/python scripts/train_dcgan_fashion.py   (then `make data`)
Here: 15 epochs (7,020 steps of 128 images) in 41.2 min wall on 2 CPU cores shared with other
jobs (load average 8-23; about 35-50 s of CPU time per epoch); final epoch means d_loss 1.313,
g_loss 0.784; the generator file is 1.0 MB. Lesson 09's classifier (`cnn_fashion`) puts 1,000
samples in all 10 classes (counts 74, 91, 87, 75, 146, 104, 158, 96, 81, 88: coverage 10/10).
"""
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dlbasics  # noqa: E402

dlbasics.setup(seed=0)

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from dlbasics import data  # noqa: E402
from dlbasics.checks import lesson16  # noqa: E402

import fashion_full  # noqa: E402  (scripts/, next to this file)

OUT = ROOT / "data" / "models" / "dcgan_fashion_generator.keras"
EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 15
BATCH = 128
LATENT = 64
gan_step = lesson16.reference(2)      # the course's GAN update (exercise 2's solution)


# ---- copied from the notebook (cells "dcgan-models" and "gan-model"): keep identical ---------
def make_generator(latent_dim=LATENT):
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(7 * 7 * 64, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(0.2),
        keras.layers.Reshape((7, 7, 64)),
        keras.layers.Conv2DTranspose(32, 4, strides=2, padding="same", use_bias=False),   # 14x14
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(0.2),
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),  # 28x28
    ], name="generator")


def make_discriminator():
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 4, strides=2, padding="same", use_bias=False),   # 14x14
        keras.layers.LeakyReLU(0.2),
        keras.layers.Conv2D(64, 4, strides=2, padding="same", use_bias=False),   # 7x7
        keras.layers.LeakyReLU(0.2),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(1),                                     # a logit: real if > 0
    ], name="discriminator")


class GAN(keras.Model):
    """A generator and a discriminator trained together by `fit`, one `gan_step` per batch."""

    def __init__(self, generator, discriminator, latent_dim, seed=0):
        super().__init__()
        self.generator, self.discriminator, self.latent_dim = generator, discriminator, latent_dim
        self.noise_seed = keras.random.SeedGenerator(seed)
        self.d_loss_mean, self.g_loss_mean = keras.metrics.Mean(name="d_loss"), keras.metrics.Mean(name="g_loss")

    def compile(self, g_optimizer, d_optimizer):
        super().compile()
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer

    @property
    def metrics(self):                 # reset by fit at the start of every epoch
        return [self.d_loss_mean, self.g_loss_mean]

    def train_step(self, real):
        noise = keras.random.normal((tf.shape(real)[0], self.latent_dim), seed=self.noise_seed)
        d_loss, g_loss = gan_step(self.generator, self.discriminator, self.g_optimizer, self.d_optimizer, real, noise)
        self.d_loss_mean.update_state(d_loss)
        self.g_loss_mean.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}
# ---- end of the copy -------------------------------------------------------------------------


def training_images():
    if fashion_full.available():
        x, _ = fashion_full.load("train")
        print(f"full Fashion-MNIST from {fashion_full.SOURCE}: {len(x)} images")
    else:
        x, _ = data.fashion_mnist("train")
        print(f"{fashion_full.SOURCE} not found; the course's subset: {len(x)} images")
    return (x.astype("float32") - 127.5) / 127.5


class Report(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.start = time.time()

    def on_epoch_end(self, epoch, logs=None):
        print(f"epoch {epoch + 1}/{EPOCHS}: d_loss {logs['d_loss']:.3f}, g_loss {logs['g_loss']:.3f}, "
              f"{time.time() - self.start:.0f} s", flush=True)
        self.model.generator.save("/tmp/dcgan_fashion_generator.partial.keras")   # look at it while it runs


def class_coverage(generator, n=1000, share=0.02):
    """Classes of lesson 09's classifier holding >= `share` of n samples (if that model exists)."""
    try:
        classifier = keras.saving.load_model(data.model_path("cnn_fashion"))
    except Exception as e:                                     # not shipped yet: report, don't fail
        return f"coverage not measured ({type(e).__name__}: {e})"
    z = keras.random.normal((n, LATENT), seed=123)
    pixels = (np.asarray(generator(z, training=False)) + 1) * 127.5       # back to 0..255
    counts = np.bincount(classifier.predict(pixels, verbose=0).argmax(-1), minlength=10)
    return f"class counts {counts.tolist()}; coverage {(counts >= share * n).sum()}/10 classes"


if __name__ == "__main__":
    x = training_images()
    ds = (tf.data.Dataset.from_tensor_slices(x).shuffle(len(x), seed=0)
          .batch(BATCH, drop_remainder=True).prefetch(tf.data.AUTOTUNE))
    gan = GAN(make_generator(), make_discriminator(), LATENT)
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    start = time.time()
    gan.fit(ds, epochs=EPOCHS, verbose=0, callbacks=[Report()])
    gan.generator.save(OUT)
    print(f"saved {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1e6:.1f} MB) after {EPOCHS} epochs, "
          f"{(time.time() - start) / 60:.1f} min")
    print(class_coverage(gan.generator))
