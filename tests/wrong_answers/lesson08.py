"""Plausible mistakes for the exercises of lesson 08 (see tests/wrong_answers/__init__.py)."""
import keras
import numpy as np
import tensorflow as tf

from ._registry import registry

WRONG, wrong = registry()


def _bn(x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3, batch_stats_always=False,
        ddof=0, eps_outside=False, backwards=False, update_always=False, axis0_only=False, moving_ddof=0):
    x = np.asarray(x, float)
    axes = 0 if axis0_only else tuple(range(x.ndim - 1))
    mean, var = x.mean(axis=axes), x.var(axis=axes, ddof=ddof)
    moving_var_batch = x.var(axis=axes, ddof=moving_ddof)
    if training or update_always:
        a, b = (1 - momentum, momentum) if backwards else (momentum, 1 - momentum)
        new_mean, new_var = moving_mean * a + mean * b, moving_var * a + moving_var_batch * b
    else:
        new_mean, new_var = moving_mean, moving_var
    if not (training or batch_stats_always):
        mean, var = moving_mean, moving_var
    scale = np.sqrt(var) + epsilon if eps_outside else np.sqrt(var + epsilon)
    return gamma * (x - mean) / scale + beta, new_mean, new_var


@wrong(1)
def batch_norm_batch_stats_at_inference(*args, **kwargs):
    return _bn(*args, **kwargs, batch_stats_always=True)


@wrong(1)
def batch_norm_with_the_keras_layer(x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3):
    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon, dtype="float64")
    layer.build(np.shape(x))
    layer.set_weights([np.asarray(gamma, float), np.asarray(beta, float), np.asarray(moving_mean, float),
                       np.asarray(moving_var, float)])
    y = keras.ops.convert_to_numpy(layer(np.asarray(x, float), training=training))
    return y, keras.ops.convert_to_numpy(layer.moving_mean), keras.ops.convert_to_numpy(layer.moving_variance)


@wrong(1)
def batch_norm_unbiased_variance(*args, **kwargs):
    return _bn(*args, **kwargs, ddof=1, moving_ddof=1)


@wrong(1)
def batch_norm_epsilon_outside_sqrt(*args, **kwargs):
    return _bn(*args, **kwargs, eps_outside=True)


@wrong(1)
def batch_norm_momentum_backwards(*args, **kwargs):
    return _bn(*args, **kwargs, backwards=True)


@wrong(1)
def batch_norm_updates_at_inference(*args, **kwargs):
    return _bn(*args, **kwargs, update_always=True)


@wrong(1)
def batch_norm_pytorch_running_variance(*args, **kwargs):
    """PyTorch's convention: the running variance gets the unbiased batch variance."""
    return _bn(*args, **kwargs, moving_ddof=1)


@wrong(1)
def batch_norm_over_the_batch_axis_only(*args, **kwargs):
    """Fine for (n, features), but images need statistics over batch, height and width."""
    return _bn(*args, **kwargs, axis0_only=True)


@wrong(1)
def batch_norm_updates_in_place(x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3):
    y, m, v = _bn(x, gamma, beta, moving_mean, moving_var, training, momentum, epsilon)
    if training:
        moving_mean *= momentum                        # edits the caller's arrays
        moving_mean += (1 - momentum) * np.asarray(x).mean(axis=tuple(range(np.ndim(x) - 1)))
    return y, m, v


def _dropout(x, rate, training, seed=0, scale=True, scale_at_inference=False, keep_as_rate=False,
             multiply=False, one_mask=False):
    x = np.asarray(x, float)
    rng = np.random.default_rng(seed)
    keep = rate if keep_as_rate else 1 - rate
    if not training:
        return x / keep if scale_at_inference and keep else x
    shape = x.shape[1:] if one_mask else x.shape
    mask = rng.random(shape) < keep
    factor = (keep if multiply else 1 / keep) if scale and keep else 1.0
    return x * mask * factor


@wrong(2)
def dropout_without_rescaling(x, rate, training, seed=0):
    return _dropout(x, rate, training, seed, scale=False)


@wrong(2)
def dropout_rescales_at_inference(x, rate, training, seed=0):
    return _dropout(x, rate, training, seed, scale_at_inference=True)


@wrong(2)
def dropout_rate_as_keep_probability(x, rate, training, seed=0):
    return _dropout(x, rate, training, seed, keep_as_rate=True)


@wrong(2)
def dropout_multiplies_by_keep(x, rate, training, seed=0):
    return _dropout(x, rate, training, seed, multiply=True)


@wrong(2)
def dropout_one_mask_for_the_batch(x, rate, training, seed=0):
    return _dropout(x, rate, training, seed, one_mask=True)


@wrong(2)
def dropout_ignores_training(x, rate, training, seed=0):
    return _dropout(x, rate, True, seed)


@wrong(2)
def dropout_one_decision_per_example(x, rate, training, seed=0):
    """Keeps or drops whole examples (a mask of shape (n, 1, ...))."""
    x = np.asarray(x, float)
    if not training:
        return x
    keep = np.random.default_rng(seed).random((len(x),) + (1,) * (x.ndim - 1)) >= rate
    return x * keep / (1 - rate)


@wrong(2)
def dropout_mask_per_feature(x, rate, training, seed=0):
    """One decision per feature (the last axis), broadcast over the rest."""
    x = np.asarray(x, float)
    if not training:
        return x
    keep = np.random.default_rng(seed).random(x.shape[-1]) >= rate
    return x * keep / (1 - rate)


@wrong(2)
def dropout_global_rng(x, rate, training, seed=0):
    """NumPy's global generator: the seed is ignored, a second call drops other values."""
    x = np.asarray(x, float)
    if not training:
        return x
    return np.where(np.random.random(x.shape) >= rate, x / (1 - rate), 0.0)


@wrong(2)
def dropout_unseeded_generator(x, rate, training, seed=0):
    x = np.asarray(x, float)
    if not training:
        return x
    return np.where(np.random.default_rng().random(x.shape) >= rate, x / (1 - rate), 0.0)


@wrong(2)
def dropout_fixed_seed(x, rate, training, seed=0):
    """default_rng(0) whatever `seed` says: every seed gives the same mask."""
    return _dropout(x, rate, training, 0)


@wrong(2)
def dropout_zeroes_in_place(x, rate, training, seed=0):
    """np.asarray keeps the caller's float64 array; the edits below change it."""
    x = np.asarray(x, dtype="float64")
    if training and rate > 0:
        keep = np.random.default_rng(seed).random(x.shape) >= rate
        x[~keep] = 0.0
        x /= 1 - rate
    return x


@wrong(2)
def dropout_with_keras_layer(x, rate, training, seed=0):
    """The library's layer does the whole exercise: refused."""
    return keras.layers.Dropout(rate, seed=seed)(x, training=training)


def _schedule(boundary_off=False, decay_over_total=False, to_zero=False, no_clamp=False, plain=False,
              no_config=False, python_if=False):
    class Schedule(keras.optimizers.schedules.LearningRateSchedule):
        def __init__(self, peak_lr, warmup_steps, total_steps, floor=0.0):
            self.peak_lr, self.warmup_steps, self.total_steps, self.floor = peak_lr, warmup_steps, total_steps, floor

        def __call__(self, step):
            step = tf.cast(step, tf.float32)
            warm = float(self.warmup_steps)
            start = 0.0 if decay_over_total else warm
            span = float(self.total_steps) - start
            floor = 0.0 if to_zero else self.floor
            warm_lr = self.peak_lr * ((step + 1) if boundary_off else step) / warm
            t = (step - start) / span
            if not no_clamp:
                t = tf.minimum(t, 1.0)
            cos_lr = floor + (self.peak_lr - floor) * 0.5 * (1 + tf.cos(np.pi * t))
            if python_if:
                return warm_lr if step < warm else cos_lr
            return tf.where(step < warm, warm_lr, cos_lr)

        def get_config(self):
            if no_config:
                return super().get_config()
            return {"peak_lr": self.peak_lr, "warmup_steps": self.warmup_steps,
                    "total_steps": self.total_steps, "floor": self.floor}
    return Schedule


@wrong(3)
def warmup_cosine_off_by_one(peak_lr, warmup_steps, total_steps, floor=0.0):
    """(step + 1) / warmup: reaches the peak one step early and starts above 0."""
    return _schedule(boundary_off=True)(peak_lr, warmup_steps, total_steps, floor)


@wrong(3)
def warmup_cosine_decays_over_all_steps(peak_lr, warmup_steps, total_steps, floor=0.0):
    """The cosine runs over total_steps from step 0, so it never reaches the floor at total_steps."""
    return _schedule(decay_over_total=True)(peak_lr, warmup_steps, total_steps, floor)


@wrong(3)
def warmup_cosine_ignores_the_floor(peak_lr, warmup_steps, total_steps, floor=0.0):
    return _schedule(to_zero=True)(peak_lr, warmup_steps, total_steps, floor)


@wrong(3)
def warmup_cosine_rises_again(peak_lr, warmup_steps, total_steps, floor=0.0):
    """No clamp after total_steps: the cosine climbs back up."""
    return _schedule(no_clamp=True)(peak_lr, warmup_steps, total_steps, floor)


@wrong(3)
def warmup_cosine_without_get_config(peak_lr, warmup_steps, total_steps, floor=0.0):
    return _schedule(no_config=True)(peak_lr, warmup_steps, total_steps, floor)


@wrong(3)
def warmup_cosine_as_a_plain_function(peak_lr, warmup_steps, total_steps, floor=0.0):
    schedule = _schedule()(peak_lr, warmup_steps, total_steps, floor)
    return lambda step: schedule(step)


@wrong(3)
def warmup_cosine_from_keras(peak_lr, warmup_steps, total_steps, floor=0.0):
    """Keras's CosineDecay with warmup does the whole exercise: refused."""
    return keras.optimizers.schedules.CosineDecay(0.0, total_steps - warmup_steps, alpha=floor / peak_lr,
                                                  warmup_target=peak_lr, warmup_steps=warmup_steps)


def _deep(activation="sigmoid", init="glorot_uniform", optimizer=None, depth=12, head="sigmoid", from_logits=False):
    layers = [keras.Input((2,))] + [keras.layers.Dense(32, activation=activation, kernel_initializer=init)
                                    for _ in range(depth)]
    model = keras.Sequential(layers + [keras.layers.Dense(1, activation=head)])
    model.compile(optimizer=optimizer or keras.optimizers.SGD(0.01),
                  loss=keras.losses.BinaryCrossentropy(from_logits=from_logits), metrics=["accuracy"])
    return model


@wrong(4)
def fixed_model_unchanged():
    """The broken recipe itself."""
    return _deep()


@wrong(4)
def fixed_model_relu_only():
    """ReLU, but the default init and plain SGD at 0.01: still stuck after 20 epochs."""
    return _deep(activation="relu")


@wrong(4)
def fixed_model_made_shallow():
    return _deep(activation="relu", init="he_normal", optimizer=keras.optimizers.Adam(3e-3), depth=3)


@wrong(4)
def fixed_model_deep_branch_bypassed():
    """The 12 sigmoid layers kept, in a branch that a 2-layer ReLU path goes around (concatenated before the
    output): 12 layers in a row, but nothing trains through them (a second reader's model that passed)."""
    inputs = keras.Input((2,))
    deep = inputs
    for _ in range(12):
        deep = keras.layers.Dense(32, activation="sigmoid")(deep)
    short = keras.layers.Dense(64, activation="relu")(inputs)
    short = keras.layers.Dense(64, activation="relu")(short)
    outputs = keras.layers.Dense(1, activation="sigmoid")(keras.layers.Concatenate()([deep, short]))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy", metrics=["accuracy"])
    return model


@wrong(4)
def fixed_model_layers_side_by_side():
    """Twelve Dense layers, but in parallel: two layers deep."""
    inputs = keras.Input((2,))
    wide = keras.layers.Concatenate()([keras.layers.Dense(8, activation="relu")(inputs) for _ in range(12)])
    hidden = keras.layers.Dense(64, activation="relu")(wide)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy", metrics=["accuracy"])
    return model


@wrong(4)
def fixed_model_sigmoid_head_with_from_logits():
    return _deep(activation="relu", init="he_normal", optimizer=keras.optimizers.Adam(3e-3), from_logits=True)


@wrong(4)
def fixed_model_softmax_over_one_unit():
    """A second reader's mistake: a one-unit softmax head is 1.0 for every input, so the network looked untrainable."""
    return _deep(activation="relu", init="he_normal", optimizer=keras.optimizers.Adam(3e-3), head="softmax")
