"""Train the character-level language model of lesson 13 on Shakespeare's Hamlet.

    nice -n 19 .venv/bin/python scripts/train_char_model.py      # writes data/models/char_hamlet.keras

Data: `dlbasics.data.hamlet()` (public domain), 175,176 characters, 66 distinct ones. The
first 85 % is for training, the next 5 % (85-90 %) for validation, which decides when to stop;
the last 10 % (the end of act V) is the test text, which this script never touches (lessons 13
and 14 score the shipped model on it). The split is the same as lesson 14's tiny GPT's
(`scripts/train_gpt_hamlet.py`). The characters are numbered in sorted order, `sorted(set(text))`,
which the lesson recomputes from the same file. `--fraction F` trains on the first F of the
training part only (for `scripts/scale_gpt_gru_hamlet.py`); `--out` names the file.

Model (`make_char_model` below, the same function as in the lesson): Embedding(66, 64) ->
GRU(256, return_sequences=True) -> Dense(66) logits for the next character. Trained on windows of
100 characters cut every 25 characters (a fresh shuffle each epoch), batch 64, Adam 2e-3 with
gradient clipping, until the validation loss stops improving (early stopping, patience 3,
best weights restored). The model is saved without its optimizer state to stay small.

Result on this machine (2 CPU cores shared by four authors' jobs, load 5-15, nice 5): early
stopping after 9 epochs, best weights those of epoch 6; 5.1 minutes of wall-clock time, 1.6
CPU-minutes (all threads); validation loss 1.691 nats per character = 2.44 bits, next-character
accuracy 0.502 (training loss 1.42 then: Hamlet alone is little text, and the model overfits soon
after); 1.09 MB. Test (last 10 %, lesson 13's 100-character windows): 2.36 bits per character.
(The earlier version trained on the first 90 % and stopped on the last 10 %, the text it was then
scored on: 2.33 bits, chosen on the test text itself.)
"""
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dlbasics  # noqa: E402

dlbasics.setup(seed=0)
import keras  # noqa: E402

from dlbasics import data  # noqa: E402

import argparse  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--fraction", type=float, default=1.0, help="use the first fraction of the training part")
parser.add_argument("--out", default=str(ROOT / "data" / "models" / "char_hamlet.keras"))
ARGS = parser.parse_args()
OUT = Path(ARGS.out)
SEQ_LEN, STRIDE, UNITS = 100, 25, 256


# ---- identical to the lesson's cell (tests/test_lesson13.py checks that) --------------------
def make_char_model(vocab_size, units, embed=64):
    """Next-character logits for every position of a sequence of character ids."""
    return keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        keras.layers.Embedding(vocab_size, embed),
        keras.layers.GRU(units, return_sequences=True),
        keras.layers.Dense(vocab_size),
    ])
# ---- end of the lesson's code ---------------------------------------------------------------


def windows(ids, length, stride):
    starts = np.arange(0, len(ids) - length - 1, stride)
    x = np.stack([ids[s:s + length] for s in starts])
    y = np.stack([ids[s + 1:s + length + 1] for s in starts])
    return x.astype("int32"), y.astype("int32")


def main():
    text = data.hamlet()
    chars = sorted(set(text))
    ids = np.array([chars.index(c) for c in text], dtype="int32")
    train_end, val_end = int(0.85 * len(ids)), int(0.9 * len(ids))   # the last 10 % is never used here
    x_train, y_train = windows(ids[:int(ARGS.fraction * train_end)], SEQ_LEN, STRIDE)
    x_val, y_val = windows(ids[train_end:val_end], SEQ_LEN, SEQ_LEN)
    print(len(chars), "characters;", x_train.shape, "training windows;", x_val.shape, "validation", flush=True)

    model = make_char_model(len(chars), UNITS)
    model.compile(keras.optimizers.Adam(2e-3, clipnorm=1.0),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    start, cpu_start = time.time(), time.process_time()
    stop = keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val), batch_size=64, epochs=40,
                        verbose=2, callbacks=[stop])
    minutes, cpu_minutes = (time.time() - start) / 60, (time.process_time() - cpu_start) / 60
    loss, accuracy = model.evaluate(x_val, y_val, verbose=0)
    clean = make_char_model(len(chars), UNITS)         # no optimizer state in the file: smaller
    clean.set_weights(model.get_weights())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    clean.save(OUT)
    print(f"RESULT: {minutes:.1f} min ({cpu_minutes:.1f} CPU-minutes), {len(history.history['loss'])} epochs (best weights restored), "
          f"validation loss {loss:.3f} nats/char = {loss / np.log(2):.2f} bits/char, accuracy {accuracy:.3f}, "
          f"{OUT.stat().st_size / 1e6:.2f} MB", flush=True)


if __name__ == "__main__":
    main()
