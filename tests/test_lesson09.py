"""Lesson 09: other correct implementations pass, the check's cost counter is right, and the
shipped CNN is what lessons 09 and 16 rely on."""
import numpy as np

from dlbasics.checks import lesson


def test_alternative_conv_implementations_pass():
    l09 = lesson("09")

    def conv2d_sliding_windows(x, kernel, stride=1, padding="valid"):
        x, kernel = np.asarray(x, float), np.asarray(kernel, float)
        kh, kw = kernel.shape[:2]
        if padding == "same":
            pads = []
            for n, k in zip(x.shape[1:3], (kh, kw)):
                out = int(np.ceil(n / stride))
                total = max((out - 1) * stride + k - n, 0)
                pads.append((total // 2, total - total // 2))
            x = np.pad(x, [(0, 0), *pads, (0, 0)])
        windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]
        return np.einsum("nijcab,abcf->nijf", windows, kernel)        # loop-free

    def conv2d_tensorflow(x, kernel, stride=1, padding="valid"):
        import tensorflow as tf

        return tf.nn.conv2d(tf.constant(x, tf.float64), tf.constant(kernel, tf.float64), stride, padding.upper())

    def output_size_with_floats(size, kernel_size, stride=1, padding="valid", dilation=1):
        import math

        if padding == "same":
            return float(math.ceil(size / stride))                      # 4.0 is accepted as 4
        return math.floor((size - dilation * (kernel_size - 1) - 1) / stride) + 1

    def output_size_from_keras(size, kernel_size, stride=1, padding="valid", dilation=1):
        import keras

        layer = keras.layers.Conv1D(1, kernel_size, strides=stride, padding=padding, dilation_rate=dilation)
        return layer.compute_output_shape((None, size, 1))[1]

    l09.exercise_1(conv2d_sliding_windows)
    l09.exercise_1(conv2d_tensorflow)
    l09.exercise_2(output_size_with_floats)
    l09.exercise_2(output_size_from_keras)
    for seed in range(3):
        for number, fn in [(1, conv2d_sliding_windows), (2, output_size_with_floats)]:
            ex = l09.EXERCISES[number - 1]
            ex.check(fn, cases=ex.cases(np.random.default_rng(seed)), quiet=True)


def test_a_functional_cnn_with_strided_convolutions_passes():
    import keras

    def build_cnn():
        inputs = keras.Input((28, 28, 1))
        h = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(inputs)   # 14x14
        h = keras.layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(h)        # 7x7
        h = keras.layers.Flatten()(h)
        model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(h))
        model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, 939)),
                      loss=keras.losses.SparseCategoricalCrossentropy())
        return model

    lesson("09").exercise_3(build_cnn)


def test_cost_counter():
    import keras

    l09 = lesson("09")
    model = l09.reference(3)()
    # conv 5x5 "same" 1->16 at 28x28, conv 3x3 16->32 at 12x12, dense (6*6*32 = 1152)->10
    assert l09.conv_layers_and_cost(model) == (2, 28 * 28 * 25 * 16 + 12 * 12 * 9 * 16 * 32 + 1152 * 10)
    sep = keras.Sequential([keras.Input((8, 8, 4)), keras.layers.SeparableConv2D(6, 3),
                            keras.layers.DepthwiseConv2D(3, depth_multiplier=2)])
    assert l09.conv_layers_and_cost(sep) == (2, 36 * (9 * 4 + 4 * 6) + 16 * 9 * 12)


def test_shipped_cnn_takes_raw_pixels_and_gives_probabilities():
    import keras

    from dlbasics import data

    path = data.model_path("cnn_fashion")
    assert path.stat().st_size < 5e6
    model = keras.saving.load_model(path)
    assert isinstance(model.layers[0], keras.layers.Rescaling)
    x, y = data.fashion_mnist("test", limit=200)
    probs = model.predict(x.astype("float32"), verbose=0)
    assert probs.shape == (200, 10) and np.allclose(probs.sum(1), 1, atol=1e-4)
    assert (probs.argmax(1) == y).mean() > 0.85
    assert model.get_layer("features").units == 128


def test_a_logits_head_with_from_logits_passes_and_is_scored_on_validation():
    """The course's other head (lesson 03): logits and from_logits=True, scored like softmax."""
    import keras

    l09 = lesson("09")

    def build_cnn():
        L = keras.layers
        model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(16, 3, padding="same", activation="relu"),
                                  L.MaxPooling2D(), L.Conv2D(32, 3, padding="same", activation="relu"),
                                  L.MaxPooling2D(), L.Flatten(), L.Dense(10)])
        model.compile(optimizer=keras.optimizers.Adam(2e-3),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
        return model

    l09.exercise_3(build_cnn)
    assert l09.N_FIT + l09.N_VAL == l09.N_TRAIN and l09.N_VAL >= 5000     # a validation split, not the test set
