"""Checks for lesson 07, frameworks: a tf.data pipeline, a custom training loop, saving a model so training can resume."""
import tempfile
from pathlib import Path

import numpy as np

from .core import Case, CheckFailed, Exercise, as_array, compare_arrays, exercises


# ---- exercise 2: model.fit rewritten as a custom loop ---------------------------------------
def _loop_setup(seed, n, batch, l2, optimizer, kind="dense"):
    """A fresh seeded model, optimizer, loss and (unshuffled) dataset for one case. kind "dropout" or
    "batchnorm" adds a layer that behaves differently under training=True: a loop that calls the
    model without it (inference mode outside fit) trains differently from fit."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    r = np.random.default_rng(seed)
    x = r.normal(size=(n, 5)).astype("float32")
    y = (x @ r.normal(size=(5, 1)) + 0.3 * np.sin(3 * x[:, :1])).astype("float32")
    reg = keras.regularizers.L2(l2) if l2 else None
    extra = {"dense": [], "dropout": [keras.layers.Dropout(0.3, seed=seed)],
             "batchnorm": [keras.layers.BatchNormalization()]}[kind]
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="tanh", kernel_regularizer=reg),
                              *extra, keras.layers.Dense(1)])
    opt = {"sgd": lambda: keras.optimizers.SGD(0.05), "adam": lambda: keras.optimizers.Adam(0.01)}[optimizer]()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch)
    return model, opt, keras.losses.MeanSquaredError(), dataset


def _forbidden(*args, **kwargs):
    raise CheckFailed("your loop called model.compile or model.fit: the point is to write the "
                      "training loop yourself with tf.GradientTape.")


class CustomLoop(Exercise):
    number, title = 2, "train_custom"
    hint = ("For every batch: run the model inside tf.GradientTape with training=True, compute the loss "
            "plus sum(model.losses), take the gradient with respect to model.trainable_variables, "
            "apply it with the optimizer. An epoch's loss is the mean over its examples, as fit reports it.")
    rtol, atol = 2e-4, 2e-5

    def cases(self, rng=None):
        cases = [
            Case("SGD, 4 batches, 1 epoch", (0, 64, 16, 0.0, "sgd", 1),
                 hint="One optimizer step per batch, not one per epoch."),
            Case("SGD, 3 epochs", (1, 48, 8, 0.0, "sgd", 3)),
            Case("Adam, L2-regularized layer, 2 epochs", (2, 64, 32, 0.01, "adam", 2),
                 hint="model.fit adds the layers' regularization penalties (model.losses) to the loss."),
            Case("one batch holding all the data", (3, 32, 32, 0.0, "adam", 2)),
            Case("a last batch smaller than the others (50 examples, batches of 16)", (4, 50, 16, 0.0, "sgd", 2),
                 hint="The last batch holds 2 examples, the others 16: fit weights each batch's loss by its "
                      "number of examples, so the epoch loss is the mean over examples, not over batches."),
            Case("a model with Dropout", (5, 64, 16, 0.0, "sgd", 2, "dropout"),
                 hint="Outside fit, a model called without training=True runs Dropout in inference mode "
                      "(nothing dropped): call it with training=True in your training step."),
            Case("a model with BatchNormalization, partial last batch", (6, 56, 16, 0.0, "adam", 2, "batchnorm"),
                 hint="Outside fit, a model called without training=True runs BatchNormalization in inference "
                      "mode (its moving statistics instead of the batch's): call it with training=True."),
        ]
        if rng is not None:
            kind = str(rng.choice(["dense", "dropout", "batchnorm"]))
            n, batch = int(rng.integers(20, 90)), int(rng.integers(3, 25))
            cases.append(Case(f"random data size and batch size ({kind})",
                              (int(rng.integers(100, 10_000)), n, batch, float(rng.choice([0.0, 0.01])),
                               str(rng.choice(["sgd", "adam"])), int(rng.integers(1, 3)), kind)))
        return cases

    def produce(self, fn, case):
        seed, n, batch, l2, opt_name, epochs, *kind = case.args
        model, opt, loss_fn, dataset = _loop_setup(seed, n, batch, l2, opt_name, *kind)
        object.__setattr__(model, "fit", _forbidden)
        object.__setattr__(model, "compile", _forbidden)
        losses = fn(model, opt, loss_fn, dataset, epochs)
        losses = as_array(losses, "your function's list of epoch losses")
        return {"losses": losses.reshape(-1), "weights": [np.asarray(w) for w in model.get_weights()]}

    def reference(self, model, optimizer, loss_fn, dataset, epochs):
        """The course's custom loop (what the rest of the lesson uses)."""
        import tensorflow as tf

        @tf.function
        def step(x, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
                if model.losses:
                    loss = loss + tf.add_n(model.losses)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss

        history = []
        for _ in range(epochs):
            total, count = 0.0, 0
            for x, y in dataset:
                n = int(tf.shape(x)[0])
                total, count = total + float(step(x, y)) * n, count + n   # each batch weighted by its size
            history.append(total / count)
        return history

    def judge(self, got, case):
        # The truth is model.fit itself, from the same seeded start.
        seed, n, batch, l2, opt_name, epochs, *kind = case.args
        model, opt, loss_fn, dataset = _loop_setup(seed, n, batch, l2, opt_name, *kind)
        model.compile(optimizer=opt, loss=loss_fn)
        fit = model.fit(dataset, epochs=epochs, verbose=0, shuffle=False).history["loss"]
        if got["losses"].shape != (epochs,):
            return (f"you returned {got['losses'].size} loss value(s) for {epochs} epoch(s): return one "
                    "number per epoch, the mean loss over that epoch's examples.")
        want = model.get_weights()
        if len(got["weights"]) != len(want) or any(g.shape != w.shape for g, w in zip(got["weights"], want)):
            return "the model's weights changed shape: train the model you were given, in place."
        wrong = [i for i, (g, w) in enumerate(zip(got["weights"], want))
                 if not np.allclose(g, w, rtol=self.rtol, atol=self.atol)]
        if wrong:
            untouched = all(np.allclose(g, w0) for g, w0 in zip(got["weights"], _fresh_weights(case)))
            if untouched:
                return "the model's weights did not change: apply the gradients with the optimizer."
            if kind and kind[0] != "dense":
                model, opt, loss_fn, dataset = _loop_setup(seed, n, batch, l2, opt_name, *kind)
                _inference_mode_loop(model, opt, loss_fn, dataset, epochs)
                if all(np.allclose(g, w, rtol=self.rtol, atol=self.atol)
                       for g, w in zip(got["weights"], model.get_weights())):
                    return ("your loop trains the model in inference mode: called without training=True "
                            "(or with training=False), its Dropout/BatchNormalization layers behave as in "
                            "prediction, not as fit trains them.")
            return (f"after training, {len(wrong)} of {len(want)} weight arrays differ from what "
                    "model.fit reaches from the same start.")
        problem = compare_arrays(got["losses"], fit, 1e-3, 1e-5, "your list of epoch losses")
        if problem:
            return problem + (" (the weights are right: check how you average the loss over an epoch; "
                              "fit weights each batch by its number of examples.)")
        return None


def _inference_mode_loop(model, optimizer, loss_fn, dataset, epochs):
    """The loop with the model called as model(x): inference mode outside fit (for diagnosis)."""
    import tensorflow as tf

    for _ in range(epochs):
        for x, y in dataset:
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x))
                if model.losses:
                    loss = loss + tf.add_n(model.losses)
            optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))


def _fresh_weights(case):
    seed, n, batch, l2, opt_name, _, *kind = case.args
    return _loop_setup(seed, n, batch, l2, opt_name, *kind)[0].get_weights()


# ---- exercise 3: save mid-training, load, resume -------------------------------------------
def _resume_setup(kind, seed):
    """A seeded model, its optimizer, one batch of data and the number of steps before/after saving."""
    import keras

    keras.utils.set_random_seed(seed)
    r = np.random.default_rng(seed)
    x = r.normal(size=(32, 6)).astype("float32")
    y = (np.tanh(x[:, :2]) @ r.normal(size=(2, 1))).astype("float32")
    hidden = [keras.layers.Dense(8, activation="tanh")]
    if kind == "batchnorm":
        hidden += [keras.layers.BatchNormalization()]
    model = keras.Sequential([keras.Input((6,)), *hidden, keras.layers.Dense(1)])
    optimizer = {
        "adam": lambda: keras.optimizers.Adam(0.05),
        "momentum": lambda: keras.optimizers.SGD(0.05, momentum=0.9),
        "batchnorm": lambda: keras.optimizers.Adam(0.02),
        "schedule": lambda: keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5)),
    }[kind]()
    return model, optimizer, x, y


def _steps(model, optimizer, x, y, n):
    """n steps of the course's own loop (plain MSE on one batch)."""
    import tensorflow as tf

    for _ in range(n):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(x, training=True) - y) ** 2)
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))


BEFORE, AFTER = 4, 3        # steps trained before saving, and after loading


class SaveResume(Exercise):
    number, title = 3, "save_for_resuming"
    hint = ("Open a .keras file (it is a zip archive) and list what model.weights.h5 holds for a model "
            "trained in your own loop: is the optimizer's state there? A .keras file stores the optimizer of "
            "a compiled model; model.optimizer of the loaded model is what the check trains on with.")
    rtol, atol = 1e-5, 1e-6

    def cases(self, rng=None):
        return [Case("Adam, 4 steps before saving, 3 after", ("adam", 0),
                     hint="Adam keeps a step count and two moving averages per weight: all of it must be in the file."),
                Case("SGD with momentum", ("momentum", 1),
                     hint="Momentum is optimizer state too: the velocity of every weight."),
                Case("a model with BatchNormalization", ("batchnorm", 2)),
                Case("a learning rate that decays with the step count", ("schedule", 3),
                     hint="The schedule reads the optimizer's step count: a fresh optimizer starts again at step 0.")]

    def produce(self, fn, case):
        import keras

        kind, seed = case.args
        model, optimizer, x, y = _resume_setup(kind, seed)
        _steps(model, optimizer, x, y, BEFORE)
        before = keras.ops.convert_to_numpy(model(x, training=False))
        folder = Path(tempfile.mkdtemp(prefix="dlbasics-resume-"))
        path = folder / "model.keras"
        loaded = fn(model, optimizer, str(path))
        if loaded is None:
            raise CheckFailed("your function returned None: return the model you loaded back from the file.")
        if loaded is model:
            raise CheckFailed("you returned the very model you were given: load a new one back from the file.")
        if not isinstance(loaded, keras.Model):
            raise CheckFailed(f"you returned a {type(loaded).__name__}, not a Keras model.")
        import zipfile

        if not path.exists() or not zipfile.is_zipfile(path):
            raise CheckFailed("no .keras file (a zip archive) was written at `path`: save the model to exactly "
                              "that file with model.save(path).")
        from_file = keras.saving.load_model(path)
        results = {"before": before}
        for name, m in (("returned", loaded), ("file", from_file)):
            opt = getattr(m, "optimizer", None)
            if opt is None:
                where = "the model you returned" if name == "returned" else "the model stored in the file"
                raise CheckFailed(f"{where} has no optimizer (model.optimizer is None): the file holds no "
                                  "optimizer state, so training cannot resume where it stopped.")
            if opt is optimizer:
                raise CheckFailed("the loaded model uses the very optimizer object you were given: its state "
                                  "must come back from the file.")
            results[name + "_predictions"] = keras.ops.convert_to_numpy(m(x, training=False))
            results[name + "_iterations"] = int(keras.ops.convert_to_numpy(opt.iterations))
            _steps(m, opt, x, y, AFTER)
            results[name + "_resumed"] = [np.asarray(w, "float64") for w in m.get_weights()]
        return results

    def reference(self, model, optimizer, path):
        """Attach the optimizer (compile), so that the .keras file stores its state; load it back."""
        import keras

        model.compile(optimizer=optimizer)
        model.save(path)
        return keras.saving.load_model(path)

    def judge(self, got, case):
        kind, seed = case.args
        model, optimizer, x, y = _resume_setup(kind, seed)
        _steps(model, optimizer, x, y, BEFORE + AFTER)          # the same training, never interrupted
        want = [np.asarray(w, "float64") for w in model.get_weights()]
        for name, what in (("returned", "the model you returned"), ("file", "the model loaded from the file")):
            problem = compare_arrays(got[name + "_predictions"], got["before"], self.rtol, self.atol,
                                     f"the predictions of {what}")
            if problem:
                return problem + " They should equal the saved model's predictions."
            if got[name + "_iterations"] != BEFORE:
                return (f"the optimizer of {what} has counted {got[name + '_iterations']} steps, but the model "
                        f"was saved after {BEFORE}: the optimizer's state did not come back from the file.")
            resumed = got[name + "_resumed"]
            if len(resumed) != len(want) or not all(g.shape == w.shape and np.allclose(g, w, self.rtol, self.atol)
                                                    for g, w in zip(resumed, want)):
                return (f"training {what} for {AFTER} more steps does not continue as uninterrupted training "
                        "would: some optimizer state (moments, momentum, the step count) was lost on the way.")
        return None


# ---- exercise 1: a tf.data input pipeline ---------------------------------------------------
def _pipeline_data(n, seed):
    r = np.random.default_rng(seed)
    labels = np.arange(n, dtype="int64")                          # label = example number
    images = r.integers(0, 256, size=(n, 4, 4, 1)).astype("uint8")
    images[:, 0, 0, 0] = labels % 256                              # lets us re-pair image and label
    images[:, 0, 1, 0] = labels // 256
    images[:, 3, 3, 0] = 255 * (labels % 2)                        # the darkest and brightest pixels occur
    return images, labels


def _stages(ds):
    """The dataset classes along the pipeline, last stage first."""
    names, todo = [], [ds]
    while todo:
        d = todo.pop()
        names.append(type(d).__name__)
        try:
            todo.extend(d._inputs())
        except Exception:
            pass
    return names


class Pipeline(Exercise):
    number, title = 1, "make_pipeline"
    hint = ("Start from Dataset.from_tensor_slices((images, labels)); shuffle single examples with a buffer "
            "as large as the data and the given seed; batch (keep the last, smaller batch); scale the images "
            "to float32 in [0, 1] (a map, before or after batching); end with prefetch(tf.data.AUTOTUNE).")

    def cases(self, rng=None):
        cases = [Case("1,000 examples, batches of 32 (last batch partial)", (1000, 32, 0)),
                 Case("batches of 1", (50, 1, 1)),
                 Case("batch larger than the data", (40, 64, 2)),
                 Case("2,000 examples, batches of 100", (2000, 100, 3))]
        if rng is not None:
            for i in range(3):
                cases.append(Case(f"random size #{i}", (int(rng.integers(100, 1500)), int(rng.integers(2, 90)),
                                                        int(rng.integers(0, 10_000)))))
        return cases

    @staticmethod
    def _first_order(fn, images, labels, batch, seed):
        import tensorflow as tf

        ds = fn(images.copy(), labels.copy(), batch, seed)
        if not isinstance(ds, tf.data.Dataset):
            raise CheckFailed(f"you returned a {type(ds).__name__}, not a tf.data.Dataset.")
        return np.concatenate([np.asarray(y).reshape(-1) for _, y in ds]).astype("int64")

    def produce(self, fn, case):
        import tensorflow as tf

        n, batch, seed = case.args
        images, labels = _pipeline_data(n, seed)
        ds = fn(images.copy(), labels.copy(), batch, seed)
        if not isinstance(ds, tf.data.Dataset):
            raise CheckFailed(f"you returned a {type(ds).__name__}, not a tf.data.Dataset.")
        # Seeded: a second pipeline with the same seed gives the same first pass, another seed another one.
        same_seed = self._first_order(fn, images, labels, batch, seed)
        other_seed = self._first_order(fn, images, labels, batch, seed + 1)
        epochs, dtype, lo, hi, paired, off_grid, levels = [], None, np.inf, -np.inf, True, 0.0, set()
        for _ in range(2):
            order, sizes = [], []
            for element in ds:
                if not isinstance(element, tuple) or len(element) != 2:
                    raise CheckFailed("each element should be a pair (images, labels).")
                x, y = (np.asarray(t) for t in element)
                if x.ndim != 4 or y.ndim != 1:
                    raise CheckFailed(f"a batch holds images of shape {x.shape} and labels of shape {y.shape}: "
                                      "expected (batch, 4, 4, 1) and (batch,) — batch single examples.")
                dtype = str(x.dtype)
                lo, hi = min(lo, float(x.min())), max(hi, float(x.max()))
                # x / 255 keeps every grey level: 255 x is a whole number, and no two levels merge
                scaled = x.astype("float64") * (255.0 if x.max() <= 1.0 else 1.0)
                off_grid = max(off_grid, float(np.abs(scaled - np.rint(scaled)).max()) if x.size else 0.0)
                levels.update(np.unique(np.rint(scaled)).tolist())
                # the pixel we planted says which example an image is: does it match its label?
                ids = np.rint(x[:, 0, 0, 0] * (255.0 if x.max() <= 1.0 else 1.0)) \
                    + 256 * np.rint(x[:, 0, 1, 0] * (255.0 if x.max() <= 1.0 else 1.0))
                paired &= bool(np.array_equal(ids.astype("int64"), y))
                order.append(y.astype("int64"))
                sizes.append(len(y))
            epochs.append({"order": np.concatenate(order) if order else np.zeros(0, "int64"),
                           "sizes": np.array(sizes, "int64")})
        return {"epochs": epochs, "dtype": dtype, "lo": lo, "hi": hi, "paired": paired,
                "prefetch": any("Prefetch" in s for s in _stages(ds)),
                "same_seed": same_seed, "other_seed": other_seed,
                "off_grid": off_grid, "levels": len(levels)}

    def reference(self, images, labels, batch_size, seed):
        import tensorflow as tf

        ds = tf.data.Dataset.from_tensor_slices((images, labels))
        ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)   # the buffer holds uint8
        ds = ds.batch(batch_size)
        ds = ds.map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y),           # one vectorized op per batch
                    num_parallel_calls=tf.data.AUTOTUNE)
        return ds.prefetch(tf.data.AUTOTUNE)

    def judge(self, got, case):
        n, batch, _ = case.args
        first, second = got["epochs"]
        want_sizes = [batch] * (n // batch) + ([n % batch] if n % batch else [])
        if len(first["order"]) != n:
            return (f"one pass over your dataset gives {len(first['order'])} examples instead of all {n}"
                    + (": keep the last, smaller batch." if len(first["order"]) < n else "."))
        if sorted(first["sizes"].tolist(), reverse=True) != want_sizes:
            return "your batch sizes are not batch_size (with one smaller batch at the end)."
        if not np.array_equal(np.sort(first["order"]), np.arange(n)):
            return "some examples appear twice in one pass and others not at all."
        if got["dtype"] != "float32" or got["lo"] < 0 or got["hi"] > 1.0:
            return (f"the images come out as {got['dtype']} with values in [{got['lo']:.0f}, {got['hi']:.0f}]: "
                    "scale them to float32 in [0, 1].")
        if got["lo"] != 0.0 or not np.isclose(got["hi"], 1.0, rtol=0, atol=1e-6):
            return (f"the pixel values run from {got['lo']:.4f} to {got['hi']:.4f}: a black pixel (0) should "
                    "become exactly 0 and a white one (255) exactly 1. Divide by 255 (not 256), and subtract nothing.")
        if got["off_grid"] > 1e-3 or got["levels"] < len(np.unique(_pipeline_data(n, case.args[2])[0])):
            return ("your pixel values are not the original values divided by 255: each of the 256 grey "
                    "levels should keep its own value (v becomes v / 255, the same for every image), "
                    "computed in float32, not with integer division.")
        if not got["paired"]:
            return "images and labels no longer match: shuffle (image, label) pairs together."
        if n >= 200 and batch > 1:
            if np.array_equal(first["order"], np.arange(n)):
                return "the examples come out in their original order: shuffle them."
            runs = np.mean(np.diff(first["order"]) == 1)
            if runs > 0.5:
                return ("most neighbours in your batches are consecutive examples: shuffle single examples "
                        "before batching, not whole batches.")
            if first["order"][:batch].max() < n // 4 and batch >= 16:
                return ("your first batch only holds examples from the start of the data: the shuffle "
                        "buffer is too small; use a buffer as large as the dataset.")
            if np.array_equal(first["order"], second["order"]):
                return "both passes over the data give the same order: reshuffle at every epoch."
        if not np.array_equal(got["same_seed"], first["order"]):
            return ("two pipelines built with the same seed shuffle differently: pass the `seed` argument "
                    "to shuffle, so that a run can be repeated exactly.")
        if n >= 20 and np.array_equal(got["other_seed"], first["order"]):
            return "a different `seed` gives the same order: use the seed you are given, not a fixed number."
        if not got["prefetch"]:
            return "the pipeline does not prefetch: end it with .prefetch(tf.data.AUTOTUNE)."
        return None


EXERCISES = [Pipeline(), CustomLoop(), SaveResume()]
globals().update(exercises(*EXERCISES))
