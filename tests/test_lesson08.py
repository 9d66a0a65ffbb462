"""Lesson 08: other correct implementations pass (also on the grader's randomized cases)."""
import numpy as np

from dlbasics.checks import lesson


def _all_cases(ex, fn, seeds=range(3)):
    ex.check(fn, quiet=True)
    fixed = len(ex.cases())
    for seed in seeds:
        ex.check(fn, cases=ex.cases(np.random.default_rng(seed))[fixed:], quiet=True)


def test_alternative_batch_norms_pass():
    import tensorflow as tf

    def batch_norm_tf(x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3):
        """tf.nn.moments and tf.nn.batch_normalization, returning tensors."""
        x = tf.constant(x, tf.float64)
        axes = list(range(len(x.shape) - 1))
        if training:
            mean, var = tf.nn.moments(x, axes)
            new = (moving_mean + (1 - momentum) * (mean - moving_mean), moving_var + (1 - momentum) * (var - moving_var))
        else:
            mean, var, new = moving_mean, moving_var, (moving_mean, moving_var)
        return tf.nn.batch_normalization(x, mean, var, beta, gamma, epsilon), *new

    def batch_norm_flattened(x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3):
        """Reshape to (rows, features), explicit sums, a list result."""
        flat = np.asarray(x, float).reshape(-1, np.shape(x)[-1])
        if training:
            mean = flat.sum(0) / len(flat)
            var = ((flat - mean) ** 2).sum(0) / len(flat)
            m, v = momentum * np.copy(moving_mean) + (1 - momentum) * mean, momentum * np.copy(moving_var) + (1 - momentum) * var
        else:
            mean, var, m, v = moving_mean, moving_var, np.copy(moving_mean), np.copy(moving_var)
        y = (flat - mean) * (gamma / np.sqrt(var + epsilon)) + beta
        return [y.reshape(np.shape(x)), m, v]

    def batch_norm_float32(x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3):
        """In float32, as Keras's own layer computes by default."""
        x, gamma, beta = (np.asarray(a, np.float32) for a in (x, gamma, beta))
        mm, mv = np.asarray(moving_mean, np.float32), np.asarray(moving_var, np.float32)
        axes = tuple(range(x.ndim - 1))
        mean, var = (x.mean(axes), x.var(axes)) if training else (mm, mv)
        y = gamma * (x - mean) / np.sqrt(var + np.float32(epsilon)) + beta
        if training:
            mm, mv = momentum * mm + (1 - momentum) * mean, momentum * mv + (1 - momentum) * var
        return y, mm, mv

    ex = lesson("08").EXERCISES[0]
    for fn in (batch_norm_tf, batch_norm_flattened, batch_norm_float32):
        _all_cases(ex, fn)


def test_alternative_dropouts_pass():
    def dropout_binomial(x, rate, training, seed=0):
        if not training:
            return np.array(x, dtype=float)
        mask = np.random.default_rng(seed).binomial(1, 1 - rate, np.shape(x))
        return np.asarray(x) * mask / (1 - rate)

    def dropout_float32_tensor(x, rate, training, seed=0):
        import tensorflow as tf

        x = tf.constant(x, tf.float32)
        if not training:
            return x
        keep = tf.random.stateless_uniform(tf.shape(x), seed=(seed, 0)) >= rate
        return tf.where(keep, x / (1 - rate), tf.zeros_like(x))

    def dropout_legacy_random_state(x, rate, training, seed=0):
        """NumPy's legacy RandomState, seeded: the same seed gives the same mask."""
        x = np.array(x, dtype=float)
        if training:
            x *= (np.random.RandomState(seed).uniform(size=x.shape) > rate) / (1 - rate)
        return x

    ex = lesson("08").EXERCISES[1]
    for fn in (dropout_binomial, dropout_float32_tensor, dropout_legacy_random_state):
        _all_cases(ex, fn)


def test_alternative_schedules_pass():
    import keras
    import tensorflow as tf

    @keras.saving.register_keras_serializable("lesson08_test")
    class Ramp(keras.optimizers.schedules.LearningRateSchedule):
        """Clipped progress fractions and tf.cond; float64 inside."""

        def __init__(self, peak_lr, warmup_steps, total_steps, floor=0.0):
            self.peak_lr, self.warmup_steps, self.total_steps, self.floor = peak_lr, warmup_steps, total_steps, floor

        def __call__(self, step):
            s = tf.cast(step, tf.float64)
            up = tf.clip_by_value(s / self.warmup_steps, 0.0, 1.0)
            down = tf.clip_by_value((s - self.warmup_steps) / (self.total_steps - self.warmup_steps), 0.0, 1.0)
            cosine = self.floor + (self.peak_lr - self.floor) * (1 + tf.cos(np.pi * down)) / 2
            return tf.cond(s < self.warmup_steps, lambda: self.peak_lr * up, lambda: cosine)

        def get_config(self):
            return dict(peak_lr=self.peak_lr, warmup_steps=self.warmup_steps, total_steps=self.total_steps, floor=self.floor)

    def with_python_min(peak_lr, warmup_steps, total_steps, floor=0.0):
        return Ramp(peak_lr, warmup_steps, total_steps, floor)

    _all_cases(lesson("08").EXERCISES[2], with_python_min)


def test_a_batch_norm_network_passes_the_fix_check():
    import keras

    def fixed_model():
        layers = [keras.Input((2,))]
        for _ in range(12):
            layers += [keras.layers.Dense(32, use_bias=False), keras.layers.BatchNormalization(), keras.layers.Activation("relu")]
        model = keras.Sequential(layers + [keras.layers.Dense(1)])          # a logit
        model.compile(optimizer=keras.optimizers.Adam(3e-3), loss=keras.losses.BinaryCrossentropy(from_logits=True))
        return model

    lesson("08").exercise_4(fixed_model)


def test_a_residual_network_passes_the_fix_check():
    """Functional API, each block's two Dense layers in a nested Sequential: the longest Dense chain
    runs through all of them (14 hidden layers), although the skips give shorter paths too."""
    import keras

    def fixed_model():
        inputs = keras.Input((2,))
        h = keras.layers.Dense(32, activation="relu", kernel_initializer="he_normal")(inputs)
        for _ in range(6):
            f = keras.Sequential([keras.layers.Dense(32, activation="relu", kernel_initializer="he_normal"),
                                  keras.layers.Dense(32, kernel_initializer="zeros")])
            h = keras.layers.Add()([h, f(h)])
        h = keras.layers.Dense(32, activation="relu", kernel_initializer="he_normal")(h)
        model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(h))
        model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy", metrics=["accuracy"])
        return model

    ex = lesson("08").EXERCISES[3]
    assert len(lesson("08")._dense_chain(fixed_model())) - 1 == 14
    ex.check(fixed_model, quiet=True)


def test_a_subclassed_model_passes_the_fix_check():
    """A second reader's correct answer that failed: Keras cannot compute a subclassed model's output
    shape, so the check calls the model instead."""
    import keras

    class Deep(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = [keras.layers.Dense(32, activation="relu", kernel_initializer="he_normal") for _ in range(12)]
            self.head = keras.layers.Dense(1, activation="sigmoid")

        def call(self, x):
            for layer in self.hidden:
                x = layer(x)
            return self.head(x)

    def fixed_model():
        model = Deep()
        model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy", metrics=["accuracy"])
        return model

    lesson("08").exercise_4(fixed_model)
