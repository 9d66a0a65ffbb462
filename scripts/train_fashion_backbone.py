"""Train the course's small ResNet on five Fashion-MNIST classes and save it to
data/models/resnet_fashion5.keras: the pretrained backbone that lesson 10 (modern CNNs and
transfer learning) reuses on the OTHER five classes.

Pretraining task: classes 0, 2, 5, 7, 8 (T-shirt/top, Pullover, Sandal, Sneaker, Bag; labels
0..4 in that order), all of their 30,000 images in the FULL Fashion-MNIST training set, read from Debian's package
`dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist/*.gz; `apt-get install
dataset-fashion-mnist`), so it runs only on a machine with that package; notebooks never read it.
The last 2,500 of those images are held out for validation (the epoch with the best validation
accuracy is kept). Classes 1, 3, 4, 6, 9 (Trouser, Dress, Coat, Shirt, Ankle boot) are never
seen: they are lesson 10's new task.

The model takes raw pixels (float input (28, 28, 1), values 0..255; its first layer is
Rescaling(1/255)) and outputs 5 class probabilities (softmax, "head"). Architecture, a
"ResNet-8" (7 convolutions + 1 dense layer with weights):

  stem:   Conv 3x3 16 (no bias) - BN - ReLU - MaxPool 2            28x28 -> 14x14
  stage1: basic residual block, 16 filters, identity shortcut       14x14x16
  stage2: basic residual block, 32 filters, stride 2, 1x1 projection 7x7x32
  stage3: basic residual block, 64 filters, stride 1, 1x1 projection 7x7x64
  gap:    GlobalAveragePooling2D -> 64 features;  head: Dense 5 softmax

A basic block is Conv 3x3 - BN - ReLU - Conv 3x3 - BN, plus the shortcut (identity, or Conv 1x1
with the block's stride + BN when the shape changes), then ReLU after the addition. Layers are
named stageN_conv1, stageN_bn1, stageN_relu1, stageN_conv2, stageN_bn2, stageN_proj,
stageN_proj_bn, stageN_add, stageN_out. Training: random horizontal flips and shifts of up to
2 pixels, batch 128, Adam 2e-3 with cosine decay, label smoothing none. Saved uncompiled.

Run:  nice -n 10 .venv/bin/python scripts/train_fashion_backbone.py
"""
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import fashion_full  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "models" / "resnet_fashion5.keras"
SEED = 0
EPOCHS = int(os.environ.get("EPOCHS", 10))
BATCH = 128
N_VAL = 2_500
CLASSES = [0, 2, 5, 7, 8]          # T-shirt/top, Pullover, Sandal, Sneaker, Bag


def residual_block(x, filters, stride, name):
    """The course's basic residual block (lesson 10's exercise, with layer names)."""
    import keras

    L = keras.layers
    h = L.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name=f"{name}_conv1")(x)
    h = L.BatchNormalization(name=f"{name}_bn1")(h)
    h = L.ReLU(name=f"{name}_relu1")(h)
    h = L.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv2")(h)
    h = L.BatchNormalization(name=f"{name}_bn2")(h)
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = L.Conv2D(filters, 1, strides=stride, use_bias=False, name=f"{name}_proj")(x)
        shortcut = L.BatchNormalization(name=f"{name}_proj_bn")(shortcut)
    h = L.Add(name=f"{name}_add")([h, shortcut])
    return L.ReLU(name=f"{name}_out")(h)


def build_model(keras, n_classes=5):
    L = keras.layers
    inputs = keras.Input((28, 28, 1), name="pixels")
    h = L.Rescaling(1 / 255, name="rescale")(inputs)
    h = L.Conv2D(16, 3, padding="same", use_bias=False, name="stem_conv")(h)
    h = L.BatchNormalization(name="stem_bn")(h)
    h = L.ReLU(name="stem_relu")(h)
    h = L.MaxPooling2D(name="stem_pool")(h)
    h = residual_block(h, 16, 1, "stage1")
    h = residual_block(h, 32, 2, "stage2")
    h = residual_block(h, 64, 1, "stage3")
    h = L.GlobalAveragePooling2D(name="gap")(h)
    outputs = L.Dense(n_classes, activation="softmax", name="head")(h)
    return keras.Model(inputs, outputs, name="resnet_fashion5")


def main():
    if not fashion_full.available():
        sys.exit(f"{fashion_full.SOURCE} not found: apt-get install dataset-fashion-mnist")
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(SEED)
    x_all, y_all = fashion_full.load("train")
    x_test, y_test = fashion_full.load("test")
    to_index = np.full(10, -1)
    to_index[CLASSES] = np.arange(len(CLASSES))         # labels 0..4 in CLASSES order
    keep = np.isin(y_all, CLASSES)
    x_all, y_all = x_all[keep], to_index[y_all[keep]]
    keep = np.isin(y_test, CLASSES)
    x_test, y_test = x_test[keep], to_index[y_test[keep]]
    x_train, y_train = x_all[:-N_VAL], y_all[:-N_VAL]
    x_val, y_val = x_all[-N_VAL:], y_all[-N_VAL:]
    print(f"classes {CLASSES}: train {x_train.shape}, validation {x_val.shape}, test {x_test.shape}", flush=True)

    def augment(x, y):
        x = tf.image.random_flip_left_right(x)
        x = tf.pad(x, [[2, 2], [2, 2], [0, 0]])
        x = tf.image.random_crop(x, (28, 28, 1))
        return x, y

    train = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
             .shuffle(len(x_train), seed=SEED)
             .map(lambda x, y: augment(tf.cast(x, "float32"), y), num_parallel_calls=2)
             .batch(BATCH).prefetch(2))
    val = tf.data.Dataset.from_tensor_slices((x_val.astype("float32"), y_val)).batch(500)

    model = build_model(keras)
    steps = EPOCHS * int(np.ceil(len(x_train) / BATCH))
    model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, steps)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.summary()

    class Log(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t = time.time()

        def on_epoch_end(self, epoch, logs=None):
            print(f"epoch {epoch + 1:2d}: loss {logs['loss']:.4f} acc {logs['accuracy']:.4f} "
                  f"val_loss {logs['val_loss']:.4f} val_acc {logs['val_accuracy']:.4f} "
                  f"({time.time() - self.t:.0f} s)", flush=True)

    best_path = str(ROOT / "data" / "models" / ".resnet_fashion5_best.weights.h5")
    best = keras.callbacks.ModelCheckpoint(best_path, monitor="val_accuracy", save_best_only=True,
                                           save_weights_only=True)
    start, cpu = time.time(), time.process_time()
    model.fit(train, validation_data=val, epochs=EPOCHS, verbose=0, callbacks=[Log(), best])
    minutes, cpu_minutes = (time.time() - start) / 60, (time.process_time() - cpu) / 60
    model.load_weights(best_path)
    os.remove(best_path)

    final = build_model(keras)            # without optimizer state
    final.set_weights(model.get_weights())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    final.save(OUT)

    loaded = keras.saving.load_model(OUT)

    def accuracy(x, y):
        p = loaded.predict(x.astype("float32"), batch_size=1000, verbose=0).argmax(1)
        return float(np.mean(p == y))

    print(f"RESULT: {EPOCHS} epochs in {minutes:.1f} min wall, {cpu_minutes:.1f} CPU-min; validation accuracy "
          f"{accuracy(x_val, y_val):.4f}; test accuracy {accuracy(x_test, y_test):.4f} ({len(y_test):,} test "
          f"images of classes {CLASSES}); {loaded.count_params():,} parameters; file "
          f"{OUT.stat().st_size / 1e6:.2f} MB", flush=True)


if __name__ == "__main__":
    main()
