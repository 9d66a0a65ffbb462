"""Lesson 17's shipped diffusion model sampled with different samplers, all measured the same way: 1,000
images from the same starting noise (seed 4), class coverage by lesson 09's classifier (classes with at
least 2% of the samples) and the Frechet distance in its features to the 1,000 real test images the lesson
uses (the second thousand), as in the lesson's section 7.

It runs the notebook's own code: the setup and schedule cells, `ddim_sample` (DDIM, deterministic) and
`frechet_distance`; the 400-step ancestral sampler is the loop of the cell `ddpm-ancestral` with the
course's reverse step (check.reference(4)), run on all 1,000 images at once.

Run:  MPLBACKEND=Agg nice .venv/bin/python scripts/ddpm_sampler_steps.py
Measured here (2026-11-30, 2 CPU cores shared with three other jobs, load average 13, 1.8 min wall):
  DDIM, 25 steps               9/10 classes (rarest Sandal 1.9%), Frechet distance 235
  DDIM, 50 steps               9/10 classes (rarest Sandal 1.9%), Frechet distance 271  (the lesson's sampler)
  DDIM, 100 steps              9/10 classes (rarest Sandal 1.6%), Frechet distance 314
  ancestral (DDPM), 400 steps  9/10 classes (rarest Pullover 1.5%), Frechet distance 238
The DDIM figures equal those measured while writing scripts/train_ddpm_fashion.py; its ancestral figure
(244, 10/10 classes) came from 300 samples, this one from 1,000 like the others.
"""
import ast
import contextlib
import io
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
nb = nbformat.read(ROOT / "solutions" / "17_vaes_and_diffusion.ipynb", 4)
cells = {c.id: c.source for c in nb.cells}


def definitions(source, *names):
    tree = ast.parse(source)
    return "\n\n".join(ast.get_source_segment(source, node) for node in tree.body
                       if isinstance(node, ast.FunctionDef) and node.name in names)


namespace = {"__name__": "__lesson17__"}
exec(cells["setup"], namespace)
with contextlib.redirect_stdout(io.StringIO()):     # T, betas, alpha_bar (the cell's figure and printout unused)
    exec(cells["schedule"], namespace)
exec(definitions(cells["ddim"], "ddim_sample"), namespace)
exec(definitions(cells["compare"], "frechet_distance"), namespace)
exec("""
classifier = keras.saving.load_model(data.model_path("cnn_fashion"))
features = keras.Model(classifier.inputs[0], classifier.get_layer("features").output)
x_test, _ = data.fashion_mnist("test", limit=2000)
reference_features = np.asarray(features(x_test[1000:].astype("float32")))
ddpm = keras.saving.load_model(data.model_path("ddpm_fashion"))
predict_noise = tf.function(lambda x, t: ddpm([x, tf.fill([tf.shape(x)[0]], t)], training=False))
course_ddpm_step = check.reference(4)


def ancestral(n, seed=4):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 28, 28, 1))            # the same starting noise as ddim_sample(..., seed=4)
    for t in reversed(range(T)):
        eps_hat = np.asarray(predict_noise(tf.constant(x, tf.float32), tf.constant(t)), "float64")
        x = course_ddpm_step(x, t, eps_hat, rng.normal(size=x.shape), betas)
    return x


def measure(name, images):
    pixels = np.clip((images + 1) * 127.5, 0, 255).astype("float32")
    counts = np.bincount(np.asarray(classifier(pixels, training=False)).argmax(axis=1), minlength=10)
    distance = frechet_distance(np.asarray(features(pixels, training=False)), reference_features)
    print(f"{name:29s}{int((counts >= 20).sum())}/10 classes (rarest {data.FASHION_CLASSES[counts.argmin()]} "
          f"{counts.min() / 10:.1f}%), Frechet distance {distance:.0f}", flush=True)


for steps in (25, 50, 100):
    measure(f"DDIM, {steps} steps", ddim_sample(predict_noise, 1000, steps, seed=4))
measure("ancestral (DDPM), 400 steps", ancestral(1000))
""", namespace)
