"""Plausible mistakes for the exercises of lesson 14 (see tests/wrong_answers/__init__.py)."""
from collections import Counter

import numpy as np

from ._registry import registry

WRONG, wrong = registry()


def _softmax(s, axis=-1):
    e = np.exp(s - s.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _scores(q, k):
    return np.asarray(q, float) @ np.swapaxes(np.asarray(k, float), -1, -2)


def _attend(q, k, v, mask=None, scale=None, masked=lambda s, m: np.where(m, s, -1e9), axis=-1):
    """The course's attention with one step swappable (each wrong answer below names which)."""
    scores = _scores(q, k) / (np.sqrt(np.shape(q)[-1]) if scale is None else scale)
    if mask is not None:
        scores = masked(scores, mask)
    weights = _softmax(scores, axis=axis)
    return weights @ v, weights


# ---- Exercise 1 ----------------------------------------------------------------------------
@wrong(1)
def attention_without_the_square_root(q, k, v, mask=None):
    return _attend(q, k, v, mask, scale=1.0)


@wrong(1)
def attention_softmax_over_the_queries(q, k, v, mask=None):
    return _attend(q, k, v, mask, axis=-2)


@wrong(1)
def attention_mask_after_the_softmax(q, k, v, mask=None):
    weights = _softmax(_scores(q, k) / np.sqrt(np.shape(q)[-1]))
    if mask is not None:
        weights = weights * mask                      # rows no longer sum to 1
    return weights @ v, weights


@wrong(1)
def attention_mask_inverted(q, k, v, mask=None):
    return _attend(q, k, v, mask, masked=lambda s, m: np.where(m, -1e9, s))   # True read as 'hide'


@wrong(1)
def attention_divided_by_d(q, k, v, mask=None):
    return _attend(q, k, v, mask, scale=np.shape(q)[-1])


@wrong(1)
def attention_mask_multiplies_the_scores(q, k, v, mask=None):
    return _attend(q, k, v, mask, masked=lambda s, m: s * m)       # a score of 0 still gets weight


@wrong(1)
def attention_with_keras_ops(q, k, v, mask=None):
    import keras

    out = keras.ops.dot_product_attention(np.asarray(q, "float32")[..., None, :].swapaxes(-2, -3),
                                          np.asarray(k, "float32")[..., None, :].swapaxes(-2, -3),
                                          np.asarray(v, "float32")[..., None, :].swapaxes(-2, -3))
    weights = _softmax(_scores(q, k) / np.sqrt(np.shape(q)[-1]))
    return keras.ops.convert_to_numpy(out)[..., 0, :], weights


@wrong(1)
def attention_transposes_with_dot_t(q, k, v, mask=None):
    q, k, v = (np.asarray(a, float) for a in (q, k, v))
    scores = np.matmul(q, k.T) if k.ndim == 2 else np.einsum("...qd,...kd->...qk", q, k)
    scores = scores / np.sqrt(k.shape[0])             # the wrong size: the number of keys, not features
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    weights = _softmax(scores)
    return weights @ v, weights


@wrong(1)
def attention_scales_q_in_place(q, k, v, mask=None):
    q, k, v = (np.asarray(a, dtype="float64") for a in (q, k, v))    # the same arrays when given float64
    q /= np.sqrt(q.shape[-1])                                        # the caller's q is divided too
    scores = q @ np.swapaxes(k, -1, -2)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = _softmax(scores)
    return weights @ v, weights


@wrong(1)
def attention_adds_the_boolean_mask(q, k, v, mask=None):
    # True counts 1, False 0: hidden keys keep most of their weight
    return _attend(q, k, v, mask, masked=lambda s, m: s + m)


# ---- Exercise 2 ----------------------------------------------------------------------------
@wrong(2)
def causal_mask_strict(n_queries, n_keys):
    return np.tril(np.ones((n_queries, n_keys), dtype=bool), k=n_keys - n_queries - 1)   # itself hidden


@wrong(2)
def causal_mask_ignores_the_cache(n_queries, n_keys):
    return np.tril(np.ones((n_queries, n_keys), dtype=bool))


@wrong(2)
def causal_mask_upper_triangle(n_queries, n_keys):
    return np.triu(np.ones((n_queries, n_keys), dtype=bool), k=n_keys - n_queries)


@wrong(2)
def causal_mask_additive(n_queries, n_keys):
    allowed = np.tril(np.ones((n_queries, n_keys), dtype=bool), k=n_keys - n_queries)
    return np.where(allowed, 0.0, -np.inf)


@wrong(2)
def causal_mask_sees_the_next_token(n_queries, n_keys):
    return np.tril(np.ones((n_queries, n_keys), dtype=bool), k=n_keys - n_queries + 1)   # off by one


# ---- Exercise 4 ----------------------------------------------------------------------------
def _merge_left_to_right(word, pair):
    out, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
            out.append(word[i] + word[i + 1])
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def _weighted_pairs(word_counts):
    """The right pair counts (inside each word, weighted by its count): these mistakes are elsewhere."""
    pairs = Counter()
    for word, count in word_counts.items():
        for p in zip(word, word[1:]):
            pairs[p] += count
    return pairs


def _best(pairs):
    return min(pairs, key=lambda p: (-pairs[p], p)) if pairs else None


def _apply(word_counts, pair, merge):
    merged = Counter()
    for word, count in word_counts.items():
        merged[merge(word, pair)] += count
    return pair, dict(merged)


@wrong(4)
def bpe_counts_pairs_across_words(word_counts):
    symbols = [s for word, count in word_counts.items() for _ in range(count) for s in word]
    pairs = Counter(zip(symbols, symbols[1:]))               # one long stream: word ends meet word starts
    best = _best(pairs)
    if best is None:
        return None, dict(word_counts)
    return _apply(word_counts, best, _merge_left_to_right)


@wrong(4)
def bpe_ignores_word_counts(word_counts):
    pairs = Counter(p for word in word_counts for p in zip(word, word[1:]))
    best = _best(pairs)
    if best is None:
        return None, dict(word_counts)
    return _apply(word_counts, best, _merge_left_to_right)


@wrong(4)
def bpe_merges_overlapping_pairs(word_counts):
    pairs = _weighted_pairs(word_counts)
    best = _best(pairs)
    if best is None:
        return None, dict(word_counts)

    def merge(word, pair):                                   # a for loop cannot skip the used symbol
        out = []
        for i in range(len(word)):
            if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
                out.append(word[i] + word[i + 1])            # 'a a a' -> 'aa aa': the middle a used twice
            elif i > 0 and (word[i - 1], word[i]) == pair:
                continue
            else:
                out.append(word[i])
        return tuple(out)
    return _apply(word_counts, best, merge)


@wrong(4)
def bpe_merges_with_string_replace(word_counts):
    pairs = _weighted_pairs(word_counts)
    best = _best(pairs)
    if best is None:
        return None, dict(word_counts)

    def merge(word, pair):                                   # on the joined letters: symbol edges lost
        spaced = " ".join(word).replace(f"{pair[0]} {pair[1]}", pair[0] + pair[1])
        return tuple(spaced.split(" "))
    return _apply(word_counts, best, merge)


@wrong(4)
def bpe_edits_the_input_dict(word_counts):
    pairs = _weighted_pairs(word_counts)
    best = _best(pairs)
    if best is None:
        return None, word_counts
    for word in list(word_counts):                          # rebuilt in place: the caller's dict changes
        count = word_counts.pop(word)
        new = _merge_left_to_right(word, best)
        word_counts[new] = word_counts.get(new, 0) + count
    return best, word_counts


@wrong(4)
def bpe_merges_by_joined_strings(word_counts):
    pairs = _weighted_pairs(word_counts)
    best = _best(pairs)
    if best is None:
        return None, dict(word_counts)

    def merge(word, pair):                                   # any two neighbours that read like the pair
        out, i = [], 0
        while i < len(word):
            if i + 1 < len(word) and word[i] + word[i + 1] == pair[0] + pair[1]:
                out.append(word[i] + word[i + 1])
                i += 2
            else:
                out.append(word[i])
                i += 1
        return tuple(out)
    return _apply(word_counts, best, merge)


@wrong(4)
def bpe_merges_right_to_left(word_counts):
    pairs = _weighted_pairs(word_counts)
    best = _best(pairs)
    if best is None:
        return None, dict(word_counts)

    def merge(word, pair):                                   # scans from the end: 'a a a' -> 'a aa'
        out, i = [], len(word) - 1
        while i >= 0:
            if i > 0 and (word[i - 1], word[i]) == pair:
                out.insert(0, word[i - 1] + word[i])
                i -= 2
            else:
                out.insert(0, word[i])
                i -= 1
        return tuple(out)
    return _apply(word_counts, best, merge)


@wrong(4)
def bpe_keeps_only_the_last_count(word_counts):
    pairs = _weighted_pairs(word_counts)
    best = _best(pairs)
    if best is None:
        return None, dict(word_counts)
    return best, {_merge_left_to_right(w, best): c for w, c in word_counts.items()}   # equal words overwrite


@wrong(4)
def bpe_ties_by_joined_string(word_counts):
    pairs = _weighted_pairs(word_counts)
    if not pairs:
        return None, dict(word_counts)
    best = min(pairs, key=lambda p: (-pairs[p], p[0] + p[1]))      # ('ab', 'c') before ('a', 'bd')
    return _apply(word_counts, best, _merge_left_to_right)


@wrong(4)
def bpe_ties_by_first_symbol(word_counts):
    pairs = _weighted_pairs(word_counts)
    if not pairs:
        return None, dict(word_counts)
    best = min(pairs, key=lambda p: (-pairs[p], p[0]))             # second symbols never compared
    return _apply(word_counts, best, _merge_left_to_right)


@wrong(4)
def bpe_counts_each_pair_once_per_word(word_counts):
    pairs = Counter()
    for word, count in word_counts.items():
        for p in set(zip(word, word[1:])):                   # 'a a a a' holds (a, a) three times, counted once
            pairs[p] += count
    best = _best(pairs)
    if best is None:
        return None, dict(word_counts)
    return _apply(word_counts, best, _merge_left_to_right)


# ---- Exercise 3 ----------------------------------------------------------------------------
def _padding(mask):
    return None if mask is None else np.asarray(mask, bool)[:, None, :]


@wrong(3)
def block_without_attention_residual(x, attention, feed_forward, norm1, norm2, mask=None):
    h = norm1(x)
    x = attention(h, h, attention_mask=_padding(mask))
    return x + feed_forward(norm2(x))


@wrong(3)
def block_without_feed_forward_residual(x, attention, feed_forward, norm1, norm2, mask=None):
    h = norm1(x)
    x = x + attention(h, h, attention_mask=_padding(mask))
    return feed_forward(norm2(x))


@wrong(3)
def block_residual_from_normalized_input(x, attention, feed_forward, norm1, norm2, mask=None):
    h = norm1(x)
    x = h + attention(h, h, attention_mask=_padding(mask))
    h = norm2(x)
    return h + feed_forward(h)


@wrong(3)
def block_ignores_the_mask(x, attention, feed_forward, norm1, norm2, mask=None):
    h = norm1(x)
    x = x + attention(h, h)
    return x + feed_forward(norm2(x))


@wrong(3)
def block_feed_forward_on_the_input(x, attention, feed_forward, norm1, norm2, mask=None):
    h = norm1(x)
    a = x + attention(h, h, attention_mask=_padding(mask))
    return a + feed_forward(norm2(x))                        # the FFN never sees the attention's output


@wrong(3)
def block_with_norms_swapped(x, attention, feed_forward, norm1, norm2, mask=None):
    h = norm2(x)                                             # norm2 before the attention, norm1 before the FFN
    x = x + attention(h, h, attention_mask=_padding(mask))
    return x + feed_forward(norm1(x))


@wrong(3)
def block_post_norm_with_norms_swapped(x, attention, feed_forward, norm1, norm2, mask=None):
    x = norm2(x + attention(x, x, attention_mask=_padding(mask)))
    return norm1(x + feed_forward(x))


@wrong(3)
def block_pre_norm_attention_post_norm_feed_forward(x, attention, feed_forward, norm1, norm2, mask=None):
    h = norm1(x)
    x = x + attention(h, h, attention_mask=_padding(mask))
    return norm2(x + feed_forward(x))                        # the two sub-layers arranged differently


@wrong(3)
def block_mask_on_the_query_axis(x, attention, feed_forward, norm1, norm2, mask=None):
    padding = None if mask is None else np.asarray(mask, bool)[:, :, None]    # (batch, queries, 1)
    h = norm1(x)
    x = x + attention(h, h, attention_mask=padding)
    return x + feed_forward(norm2(x))


@wrong(3)
def block_adds_in_place(x, attention, feed_forward, norm1, norm2, mask=None):
    h = norm1(x)
    x += np.asarray(attention(h, h, attention_mask=_padding(mask)))   # += on a NumPy x: the caller's array changes
    return x + feed_forward(norm2(x))


@wrong(3)
def block_with_one_norm_for_both(x, attention, feed_forward, norm1, norm2, mask=None):
    h = norm1(x)
    x = x + attention(h, h, attention_mask=_padding(mask))
    return x + feed_forward(norm1(x))


@wrong(3)
def block_with_a_causal_mask(x, attention, feed_forward, norm1, norm2, mask=None):
    h = norm1(x)                                             # a decoder's mask in an encoder block
    x = x + attention(h, h, attention_mask=_padding(mask), use_causal_mask=True)
    return x + feed_forward(norm2(x))


@wrong(1)
def attention_returns_weights_first(q, k, v, mask=None):
    """A third reader's mistake: the pair in the wrong order (named now; it got 'weights should sum to 1')."""
    output, weights = _attend(q, k, v, mask)
    return weights, output
