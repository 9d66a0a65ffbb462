"""Train the course's Fashion-MNIST CNN and save it to data/models/cnn_fashion.keras.

Lesson 09 evaluates it (the "longer-trained" CNN) and lesson 16 uses it as the classifier that
judges generated images. It trains on the FULL Fashion-MNIST training set (60,000 images), read
from Debian's package `dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist/*.gz, the
original idx files), so it runs only on a machine with that package; notebooks never read it.
The last 5,000 training images are held out for validation (the epoch with the best validation
accuracy is kept);
the test set is never used for training or for any choice, only reported at the end, on the
first 5,000 official test images (the test split shipped in data/) and on all 10,000.

The model takes raw pixels: float input of shape (28, 28, 1) with values 0..255 (a uint8 image
cast to float); its first layer is Rescaling(1/255). It outputs class probabilities (softmax,
10 classes, in the order of dlbasics.data.FASHION_CLASSES). The layer "features" (Dense 128,
after ReLU) gives an embedding for feature-based scores. The file is saved without optimizer
state (compile it again to train further).

Architecture: Conv 3x3 32 - BN - ReLU - MaxPool - Conv 3x3 64 - BN - ReLU - MaxPool -
Flatten - Dropout 0.25 - Dense 128 (ReLU, "features") - Dropout 0.25 - Dense 10 (softmax);
light augmentation (random horizontal flip, shifts of up to 1 pixel) in the tf.data pipeline;
Adam 1e-3 with cosine decay, batch 128.

Run:  nice -n 19 .venv/bin/python scripts/train_cnn_fashion.py
Measured here (2 CPU cores shared with several other jobs, load average 15-24): 15 epochs in
25.2 min (32-43 s per epoch when the machine was quieter, so about 10 min alone); best
validation accuracy 0.9268 (epoch 15); test accuracy 0.9194 on the first 5,000 test images (the
split in data/), 0.9177 on all 10,000; 421,930 parameters; file 1.74 MB.
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
OUT = ROOT / "data" / "models" / "cnn_fashion.keras"
SEED = 0
EPOCHS = int(os.environ.get("EPOCHS", 15))
BATCH = 128
N_VAL = 5_000


def load(prefix):
    return fashion_full.load({"train": "train", "t10k": "test"}[prefix])


def build_model(keras):
    layers = keras.layers

    def conv(filters, name):
        return [layers.Conv2D(filters, 3, padding="same", use_bias=False, name=name),
                layers.BatchNormalization(name=name + "_bn"), layers.ReLU(name=name + "_relu")]

    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Rescaling(1 / 255, name="rescale"),
        *conv(32, "conv1"), layers.MaxPooling2D(name="pool1"),
        *conv(64, "conv2"), layers.MaxPooling2D(name="pool2"),
        layers.Flatten(name="flatten"),
        layers.Dropout(0.25, name="dropout1"),
        layers.Dense(128, activation="relu", name="features"),
        layers.Dropout(0.25, name="dropout2"),
        layers.Dense(10, activation="softmax", name="probabilities"),
    ], name="cnn_fashion")


def main():
    if not fashion_full.available():
        sys.exit(f"{fashion_full.SOURCE} not found: apt-get install dataset-fashion-mnist")
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(SEED)
    x_all, y_all = load("train")
    x_test, y_test = load("t10k")
    x_train, y_train = x_all[:-N_VAL], y_all[:-N_VAL]
    x_val, y_val = x_all[-N_VAL:], y_all[-N_VAL:]
    print(f"train {x_train.shape}, validation {x_val.shape}, test {x_test.shape}", flush=True)

    def augment(x, y):
        x = tf.image.random_flip_left_right(x, seed=SEED)
        x = tf.pad(x, [[1, 1], [1, 1], [0, 0]])
        x = tf.image.random_crop(x, (28, 28, 1), seed=SEED)
        return x, y

    train = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
             .shuffle(len(x_train), seed=SEED)
             .map(lambda x, y: augment(tf.cast(x, "float32"), y), num_parallel_calls=2)
             .batch(BATCH).prefetch(2))
    val = tf.data.Dataset.from_tensor_slices((x_val.astype("float32"), y_val)).batch(1000)

    model = build_model(keras)
    steps = EPOCHS * int(np.ceil(len(x_train) / BATCH))
    model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(1e-3, steps)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.summary()

    class Log(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t = time.time()

        def on_epoch_end(self, epoch, logs=None):
            print(f"epoch {epoch + 1:2d}: loss {logs['loss']:.4f} acc {logs['accuracy']:.4f} "
                  f"val_loss {logs['val_loss']:.4f} val_acc {logs['val_accuracy']:.4f} "
                  f"({time.time() - self.t:.0f} s)", flush=True)

    best = keras.callbacks.ModelCheckpoint("/tmp/cnn_fashion_best.weights.h5", monitor="val_accuracy",
                                           save_best_only=True, save_weights_only=True)
    start = time.time()
    model.fit(train, validation_data=val, epochs=EPOCHS, verbose=0, callbacks=[Log(), best])
    minutes = (time.time() - start) / 60
    model.load_weights("/tmp/cnn_fashion_best.weights.h5")

    # Save without optimizer state: a fresh, uncompiled copy of the same model with the same weights.
    final = build_model(keras)
    final.set_weights(model.get_weights())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    final.save(OUT)

    loaded = keras.saving.load_model(OUT)
    def accuracy(x, y):
        return float(np.mean(loaded.predict(x.astype("float32"), batch_size=1000, verbose=0).argmax(1) == y))
    print(f"RESULT: trained {EPOCHS} epochs in {minutes:.1f} min; validation accuracy {accuracy(x_val, y_val):.4f}; "
          f"test accuracy {accuracy(x_test[:5000], y_test[:5000]):.4f} (first 5,000 test images, "
          f"the split in data/), {accuracy(x_test, y_test):.4f} (all 10,000); "
          f"{loaded.count_params():,} parameters; file {OUT.stat().st_size / 1e6:.2f} MB", flush=True)


if __name__ == "__main__":
    main()
