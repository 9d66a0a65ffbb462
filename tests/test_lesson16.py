"""Lesson 16: other correct answers pass, and the training script trains the notebook's GAN."""
import ast

import nbformat
import numpy as np

from dlbasics import build
from dlbasics.checks import lesson


def test_alternative_gan_implementations_pass():
    import keras
    import tensorflow as tf

    l16 = lesson("16")

    def losses_with_keras(real_logits, fake_logits):            # tensors, not floats
        bce = keras.losses.BinaryCrossentropy(from_logits=True)
        real = tf.reshape(tf.constant(real_logits, tf.float32), (-1, 1))
        fake = tf.reshape(tf.constant(fake_logits, tf.float32), (-1, 1))
        return bce(tf.ones_like(real), real) + bce(tf.zeros_like(fake), fake), bce(tf.ones_like(fake), fake)

    def losses_with_tf_nn(real_logits, fake_logits):
        xent = tf.nn.sigmoid_cross_entropy_with_logits
        real, fake = tf.constant(real_logits), tf.constant(fake_logits)
        d = tf.reduce_mean(xent(tf.ones_like(real), real)) + tf.reduce_mean(xent(tf.zeros_like(fake), fake))
        return [d.numpy(), tf.reduce_mean(xent(tf.ones_like(fake), fake)).numpy()]

    def step_simultaneous(generator, discriminator, g_optimizer, d_optimizer, real, noise):
        xent = tf.nn.sigmoid_cross_entropy_with_logits
        with tf.GradientTape(persistent=True) as tape:
            fake = generator(noise, training=True)
            r, f = discriminator(real, training=True), discriminator(fake, training=True)
            d_loss = tf.reduce_mean(xent(tf.ones_like(r), r)) + tf.reduce_mean(xent(tf.zeros_like(f), f))
            g_loss = tf.reduce_mean(xent(tf.ones_like(f), f))
        d_grads = tape.gradient(d_loss, discriminator.trainable_variables)
        g_grads = tape.gradient(g_loss, generator.trainable_variables)
        d_optimizer.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        g_optimizer.apply_gradients(zip(g_grads, generator.trainable_variables))
        return float(d_loss), float(g_loss)

    def step_graph(generator, discriminator, g_optimizer, d_optimizer, real, noise):
        bce = keras.losses.BinaryCrossentropy(from_logits=True)
        with tf.GradientTape() as tape:
            r, f = discriminator(real, training=True), discriminator(generator(noise, training=True), training=True)
            d_loss = bce(tf.ones_like(r), r) + bce(tf.zeros_like(f), f)
        d_optimizer.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_weights),
                                        discriminator.trainable_weights))
        with tf.GradientTape() as tape:
            f = discriminator(generator(noise, training=True), training=True)
            g_loss = keras.ops.mean(keras.ops.softplus(-f))
        g_optimizer.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_weights), generator.trainable_weights))
        return d_loss, g_loss

    @tf.function                                                # decorated once: retraced for each case's new models
    def step_decorated(generator, discriminator, g_optimizer, d_optimizer, real, noise):
        bce = keras.losses.BinaryCrossentropy(from_logits=True)
        with tf.GradientTape(persistent=True) as tape:          # one tape, still sequential: D updated before G's loss
            fake = generator(noise, training=True)
            r, f = discriminator(real, training=True), discriminator(fake, training=True)
            d_loss = bce(tf.ones_like(r), r) + bce(tf.zeros_like(f), f)
            d_optimizer.apply(tape.gradient(d_loss, discriminator.trainable_variables), discriminator.trainable_variables)
            f = discriminator(fake, training=True)
            g_loss = bce(tf.ones_like(f), f)
        g_optimizer.apply(tape.gradient(g_loss, generator.trainable_variables), generator.trainable_variables)
        return d_loss, g_loss

    def slerp_loop(z0, z1, steps):                              # a list of rows, unit vectors for the angle
        u0, u1 = z0 / np.linalg.norm(z0), z1 / np.linalg.norm(z1)
        omega = np.arccos(np.clip(np.sum(u0 * u1), -1, 1))
        rows = []
        for t in (i / (steps - 1) for i in range(steps)):
            if np.sin(omega) < 1e-8:                           # parallel or opposite
                rows.append(z0 + t * (z1 - z0))
            else:
                rows.append((np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega))
        return rows

    l16.exercise_1(losses_with_keras)
    l16.exercise_1(losses_with_tf_nn)
    l16.exercise_2(step_simultaneous)
    l16.exercise_2(lambda *args: tf.function(step_graph)(*args))   # traced into a graph on every call
    l16.exercise_2(step_decorated)
    l16.exercise_3(slerp_loop)


def _definitions(source):
    tree = ast.parse(source)
    return {node.name: ast.get_source_segment(source, node) for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def test_training_script_uses_the_notebooks_gan_and_models():
    """scripts/train_dcgan_fashion.py holds copies of the notebook's GAN class and model builders."""
    nb = nbformat.read(build.ROOT / "solutions" / "16_generative_adversarial_networks.ipynb", 4)
    notebook = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.id in ("gan-model", "dcgan-models"):
            notebook.update(_definitions(cell.source))
    script = _definitions((build.ROOT / "scripts" / "train_dcgan_fashion.py").read_text())
    for name in ("GAN", "make_generator", "make_discriminator"):
        assert script[name] == notebook[name], f"{name} differs between the notebook and the training script"
