"""Lesson 14 (attention and Transformers): other correct answers pass the checks, the checks'
references agree with Keras, and the training scripts use exactly the lesson's code."""
import ast
from collections import Counter

import nbformat
import numpy as np

from dlbasics import build
from dlbasics.checks import lesson

NOTEBOOK = build.ROOT / "solutions" / "14_attention_and_transformers.ipynb"


def _both(ex, fn):
    ex.check(fn, quiet=True)
    ex.check(fn, cases=ex.cases(np.random.default_rng(5)), quiet=True)


def test_alternative_attention_implementations_pass():
    import keras
    import tensorflow as tf

    ex1 = lesson("14").EXERCISES[0]

    def attention_keras_ops(q, k, v, mask=None):                  # float32, -1e9 bias, a list back
        q, k, v = (keras.ops.cast(a, "float32") for a in (q, k, v))
        scores = keras.ops.matmul(q, keras.ops.swapaxes(k, -1, -2)) / np.sqrt(q.shape[-1])
        if mask is not None:
            scores = keras.ops.where(mask, scores, -1e9)
        weights = keras.ops.softmax(scores, axis=-1)
        return [keras.ops.matmul(weights, v), weights]

    def attention_einsum_renormalized(q, k, v, mask=None):        # zero after exp, then renormalize
        q, k, v = (np.asarray(a, float) for a in (q, k, v))
        s = np.einsum("...qd,...kd->...qk", q / np.sqrt(q.shape[-1]), k)
        if mask is None:
            e = np.exp(s - s.max(-1, keepdims=True))
        else:
            top = np.where(mask, s, -np.inf).max(-1, keepdims=True)
            e = np.where(mask, np.exp(np.minimum(s - top, 0)), 0.0)
        w = e / e.sum(-1, keepdims=True)
        return np.einsum("...qk,...kv->...qv", w, v), w

    def attention_tensorflow(q, k, v, mask=None):
        s = tf.matmul(tf.constant(q), tf.constant(k), transpose_b=True) / np.sqrt(np.shape(q)[-1])
        if mask is not None:
            s += (1.0 - tf.cast(tf.constant(mask), tf.float64)) * -1e30
        w = tf.nn.softmax(s, axis=-1)
        return tf.matmul(w, tf.constant(v)), w

    def attention_float32_scaled_query(q, k, v, mask=None):     # float32 NumPy, q scaled first (a new array)
        q, k, v = (np.asarray(a, "float32") for a in (q, k, v))
        q = q / np.float32(np.sqrt(q.shape[-1]))
        s = np.einsum("...qd,...kd->...qk", q, k)
        if mask is not None:
            s = np.where(mask, s, np.float32(-1e9))
        e = np.exp(s - s.max(axis=-1, keepdims=True))
        w = e / e.sum(axis=-1, keepdims=True)
        return w @ v, w

    def attention_additive_mask_in_place_on_its_own_arrays(q, k, v, mask=None):
        scores = np.matmul(q, np.swapaxes(k, -1, -2))             # a new array: editing it in place is fine
        scores /= np.sqrt(np.shape(q)[-1])
        if mask is not None:
            scores += np.where(mask, 0.0, -np.inf)                 # additive mask: 0 or -inf
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        return scores @ v, scores

    for fn in (attention_keras_ops, attention_einsum_renormalized, attention_tensorflow,
               attention_float32_scaled_query, attention_additive_mask_in_place_on_its_own_arrays):
        _both(ex1, fn)


def test_attention_edit_in_place_is_caught():
    """produce hands the learner the case's own arrays, so Exercise.run sees `q /= ...` (it used to pass copies)."""
    import pytest
    from dlbasics.checks.core import CheckFailed

    ex1 = lesson("14").EXERCISES[0]

    def scales_k_in_place(q, k, v, mask=None):
        k *= 1 / np.sqrt(np.shape(q)[-1])
        s = np.asarray(q) @ np.swapaxes(k, -1, -2)
        s = np.where(True if mask is None else mask, s, -np.inf)
        w = np.exp(s - s.max(-1, keepdims=True))
        w /= w.sum(-1, keepdims=True)
        return w @ v, w

    with pytest.raises(CheckFailed, match="changed its input in place"):
        ex1.check(scales_k_in_place, quiet=True)


def test_attention_reference_is_keras():
    """Exercise 1's reference output equals keras.ops.dot_product_attention (layout (B, T, heads, d))."""
    import keras

    ex1 = lesson("14").EXERCISES[0]
    for case in ex1.cases(np.random.default_rng(1)):
        q, k, v, mask = case.args
        if q.ndim != 3:
            continue
        want, _ = ex1.reference(q, k, v, mask)
        m = None if mask is None else np.broadcast_to(np.asarray(mask, bool), (q.shape[0], q.shape[1], k.shape[1]))[:, None]
        got = keras.ops.dot_product_attention(q[:, :, None, :], k[:, :, None, :], v[:, :, None, :], mask=m)
        assert np.allclose(keras.ops.convert_to_numpy(got)[:, :, 0, :], want, atol=1e-5), case.label


def test_causal_mask_alternatives_and_keras():
    import keras

    ex2 = lesson("14").EXERCISES[1]

    def mask_tril(n_queries, n_keys):
        return np.tril(np.ones((n_queries, n_keys), dtype=bool), k=n_keys - n_queries)

    def mask_loops(n_queries, n_keys):                              # a list of lists of 0/1
        offset = n_keys - n_queries
        return [[int(j <= i + offset) for j in range(n_keys)] for i in range(n_queries)]

    def mask_tensorflow(n_queries, n_keys):
        return tf_band(n_queries, n_keys)

    def tf_band(nq, nk):
        import tensorflow as tf

        full = tf.linalg.band_part(tf.ones((nk, nk), tf.bool), -1, 0)
        return full[nk - nq:]

    def mask_keras_ops(n_queries, n_keys):                           # a Keras tensor: positions compared
        query_positions = keras.ops.arange(n_keys - n_queries, n_keys)
        return keras.ops.greater_equal(keras.ops.expand_dims(query_positions, 1),
                                       keras.ops.expand_dims(keras.ops.arange(n_keys), 0))

    for fn in (mask_tril, mask_loops, mask_tensorflow, mask_keras_ops):
        _both(ex2, fn)
    layer = keras.layers.MultiHeadAttention(1, 2)
    for n in (1, 3, 6):
        x = np.zeros((1, n, 2), "float32")
        assert np.array_equal(keras.ops.convert_to_numpy(layer._compute_causal_mask(x))[0], ex2.reference(n, n))


def test_transformer_block_alternatives_pass():
    import keras

    ex3 = lesson("14").EXERCISES[2]

    def post_norm(x, attention, feed_forward, norm1, norm2, mask=None):
        m = None if mask is None else keras.ops.expand_dims(mask, 1)
        x = norm1(x + attention(x, x, attention_mask=m))
        return norm2(x + feed_forward(x))

    def pre_norm_with_query_mask(x, attention, feed_forward, norm1, norm2, mask=None):
        h = norm1(x)
        a = attention(h, h) if mask is None else attention(h, h, key_mask=mask)   # Keras builds the mask
        x = x + a
        return keras.ops.convert_to_numpy(x + feed_forward(norm2(x)))

    def pre_norm_masking_queries_and_keys(x, attention, feed_forward, norm1, norm2, mask=None):
        m = None if mask is None else mask[:, :, None] & mask[:, None, :]     # padded rows differ: irrelevant
        h = norm1(x)
        x = x + attention(h, h, attention_mask=m)
        return x + feed_forward(norm2(x))

    def post_norm_tensorflow(x, attention, feed_forward, norm1, norm2, mask=None):   # tf ops, both masks
        import tensorflow as tf

        x = tf.constant(x)
        m = None if mask is None else tf.logical_and(tf.constant(mask)[:, None, :], tf.constant(mask)[:, :, None])
        x = norm1(tf.add(x, attention(query=x, value=x, key=x, attention_mask=m)))
        return norm2(tf.add(x, feed_forward(x))).numpy()

    def pre_norm_on_a_copy(x, attention, feed_forward, norm1, norm2, mask=None):
        x = np.array(x)                                              # a copy: += no longer touches the caller's x
        h = norm1(x)
        x += np.asarray(attention(h, h, attention_mask=None if mask is None else mask[:, None, :]))
        return x + np.asarray(feed_forward(norm2(x)))

    for fn in (post_norm, pre_norm_with_query_mask, pre_norm_masking_queries_and_keys, post_norm_tensorflow,
               pre_norm_on_a_copy):
        _both(ex3, fn)


def test_transformer_block_mistakes_are_named():
    """Each registered mistake of exercise 3 gets its own sentence, not the catch-all one."""
    import pytest
    from dlbasics.checks.core import CheckFailed
    from wrong_answers import lesson14 as wrong

    ex3 = lesson("14").EXERCISES[2]
    expected = {
        "block_without_attention_residual": "around the attention",
        "block_without_feed_forward_residual": "around the feed-forward",
        "block_residual_from_normalized_input": "adds the normalized x",
        "block_ignores_the_mask": "padding positions are attended to",
        "block_feed_forward_on_the_input": "works on the block's input",
        "block_with_norms_swapped": "norm1 and norm2 are swapped",
        "block_post_norm_with_norms_swapped": "norm1 and norm2 are swapped",
        "block_pre_norm_attention_post_norm_feed_forward": "one arrangement for both",
        "block_mask_on_the_query_axis": "on the wrong axis",
        "block_adds_in_place": "changed its input in place",
        "block_with_one_norm_for_both": "norm1 serves both",
        "block_with_a_causal_mask": "the attention is causal",
    }
    assert set(expected) == {fn.__name__ for fn in wrong.WRONG[3]}
    for name, words in expected.items():
        with pytest.raises(CheckFailed, match=words):
            ex3.check(getattr(wrong, name), quiet=True)


def test_bpe_alternatives_pass():
    ex4 = lesson("14").EXERCISES[3]

    def bpe_sorted_ties(word_counts):                               # ties by sorting, merge with a deque-like loop
        pairs = Counter(p for w, c in word_counts.items() for p in zip(w, w[1:]) for _ in range(c))
        if not pairs:
            return None, dict(word_counts)
        top = max(pairs.values())
        best = sorted(p for p, c in pairs.items() if c == top)[0]
        new = {}
        for w, c in word_counts.items():
            symbols = list(w)
            i = 0
            while i < len(symbols) - 1:
                if (symbols[i], symbols[i + 1]) == best:
                    symbols[i:i + 2] = [symbols[i] + symbols[i + 1]]
                i += 1
            key = tuple(symbols)
            new[key] = new.get(key, 0) + c
        return list(best), new                                      # a list for the pair

    def bpe_sort_key_and_join(word_counts):                         # one sort for count and ties, str.join
        pairs = {}
        for word, count in word_counts.items():
            for i in range(len(word) - 1):
                pairs[word[i], word[i + 1]] = pairs.get((word[i], word[i + 1]), 0) + count
        if not pairs:
            return None, word_counts
        best = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))[0][0]
        new = Counter()
        for word, count in word_counts.items():
            out, i = [], 0
            while i < len(word):
                if tuple(word[i:i + 2]) == best:
                    out.append("".join(best))
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            new[tuple(out)] += count
        return best, new                                            # a Counter is a dict

    _both(ex4, bpe_sorted_ties)
    _both(ex4, bpe_sort_key_and_join)


def _lesson_code():
    nb = nbformat.read(NOTEBOOK, 4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def _shared_block(script):
    source = (build.ROOT / "scripts" / script).read_text()
    start = source.index("\n", source.index("# ---- identical")) + 1
    end = source.index("# ---- end of the lesson's code")
    block = source[start:end]
    return [ast.get_source_segment(block, node) for node in ast.parse(block).body]


def test_training_scripts_use_the_lessons_code():
    """The shipped models are built by the lesson's own classes and functions, word for word."""
    code = _lesson_code()
    for script in ("train_gpt_hamlet.py", "pretrain_review_encoder.py"):
        for statement in _shared_block(script):
            assert statement in code, f"scripts/{script} and the lesson differ in:\n{statement[:300]}"


def test_other_mistakes_get_their_own_sentence():
    """The mistakes added in the second read of exercises 1, 2 and 4 fail for the right reason."""
    import pytest
    from dlbasics.checks.core import CheckFailed
    from wrong_answers import lesson14 as wrong

    exercises = lesson("14").EXERCISES
    expected = [(1, "attention_scales_q_in_place", "changed its input in place"),
                (1, "attention_adds_the_boolean_mask", "False get weight"),
                (1, "attention_returns_weights_first", "swapped"),
                (2, "causal_mask_sees_the_next_token", "keys that come after them"),
                (4, "bpe_ties_by_joined_string", "among ties, take the smallest pair"),
                (4, "bpe_ties_by_first_symbol", "among ties, take the smallest pair"),
                (4, "bpe_counts_each_pair_once_per_word", "counts each time")]
    for number, name, words in expected:
        with pytest.raises(CheckFailed, match=words):
            exercises[number - 1].check(getattr(wrong, name), quiet=True)
