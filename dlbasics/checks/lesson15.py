"""Checks for lesson 15, frameworks: a tf.data pipeline, a custom training loop, a save/load round trip."""
import tempfile
from pathlib import Path

import numpy as np

from .core import Case, CheckFailed, Exercise, as_array, compare_arrays, exercises


# ---- exercise 2: model.fit rewritten as a custom loop ---------------------------------------
def _loop_setup(seed, n, batch, l2, optimizer):
    """A fresh seeded model, optimizer, loss and (unshuffled) dataset for one case."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    r = np.random.default_rng(seed)
    x = r.normal(size=(n, 5)).astype("float32")
    y = (x @ r.normal(size=(5, 1)) + 0.3 * np.sin(3 * x[:, :1])).astype("float32")
    reg = keras.regularizers.L2(l2) if l2 else None
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="tanh", kernel_regularizer=reg),
                              keras.layers.Dense(1)])
    opt = {"sgd": lambda: keras.optimizers.SGD(0.05), "adam": lambda: keras.optimizers.Adam(0.01)}[optimizer]()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch)
    return model, opt, keras.losses.MeanSquaredError(), dataset


def _forbidden(*args, **kwargs):
    raise CheckFailed("your loop called model.compile or model.fit: the point is to write the "
                      "training loop yourself with tf.GradientTape.")


class CustomLoop(Exercise):
    number, title = 2, "train_custom"
    hint = ("For every batch: run the model inside tf.GradientTape (training=True), compute the loss "
            "plus sum(model.losses), take the gradient with respect to model.trainable_variables, "
            "apply it with the optimizer; return the mean batch loss of each epoch.")
    rtol, atol = 2e-4, 2e-5

    def cases(self, rng=None):
        return [
            Case("SGD, 4 batches, 1 epoch", (0, 64, 16, 0.0, "sgd", 1),
                 hint="One optimizer step per batch, not one per epoch."),
            Case("SGD, 3 epochs", (1, 48, 8, 0.0, "sgd", 3)),
            Case("Adam, L2-regularized layer, 2 epochs", (2, 64, 32, 0.01, "adam", 2),
                 hint="model.fit adds the layers' regularization penalties (model.losses) to the loss."),
            Case("one batch holding all the data", (3, 32, 32, 0.0, "adam", 2)),
        ]

    def produce(self, fn, case):
        seed, n, batch, l2, opt_name, epochs = case.args
        model, opt, loss_fn, dataset = _loop_setup(seed, n, batch, l2, opt_name)
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
            history.append(float(np.mean([float(step(x, y)) for x, y in dataset])))
        return history

    def judge(self, got, case):
        # The truth is model.fit itself, from the same seeded start.
        seed, n, batch, l2, opt_name, epochs = case.args
        model, opt, loss_fn, dataset = _loop_setup(seed, n, batch, l2, opt_name)
        model.compile(optimizer=opt, loss=loss_fn)
        fit = model.fit(dataset, epochs=epochs, verbose=0, shuffle=False).history["loss"]
        if got["losses"].shape != (epochs,):
            return (f"you returned {got['losses'].size} loss value(s) for {epochs} epoch(s): return one "
                    "number per epoch, the mean of that epoch's batch losses.")
        want = model.get_weights()
        if len(got["weights"]) != len(want) or any(g.shape != w.shape for g, w in zip(got["weights"], want)):
            return "the model's weights changed shape: train the model you were given, in place."
        wrong = [i for i, (g, w) in enumerate(zip(got["weights"], want))
                 if not np.allclose(g, w, rtol=self.rtol, atol=self.atol)]
        if wrong:
            untouched = all(np.allclose(g, w0) for g, w0 in zip(got["weights"], _fresh_weights(case)))
            if untouched:
                return "the model's weights did not change: apply the gradients with the optimizer."
            return (f"after training, {len(wrong)} of {len(want)} weight arrays differ from what "
                    "model.fit reaches from the same start.")
        problem = compare_arrays(got["losses"], fit, 1e-3, 1e-5, "your list of epoch losses")
        if problem:
            return problem + " (the weights are right: check how you average the loss over an epoch.)"
        return None


def _fresh_weights(case):
    seed, n, batch, l2, opt_name, _ = case.args
    return _loop_setup(seed, n, batch, l2, opt_name)[0].get_weights()


# ---- exercise 3: save to .keras and load back ---------------------------------------------
def _round_trip_model(kind, seed):
    import keras

    keras.utils.set_random_seed(seed)
    r = np.random.default_rng(seed)
    if kind == "sequential":
        return keras.Sequential([keras.Input((6,)), keras.layers.Dense(16, activation="relu"),
                                 keras.layers.Dense(3, activation="softmax")])
    if kind == "normalization":
        norm = keras.layers.Normalization()
        norm.adapt(r.normal(5.0, 3.0, size=(200, 6)).astype("float32"))
        return keras.Sequential([keras.Input((6,)), norm, keras.layers.Dense(4, activation="tanh"),
                                 keras.layers.Dense(1)])
    if kind == "batchnorm":
        inputs = keras.Input((6,))
        h = keras.layers.Dense(8)(inputs)
        h = keras.layers.BatchNormalization()(h)
        model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Activation("relu")(h)))
        model.compile("adam", "mse")   # a few steps so the moving statistics are not the defaults
        model.fit(r.normal(size=(64, 6)), r.normal(size=(64, 2)), epochs=2, batch_size=16, verbose=0)
        return model
    if kind == "two inputs":
        a, b = keras.Input((6,), name="a"), keras.Input((2,), name="b")
        h = keras.layers.Concatenate()([keras.layers.Dense(5, activation="relu")(a), b])
        return keras.Model([a, b], keras.layers.Dense(1)(h))
    raise ValueError(kind)


def _round_trip_inputs(kind, seed):
    x = np.random.default_rng(100 + seed).normal(2.0, 2.0, size=(10, 6)).astype("float32")
    if kind == "two inputs":
        return [x, x[:, :2] * -1]
    return x


class SaveReload(Exercise):
    number, title = 3, "save_and_reload"
    hint = ("model.save(path) writes the whole model (architecture, weights, compile state) to a "
            ".keras file; keras.saving.load_model(path) reads it back as a new model.")
    rtol, atol = 1e-6, 1e-6

    def cases(self, rng=None):
        return [Case("a Sequential classifier", ("sequential", 0)),
                Case("a model with an adapted Normalization layer", ("normalization", 1),
                     hint="An adapted layer's statistics are weights too: they must survive the round trip."),
                Case("a functional model with BatchNormalization after training", ("batchnorm", 2)),
                Case("a functional model with two inputs", ("two inputs", 3))]

    def produce(self, fn, case):
        import keras

        kind, seed = case.args
        model = _round_trip_model(kind, seed)
        x = _round_trip_inputs(kind, seed)
        before = keras.ops.convert_to_numpy(model(x, training=False))
        folder = Path(tempfile.mkdtemp(prefix="dlbasics-roundtrip-"))
        path = folder / "model.keras"
        loaded = fn(model, str(path))
        if loaded is None:
            raise CheckFailed("your function returned None: return the model you loaded back.")
        if loaded is model:
            raise CheckFailed("you returned the very model you were given: load a new one back from the file.")
        if not isinstance(loaded, keras.Model):
            raise CheckFailed(f"you returned a {type(loaded).__name__}, not a Keras model.")
        if not path.exists():
            raise CheckFailed("nothing was written at `path`: save the model to exactly that file.")
        import zipfile

        if not zipfile.is_zipfile(path):
            raise CheckFailed("the file at `path` is not in the .keras format (a zip archive): use "
                              "model.save(path) with a path ending in .keras.")
        # Whatever the function returned, the *file* must hold the model: load it ourselves too.
        from_file = keras.saving.load_model(path)
        after = keras.ops.convert_to_numpy(loaded(x, training=False))
        again = keras.ops.convert_to_numpy(from_file(x, training=False))
        return {"before": before, "after": after, "file": again}

    def reference(self, model, path):
        import keras

        model.save(path)
        return keras.saving.load_model(path)

    def judge(self, got, case):
        for key, what in (("after", "the model you returned"), ("file", "the model stored in the file")):
            problem = compare_arrays(got[key], got["before"], self.rtol, self.atol, f"the predictions of {what}")
            if problem:
                return problem + " They should equal the original model's predictions."
        return None


# ---- exercise 1: a tf.data input pipeline ---------------------------------------------------
def _pipeline_data(n, seed):
    r = np.random.default_rng(seed)
    labels = np.arange(n, dtype="int64")                          # label = example number
    images = r.integers(0, 256, size=(n, 4, 4, 1)).astype("uint8")
    images[:, 0, 0, 0] = labels % 256                              # lets us re-pair image and label
    images[:, 0, 1, 0] = labels // 256
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
    hint = ("Dataset.from_tensor_slices((images, labels)), then map a function that scales the images "
            "to float32 in [0, 1], shuffle(len(images), seed=seed) over single examples, batch(batch_size) "
            "keeping the last partial batch, and prefetch(tf.data.AUTOTUNE) at the end.")

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

    def produce(self, fn, case):
        import tensorflow as tf

        n, batch, seed = case.args
        images, labels = _pipeline_data(n, seed)
        ds = fn(images.copy(), labels.copy(), batch, seed)
        if not isinstance(ds, tf.data.Dataset):
            raise CheckFailed(f"you returned a {type(ds).__name__}, not a tf.data.Dataset.")
        epochs, dtype, lo, hi, paired = [], None, np.inf, -np.inf, True
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
                # the pixel we planted says which example an image is: does it match its label?
                ids = np.rint(x[:, 0, 0, 0] * (255.0 if x.max() <= 1.0 else 1.0)) \
                    + 256 * np.rint(x[:, 0, 1, 0] * (255.0 if x.max() <= 1.0 else 1.0))
                paired &= bool(np.array_equal(ids.astype("int64"), y))
                order.append(y.astype("int64"))
                sizes.append(len(y))
            epochs.append({"order": np.concatenate(order) if order else np.zeros(0, "int64"),
                           "sizes": np.array(sizes, "int64")})
        return {"epochs": epochs, "dtype": dtype, "lo": lo, "hi": hi, "paired": paired,
                "prefetch": any("Prefetch" in s for s in _stages(ds))}

    def reference(self, images, labels, batch_size, seed):
        import tensorflow as tf

        ds = tf.data.Dataset.from_tensor_slices((images, labels))
        ds = ds.map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y), num_parallel_calls=tf.data.AUTOTUNE)
        ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)

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
        if not got["prefetch"]:
            return "the pipeline does not prefetch: end it with .prefetch(tf.data.AUTOTUNE)."
        return None


EXERCISES = [Pipeline(), CustomLoop(), SaveReload()]
globals().update(exercises(*EXERCISES))
