"""Lesson 10: other correct implementations pass, and the shipped backbone is what the lesson and
its checks rely on."""
import numpy as np

from dlbasics.checks import lesson


def test_alternative_residual_blocks_pass():
    import keras

    l10 = lesson("10")

    def residual_block_with_operators(x, filters, stride=1):
        """Shortcut first, `+` instead of Add, Activation('relu') instead of ReLU."""
        shortcut = x
        if x.shape[-1] != filters or stride > 1:
            shortcut = keras.layers.Conv2D(filters, (1, 1), strides=(stride, stride), use_bias=False)(x)
            shortcut = keras.layers.BatchNormalization(momentum=0.9)(shortcut)
        h = keras.layers.Conv2D(filters, (3, 3), strides=stride, padding="same", use_bias=False)(x)
        h = keras.layers.Activation("relu")(keras.layers.BatchNormalization()(h))
        h = keras.layers.BatchNormalization()(keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(h))
        return keras.layers.Activation("relu")(h + shortcut)

    class Block(keras.layers.Layer):
        """The block as a subclassed layer, applied inside the function."""

        def __init__(self, filters, stride, project, **kw):
            super().__init__(**kw)
            self.c1 = keras.layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)
            self.b1 = keras.layers.BatchNormalization()
            self.c2 = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)
            self.b2 = keras.layers.BatchNormalization()
            self.project = project
            if project:
                self.p = keras.layers.Conv2D(filters, 1, strides=stride, use_bias=False)
                self.pb = keras.layers.BatchNormalization()

        def call(self, x, training=None):
            h = keras.ops.relu(self.b1(self.c1(x), training=training))
            h = self.b2(self.c2(h), training=training)
            s = self.pb(self.p(x), training=training) if self.project else x
            return keras.ops.relu(h + s)

    def residual_block_subclassed(x, filters, stride=1):
        return Block(filters, stride, stride != 1 or x.shape[-1] != filters)(x)

    for fn in (residual_block_with_operators, residual_block_subclassed):
        l10.exercise_1(fn)
        ex = l10.EXERCISES[0]
        ex.check(fn, cases=ex.cases(np.random.default_rng(1))[len(ex.cases()):], quiet=True)


def test_alternative_freezing_passes():
    import keras

    l10 = lesson("10")

    def prepare_by_name_sets(model, top, learning_rate):
        """Freeze everything first, then unfreeze; the loss as an object, BN found by class name."""
        model.trainable = True
        for layer in model.layers:
            layer.trainable = False
        for layer in model.layers:
            if layer.name == "head" or (any(layer.name.startswith(p) for p in top)
                                        and type(layer).__name__ != "BatchNormalization"):
                layer.trainable = True
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                      loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
        return model

    def prepare_compile_then_flags(model, top, learning_rate):
        """Compile first, flags after, before any fit: Keras 3 builds the step at the next fit, so this works."""
        model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy")
        for layer in model.layers:
            layer.trainable = layer.name == "head" or (
                layer.name.startswith(tuple(top)) and not isinstance(layer, keras.layers.BatchNormalization))
        return model

    def prepare_with_loss_function(model, top, learning_rate):
        """The loss as a function, get_layer for the head, a set of names to unfreeze, a metric object."""
        unfreeze = {layer.name for layer in model.layers if layer.name.split("_")[0] in top
                    and layer.__class__.__name__ != "BatchNormalization"}
        for layer in model.layers:
            layer.trainable = layer.name in unfreeze
        model.get_layer("head").trainable = True
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                      loss=keras.losses.sparse_categorical_crossentropy,
                      metrics=[keras.metrics.SparseCategoricalAccuracy()])
        return model

    for fn in (prepare_by_name_sets, prepare_compile_then_flags, prepare_with_loss_function):
        l10.exercise_2(fn)
        ex = l10.EXERCISES[1]
        ex.check(fn, cases=ex.cases(np.random.default_rng(2))[len(ex.cases()):], quiet=True)


def test_a_logits_recipe_passes():
    """Exercise 3 written differently: a logits head trained with fit on the arrays, then stages 2 and 3
    fine-tuned on augmented copies made once with Keras preprocessing layers (not a tf.data map)."""
    import keras

    l10 = lesson("10")

    def transfer(pretrained, x, y):
        features = keras.Model(pretrained.input, pretrained.get_layer("gap").output)
        head = keras.layers.Dense(5)
        model = keras.Model(pretrained.input, head(features.output))
        for layer in pretrained.layers:
            layer.trainable = False
        model.compile(keras.optimizers.Adam(1e-2), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(np.tile(x, (150, 1, 1, 1)), np.tile(y, 150), batch_size=len(x), shuffle=False, verbose=0)   # 150 full-batch steps
        for layer in pretrained.layers:
            layer.trainable = (layer.name.startswith(("stage2", "stage3"))
                               and not isinstance(layer, keras.layers.BatchNormalization))
        augment = keras.Sequential([keras.layers.RandomFlip("horizontal"),
                                    keras.layers.RandomTranslation(2 / 28, 2 / 28, fill_mode="constant")])
        xa = np.concatenate([keras.ops.convert_to_numpy(augment(x, training=True)) for _ in range(16)])
        ya = keras.utils.to_categorical(np.tile(y, 16), 5)
        model.compile(keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(1e-3, 400)),
                      keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1))
        model.fit(xa, ya, batch_size=25, epochs=25, verbose=0)            # 16 steps per epoch: 400 steps
        return model

    l10.exercise_3(transfer)


def test_shipped_backbone_and_the_task_split():
    import keras

    from dlbasics import data

    l10 = lesson("10")
    path = data.model_path("resnet_fashion5")
    assert path.stat().st_size < 5e6
    model = keras.saving.load_model(path)
    assert model.count_params() == l10.build_resnet().count_params()
    assert [l.name for l in model.layers] == [l.name for l in l10.build_resnet().layers]
    x, y = data.fashion_mnist("test", limit=1000)
    old = np.isin(y, l10.PRETRAIN_CLASSES)
    labels = np.searchsorted(l10.PRETRAIN_CLASSES, y[old])
    assert (model.predict(x[old].astype("float32"), verbose=0).argmax(1) == labels).mean() > 0.9
    assert not set(l10.PRETRAIN_CLASSES) & set(l10.NEW_CLASSES)
    (xl, yl), (xv, yv) = l10.new_task()
    assert xl.shape == (25, 28, 28, 1) and np.bincount(yl).tolist() == [5] * 5
    assert xv.shape == (1000, 28, 28, 1) and np.bincount(yv).tolist() == [200] * 5
    assert xl.max() > 1                       # raw pixels, as the backbone expects


def test_alternative_stack_summaries_pass():
    """Exercise 4 computed differently: the receptive field backwards from the output pixel, sizes with
    math.ceil, NumPy integers, and the output as a list."""
    import math

    l10 = lesson("10")

    def stack_summary_backwards(layers, size, channels):
        r = 1
        for _, k, s, _ in reversed(layers):        # an output pixel sees k pixels, s apart, of the layer below
            r = (r - 1) * s + k
        params, n, c = np.int64(0), size, channels
        for kind, k, s, f in layers:
            if kind == "pool":
                n = math.floor((n - k) / s) + 1
                continue
            depthwise = k * k * c if kind == "separable" else 0
            params += depthwise + (c if kind == "separable" else k * k * c) * f + f
            n, c = math.ceil(n / s), f
        return {"receptive_field": np.int64(r), "output": [n, n, c], "params": params}

    l10.exercise_4(stack_summary_backwards)
    ex = l10.EXERCISES[3]
    for seed in range(3):
        ex.check(stack_summary_backwards, cases=ex.cases(np.random.default_rng(seed))[len(ex.cases()):], quiet=True)
