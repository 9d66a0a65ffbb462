"""Lesson 13 (natural language processing): other correct answers pass the checks, the checks'
claims about Keras hold, and the training scripts use exactly the lesson's code."""
import ast
import string
from collections import Counter

import nbformat
import numpy as np

from dlbasics import build
from dlbasics.checks import lesson

NOTEBOOK = build.ROOT / "solutions" / "13_natural_language_processing.ipynb"


def test_alternative_nlp_implementations_pass():
    import re

    import keras
    import tensorflow as tf
    from sklearn.metrics.pairwise import cosine_similarity as sklearn_cosine

    l13 = lesson("13")
    punctuation = re.compile(f"[{re.escape(string.punctuation)}]")

    def vocabulary_most_common(texts, max_tokens=None):          # ties in order of first appearance
        counts = Counter(t for text in texts for t in punctuation.sub("", text.lower()).split())
        return (["", "[UNK]"] + [t for t, _ in counts.most_common()])[:max_tokens]

    def vocabulary_from_keras(texts, max_tokens=None):
        layer = keras.layers.TextVectorization(max_tokens=max_tokens)
        layer.adapt(texts)
        return layer.get_vocabulary()                            # a list of np.str_

    def cosine_float32(a, b):
        a, b = (tf.math.l2_normalize(tf.constant(v, tf.float32), axis=1) for v in (a, b))
        return tf.matmul(a, b, transpose_b=True)                 # a TensorFlow tensor

    def sample_gumbel_max(logits, temperature, rng):
        return int(np.argmax(np.asarray(logits) / temperature + rng.gumbel(size=len(logits))))

    def sample_inverse_cdf(logits, temperature, rng):
        z = np.asarray(logits, float) / temperature
        p = np.exp(z - z.max())
        return min(int(np.searchsorted(np.cumsum(p / p.sum()), rng.random(), side="right")), len(p) - 1)

    def sample_tensorflow(logits, temperature, rng):
        seed = rng.integers(0, 2**31 - 1, size=2)
        z = tf.constant(np.asarray(logits, float)[None] / temperature, tf.float32)
        return np.int64(tf.random.stateless_categorical(z, 1, seed=seed)[0, 0])

    l13.exercise_1(vocabulary_most_common)
    l13.exercise_1(vocabulary_from_keras)
    l13.exercise_2(sklearn_cosine)
    l13.exercise_2(cosine_float32)
    for sampler in (sample_gumbel_max, sample_inverse_cdf, sample_tensorflow):
        l13.exercise_3(sampler)


def test_keras_breaks_vocabulary_ties_in_reverse_order():
    """What the lesson says: TextVectorization sorts by count, then ties in reverse (byte) order,
    with the same tokens as lowercase + delete string.punctuation + str.split() on ASCII text."""
    import keras

    ex = lesson("13").EXERCISES[0]
    for case in ex.cases(np.random.default_rng(0)):
        texts, max_tokens = case.args
        counts = Counter(t for text in texts for t in text.lower().translate(str.maketrans("", "", string.punctuation)).split())
        ours = (["", "[UNK]"] + sorted(counts, key=lambda t: (counts[t], t), reverse=True))[:max_tokens]
        layer = keras.layers.TextVectorization(max_tokens=max_tokens)
        layer.adapt(texts)
        assert [str(t) for t in layer.get_vocabulary()] == ours, case.label


def _lesson_code():
    nb = nbformat.read(NOTEBOOK, 4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def _shared_block(script):
    """The top-level statements between the script's 'identical to the lesson' markers."""
    source = (build.ROOT / "scripts" / script).read_text()
    start = source.index("\n", source.index("# ---- ")) + 1
    end = source.index("# ---- end of the lesson's code")
    block = source[start:end]
    return [ast.get_source_segment(block, node) for node in ast.parse(block).body]


def test_training_scripts_use_the_lessons_code():
    """The shipped models are trained on the lesson's data and architecture, word for word."""
    code = _lesson_code()
    for script in ("train_char_model.py", "train_date_seq2seq.py"):
        for statement in _shared_block(script):
            assert statement in code, f"scripts/{script} and the lesson differ in:\n{statement[:300]}"


def test_alternative_attention_implementations_pass():
    """Exercise 4 accepts other correct ways to write the attention step."""
    import keras
    import tensorflow as tf

    ex4 = lesson("13").EXERCISES[3]

    def attention_loops(query, keys, v, mask=None):               # one example and step at a time
        n, tq, _ = np.shape(query)
        tv = np.shape(keys)[1]
        weights = np.zeros((n, tq, tv))
        for b in range(n):
            for t in range(tq):
                scores = np.array([v @ np.tanh(query[b, t] + keys[b, j]) for j in range(tv)])
                keep = np.ones(tv, bool) if mask is None else np.asarray(mask[b], bool)
                e = np.where(keep, np.exp(scores - scores[keep].max()), 0.0)
                weights[b, t] = e / e.sum()
        return np.einsum("ntj,njd->ntd", weights, keys), weights

    def attention_zero_then_renormalize(query, keys, v, mask=None):   # mask after the softmax, renormalized
        scores = np.einsum("d,ntjd->ntj", v, np.tanh(query[:, :, None] + keys[:, None]))
        w = np.exp(scores - scores.max(-1, keepdims=True))
        if mask is not None:
            w = w * np.asarray(mask, float)[:, None, :]
        w = w / w.sum(-1, keepdims=True)
        return w @ keys, w

    def attention_tensorflow(query, keys, v, mask=None):          # float32 tensors, -1e9 bias like Keras
        q, k = tf.constant(query, tf.float32), tf.constant(keys, tf.float32)
        scores = tf.reduce_sum(tf.constant(v, tf.float32) * tf.tanh(q[:, :, None] + k[:, None]), -1)
        if mask is not None:
            scores += -1e9 * (1.0 - tf.cast(mask, tf.float32))[:, None, :]
        weights = tf.nn.softmax(scores, axis=-1)
        return tf.matmul(weights, k), weights

    def attention_keras_ops(query, keys, v, mask=None):
        scores = keras.ops.sum(v * keras.ops.tanh(keras.ops.expand_dims(query, 2) + keras.ops.expand_dims(keys, 1)), -1)
        if mask is not None:
            scores = keras.ops.where(keras.ops.expand_dims(mask, 1), scores, -1e9)
        weights = keras.ops.softmax(scores, axis=-1)
        return [keras.ops.matmul(weights, keys), weights]          # a list, not a tuple

    for fn in (attention_loops, attention_zero_then_renormalize, attention_tensorflow, attention_keras_ops):
        ex4.check(fn, quiet=True)
        ex4.check(fn, cases=ex4.cases(np.random.default_rng(3)), quiet=True)
