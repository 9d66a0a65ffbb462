"""Train the date "translation" model of lesson 13: dates written in words -> ISO dates.

    nice -n 19 .venv/bin/python scripts/train_date_seq2seq.py      # writes data/models/dates_seq2seq.keras

Data: made by code (`date_in_words` below, the same function as in the lesson), with a fixed
seed: 60,000 random dates from 1900-01-01 to 2099-12-31 in random wordings ("the twenty third
of march nineteen ninety nine", "tuesday june first two thousand and four", ...). Dates whose
`toordinal() % 10 == 0` never appear in training: the lesson tests on those.

Model (`make_seq2seq` below, also the same as in the lesson): the words go through a
TextVectorization layer with a fixed vocabulary (so the saved model reads raw strings), an
Embedding and a bidirectional GRU encoder; a GRU decoder, started from the encoder's final
states and fed the previous output character (teacher forcing), attends over the encoder's
outputs with `keras.layers.AdditiveAttention` (Bahdanau's additive score without its projections,
placed after the decoder step as in Luong et al. 2015; masked to the real words)
and predicts the next of the ten characters "YYYY-MM-DD". The saved model has two outputs: the character probabilities and
the attention weights (for the lesson's heatmap).

Result on this machine (2 CPU cores shared with other jobs, load ~18, nice 19): 3 epochs in 2.9
minutes; validation character accuracy 1.0000 (teacher forcing) from the first epoch on; greedy
decoding gets exact match 1.0000 on 2,000 held-out dates (the same after saving and reloading);
0.61 MB.
"""
import datetime
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dlbasics  # noqa: E402

dlbasics.setup(seed=0)
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = ROOT / "data" / "models" / "dates_seq2seq.keras"


# ---- the data: identical to the lesson's cell (tests/test_lesson13.py checks that) ---------
ONES = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
           "nine": "ninth", "twelve": "twelfth", "twenty": "twentieth", "thirty": "thirtieth"}
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def number_words(n):
    """1..99 in words: 7 -> 'seven', 42 -> 'forty two'."""
    return ONES[n] if n < 20 else (TENS[n // 10] + " " + ONES[n % 10]).strip()


def ordinal_words(n):
    """1..31 as an ordinal: 1 -> 'first', 23 -> 'twenty third', 30 -> 'thirtieth'."""
    *head, last = number_words(n).split()
    last = ORDINAL.get(last, last + "th")
    return " ".join(head + [last])


def year_words(year, rng):
    """1900..2099 the ways people say them: 'nineteen oh five', 'two thousand and four', 'twenty twelve'."""
    century, rest = divmod(year, 100)
    if century == 19 or (rest >= 10 and rng.random() < 0.5):
        tail = "hundred" if rest == 0 else ("oh " + ONES[rest] if rest < 10 else number_words(rest))
        return number_words(century) + " " + tail
    return "two thousand" + ("" if rest == 0 else (" and " if rng.random() < 0.5 else " ") + number_words(rest))


def date_in_words(date, rng):
    """A datetime.date in one of several English wordings, chosen with `rng`."""
    day, month, year = ordinal_words(date.day), MONTHS[date.month - 1], year_words(date.year, rng)
    form = rng.integers(3)
    if form == 0:
        text = ("the " if rng.random() < 0.5 else "") + f"{day} of {month} {year}"
    elif form == 1:
        text = f"{month} {'the ' if rng.random() < 0.3 else ''}{day} {year}"
    else:
        text = f"{day} {month} {year}"
    return (WEEKDAYS[date.weekday()] + " " if rng.random() < 0.3 else "") + text


def random_dates(n, rng, held_out):
    """n random dates, 1900-2099: the held-out ones (toordinal() % 10 == 0) or all the others."""
    first, last = datetime.date(1900, 1, 1).toordinal(), datetime.date(2099, 12, 31).toordinal()
    dates = []
    while len(dates) < n:
        ordinal = int(rng.integers(first, last + 1))
        if (ordinal % 10 == 0) == held_out:
            dates.append(datetime.date.fromordinal(ordinal))
    return dates


WORDS = sorted({w for w in ONES + TENS + list(ORDINAL.values()) + MONTHS + WEEKDAYS
                + [ordinal_words(d) for d in range(1, 32)] + ["the", "of", "and", "oh", "hundred", "thousand"]
                for w in w.split() if w})
TARGET_CHARS = "0123456789-"       # output ids 1..11; 0 is unused; 12 starts the decoder
START, IN_LEN, OUT_LEN = 12, 12, 10


def make_seq2seq(units=64, embed=32):
    """Encoder-decoder with additive attention; inputs (texts, decoder ids), outputs (probabilities, attention)."""
    text = keras.Input(shape=(1,), dtype="string", name="text")
    tokens = keras.layers.TextVectorization(vocabulary=WORDS, output_sequence_length=IN_LEN, name="words")(text)
    x = keras.layers.Embedding(len(WORDS) + 2, embed, name="word_embedding")(tokens)
    encoded, forward_h, backward_h = keras.layers.Bidirectional(
        keras.layers.GRU(units, return_sequences=True, return_state=True), name="encoder")(x)
    previous = keras.Input(shape=(OUT_LEN,), dtype="int32", name="previous_chars")
    y = keras.layers.Embedding(START + 1, embed, name="char_embedding")(previous)
    decoded = keras.layers.GRU(2 * units, return_sequences=True, name="decoder")(
        y, initial_state=keras.layers.Concatenate()([forward_h, backward_h]))
    context, weights = keras.layers.AdditiveAttention(name="attention")(
        [decoded, encoded], mask=[None, keras.ops.not_equal(tokens, 0)], return_attention_scores=True)
    h = keras.layers.Dense(2 * units, activation="tanh", name="combine")(keras.layers.Concatenate()([decoded, context]))
    probabilities = keras.layers.Dense(len(TARGET_CHARS) + 1, activation="softmax", name="next_char")(h)
    return keras.Model([text, previous], [probabilities, weights])


def encode_targets(dates):
    """ISO strings -> target ids (n, 10) and teacher-forcing decoder inputs (n, 10)."""
    iso = [d.isoformat() for d in dates]
    target = np.array([[TARGET_CHARS.index(c) + 1 for c in s] for s in iso], dtype="int32")
    previous = np.c_[np.full(len(iso), START), target[:, :-1]].astype("int32")
    return target, previous


def greedy_decode(model, texts):
    """Translate strings: at each step take the most likely character and feed it back in."""
    previous = np.zeros((len(texts), OUT_LEN), dtype="int32")
    previous[:, 0] = START
    texts = tf.constant(np.asarray(texts, dtype=str).reshape(-1, 1))
    run = tf.function(model)
    for t in range(OUT_LEN):
        probabilities, _ = run([texts, tf.constant(previous)])
        chosen = np.asarray(probabilities[:, t]).argmax(-1)
        if t + 1 < OUT_LEN:
            previous[:, t + 1] = chosen
    out = np.c_[previous[:, 1:], chosen]
    return ["".join(TARGET_CHARS[i - 1] if i > 0 else "?" for i in row) for row in out]
# ---- end of the lesson's code ---------------------------------------------------------------


def main():
    rng = np.random.default_rng(0)
    train_dates = random_dates(60_000, rng, held_out=False)
    val_dates = random_dates(2_000, rng, held_out=True)
    train_x = tf.constant([[date_in_words(d, rng)] for d in train_dates])
    val_x = tf.constant([[date_in_words(d, rng)] for d in val_dates])
    train_y, train_prev = encode_targets(train_dates)
    val_y, val_prev = encode_targets(val_dates)
    print(train_x[:3, 0].numpy(), train_y[:1], len(WORDS), "words", flush=True)

    model = make_seq2seq()
    trainer = keras.Model(model.inputs, model.outputs[0])       # the same layers, one output to fit
    trainer.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.time()
    history = trainer.fit([train_x, train_prev], train_y, validation_data=([val_x, val_prev], val_y),
                          batch_size=128, epochs=3, verbose=2,
                          callbacks=[keras.callbacks.ReduceLROnPlateau(patience=2, factor=0.3)])
    minutes = (time.time() - start) / 60
    predicted = greedy_decode(model, val_x.numpy()[:, 0].astype(str))
    exact = np.mean([p == d.isoformat() for p, d in zip(predicted, val_dates)])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    model.save(OUT)
    reloaded = keras.saving.load_model(OUT)
    again = np.mean([p == d.isoformat() for p, d in zip(greedy_decode(reloaded, val_x.numpy()[:, 0].astype(str)), val_dates)])
    print(f"RESULT: {minutes:.1f} min, {len(history.history['loss'])} epochs, held-out exact match "
          f"{exact:.4f} (reloaded {again:.4f}), val char accuracy {history.history['val_accuracy'][-1]:.4f}, "
          f"{OUT.stat().st_size / 1e6:.2f} MB", flush=True)


if __name__ == "__main__":
    main()
