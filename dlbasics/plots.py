"""Plotting helpers shared by the lessons: one look for every figure, and the plots that
several lessons draw (training curves, image grids, decision boundaries)."""
import matplotlib.pyplot as plt
import numpy as np


def use_course_style() -> None:
    # Small PNGs keep the executed notebooks light; a grid makes values easy to read off.
    plt.rcParams.update({
        "figure.figsize": (6.4, 3.6),
        "figure.dpi": 80,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })


def image_grid(images, labels=None, class_names=None, ncols=8, size=1.2):
    """Show up to `ncols * k` grayscale images with their class names as titles."""
    images = np.asarray(images)
    n = len(images)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * size * 1.15))
    for i, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i].squeeze(), cmap="gray_r")
        if labels is not None:
            label = labels[i]
            ax.set_title(class_names[label] if class_names is not None else str(label), fontsize=8)
    fig.tight_layout()
    return fig


def history(hist, metrics=("loss",), title=None, ax=None):
    """Plot training (solid) and validation (dashed) curves from a Keras `History`."""
    h = hist.history if hasattr(hist, "history") else hist
    ax = ax or plt.gca()
    for m in metrics:
        line, = ax.plot(h[m], label=f"train {m}")
        if f"val_{m}" in h:
            ax.plot(h[f"val_{m}"], "--", color=line.get_color(), label=f"validation {m}")
    ax.set_xlabel("epoch")
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def decision_boundary(predict, x, y, ax=None, title=None, resolution=120, pad=0.5):
    """Shade where a 2-D classifier predicts each class and overlay the data points.

    `predict` maps an (n, 2) array to class probabilities (n, k) or scores (n,).
    """
    ax = ax or plt.gca()
    (x0, y0), (x1, y1) = x.min(0) - pad, x.max(0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.c_[gx.ravel(), gy.ravel()].astype("float32")
    p = np.asarray(predict(grid))
    z = p.argmax(-1) if p.ndim == 2 and p.shape[1] > 1 else (p.reshape(-1) > 0.5).astype(int)
    ax.contourf(gx, gy, z.reshape(gx.shape), alpha=0.45, cmap="coolwarm", levels=np.arange(z.max() + 2) - 0.5)
    ax.scatter(x[:, 0], x[:, 1], c=y, s=6, cmap="coolwarm", edgecolors="none")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def read_tensorboard(logdir):
    """Scalars from TensorBoard event files: {run: {tag: (steps, values)}}, run = path below logdir.

    Lets a notebook draw logged runs with matplotlib, without starting a TensorBoard server.
    """
    from pathlib import Path

    import tensorflow as tf

    runs = {}
    for events in sorted(Path(logdir).rglob("events.out.tfevents.*")):
        run = events.parent.relative_to(logdir).as_posix()
        for record in tf.data.TFRecordDataset(str(events)):
            event = tf.compat.v1.Event.FromString(record.numpy())
            for value in event.summary.value:
                if value.HasField("tensor"):
                    number = tf.make_ndarray(value.tensor)
                    if number.dtype.kind not in "fiu" or number.size != 1:
                        continue                    # graphs, model configs, histograms: not scalars
                    number = float(number)
                else:
                    number = value.simple_value
                steps, values = runs.setdefault(run, {}).setdefault(value.tag, ([], []))
                steps.append(event.step)
                values.append(number)
    return runs
