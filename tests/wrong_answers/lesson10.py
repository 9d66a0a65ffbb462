"""Plausible mistakes for the exercises of lesson 10 (see tests/wrong_answers/__init__.py)."""
import keras
import tensorflow as tf

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


def _fine_tuning_flags(model, top):
    for layer in model.layers:
        layer.trainable = layer.name == "head" or (
            layer.name.startswith(tuple(top)) and not isinstance(layer, keras.layers.BatchNormalization))


@wrong(2)
def prepare_fine_tuning_on_a_clone(model, top, learning_rate):
    """Prepares keras.models.clone_model(model): same layers and names, but fresh random weights,
    so the pretrained backbone and the probe's head are lost."""
    model = keras.models.clone_model(model)
    _fine_tuning_flags(model, top)
    return _recompile(model, learning_rate)


@wrong(2)
def prepare_fine_tuning_from_logits(model, top, learning_rate):
    """from_logits=True on a head that already ends in a softmax: the loss squashes twice."""
    _fine_tuning_flags(model, top)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


@wrong(2)
def prepare_fine_tuning_with_sgd(model, top, learning_rate):
    """SGD at the asked learning rate instead of Adam: at 0.001 and below it barely moves."""
    _fine_tuning_flags(model, top)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


@wrong(2)
def prepare_fine_tuning_freezes_the_model_itself(model, top, learning_rate):
    """model.trainable = False (as the Keras guide does for a nested base model), then the layers'
    flags: the model's own flag wins, so nothing trains although every layer's flag looks right."""
    model.trainable = False
    _fine_tuning_flags(model, top)
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
def transfer_probe_only(pretrained, x, y):
    """Stops after the linear probe: the head is trained, the backbone never adapts to the new
    classes (0.729-0.749 on validation over 10 check seeds, below the bar)."""
    features = keras.Model(pretrained.input, pretrained.get_layer("gap").output)
    head = keras.layers.Dense(5, activation="softmax")
    small = keras.Sequential([keras.Input((64,)), head])
    small.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy", steps_per_execution=200)
    full_batch = tf.data.Dataset.from_tensors((features.predict(x, verbose=0), y)).repeat()
    small.fit(full_batch, epochs=1, steps_per_epoch=200, verbose=0)          # 200 full-batch steps, one call
    return keras.Model(pretrained.input, head(features.output))


@wrong(3)
def transfer_unfreezes_without_compiling(pretrained, x, y):
    """Trains the probe through the whole model, then unfreezes stages 2 and 3 and fits again without
    compiling: Keras keeps the training step of the first fit, so the backbone never changes (with
    augmentation this frozen probe reached 0.754-0.777 in a second reader's runs: near the bar)."""
    features = keras.Model(pretrained.input, pretrained.get_layer("gap").output)
    model = keras.Model(pretrained.input, keras.layers.Dense(5, activation="softmax")(features.output))
    for layer in pretrained.layers:
        layer.trainable = False
    model.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=len(x), epochs=30, verbose=0)
    for layer in pretrained.layers:
        layer.trainable = (layer.name.startswith(("stage2", "stage3"))
                           and not isinstance(layer, keras.layers.BatchNormalization))
    model.fit(x, y, batch_size=len(x), epochs=10, verbose=0)
    return model


@wrong(3)
def transfer_from_scratch(pretrained, x, y):
    """Ignores the pretrained weights: the same architecture trained from random weights, briefly (the
    lesson's tuned scratch recipe, 800 passes, stays below the bar too: 0.662-0.731 over 10 check seeds)."""
    model = keras.models.clone_model(pretrained)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=len(x), epochs=30, verbose=0)
    return model


def _stack_summary(layers, size, channels, jump=True, r0=1, separable_full=False, biases=True, same_floor=False,
                   pool_by_stride=False):
    """The course's stack_summary with one step changed (each wrong answer below names which)."""
    params, r, j, n, c = 0, r0, 1, size, channels
    for kind, k, s, f in layers:
        if kind == "conv" or (kind == "separable" and separable_full):
            params += (k * k * c + biases) * f
        elif kind == "separable":
            params += k * k * c + (c + biases) * f
        if kind == "pool":
            n = n // s if pool_by_stride else (n - k) // s + 1
        else:
            n = n // s if same_floor else -(-n // s)
            c = f
        r = r + (k - 1) * (j if jump else 1)
        j *= s
    return {"params": params, "output": (n, n, c), "receptive_field": r}


@wrong(4)
def stack_summary_forgets_the_jump(layers, size, channels):
    """r += k - 1 for every layer: strides do not multiply the step of later layers."""
    return _stack_summary(layers, size, channels, jump=False)


@wrong(4)
def stack_summary_off_by_one(layers, size, channels):
    """The receptive field starts at 0 instead of 1 (one output pixel sees one input pixel before any layer)."""
    return _stack_summary(layers, size, channels, r0=0)


@wrong(4)
def stack_summary_separable_as_a_full_convolution(layers, size, channels):
    """A SeparableConv2D counted like a Conv2D: k*k*c_in*c_out weights."""
    return _stack_summary(layers, size, channels, separable_full=True)


@wrong(4)
def stack_summary_without_biases(layers, size, channels):
    """Weights only: the convolutions' biases (one per filter) forgotten."""
    return _stack_summary(layers, size, channels, biases=False)


@wrong(4)
def stack_summary_rounds_down_with_same_padding(layers, size, channels):
    """n // s for a strided 'same' convolution: Keras rounds up (ceil(n / s))."""
    return _stack_summary(layers, size, channels, same_floor=True)


@wrong(4)
def stack_summary_pools_by_the_stride_only(layers, size, channels):
    """A third reader's mistake: n // s for a 'valid' pooling, as if the window's size did not matter."""
    return _stack_summary(layers, size, channels, pool_by_stride=True)
