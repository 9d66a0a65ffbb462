"""Plausible mistakes for the exercises of lesson 10 (see tests/wrong_answers/__init__.py)."""
import keras

from ._registry import registry

WRONG, wrong = registry()
L = keras.layers


def _needs_projection(x, filters, stride):
    return stride != 1 or x.shape[-1] != filters


def _projection(x, filters, stride):
    return L.BatchNormalization()(L.Conv2D(filters, 1, strides=stride, use_bias=False)(x))


@wrong(1)
def residual_block_without_projection(x, filters, stride=1):
    """Always adds x itself: fails as soon as the stride or the channel count changes the shape."""
    h = L.ReLU()(L.BatchNormalization()(L.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)))
    h = L.BatchNormalization()(L.Conv2D(filters, 3, padding="same", use_bias=False)(h))
    return L.ReLU()(L.Add()([h, x]))


@wrong(1)
def residual_block_adds_after_the_activation(x, filters, stride=1):
    """ReLU on the main path, then the addition, and no ReLU after it: outputs can be negative."""
    h = L.ReLU()(L.BatchNormalization()(L.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)))
    h = L.ReLU()(L.BatchNormalization()(L.Conv2D(filters, 3, padding="same", use_bias=False)(h)))
    shortcut = _projection(x, filters, stride) if _needs_projection(x, filters, stride) else x
    return L.Add()([h, shortcut])


@wrong(1)
def residual_block_relu_before_and_after_the_addition(x, filters, stride=1):
    """An extra ReLU on the main path before the addition: the block can no longer subtract."""
    h = L.ReLU()(L.BatchNormalization()(L.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)))
    h = L.ReLU()(L.BatchNormalization()(L.Conv2D(filters, 3, padding="same", use_bias=False)(h)))
    shortcut = _projection(x, filters, stride) if _needs_projection(x, filters, stride) else x
    return L.ReLU()(L.Add()([h, shortcut]))


@wrong(1)
def residual_block_bn_after_relu(x, filters, stride=1):
    """Conv - ReLU - BN instead of Conv - BN - ReLU: same parameters, different block."""
    h = L.BatchNormalization()(L.ReLU()(L.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)))
    h = L.BatchNormalization()(L.Conv2D(filters, 3, padding="same", use_bias=False)(h))
    shortcut = _projection(x, filters, stride) if _needs_projection(x, filters, stride) else x
    return L.ReLU()(L.Add()([h, shortcut]))


@wrong(1)
def residual_block_bn_after_the_addition(x, filters, stride=1):
    """One BatchNorm after the addition instead of one per branch."""
    h = L.ReLU()(L.BatchNormalization()(L.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)))
    h = L.Conv2D(filters, 3, padding="same", use_bias=False)(h)
    shortcut = L.Conv2D(filters, 1, strides=stride, use_bias=False)(x) if _needs_projection(x, filters, stride) else x
    return L.ReLU()(L.BatchNormalization()(L.Add()([h, shortcut])))


@wrong(1)
def residual_block_always_projects(x, filters, stride=1):
    """A 1x1 projection even when the shapes already match."""
    h = L.ReLU()(L.BatchNormalization()(L.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)))
    h = L.BatchNormalization()(L.Conv2D(filters, 3, padding="same", use_bias=False)(h))
    return L.ReLU()(L.Add()([h, _projection(x, filters, stride)]))


@wrong(1)
def residual_block_projection_without_stride(x, filters, stride=1):
    """The projection changes the channels but forgets the stride (and a shape mismatch follows)."""
    h = L.ReLU()(L.BatchNormalization()(L.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)))
    h = L.BatchNormalization()(L.Conv2D(filters, 3, padding="same", use_bias=False)(h))
    shortcut = _projection(x, filters, 1) if _needs_projection(x, filters, stride) else x
    return L.ReLU()(L.Add()([h, shortcut]))


@wrong(1)
def residual_block_with_biases(x, filters, stride=1):
    """Convolutions with a bias before batch norm."""
    h = L.ReLU()(L.BatchNormalization()(L.Conv2D(filters, 3, strides=stride, padding="same")(x)))
    h = L.BatchNormalization()(L.Conv2D(filters, 3, padding="same")(h))
    shortcut = (L.BatchNormalization()(L.Conv2D(filters, 1, strides=stride)(x))
                if _needs_projection(x, filters, stride) else x)
    return L.ReLU()(L.Add()([h, shortcut]))


@wrong(1)
def residual_block_stride_on_the_second_convolution(x, filters, stride=1):
    """The stride on the second 3x3 convolution: same shapes and parameters, different outputs."""
    h = L.ReLU()(L.BatchNormalization()(L.Conv2D(filters, 3, padding="same", use_bias=False)(x)))
    h = L.BatchNormalization()(L.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(h))
    shortcut = _projection(x, filters, stride) if _needs_projection(x, filters, stride) else x
    return L.ReLU()(L.Add()([h, shortcut]))


def _recompile(model, learning_rate):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


@wrong(2)
def prepare_fine_tuning_without_recompiling(model, top, learning_rate):
    """Flags right, learning rate set on the old optimizer, no compile: the old training step stays."""
    for layer in model.layers:
        layer.trainable = layer.name == "head" or (
            layer.name.startswith(tuple(top)) and not isinstance(layer, keras.layers.BatchNormalization))
    model.optimizer.learning_rate = learning_rate
    return model


@wrong(2)
def prepare_fine_tuning_unfreezes_batch_norm(model, top, learning_rate):
    """Every layer of the top blocks trainable, BN included: BN runs in training mode."""
    for layer in model.layers:
        layer.trainable = layer.name == "head" or layer.name.startswith(tuple(top))
    return _recompile(model, learning_rate)


@wrong(2)
def prepare_fine_tuning_freezes_the_head(model, top, learning_rate):
    """Only the top blocks train; the head is frozen with the rest."""
    for layer in model.layers:
        layer.trainable = layer.name.startswith(tuple(top)) and not isinstance(layer, keras.layers.BatchNormalization)
    return _recompile(model, learning_rate)


@wrong(2)
def prepare_fine_tuning_unfreezes_everything(model, top, learning_rate):
    """model.trainable = True: the whole backbone, BN included."""
    model.trainable = True
    return _recompile(model, learning_rate)


@wrong(2)
def prepare_fine_tuning_keeps_the_probe_optimizer(model, top, learning_rate):
    """Compiles again but reuses the probe's optimizer (its learning rate)."""
    for layer in model.layers:
        layer.trainable = layer.name == "head" or (
            layer.name.startswith(tuple(top)) and not isinstance(layer, keras.layers.BatchNormalization))
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@wrong(2)
def prepare_fine_tuning_matches_names_anywhere(model, top, learning_rate):
    """Prefix tested with `in` on the first prefix only: ('stage2', 'stage3') unfreezes stage2 alone."""
    for layer in model.layers:
        layer.trainable = layer.name == "head" or (
            bool(top) and top[0] in layer.name and not isinstance(layer, keras.layers.BatchNormalization))
    return _recompile(model, learning_rate)


@wrong(3)
def transfer_keeps_the_old_head(pretrained, x, y):
    """Fine-tunes the old 5-class head as it is: its classes are T-shirts and trousers, and the
    training run is too short (and too gentle) to relearn them."""
    for layer in pretrained.layers:
        layer.trainable = layer.name == "head"
    pretrained.compile(optimizer=keras.optimizers.Adam(1e-4), loss="sparse_categorical_crossentropy")
    pretrained.fit(x, y, batch_size=20, epochs=2, verbose=0)
    return pretrained


@wrong(3)
def transfer_untrained_new_head(pretrained, x, y):
    """A new head on the features, returned without training it."""
    features = keras.Model(pretrained.input, pretrained.get_layer("gap").output)
    return keras.Model(pretrained.input, keras.layers.Dense(5, activation="softmax")(features.output))


@wrong(3)
def transfer_all_classes(pretrained, x, y):
    """Returns the pretrained model itself: its 5 scores are for the old classes."""
    return pretrained


@wrong(3)
def transfer_from_scratch(pretrained, x, y):
    """Ignores the pretrained weights: the same architecture trained from random weights."""
    model = keras.models.clone_model(pretrained)
    steps = 100 * (len(x) // 20)
    model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(3e-3, steps)),
                  loss="sparse_categorical_crossentropy", steps_per_execution=len(x) // 20)
    model.fit(x, y, batch_size=20, epochs=100, verbose=0)
    return model
