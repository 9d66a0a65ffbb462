"""Lesson 00: where the features come from, in classic machine learning and in deep learning."""
from .draw import arrow, box, canvas, label


def ml_vs_dl():
    """Two pipelines side by side: hand-made features -> model, and raw input -> learned layers."""
    fig, ax = canvas(11, 4.2)
    label(ax, (5.5, 3.95), "Classic machine learning: a person designs the features", fontsize=11, weight="bold")
    raw1 = box(ax, (1.1, 3.2), "raw input\n(date, rain,\nwind)", kind="input", w=1.7, h=0.95)
    feat = box(ax, (4.15, 3.2), "features designed\nby you (season on a\ncircle, log of rain)", kind="note", w=2.7, h=1.05)
    model = box(ax, (7.35, 3.2), "model fits\nthe rule (linear,\nforest)", kind="hidden", w=2.0, h=1.05)
    out1 = box(ax, (9.8, 3.2), "prediction", kind="output", w=1.5, h=0.6)
    arrow(ax, raw1, feat)
    arrow(ax, feat, model)
    arrow(ax, model, out1)

    label(ax, (5.5, 1.95), "Deep learning: the layers learn the features from raw input", fontsize=11, weight="bold")
    raw2 = box(ax, (1.1, 1.05), "raw input\n(784 pixels)", kind="input", w=1.7, h=0.95)
    layers = [box(ax, (3.35 + 1.5 * i, 1.05), name, kind="hidden", w=1.1, h=0.95)
              for i, name in enumerate(["layer 1\nedges", "layer 2\nshapes", "layer 3\nparts"])]
    last = box(ax, (7.9, 1.05), "output\nlayer", kind="hidden", w=1.0, h=0.95)
    out2 = box(ax, (9.8, 1.05), "prediction", kind="output", w=1.5, h=0.6)
    chain = [raw2, *layers, last, out2]
    for a, b in zip(chain, chain[1:]):
        arrow(ax, a, b)
    label(ax, (5.6, 0.25), "all trained together, from examples", fontsize=9, style="italic")
    return fig
