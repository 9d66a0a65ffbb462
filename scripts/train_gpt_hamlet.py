"""Train the tiny GPT of lesson 14, a character-level decoder-only Transformer, on Hamlet.

    nice -n 10 .venv/bin/python scripts/train_gpt_hamlet.py     # writes data/models/gpt_hamlet.weights.h5

Data and split exactly as lesson 13's GRU (`scripts/train_char_model.py`): `dlbasics.data.hamlet()`,
characters numbered in `sorted(set(text))` order (66), the first 90 % for training, the last 10 %
(the end of act V) held out. The held-out score is the GRU's: cross-entropy on the held-out text cut
into windows of 100 characters, each window read from its own start (no context from before it),
averaged over all positions, in bits per character. As for the GRU, that held-out text also
decides when to stop (the best of the evaluations below is kept).

Model (`make_gpt` below, the same code as the lesson's cell; tests/test_lesson14.py checks that):
token + learned position embeddings (context up to 128 characters), pre-norm Transformer blocks
with causal self-attention, a final layer norm and a Dense layer giving next-character logits.
Training: random 128-character crops of the training text, batch 32, AdamW (weight decay 0.1)
with a linear warm-up to 2.5e-3 and a cosine decay, dropout 0.1, gradient clipping; the number of
steps is chosen from a short probe so that training takes about 14 CPU-minutes (all threads; on a
shared machine the wall-clock time is longer). Only the weights are saved
(`.weights.h5`): the lesson rebuilds the model with `make_gpt` and loads them.

Result on this machine (2 CPU cores shared by four authors' jobs, load 15-20, nice 10): 315 CPU-ms
per step -> 2,520 steps, 40.6 minutes of wall-clock time, 14.5 CPU-minutes; 826,690 parameters.
Held-out 3.57 bits after 126 steps, 2.49 after 756, best 2.342 bits (1.623 nats) per character at step
1,764, then flat (2.36 at the end) while the training loss kept falling (1.84 bits with dropout at the
end): it overfits the 158k training characters. Lesson 13's GRU scores 2.327 bits (1.613 nats) on the
same windows, so the GRU keeps a lead of 0.015 bits; 3.5 MB.
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

OUT = ROOT / "data" / "models" / "gpt_hamlet.weights.h5"
PARTIAL = ROOT / "data" / "models" / "gpt_hamlet.partial.weights.h5"     # best so far, while training
CONTEXT, BATCH = 128, 32
CONFIG = dict(d_model=128, num_heads=4, num_layers=4, d_ff=512, dropout=0.1)
CPU_BUDGET_SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 14 * 60    # CPU time, all threads


# ---- identical to the lesson's cell (tests/test_lesson14.py checks that) --------------------
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


def make_gpt(vocab_size, max_len, d_model, num_heads, num_layers, d_ff, dropout=0.0):
    """Decoder-only Transformer: next-token logits at every position of a sequence of token ids."""
    ids = keras.Input(shape=(None,), dtype="int32")
    x = TokenAndPosition(vocab_size, max_len, d_model)(ids)
    x = keras.layers.Dropout(dropout)(x)
    for _ in range(num_layers):
        x = TransformerBlock(d_model, num_heads, d_ff, dropout, causal=True)(x)
    x = keras.layers.LayerNormalization(epsilon=1e-5)(x)
    return keras.Model(ids, keras.layers.Dense(vocab_size)(x))
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
    split = int(0.9 * len(ids))
    train_ids = tf.constant(ids[:split])
    x_val, y_val = windows(ids[split:], 100, 100)          # lesson 13's held-out windows
    print(len(chars), "characters;", split, "training characters;", x_val.shape, "held-out windows", flush=True)

    def crops(seed):
        starts = tf.data.Dataset.random(seed=seed).map(lambda r: tf.math.floormod(r, split - CONTEXT - 1))
        return starts.map(lambda s: (train_ids[s:s + CONTEXT], train_ids[s + 1:s + CONTEXT + 1])) \
            .batch(BATCH).prefetch(4)

    model = make_gpt(len(chars), CONTEXT, **CONFIG)
    model.summary(print_fn=lambda s, **k: None)
    print(f"{model.count_params():,} parameters", flush=True)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def held_out_bits():
        losses = [float(loss_fn(y_val[i:i + 64], model(x_val[i:i + 64], training=False)))
                  * len(x_val[i:i + 64]) for i in range(0, len(x_val), 64)]
        return sum(losses) / len(x_val) / np.log(2)

    # Time 30 steps to choose the number of steps that fits the budget.
    probe = make_gpt(len(chars), CONTEXT, **CONFIG)
    probe.compile(keras.optimizers.AdamW(1e-3), loss_fn, steps_per_execution=10)
    probe.fit(crops(99), steps_per_epoch=10, epochs=1, verbose=0)
    start = time.process_time()
    probe.fit(crops(98), steps_per_epoch=30, epochs=1, verbose=0)
    per_step = (time.process_time() - start) / 30           # CPU seconds: the same under any load
    total = int(CPU_BUDGET_SECONDS / per_step / 1.05)       # ~5 % for the evaluations
    chunk = max(100, total // 20)
    total = chunk * max(1, total // chunk)
    print(f"{per_step * 1000:.0f} CPU-ms per step -> {total} steps in {total // chunk} chunks of {chunk}", flush=True)
    del probe

    warmup = min(100, total // 10)
    schedule = keras.optimizers.schedules.CosineDecay(1e-4, total - warmup, alpha=0.05,
                                                      warmup_target=2.5e-3, warmup_steps=warmup)
    model.compile(keras.optimizers.AdamW(schedule, weight_decay=0.1, beta_2=0.99, clipnorm=1.0), loss_fn,
                  steps_per_execution=20)
    clean = make_gpt(len(chars), CONTEXT, **CONFIG)     # no optimizer state in the file: smaller

    def save(weights, path=OUT):
        clean.set_weights(weights)
        path.parent.mkdir(parents=True, exist_ok=True)
        clean.save_weights(path)

    best, best_weights, start, cpu_start = np.inf, None, time.time(), time.process_time()
    dataset = crops(0).repeat()
    for k in range(total // chunk):
        history = model.fit(dataset, steps_per_epoch=chunk, epochs=1, verbose=0)
        bits = held_out_bits()
        if bits < best:
            best, best_weights = bits, model.get_weights()
            save(best_weights, PARTIAL)                      # usable at once if the run is stopped
        print(f"step {(k + 1) * chunk:5d}  train {history.history['loss'][-1] / np.log(2):.3f} bits  "
              f"held-out {bits:.3f} bits  ({(time.time() - start) / 60:.1f} min)", flush=True)
    minutes, cpu_minutes = (time.time() - start) / 60, (time.process_time() - cpu_start) / 60
    save(best_weights)
    PARTIAL.unlink(missing_ok=True)
    print(f"RESULT: {minutes:.1f} min ({cpu_minutes:.1f} CPU-minutes), {total} steps of {BATCH}x{CONTEXT} characters, "
          f"{model.count_params():,} parameters, best held-out {best:.3f} bits/char "
          f"({best * np.log(2):.3f} nats), {OUT.stat().st_size / 1e6:.2f} MB", flush=True)


if __name__ == "__main__":
    main()
