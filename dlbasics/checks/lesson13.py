"""Checks for lesson 13, natural language processing."""
import string
from collections import Counter

import numpy as np

from .core import Case, CheckFailed, Exercise, as_array, as_whole_number, compare_arrays, exercises


def _tokens(text):
    """TextVectorization's default standardization and split, for ASCII text."""
    return text.lower().translate(str.maketrans("", "", string.punctuation)).split()


_WORDS = ["film", "movie", "plot", "good", "bad", "great", "dull", "the", "a", "and", "it's",
          "actors", "story", "funny", "boring", "well-made", "fun", "not", "very", "script"]


def _random_texts(rng):
    texts = []
    for _ in range(int(rng.integers(1, 12))):
        words = list(rng.choice(_WORDS, int(rng.integers(0, 12))))
        words = [w.upper() if rng.random() < 0.1 else w.capitalize() if rng.random() < 0.2 else w for w in words]
        words = [w + str(rng.choice(list(",.!?;:"))) if rng.random() < 0.2 else w for w in words]
        if words and rng.random() < 0.3:                        # a free-standing dash or ellipsis
            words.insert(int(rng.integers(len(words) + 1)), str(rng.choice(["--", "-", "...", "!"])))
        texts.append(" ".join(words))
    return texts


class BuildVocabulary(Exercise):
    number, title = 1, "build_vocabulary"
    hint = ("Lowercase each text, delete the characters in string.punctuation, split on whitespace "
            "(str.split()), count with collections.Counter, and return ['', '[UNK]'] followed by the "
            "tokens from most to least frequent, at most max_tokens entries in all.")

    def cases(self, rng=None):
        cases = [
            Case("three short texts", (["the cat sat", "the dog sat", "the end"], None)),
            Case("capitals and punctuation", (["Great film!", "great, GREAT acting.", "A film? Yes: a film."], None),
                 hint="'Great', 'great,' and 'GREAT' are one token: lowercase, and remove punctuation before splitting."),
            Case("apostrophes and hyphens", (["It's a must-see.", "it's not a must", "see it"], None),
                 hint="TextVectorization deletes punctuation (\"it's\" becomes 'its'); it does not replace it by a space."),
            Case("punctuation standing alone between spaces", (["a film -- and more", "a film ... a plot !", "and - more"], None),
                 hint="A token made only of punctuation, like '--', becomes empty once the punctuation is "
                      "deleted; str.split() on the whole standardized text never produces empty tokens."),
            Case("digits, underscores and a curly apostrophe", (["Top 10 films of 2004", "my_top 10 list, the year’s best",
                                                                  "the 3rd_act of 10"], None),
                 hint="Delete exactly the characters of string.punctuation: digits are not in it ('10' stays a "
                      "token), '_' is (\"my_top\" becomes 'mytop'), and the curly apostrophe ’ is not "
                      "(\"year’s\" stays as it is). A regex such as [^\\w\\s] or [^a-z\\s] deletes a different set."),
            Case("tabs, newlines and extra spaces", (["  so   much\tspace\n", "space so", ""], None),
                 hint="str.split() with no argument splits on any run of whitespace and drops empty strings."),
            Case("max_tokens keeps the most frequent", (["a a a a b b b c c d", "a b c e", "b"], 5),
                 hint="max_tokens counts every entry, the two reserved ones included."),
            Case("max_tokens larger than the vocabulary", (["one two two", "three"], 50)),
        ]
        if rng is not None:
            for i in range(5):
                texts = _random_texts(rng)
                max_tokens = None if rng.random() < 0.4 else int(rng.integers(3, 15))
                cases.append(Case(f"random texts #{i}" + (f", max_tokens={max_tokens}" if max_tokens else ""),
                                  (texts, max_tokens)))
        return cases

    def produce(self, fn, case):
        texts, max_tokens = case.args
        got = fn(list(texts), max_tokens)
        if got is None:
            raise CheckFailed("your function returned None. Did you forget `return`?")
        if isinstance(got, str) or not hasattr(got, "__iter__"):
            raise CheckFailed(f"expected a list of strings (the vocabulary), got a {type(got).__name__}.")
        got = list(got)
        if not all(isinstance(t, str) for t in got):
            kinds = sorted({type(t).__name__ for t in got if not isinstance(t, str)})
            raise CheckFailed(f"expected a list of strings, but it holds {', '.join(kinds)}.")
        return [str(t) for t in got]

    def reference(self, texts, max_tokens=None):
        """The vocabulary Keras's TextVectorization learns from `texts`."""
        import keras

        layer = keras.layers.TextVectorization(max_tokens=max_tokens)
        layer.adapt(list(texts))
        return [str(t) for t in layer.get_vocabulary()]

    def judge(self, got, case):
        texts, max_tokens = case.args
        want = self.reference(*case.args)
        counts = Counter(t for text in texts for t in _tokens(text))
        if got[:2] != ["", "[UNK]"]:
            return ("the vocabulary should start with the padding token '' (index 0) and the "
                    "out-of-vocabulary token '[UNK]' (index 1), as TextVectorization's does.")
        if len(set(got)) != len(got):
            repeated = next(t for t, n in Counter(got).items() if n > 1)
            if repeated == "":
                return ("the empty string '' appears twice: a token made only of punctuation (like '--') "
                        "became '' after the punctuation was deleted. Drop empty tokens: '' is the padding entry.")
            return f"the token {repeated!r} appears more than once."
        strange = [t for t in got[2:] if t not in counts]
        if strange:
            return (f"{strange[0]!r} is not one of the tokens: tokens are lowercase, with punctuation "
                    "deleted, split on whitespace.")
        if len(got) != len(want):
            return (f"the vocabulary has {len(got)} entries, {'too many' if len(got) > len(want) else 'too few'} "
                    f"for max_tokens={max_tokens}.")
        order = [counts[t] for t in got[2:]]
        for i in range(1, len(order)):
            if order[i] > order[i - 1]:
                return (f"{got[i + 2]!r} comes after {got[i + 1]!r} but occurs more often: sort the tokens "
                        "from most to least frequent.")
        left_out = [counts[t] for t in counts if t not in got]
        if left_out and order and max(left_out) > order[-1]:
            return "a rarer token is kept while a more frequent one is left out."
        return None


def _cosine_case(rng, n, m, d, zero_rows=False):
    a, b = rng.normal(size=(n, d)), rng.normal(size=(m, d))
    if zero_rows:
        a[rng.integers(n)] = 0
        b[rng.integers(m)] = 0
    return a, b


class CosineSimilarity(Exercise):
    number, title = 2, "cosine_similarity"
    hint = ("Divide every row of a and of b by its own length (np.linalg.norm(..., axis=1, keepdims=True)), "
            "then take a_unit @ b_unit.T; where a length is 0, divide by 1 instead (np.maximum(norm, 1e-12)).")
    rtol, atol = 1e-5, 1e-6

    def cases(self, rng=None):
        r = np.random.default_rng(12)
        cases = [
            Case("a vector with itself", (np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, 2.0, 3.0]]))),
            Case("longer and opposite vectors", (np.array([[1.0, 2.0, 3.0]]), np.array([[2.0, 4.0, 6.0], [-1.0, -2.0, -3.0]])),
                 hint="Cosine similarity ignores length: normalize before the dot product."),
            Case("orthogonal vectors", (np.eye(3), np.eye(3)[::-1].copy())),
            Case("3 rows against 4 rows, 5 dimensions", _cosine_case(r, 3, 4, 5),
                 hint="Normalize each row (axis=1): one vector per row."),
            Case("2 rows against 6 rows, 2 dimensions", _cosine_case(r, 2, 6, 2),
                 hint="Normalize each row (axis=1), in a and in b."),
            Case("a zero vector", (np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[3.0, 0.0], [0.0, 0.0]])),
                 hint="A zero vector has no direction; its similarity with anything is 0, not nan."),
            Case("whole numbers", (np.array([[1, 0, 2]]), np.array([[2, 1, 0], [0, 3, 1]]))),
        ]
        if rng is not None:
            for i in range(5):
                n, m, d = (int(v) for v in rng.integers(1, 9, size=3))
                cases.append(Case(f"random vectors #{i} ({n} against {m}, {d} dimensions)",
                                  _cosine_case(rng, n, m, d, zero_rows=bool(rng.random() < 0.3))))
        return cases

    def produce(self, fn, case):
        a, b = case.args
        return np.asarray(fn(a.copy(), b.copy()), dtype="float64")

    def reference(self, a, b):
        """TensorFlow's l2_normalize on every row (zero rows stay zero), then all dot products."""
        import tensorflow as tf

        a = tf.math.l2_normalize(tf.constant(a, tf.float64), axis=1)
        b = tf.math.l2_normalize(tf.constant(b, tf.float64), axis=1)
        return tf.matmul(a, b, transpose_b=True).numpy()

    def judge(self, got, case):
        return compare_arrays(got, self.reference(*case.args), self.rtol, self.atol, what="the similarity matrix")


def _probabilities(logits, temperature):
    z = np.asarray(logits, dtype="float64") / temperature
    e = np.exp(z - z.max())
    return e / e.sum()


class SampleWithTemperature(Exercise):
    number, title = 3, "sample_with_temperature"
    hint = ("Divide the logits by the temperature, turn them into probabilities with a softmax "
            "(subtract the largest value before np.exp), then draw one index with "
            "rng.choice(len(p), p=p).")
    draws = 2000

    def cases(self, rng=None):
        logits = np.array([2.0, 1.0, 0.5, -1.0])
        cases = [
            Case("4 logits, temperature 1", (logits, 1.0),
                 hint="Sample from the probabilities; do not always take the most likely index."),
            Case("temperature 0.5 sharpens", (logits, 0.5),
                 hint="A temperature below 1 must make the likely tokens more likely: divide the logits by it."),
            Case("temperature 2 flattens", (logits, 2.0),
                 hint="A temperature above 1 must flatten the distribution: divide the logits by it."),
            Case("large logits", (np.array([1000.0, 998.0, 990.0]), 0.7),
                 hint="np.exp(1000) overflows: subtract the largest logit first (it does not change the softmax)."),
            Case("a single token", (np.array([3.0]), 1.5)),
            Case("30 logits, temperature 0.8", (np.random.default_rng(13).normal(0, 2, 30), 0.8)),
        ]
        if rng is not None:
            for i in range(4):
                k = int(rng.integers(2, 20))
                temperature = float(np.exp(rng.uniform(np.log(0.3), np.log(3.0))))
                cases.append(Case(f"random logits #{i} ({k} tokens, temperature {temperature:.2f})",
                                  (rng.normal(0, 2, k), temperature)))
        return cases

    def produce(self, fn, case):
        logits, temperature = case.args
        k = len(logits)

        def draw(rng):
            index = as_whole_number(fn(logits.copy(), temperature, rng), "one index (an int)")
            if not 0 <= index < k:
                raise CheckFailed(f"index {index} is outside 0..{k - 1} for {k} logits.")
            return index

        rng = np.random.default_rng(2024)
        counts = np.zeros(k, dtype="int64")
        for _ in range(self.draws):
            counts[draw(rng)] += 1
        again = []
        for _ in range(2):                      # the same seed twice: the same draws?
            r = np.random.default_rng(7)
            again.append([draw(r) for _ in range(20)])
        return {"counts": counts, "repeatable": again[0] == again[1]}

    def reference(self, logits, temperature, rng):
        """One index drawn from softmax(logits / temperature) with the NumPy generator `rng`."""
        p = _probabilities(logits, temperature)
        return int(rng.choice(len(p), p=p))

    def judge(self, got, case):
        from scipy.stats import binomtest

        counts = np.asarray(got["counts"], dtype="int64")
        p = _probabilities(*case.args)
        if counts.shape != p.shape:
            return "the counts of drawn indices do not match the number of logits."
        if not got["repeatable"]:
            return ("two runs with generators made from the same seed drew different indices: draw with the "
                    "`rng` you are given (rng.choice, rng.random), not np.random or random.")
        n = int(counts.sum())
        # Exact two-sided binomial test per index; a correct sampler fails with probability < 1e-6.
        pvalues = [binomtest(int(c), n, min(max(float(q), 0.0), 1.0)).pvalue for c, q in zip(counts, p)]
        worst = int(np.argmin(pvalues))
        if pvalues[worst] < 1e-6 / len(p):
            share = counts[worst] / n
            direction = "more" if share > p[worst] else "less"
            return (f"index {worst} was drawn in {share:.1%} of {n} draws, far {direction} often than "
                    f"softmax(logits / temperature) gives it.")
        return None


# ---- Exercise 4: the attention step --------------------------------------------------------
def _attention_case(rng, n, tq, tv, d, masked=True):
    query, keys = rng.normal(0, 1, (n, tq, d)), rng.normal(0, 1, (n, tv, d))
    v = rng.normal(0, 1, d)
    if not masked:
        return query, keys, v, None
    lengths = rng.integers(1, tv + 1, n)
    lengths[0] = max(1, tv - 2)                  # at least one row with padding
    mask = np.arange(tv)[None, :] < lengths[:, None]
    return query, keys, v, mask


class AdditiveAttention(Exercise):
    number, title = 4, "additive_attention"
    shortcuts = ("keras.layers.Attention.call",)     # Keras's layer (AdditiveAttention inherits `call`)
    hint = ("Give every (query step t, key j) pair the score v . tanh(query_t + key_j) (broadcast the "
            "queries to (n, Tq, 1, d) and the keys to (n, 1, Tv, d)); turn each query step's row of scores "
            "into weights with a softmax over the keys, after pushing the scores of masked keys to a very "
            "negative number; the context is the weighted sum of the keys.")
    rtol, atol = 1e-4, 1e-5       # float32 implementations (TensorFlow, keras.ops) pass too

    def cases(self, rng=None):
        r = np.random.default_rng(124)
        one_q = np.array([[[1.0, 0.0]]])
        two_k = np.array([[[1.0, 0.0], [0.0, 1.0]]])
        cases = [
            Case("one query, two keys, no mask", (one_q, two_k, np.array([1.0, -1.0]), None),
                 hint="The score is v . tanh(query + key): add query and key, then tanh, then the dot product with v."),
            Case("scale vector v matters", (one_q, two_k, np.array([3.0, 0.5]), None),
                 hint="Multiply tanh(query + key) by the learned vector v before summing over the features."),
            Case("batch of 2, 3 query steps, 5 keys, no mask", _attention_case(r, 2, 3, 5, 4, masked=False),
                 hint="The softmax runs over the keys (the last axis of the (n, Tq, Tv) scores): each query "
                      "step's weights sum to 1."),
            Case("padding masked out", _attention_case(r, 3, 4, 6, 3),
                 hint="A masked key must get weight exactly 0, and the other weights must still sum to 1: "
                      "mask the scores before the softmax (or renormalize after zeroing)."),
            Case("one query step, keys of different lengths", _attention_case(r, 4, 1, 7, 5)),
            Case("the translator's sizes: 10 steps, 12 words, 128 features", _attention_case(r, 2, 10, 12, 128)),
        ]
        if rng is not None:
            for i in range(4):
                n, tq, tv, d = (int(v) for v in rng.integers(1, 9, size=4))
                tv = max(tv, 2)
                cases.append(Case(f"random attention #{i} (batch {n}, {tq} queries, {tv} keys, {d} features)",
                                  _attention_case(rng, n, tq, tv, d, masked=bool(rng.random() < 0.7))))
        return cases

    def produce(self, fn, case):
        query, keys, v, mask = case.args
        got = fn(query.copy(), keys.copy(), v.copy(), None if mask is None else mask.copy())
        if got is None:
            raise CheckFailed("your function returned None. Did you forget `return context, weights`?")
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise CheckFailed("expected two results, `return context, weights`.")
        context, weights = (as_array(g, "your function") for g in got)
        return {"context": context, "weights": weights}

    def reference(self, query, keys, v, mask=None):
        """Keras's AdditiveAttention layer (keys = values) with its scale vector set to v."""
        import warnings

        import keras

        layer = keras.layers.AdditiveAttention(dtype="float64")
        layer.build([query.shape, keys.shape])
        layer.set_weights([np.asarray(v, "float64")])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # Keras warns about a softmax over a single key
            context, weights = layer([query, keys], mask=[None, mask], return_attention_scores=True)
        return keras.ops.convert_to_numpy(context), keras.ops.convert_to_numpy(weights)

    def judge(self, got, case):
        query, keys, v, mask = case.args
        context, weights = self.reference(*case.args)
        w = got["weights"]
        if w.shape != weights.shape:
            return (f"the weights have shape {w.shape}, but for this input they should have shape {weights.shape} "
                    "(batch, query steps, keys).")
        if not np.all(np.isfinite(w)):
            return "the weights contain nan or inf."
        if not np.allclose(w.sum(axis=-1), 1, atol=1e-6):
            if np.allclose(w.sum(axis=-2), 1, atol=1e-6) and w.shape[-2] > 1:
                return "the weights sum to 1 over the query steps: the softmax must run over the keys (the last axis)."
            return "for each query step, the weights over the keys should sum to 1."
        if mask is not None and np.abs(w[~np.broadcast_to(mask[:, None, :], w.shape)]).max(initial=0) > 1e-9:
            return "masked (padding) keys get weight: their weight must be exactly 0."
        problem = compare_arrays(w, weights, self.rtol, self.atol, what="the weights")
        if problem:
            return problem
        return compare_arrays(got["context"], context, self.rtol, self.atol, what="the context")


EXERCISES = [BuildVocabulary(), CosineSimilarity(), SampleWithTemperature(), AdditiveAttention()]
globals().update(exercises(*EXERCISES))
