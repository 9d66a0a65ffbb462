"""Plausible mistakes for the exercises of lesson 16 (see tests/wrong_answers/__init__.py)."""
import keras
import numpy as np
import tensorflow as tf

from ._registry import registry

WRONG, wrong = registry()


def _softplus(x):
    return np.logaddexp(0.0, np.asarray(x, dtype="float64"))


@wrong(1)
def gan_losses_labels_swapped(real_logits, fake_logits):
    # real called 0 and fake called 1
    return np.mean(_softplus(real_logits)) + np.mean(_softplus(-fake_logits)), np.mean(_softplus(fake_logits))


@wrong(1)
def gan_losses_saturating_generator(real_logits, fake_logits):
    # the generator minimizes log(1 - D(G(z))) (the original minimax form) instead of -log D(G(z))
    d = np.mean(_softplus(-real_logits)) + np.mean(_softplus(fake_logits))
    return d, -np.mean(_softplus(fake_logits))


@wrong(1)
def gan_losses_from_probabilities(real_logits, fake_logits):
    # sigmoid first, then the log: log(0) for confident logits
    p_real = 1 / (1 + np.exp(-np.asarray(real_logits, "float64")))
    p_fake = 1 / (1 + np.exp(-np.asarray(fake_logits, "float64")))
    d = -np.mean(np.log(p_real)) - np.mean(np.log(1 - p_fake))
    return d, -np.mean(np.log(p_fake))


@wrong(1)
def gan_losses_logits_given_to_a_probability_loss(real_logits, fake_logits):
    # keras's BinaryCrossentropy without from_logits=True treats the logits as probabilities
    bce = keras.losses.BinaryCrossentropy()
    real, fake = np.asarray(real_logits, "float32"), np.asarray(fake_logits, "float32")
    return (float(bce(np.ones_like(real), real) + bce(np.zeros_like(fake), fake)),
            float(bce(np.ones_like(fake), fake)))


@wrong(1)
def gan_losses_averaged_not_summed(real_logits, fake_logits):
    d = np.mean(np.r_[_softplus(-np.ravel(real_logits)), _softplus(np.ravel(fake_logits))])
    return d, np.mean(_softplus(-fake_logits))


_BCE = keras.losses.BinaryCrossentropy(from_logits=True)


def _d_loss(discriminator, real, fake):
    real_logits, fake_logits = discriminator(real, training=True), discriminator(fake, training=True)
    return _BCE(tf.ones_like(real_logits), real_logits) + _BCE(tf.zeros_like(fake_logits), fake_logits)


def _g_loss(discriminator, fake):
    fake_logits = discriminator(fake, training=True)
    return _BCE(tf.ones_like(fake_logits), fake_logits)


@wrong(2)
def gan_train_step_generator_gradients_to_discriminator(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    with tf.GradientTape() as tape:
        d_loss = _d_loss(discriminator, real, generator(noise, training=True))
    d_optimizer.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                                    discriminator.trainable_variables))
    with tf.GradientTape() as tape:
        g_loss = _g_loss(discriminator, generator(noise, training=True))
    # the generator's loss, differentiated and applied to the discriminator's weights
    d_optimizer.apply_gradients(zip(tape.gradient(g_loss, discriminator.trainable_variables),
                                    discriminator.trainable_variables))
    return d_loss, g_loss


@wrong(2)
def gan_train_step_discriminator_on_generator_loss(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    with tf.GradientTape() as tape:
        fake = generator(noise, training=True)
        d_loss = _d_loss(discriminator, real, fake)
        wrong_loss = _g_loss(discriminator, fake)
    d_optimizer.apply_gradients(zip(tape.gradient(wrong_loss, discriminator.trainable_variables),
                                    discriminator.trainable_variables))
    with tf.GradientTape() as tape:
        g_loss = _g_loss(discriminator, generator(noise, training=True))
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_variables),
                                    generator.trainable_variables))
    return d_loss, g_loss


@wrong(2)
def gan_train_step_fakes_not_held_fixed(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    # the discriminator's loss also moves the generator (the fakes should be constants in that step)
    variables = discriminator.trainable_variables + generator.trainable_variables
    with tf.GradientTape() as tape:
        d_loss = _d_loss(discriminator, real, generator(noise, training=True))
    d_optimizer.apply_gradients(zip(tape.gradient(d_loss, variables), variables))
    with tf.GradientTape() as tape:
        g_loss = _g_loss(discriminator, generator(noise, training=True))
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_variables),
                                    generator.trainable_variables))
    return d_loss, g_loss


@wrong(2)
def gan_train_step_optimizers_swapped(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    with tf.GradientTape() as tape:
        d_loss = _d_loss(discriminator, real, generator(noise, training=True))
    g_optimizer.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                                    discriminator.trainable_variables))
    with tf.GradientTape() as tape:
        g_loss = _g_loss(discriminator, generator(noise, training=True))
    d_optimizer.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_variables),
                                    generator.trainable_variables))
    return d_loss, g_loss


@wrong(2)
def gan_train_step_real_labelled_fake(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    with tf.GradientTape() as tape:
        fake = generator(noise, training=True)
        real_logits, fake_logits = discriminator(real, training=True), discriminator(fake, training=True)
        d_loss = _BCE(tf.zeros_like(real_logits), real_logits) + _BCE(tf.ones_like(fake_logits), fake_logits)
    d_optimizer.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                                    discriminator.trainable_variables))
    with tf.GradientTape() as tape:
        g_loss = _g_loss(discriminator, generator(noise, training=True))
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_variables),
                                    generator.trainable_variables))
    return d_loss, g_loss


def _slerp_t(z0, z1, t):
    z0, z1 = np.asarray(z0, "float64"), np.asarray(z1, "float64")
    t = np.asarray(t)[:, None]
    omega = np.arccos(np.clip(z0 @ z1 / (np.linalg.norm(z0) * np.linalg.norm(z1)), -1, 1))
    if np.sin(omega) < 1e-6:
        return (1 - t) * z0 + t * z1
    return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


@wrong(3)
def slerp_one_step_short(z0, z1, steps):
    return _slerp_t(z0, z1, np.linspace(0, 1, steps - 1))


@wrong(3)
def slerp_without_the_endpoints(z0, z1, steps):
    return _slerp_t(z0, z1, np.linspace(0, 1, steps + 2)[1:-1])


@wrong(3)
def slerp_end_left_out(z0, z1, steps):
    return _slerp_t(z0, z1, np.arange(steps) / steps)


@wrong(3)
def slerp_straight_line(z0, z1, steps):
    t = np.linspace(0, 1, steps)[:, None]
    return (1 - t) * np.asarray(z0, "float64") + t * np.asarray(z1, "float64")


@wrong(3)
def slerp_no_guard_for_angle_zero(z0, z1, steps):
    z0, z1 = np.asarray(z0, "float64"), np.asarray(z1, "float64")
    t = np.linspace(0, 1, steps)[:, None]
    omega = np.arccos(z0 @ z1 / (np.linalg.norm(z0) * np.linalg.norm(z1)))
    return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def _step(generator, discriminator, g_optimizer, d_optimizer, real, noise, g_in_d=True, d_in_g=True, flag=True):
    """The two halves, with each model's training flag as given (None: no training argument)."""
    def call(model, x, training):
        return model(x) if training is None else model(x, training=training)

    with tf.GradientTape() as tape:
        fake = call(generator, noise, g_in_d)
        real_logits, fake_logits = call(discriminator, real, flag), call(discriminator, fake, flag)
        d_loss = _BCE(tf.ones_like(real_logits), real_logits) + _BCE(tf.zeros_like(fake_logits), fake_logits)
    d_optimizer.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                                    discriminator.trainable_variables))
    with tf.GradientTape() as tape:
        fake_logits = call(discriminator, call(generator, noise, flag), d_in_g)
        g_loss = _BCE(tf.ones_like(fake_logits), fake_logits)
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_variables),
                                    generator.trainable_variables))
    return d_loss, g_loss


@wrong(2)
def gan_train_step_no_training_flag(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    # every model call without training=: outside fit, BatchNormalization and Dropout run in inference mode
    return _step(generator, discriminator, g_optimizer, d_optimizer, real, noise, g_in_d=None, d_in_g=None, flag=None)


@wrong(2)
def gan_train_step_training_false(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    return _step(generator, discriminator, g_optimizer, d_optimizer, real, noise, g_in_d=False, d_in_g=False, flag=False)


@wrong(2)
def gan_train_step_frozen_generator_in_inference_mode(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    # "the generator is held fixed in the discriminator step", read as training=False
    return _step(generator, discriminator, g_optimizer, d_optimizer, real, noise, g_in_d=False)


@wrong(2)
def gan_train_step_frozen_discriminator_in_inference_mode(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    # "the discriminator does not change in the generator step", read as training=False
    return _step(generator, discriminator, g_optimizer, d_optimizer, real, noise, d_in_g=False)


@wrong(2)
def gan_train_step_simultaneous_without_training_flag(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    # the TensorFlow tutorial's form, with the training flag forgotten
    with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
        fake = generator(noise)
        r, f = discriminator(real), discriminator(fake)
        d_loss = _BCE(tf.ones_like(r), r) + _BCE(tf.zeros_like(f), f)
        g_loss = _BCE(tf.ones_like(f), f)
    d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, discriminator.trainable_variables),
                                    discriminator.trainable_variables))
    g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, generator.trainable_variables),
                                    generator.trainable_variables))
    return d_loss, g_loss


@wrong(2)
def gan_train_step_saturating_generator_loss(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    with tf.GradientTape() as tape:
        d_loss = _d_loss(discriminator, real, generator(noise, training=True))
    d_optimizer.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                                    discriminator.trainable_variables))
    with tf.GradientTape() as tape:
        f = discriminator(generator(noise, training=True), training=True)
        g_loss = -_BCE(tf.zeros_like(f), f)           # minimise log(1 - D(G(z))): the minimax form
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_variables),
                                    generator.trainable_variables))
    return d_loss, g_loss


@wrong(2)
def gan_train_step_d_loss_averaged_over_both_batches(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    # one BCE over the concatenated logits: half the sum of the two means the lesson defines
    with tf.GradientTape() as tape:
        fake = generator(noise, training=True)
        logits = tf.concat([discriminator(real, training=True), discriminator(fake, training=True)], 0)
        targets = tf.concat([tf.ones((tf.shape(real)[0], 1)), tf.zeros((tf.shape(noise)[0], 1))], 0)
        d_loss = _BCE(targets, logits)
    d_optimizer.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                                    discriminator.trainable_variables))
    with tf.GradientTape() as tape:
        g_loss = _g_loss(discriminator, generator(noise, training=True))
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_variables),
                                    generator.trainable_variables))
    return d_loss, g_loss


@wrong(2)
def gan_train_step_fresh_noise_for_the_generator(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    # Goodfellow's algorithm draws new noise; the exercise asks to reuse `noise` (so the step is checkable)
    with tf.GradientTape() as tape:
        d_loss = _d_loss(discriminator, real, generator(noise, training=True))
    d_optimizer.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                                    discriminator.trainable_variables))
    with tf.GradientTape() as tape:
        g_loss = _g_loss(discriminator, generator(tf.random.normal(tf.shape(noise)), training=True))
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_variables),
                                    generator.trainable_variables))
    return d_loss, g_loss


@wrong(3)
def slerp_guard_only_for_angle_zero(z0, z1, steps):
    # guards omega ~ 0 but not omega ~ pi (opposite vectors), where sin(omega) is 0 as well
    z0, z1 = np.asarray(z0, "float64"), np.asarray(z1, "float64")
    t = np.linspace(0, 1, steps)[:, None]
    omega = np.arccos(np.clip(z0 @ z1 / (np.linalg.norm(z0) * np.linalg.norm(z1)), -1, 1))
    if omega < 1e-6:
        return (1 - t) * z0 + t * z1
    return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


@wrong(3)
def slerp_of_the_unit_vectors(z0, z1, steps):
    # interpolates the directions only: every row has length 1 instead of going from |z0| to |z1|
    return _slerp_t(np.asarray(z0) / np.linalg.norm(z0), np.asarray(z1) / np.linalg.norm(z1), np.linspace(0, 1, steps))


@wrong(2)
def gan_train_step_flag_on_generator_only(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    # training=True on the generator, forgotten on every discriminator call (its dropout is then off)
    with tf.GradientTape() as tape:
        fake = generator(noise, training=True)
        r, f = discriminator(real), discriminator(fake)
        d_loss = _BCE(tf.ones_like(r), r) + _BCE(tf.zeros_like(f), f)
    d_optimizer.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                                    discriminator.trainable_variables))
    with tf.GradientTape() as tape:
        f = discriminator(generator(noise, training=True))
        g_loss = _BCE(tf.ones_like(f), f)
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_variables),
                                    generator.trainable_variables))
    return d_loss, g_loss


@wrong(2)
def gan_train_step_generator_in_inference_mode_in_its_own_step(generator, discriminator, g_optimizer, d_optimizer,
                                                               real, noise):
    # training=False on the generator in the generator step: BatchNormalization uses its moving statistics
    with tf.GradientTape() as tape:
        d_loss = _d_loss(discriminator, real, generator(noise, training=True))
    d_optimizer.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                                    discriminator.trainable_variables))
    with tf.GradientTape() as tape:
        g_loss = _g_loss(discriminator, generator(noise, training=False))
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_variables),
                                    generator.trainable_variables))
    return d_loss, g_loss


@wrong(2)
def gan_train_step_generator_step_updates_both_models(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    # the generator's loss applied to every variable: the discriminator is not held fixed in that half
    with tf.GradientTape() as tape:
        d_loss = _d_loss(discriminator, real, generator(noise, training=True))
    d_optimizer.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                                    discriminator.trainable_variables))
    variables = generator.trainable_variables + discriminator.trainable_variables
    with tf.GradientTape() as tape:
        g_loss = _g_loss(discriminator, generator(noise, training=True))
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, variables), variables))
    return d_loss, g_loss


@wrong(2)
def gan_train_step_loss_computed_after_the_tape(generator, discriminator, g_optimizer, d_optimizer, real, noise):
    # only the forward pass is under the tape: the loss is not recorded, so there is no gradient
    with tf.GradientTape() as tape:
        r = discriminator(real, training=True)
        f = discriminator(generator(noise, training=True), training=True)
    d_loss = _BCE(tf.ones_like(r), r) + _BCE(tf.zeros_like(f), f)
    d_optimizer.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                                    discriminator.trainable_variables))
    with tf.GradientTape() as tape:
        g_loss = _g_loss(discriminator, generator(noise, training=True))
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_variables),
                                    generator.trainable_variables))
    return d_loss, g_loss
