"""Plausible mistakes for the exercises of lesson 09 (see tests/wrong_answers/__init__.py)."""
import keras
import numpy as np

from ._registry import registry

WRONG, wrong = registry()


def _correlate(x, kernel, stride, pads):
    x = np.pad(np.asarray(x, "float64"), [(0, 0), pads[0], pads[1], (0, 0)])
    kernel = np.asarray(kernel, "float64")
    kh, kw = kernel.shape[:2]
    out_h, out_w = (x.shape[1] - kh) // stride + 1, (x.shape[2] - kw) // stride + 1
    out = np.zeros((x.shape[0], out_h, out_w, kernel.shape[3]))
    for i in range(out_h):
        for j in range(out_w):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.tensordot(patch, kernel, axes=([1, 2, 3], [0, 1, 2]))
    return out


def _tf_pads(x, kernel, stride, padding):
    if padding != "same":
        return [(0, 0), (0, 0)]
    pads = []
    for n, k in [(np.shape(x)[1], np.shape(kernel)[0]), (np.shape(x)[2], np.shape(kernel)[1])]:
        total = max((-(-n // stride) - 1) * stride + k - n, 0)
        pads.append((total // 2, total - total // 2))
    return pads


@wrong(1)
def conv2d_flips_the_kernel(x, kernel, stride=1, padding="valid"):
    """A textbook convolution: the kernel rotated by 180 degrees."""
    flipped = np.asarray(kernel)[::-1, ::-1]
    return _correlate(x, flipped, stride, _tf_pads(x, flipped, stride, padding))


@wrong(1)
def conv2d_same_pads_top_left_first(x, kernel, stride=1, padding="valid"):
    """The odd padding pixel on the top/left instead of the bottom/right."""
    pads = [(b, a) for a, b in _tf_pads(x, kernel, stride, padding)]
    return _correlate(x, kernel, stride, pads)


@wrong(1)
def conv2d_ignores_stride(x, kernel, stride=1, padding="valid"):
    return _correlate(x, kernel, 1, _tf_pads(x, kernel, 1, padding))


@wrong(1)
def conv2d_same_pads_as_for_stride_1(x, kernel, stride=1, padding="valid"):
    """'same' padding computed for stride 1, then the stride applied."""
    return _correlate(x, kernel, stride, _tf_pads(x, kernel, 1, padding))


@wrong(1)
def conv2d_no_sum_over_channels(x, kernel, stride=1, padding="valid"):
    """Only the first input channel is used."""
    return _correlate(np.asarray(x)[..., :1], np.asarray(kernel)[:, :, :1], stride, _tf_pads(x, kernel, stride, padding))


@wrong(2)
def output_size_same_rounds_down(size, kernel_size, stride=1, padding="valid", dilation=1):
    if padding == "same":
        return size // stride
    return (size - dilation * (kernel_size - 1) - 1) // stride + 1


@wrong(2)
def output_size_ignores_dilation(size, kernel_size, stride=1, padding="valid", dilation=1):
    if padding == "same":
        return -(-size // stride)
    return (size - kernel_size) // stride + 1


@wrong(2)
def output_size_without_plus_one(size, kernel_size, stride=1, padding="valid", dilation=1):
    if padding == "same":
        return -(-size // stride)
    return (size - dilation * (kernel_size - 1) - 1) // stride


@wrong(2)
def output_size_same_ignores_stride(size, kernel_size, stride=1, padding="valid", dilation=1):
    if padding == "same":
        return size
    return (size - dilation * (kernel_size - 1) - 1) // stride + 1



@wrong(1)
def conv2d_same_pads_half_the_kernel_each_side(x, kernel, stride=1, padding="valid"):
    """'same' as k // 2 zeros on every side: right for odd kernels at stride 1 only."""
    kh, kw = np.shape(kernel)[:2]
    pads = [(kh // 2, kh // 2), (kw // 2, kw // 2)] if padding == "same" else [(0, 0), (0, 0)]
    return _correlate(x, kernel, stride, pads)


@wrong(1)
def conv2d_first_image_only(x, kernel, stride=1, padding="valid"):
    """Works on x[0] and returns one image: the batch axis is lost."""
    return _correlate(np.asarray(x)[:1], kernel, stride, _tf_pads(x, kernel, stride, padding))[0]


@wrong(1)
def conv2d_channels_first_output(x, kernel, stride=1, padding="valid"):
    """Returns (batch, out_channels, height, width), PyTorch's layout."""
    return np.moveaxis(_correlate(x, kernel, stride, _tf_pads(x, kernel, stride, padding)), -1, 1)


@wrong(1)
def conv2d_swaps_in_and_out_channels(x, kernel, stride=1, padding="valid"):
    """Reads the kernel as (kh, kw, out_channels, in_channels)."""
    k = np.asarray(kernel)
    swapped = np.swapaxes(k, 2, 3) if k.shape[2] == k.shape[3] else k[:, :, :1, :]
    return _correlate(np.asarray(x)[..., :swapped.shape[2]], swapped, stride, _tf_pads(x, kernel, stride, padding))


@wrong(2)
def output_size_true_division(size, kernel_size, stride=1, padding="valid", dilation=1):
    """'/' instead of '//': a fraction of a window position."""
    if padding == "same":
        return size / stride
    return (size - dilation * (kernel_size - 1) - 1) / stride + 1


@wrong(2)
def output_size_same_depends_on_kernel(size, kernel_size, stride=1, padding="valid", dilation=1):
    """'same' computed as if it padded k // 2 on each side."""
    pad = 2 * (dilation * (kernel_size - 1) // 2) if padding == "same" else 0
    return (size + pad - dilation * (kernel_size - 1) - 1) // stride + 1


@wrong(2)
def output_size_same_pads_half_the_span_each_side(size, kernel_size, stride=1, padding="valid", dilation=1):
    """'same' as span // 2 zeros on each side (PyTorch's padding=k // 2): one too many for an even kernel."""
    span = dilation * (kernel_size - 1) + 1
    pad = span // 2 if padding == "same" else 0
    return (size + 2 * pad - span) // stride + 1


@wrong(2)
def output_size_dilation_multiplies_the_kernel(size, kernel_size, stride=1, padding="valid", dilation=1):
    """Span taken as k * d instead of d * (k - 1) + 1."""
    if padding == "same":
        return -(-size // stride)
    return (size - kernel_size * dilation) // stride + 1

def _compiled(layers, optimizer=None, loss="sparse_categorical_crossentropy"):
    model = keras.Sequential([keras.Input((28, 28, 1)), *layers])
    model.compile(optimizer=optimizer or keras.optimizers.Adam(3e-3), loss=loss, metrics=["accuracy"])
    return model


@wrong(3)
def build_cnn_is_an_mlp():
    """No convolutions at all: a dense network on the flattened pixels."""
    L = keras.layers
    return _compiled([L.Flatten(), L.Dense(64, activation="relu"), L.Dense(10, activation="softmax")])


@wrong(3)
def build_cnn_without_softmax():
    """Logits out, but a loss that expects probabilities (from_logits left False)."""
    L = keras.layers
    return _compiled([L.Conv2D(16, 5, padding="same", activation="relu"), L.MaxPooling2D(),
                      L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(), L.Dense(10)])


@wrong(3)
def build_cnn_learning_rate_too_low():
    """A fine architecture, trained with plain SGD at a tiny learning rate."""
    L = keras.layers
    return _compiled([L.Conv2D(16, 5, padding="same", activation="relu"), L.MaxPooling2D(),
                      L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(),
                      L.Dense(10, activation="softmax")], optimizer=keras.optimizers.SGD(1e-3))


@wrong(3)
def build_cnn_never_pools():
    """Two convolutions but no pooling: the Dense layer gets 24*24*32 inputs."""
    L = keras.layers
    return _compiled([L.Conv2D(16, 3, activation="relu"), L.Conv2D(32, 3, activation="relu"),
                      L.Flatten(), L.Dense(10, activation="softmax")])


@wrong(3)
def build_cnn_double_softmax():
    """A softmax head and a loss built with from_logits=True: softmax applied twice."""
    L = keras.layers
    return _compiled([L.Conv2D(16, 5, padding="same", activation="relu"), L.MaxPooling2D(),
                      L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(),
                      L.Dense(10, activation="softmax")],
                     loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))


@wrong(3)
def build_cnn_one_by_one_convolutions():
    """Two 1x1 convolutions in front of a dense classifier: no neighbourhood is ever seen."""
    L = keras.layers
    return _compiled([L.Conv2D(8, 1, activation="relu"), L.Conv2D(8, 1, activation="relu"), L.MaxPooling2D(),
                      L.Flatten(), L.Dense(10, activation="softmax")])


@wrong(3)
def build_cnn_sigmoid_head():
    """Ten independent sigmoids: a multi-label head for a one-label problem."""
    L = keras.layers
    return _compiled([L.Conv2D(16, 5, padding="same", activation="relu"), L.MaxPooling2D(),
                      L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(),
                      L.Dense(10, activation="sigmoid")])


@wrong(3)
def build_cnn_not_compiled():
    L = keras.layers
    return keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(16, 3, activation="relu"), L.MaxPooling2D(),
                             L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(),
                             L.Dense(10, activation="softmax")])


@wrong(3)
def build_cnn_one_hot_loss():
    """categorical_crossentropy expects one-hot labels; the labels are integers 0..9."""
    L = keras.layers
    return _compiled([L.Conv2D(16, 5, padding="same", activation="relu"), L.MaxPooling2D(),
                      L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(),
                      L.Dense(10, activation="softmax")], loss="categorical_crossentropy")


@wrong(3)
def build_cnn_for_flat_vectors():
    """Built for flattened 784-pixel vectors, as in the dense lessons."""
    L = keras.layers
    model = keras.Sequential([keras.Input((784,)), L.Reshape((28, 28, 1)), L.Conv2D(16, 3, activation="relu"),
                              L.MaxPooling2D(), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(),
                              L.Flatten(), L.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


@wrong(3)
def build_cnn_tf_softmax_with_from_logits():
    """TensorFlow's softmax (`tf.nn.softmax`, named softmax_v2) as the head, and from_logits=True: a
    double softmax that still trains to about 0.86 on TensorFlow, so only the check's eye catches it."""
    import tensorflow as tf

    L = keras.layers
    return _compiled([L.Conv2D(16, 5, padding="same", activation="relu"), L.MaxPooling2D(),
                      L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(),
                      L.Dense(10, activation=tf.nn.softmax)],
                     loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))


@wrong(3)
def build_cnn_relu_head():
    """relu on the last layer too, as on every hidden layer: neither probabilities nor logits."""
    L = keras.layers
    return _compiled([L.Conv2D(16, 5, padding="same", activation="relu"), L.MaxPooling2D(),
                      L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(),
                      L.Dense(10, activation="relu")])


@wrong(3)
def build_cnn_rescales_again():
    """Rescaling(1/255) first, like the shipped CNN, on images already in 0..1: they reach the network
    1/255 as bright, and three epochs get nowhere (validation accuracy about 0.10)."""
    L = keras.layers
    return _compiled([L.Rescaling(1 / 255), L.Conv2D(16, 5, padding="same", activation="relu"), L.MaxPooling2D(),
                      L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(),
                      L.Dense(10, activation="softmax")])
