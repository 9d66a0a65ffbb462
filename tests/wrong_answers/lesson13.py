"""Plausible mistakes for the exercises of lesson 13 (see tests/wrong_answers/__init__.py)."""
import re
import string
from collections import Counter

import numpy as np

from ._registry import registry

WRONG, wrong = registry()


def _standardize(text):
    return text.lower().translate(str.maketrans("", "", string.punctuation)).split()


@wrong(1)
def vocabulary_without_standardizing(texts, max_tokens=None):
    counts = Counter(t for text in texts for t in text.split())
    vocab = ["", "[UNK]"] + [t for t, _ in counts.most_common()]
    return vocab[:max_tokens] if max_tokens else vocab


@wrong(1)
def vocabulary_without_reserved_tokens(texts, max_tokens=None):
    counts = Counter(t for text in texts for t in _standardize(text))
    vocab = [t for t, _ in counts.most_common()]
    return vocab[:max_tokens] if max_tokens else vocab


@wrong(1)
def vocabulary_in_order_of_appearance(texts, max_tokens=None):
    seen = {}
    for text in texts:
        for t in _standardize(text):
            seen.setdefault(t, None)
    vocab = ["", "[UNK]"] + list(seen)
    return vocab[:max_tokens] if max_tokens else vocab


@wrong(1)
def vocabulary_punctuation_becomes_space(texts, max_tokens=None):
    table = str.maketrans(string.punctuation, " " * len(string.punctuation))
    counts = Counter(t for text in texts for t in text.lower().translate(table).split())
    vocab = ["", "[UNK]"] + [t for t, _ in counts.most_common()]
    return vocab[:max_tokens] if max_tokens else vocab


@wrong(1)
def vocabulary_max_tokens_without_reserved(texts, max_tokens=None):
    counts = Counter(t for text in texts for t in _standardize(text))
    learned = [t for t, _ in counts.most_common()]
    return ["", "[UNK]"] + (learned[:max_tokens] if max_tokens else learned)


@wrong(2)
def cosine_dot_product_only(a, b):
    return np.asarray(a, dtype="float64") @ np.asarray(b, dtype="float64").T


@wrong(2)
def cosine_normalized_along_the_wrong_axis(a, b):
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    a = a / np.maximum(np.linalg.norm(a, axis=0, keepdims=True), 1e-12)
    b = b / np.maximum(np.linalg.norm(b, axis=0, keepdims=True), 1e-12)
    return a @ b.T


@wrong(2)
def cosine_nan_for_zero_vectors(a, b):
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return a @ b.T


@wrong(2)
def cosine_normalizes_only_the_first(a, b):
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    a = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    return a @ b.T


def _softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


@wrong(3)
def sample_multiplying_by_temperature(logits, temperature, rng):
    p = _softmax(np.asarray(logits, dtype="float64") * temperature)
    return int(rng.choice(len(p), p=p))


@wrong(3)
def sample_temperature_on_probabilities(logits, temperature, rng):
    p = _softmax(np.asarray(logits, dtype="float64"))
    p = _softmax(p / temperature)
    return int(rng.choice(len(p), p=p))


@wrong(3)
def sample_always_argmax(logits, temperature, rng):
    return int(np.argmax(logits))


@wrong(3)
def sample_overflows_on_large_logits(logits, temperature, rng):
    e = np.exp(np.asarray(logits, dtype="float64") / temperature)
    p = e / e.sum()
    return int(rng.choice(len(p), p=p))


@wrong(3)
def sample_ignores_the_generator(logits, temperature, rng):
    p = _softmax(np.asarray(logits, dtype="float64") / temperature)
    return int(np.random.choice(len(p), p=p))


@wrong(1)
def vocabulary_strips_each_word_keeps_empty_tokens(texts, max_tokens=None):
    punct = set(string.punctuation)
    counts = Counter("".join(c for c in w if c not in punct) for text in texts for w in text.lower().split())
    vocab = ["", "[UNK]"] + [t for t, _ in counts.most_common()]     # '--' became '' and is counted
    return vocab[:max_tokens] if max_tokens else vocab


@wrong(1)
def vocabulary_splits_on_single_spaces(texts, max_tokens=None):
    counts = Counter(t for text in texts
                     for t in text.lower().translate(str.maketrans("", "", string.punctuation)).split(" ") if t)
    vocab = ["", "[UNK]"] + [t for t, _ in counts.most_common()]     # tabs and newlines stay inside tokens
    return vocab[:max_tokens] if max_tokens else vocab


def _attention_scores(query, keys, v):
    return np.sum(v * np.tanh(np.asarray(query)[:, :, None, :] + np.asarray(keys)[:, None, :, :]), axis=-1)


def _softmax_last(s, axis=-1):
    e = np.exp(s - s.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@wrong(4)
def attention_ignores_the_mask(query, keys, v, mask=None):
    weights = _softmax_last(_attention_scores(query, keys, v))
    return weights @ keys, weights


@wrong(4)
def attention_with_the_keras_layer(query, keys, v, mask=None):
    import keras
    from keras.layers import AdditiveAttention as _KerasAdditiveAttention

    layer = _KerasAdditiveAttention(dtype="float64")
    layer.build([query.shape, keys.shape])
    layer.set_weights([np.asarray(v, "float64")])
    context, weights = layer([query, keys], mask=[None, mask], return_attention_scores=True)
    return keras.ops.convert_to_numpy(context), keras.ops.convert_to_numpy(weights)


@wrong(4)
def attention_softmax_over_the_queries(query, keys, v, mask=None):
    scores = _attention_scores(query, keys, v)
    if mask is not None:
        scores = np.where(mask[:, None, :], scores, -1e9)
    weights = _softmax_last(scores, axis=1)
    return weights @ keys, weights


@wrong(4)
def attention_mask_multiplies_the_scores(query, keys, v, mask=None):
    scores = _attention_scores(query, keys, v)
    if mask is not None:
        scores = scores * mask[:, None, :]                  # a score of 0 still gets weight
    weights = _softmax_last(scores)
    return weights @ keys, weights


@wrong(4)
def attention_mask_after_softmax_not_renormalized(query, keys, v, mask=None):
    weights = _softmax_last(_attention_scores(query, keys, v))
    if mask is not None:
        weights = weights * mask[:, None, :]
    return weights @ keys, weights


@wrong(4)
def attention_dot_product_scores(query, keys, v, mask=None):
    scores = np.einsum("ntd,njd->ntj", query, keys)          # Luong's dot score, not the additive one
    if mask is not None:
        scores = np.where(mask[:, None, :], scores, -1e9)
    weights = _softmax_last(scores)
    return weights @ keys, weights


@wrong(4)
def attention_without_tanh(query, keys, v, mask=None):
    scores = np.sum(v * (query[:, :, None, :] + keys[:, None, :, :]), axis=-1)
    if mask is not None:
        scores = np.where(mask[:, None, :], scores, -1e9)
    weights = _softmax_last(scores)
    return weights @ keys, weights


@wrong(4)
def attention_without_the_scale_vector(query, keys, v, mask=None):
    scores = np.sum(np.tanh(query[:, :, None, :] + keys[:, None, :, :]), axis=-1)
    if mask is not None:
        scores = np.where(mask[:, None, :], scores, -1e9)
    weights = _softmax_last(scores)
    return weights @ keys, weights


@wrong(4)
def attention_mask_read_backwards(query, keys, v, mask=None):
    scores = _attention_scores(query, keys, v)
    if mask is not None:
        scores = np.where(mask[:, None, :], -1e9, scores)   # True taken as "padding"
    weights = _softmax_last(scores)
    return weights @ keys, weights


@wrong(4)
def attention_returns_the_scores(query, keys, v, mask=None):
    scores = _attention_scores(query, keys, v)
    if mask is not None:
        scores = np.where(mask[:, None, :], scores, -1e9)
    weights = _softmax_last(scores)
    return weights @ keys, scores                           # the scores before the softmax


@wrong(1)
def vocabulary_counts_texts_not_occurrences(texts, max_tokens=None):
    counts = Counter(t for text in texts for t in set(_standardize(text)))   # document frequency
    vocab = ["", "[UNK]"] + sorted(counts, key=lambda t: (counts[t], t), reverse=True)
    return vocab[:max_tokens] if max_tokens else vocab


@wrong(2)
def cosine_divides_by_the_whole_matrix_norm(a, b):
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    return (a / max(np.linalg.norm(a), 1e-12)) @ (b / max(np.linalg.norm(b), 1e-12)).T


@wrong(3)
def sample_makes_a_new_generator_each_call(logits, temperature, rng):
    p = _softmax(np.asarray(logits, dtype="float64") / temperature)
    return int(np.random.default_rng(0).choice(len(p), p=p))   # the same draw every time


@wrong(1)
def vocabulary_regex_keeps_underscores(texts, max_tokens=None):
    counts = Counter(t for text in texts for t in re.sub(r"[^\w\s]", "", text.lower()).split())
    vocab = ["", "[UNK]"] + [t for t, _ in counts.most_common()]     # '_' is a word character, not deleted
    return vocab[:max_tokens] if max_tokens else vocab


@wrong(1)
def vocabulary_keeps_only_letters(texts, max_tokens=None):
    counts = Counter(t for text in texts for t in re.sub(r"[^a-z\s]", "", text.lower()).split())
    vocab = ["", "[UNK]"] + [t for t, _ in counts.most_common()]     # digits deleted too: '10' disappears
    return vocab[:max_tokens] if max_tokens else vocab
