"""Lesson 15's clustering comparison over several seeds: how much of DEC's gain over k-means on
the autoencoder's codes is more than run-to-run noise?

For each seed s: k-means (20 starts, random_state=s) on the codes of the shipped autoencoder, then
DEC exactly as in the lesson (the same ClusteringLayer, SGD 0.01 with momentum 0.9, rounds of
`check.reference(4)`, at most 15, stopping below 0.1 % changed), after keras.utils.set_random_seed(s)
(seed 0 is the lesson's run);
and, as baselines, k-means on raw pixels and on 10 PCA components with the same random_state.
The autoencoder itself is the one shipped (seed 0 of scripts/train_dec_autoencoder.py): its own
seed matters more (see that script's notes) and is not varied here (7 minutes per seed).

Run:  nice -n 19 .venv/bin/python scripts/dec_seeds.py      (a few minutes; prints a table)
"""
import numpy as np

import dlbasics

dlbasics.setup(seed=0)

import keras  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from dlbasics import data  # noqa: E402
from dlbasics.checks import lesson15 as check  # noqa: E402

threadpool_limits(1)


class ClusteringLayer(keras.layers.Layer):
    """DEC's soft assignment as a layer (as in the lesson)."""

    def __init__(self, n_clusters, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.n_clusters, self.alpha = n_clusters, alpha

    def build(self, input_shape):
        self.centers = self.add_weight(shape=(self.n_clusters, input_shape[-1]), initializer="zeros", name="centers")

    def call(self, z):
        squared = keras.ops.sum((keras.ops.expand_dims(z, 1) - self.centers) ** 2, axis=-1)
        kernel = (1.0 + squared / self.alpha) ** (-(self.alpha + 1.0) / 2.0)
        return kernel / keras.ops.sum(kernel, axis=1, keepdims=True)


def main(seeds=range(5)):
    accuracy, dec_round = check.reference(1), check.reference(4)
    images, y = data.fashion_mnist("test")
    x_img = images.astype("float32") / 255.0
    x = x_img.reshape(len(x_img), -1)
    encoder = keras.saving.load_model(data.model_path("dec_autoencoder")).get_layer("encoder")
    codes = encoder.predict(x_img, batch_size=1000, verbose=0)
    pcs = PCA(10, random_state=0).fit_transform(x)
    rows = []
    for s in seeds:
        pixels = accuracy(y, KMeans(10, n_init=10, random_state=s).fit(x).labels_)
        pca = accuracy(y, KMeans(10, n_init=20, random_state=s).fit(pcs).labels_)
        kmeans = KMeans(10, n_init=20, random_state=s).fit(codes)
        dec_encoder = keras.models.clone_model(encoder)
        dec_encoder.set_weights(encoder.get_weights())
        dec = keras.Sequential([dec_encoder, ClusteringLayer(10, name="clusters")])
        dec.build((None, 28, 28, 1))
        dec.get_layer("clusters").set_weights([kmeans.cluster_centers_])
        dec.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9), loss=keras.losses.KLDivergence())
        labels = dec.predict(x_img, batch_size=1000, verbose=0).argmax(1)
        keras.utils.set_random_seed(s)                      # as the lesson does right before its loop
        for _ in range(15):
            _, q, changed = dec_round(dec, x_img, labels)
            labels = q.argmax(1)
            if changed < 0.001:
                break
        rows.append((s, pixels, pca, accuracy(y, kmeans.labels_), accuracy(y, labels)))
        print("seed %d: pixels %.3f  PCA-10 %.3f  codes %.3f  DEC %.3f" % rows[-1][:5], flush=True)
    a = np.array(rows)[:, 1:]
    for name, col in zip(["k-means on pixels", "k-means on 10 PCA components", "k-means on codes", "DEC"], a.T):
        print(f"{name:30s} mean {col.mean():.3f}  min {col.min():.3f}  max {col.max():.3f}")
    gain = a[:, 3] - a[:, 2]
    print(f"DEC minus k-means on codes, same seed: mean {gain.mean():+.3f}, min {gain.min():+.3f}, max {gain.max():+.3f}")


if __name__ == "__main__":
    main()
