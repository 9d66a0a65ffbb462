"""Checks for lesson 05, gradient descent and SGD."""
import numpy as np

from .core import Case, CheckFailed, Exercise, compare_arrays, exercises


def _regression(n, d, rng):
    x = rng.normal(size=(n, d))
    y = x @ rng.normal(size=d) + rng.normal() + rng.normal(0, 0.1, n)
    return x, y


class GDStep(Exercise):
    number, title = 1, "gd_step"
    hint = ("For J = mean((x @ w + b - y)**2): with e = x @ w + b - y, dJ/dw = 2 * x.T @ e / n and "
            "dJ/db = 2 * mean(e); then step against the gradient: w - lr * dJ/dw.")
    rtol, atol = 1e-7, 1e-10

    def cases(self, rng=None):
        r = np.random.default_rng(7)
        cases = [
            Case("10 examples, 3 features", (np.zeros(3), 0.0, *_regression(10, 3, r), 0.1)),
            Case("one feature, nonzero start", (np.array([2.0]), 1.0, *_regression(5, 1, r), 0.05),
                 hint="Include the bias in the prediction and give it its own update."),
            Case("a large batch", (r.normal(size=4), -0.5, *_regression(200, 4, r), 0.01),
                 hint="Average over the batch: the gradient of a mean divides by n."),
            Case("learning rate 0 changes nothing", (np.array([1.0, -1.0]), 0.3, *_regression(6, 2, r), 0.0)),
        ]
        if rng is not None:
            for i in range(5):
                n, d = int(rng.integers(1, 50)), int(rng.integers(1, 6))
                cases.append(Case(f"random problem #{i}", (rng.normal(size=d), float(rng.normal()), *_regression(n, d, rng),
                                                           float(rng.uniform(0.001, 0.3)))))
        return cases

    def produce(self, fn, case):
        w, b, x, y, lr = case.args
        w_in, x_in, y_in = np.array(w), np.array(x), np.array(y)
        got = fn(w_in, b, x_in, y_in, lr)
        if not (np.array_equal(w_in, w) and np.array_equal(x_in, x) and np.array_equal(y_in, y)):
            raise CheckFailed("your function changed its input in place (e.g. `w -= ...`): return new arrays "
                              "and leave the caller's w, x and y as they were.")
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise CheckFailed("expected the pair (new_w, new_b).")
        return np.asarray(got[0], "float64"), float(np.asarray(got[1], "float64").reshape(()))

    def reference(self, w, b, x, y, lr):
        e = x @ w + b - y
        return w - lr * 2 * x.T @ e / len(y), b - lr * 2 * e.mean()

    def judge(self, got, case):
        w_want, b_want = self.reference(*case.args)
        return (compare_arrays(got[0], w_want, self.rtol, self.atol, what="new_w")
                or compare_arrays(got[1], b_want, self.rtol, self.atol, what="new_b"))


def _partitions(n, batch_size):
    """How many ways a shuffle can split n examples into the batches (ignoring the batches' order)."""
    from collections import Counter
    from math import lgamma, exp

    sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    log = lgamma(n + 1) - sum(lgamma(k + 1) for k in sizes) - sum(lgamma(m + 1) for m in Counter(sizes).values())
    return exp(min(log, 700.0))


class Minibatches(Exercise):
    number, title = 2, "minibatches"
    hint = ("Draw one permutation with rng.permutation(n), then cut it into consecutive slices of "
            "batch_size (the last one may be shorter); index x and y with the same slice.")

    def cases(self, rng=None):
        sizes = [(10, 3), (12, 4), (7, 7), (5, 10), (100, 32)]
        if rng is not None:
            sizes += [(int(rng.integers(1, 200)), int(rng.integers(1, 64))) for _ in range(4)]
        return [Case(f"{n} examples in batches of {bs}", (n, bs),
                     hint="The last batch holds what is left over." if n % bs else "") for n, bs in sizes]

    def produce(self, fn, case):
        n, batch_size = case.args
        x = np.arange(n * 2, dtype="float64").reshape(n, 2)     # row i is (2i, 2i+1): traceable
        y = np.arange(n, dtype="float64") * 10
        x0, y0 = x.copy(), y.copy()
        epochs, generators = [], {0: np.random.default_rng(0), 1: np.random.default_rng(1), 2: np.random.default_rng(0)}
        # seed 0 twice: the same generator state must give the same epoch; then a second epoch from the
        # generator of the third call (as a training loop does): it must draw a new order
        for call in (0, 1, 2, 2):
            batches = fn(x, y, batch_size, generators[call])
            try:
                batches = list(batches)
            except TypeError:
                raise CheckFailed("expected an iterable (a list, or a generator with `yield`) of (x_batch, y_batch) pairs.") from None
            if not (np.array_equal(x, x0) and np.array_equal(y, y0)):
                raise CheckFailed("your function changed x or y in place (e.g. shuffled them): the caller's data "
                                  "must stay as it was; index with a permutation instead.")
            epoch = []
            for item in batches:
                if not isinstance(item, (tuple, list)) or len(item) != 2:
                    raise CheckFailed("each item should be a pair (x_batch, y_batch).")
                epoch.append([np.asarray(item[0], "float64"), np.asarray(item[1], "float64")])
            epochs.append(epoch)
        return epochs

    def judge(self, got, case):
        n, batch_size = case.args
        orders = []
        for epoch in got:
            sizes = [len(yb) for _, yb in epoch]
            expected_sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
            if sizes != expected_sizes:
                return f"the batch sizes are {sizes[:6]}{'...' if len(sizes) > 6 else ''}; expected batches of {batch_size}, the last one holding the remainder."
            for xb, yb in epoch:
                if xb.shape != (len(yb), 2):
                    return f"an x batch has shape {xb.shape}; it should hold whole rows of x, one per label."
                if not np.array_equal(xb[:, 0] / 2 * 10, yb):
                    return "x and y batches are out of step: each row of x_batch must go with the same position in y_batch."
            order = np.concatenate([yb for _, yb in epoch]) / 10
            if sorted(order) != list(range(n)):
                return "an epoch must use every example exactly once."
            orders.append(order)
        if n > 3 and (np.array_equal(orders[0], np.arange(n)) or np.array_equal(orders[0], orders[1])):
            return "the examples are not shuffled by `rng` (same order every time, or no shuffling at all)."
        if _partitions(n, batch_size) > 1e6:       # a true shuffle regroups the examples (ties: < 1e-6)
            groups = [sorted(tuple(sorted(yb)) for _, yb in epoch) for epoch in got[:2]]
            if groups[0] == groups[1]:
                return ("with seeds 0 and 1 the batches hold the same groups of examples, only in another order: "
                        "shuffle the examples themselves, not just the order of fixed batches.")
        if len(orders) > 2 and not np.array_equal(orders[0], orders[2]):
            return ("two calls with np.random.default_rng(0) gave different orders: shuffle with the generator "
                    "`rng` you are given (rng.permutation), not with np.random or a new generator, so that a "
                    "seed reproduces the run.")
        if len(orders) > 3 and n > 6 and np.array_equal(orders[2], orders[3]):
            return ("two epochs drawn one after the other from the same generator came out in the same order: "
                    "draw from `rng` itself (not from a copy of it), so that each epoch gets a fresh shuffle.")
        return None

    def reference(self, x, y, batch_size, rng):
        """One correct way (the judge checks properties, so any shuffle from rng is accepted)."""
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            yield x[idx], y[idx]


class AdamStep(Exercise):
    number, title = 3, "adam_step"
    hint = ("m and v are running averages of grad and grad**2 (no bias correction stored in them); the step "
            "is w - alpha_t * m / (sqrt(v) + epsilon) with alpha_t chosen so that, for epsilon = 0, it equals "
            "lr * m_hat / sqrt(v_hat). t counts from 1.")
    # On the displacement w - w0. Keras keeps lr in float32 and, on TensorFlow, rounds the betas to float32
    # inside the bias correction (tf.cast of a Python float): up to ~1e-5 relative for beta_2 = 0.999.
    rtol, atol = 5e-5, 1e-12
    # Updating m and v in place, as Keras's optimizers do (assign_add), is fine: produce passes copies.
    updates_in_place = True

    def cases(self, rng=None):
        r = np.random.default_rng(8)
        default = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}
        def away_from_zero(size):     # |g| >= 0.5: here where epsilon sits changes the step by < 1e-5
            g = r.normal(size=size)
            return np.sign(g) * (0.5 + np.abs(g))

        eps_hint = ("For gradients near epsilon, adding epsilon to sqrt(v_hat) and to sqrt(v) give very different "
                    "steps. Compare one step of yours with keras.optimizers.Adam on a gradient of 1e-8.")
        cases = [
            Case("the first step alone", (r.normal(size=4), away_from_zero((1, 4)), 0.1), dict(default),
                 hint="At step 1, m and v hold only 10% and 0.1% of the gradient: the bias correction matters most here."),
            Case("5 steps, default betas", (r.normal(size=3), away_from_zero((5, 3)), 0.01), dict(default)),
            Case("tiny gradients (about 1e-8): where epsilon sits matters", (r.normal(size=3), 1e-8 * r.normal(size=(6, 3)), 0.01),
                 dict(default), hint=eps_hint),
            Case("beta_1=0.5, beta_2=0.9, epsilon=1e-3", (r.normal(size=2), r.normal(size=(8, 2)), 0.05),
                 {"beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}, hint="Use the betas and epsilon you are given. " + eps_hint),
            Case("20 steps with a constant gradient, a matrix of weights", (r.normal(size=(2, 3)), np.ones((20, 2, 3)), 0.001),
                 dict(default), hint="The step number t goes 1, 2, 3, ...: use it in both bias corrections."),
        ]
        if rng is not None:
            for i in range(5):
                shape = tuple(int(v) for v in rng.integers(1, 4, size=int(rng.integers(1, 3))))
                steps = int(rng.integers(1, 15))
                scale = [1.0, 1e-7, 10.0][i % 3]
                kwargs = {"beta_1": float(np.float32(rng.uniform(0.5, 0.95))),       # float32-exact: see rtol
                          "beta_2": float(np.float32(rng.uniform(0.9, 0.9999))),
                          "epsilon": [1e-7, 1e-4][i % 2]}
                lr = float(np.float32(rng.uniform(0.001, 0.3)))
                cases.append(Case(f"random run #{i}", (rng.normal(size=shape), scale * rng.normal(size=(steps,) + shape), lr),
                                  kwargs))
        return cases

    def produce(self, fn, case):
        w0, grads, lr = case.args
        w = np.array(w0, dtype="float64")
        m, v = np.zeros_like(w), np.zeros_like(w)
        for t, g in enumerate(grads, start=1):            # the learner's step, applied repeatedly
            out = fn(w.copy(), g.copy(), m.copy(), v.copy(), t, lr, **case.kwargs)
            if not isinstance(out, (tuple, list)) or len(out) != 3:
                raise CheckFailed("expected the triple (new_w, new_m, new_v).")
            w, m, v = (np.asarray(o, "float64") for o in out)
            if w.shape != np.shape(w0):
                raise CheckFailed(f"new_w has shape {w.shape}, but the weights have shape {np.shape(w0)}.")
        return w - w0                                      # how far the weights moved

    def reference(self, w0, grads, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        """How far Keras's own Adam moves the weights, given the same gradients."""
        import keras
        import tensorflow as tf

        var = tf.Variable(np.array(w0, dtype="float64"))
        opt = keras.optimizers.Adam(learning_rate=lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
        for g in grads:
            opt.apply_gradients([(tf.constant(g, dtype="float64"), var)])
        return var.numpy() - np.asarray(w0, "float64")

    def judge(self, got, case):
        return compare_arrays(got, self.reference(*case.args, **case.kwargs), self.rtol, self.atol,
                              what=f"how far the weights moved in {len(case.args[1])} step(s)")


EXERCISES = [GDStep(), Minibatches(), AdamStep()]
globals().update(exercises(*EXERCISES))
