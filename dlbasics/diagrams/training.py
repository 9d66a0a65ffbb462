"""Training deep networks (lesson 08): which values share statistics under batch and layer
normalization, and a plain block next to a residual block. Each function returns a Figure."""
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

from .draw import INK, FILLS, arrow, box, canvas, label, node


def normalization_axes(rows=6, cols=5):
    """A batch as a grid (rows = examples, columns = features): batch normalization takes one
    mean and variance per column (over the batch), layer normalization one per row (over the features)."""
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.6))
    for ax, kind in zip(axes, ("batch", "layer")):
        ax.set_xlim(-0.9, cols + 0.3)
        ax.set_ylim(-1.1, rows + 0.9)
        ax.set_aspect("equal")
        ax.axis("off")
        for i in range(rows):
            for j in range(cols):
                highlighted = (j == 1) if kind == "batch" else (i == 2)
                ax.add_patch(Rectangle((j, rows - 1 - i), 1, 1, facecolor=FILLS["hidden"] if highlighted else "white",
                                       edgecolor=INK, lw=0.8))
        if kind == "batch":
            ax.add_patch(Rectangle((1, 0), 1, rows, fill=False, edgecolor="#c0392b", lw=2.2))
            title = "batch normalization\none mean and variance per feature,\nover the examples of the batch"
        else:
            ax.add_patch(Rectangle((0, rows - 3), cols, 1, fill=False, edgecolor="#c0392b", lw=2.2))
            title = "layer normalization\none mean and variance per example,\nover its features"
        ax.text(cols / 2, rows + 0.25, title, ha="center", va="bottom", fontsize=10)
        ax.text(cols / 2, -0.45, "features →", ha="center", va="center", fontsize=9)
        ax.text(-0.45, rows / 2, "examples →", ha="center", va="center", rotation=270, fontsize=9)
    fig.tight_layout()
    return fig


def residual_block():
    """Left: two plain layers, the signal must pass through both. Right: the same two layers as a
    residual branch F(x), added to an identity path: the block outputs x + F(x)."""
    fig, ax = canvas(10.4, 6.2)
    # plain
    label(ax, (2.2, 5.85), "plain", fontsize=11, style="italic")
    x1 = node(ax, (2.2, 0.55), "$x$", kind="input", r=0.33)
    d1 = box(ax, (2.2, 1.9), "Dense + ReLU", kind="hidden", w=2.2, h=0.6)
    d2 = box(ax, (2.2, 3.2), "Dense", kind="hidden", w=2.2, h=0.6)
    y1 = node(ax, (2.2, 4.95), "$F(x)$", kind="output", r=0.45, fontsize=9)
    arrow(ax, x1, d1)
    arrow(ax, d1, d2)
    arrow(ax, d2, y1)
    # residual
    label(ax, (7.2, 5.85), "residual", fontsize=11, style="italic")
    x2 = node(ax, (6.6, 0.55), "$x$", kind="input", r=0.33)
    r1 = box(ax, (6.6, 1.9), "Dense + ReLU", kind="hidden", w=2.2, h=0.6)
    r2 = box(ax, (6.6, 3.2), "Dense", kind="hidden", w=2.2, h=0.6)
    plus = node(ax, (6.6, 4.25), "+", kind="op", r=0.28, fontsize=13)
    arrow(ax, x2, r1)
    arrow(ax, r1, r2)
    arrow(ax, r2, plus)
    ax.plot([6.93, 8.9, 8.9], [0.55, 0.55, 4.25], color=INK, lw=1.6)
    arrow(ax, (8.9, 4.25), plus, lw=1.6)
    label(ax, (9.35, 2.4), "identity", fontsize=9, rotation=90)
    arrow(ax, plus, (6.6, 5.0))
    label(ax, (6.6, 5.35), "$x + F(x)$", fontsize=11)
    label(ax, (5.0, 2.55), "$F(x)$", fontsize=10)
    fig.tight_layout()
    return fig
