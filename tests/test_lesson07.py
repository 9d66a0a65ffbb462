"""Lesson 07: other correct ways to write each exercise pass their checks."""
import numpy as np

from dlbasics.checks import lesson


def test_alternative_pipeline_training_loop_and_round_trip_pass():
    import keras
    import tensorflow as tf

    l07 = lesson("07")

    def pipeline_scaling_whole_batches(images, labels, batch_size, seed):
        ds = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(len(labels), seed=seed)
        ds = ds.batch(batch_size).map(lambda x, y: (tf.image.convert_image_dtype(x, tf.float32), y))
        return ds.prefetch(2)

    def loop_with_compiled_step_and_mean_metric(model, optimizer, loss_fn, dataset, epochs):
        @tf.function
        def step(x, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True)) + tf.reduce_sum(model.losses)
            optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
            return loss

        mean, history = keras.metrics.Mean(), []
        for _ in range(epochs):
            mean.reset_state()
            for x, y in dataset:
                mean.update_state(step(x, y), sample_weight=tf.shape(x)[0])   # as fit's loss tracker does
            history.append(mean.result().numpy())
        return np.array(history)                  # an array, not a list

    def resume_with_functions(model, optimizer, path):
        model.compile(optimizer=optimizer, loss="mse")          # a loss too: harmless
        keras.saving.save_model(model, path)
        return keras.models.load_model(path)

    def loop_over_numpy_batches(model, optimizer, loss_fn, dataset, epochs):
        history = []
        for _ in range(epochs):
            losses, sizes = [], []
            for x, y in dataset.as_numpy_iterator():
                with tf.GradientTape() as tape:
                    loss = loss_fn(y, model(x, training=True)) + sum(model.losses)
                optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
                losses.append(float(loss))
                sizes.append(len(x))
            history.append(np.average(losses, weights=sizes))
        return history

    def pipeline_shuffling_indices(images, labels, batch_size, seed):
        ds = tf.data.Dataset.range(len(labels)).shuffle(len(labels), seed=seed).batch(batch_size)
        return ds.map(lambda i: (tf.gather(images, i), tf.gather(labels, i))).map(
            lambda x, y: (tf.cast(x, tf.float32) / 255, y)).prefetch(tf.data.AUTOTUNE)

    l07.exercise_1(pipeline_scaling_whole_batches)
    l07.exercise_2(loop_with_compiled_step_and_mean_metric)
    l07.exercise_1(pipeline_shuffling_indices)
    l07.exercise_2(loop_over_numpy_batches)
    l07.exercise_3(resume_with_functions)
