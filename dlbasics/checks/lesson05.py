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
        got = fn(*case.args)
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
        epochs = []
        for seed in (0, 1):
            batches = fn(x, y, batch_size, np.random.default_rng(seed))
            try:
                batches = list(batches)
            except TypeError:
                raise CheckFailed("expected an iterable (a list, or a generator with `yield`) of (x_batch, y_batch) pairs.") from None
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
        return None

    def reference(self, x, y, batch_size, rng):
        """One correct way (the judge checks properties, so any shuffle from rng is accepted)."""
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            yield x[idx], y[idx]


class MomentumStep(Exercise):
    number, title = 3, "momentum_step"
    hint = ("Keras's SGD with momentum: velocity = momentum * velocity - lr * grad; then "
            "w = w + velocity. Return both.")
    rtol, atol = 1e-5, 1e-6        # Keras keeps the learning rate and momentum in float32

    def cases(self, rng=None):
        r = np.random.default_rng(8)
        cases = [
            Case("5 steps, momentum 0.9", (r.normal(size=3), r.normal(size=(5, 3)), 0.1, 0.9)),
            Case("momentum 0 is plain gradient descent", (r.normal(size=2), r.normal(size=(3, 2)), 0.05, 0.0)),
            Case("10 steps with a constant gradient", (np.zeros(1), np.ones((10, 1)), 0.01, 0.5),
                 hint="The velocity carries over from step to step: keep it and feed it back in."),
            Case("a matrix of weights", (r.normal(size=(2, 3)), r.normal(size=(4, 2, 3)), 0.2, 0.8)),
        ]
        if rng is not None:
            for i in range(4):
                shape = tuple(int(v) for v in rng.integers(1, 4, size=int(rng.integers(1, 3))))
                steps = int(rng.integers(1, 12))
                lr, momentum = (float(np.float32(v)) for v in (rng.uniform(0.001, 0.5), rng.uniform(0, 0.99)))
                cases.append(Case(f"random run #{i}", (rng.normal(size=shape), rng.normal(size=(steps,) + shape), lr, momentum)))
        return cases

    def produce(self, fn, case):
        w0, grads, lr, momentum = case.args
        w, velocity = np.array(w0, dtype="float64"), np.zeros_like(w0, dtype="float64")
        for g in grads:                                    # the learner's step, applied repeatedly
            out = fn(w.copy(), velocity.copy(), g, lr, momentum)
            if not isinstance(out, (tuple, list)) or len(out) != 2:
                raise CheckFailed("expected the pair (new_w, new_velocity).")
            w, velocity = np.asarray(out[0], "float64"), np.asarray(out[1], "float64")
        return w

    def reference(self, w0, grads, lr, momentum):
        """The weights after Keras's own SGD(momentum) applied the same gradients."""
        import keras
        import tensorflow as tf

        var = tf.Variable(np.array(w0, dtype="float64"))
        opt = keras.optimizers.SGD(learning_rate=lr, momentum=momentum)
        for g in grads:
            opt.apply_gradients([(tf.constant(g, dtype="float64"), var)])
        return var.numpy()

    def judge(self, got, case):
        return compare_arrays(got, self.reference(*case.args), self.rtol, self.atol,
                              what=f"the weights after {len(case.args[1])} steps")


EXERCISES = [GDStep(), Minibatches(), MomentumStep()]
globals().update(exercises(*EXERCISES))
