"""Primitives for schematic diagrams: a blank canvas in data units, nodes, boxes, arrows.

Every diagram module builds on these so the course's figures share one look: light fills,
dark outlines, arrows that stop at the edge of what they point to."""
import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

INK = "#222222"
FILLS = {"input": "#dbe9f6", "hidden": "#fde8c8", "output": "#d9f2d9", "op": "#eeeeee",
         "gate": "#f6d5e5", "note": "#ffffff"}


def canvas(width, height, scale=0.9):
    """A figure whose axes run 0..width, 0..height (equal units), without ticks or grid."""
    fig, ax = plt.subplots(figsize=(width * scale, height * scale))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def node(ax, xy, text="", kind="hidden", r=0.3, fontsize=10):
    """A circle (a unit, a value) with a label inside; returns (x, y, r) for arrows."""
    ax.add_patch(Circle(xy, r, facecolor=FILLS.get(kind, kind), edgecolor=INK, lw=1.2, zorder=2))
    if text:
        ax.text(*xy, text, ha="center", va="center", fontsize=fontsize, zorder=3)
    return (*xy, r)


def box(ax, xy, text="", kind="op", w=1.2, h=0.6, fontsize=10):
    """A rounded box centred at xy (a layer, an operation); returns (x, y, w, h) for arrows."""
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=FILLS.get(kind, kind), edgecolor=INK, lw=1.2, zorder=2))
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=3)
    return (x, y, w, h)


def _edge_point(shape, toward):
    """Where a line from the shape's centre toward `toward` leaves the shape."""
    x, y = shape[0], shape[1]
    dx, dy = toward[0] - x, toward[1] - y
    length = max((dx * dx + dy * dy) ** 0.5, 1e-9)
    if len(shape) == 3:                               # circle
        return x + dx / length * shape[2], y + dy / length * shape[2]
    w, h = shape[2] / 2, shape[3] / 2                 # box: scale to the nearer side
    t = min(w / abs(dx) if dx else float("inf"), h / abs(dy) if dy else float("inf"))
    return x + dx * t, y + dy * t


def arrow(ax, start, end, text="", color=INK, rad=0.0, lw=1.2, fontsize=9, offset=(0, 0.15), style="-|>"):
    """An arrow between two shapes (from node/box) or points; optional label at its middle."""
    a = _edge_point(start, end[:2]) if len(start) > 2 else start
    b = _edge_point(end, start[:2]) if len(end) > 2 else end
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle=style, mutation_scale=12, color=color, lw=lw,
                                 connectionstyle=f"arc3,rad={rad}", zorder=1))
    if text:
        ax.text((a[0] + b[0]) / 2 + offset[0], (a[1] + b[1]) / 2 + offset[1], text, ha="center",
                va="bottom", fontsize=fontsize, color=color)


def label(ax, xy, text, fontsize=10, **kw):
    """Free text at xy (centred)."""
    ax.text(*xy, text, ha="center", va="center", fontsize=fontsize, **kw)
