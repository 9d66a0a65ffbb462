"""Checks for lesson 08, training deep networks."""
import json
from functools import lru_cache

import numpy as np

from .core import Case, CheckFailed, Exercise, as_array, as_compiled_model, compare_arrays, exercises


# ---- exercise 1: batch normalization, both modes -------------------------------------------
def _bn_inputs(rng, shape, scale=3.0, shift=2.0):
    c = shape[-1]
    x = rng.normal(shift, scale, shape)
    gamma, beta = rng.uniform(0.5, 2.0, c), rng.normal(0, 1, c)
    moving_mean, moving_var = rng.normal(0, 1, c), rng.uniform(0.5, 4.0, c)
    return x, gamma, beta, moving_mean, moving_var


class BatchNorm(Exercise):
    number, title = 1, "batch_norm"
    hint = ("In training, normalize with the batch's own mean and (biased, ddof=0) variance over every axis "
            "but the last, and move each moving statistic a fraction (1 - momentum) of the way toward the "
            "batch's value. At inference, normalize with the moving statistics and leave them unchanged. "
            "Epsilon goes inside the square root.")
    # float32 answers (Keras's own default) must pass: with a channel's mean far from zero (|mean| ~ 5,
    # std ~ 0.5) float32 leaves ~1e-5 absolute in the output; every registered mistake is off by far more.
    rtol, atol = 1e-4, 3e-5
    # Keras's own layer would do the whole exercise (a second reader's mistake that passed).
    shortcuts = ("keras.layers.BatchNormalization.call",)

    def cases(self, rng=None):
        r = np.random.default_rng(8)
        x, g, b, mm, mv = _bn_inputs(r, (8, 3))
        x4, g4, b4, mm4, mv4 = _bn_inputs(r, (2, 3, 3, 4))
        xs, gs, bs, mms, mvs = _bn_inputs(r, (4, 2))
        tiny = r.normal(0, 0.01, (16, 2))             # variances near 1e-4: epsilon matters
        cases = [
            Case("training mode, a batch of 8 rows and 3 features", (x, g, b, mm, mv, True)),
            Case("inference mode, the same batch", (x, g, b, mm, mv, False),
                 hint="At inference the layer must not depend on the other examples in the batch."),
            Case("training mode, a batch of only 4 rows, momentum 0.9", (xs, gs, bs, mms, mvs, True), {"momentum": 0.9}),
            Case("inference mode, momentum 0.9 (nothing to update)", (xs, gs, bs, mms, mvs, False), {"momentum": 0.9}),
            Case("training mode, features with a tiny variance", (tiny, np.ones(2), np.zeros(2), np.zeros(2), np.ones(2), True)),
            Case("training mode, images (2, 3, 3, 4): statistics per channel", (x4, g4, b4, mm4, mv4, True)),
            Case("inference mode, images (2, 3, 3, 4)", (x4, g4, b4, mm4, mv4, False)),
            Case("training mode, epsilon 0.1", (x, g, b, mm, mv, True), {"epsilon": 0.1}),
        ]
        if rng is not None:
            for i in range(4):
                shape = tuple(int(v) for v in rng.integers(2, 7, int(rng.integers(2, 5))))
                args = _bn_inputs(rng, shape, float(rng.uniform(0.1, 5)), float(rng.normal(0, 3)))
                kwargs = {"momentum": float(rng.choice([0.9, 0.99, 0.5])), "epsilon": float(rng.choice([1e-3, 1e-5]))}
                cases.append(Case(f"random {'training' if i % 2 == 0 else 'inference'} case #{i}, shape {shape}",
                                  (*args, i % 2 == 0), kwargs))
        return cases

    def produce(self, fn, case):
        got = fn(*case.args, **case.kwargs)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise CheckFailed("expected three results: (output, new_moving_mean, new_moving_var).")
        return [as_array(v, f"result {name}") for v, name in zip(got, ("output", "new_moving_mean", "new_moving_var"))]

    def reference(self, x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3):
        """Keras's own layer, in float64, with these weights."""
        import keras

        layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon, dtype="float64")
        layer.build(x.shape)
        layer.set_weights([gamma, beta, moving_mean, moving_var])
        y = keras.ops.convert_to_numpy(layer(x, training=training))
        return [y, keras.ops.convert_to_numpy(layer.moving_mean), keras.ops.convert_to_numpy(layer.moving_variance)]

    def judge(self, got, case):
        want = self.reference(*case.args, **case.kwargs)
        x, gamma, beta, mm, mv, training = case.args
        momentum = case.kwargs.get("momentum", 0.99)
        epsilon = case.kwargs.get("epsilon", 1e-3)
        axes = tuple(range(x.ndim - 1))
        names = ("the output", "the new moving mean", "the new moving variance")
        for k, (g, w, name) in enumerate(zip(got, want, names)):
            problem = compare_arrays(g, w, self.rtol, self.atol, what=name)
            if not problem:
                continue
            g = np.asarray(g, dtype="float64")
            mean, var = x.mean(axis=axes), x.var(axis=axes)
            if k == 0 and not training and g.shape == w.shape and np.allclose(g, gamma * (x - mean) / np.sqrt(var + epsilon) + beta):
                return "at inference the output was normalized with the batch's statistics; use the moving ones."
            if k == 0 and training and g.shape == w.shape and np.allclose(g, gamma * (x - mean) / (np.sqrt(var) + epsilon) + beta):
                return "the output is off: epsilon belongs inside the square root, sqrt(var + epsilon)."
            if k == 0 and training and g.shape == w.shape and x.shape[0] > 1:
                n = int(np.prod([x.shape[a] for a in axes]))
                unbiased = var * n / (n - 1)
                if np.allclose(g, gamma * (x - mean) / np.sqrt(unbiased + epsilon) + beta):
                    return "the output used the unbiased variance (ddof=1); batch normalization divides by n (ddof=0)."
            if k > 0 and not training and g.shape == w.shape:
                return f"{name} changed at inference; the moving statistics only move in training mode."
            if k > 0 and training and g.shape == w.shape:
                batch = mean if k == 1 else var
                old = mm if k == 1 else mv
                if np.allclose(g, old * (1 - momentum) + batch * momentum):
                    return f"{name} moved the wrong way: momentum is the weight of the OLD value."
                if k == 2:
                    n = int(np.prod([x.shape[a] for a in axes]))
                    if n > 1 and np.allclose(g, old * momentum + var * n / (n - 1) * (1 - momentum)):
                        return "the moving variance used the unbiased (ddof=1) batch variance; Keras uses the same ddof=0 variance as for the output."
            return problem
        return None


# ---- exercise 2: inverted dropout ----------------------------------------------------------
def _dropout_input(rng, shape):
    return rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


def _mask_shared_along(dropped):
    """The axes (of length > 1) along which the dropped/kept pattern never changes: a mask broadcast from a
    smaller shape. A fresh decision per value repeats along an axis of 8 or more values by chance with
    probability below 1e-100 for the check's shapes."""
    return tuple(a for a in range(dropped.ndim)
                 if dropped.shape[a] > 1 and (dropped == np.take(dropped, [0], axis=a)).all())


class Dropout(Exercise):
    number, title = 2, "dropout"
    hint = ("In training, keep each value with probability 1 - rate (a fresh random draw per value) and divide "
            "the kept values by 1 - rate so the expected output equals the input; `rate` is the fraction "
            "DROPPED. At inference, return the input unchanged.")
    shortcuts = ("keras.layers.Dropout.call", "keras.random.dropout", "tensorflow.nn.dropout")

    def cases(self, rng=None):
        r = np.random.default_rng(2)
        big = _dropout_input(r, (200, 100))
        cases = [
            Case("training, rate 0.2, 200 rows of 100 values", (big, 0.2, True), {"seed": 0}),
            Case("inference, rate 0.2", (big, 0.2, False), {"seed": 0},
                 hint="At inference nothing is dropped and nothing is rescaled."),
            Case("training, rate 0.5", (big, 0.5, True), {"seed": 1}),
            Case("training, rate 0.7", (big, 0.7, True), {"seed": 2}),
            Case("training, rate 0 (nothing dropped)", (big[:20], 0.0, True), {"seed": 3}),
            Case("training, images (50, 8, 8, 8), rate 0.3", (_dropout_input(r, (50, 8, 8, 8)), 0.3, True), {"seed": 4}),
        ]
        if rng is not None:
            for i in range(3):
                rate = float(np.round(rng.uniform(0.1, 0.8), 2))
                cases.append(Case(f"random training case #{i}, rate {rate}",
                                  (_dropout_input(rng, (int(rng.integers(100, 300)), 100)), rate, True),
                                  {"seed": int(rng.integers(1000))}))
            cases.append(Case("random inference case", (_dropout_input(rng, (30, 40)), 0.4, False), {"seed": 5}))
        return cases

    def produce(self, fn, case):
        got = as_array(fn(*case.args, **case.kwargs))
        x, rate, training = case.args
        if not training or not 0 < rate < 1:
            return {"out": got}
        # Which values a call drops must follow from `seed`: the same seed again, then another one.
        again = as_array(fn(*case.args, **case.kwargs), "your function, called a second time,")
        other = as_array(fn(*case.args, **{**case.kwargs, "seed": case.kwargs["seed"] + 1}),
                         "your function, called with another seed,")
        return {"out": got, "same_seed": again, "other_seed": other}

    def reference(self, x, rate, training, seed=0):
        """Keras's Dropout layer: the same rule, with its own random numbers."""
        import keras

        return keras.ops.convert_to_numpy(keras.layers.Dropout(rate, seed=seed, dtype="float64")(x, training=training))

    def judge(self, got, case):
        x, rate, training = case.args
        runs = got
        got = np.asarray(runs["out"], dtype="float64")
        if got.shape != x.shape:
            return f"the result has shape {got.shape}; it must have the input's shape {x.shape}."
        if not np.isfinite(got).all():
            return "the result contains nan or inf."
        if not training or rate == 0:
            problem = compare_arrays(got, x, 1e-6, 1e-9)
            if problem and not training:
                return "at inference the output must equal the input (no dropping, no rescaling): " + problem
            return problem
        dropped = np.isclose(got, 0.0, atol=1e-9)
        kept = ~dropped
        scaled = x / (1 - rate)
        if not np.allclose(got[kept], scaled[kept], rtol=1e-5):
            if np.allclose(got[kept], x[kept], rtol=1e-5):
                return "the kept values are not rescaled: divide them by (1 - rate) so the expected output equals the input."
            if np.allclose(got[kept], x[kept] * (1 - rate), rtol=1e-5):
                return "the kept values are multiplied by (1 - rate); they must be divided by it."
            if np.allclose(got[kept], x[kept] / rate, rtol=1e-5):
                return "the kept values are divided by rate; divide by the keep probability, 1 - rate."
            return "the values that are not dropped should be the input divided by (1 - rate)."
        shared = _mask_shared_along(dropped)
        if shared == (0,):
            return ("every example got the same mask (the same positions dropped in every row); draw a fresh "
                    "keep/drop decision for every value, a mask of x's full shape.")
        if shared and 0 not in shared and len(shared) == x.ndim - 1:
            return ("each example was kept or dropped as a whole; dropout decides for every value separately "
                    "(a mask of x's full shape, not one decision per example).")
        if shared:
            axes = " and ".join(str(a) for a in shared)
            return (f"the mask repeats along axis {axes} (a smaller mask broadcast over x); draw one keep/drop "
                    "decision per value, a mask of x's full shape.")
        fraction = float(dropped.mean())
        if abs(fraction - rate) > 0.02:
            swapped = abs(fraction - (1 - rate)) <= 0.02
            return (f"{fraction:.0%} of the values were dropped, "
                    + ("about 1 - rate: `rate` is the fraction to DROP, not to keep." if swapped
                       else "not about `rate` of them."))
        rows = dropped.reshape(x.shape[0], -1)
        if rows.shape[0] > 1 and 0 < rate < 1 and np.mean(rows[1:] == rows[:-1]) > 0.97:
            return "every example got the same mask; draw a fresh keep/drop decision for every value."
        for key, same, message in [
                ("same_seed", True, "two calls with the same seed dropped different values: draw the random numbers "
                                    "from np.random.default_rng(seed), not from NumPy's global generator or an "
                                    "unseeded one, so that a seed reproduces its mask."),
                ("other_seed", False, "a different seed dropped exactly the same values: the mask must come from "
                                      "np.random.default_rng(seed) with the seed you are given, not a fixed one.")]:
            other = np.asarray(runs.get(key, got), dtype="float64")
            if other.shape != x.shape:
                return f"called again ({key.replace('_', ' ')}), the result has shape {other.shape}; it must have the input's shape."
            if np.array_equal(np.isclose(other, 0.0, atol=1e-9), dropped) != same:
                return message
        return None

    def pass_line(self, cases):
        return f"all {len(cases)} cases pass (dropped fractions, scaling and inference mode)."


# ---- exercise 3: warmup + cosine schedule --------------------------------------------------
def _steps(warmup, total):
    s = {0, 1, warmup - 1, warmup, warmup + 1, (warmup + total) // 2, total - 1, total, total + 1, total + 50,
         warmup // 2, warmup + (total - warmup) // 4}
    return sorted(v for v in s if v >= 0)


class WarmupCosine(Exercise):
    number, title = 3, "warmup_cosine"
    hint = ("For step < warmup_steps the rate is peak_lr * step / warmup_steps; from warmup_steps to total_steps "
            "it follows half a cosine from peak_lr down to floor, over total_steps - warmup_steps steps; after "
            "total_steps it stays at floor. Use tensor operations (keras.ops.where, minimum) so it works on the "
            "optimizer's step counter, and give the class a get_config.")
    rtol, atol = 1e-4, 1e-9
    shortcuts = ("keras.optimizers.schedules.CosineDecay.__call__",)

    def cases(self, rng=None):
        cases = [
            Case("peak 0.01, 100 warmup steps of 1,000", (0.01, 100, 1000)),
            Case("peak 0.001, 10 warmup steps of 50, floor 1e-5", (0.001, 10, 50), {"floor": 1e-5}),
            Case("peak 0.1, a single warmup step of 20", (0.1, 1, 20), {"floor": 0.01}),
            Case("peak 3e-4, 500 warmup steps of 10,000, floor 3e-6", (3e-4, 500, 10000), {"floor": 3e-6}),
        ]
        if rng is not None:
            for i in range(4):
                warmup = int(rng.integers(1, 200))
                total = warmup + int(rng.integers(1, 2000))
                peak = float(10 ** rng.uniform(-4, -1))
                cases.append(Case(f"random schedule #{i} (warmup {warmup} of {total} steps)", (peak, warmup, total),
                                  {"floor": float(peak * rng.choice([0.0, 0.01, 0.1]))}))
        return cases

    def produce(self, fn, case):
        import keras
        import tensorflow as tf

        schedule = fn(*case.args, **case.kwargs)
        if not isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
            raise CheckFailed(f"expected a keras.optimizers.schedules.LearningRateSchedule (an instance of your "
                              f"subclass), got a {type(schedule).__name__}.")
        steps = _steps(*case.args[1:3])
        try:
            eager = [float(keras.ops.convert_to_numpy(schedule(tf.constant(s, tf.int64)))) for s in steps]
        except Exception as e:
            raise CheckFailed(f"calling the schedule on a step tensor raised {type(e).__name__}: {e}") from None
        try:
            graph = tf.function(lambda s: tf.cast(schedule(s), tf.float64))
            in_graph = [float(graph(tf.constant(s, tf.int64))) for s in steps]
        except Exception as e:
            raise CheckFailed(f"the schedule fails inside a compiled training step ({type(e).__name__}): use tensor "
                              "operations (keras.ops.where, keras.ops.minimum), not a Python `if` on the step.") from None
        try:
            config = schedule.get_config()
            json.dumps(config)
            restored = type(schedule).from_config(config)
            again = [float(keras.ops.convert_to_numpy(restored(tf.constant(s, tf.int64)))) for s in steps]
        except NotImplementedError:
            raise CheckFailed("the schedule cannot be saved with a model: give the class a get_config() that "
                              "returns its constructor's arguments as a dict.") from None
        except Exception as e:
            raise CheckFailed(f"the schedule does not survive get_config() / from_config() ({type(e).__name__}: {e}); "
                              "get_config() must return the constructor's arguments as plain numbers.") from None
        return {"steps": steps, "eager": eager, "graph": in_graph, "restored": again}

    def reference(self, peak_lr, warmup_steps, total_steps, floor=0.0):
        import keras

        schedule = keras.optimizers.schedules.CosineDecay(0.0, total_steps - warmup_steps, alpha=floor / peak_lr,
                                                          warmup_target=peak_lr, warmup_steps=warmup_steps)
        return [float(keras.ops.convert_to_numpy(schedule(s))) for s in _steps(warmup_steps, total_steps)]

    def judge(self, got, case):
        want = self.reference(*case.args, **case.kwargs)
        peak, warmup, total = case.args
        for kind in ("eager", "graph", "restored"):
            for step, g, w in zip(got["steps"], got[kind], want):
                if not np.isfinite(g):
                    return f"at step {step} the rate is nan or inf."
                if abs(g - w) <= self.atol + self.rtol * abs(w):
                    continue
                where = kind == "restored" and " after get_config() / from_config()" or ""
                if step < warmup:
                    phase = "during the warmup"
                elif step == warmup:
                    phase = "at the end of the warmup (where the rate must be exactly peak_lr)"
                elif step <= total:
                    phase = "during the cosine decay" + (" (at total_steps the rate must be the floor)" if step == total else "")
                else:
                    phase = "after total_steps (the rate stays at the floor)"
                return f"at step {step}, {phase}{where}, the rate is too {'high' if g > w else 'low'}."
        return None


# ---- exercise 4: diagnose and fix a deep network ---------------------------------------------
DEPTH, EPOCHS, BATCH, MIN_ACCURACY, MAX_PARAMS = 12, 20, 32, 0.9, 40_000
# After training, the loss gradient at the first Dense layer of the longest chain, over the one at its last
# hidden layer: networks that train through their depth measured 0.28 to 11 (the course's fix over 20 seeds,
# scripts/sweep_lesson08_fix.py: 0.46 to 8.3; batch norm 11, residual 1.2, SELU 0.28 on seed 0); the 12
# sigmoid layers that a 2-layer ReLU path goes around (wrong answer fixed_model_deep_branch_bypassed) 1e-8.
MIN_GRADIENT_RATIO = 1e-3


@lru_cache(maxsize=1)
def spirals():
    """(x_train, y_train, x_val, y_val): 1,000 points to train on, 1,000 others to score on."""
    from .. import data

    x, y = data.two_spirals(1000, seed=0)
    xv, yv = data.two_spirals(1000, seed=1)
    return x, y, xv, yv


def _dense_chain(op):
    """The Dense layers along the longest chain through one layer or model, input to output.

    A functional model is walked node by node (the longest path wins, so layers side by side in
    parallel branches count once); a Sequential is one chain; a layer or subclassed model whose
    graph cannot be walked counts all of its Dense sublayers (the gradient test below then
    catches Dense layers that the output does not really go through)."""
    import keras

    if isinstance(op, keras.layers.Dense):
        return [op]
    if isinstance(op, keras.Sequential):
        return [dense for layer in op.layers for dense in _dense_chain(layer)]
    outputs = getattr(op, "outputs", None) if isinstance(op, keras.Model) else None
    if outputs:
        try:
            return _graph_chain(outputs)
        except (AttributeError, IndexError, TypeError):
            pass
    try:
        layers = list(op._flatten_layers(include_self=False, recursive=True))
    except Exception:
        layers = list(getattr(op, "layers", []))
    return [layer for layer in layers if isinstance(layer, keras.layers.Dense)]


def _graph_chain(outputs):
    import keras

    memo = {}

    def longest(tensor):
        if id(tensor) not in memo:
            op, node_index, _ = tensor._keras_history
            if isinstance(op, keras.layers.InputLayer):
                memo[id(tensor)] = []
            else:
                inputs = keras.tree.flatten(op._inbound_nodes[node_index].input_tensors)
                before = max((longest(t) for t in inputs if hasattr(t, "_keras_history")), key=len, default=[])
                memo[id(tensor)] = before + _dense_chain(op)
        return memo[id(tensor)]

    return max((longest(t) for t in keras.tree.flatten(outputs)), key=len, default=[])


def _gradient_ratio(model, chain, x, y):
    """Norm of the loss gradient of the chain's first Dense kernel over that of its last hidden one."""
    import tensorflow as tf

    first, last = chain[0].kernel, chain[-2].kernel
    with tf.GradientTape() as tape:
        loss = model.compute_loss(x=x, y=y, y_pred=model(x, training=False))
    grads = tape.gradient(loss, [first, last])
    norms = [0.0 if g is None else float(tf.norm(tf.cast(g, "float64"))) for g in grads]
    return norms[0] / norms[1] if norms[1] > 0 else float(norms[0] > 0)


class FixDeepNetwork(Exercise):
    number, title = 4, "fixed_model"
    trains_a_model = True
    hint = ("Look at what the forward signal and the gradients do through 12 sigmoid layers (section 1): "
            "match the activation and the initializer, consider normalization or skip connections, and pick "
            "an optimizer and learning rate that move in a short run.")

    def cases(self, rng=None):
        seed = 0 if rng is None else int(rng.integers(1 << 31))
        return [Case(f"trained {EPOCHS} epochs (batch {BATCH}) on 1,000 spiral points, scored on 1,000 others",
                     (), {"seed": seed})]

    def produce(self, fn, case):
        import keras

        from .core import output_head, probabilities

        x, y, xv, _ = spirals()
        keras.utils.set_random_seed(case.kwargs["seed"])
        model = as_compiled_model(fn())
        try:       # by calling it: compute_output_shape is not implemented for subclassed models
            out = (None,) + tuple(keras.ops.shape(model(x[:8], training=False)))[1:]
        except Exception:
            raise CheckFailed("the model does not accept a batch of points of shape (2,).") from None
        if out != (None, 1):
            raise CheckFailed(f"the model's output has shape {out}; it should give one value per point (None, 1).")
        last = model.layers[-1] if model.layers else None
        if getattr(getattr(last, "activation", None), "__name__", "") == "softmax" and getattr(last, "units", 0) == 1:
            raise CheckFailed("the output is a softmax over a single unit, which is 1.0 whatever the input: for one "
                              "0/1 output use a sigmoid (or logits with from_logits=True).")
        chain = _dense_chain(model)
        hidden = len(chain) - 1
        if hidden < DEPTH:
            raise CheckFailed(f"the longest chain of Dense layers from the input to the output has {hidden} hidden "
                              f"layer(s); keep at least {DEPTH} one after the other (layers side by side in parallel "
                              "branches do not make a network deeper). The exercise is to make the deep network "
                              "train, not to make it shallow.")
        if model.count_params() > MAX_PARAMS:
            raise CheckFailed(f"the model has {model.count_params():,} parameters, more than the limit of {MAX_PARAMS:,}.")
        output_head(model)
        try:
            model.fit(x, y, epochs=EPOCHS, batch_size=BATCH, verbose=0)
        except Exception as e:
            raise CheckFailed(f"training failed with {type(e).__name__}: is the loss one for 0/1 labels?") from None
        ratio = _gradient_ratio(model, chain, x[:500], y[:500, None].astype("float32"))
        return {"probabilities": probabilities(model, xv, batch_size=1000)[:, -1], "gradient_ratio": ratio}

    def reference(self):
        """The course's fix: ReLU with He initialization and Adam, the same 12 layers."""
        import keras

        layers = [keras.Input((2,))]
        layers += [keras.layers.Dense(32, activation="relu", kernel_initializer="he_normal") for _ in range(DEPTH)]
        model = keras.Sequential(layers + [keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy", metrics=["accuracy"])
        return model

    def judge(self, got, case):
        p = np.asarray(got["probabilities"], dtype="float64")
        yv = spirals()[3]
        if p.shape != yv.shape:
            return f"the predictions have shape {p.shape}, expected one per validation point."
        if not np.isfinite(p).all():
            return "the model predicts nan: training diverged."
        self.accuracy = float(((p > 0.5) == yv).mean())
        if self.accuracy < MIN_ACCURACY:
            return (f"validation accuracy {self.accuracy:.3f} is below {MIN_ACCURACY} after {EPOCHS} epochs: the "
                    "network still does not train well.")
        ratio = float(got["gradient_ratio"])
        if not ratio >= MIN_GRADIENT_RATIO:
            return (f"the accuracy is there, but after training the gradient reaching the first layer of your longest "
                    f"Dense chain is only {ratio:.0e} of the one at its last hidden layer: the signal does not get "
                    "through that chain, so the model learned along a shorter path beside it. Make the deep chain "
                    "itself train (section 1's diagnosis) instead of going around it.")
        return None

    def pass_line(self, cases):
        return f"validation accuracy {self.accuracy:.3f} (the bar is {MIN_ACCURACY})."


EXERCISES = [BatchNorm(), Dropout(), WarmupCosine(), FixDeepNetwork()]
globals().update(exercises(*EXERCISES))
