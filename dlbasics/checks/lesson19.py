"""Checks for lesson 19, graph neural networks."""
import re

import numpy as np

from .core import Case, CheckFailed, Exercise, as_array, compare_arrays, exercises


def _random_graph(n, rng, p=0.35, weighted=False):
    """A symmetric adjacency matrix with zero diagonal (0/1, or positive weights)."""
    upper = np.triu(rng.random((n, n)) < p, 1).astype("float64")
    if weighted:
        upper *= np.round(rng.uniform(0.5, 3.0, (n, n)), 2)
    return upper + upper.T


def _diagnose(got, variants):
    """The sentence of the first known mistake whose result `got` reproduces, or ''."""
    got = np.asarray(got, dtype="float64")
    with np.errstate(all="ignore"):
        for sentence, wrong in variants:
            wrong = np.asarray(wrong, dtype="float64")
            if wrong.shape == got.shape and np.allclose(got, wrong, rtol=1e-4, atol=1e-5, equal_nan=True):
                return " " + sentence
    return ""


def _from_edges(n, edges):
    a = np.zeros((n, n))
    for i, j in edges:
        a[i, j] = a[j, i] = 1.0
    return a


class NormalizedAdjacency(Exercise):
    number, title = 1, "normalized_adjacency"
    hint = ("Add the self-loops first (A + I), take the degrees as the row sums of A + I, then divide "
            "entry (i, j) by sqrt(d_i) * sqrt(d_j): D^-1/2 (A + I) D^-1/2.")
    rtol, atol = 1e-6, 1e-9

    def cases(self, rng=None):
        cases = [
            Case("a path of 3 nodes (0-1-2)", (_from_edges(3, [(0, 1), (1, 2)]),)),
            Case("a star: node 0 linked to 4 leaves", (_from_edges(5, [(0, 1), (0, 2), (0, 3), (0, 4)]),)),
            Case("a graph with an isolated node (node 3)", (_from_edges(4, [(0, 1), (1, 2), (0, 2)]),),
                 hint="Count the degree after adding the self-loops: an isolated node then has degree 1, not 0."),
            Case("a weighted graph (edge weights between 0.5 and 3)", (_random_graph(6, np.random.default_rng(14), 0.5, True),),
                 hint="With weights, the degree is the row sum of the weights (of A + I), not the number of neighbours."),
            Case("a complete graph on 4 nodes", (np.ones((4, 4)) - np.eye(4),)),
        ]
        if rng is not None:
            for i in range(5):
                n = int(rng.integers(2, 16))
                cases.append(Case(f"random graph #{i} ({n} nodes)", (_random_graph(n, rng, float(rng.uniform(0.1, 0.6)), i % 2 == 1),)))
        return cases

    def produce(self, fn, case):
        return as_array(fn(*case.args))

    def judge(self, got, case):
        a = case.args[0]
        problem = compare_arrays(got, self.reference(a), self.rtol, self.atol)
        if problem is None:
            return None
        a_tilde = a + np.eye(len(a))
        with np.errstate(all="ignore"):
            d, d_plain, d_count = a_tilde.sum(1), a.sum(1), (a_tilde > 0).sum(1)
            variants = [
                ("Your result matches D^-1/2 A D^-1/2: the self-loops are missing (use A + I).",
                 a / np.sqrt(np.outer(d_plain, d_plain))),
                ("Your result matches D^-1 (A + I), each row divided by its degree: the GCN divides on both "
                 "sides, by sqrt(d_i) * sqrt(d_j), and stays symmetric.", a_tilde / d[:, None]),
                ("Your degrees were counted before adding the self-loops: take the row sums of A + I.",
                 a_tilde / np.sqrt(np.outer(d_plain, d_plain))),
                ("Your degrees count the neighbours; with edge weights, the degree is the row sum of the weights.",
                 a_tilde / np.sqrt(np.outer(d_count, d_count))),
            ]
        return problem + _diagnose(got, variants)

    def reference(self, a):
        """networkx's normalized Laplacian of the graph with self-loops: I - L = D^-1/2 (A + I) D^-1/2."""
        import networkx as nx

        n = len(a)
        graph = nx.from_numpy_array(np.asarray(a, "float64") + np.eye(n))
        return np.eye(n) - nx.normalized_laplacian_matrix(graph, nodelist=range(n)).toarray()


_LAYER_CLASS = None


def _course_layer_class():
    """The course's GCN layer (defined on first use, so importing this module stays cheap)."""
    global _LAYER_CLASS
    if _LAYER_CLASS is None:
        import keras

        class CourseGraphConv(keras.layers.Layer):
            """activation(a_hat @ x @ kernel + bias), called as layer([x, a_hat])."""

            def __init__(self, units, activation=None, **kwargs):
                super().__init__(**kwargs)
                self.units = units
                self.activation = keras.activations.get(activation)

            def build(self, input_shape):
                x_shape, _ = input_shape
                self.kernel = self.add_weight(shape=(x_shape[-1], self.units), initializer="glorot_uniform", name="kernel")
                self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

            def call(self, inputs):
                x, a_hat = inputs
                return self.activation(keras.ops.matmul(a_hat, keras.ops.matmul(x, self.kernel)) + self.bias)

        _LAYER_CLASS = CourseGraphConv
    return _LAYER_CLASS


def _sym_norm(a):
    a = a + np.eye(len(a))
    d = a.sum(1)
    return a / np.sqrt(np.outer(d, d))


def _layer_case(label, rng, n, features, units, activation, a_hat=None, hint="", graph_mode=False):
    a_hat = _sym_norm(_random_graph(n, rng, 0.4)) if a_hat is None else a_hat
    return Case(label, (units, activation, rng.normal(size=(n, features)), a_hat,
                        rng.normal(size=(features, units)), rng.normal(size=units)),
                {"graph_mode": graph_mode} if graph_mode else {}, hint)


class GCNLayer(Exercise):
    number, title = 2, "gcn_layer"
    hint = ("In build, add a kernel of shape (features, units) and a bias of shape (units,); in call, "
            "propagate then transform: activation(a_hat @ (x @ kernel) + bias), with keras.ops.matmul.")
    rtol, atol = 1e-4, 1e-5             # the layer computes in float32

    def cases(self, rng=None):
        r = np.random.default_rng(114)
        directed = _random_graph(6, r, 0.5)
        directed = np.triu(directed) + np.eye(6)                       # edges only from higher to lower index
        walk = directed / directed.sum(1, keepdims=True)               # D^-1 (A + I): not symmetric
        cases = [
            _layer_case("5 nodes, 3 features -> 2 units, no activation", r, 5, 3, 2, None),
            _layer_case("ReLU activation", r, 6, 4, 3, "relu"),
            _layer_case("a non-symmetric a_hat (mean over in-neighbours, D^-1 (A + I))", r, 6, 2, 2, "tanh", a_hat=walk,
                        hint="Row i of a_hat says how much node i receives from each node: a_hat @ x, not a_hat.T @ x."),
            _layer_case("an isolated node", r, 4, 3, 4, None, a_hat=_sym_norm(_from_edges(4, [(0, 1), (1, 2)]))),
            _layer_case("as many units as features", r, 7, 3, 3, "tanh"),
            _layer_case("inside a tf.function (as in training)", r, 5, 3, 2, "relu", graph_mode=True,
                        hint="Use keras.ops (or TensorFlow) operations in call, not NumPy: in a tf.function "
                             "the inputs are symbolic tensors."),
            Case("the initial weights of a fresh layer (6 features -> 90 units), before any training",
                 (90, None, np.random.default_rng(7).normal(size=(5, 6)), np.eye(5), np.zeros((6, 90)), np.zeros(90)),
                 {"initial": True},
                 hint="Pass initializer='glorot_uniform' for the kernel and initializer='zeros' for the bias to "
                      "add_weight. A kernel of equal values (zeros, ones) gives every unit the same output and the "
                      "same gradient, so the units stay identical copies through training."),
        ]
        if rng is not None:
            for i in range(4):
                n, f, u = (int(v) for v in rng.integers(1, 12, size=3))
                cases.append(_layer_case(f"random layer #{i} ({n} nodes)", rng, n, f, u, [None, "relu", "tanh"][i % 3]))
        return cases

    def produce(self, fn, case):
        import keras
        import tensorflow as tf

        units, activation, x, a_hat, kernel, bias = case.args
        layer = fn(units, activation=activation)
        if not isinstance(layer, keras.layers.Layer):
            raise CheckFailed(f"`gcn_layer` should return a keras.layers.Layer, got a {type(layer).__name__}.")
        x32, a32 = tf.constant(x, "float32"), tf.constant(a_hat, "float32")
        layer([x32, a32])                                 # builds the weights
        weights = list(layer.trainable_weights)
        shapes = [tuple(int(s) for s in w.shape) for w in weights]
        kernels = [w for w, s in zip(weights, shapes) if s == kernel.shape]
        biases = [w for w, s in zip(weights, shapes) if s == bias.shape]
        if len(weights) != 2 or len(kernels) != 1 or len(biases) != 1:
            raise CheckFailed(f"for {x.shape[1]} input features and {units} units the layer should have exactly two "
                              f"trainable weights, a kernel {kernel.shape} and a bias {bias.shape}; yours has {shapes}.")
        if case.kwargs.get("initial"):
            return {"kernel": np.asarray(keras.ops.convert_to_numpy(kernels[0]), "float64"),
                    "bias": np.asarray(keras.ops.convert_to_numpy(biases[0]), "float64")}
        kernels[0].assign(kernel.astype("float32"))
        biases[0].assign(bias.astype("float32"))
        if case.kwargs.get("graph_mode"):
            try:
                out = tf.function(lambda xs, a: layer([xs, a]))(x32, a32)
            except Exception as e:          # NumPy on symbolic tensors raises NotImplementedError: not a stub
                bold = re.search(r"\x1b\[1m(.*?)\x1b\[0m", str(e), re.S)   # Keras puts the cause in bold
                detail = " ".join((bold.group(1) if bold else str(e).strip().splitlines()[-1]).split())[:200]
                raise CheckFailed(f"your layer works eagerly but fails inside a tf.function: "
                                  f"{type(e).__name__}: {detail}") from None
        else:
            out = layer([x32, a32])
        return as_array(keras.ops.convert_to_numpy(out), "your layer")

    def expected(self, units, activation, x, a_hat, kernel, bias):
        """The truth from Keras itself: a Dense layer (same weights) applied to the propagated a_hat @ x."""
        import keras

        dense = keras.layers.Dense(units, activation=activation, dtype="float64")
        dense.build((None, kernel.shape[0]))
        dense.set_weights([kernel, bias])
        return keras.ops.convert_to_numpy(dense(a_hat @ x))

    def reference(self, units, activation=None):
        """The course's GCN layer with `units` outputs, for the rest of the lesson."""
        return _course_layer_class()(units, activation)

    @staticmethod
    def judge_initial(got, fan_in, fan_out):
        """Glorot scale: the kernel's values spread with std sqrt(2 / (fan_in + fan_out)) (uniform in
        +-sqrt(6 / (fan_in + fan_out)) for glorot_uniform; glorot_normal has the same std and passes too);
        a constant kernel, or a scale far off (e.g. RandomNormal(stddev=1) or 0.05), fails. The case has
        fan_in 6 and fan_out 90, so that the other scales are far from Glorot's (0.144) and no
        initializer sits near a bound: He 0.58, LeCun 0.41, orthogonal at most 0.105 (the band is
        0.108-0.180; the sample std of 540 Glorot values varies by about 2%)."""
        kernel, bias = np.asarray(got["kernel"]), np.asarray(got["bias"])
        if np.ptp(kernel) == 0:
            return ("the kernel starts with all its values equal: every unit then computes the same thing and "
                    "gets the same gradient, so the units never become different (no symmetry breaking).")
        std, want = kernel.std(), np.sqrt(2.0 / (fan_in + fan_out))
        if not 0.75 * want <= std <= 1.25 * want:
            how = "too large" if std > want else "too small"
            return (f"the kernel's initial values are spread {how} for a Glorot (Xavier) initialization; "
                    "use initializer='glorot_uniform'.")
        if np.abs(bias).max() > 0:
            return "the bias should start at zeros (initializer='zeros')."
        return None

    def judge(self, got, case):
        if case.kwargs.get("initial"):
            return self.judge_initial(got, case.args[2].shape[1], case.args[0])
        problem = compare_arrays(got, self.expected(*case.args), self.rtol, self.atol, what="the layer's output")
        if problem is None:
            return None
        units, activation, x, a_hat, kernel, bias = case.args
        act = {None: lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh}[activation]
        xw = x @ kernel
        variants = [
            ("It matches activation(x @ kernel + bias): the layer ignores a_hat; propagate with a_hat @ ...",
             act(xw + bias)),
            ("It matches a_hat transposed (a_hat.T @ x ...): row i of a_hat is what node i receives.",
             act(a_hat.T @ xw + bias)),
            ("It matches a_hat @ (x @ kernel + bias): add the bias after propagating, once per node.",
             act(a_hat @ (xw + bias))),
            ("It matches a_hat @ activation(x @ kernel + bias): the activation comes last.",
             a_hat @ act(xw + bias)),
            ("It matches (a_hat + I) @ x @ kernel + bias: a_hat already contains the self-loops; use it as it is.",
             act((a_hat + np.eye(len(a_hat))) @ xw + bias)),
        ]
        return problem + _diagnose(got, variants)


class MessagePassing(Exercise):
    number, title = 3, "message_pass"
    hint = ("For every edge (source, target), node `target` receives x[source]; add the messages up per "
            "target (np.add.at), and for 'mean' divide by the number of messages received (0 -> zeros).")
    rtol, atol = 1e-9, 1e-9

    def cases(self, rng=None):
        r = np.random.default_rng(314)
        both = lambda pairs: np.array(pairs + [(j, i) for i, j in pairs])  # noqa: E731 (undirected: both directions)
        cases = [
            Case("a triangle, both directions listed, sum", (r.normal(size=(3, 2)), both([(0, 1), (1, 2), (0, 2)]), "sum")),
            Case("a directed chain 0 -> 1 -> 2 -> 3, sum", (r.normal(size=(4, 3)), np.array([(0, 1), (1, 2), (2, 3)]), "sum"),
                 hint="Messages flow from source to target: node 1 receives x[0], and node 0 receives nothing."),
            Case("a directed star, mean over incoming edges",
                 (r.normal(size=(5, 2)), np.array([(1, 0), (2, 0), (3, 0), (4, 1), (0, 2)]), "mean")),
            Case("a node that receives nothing, mean", (r.normal(size=(4, 1)), np.array([(0, 1), (2, 1), (1, 2)]), "mean"),
                 hint="A node with no incoming edges gets zeros, not nan."),
            Case("an undirected graph with 6 features per node, mean",
                 (r.normal(size=(6, 6)), both([(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 0), (0, 3)]), "mean")),
            Case("an edge listed twice (a multigraph: each copy carries its own message), mean",
                 (r.normal(size=(4, 2)), np.array([(1, 0), (2, 0), (1, 0), (3, 2), (0, 3)]), "mean"),
                 hint="Node 0 receives three messages, two of them from node 1: every row of the edge list is "
                      "one message. A dense matrix filled with A[target, source] = 1 keeps only one copy."),
        ]
        if rng is not None:
            for i in range(4):
                n, f = int(rng.integers(2, 15)), int(rng.integers(1, 5))
                pairs = np.array([(s, t) for s in range(n) for t in range(n) if s != t and rng.random() < 0.3],
                                 dtype="int64").reshape(-1, 2)
                cases.append(Case(f"random directed graph #{i} ({n} nodes), {['sum', 'mean'][i % 2]}",
                                  (rng.normal(size=(n, f)), pairs, ["sum", "mean"][i % 2])))
        return cases

    def produce(self, fn, case):
        x, edges, reduce = case.args
        return as_array(fn(x, edges, reduce=reduce))

    def judge(self, got, case):
        x, edges, reduce = case.args
        problem = compare_arrays(got, self.reference(*case.args), self.rtol, self.atol)
        if problem is None:
            return None
        n = len(x)
        src, dst = edges[:, 0], edges[:, 1]
        received, sent = np.bincount(dst, minlength=n), np.bincount(src, minlength=n)
        summed, outgoing, dropped = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
        np.add.at(summed, dst, x[src])
        pairs = np.unique(edges, axis=0).reshape(-1, 2)              # each (source, target) pair once
        once, received_once = np.zeros_like(x), np.bincount(pairs[:, 1], minlength=n)
        np.add.at(once, pairs[:, 1], x[pairs[:, 0]])
        np.add.at(outgoing, src, x[dst])
        dropped[dst] = x[src]                          # what out[targets] = / += x[sources] keeps
        mean = reduce == "mean"
        with np.errstate(all="ignore"):
            variants = self._variants(x, summed, outgoing, dropped, received, sent, n, mean)
            if len(pairs) < len(edges):
                variants += [
                    ("It matches counting a repeated edge once: every row of the edge list is a message, "
                     "a repeated one too (A[target, source] = 1 on a dense matrix keeps one copy).",
                     once / np.maximum(received_once, 1)[:, None] if mean else once),
                    ("It matches dividing by the number of different senders: the mean is over the messages "
                     "received, a repeated edge counting twice.", summed / np.maximum(received_once, 1)[:, None]),
                ]
        return problem + _diagnose(got, variants)

    @staticmethod
    def _variants(x, summed, outgoing, dropped, received, sent, n, mean):
        """What the common mistakes return, each with the sentence that explains it."""
        return [
            ("It matches messages sent the wrong way (node i gathering from the targets of its own edges): "
             "node i receives from the sources of the edges (source, i).",
             outgoing / np.maximum(sent, 1)[:, None] if mean else outgoing),
            ("It matches each node also receiving its own features: only the listed edges carry messages.",
             (summed + x) / (received + 1)[:, None] if mean else summed + x),
            ("It matches dividing by the number of nodes: the mean is over each node's own incoming messages.",
             summed / n),
            ("The rows of the nodes that receive no message are nan (0 / 0): give them zeros.",
             summed / received[:, None]),
            ("It matches keeping only one message per node: out[targets] += ... does not add up repeated "
             "targets; np.add.at does.",
             dropped / np.maximum(received, 1)[:, None] if mean else dropped),
        ]

    def reference(self, x, edges, reduce="sum"):
        """TensorFlow's segment ops: gather the senders' rows, reduce them per receiver."""
        import tensorflow as tf

        messages = tf.gather(tf.constant(x, "float64"), edges[:, 0])
        segment = tf.math.unsorted_segment_sum if reduce == "sum" else tf.math.unsorted_segment_mean
        return segment(messages, edges[:, 1], num_segments=len(x)).numpy()


def _connected_graph(n, rng, p=0.25, weighted=False):
    """A random symmetric graph made connected by a random path through all nodes."""
    a = _random_graph(n, rng, p, weighted)
    order = rng.permutation(n)
    for i, j in zip(order[:-1], order[1:]):
        if a[i, j] == 0:
            a[i, j] = a[j, i] = float(np.round(rng.uniform(0.5, 3.0), 2)) if weighted else 1.0
    return a


def _path(n):
    return _from_edges(n, [(i, i + 1) for i in range(n - 1)])


class LabelPropagation(Exercise):
    """Judged against the harmonic solution (Zhu, Ghahramani & Lafferty 2003), solved directly:
    the fixed point of 'mean over neighbours, then reset the labelled nodes'. Iterating until the
    scores stop changing and solving the linear system both pass; a fixed, too small number of
    rounds does not (the long-path case converges slowly on purpose)."""
    number, title = 4, "label_propagation"
    hint = ("Repeat: every node takes the weighted mean of its NEIGHBOURS' scores (divide row i of a @ F by "
            "the row sum of a), then the labelled nodes are reset (clamped) to their labels; stop when the "
            "scores no longer change, not after a fixed number of rounds.")
    rtol, atol = 1e-3, 5e-4             # scores lie in [0, 1]: a change per round below ~1e-6 is enough

    def cases(self, rng=None):
        r = np.random.default_rng(4014)
        two = np.eye(2)
        cases = [
            Case("a path 0-1-2-3-4, the two ends labelled", (_path(5), np.array([0, 4]), two.copy()),
                 hint="On a path, each inner node ends as the mean of its two neighbours: the scores change "
                      "linearly from one labelled end to the other."),
            Case("the labelled nodes keep their labels", (_from_edges(4, [(0, 1), (1, 2), (2, 3), (0, 2)]),
                                                          np.array([1, 3]), two.copy()),
                 hint="Clamp after propagating: the returned rows of the labelled nodes must equal their labels."),
            Case("three classes on a random graph of 9 nodes", (_connected_graph(9, r), np.array([0, 4, 7]), np.eye(3))),
            Case("a weighted graph (edge weights between 0.5 and 3)",
                 (_connected_graph(8, r, 0.3, weighted=True), np.array([2, 5]), two.copy()),
                 hint="With weights, the mean is weighted: divide by the row sum of the weights, not the number "
                      "of neighbours."),
            Case("a long path of 30 nodes, labelled at one end and near the other",
                 (_path(30), np.array([0, 25]), two.copy()),
                 hint="Information crosses a long path slowly, and a round that changes the scores by only d "
                      "can still leave them many times d away from the fixed point: stop at a very small change "
                      "(say 1e-8), or solve directly for the fixed point, where nothing changes any more."),
            Case("two labelled nodes of the same class", (_connected_graph(7, r), np.array([1, 6, 3]),
                                                          np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))),
        ]
        if rng is not None:
            for i in range(4):
                n, c = int(rng.integers(3, 16)), int(rng.integers(2, 4))
                m = int(rng.integers(c, min(n, c + 3) + 1)) if n > c else n
                labelled = np.sort(rng.choice(n, size=min(m, n - 1), replace=False))
                y = np.eye(c)[np.r_[np.arange(c), rng.integers(c, size=len(labelled))][:len(labelled)]]
                cases.append(Case(f"random graph #{i} ({n} nodes, {c} classes)",
                                  (_connected_graph(n, rng, float(rng.uniform(0.1, 0.5)), i % 2 == 1), labelled, y)))
        return cases

    def produce(self, fn, case):
        return as_array(fn(*case.args))

    def reference(self, a, labelled, y_labelled):
        """The harmonic solution: F_U = (D_UU - A_UU)^-1 A_UL Y_L, F_L = Y_L."""
        a = np.asarray(a, dtype="float64")
        n = len(a)
        labelled = np.asarray(labelled, dtype="int64")
        free = np.setdiff1d(np.arange(n), labelled)
        f = np.zeros((n, np.shape(y_labelled)[1]))
        f[labelled] = y_labelled
        laplacian = np.diag(a.sum(1)) - a
        f[free] = np.linalg.solve(laplacian[np.ix_(free, free)], a[np.ix_(free, labelled)] @ np.asarray(y_labelled, "float64"))
        return f

    def judge(self, got, case):
        a, labelled, y = case.args
        want = self.reference(a, labelled, y)
        problem = compare_arrays(got, want, self.rtol, self.atol, what="the result")
        if problem is None:
            return None
        got = np.asarray(got, "float64")
        if got.shape != want.shape:
            return problem + " Return a score row for every node, labelled ones included."
        if not np.allclose(got[labelled], y, atol=1e-6):
            return problem + (" The rows of the labelled nodes are not their labels: clamp them (reset them to "
                              "their labels) after every round, the last one included.")
        free = np.setdiff1d(np.arange(len(a)), labelled)
        if len(free) > 1 and np.allclose(got[free], got[free][:1], atol=1e-3):
            return problem + " All unlabelled nodes ended with the same scores: the labels were washed out."
        d, binary = a.sum(1), (a > 0).astype("float64")
        with np.errstate(all="ignore"):
            variants = [
                ("It matches propagating with D^-1/2 A D^-1/2 (the GCN's symmetric normalization): label propagation "
                 "takes the plain weighted mean over the neighbours, D^-1 A.", self.clamped_fixed_point(a / np.sqrt(np.outer(d, d)), labelled, y)),
                ("It matches propagating with the GCN's A_hat (self-loops and symmetric normalization): label "
                 "propagation takes the plain weighted mean over the neighbours, D^-1 A.",
                 self.clamped_fixed_point(_sym_norm(a), labelled, y)),
                ("It matches a mean that counts the neighbours: with edge weights, weigh each neighbour by its weight.",
                 self.clamped_fixed_point(binary / binary.sum(1, keepdims=True), labelled, y)),
                ("It matches dividing by the column sums (the senders' degrees): the mean divides row i by node i's "
                 "own degree, the row sum.", self.clamped_fixed_point(a / a.sum(0, keepdims=True), labelled, y)),
            ]
        found = _diagnose(got, variants)
        if found:
            return problem + found
        off = np.abs(got - want).max(1) > self.atol
        return problem + (f" {int(off[free].sum())} unlabelled node(s) are not yet the mean of their neighbours: "
                          "did the propagation stop before the scores stopped changing?")

    @staticmethod
    def clamped_fixed_point(m, labelled, y):
        """Where 'F <- m @ F, then reset the labelled rows' settles: F_U = (I - m_UU)^-1 m_UL Y."""
        n = len(m)
        free = np.setdiff1d(np.arange(n), labelled)
        f = np.zeros((n, np.shape(y)[1]))
        f[labelled] = y
        try:
            f[free] = np.linalg.solve(np.eye(len(free)) - m[np.ix_(free, free)], m[np.ix_(free, labelled)] @ y)
        except np.linalg.LinAlgError:
            f[free] = np.nan
        return f

EXERCISES = [NormalizedAdjacency(), GCNLayer(), MessagePassing(), LabelPropagation()]
globals().update(exercises(*EXERCISES))
