"""Plausible mistakes for the exercises of lesson 15 (see tests/wrong_answers/__init__.py)."""
import keras
import numpy as np
import tensorflow as tf

from ._registry import registry

WRONG, wrong = registry()


def _scale(x, y):
    return tf.cast(x, tf.float32) / 255.0, y


@wrong(1)
def pipeline_batches_before_shuffling(images, labels, batch_size, seed):
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(_scale)
    return ds.batch(batch_size).shuffle(len(images), seed=seed).prefetch(tf.data.AUTOTUNE)


@wrong(1)
def pipeline_without_scaling(images, labels, batch_size, seed):
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(len(images), seed=seed)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


@wrong(1)
def pipeline_drops_last_batch(images, labels, batch_size, seed):
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(_scale).shuffle(len(images), seed=seed)
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


@wrong(1)
def pipeline_small_shuffle_buffer(images, labels, batch_size, seed):
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(_scale).shuffle(batch_size, seed=seed)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


@wrong(1)
def pipeline_same_order_every_epoch(images, labels, batch_size, seed):
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(_scale)
    ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=False)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


@wrong(1)
def pipeline_without_prefetch(images, labels, batch_size, seed):
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(_scale).shuffle(len(images), seed=seed)
    return ds.batch(batch_size)


@wrong(1)
def pipeline_shuffles_images_and_labels_apart(images, labels, batch_size, seed):
    xs = tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=seed)
    ys = tf.data.Dataset.from_tensor_slices(labels).shuffle(len(images), seed=seed + 1)
    ds = tf.data.Dataset.zip((xs, ys)).map(_scale)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


@wrong(2)
def loop_forgets_regularization(model, optimizer, loss_fn, dataset, epochs):
    history = []
    for _ in range(epochs):
        losses = []
        for x, y in dataset:
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            losses.append(float(loss))
        history.append(float(np.mean(losses)))
    return history


@wrong(2)
def loop_one_step_per_epoch(model, optimizer, loss_fn, dataset, epochs):
    history = []
    for _ in range(epochs):
        with tf.GradientTape() as tape:
            losses = [loss_fn(y, model(x, training=True)) + sum(model.losses) for x, y in dataset]
            loss = tf.reduce_mean(losses)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        history.append(float(loss))
    return history


@wrong(2)
def loop_returns_last_batch_loss(model, optimizer, loss_fn, dataset, epochs):
    history = []
    for _ in range(epochs):
        for x, y in dataset:
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True)) + sum(model.losses)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
        history.append(float(loss))
    return history


@wrong(2)
def loop_never_applies_gradients(model, optimizer, loss_fn, dataset, epochs):
    history = []
    for _ in range(epochs):
        losses = []
        for x, y in dataset:
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True)) + sum(model.losses)
            tape.gradient(loss, model.trainable_variables)
            losses.append(float(loss))
        history.append(float(np.mean(losses)))
    return history


@wrong(3)
def reload_returns_the_same_model(model, path):
    model.save(path)
    return model


@wrong(3)
def reload_rebuilds_the_architecture_only(model, path):
    model.save(path)
    return keras.models.clone_model(model)       # same layers, fresh random weights


@wrong(3)
def reload_saves_weights_only(model, path):
    weights = str(path).replace(".keras", ".weights.h5")
    model.save_weights(weights)
    clone = keras.models.clone_model(model)
    clone.load_weights(weights)
    return clone
