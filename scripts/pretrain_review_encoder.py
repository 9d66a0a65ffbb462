"""Pretrain lesson 14's small Transformer encoder on the review snippets with masked tokens (BERT style),
then measure what that pretraining is worth when only a few labels are available.

    nice -n 10 .venv/bin/python scripts/pretrain_review_encoder.py 240   # writes data/models/review_encoder.weights.h5

(the argument is the pretraining budget in CPU-seconds; the shipped weights used 240)

Data: `dlbasics.data.rotten_tomatoes()` split by film exactly as in lessons 13 and 14 (seeded
permutation of the films: 20 % test, 10 % validation, the rest training). Pretraining reads only the
TEXTS of the training snippets (8,981; no labels, no validation or test text). Tokens: lesson 14's
`TextVectorization(max_tokens=10_000, output_sequence_length=40)` adapted on those texts; one extra id,
10,000, is the [MASK] token.

Masked-language-model pretraining (Devlin et al., 2019): in every batch 15 % of the real tokens are
chosen; of those, 80 % become [MASK], 10 % a random token, 10 % stay; the model predicts the original
token at the chosen positions only (cross-entropy weighted by a 0/1 sample weight). Encoder
(`make_encoder` below, the lesson's code): token + position embeddings (64), 2 pre-norm encoder blocks
(4 heads, feed-forward 128), final layer norm; MLM head: Dense(10,001) on each token's vector.
AdamW 1e-3 with cosine decay, batch 64, a number of steps chosen from a
short probe for about 7 CPU-minutes of pretraining.

Then the comparison the lesson prints: fine-tune on N labelled training snippets (a seeded random
choice) the pretrained encoder and the same architecture from random weights (the lesson's
`make_classifier`: masked average pooling, dropout 0.3, Dense(1) sigmoid; Adam 1e-3, batch 32),
EPOCHS (12) epochs, fixed beforehand; 3 seeds; validation accuracy by epoch printed for each.
Only the encoder's weights are saved.

Result on this machine (load 15-20, nice 10): ~200 CPU-ms per step -> 1,200 pretraining steps (27 min of
wall-clock time for about 4 CPU-minutes). The masked-token loss printed by Keras (averaged over all
positions, so about 7 % of the loss per masked token) went from 1.037 at step 200 to 1.000 at step 800:
little was learned. Fine-tuning with 300 labels, mean validation accuracy over seeds 0-2 at the best
epoch: pretrained 0.580 (epoch 10), from scratch 0.583 (epoch 6); over epochs 10-12 the two are within
0.005. No effect at this scale; the lesson says so. 2.9 MB.
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
import tensorflow as tf  # noqa: E402

from dlbasics import data  # noqa: E402

OUT = ROOT / "data" / "models" / "review_encoder.weights.h5"
SEQ_LEN, VOCAB = 40, 10_000
MASK = VOCAB
ENCODER = dict(d_model=64, num_heads=4, num_layers=2, d_ff=128, dropout=0.1)
CPU_BUDGET_SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1][0].isdigit() else 7 * 60     # CPU time, all threads
LABELS, EPOCHS = 300, 12


# ---- identical to the lesson's cells (tests/test_lesson14.py checks that) -------------------
class TokenAndPosition(keras.layers.Layer):
    """A learned vector per token id plus a learned vector per position 0, 1, ..., max_len - 1."""

    def __init__(self, vocab_size, max_len, d_model, **kwargs):
        super().__init__(**kwargs)
        self.token = keras.layers.Embedding(vocab_size, d_model)
        self.position = keras.layers.Embedding(max_len, d_model)

    def call(self, ids):
        positions = keras.ops.arange(keras.ops.shape(ids)[-1])
        return self.token(ids) + self.position(positions)


class TransformerBlock(keras.layers.Layer):
    """Pre-norm block: x + attention(norm(x)), then x + feed_forward(norm(x))."""

    def __init__(self, d_model, num_heads, d_ff, dropout=0.0, causal=False, **kwargs):
        super().__init__(**kwargs)
        self.causal = causal
        self.supports_masking = True               # a padding mask passes through to the next layer
        self.norm1 = keras.layers.LayerNormalization(epsilon=1e-5)
        self.attention = keras.layers.MultiHeadAttention(num_heads, d_model // num_heads, dropout=dropout)
        self.norm2 = keras.layers.LayerNormalization(epsilon=1e-5)
        self.feed_forward = keras.Sequential([keras.layers.Dense(d_ff, activation="gelu"),
                                              keras.layers.Dense(d_model)])
        self.dropout = keras.layers.Dropout(dropout)

    def call(self, x, mask=None, training=False):
        padding = None if mask is None else keras.ops.expand_dims(mask, 1)    # (batch, 1, keys)
        h = self.norm1(x)
        h = self.attention(h, h, attention_mask=padding, use_causal_mask=self.causal, training=training)
        x = x + self.dropout(h, training=training)
        h = self.feed_forward(self.norm2(x))
        return x + self.dropout(h, training=training)


def make_encoder(vocab_size, max_len, d_model=64, num_heads=4, num_layers=1, d_ff=128, dropout=0.1):
    """Token ids (0 = padding) -> one vector per token, from pre-norm encoder blocks with a padding mask."""
    ids = keras.Input(shape=(max_len,), dtype="int32")
    mask = keras.ops.not_equal(ids, 0)
    x = keras.layers.Dropout(dropout)(TokenAndPosition(vocab_size, max_len, d_model)(ids))
    for _ in range(num_layers):
        x = TransformerBlock(d_model, num_heads, d_ff, dropout)(x, mask=mask)
    return keras.Model(ids, keras.layers.LayerNormalization(epsilon=1e-5)(x))


def make_classifier(encoder, dropout=0.3):
    """The encoder's token vectors, averaged over the real tokens, -> probability of 'fresh'."""
    ids = keras.Input(shape=(encoder.input_shape[1],), dtype="int32")
    pooled = keras.layers.GlobalAveragePooling1D()(encoder(ids), mask=keras.ops.not_equal(ids, 0))
    out = keras.layers.Dense(1, activation="sigmoid")(keras.layers.Dropout(dropout)(pooled))
    return keras.Model(ids, out)
# ---- end of the lesson's code ---------------------------------------------------------------


def split_by_film():
    reviews = data.rotten_tomatoes()
    films = np.random.default_rng(0).permutation(sorted(reviews["movie"].unique()))
    n_test, n_val = len(films) // 5, len(films) // 10
    part = reviews["movie"].map({**{f: "test" for f in films[:n_test]},
                                 **{f: "validation" for f in films[n_test:n_test + n_val]}}).fillna("train")
    return (reviews[part == p] for p in ("train", "validation", "test"))


def masked_batches(x, seed):
    """(corrupted ids, original ids, 0/1 weights of the chosen positions), BERT's 80/10/10 recipe."""
    def corrupt(ids):
        real = ids != 0
        chosen = tf.logical_and(real, tf.random.uniform(tf.shape(ids)) < 0.15)
        r = tf.random.uniform(tf.shape(ids))
        random_ids = tf.random.uniform(tf.shape(ids), 2, VOCAB, dtype=tf.int32)
        corrupted = tf.where(chosen & (r < 0.8), MASK, tf.where(chosen & (r < 0.9), random_ids, ids))
        return corrupted, ids, tf.cast(chosen, tf.float32)
    return (tf.data.Dataset.from_tensor_slices(x).repeat().shuffle(10_000, seed=seed)
            .batch(64).map(corrupt).prefetch(4))


def fine_tune(encoder, x, y, x_val, y_val, seed):
    keras.utils.set_random_seed(seed)
    model = make_classifier(encoder)
    model.compile(keras.optimizers.Adam(1e-3), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=EPOCHS, batch_size=32, verbose=0)
    return history.history["val_accuracy"]


def main():
    train, val, _ = split_by_film()
    vectorizer = keras.layers.TextVectorization(max_tokens=VOCAB, output_sequence_length=SEQ_LEN)
    vectorizer.adapt(train["text"].to_numpy())
    x_train, x_val = (vectorizer(d["text"].to_numpy()).numpy().astype("int32") for d in (train, val))
    y_train, y_val = (d["label"].to_numpy("float32") for d in (train, val))

    keras.utils.set_random_seed(0)
    encoder = make_encoder(VOCAB + 1, SEQ_LEN, **ENCODER)
    ids = keras.Input(shape=(SEQ_LEN,), dtype="int32")
    mlm = keras.Model(ids, keras.layers.Dense(VOCAB + 1)(encoder(ids)))
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    mlm.compile(keras.optimizers.AdamW(1e-3), loss, steps_per_execution=20)
    mlm.fit(masked_batches(x_train, 1), steps_per_epoch=20, epochs=1, verbose=0)
    probe_start = time.process_time()
    mlm.fit(masked_batches(x_train, 2), steps_per_epoch=40, epochs=1, verbose=0)
    per_step = (time.process_time() - probe_start) / 40       # CPU seconds: the same under any load
    total = max(200, int(CPU_BUDGET_SECONDS / per_step) // 200 * 200)
    print(f"~{per_step * 1000:.0f} CPU-ms per step -> {total} pretraining steps", flush=True)
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, total, alpha=0.1)
    mlm.compile(keras.optimizers.AdamW(schedule, weight_decay=0.01), loss, steps_per_execution=20)
    start = time.time()
    for k in range(total // 200):
        h = mlm.fit(masked_batches(x_train, 100 + k), steps_per_epoch=200, epochs=1, verbose=0)
        print(f"step {(k + 1) * 200}: masked-token loss {h.history['loss'][-1]:.3f} "
              f"({(time.time() - start) / 60:.1f} min)", flush=True)
    minutes = (time.time() - start) / 60
    OUT.parent.mkdir(parents=True, exist_ok=True)
    encoder.save_weights(OUT)

    rows = []
    for seed in range(0 if "--no-compare" in sys.argv else 3):
        pick = np.random.default_rng(seed).permutation(len(x_train))[:LABELS]
        pretrained = make_encoder(VOCAB + 1, SEQ_LEN, **ENCODER)
        pretrained.load_weights(OUT)
        scratch = make_encoder(VOCAB + 1, SEQ_LEN, **ENCODER)
        a = fine_tune(pretrained, x_train[pick], y_train[pick], x_val, y_val, seed)
        b = fine_tune(scratch, x_train[pick], y_train[pick], x_val, y_val, seed)
        rows.append((a, b))
        print(f"seed {seed}: validation accuracy by epoch\n  pretrained {np.round(a, 3).tolist()}\n"
              f"  scratch    {np.round(b, 3).tolist()}", flush=True)
    if not rows:
        return
    pre = np.array([r[0] for r in rows]).mean(0)
    scr = np.array([r[1] for r in rows]).mean(0)
    print("mean over seeds by epoch: pretrained", np.round(pre, 3).tolist(), "scratch", np.round(scr, 3).tolist())
    print(f"RESULT: pretraining {minutes:.1f} min, {total} steps; {LABELS} labels: best epoch mean validation "
          f"accuracy pretrained {pre.max():.3f} (epoch {pre.argmax() + 1}), scratch {scr.max():.3f} "
          f"(epoch {scr.argmax() + 1}); {OUT.stat().st_size / 1e6:.2f} MB", flush=True)


if __name__ == "__main__":
    main()
