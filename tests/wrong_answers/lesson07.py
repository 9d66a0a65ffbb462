"""Plausible mistakes for the exercises of lesson 07 (see tests/wrong_answers/__init__.py)."""
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
def resume_saves_the_uncompiled_model(model, optimizer, path):
    # model.save alone: a model trained in a loop of your own has no optimizer attached, so none is stored
    model.save(path)
    return keras.saving.load_model(path)


@wrong(3)
def resume_with_a_fresh_optimizer(model, optimizer, path):
    # the right kind of optimizer, with the same settings, but none of its state (moments, step count)
    model.save(path)
    loaded = keras.saving.load_model(path)
    loaded.compile(optimizer=optimizer.__class__.from_config(optimizer.get_config()))
    loaded.save(path)
    return loaded


@wrong(3)
def resume_compiles_a_copy_of_the_optimizer(model, optimizer, path):
    model.compile(optimizer=keras.optimizers.deserialize(keras.optimizers.serialize(optimizer)))
    model.save(path)
    return keras.saving.load_model(path)


@wrong(3)
def resume_returns_the_same_model(model, optimizer, path):
    model.compile(optimizer=optimizer)
    model.save(path)
    return model


@wrong(3)
def resume_saves_weights_only(model, optimizer, path):
    weights = str(path).replace(".keras", ".weights.h5")
    model.save_weights(weights)
    clone = keras.models.clone_model(model)
    clone.load_weights(weights)
    clone.compile(optimizer=optimizer)
    return clone


@wrong(1)
def pipeline_ignores_the_seed(images, labels, batch_size, seed):
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(_scale).shuffle(len(images))
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


@wrong(1)
def pipeline_fixed_seed(images, labels, batch_size, seed):
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(_scale).shuffle(len(images), seed=42)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


@wrong(1)
def pipeline_divides_by_256(images, labels, batch_size, seed):
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(len(images), seed=seed).batch(batch_size)
    return ds.map(lambda x, y: (tf.cast(x, tf.float32) / 256.0, y)).prefetch(tf.data.AUTOTUNE)


@wrong(1)
def pipeline_scales_each_image_by_its_own_maximum(images, labels, batch_size, seed):
    def scale(x, y):
        x = tf.cast(x, tf.float32)
        return x / tf.reduce_max(x), y
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(scale).shuffle(len(images), seed=seed)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


@wrong(1)
def pipeline_scales_with_integer_division(images, labels, batch_size, seed):
    # uint8 // 255 is 0 for every pixel but white, then cast
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(len(images), seed=seed).batch(batch_size)
    return ds.map(lambda x, y: (tf.cast(x // 255, tf.float32), y)).prefetch(tf.data.AUTOTUNE)


@wrong(2)
def loop_plain_mean_of_batch_losses(model, optimizer, loss_fn, dataset, epochs):
    # right training, but every batch counts the same in the epoch loss, even a smaller last batch
    history = []
    for _ in range(epochs):
        losses = []
        for x, y in dataset:
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True)) + sum(model.losses)
            optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
            losses.append(float(loss))
        history.append(float(np.mean(losses)))
    return history


def _size_weighted_loop(model, optimizer, loss_fn, dataset, epochs, call):
    history = []
    for _ in range(epochs):
        total = count = 0
        for x, y in dataset:
            with tf.GradientTape() as tape:
                loss = loss_fn(y, call(model, x)) + sum(model.losses)
            optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
            total, count = total + float(loss) * len(x), count + len(x)
        history.append(total / count)
    return history


@wrong(2)
def loop_without_training_flag(model, optimizer, loss_fn, dataset, epochs):
    return _size_weighted_loop(model, optimizer, loss_fn, dataset, epochs, lambda m, x: m(x))


@wrong(2)
def loop_training_false(model, optimizer, loss_fn, dataset, epochs):
    return _size_weighted_loop(model, optimizer, loss_fn, dataset, epochs, lambda m, x: m(x, training=False))


@wrong(2)
def loop_with_predict(model, optimizer, loss_fn, dataset, epochs):
    # model.predict returns NumPy: the tape sees no operation on the weights, the gradients are None
    return _size_weighted_loop(model, optimizer, loss_fn, dataset, epochs, lambda m, x: m.predict(x, verbose=0))


@wrong(2)
def loop_mean_weighted_by_batch_count_of_full_batches(model, optimizer, loss_fn, dataset, epochs):
    # divides the summed batch losses by len(dataset) * batch size: wrong when the last batch is partial
    history = []
    for _ in range(epochs):
        total, batches, size = 0.0, 0, None
        for x, y in dataset:
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True)) + sum(model.losses)
            optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
            size = size or len(x)
            total, batches = total + float(loss) * len(x), batches + 1
        history.append(total / (batches * size))
    return history


@wrong(2)
def loop_adds_regularization_after_the_tape(model, optimizer, loss_fn, dataset, epochs):
    # the penalty is added once the tape has stopped recording: the gradient has no path to it
    history = []
    for _ in range(epochs):
        total = count = 0
        for x, y in dataset:
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            loss = loss + sum(model.losses)
            optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
            total, count = total + float(loss) * len(x), count + len(x)
        history.append(total / count)
    return history


@wrong(2)
def loop_mean_metric_never_reset(model, optimizer, loss_fn, dataset, epochs):
    # a keras.metrics.Mean, size-weighted, but not reset at each epoch: a running mean over all epochs so far
    mean, history = keras.metrics.Mean(), []
    for _ in range(epochs):
        for x, y in dataset:
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True)) + sum(model.losses)
            optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
            mean.update_state(loss, sample_weight=tf.shape(x)[0])
        history.append(float(mean.result()))
    return history


@wrong(2)
def loop_reports_loss_without_the_penalty(model, optimizer, loss_fn, dataset, epochs):
    # trains on loss + penalty, but logs the data loss only: fit's reported loss includes model.losses
    history = []
    for _ in range(epochs):
        total = count = 0
        for x, y in dataset:
            with tf.GradientTape() as tape:
                data_loss = loss_fn(y, model(x, training=True))
                loss = data_loss + sum(model.losses)
            optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
            total, count = total + float(data_loss) * len(x), count + len(x)
        history.append(total / count)
    return history
