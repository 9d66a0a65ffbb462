"""Checks for lesson 15, unsupervised learning (autoencoders, k-means, deep embedded clustering).

The definitions are those of the DEC paper: Xie, Girshick & Farhadi (2016), "Unsupervised deep
embedding for clustering analysis", ICML: equations (1) soft assignment, (3) target distribution,
and its unsupervised clustering accuracy (best one-to-one mapping of clusters to classes).
"""
import numpy as np

from .core import Case, CheckFailed, Exercise, as_array, compare_arrays, exercises


def _as_number(got, what):
    if got is None:
        raise CheckFailed("your function returned None. Did you forget `return`?")
    try:
        value = np.asarray(got, dtype="float64")
    except Exception:
        raise CheckFailed(f"expected {what} (a number), got a {type(got).__name__}.") from None
    if value.size != 1:
        raise CheckFailed(f"expected {what}, one number, got an array of shape {value.shape}.")
    return float(value.reshape(()))


# ---- Exercise 1: clustering accuracy -------------------------------------------------------
def _noisy_clustering(rng, n, classes, clusters, noise):
    """Labels in 0..classes-1 and a clustering that mostly follows them under a hidden relabelling."""
    y = rng.integers(0, classes, n)
    relabel = rng.permutation(max(classes, clusters))[:classes] % clusters
    pred = relabel[y]
    flip = rng.random(n) < noise
    pred[flip] = rng.integers(0, clusters, int(flip.sum()))
    return y, pred


class ClusterAccuracy(Exercise):
    number, title = 1, "cluster_accuracy"
    hint = ("Count how many points of each cluster fall in each class (a clusters x classes table), "
            "find the best one-to-one matching of clusters to classes with "
            "linear_sum_assignment(table, maximize=True), and divide the matched count by the number "
            "of points. Work with np.unique(..., return_inverse=True) so any label values work.")
    rtol, atol = 0.0, 1e-9

    def cases(self, rng=None):
        r = np.random.default_rng(13)
        y = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 2])
        cases = [
            Case("perfect clustering, clusters numbered differently", (y, np.array([2, 2, 2, 0, 0, 0, 1, 1, 1, 1])),
                 hint="Cluster numbers are arbitrary names: cluster 2 may well be class 0. Match them first."),
            Case("the labels themselves as clusters", (y, y.copy())),
            Case("two clusters share a majority class", (np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 2]),
                                                         np.array([0, 0, 0, 1, 1, 1, 1, 2, 2, 2])),
                 hint="Each class may be matched to one cluster only: when two clusters have the same "
                      "majority class, only one of them can be given it."),
            Case("the biggest overlap is not in the best matching", (np.array([0] * 9 + [1] * 4),
                                                                     np.array([0] * 5 + [1] * 4 + [0] * 4)),
                 hint="Matching greedily, biggest overlap first, is not optimal: the Hungarian algorithm "
                      "(scipy's linear_sum_assignment) finds the best matching overall."),
            Case("more clusters than classes", (np.array([0, 0, 0, 0, 1, 1, 1, 1]), np.array([0, 0, 1, 1, 2, 2, 3, 3])),
                 hint="With more clusters than classes, the extra clusters match no class; their points count "
                      "as wrong. Divide by the number of points, not by the number of clusters or classes."),
            Case("fewer clusters than classes", (np.array([0, 0, 1, 1, 2, 2, 3, 3]), np.array([5, 5, 5, 5, 7, 7, 7, 7]))),
            Case("cluster ids far from the class ids", (np.array([0, 0, 0, 1, 1, 2]), np.array([40, 40, 10, 10, 10, 12]))),
            Case("labels that are not 0..k-1", (np.array([3, 3, 7, 7, 7, 9, 9, -1, -1, -1]), np.array([4, 4, 1, 1, 2, 0, 0, 8, 8, 8])),
                 hint="Labels can be any integers (negative, with gaps): map them to 0..k-1 first, e.g. "
                      "with np.unique(labels, return_inverse=True)."),
            Case("1,000 points, 10 classes, 10% noise", _noisy_clustering(r, 1000, 10, 10, 0.1)),
            Case("Python lists", ([1, 1, 2, 2, 2], [0, 0, 0, 1, 1])),
        ]
        if rng is not None:
            for i in range(5):
                classes, clusters = int(rng.integers(2, 12)), int(rng.integers(2, 15))
                y, pred = _noisy_clustering(rng, int(rng.integers(20, 800)), classes, clusters, float(rng.uniform(0, 0.6)))
                if i % 2:                                   # arbitrary label values: negative, with gaps
                    y, pred = y * int(rng.integers(1, 5)) - int(rng.integers(0, 5)), pred * 7 + int(rng.integers(-3, 50))
                cases.append(Case(f"random clustering #{i} ({classes} classes, {clusters} clusters)", (y, pred)))
        return cases

    def produce(self, fn, case):
        return _as_number(fn(*case.args), "the accuracy")

    def reference(self, y_true, y_pred):
        """Accuracy under the best one-to-one mapping of clusters to classes (Hungarian algorithm)."""
        from scipy.optimize import linear_sum_assignment

        classes, true_idx = np.unique(np.asarray(y_true), return_inverse=True)
        clusters, pred_idx = np.unique(np.asarray(y_pred), return_inverse=True)
        table = np.zeros((len(clusters), len(classes)))
        np.add.at(table, (pred_idx, true_idx), 1)
        rows, cols = linear_sum_assignment(table, maximize=True)
        return float(table[rows, cols].sum() / len(true_idx))

    def judge(self, got, case):
        want = self.reference(*case.args)
        if not np.isfinite(got):
            return "the accuracy is nan or inf."
        if not 0 <= got <= 1:
            return "an accuracy must lie between 0 and 1."
        if abs(got - want) > self.atol:
            return f"your accuracy is too {'high' if got > want else 'low'} for this clustering."
        return None


# ---- Exercise 2: soft assignment ---------------------------------------------------------
def _points_and_centers(rng, n, k, d, spread=1.0):
    centers = rng.normal(0, 3, (k, d))
    z = centers[rng.integers(0, k, n)] + rng.normal(0, spread, (n, d))
    return z, centers


class SoftAssignment(Exercise):
    number, title = 2, "soft_assignment"
    hint = ("For every point i and center j: q_ij = (1 + |z_i - mu_j|^2 / alpha) ** (-(alpha + 1) / 2), "
            "with the SQUARED Euclidean distance; then divide each row by its sum, so that every "
            "point's probabilities over the clusters add up to 1.")
    rtol, atol = 1e-5, 1e-7       # float32 implementations (TensorFlow, keras.ops) pass too

    def cases(self, rng=None):
        r = np.random.default_rng(21)
        cases = [
            Case("one point halfway between two centers", (np.array([[1.0, 0.0]]), np.array([[0.0, 0.0], [2.0, 0.0]]), 1.0)),
            Case("6 points, 3 centers in 2-D, alpha = 1", (*_points_and_centers(r, 6, 3, 2), 1.0),
                 hint="Each row (one point) sums to 1 over the clusters; the columns need not."),
            Case("alpha = 2", (*_points_and_centers(r, 8, 4, 3), 2.0),
                 hint="The exponent is -(alpha + 1) / 2: for alpha = 1 it is -1, for other alphas it is not."),
            Case("alpha = 0.5, points far from the centers", (*_points_and_centers(r, 5, 3, 2, spread=4.0), 0.5)),
            Case("a point exactly on a center", (np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]), np.array([[0.0, 0.0, 0.0], [3.0, 0.0, 0.0]]), 1.0),
                 hint="Use the squared distance |z - mu|^2 = sum((z - mu)**2), not its square root."),
            Case("100 points, 10 centers in 10-D (DEC's sizes)", (*_points_and_centers(r, 100, 10, 10), 1.0)),
            Case("more centers than points", (*_points_and_centers(r, 3, 7, 2), 1.0)),
        ]
        if rng is not None:
            for i in range(5):
                n, k, d = int(rng.integers(1, 60)), int(rng.integers(1, 12)), int(rng.integers(1, 12))
                alpha = float(rng.choice([1.0, float(rng.uniform(0.3, 5))]))
                cases.append(Case(f"random points #{i} (alpha {alpha:.2f})",
                                  (*_points_and_centers(rng, n, k, d, float(rng.uniform(0.3, 3))), alpha)))
        return cases

    def produce(self, fn, case):
        z, centers, alpha = case.args
        got = fn(z.copy(), centers.copy(), alpha)
        if got is None:
            raise CheckFailed("your function returned None. Did you forget `return`?")
        return np.asarray(got, dtype="float64")

    def reference(self, z, centers, alpha=1.0):
        """Student's t kernel = the t-distribution's density with alpha degrees of freedom at the
        distance (its constant cancels when each row is normalized)."""
        from scipy.spatial.distance import cdist
        from scipy.stats import t

        kernel = t.pdf(cdist(np.asarray(z, "float64"), np.asarray(centers, "float64")), df=alpha)
        return kernel / kernel.sum(axis=1, keepdims=True)

    def judge(self, got, case):
        want = self.reference(*case.args)
        if got.shape == want.shape and np.all(np.isfinite(got)):
            rows = got.sum(axis=1)
            if not np.allclose(rows, 1, atol=1e-6):
                return "the rows do not sum to 1: every point's probabilities over the clusters must add up to 1."
        return compare_arrays(got, want, self.rtol, self.atol, what="q")


# ---- Exercise 3: target distribution -----------------------------------------------------
def _soft_q(rng, n, k, skew):
    """A plausible soft assignment: rows sum to 1, some clusters much bigger than others."""
    logits = rng.normal(0, 1.5, (n, k)) + skew * np.linspace(0, 1, k)
    q = np.exp(logits)
    return q / q.sum(axis=1, keepdims=True)


class TargetDistribution(Exercise):
    number, title = 3, "target_distribution"
    hint = ("p_ij = (q_ij**2 / f_j) / sum over j' of (q_ij'**2 / f_j'), where f_j = sum over the points i "
            "of q_ij (the soft size of cluster j, a column sum). Square, divide by the column sums, then "
            "normalize every row to sum to 1.")
    rtol, atol = 1e-5, 1e-7       # float32 implementations (TensorFlow, keras.ops) pass too

    def cases(self, rng=None):
        r = np.random.default_rng(31)
        confident = _soft_q(r, 20, 5, 0.0) ** 4
        cases = [
            Case("a uniform q stays uniform", (np.full((4, 3), 1 / 3),)),
            Case("3 points, 2 clusters of different sizes", (np.array([[0.9, 0.1], [0.8, 0.2], [0.4, 0.6]]),),
                 hint="Divide by f_j, the column sum of q: it keeps big clusters from swallowing the small ones."),
            Case("50 points, 4 clusters, one much bigger", (_soft_q(r, 50, 4, 3.0),),
                 hint="Every row of p must sum to 1 (a distribution over clusters for each point)."),
            Case("one point", (np.array([[0.2, 0.3, 0.5]]),)),
            Case("a nearly confident q", (confident / confident.sum(axis=1, keepdims=True),)),
            Case("1,000 points, 10 clusters (DEC's sizes)", (_soft_q(r, 1000, 10, 1.0),)),
        ]
        if rng is not None:
            for i in range(5):
                cases.append(Case(f"random q #{i}", (_soft_q(rng, int(rng.integers(1, 300)), int(rng.integers(2, 12)),
                                                              float(rng.uniform(0, 4))),)))
        return cases

    def produce(self, fn, case):
        got = fn(case.args[0].copy())
        if got is None:
            raise CheckFailed("your function returned None. Did you forget `return`?")
        return np.asarray(got, dtype="float64")

    def reference(self, q):
        q = np.asarray(q, dtype="float64")
        weight = q ** 2 / q.sum(axis=0)
        return weight / weight.sum(axis=1, keepdims=True)

    def judge(self, got, case):
        want = self.reference(*case.args)
        if got.shape == want.shape and np.all(np.isfinite(got)):
            if not np.allclose(got.sum(axis=1), 1, atol=1e-6):
                return "the rows of p do not sum to 1: normalize each point's row over the clusters."
        return compare_arrays(got, want, self.rtol, self.atol, what="p")


# ---- Exercise 4: one round of DEC --------------------------------------------------------
def _target(q):
    weight = q ** 2 / q.sum(axis=0)
    return weight / weight.sum(axis=1, keepdims=True)


def _kl(p, q):
    """Mean over the points of KL(p_i || q_i), as Keras's KLDivergence loss averages it."""
    p, q = np.clip(p, 1e-12, 1), np.clip(q, 1e-12, 1)
    return float(np.mean(np.sum(p * np.log(p / q), axis=1)))


def _tiny_dec(seed, n, d, k, code=3, lr=0.2):
    """A small DEC model on Gaussian blobs: a linear encoder (d -> code), a soft-assignment layer
    with k centers started at k of the codes, compiled with SGD and the KL divergence."""
    import keras

    r = np.random.default_rng(seed)
    blob_centers = r.normal(0, 2.0, (k, d))
    x = (blob_centers[r.integers(0, k, n)] + r.normal(0, 1.0, (n, d))).astype("float32")

    class SoftAssignment(keras.layers.Layer):
        def build(self, input_shape):
            self.centers = self.add_weight(shape=(k, input_shape[-1]), initializer="zeros", name="centers")

        def call(self, z):
            squared = keras.ops.sum((keras.ops.expand_dims(z, 1) - self.centers) ** 2, axis=-1)
            kernel = 1.0 / (1.0 + squared)
            return kernel / keras.ops.sum(kernel, axis=1, keepdims=True)

    # What the training steps were given as targets, summed in an order-free way: sum over the rows
    # trained on of y_i . (x_i @ probe). One pass of fit(x, p) gives sum_i p_i . (x_i @ probe), whatever
    # the shuffling; a target recomputed per batch, hard labels or misaligned rows give another number.
    probe = np.random.default_rng([seed, 1]).normal(0, 1, (d, k)).astype("float32")   # own stream: the cases stay as they were
    seen = keras.Variable(np.zeros((), "float32"), trainable=False, name="targets_seen")

    class RecordingDEC(keras.Sequential):
        def train_step(self, data):
            xb, yb, _ = keras.utils.unpack_x_y_sample_weight(data)
            seen.assign_add(keras.ops.sum(keras.ops.cast(yb, "float32") * keras.ops.matmul(keras.ops.cast(xb, "float32"), probe)))
            return super().train_step(data)

    encoder = keras.layers.Dense(code, name="encoder")
    model = RecordingDEC([keras.Input((d,)), encoder, SoftAssignment(name="clusters")], name="tiny_dec")
    w = r.normal(0, 0.5, (d, code)).astype("float32")
    encoder.set_weights([w, np.zeros(code, "float32")])
    model.get_layer("clusters").set_weights([(x @ w)[r.choice(n, k, replace=False)]])
    model.compile(keras.optimizers.SGD(lr, momentum=0.9), keras.losses.KLDivergence())
    return model, x, seen, x @ probe


class DecRound(Exercise):
    number, title = 4, "dec_round"
    hint = ("In this order: q = the model's output for all of x; p = the target distribution of q (exercise "
            "3's formula), computed once; model.fit(x, p, batch_size=256, epochs=1, verbose=0) with p held "
            "fixed; then the new q from the model, and the share of points whose argmax cluster differs "
            "from `labels`. Return (p, new_q, changed).")
    batch_size = 256

    def cases(self, rng=None):
        cases = [
            Case("1,024 points in 6-D, 3 clusters", (0, 1024, 6, 3)),
            Case("600 points in 8-D, 4 clusters", (2, 600, 8, 4)),
        ]
        if rng is not None:
            seed = int(rng.integers(3, 10_000))
            cases.append(Case(f"random blobs #{seed}", (seed, int(rng.integers(800, 1100)), int(rng.integers(4, 9)),
                                                       int(rng.integers(2, 5)))))
        return cases

    def produce(self, fn, case):
        import logging

        tf_logger = logging.getLogger("tensorflow")
        level = tf_logger.level
        tf_logger.setLevel(logging.ERROR)       # each case is a new model: no notes about retracing
        try:
            return self._produce(fn, case)
        finally:
            tf_logger.setLevel(level)

    def _produce(self, fn, case):
        import keras

        model, x, seen, x_probe = _tiny_dec(*case.args)
        q_before = keras.ops.convert_to_numpy(model(x)).astype("float64")
        labels = q_before.argmax(axis=1)
        weights_before = [w.copy() for w in model.get_weights()]
        got = fn(model, x.copy(), labels.copy())
        if got is None:
            raise CheckFailed("your function returned None. Did you forget `return p, q, changed`?")
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise CheckFailed("expected three results: `return p, q, changed`.")
        p, q = as_array(got[0], "your function"), as_array(got[1], "your function")
        changed = _as_number(got[2], "the share of points that changed cluster")
        q_after = keras.ops.convert_to_numpy(model(x)).astype("float64")
        moved = any(not np.allclose(a, b) for a, b in zip(weights_before, model.get_weights()))
        return {"p": p, "q": q, "changed": changed, "q_before": q_before, "q_after": q_after,
                "labels": labels, "steps": int(keras.ops.convert_to_numpy(model.optimizer.iterations)),
                "moved": bool(moved), "n": len(x),
                "targets_seen": float(keras.ops.convert_to_numpy(seen)), "x_probe": x_probe.astype("float64")}

    def reference(self, model, x, labels):
        """One DEC round: target p from the current q (held fixed), one pass of fit, new q and changes."""
        q = np.asarray(model.predict(x, batch_size=1000, verbose=0), dtype="float64")
        p = _target(q)
        model.fit(x, p, batch_size=self.batch_size, epochs=1, verbose=0)
        q_new = np.asarray(model.predict(x, batch_size=1000, verbose=0), dtype="float64")
        return p, q_new, float(np.mean(q_new.argmax(axis=1) != np.asarray(labels)))

    def judge(self, got, case):
        p, q, q_before, q_after = got["p"], got["q"], got["q_before"], got["q_after"]
        want_p = _target(q_before)
        if p.shape != want_p.shape:
            return f"p has shape {p.shape}, but it should have the shape of q, {want_p.shape}."
        if not np.allclose(p, want_p, rtol=1e-4, atol=1e-6):
            if np.allclose(p, q_before, rtol=1e-4, atol=1e-6):
                return "p equals q: the target must be the sharpened q (exercise 3's formula), not q itself."
            if np.allclose(p, _target(q_after), rtol=1e-4, atol=1e-5):
                return ("p was computed from the q after training: compute the target once, from the q "
                        "before the pass, and train on that.")
            return ("p is not the target distribution of the model's q before the pass (computed once, for "
                    "all points, with exercise 3's formula).")
        if not got["moved"] or got["steps"] == 0:
            return "the model's weights did not change: train it with model.fit(x, p, ...)."
        steps = -(-got["n"] // self.batch_size)
        if got["steps"] != steps:
            return (f"the optimizer took {got['steps']} steps; one pass over the {got['n']} points with "
                    f"batch_size={self.batch_size} takes {steps}: fit for one epoch.")
        if got["targets_seen"] != 0:        # trained with fit or train_on_batch (a GradientTape loop is not seen)
            terms = want_p * got["x_probe"]
            if abs(got["targets_seen"] - terms.sum()) > 2e-6 * np.abs(terms).sum():   # correct: < 3e-8 (26 runs); wrong targets: > 3e-4
                return ("the targets the model was trained on are not p: train on the p computed before the "
                        "pass, held fixed for every batch, row i of p with row i of x (not hard labels, not a "
                        "target recomputed per batch).")
        if q.shape != q_after.shape or not np.allclose(q, q_after, rtol=1e-4, atol=1e-5):
            if q.shape == q_before.shape and np.allclose(q, q_before, rtol=1e-4, atol=1e-5):
                return "the q you returned is the one from before training: compute it again after fit."
            return "the q you returned is not the model's output for x after the pass."
        if _kl(want_p, q_after) > 0.985 * _kl(want_p, q_before):    # correct: 0.39-0.94 over 128 seeded runs
            return ("KL(P||Q) with the fixed target p hardly fell during the pass: train the model towards p "
                    "(model.fit(x, p, ...)), not towards q or the hard labels.")
        want_changed = float(np.mean(q_after.argmax(axis=1) != got["labels"]))
        if abs(got["changed"] - want_changed) > 1e-9:
            return ("`changed` is wrong: the share (0..1) of points whose argmax cluster after the pass "
                    "differs from `labels`.")
        return None


EXERCISES = [ClusterAccuracy(), SoftAssignment(), TargetDistribution(), DecRound()]
globals().update(exercises(*EXERCISES))
