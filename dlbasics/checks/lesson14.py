"""Checks for lesson 14, graph neural networks."""
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

    def judge(self, got, case):
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
        np.add.at(outgoing, src, x[dst])
        dropped[dst] = x[src]                          # what out[targets] = / += x[sources] keeps
        mean = reduce == "mean"
        with np.errstate(all="ignore"):
            variants = self._variants(x, summed, outgoing, dropped, received, sent, n, mean)
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


EXERCISES = [NormalizedAdjacency(), GCNLayer(), MessagePassing()]
globals().update(exercises(*EXERCISES))
