"""Checks for lesson 14, attention and Transformers."""
from collections import Counter

import numpy as np

from .core import Case, CheckFailed, Exercise, as_array, compare_arrays, exercises


# ---- Exercise 1: scaled dot-product attention ----------------------------------------------
def _sdpa(q, k, v, mask=None):
    """softmax(q k^T / sqrt(d) with masked scores at -inf) @ v, in float64."""
    q, k, v = (np.asarray(a, dtype="float64") for a in (q, k, v))
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(np.asarray(mask, dtype=bool), scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ v, weights


def _padding(rng, n, tk):
    lengths = rng.integers(1, tk + 1, n)
    lengths[0] = max(1, tk - 2)                 # at least one row with padding
    return (np.arange(tk)[None, :] < lengths[:, None])[:, None, :]      # (n, 1, Tk)


def _qkv(rng, n, tq, tk, d, dv, scale=1.0):
    return (rng.normal(0, scale, (n, tq, d)), rng.normal(0, scale, (n, tk, d)), rng.normal(0, 1, (n, tk, dv)))


class ScaledDotProductAttention(Exercise):
    number, title = 1, "scaled_dot_product_attention"
    shortcuts = ("keras.ops.dot_product_attention", "keras.layers.Attention.call",
                 "keras.layers.MultiHeadAttention.call", "jax.nn.dot_product_attention",
                 "torch.nn.functional.scaled_dot_product_attention")
    hint = ("Scores: every query against every key, q @ swapaxes(k, -1, -2), divided by the square root of the "
            "size of a query vector; where the mask is False put a very negative score (np.where) BEFORE the "
            "softmax; the softmax runs over the keys (the last axis); the output is weights @ v.")
    rtol, atol = 1e-4, 1e-6         # float32 implementations pass too

    def cases(self, rng=None):
        r = np.random.default_rng(141)
        causal = np.tril(np.ones((5, 5), dtype=bool))
        cases = [
            Case("one query, two keys", (np.array([[[1.0, 0.0]]]), np.array([[[1.0, 0.0], [0.0, 1.0]]]),
                                         np.array([[[1.0, 2.0], [3.0, 4.0]]]), None),
                 hint="Score = q . k / sqrt(d), here d = 2; the weights are the softmax of the scores."),
            Case("16 features: the scale matters", _qkv(r, 1, 3, 4, 16, 2) + (None,),
                 hint="Divide the scores by sqrt(d), d the number of features of a query (the last axis of q)."),
            Case("3 queries, 5 keys, values of another size", _qkv(r, 2, 3, 5, 4, 6) + (None,),
                 hint="The softmax runs over the keys (the last axis of the (…, Tq, Tk) scores): each query's "
                      "weights sum to 1."),
            Case("padding mask (n, 1, Tk)", _qkv(r, 3, 4, 6, 8, 3) + (_padding(r, 3, 6),),
                 hint="A key where the mask is False must get weight exactly 0 and the other weights must still "
                      "sum to 1: replace its score by a very negative number before the softmax. True means "
                      "'may attend'."),
            Case("causal mask (5, 5)", _qkv(r, 2, 5, 5, 4, 4) + (causal,),
                 hint="The mask broadcasts against the (batch, Tq, Tk) scores; True means 'may attend'."),
            Case("large scores", _qkv(r, 1, 5, 5, 8, 3, scale=30.0) + (causal,),
                 hint="Apply the mask first, then subtract each row's largest remaining score before np.exp (it "
                      "does not change the softmax): the largest score of a row may sit at a masked key."),
            Case("4 dimensions (batch, heads, T, d)", (r.normal(size=(2, 3, 4, 8)), r.normal(size=(2, 3, 5, 8)),
                                                       r.normal(size=(2, 3, 5, 8)), None),
                 hint="Work on the last two axes only (np.swapaxes(k, -1, -2), not k.T), so that any leading "
                      "batch and head axes pass through."),
        ]
        if rng is not None:
            for i in range(4):
                n, tq, tk, d, dv = (int(v) for v in rng.integers(1, 9, size=5))
                kind = ["none", "padding", "causal"][i % 3]
                if kind == "causal":
                    tk = tq
                    mask = np.tril(np.ones((tq, tq), dtype=bool))
                else:
                    mask = _padding(rng, n, tk) if kind == "padding" else None
                cases.append(Case(f"random attention #{i} (batch {n}, {tq} queries, {tk} keys, {d} features, "
                                  f"mask: {kind})", _qkv(rng, n, tq, tk, d, dv) + (mask,)))
        return cases

    def produce(self, fn, case):
        q, k, v, mask = case.args
        got = fn(q, k, v, mask)        # the case's own arrays: `run` then sees an edit in place (q /= ...)
        if got is None:
            raise CheckFailed("your function returned None. Did you forget `return output, weights`?")
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise CheckFailed("expected two results, `return output, weights`.")
        output, weights = (as_array(g, "your function") for g in got)
        return {"output": output, "weights": weights}

    def reference(self, q, k, v, mask=None):
        """(output, weights) of scaled dot-product attention; the output is Keras's
        keras.ops.dot_product_attention (tests/test_lesson14.py checks that the two agree)."""
        return _sdpa(q, k, v, mask)

    def judge(self, got, case):
        q, k, v, mask = case.args
        output, weights = self.reference(*case.args)
        w = got["weights"]
        o = got["output"]
        if (o.shape, w.shape) == (weights.shape, output.shape) and np.allclose(o, weights, self.rtol, self.atol) \
                and np.allclose(w, output, self.rtol, self.atol):
            return "the output and the weights are swapped: `return output, weights`, the output first."
        if w.shape != weights.shape:
            return (f"the weights have shape {w.shape}, but for this input they should have shape "
                    f"{weights.shape} (…, queries, keys).")
        if not np.all(np.isfinite(w)):
            return "the weights contain nan or inf."
        if not np.allclose(w.sum(axis=-1), 1, atol=1e-5):
            if np.allclose(w.sum(axis=-2), 1, atol=1e-5):
                return "the weights sum to 1 over the queries: the softmax must run over the keys (the last axis)."
            return "each query's weights over the keys should sum to 1."
        if mask is not None:
            blocked = ~np.broadcast_to(np.asarray(mask, bool), w.shape)
            if np.abs(w[blocked]).max(initial=0) > 1e-6:
                if np.abs(w[~blocked]).max(initial=0) < 1e-6:
                    return ("only keys where the mask is False get weight: the mask is inverted (True means "
                            "'may attend').")
                return "keys where the mask is False get weight: their weight must be 0."
        unscaled = _sdpa(q * np.sqrt(q.shape[-1]), k, v, mask)[1]
        if q.shape[-1] > 1 and np.allclose(w, unscaled, rtol=1e-4, atol=1e-6) \
                and not np.allclose(w, weights, rtol=1e-4, atol=1e-6):
            return "the weights are those of unscaled scores: divide q . k by sqrt(d)."
        problem = compare_arrays(w, weights, self.rtol, self.atol, what="the weights")
        if problem:
            return problem
        return compare_arrays(got["output"], output, self.rtol, self.atol, what="the output")


# ---- Exercise 2: a causal mask, also with cached keys ----------------------------------------
class CausalMask(Exercise):
    number, title = 2, "causal_mask"
    hint = ("Query i is the token at position n_keys - n_queries + i of the sequence; it may attend to "
            "every key j at a position up to its own (j <= that position, itself included). Compare an "
            "arange of query positions (as a column) with an arange of key positions (as a row).")

    def cases(self, rng=None):
        cases = [
            Case("1 x 1", (1, 1)),
            Case("4 queries, 4 keys", (4, 4),
                 hint="A token may attend to itself: the diagonal is True."),
            Case("7 queries, 7 keys", (7, 7),
                 hint="Row i (a query) may see columns 0..i (keys), not the later ones."),
            Case("1 new query, 6 keys (5 cached)", (1, 6),
                 hint="When generating, the one new token is the last position: it sees every key."),
            Case("3 new queries, 8 keys (5 cached)", (3, 8),
                 hint="The queries are the LAST n_queries positions of the sequence, not the first."),
        ]
        if rng is not None:
            for i in range(4):
                keys = int(rng.integers(1, 12))
                queries = keys if i % 2 == 0 else int(rng.integers(1, keys + 1))
                cases.append(Case(f"random sizes #{i} ({queries} queries, {keys} keys)", (queries, keys)))
        return cases

    def produce(self, fn, case):
        got = fn(*case.args)
        if got is None:
            raise CheckFailed("your function returned None. Did you forget `return`?")
        got = np.asarray(got)
        if got.dtype != bool:
            values = np.unique(got) if got.dtype.kind in "biuf" else None
            if values is None or not set(values.tolist()) <= {0, 1}:
                raise CheckFailed("expected booleans (True = may attend); an additive mask of 0 and -inf is "
                                  "a different convention from the one asked for.")
            got = got.astype(bool)
        return got.astype("int64")

    def reference(self, n_queries, n_keys):
        """Query i (the last n_queries positions) sees keys 0 .. n_keys - n_queries + i: aligned at the lower right.
        Keras's _compute_causal_mask agrees when n_queries == n_keys; with fewer queries it aligns at the top left."""
        offset = n_keys - n_queries
        return np.arange(n_keys)[None, :] <= np.arange(n_queries)[:, None] + offset

    def judge(self, got, case):
        want = self.reference(*case.args).astype("int64")
        got = np.asarray(got)
        if got.shape != want.shape:
            return f"the mask has shape {got.shape}; it should be (n_queries, n_keys) = {want.shape}."
        if np.array_equal(got, want):
            return None
        n_q, n_k = case.args
        if n_q != n_k and np.array_equal(got, np.tril(np.ones((n_q, n_k), dtype="int64"))):
            return ("with cached keys, the queries are the LAST n_queries positions of the sequence: the new "
                    "queries see the cached keys too.")
        if n_q == n_k and n_q > 1 and np.array_equal(got, want.T):
            return "the mask is transposed: rows are queries, columns are keys, and a query sees the keys before it."
        if np.all(got <= want) and not np.any(np.diagonal(got, offset=n_k - n_q)):
            return "the diagonal is False: a token may attend to itself (and must, or its first row has nothing)."
        if np.all(got >= want):
            return "some queries can see keys that come after them."
        if n_q != n_k:
            return "with cached keys, the queries are the last n_queries positions: shift the diagonal."
        return f"{int(np.sum(got != want))} of {got.size} entries are wrong."


# ---- Exercise 4: one byte-pair-encoding merge -----------------------------------------------
def _pair_counts(word_counts):
    pairs = Counter()
    for word, count in word_counts.items():
        for a, b in zip(word, word[1:]):
            pairs[a, b] += count
    return pairs


def _merge(word, pair):
    out, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
            out.append(word[i] + word[i + 1])
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def _random_words(rng):
    alphabet = list("abrcd") if rng.random() < 0.5 else list("aab")
    words = {}
    for _ in range(int(rng.integers(1, 8))):
        word = tuple(str(c) for c in rng.choice(alphabet, int(rng.integers(1, 7))))
        words[word] = words.get(word, 0) + int(rng.integers(1, 6))
    return words


class BPEMerge(Exercise):
    number, title = 4, "bpe_merge"
    hint = ("Count each pair of neighbouring symbols INSIDE each word, weighted by the word's count; take the "
            "most frequent pair (ties: the smallest pair, min over (-count, pair)); then rebuild every word "
            "from left to right, joining the two symbols wherever the pair occurs and jumping past both.")

    def cases(self, rng=None):
        cases = [
            Case("two words", ({("l", "o", "w"): 5, ("l", "o", "t"): 2},)),
            Case("word counts matter", ({("a", "b"): 1, ("c", "d"): 1, ("c", "d", "x"): 1, ("a", "b", "y"): 9},),
                 hint="A pair inside a word seen 9 times counts 9 times: weight each word's pairs by its count."),
            Case("no pairs across words", ({("x", "a"): 3, ("b", "y"): 3, ("a", "b"): 1, ("q", "r"): 2},),
                 hint="Pairs are counted inside each word only: the end of one word and the start of the next "
                      "are not neighbours."),
            Case("overlapping pair: 'aaa'", ({("a", "a", "a"): 4, ("b", "a"): 1},),
                 hint="In 'a a a' the pair (a, a) is counted twice, but merging goes left to right and a symbol "
                      "is used once: 'a a a' becomes 'aa a'."),
            Case("'aaaa' becomes two 'aa'", ({("a", "a", "a", "a"): 2, ("a", "b"): 3},)),
            Case("symbols already merged", ({("lo", "w"): 5, ("lo", "w", "er"): 2, ("n", "e", "w", "er"): 6,
                                             ("w", "i", "d", "er"): 3, ("new", "er"): 1},),
                 hint="Work with symbols (the tuple's items), not with the letters of a joined string: a pair is "
                      "two whole neighbouring symbols, so 'new' + 'er' holds no pair ('w', 'er') although the "
                      "letters 'newer' contain 'wer'."),
            Case("ties: the smallest pair wins", ({("b", "c"): 2, ("a", "z"): 2, ("c", "a"): 1},),
                 hint="Among pairs with the same count, return the smallest one in Python's ordering of tuples."),
            Case("ties: pairs compared symbol by symbol", ({("a", "z"): 2, ("ab", "c"): 2, ("a", "bd"): 2},),
                 hint="Compare tied pairs as tuples, as min over (-count, pair) does: the first symbols, then the "
                      "second ones (not the first symbols alone, nor the joined strings)."),
            Case("nothing left to merge", ({("the",): 4, ("a",): 2},),
                 hint="With no pair of neighbours anywhere, return (None, the same word counts)."),
            Case("words that become equal", ({("a", "b", "c"): 3, ("ab", "c"): 2, ("a", "b"): 1},),
                 hint="After merging, two words may become the same tuple: add their counts."),
            Case("one string, two splits", ({("lo", "w"): 5, ("l", "ow"): 1},),
                 hint="Compare symbols, not the strings they join into: ('l', 'ow') holds no pair ('lo', 'w') "
                      "although both read 'low'."),
        ]
        if rng is not None:
            for i in range(5):
                cases.append(Case(f"random words #{i}", (_random_words(rng),)))
        return cases

    def produce(self, fn, case):
        (word_counts,) = case.args
        given = dict(word_counts)
        got = fn(given)
        if given != word_counts:
            raise CheckFailed("the function changed the dict it was given: build a new dict of word counts and "
                              "leave the input as it was (later merges still need it).")
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise CheckFailed("expected two results, `return pair, new_word_counts`.")
        pair, words = got
        if pair is not None:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2 or not all(isinstance(s, str) for s in pair):
                raise CheckFailed(f"the pair should be a tuple of two strings, got {type(pair).__name__} {pair!r}.")
            pair = [str(s) for s in pair]
        if not isinstance(words, dict):
            raise CheckFailed(f"the new word counts should be a dict, got a {type(words).__name__}.")
        items = []
        for word, count in words.items():
            if not isinstance(word, tuple) or not all(isinstance(s, str) for s in word):
                raise CheckFailed(f"the keys of the word counts should be tuples of strings, got {word!r}.")
            items.append(["\u241f".join(word), int(count)])        # plain data: symbols joined by a separator
        return {"pair": pair, "words": sorted(items)}

    def reference(self, word_counts):
        """(most frequent pair, word counts with that pair merged everywhere, left to right)."""
        pairs = _pair_counts(word_counts)
        if not pairs:
            return None, dict(word_counts)
        best = min(pairs, key=lambda p: (-pairs[p], p))
        merged = Counter()
        for word, count in word_counts.items():
            merged[_merge(word, best)] += count
        return best, dict(merged)

    def judge(self, got, case):
        pair, words = self.reference(*case.args)
        counts = _pair_counts(case.args[0])
        if (got["pair"] is None) != (pair is None):
            return ("there are pairs of neighbouring symbols to merge, but no pair was returned." if pair
                    else "no word has two symbols, so there is no pair: return (None, the word counts).")
        if pair is not None and tuple(got["pair"]) != pair:
            mine = tuple(got["pair"])
            if mine not in counts:
                return (f"{mine} never occurs as two neighbouring symbols inside one word: count pairs inside "
                        "each word only.")
            if counts[mine] < counts[pair]:
                return (f"{mine} is not the most frequent pair: count every occurrence of a pair inside a word (a "
                        "pair repeated in a word counts each time), times the word's count.")
            return f"{mine} is as frequent as another pair; among ties, take the smallest pair."
        want = sorted(["\u241f".join(w), int(c)] for w, c in words.items())
        if got["words"] != want:
            if sum(c for _, c in got["words"]) != sum(c for _, c in want):
                return "the word counts do not add up to the same total: every word keeps its count."
            return ("the merged words are not right: join the two symbols wherever the pair occurs, left to right, "
                    "each symbol used at most once, and nowhere else.")
        return None


# ---- Exercise 3: a Transformer block ---------------------------------------------------------
def _block_layers(seed, d, heads, d_ff):
    """A MultiHeadAttention, a feed-forward Sequential and two LayerNormalizations, all built with
    seeded random weights (non-trivial layer-norm scales and biases included)."""
    import keras

    rng = np.random.default_rng(seed)
    attention = keras.layers.MultiHeadAttention(heads, d // heads)
    feed_forward = keras.Sequential([keras.layers.Dense(d_ff, activation="relu"), keras.layers.Dense(d)])
    norm1, norm2 = keras.layers.LayerNormalization(), keras.layers.LayerNormalization()
    x = np.zeros((1, 2, d), "float32")
    attention(x, x)
    feed_forward(x)
    norm1(x)
    norm2(x)
    for layer in (attention, feed_forward):
        layer.set_weights([rng.normal(0, 1 / np.sqrt(w.shape[0] if w.ndim > 1 else 4), w.shape).astype("float32")
                           for w in layer.get_weights()])
    for norm in (norm1, norm2):
        norm.set_weights([rng.uniform(0.5, 1.5, d).astype("float32"), rng.normal(0, 0.2, d).astype("float32")])
    return attention, feed_forward, norm1, norm2


# The correct blocks are kind "pre" and kind "post" with no change; each mistake the check names is a
# change to them, one entry of TransformerBlockExercise.MISTAKES.
def _block(x, layers, mask, kind="pre", change=None):
    """The output of a block: `kind` "pre" or "post", `change` (a dict) a mistake made in it:
    attention_residual / feed_forward_residual=False (no residual), residual_from_norm (pre-norm: the
    residual adds the normalized x), swap_norms (norm2 for the attention, norm1 for the feed-forward),
    feed_forward_kind ("pre"/"post": the other arrangement for the second sub-layer only),
    feed_forward_on_input (the feed-forward sees the block's input, not the attention's result; the
    residual kept),
    same_norm (norm1 for both sub-layers), causal (a causal mask besides the padding one),
    mask_axis ("keys", the right one; "queries"; "none")."""
    import keras

    change = change or {}
    attention, feed_forward, norm1, norm2 = layers
    if change.get("swap_norms"):
        norm1, norm2 = norm2, norm1
    if change.get("same_norm"):
        norm2 = norm1
    axis = change.get("mask_axis", "keys")
    padding = None
    if mask is not None and axis != "none":
        padding = np.asarray(mask, bool)[:, None, :] if axis == "keys" else np.asarray(mask, bool)[:, :, None]
    x = keras.ops.convert_to_tensor(np.asarray(x, "float32"))

    def sublayer(h, layer, norm, arrangement, residual):
        if arrangement == "pre":
            normed = norm(h)
            base = normed if change.get("residual_from_norm") else h
            return base + layer(normed) if residual else layer(normed)
        return norm(h + layer(h)) if residual else norm(layer(h))

    causal = bool(change.get("causal"))
    attend = lambda h: attention(h, h, attention_mask=padding, use_causal_mask=causal)        # noqa: E731
    first = sublayer(x, attend, norm1, kind, change.get("attention_residual", True))
    second_kind = change.get("feed_forward_kind", kind)
    if change.get("feed_forward_on_input"):
        y = feed_forward(norm2(x) if second_kind == "pre" else x)
        out = first + y if second_kind == "pre" else norm2(first + y)
    else:
        out = sublayer(first, feed_forward, norm2, second_kind, change.get("feed_forward_residual", True))
    return keras.ops.convert_to_numpy(out).astype("float64")


def _block_case(rng, n, t, d, heads, d_ff, masked):
    x = rng.normal(0, 1, (n, t, d)).astype("float32")
    mask = None
    if masked:
        lengths = rng.integers(1, t + 1, n)
        lengths[0] = max(1, t - 2)
        mask = np.arange(t)[None, :] < lengths[:, None]
    return Case("", (x, mask), {"seed": int(rng.integers(1 << 30)), "heads": heads, "d_ff": d_ff})


class TransformerBlockExercise(Exercise):
    number, title = 3, "transformer_block"
    hint = ("Two sub-layers, attention then feed-forward, each with its own layer norm (norm1, then norm2), and "
            "around each a residual: the sub-layer's input is added back to its output. Pre-norm normalizes "
            "what goes INTO a sub-layer; post-norm normalizes the sum that comes out. The padding mask goes to "
            "the attention as attention_mask, shaped (batch, 1, keys).")
    rtol, atol = 2e-4, 2e-4
    # (change, message): the mistakes the check names, each tried on the pre-norm and the post-norm block.
    # Outputs are compared at the real tokens only (the mask's True positions): what a block computes at
    # padding does not matter (a mask on the queries too changes it, and is right).
    MISTAKES = (
        ({"attention_residual": False}, "the input is not added back around the attention (missing residual)."),
        ({"feed_forward_residual": False}, "the input is not added back around the feed-forward network "
                                           "(missing residual)."),
        ({"residual_from_norm": True}, "the residual adds the normalized x; add the sub-layer's input itself "
                                       "(pre-norm) or normalize after adding (post-norm)."),
        ({"swap_norms": True}, "norm1 and norm2 are swapped: norm1 belongs to the attention sub-layer, norm2 to "
                               "the feed-forward sub-layer (each has its own learned scale and shift)."),
        ({"same_norm": True}, "norm1 serves both sub-layers: the feed-forward sub-layer has its own, norm2 "
                              "(another learned scale and shift)."),
        ({"causal": True}, "the attention is causal: in this block every token may attend to every real token, "
                           "also the later ones; only the padding mask hides keys."),
        ({"feed_forward_kind": "post"}, "the attention sub-layer is pre-norm but the feed-forward sub-layer is "
                                        "post-norm: use one arrangement for both."),
        ({"feed_forward_kind": "pre"}, "the attention sub-layer is post-norm but the feed-forward sub-layer is "
                                       "pre-norm: use one arrangement for both."),
        ({"feed_forward_on_input": True}, "the feed-forward network works on the block's input: it should work on "
                                          "the attention sub-layer's result (the sum after the residual)."),
        ({"mask_axis": "queries"}, "the padding mask is on the wrong axis: it hides padded QUERIES, while the "
                                   "keys (the last axis of the (batch, queries, keys) mask) must be hidden."),
        ({"mask_axis": "none"}, "padding positions are attended to: pass the mask to the attention."),
    )

    def cases(self, rng=None):
        r = np.random.default_rng(144)
        specs = [("one sentence of 3 tokens, 8 features, 2 heads", (1, 3, 8, 2, 16, False)),
                 ("a batch of 4, 6 tokens, 16 features, 4 heads", (4, 6, 16, 4, 32, False)),
                 ("padding mask", (3, 7, 8, 2, 16, True)),
                 ("one head, wide feed-forward, padding mask", (2, 5, 12, 1, 48, True))]
        cases = []
        for label, spec in specs:
            case = _block_case(r, *spec)
            case.label = label
            if spec[-1]:
                case.hint = ("Give the attention the padding mask as attention_mask, shaped (batch, 1, keys) so "
                             "that it broadcasts over the queries: every query may see the same real keys.")
            cases.append(case)
        if rng is not None:
            for i in range(3):
                heads = int(rng.choice([1, 2, 4]))
                case = _block_case(rng, int(rng.integers(1, 5)), int(rng.integers(2, 8)), 4 * heads, heads,
                                   int(rng.choice([8, 16, 32])), bool(rng.random() < 0.5))
                case.label = f"random block #{i}"
                cases.append(case)
        return cases

    def produce(self, fn, case):
        x, mask = case.args
        d = x.shape[-1]
        attention, feed_forward, norm1, norm2 = _block_layers(case.kwargs["seed"], d, case.kwargs["heads"],
                                                              case.kwargs["d_ff"])
        got = fn(x, attention, feed_forward, norm1, norm2, mask)   # the case's own arrays: `run` sees edits
        if got is None:
            raise CheckFailed("your function returned None. Did you forget `return`?")
        try:
            import keras

            got = keras.ops.convert_to_numpy(got)
        except Exception:
            pass
        return as_array(got, "your function")

    def reference(self, x, mask=None, *, seed, heads, d_ff, kind="pre", change=None):
        """The block's output (pre-norm by default; kind="post" for post-norm; `change`: a mistake, see _block)."""
        layers = _block_layers(seed, x.shape[-1], heads, d_ff)
        return _block(x, layers, mask, kind, change)

    def judge(self, got, case):
        x, mask = case.args
        layers = _block_layers(case.kwargs["seed"], x.shape[-1], case.kwargs["heads"], case.kwargs["d_ff"])
        pre = _block(x, layers, mask, "pre")
        if got.shape != pre.shape:
            return f"the output has shape {got.shape}; a block keeps the shape of its input, {pre.shape}."
        real = slice(None) if mask is None else np.asarray(mask, bool)       # (batch, T): the tokens that count

        def same(want, where=real):
            return np.allclose(got[where], want[where], rtol=self.rtol, atol=self.atol)

        if same(pre) or same(_block(x, layers, mask, "post")):
            return None
        for change, message in self.MISTAKES:
            if "mask_axis" in change and mask is None:
                continue
            for kind in ("pre", "post"):
                if (kind == "post" and "residual_from_norm" in change) or change.get("feed_forward_kind") == kind:
                    continue                              # no such mistake there (or the correct block itself)
                want = _block(x, layers, mask, kind, change)
                # A mask on the queries leaves the real tokens as if unmasked: it shows at the padded ones.
                if same(want, slice(None) if change.get("mask_axis") == "queries" else real):
                    return message
        return ("the output is neither the pre-norm block nor the post-norm block (the order of the layers, the "
                "residual connections or the mask differ).")


EXERCISES = [ScaledDotProductAttention(), CausalMask(), TransformerBlockExercise(), BPEMerge()]
globals().update(exercises(*EXERCISES))
