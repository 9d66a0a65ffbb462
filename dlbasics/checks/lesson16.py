"""Checks for lesson 16, generative adversarial networks.

`reference(2)` is also the course's GAN training step: the lesson's `GAN` model and
scripts/train_dcgan_fashion.py both call it, so the shipped generator was trained by exactly
the step the lesson teaches.
"""
import numpy as np

from .core import Case, CheckFailed, Exercise, compare_arrays, exercises


def _bce(from_logits=True):
    import keras

    return keras.losses.BinaryCrossentropy(from_logits=from_logits)


class GANLosses(Exercise):
    number, title = 1, "gan_losses"
    hint = ("From logits z: -log(sigmoid(z)) = softplus(-z) and -log(1 - sigmoid(z)) = softplus(z) "
            "(np.logaddexp(0, x) is a stable softplus). The discriminator wants real -> 1 and fake -> 0; "
            "the (non-saturating) generator wants its fakes called real: mean of softplus(-fake_logits).")
    rtol, atol = 1e-5, 1e-6

    def cases(self, rng=None):
        r = np.random.default_rng(10)
        cases = [
            Case("a batch of 8 real and 8 fake logits", (r.normal(size=(8, 1)), r.normal(size=(8, 1)))),
            Case("a confident discriminator: real logits high, fake logits low",
                 (r.normal(4, 1, (6, 1)), r.normal(-4, 1, (6, 1))),
                 hint="When the discriminator is right, its loss is small and the generator's loss large."),
            Case("a fooled discriminator: real logits low, fake logits high",
                 (r.normal(-3, 1, (5, 1)), r.normal(3, 1, (5, 1))),
                 hint="Check which target (1 or 0) goes with the real and which with the fake logits."),
            Case("huge logits (+-60)", (np.array([[60.0], [-60.0], [5.0]]), np.array([[-60.0], [60.0], [0.0]])),
                 hint="Work from the logits: sigmoid(60) rounds to exactly 1 and log(1 - 1) is -inf. "
                      "Use softplus or keras.losses.BinaryCrossentropy(from_logits=True)."),
            Case("flat arrays (no trailing axis), batch sizes differ", (r.normal(size=10), r.normal(size=4)),
                 hint="Average each term over its own batch."),
        ]
        if rng is not None:
            for i in range(4):
                n, m = int(rng.integers(1, 40)), int(rng.integers(1, 40))
                scale = float(rng.uniform(0.1, 8))
                cases.append(Case(f"random logits #{i}", (rng.normal(0, scale, (n, 1)), rng.normal(0, scale, (m, 1)))))
        return cases

    def produce(self, fn, case):
        real, fake = case.args
        got = fn(real.copy(), fake.copy())
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise CheckFailed("expected the pair (d_loss, g_loss).")
        out = []
        for name, value in zip(("d_loss", "g_loss"), got):
            value = np.asarray(value, dtype="float64")
            if value.size != 1:
                raise CheckFailed(f"{name} should be one number (a mean over the batch), but it has shape {value.shape}.")
            out.append(float(value.reshape(())))
        return out

    def reference(self, real_logits, fake_logits):
        """Keras's binary cross-entropy from logits: d = BCE(1, real) + BCE(0, fake), g = BCE(1, fake)."""
        real = np.asarray(real_logits, "float32").reshape(-1, 1)
        fake = np.asarray(fake_logits, "float32").reshape(-1, 1)
        bce = _bce()
        d_loss = bce(np.ones_like(real), real) + bce(np.zeros_like(fake), fake)
        g_loss = bce(np.ones_like(fake), fake)
        return [float(d_loss), float(g_loss)]

    def judge(self, got, case):
        (d, g), (want_d, want_g) = got, self.reference(*case.args)
        for name, value, want, advice in (
                ("d_loss", d, want_d, "it is BCE(1, real) + BCE(0, fake): the sum of two means"),
                ("g_loss", g, want_g, "it is BCE(1, fake): the non-saturating loss, -mean(log D(G(z)))")):
            if not np.isfinite(value):
                return f"{name} is nan or inf: compute it from the logits, not from rounded probabilities."
            if not np.isclose(value, want, rtol=self.rtol, atol=self.atol):
                side = "too high" if value > want else "too low"
                return f"{name} is {side} ({advice})."
        return None


# ---- exercise 2: one training step ---------------------------------------------------------
def _fixed_dropout_class():
    """Dropout whose mask is drawn once (per unit, from a seed): the same units are dropped at every
    training call, none at inference. Keras's Dropout draws a new mask at each call, so the result
    would depend on how many calls a step makes; a fixed mask keeps the check reproducible while
    still behaving differently under training=True and training=False."""
    import keras

    class FixedDropout(keras.layers.Layer):
        def __init__(self, rate, seed, **kwargs):
            super().__init__(**kwargs)
            self.rate, self.seed = rate, seed

        def build(self, input_shape):
            keep = np.random.default_rng(self.seed).random(input_shape[-1]) >= self.rate
            keep[0] = True                                   # never drop every unit
            self.keep = keras.ops.convert_to_tensor(keep.astype("float32") / (1 - self.rate))

        def call(self, x, training=None):
            return x * self.keep if training else x

    return FixedDropout


def _tiny_models(spec):
    """A small generator and discriminator with weights drawn from spec's seed. With
    spec["layers"] == "bn-dropout", the generator has a BatchNormalization layer and the
    discriminator a dropout layer, as the lesson's DCGAN does: a step that runs either model in
    inference mode (training=False, or no flag: inference even inside fit's train_step) computes
    different losses and updates. The generator's Dense layer before BatchNormalization has no bias
    (as in DCGAN blocks): BatchNormalization cancels it, so its gradient is zero up to rounding, and
    Adam (which divides by the gradient's size) would turn that rounding into an update that depends
    on the order of the learner's operations."""
    import keras

    rng = np.random.default_rng(spec["seed"])
    special = spec.get("layers") == "bn-dropout"
    g_layers = [keras.Input((spec["latent"],)), keras.layers.Dense(spec["hidden"], use_bias=not special)]
    g_layers += [keras.layers.BatchNormalization(momentum=0.8)] if special else []
    g_layers += [keras.layers.Activation("relu"), keras.layers.Dense(spec["dim"])]
    d_layers = [keras.Input((spec["dim"],)), keras.layers.Dense(spec["hidden"], activation="tanh")]
    d_layers += [_fixed_dropout_class()(0.5, spec["seed"])] if special else []
    d_layers += [keras.layers.Dense(1)]
    gen, disc = keras.Sequential(g_layers), keras.Sequential(d_layers)
    for model in (gen, disc):
        for layer in model.layers:
            if isinstance(layer, keras.layers.Dense):
                layer.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in layer.get_weights()])
            elif isinstance(layer, keras.layers.BatchNormalization):   # start away from mean 0, variance 1
                gamma, beta, mean, var = layer.get_weights()
                layer.set_weights([1 + rng.normal(0, 0.2, gamma.shape).astype("float32"),
                                   rng.normal(0, 0.2, beta.shape).astype("float32"),
                                   rng.normal(0, 1, mean.shape).astype("float32"),
                                   rng.uniform(0.5, 2, var.shape).astype("float32")])
    return gen, disc


def _optimizers(spec):
    import keras

    make = {"sgd": lambda lr: keras.optimizers.SGD(lr),
            "adam": lambda lr: keras.optimizers.Adam(lr, beta_1=0.5)}[spec["optimizer"]]
    return make(spec["g_lr"]), make(spec["d_lr"])


def _batches(spec):
    rng = np.random.default_rng(spec["seed"] + 1)
    return [(rng.normal(2, 1, (spec["batch"], spec["dim"])).astype("float32"),
             rng.normal(size=(spec["batch"], spec["latent"])).astype("float32")) for _ in range(spec["steps"])]


def _run_steps(step, spec):
    """Apply `step` spec["steps"] times; the losses and both models' weights after every step."""
    import tensorflow as tf

    gen, disc = _tiny_models(spec)
    g_opt, d_opt = _optimizers(spec)
    # Built before the first step, so a step decorated with @tf.function (traced anew for each case's new
    # models) never has to create optimizer variables on a later trace, which TensorFlow forbids.
    g_opt.build(gen.trainable_variables)
    d_opt.build(disc.trainable_variables)
    trace = []
    for real, noise in _batches(spec):
        out = step(gen, disc, g_opt, d_opt, tf.constant(real), tf.constant(noise))
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise CheckFailed("expected the pair (d_loss, g_loss) back from one step.")
        losses = []
        for name, value in zip(("d_loss", "g_loss"), out):
            value = np.asarray(value, dtype="float64")
            if value.size != 1:
                raise CheckFailed(f"{name} should be one number, but it has shape {value.shape}.")
            losses.append(float(value.reshape(())))
        trace.append({"losses": losses,
                      # trainable weights only: how often a correct step calls the generator (once or
                      # twice) changes BatchNormalization's moving statistics, not the update itself
                      "generator": [np.asarray(w, "float64") for w in gen.trainable_weights],
                      "discriminator": [np.asarray(w, "float64") for w in disc.trainable_weights]})
    return trace


def _gan_step(simultaneous=False, g_training_in_d_step=True, d_training_in_g_step=True, everything=True):
    """The correct GAN steps, and (for diagnosis only) the same steps with a model in inference mode."""
    import tensorflow as tf

    def step(generator, discriminator, g_optimizer, d_optimizer, real, noise):
        bce = _bce()
        if simultaneous:       # the other common correct form (TensorFlow's DCGAN tutorial): one forward pass
            with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
                fake = generator(noise, training=everything)
                real_logits = discriminator(real, training=everything)
                fake_logits = discriminator(fake, training=everything)
                d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
                g_loss = bce(tf.ones_like(fake_logits), fake_logits)
            d_grads = d_tape.gradient(d_loss, discriminator.trainable_variables)
            g_grads = g_tape.gradient(g_loss, generator.trainable_variables)
            d_optimizer.apply_gradients(zip(d_grads, discriminator.trainable_variables))
            g_optimizer.apply_gradients(zip(g_grads, generator.trainable_variables))
            return d_loss, g_loss
        with tf.GradientTape() as tape:
            fake = generator(noise, training=everything and g_training_in_d_step)
            real_logits = discriminator(real, training=everything)
            fake_logits = discriminator(fake, training=everything)
            d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        d_optimizer.apply_gradients(zip(grads, discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            fake_logits = discriminator(generator(noise, training=everything),
                                        training=everything and d_training_in_g_step)
            g_loss = bce(tf.ones_like(fake_logits), fake_logits)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        g_optimizer.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss

    return step


_simultaneous_step = _gan_step(simultaneous=True)

# Steps that run a model in inference mode, with what to tell a learner whose step matches one.
_INFERENCE_MODE_STEPS = [
    (dict(everything=False), "your step runs the models in inference mode (training=False, or no training "
     "argument, which means inference even inside fit's train_step). Pass training=True to every call of "
     "both models."),
    (dict(simultaneous=True, everything=False), "your step runs the models in inference mode (training=False, "
     "or no training argument, which means inference even inside fit's train_step). Pass training=True to "
     "every call."),
    (dict(g_training_in_d_step=False), "in the discriminator step your generator runs in inference mode "
     "(training=False). 'Held fixed' means its weights are not updated (they are not given to the "
     "optimizer), not inference mode: call it with training=True so the fakes are the ones it trains on."),
    (dict(d_training_in_g_step=False), "in the generator step your discriminator runs in inference mode "
     "(training=False). It is held fixed by not updating its weights, not by training=False: call it "
     "with training=True, as in its own step."),
]


class TrainStep(Exercise):
    number, title = 2, "gan_train_step"
    hint = ("Two halves, each under its own GradientTape: the discriminator's loss (real -> 1, fake -> 0) "
            "updates only the discriminator's variables with d_optimizer; then the generator's loss (its "
            "fakes labelled real, through the updated discriminator) updates only the generator's variables "
            "with g_optimizer. Every model call takes training=True.")
    rtol, atol = 1e-4, 1e-5

    def cases(self, rng=None):
        base = dict(latent=3, dim=2, hidden=8, batch=16, steps=2)
        specs = [
            ("one plain SGD step", dict(base, seed=0, optimizer="sgd", g_lr=0.1, d_lr=0.05, steps=1)),
            ("two Adam steps", dict(base, seed=1, optimizer="adam", g_lr=0.01, d_lr=0.02)),
            ("three SGD steps, larger models", dict(base, seed=2, latent=5, dim=4, hidden=16, batch=32,
                                                    optimizer="sgd", g_lr=0.2, d_lr=0.1, steps=3)),
            ("BatchNormalization in the generator, dropout in the discriminator, two SGD steps",
             dict(base, seed=3, hidden=12, layers="bn-dropout", optimizer="sgd", g_lr=0.1, d_lr=0.1)),
            ("BatchNormalization and dropout, two Adam steps",
             dict(base, seed=4, latent=4, dim=3, layers="bn-dropout", optimizer="adam", g_lr=0.01, d_lr=0.02)),
        ]
        if rng is not None:
            for i in range(2):
                specs.append((f"random setup #{i}", dict(
                    seed=int(rng.integers(1000)), latent=int(rng.integers(1, 6)), dim=int(rng.integers(1, 5)),
                    hidden=int(rng.integers(2, 12)), batch=int(rng.integers(4, 40)), steps=int(rng.integers(1, 4)),
                    optimizer=str(rng.choice(["sgd", "adam"])), g_lr=float(rng.uniform(0.01, 0.2)),
                    d_lr=float(rng.uniform(0.01, 0.2)), layers="bn-dropout" if i == 1 else "dense")))
        hint = ("These models behave differently in training and in inference mode: training=True makes "
                "BatchNormalization use the batch's statistics and dropout drop units. It does not decide "
                "which weights change; the variables you give each optimizer do.")
        return [Case(label, (spec,), hint=hint if spec.get("layers") == "bn-dropout" else "")
                for label, spec in specs]

    def produce(self, fn, case):
        return _run_steps(fn, case.args[0])

    def reference(self, generator, discriminator, g_optimizer, d_optimizer, real, noise):
        """One GAN update: the discriminator first, then the generator against the updated discriminator.

        The generator runs twice on the same noise (once per half, each with training=True), so a
        BatchNormalization layer in it updates its moving statistics twice per step: harmless, since
        training=True normalizes with the batch's own statistics; only inference uses the moving ones."""
        import tensorflow as tf

        bce = _bce()
        with tf.GradientTape() as tape:
            fake = generator(noise, training=True)
            real_logits = discriminator(real, training=True)
            fake_logits = discriminator(fake, training=True)
            d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        d_optimizer.apply_gradients(zip(grads, discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            fake_logits = discriminator(generator(noise, training=True), training=True)
            g_loss = bce(tf.ones_like(fake_logits), fake_logits)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        g_optimizer.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss

    def _differs(self, got, want):
        for k, (g_step, w_step) in enumerate(zip(got, want), 1):
            if not np.isclose(g_step["losses"][0], w_step["losses"][0], rtol=self.rtol, atol=self.atol):
                return (f"in step {k} the returned d_loss is wrong.",
                        "d_loss = BCE(1, D(real)) + BCE(0, D(G(noise))), computed before the update.")
            for part in ("discriminator", "generator"):
                for g, w in zip(g_step[part], w_step[part]):
                    if g.shape != w.shape or not np.allclose(g, w, rtol=self.rtol, atol=self.atol):
                        advice = {"discriminator": "update it with the gradients of d_loss (real -> 1, fake -> 0) "
                                                   "w.r.t. discriminator.trainable_variables, through d_optimizer, "
                                                   "and with nothing else",
                                  "generator": "update it only in the generator step, with the gradients of the "
                                               "non-saturating g_loss w.r.t. generator.trainable_variables, "
                                               "through g_optimizer"}[part]
                        return (f"after step {k} the {part}'s weights are not those of a correct update.", advice)
            if not np.isclose(g_step["losses"][1], w_step["losses"][1], rtol=self.rtol, atol=self.atol):
                return (f"in step {k} the returned g_loss is wrong.",
                        "g_loss = BCE(1, D(G(noise))) with the updated discriminator, before the generator's update.")
        return None

    def judge(self, got, case):
        spec = case.args[0]
        if len(got) != spec["steps"]:
            return f"ran {len(got)} steps instead of {spec['steps']}."
        problem = self._differs(got, _run_steps(self.reference, spec))
        if problem and not self._differs(got, _run_steps(_simultaneous_step, spec)):
            return None                     # both updates from one forward pass: also a correct GAN step
        if problem and spec.get("layers") == "bn-dropout":
            for flags, advice in _INFERENCE_MODE_STEPS:
                if not self._differs(got, _run_steps(_gan_step(**flags), spec)):
                    return advice
        return f"{problem[0]} To fix: {problem[1]}" if problem else None


# ---- exercise 3: spherical interpolation ----------------------------------------------------
class Slerp(Exercise):
    number, title = 3, "slerp"
    hint = ("t = np.linspace(0, 1, steps); omega = the angle between z0 and z1 "
            "(arccos of the cosine similarity, clipped to [-1, 1]); row i = sin((1 - t) omega) / sin(omega) * z0 "
            "+ sin(t omega) / sin(omega) * z1; when sin(omega) is (nearly) 0, fall back to (1 - t) z0 + t z1.")
    rtol, atol = 1e-6, 1e-8

    def cases(self, rng=None):
        r = np.random.default_rng(11)
        cases = [
            Case("two 4-D latent vectors, 5 steps", (r.normal(size=4), r.normal(size=4), 5)),
            Case("orthogonal unit vectors, 3 steps", (np.array([1.0, 0.0]), np.array([0.0, 1.0]), 3),
                 hint="Halfway between two orthogonal unit vectors on the circle is (0.707, 0.707), "
                      "not (0.5, 0.5): that would be the straight line."),
            Case("just the two endpoints (steps=2)", (r.normal(size=3), r.normal(size=3), 2),
                 hint="Both endpoints are included: the first row is z0 and the last row is z1."),
            Case("a 64-D latent vector, 10 steps", (r.normal(size=64), r.normal(size=64), 10)),
            Case("vectors of different lengths", (np.array([3.0, 0.0, 0.0]), np.array([0.0, 0.0, -1.0]), 4)),
            Case("the same vector twice", (np.array([0.5, -1.0, 2.0]), np.array([0.5, -1.0, 2.0]), 4),
                 hint="The angle is 0 and sin(0) = 0: guard against dividing by it (and clip the cosine)."),
            Case("parallel vectors (one twice the other)", (np.array([1.0, 2.0]), np.array([2.0, 4.0]), 5),
                 hint="The angle is 0: fall back to linear interpolation, the formula's limit."),
            Case("opposite vectors", (np.array([1.0, -2.0, 0.5]), np.array([-2.0, 4.0, -1.0]), 5),
                 hint="The angle is pi and sin(pi) is 0 too: no single arc joins opposite vectors, so "
                      "fall back to the straight line whenever sin(omega) is nearly 0, not only when omega is."),
        ]
        if rng is not None:
            for i in range(4):
                d, steps = int(rng.integers(1, 100)), int(rng.integers(2, 16))
                cases.append(Case(f"random vectors #{i}", (rng.normal(size=d), rng.normal(size=d), steps)))
        return cases

    def produce(self, fn, case):
        z0, z1, steps = case.args
        got = fn(z0.copy(), z1.copy(), steps)
        if got is None:
            raise CheckFailed("your function returned None. Did you forget `return`?")
        return np.asarray(got, dtype="float64")

    def reference(self, z0, z1, steps):
        z0, z1 = np.asarray(z0, "float64"), np.asarray(z1, "float64")
        t = np.linspace(0.0, 1.0, steps)[:, None]
        cos = np.dot(z0, z1) / max(np.linalg.norm(z0) * np.linalg.norm(z1), 1e-300)
        omega = np.arccos(np.clip(cos, -1.0, 1.0))
        if np.sin(omega) < 1e-6:
            return (1 - t) * z0 + t * z1
        return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)

    def judge(self, got, case):
        z0, z1, steps = case.args
        want = self.reference(*case.args)
        if got.shape != want.shape:
            if got.ndim == 2 and got.shape[1] == want.shape[1]:
                return (f"returned {got.shape[0]} rows for steps={steps}; expected one row per step, "
                        "the first z0 and the last z1.")
            return f"the result has shape {got.shape}, but it should be (steps, latent size) = {want.shape}."
        if not np.isfinite(got).all():
            return "the result contains nan or inf (a division by sin(0) for vectors at angle 0?)."
        if not np.allclose(got[0], z0, self.rtol, self.atol):
            return "the first row is not z0: the path must start exactly at z0."
        if not np.allclose(got[-1], z1, self.rtol, self.atol):
            return "the last row is not z1: the path must end exactly at z1."
        linear = np.linspace(0.0, 1.0, steps)[:, None] * (z1 - z0) + z0
        if steps > 2 and np.allclose(got, linear, self.rtol, self.atol) and not np.allclose(want, linear, self.rtol, self.atol):
            return "the rows lie on the straight line from z0 to z1; this exercise asks for the spherical path."
        return compare_arrays(got, want, self.rtol, self.atol, what="the path")


EXERCISES = [GANLosses(), TrainStep(), Slerp()]
globals().update(exercises(*EXERCISES))
