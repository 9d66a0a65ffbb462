"""Backpropagation on a computational graph (lesson 04): forward values and backward gradients."""
import matplotlib.pyplot as plt

from .draw import INK, arrow, canvas, label, node

FORWARD, BACKWARD = "#1f4e9c", "#c0392b"


def _edge(ax, start, end, value, grad, gap=0.28, at=0.5):
    """An arrow from start to end, the forward value on its upper side and the gradient on its lower
    side (offset perpendicular to the arrow, at fraction `at` along it)."""
    arrow(ax, start, end, color=INK)
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = (dx * dx + dy * dy) ** 0.5
    nx, ny = -dy / length, dx / length              # unit normal pointing to the upper side
    if ny < 0:
        nx, ny = -nx, -ny
    mx, my = start[0] + at * dx, start[1] + at * dy
    style = dict(ha="center", va="center", fontsize=9.5, zorder=4,
                 bbox=dict(boxstyle="round,pad=0.12", facecolor="white", edgecolor="none", alpha=0.9))
    ax.text(mx + gap * nx, my + gap * ny, value, color=FORWARD, **style)
    ax.text(mx - gap * nx, my - gap * ny, grad, color=BACKWARD, **style)


def computational_graph(x=2.0, w=0.5, b=1.0, y=3.0):
    """L = (w*x + b - y)**2 as a graph: each edge carries its forward value (blue, above) and the
    gradient of L with respect to that value (red, below), computed backwards from L."""
    u = w * x
    z = u + b
    e = z - y
    loss = e ** 2
    d_e = 2 * e                     # dL/de
    d_z, d_y = d_e, -d_e            # e = z - y
    d_u, d_b = d_z, d_z             # z = u + b
    d_w, d_x = d_u * x, d_u * w     # u = w * x

    def num(v):
        return f"{v:g}".replace("-", "\u2212")

    fig, ax = canvas(12.4, 5.0, scale=0.85)
    nw = node(ax, (0.7, 4.4), "w", kind="input", r=0.32, fontsize=12)
    nx = node(ax, (0.7, 1.6), "x", kind="input", r=0.32, fontsize=12)
    nb = node(ax, (6.0, 0.55), "b", kind="input", r=0.32, fontsize=12)
    ny = node(ax, (8.6, 0.55), "y", kind="input", r=0.32, fontsize=12)
    mul = node(ax, (3.2, 3.0), "\u00d7", kind="op", r=0.38, fontsize=16)
    add = node(ax, (6.0, 2.5), "+", kind="op", r=0.38, fontsize=16)
    sub = node(ax, (8.6, 2.5), "\u2212", kind="op", r=0.38, fontsize=16)
    sq = node(ax, (10.5, 2.5), "( )\u00b2", kind="op", r=0.42, fontsize=11)
    out = node(ax, (11.95, 2.5), "L", kind="output", r=0.32, fontsize=12)

    _edge(ax, nw, mul, f"w = {num(w)}", f"\u2202L/\u2202w = {num(d_w)}", gap=0.45)
    _edge(ax, nx, mul, f"x = {num(x)}", f"\u2202L/\u2202x = {num(d_x)}", gap=0.45)
    _edge(ax, mul, add, f"u = {num(u)}", f"\u2202L/\u2202u = {num(d_u)}", gap=0.32)
    _edge(ax, nb, add, f"b = {num(b)}", f"\u2202L/\u2202b = {num(d_b)}", gap=0.65)
    _edge(ax, add, sub, f"z = {num(z)}", f"\u2202L/\u2202z = {num(d_z)}", gap=0.3)
    _edge(ax, ny, sub, f"y = {num(y)}", f"\u2202L/\u2202y = {num(d_y)}", gap=0.65)
    _edge(ax, sub, sq, f"e = {num(e)}", f"{num(d_e)}", gap=0.3)
    _edge(ax, sq, out, f"L = {num(loss)}", f"{num(1)}", gap=0.3)

    grey = dict(fontsize=9, color="#555555")
    label(ax, (3.2, 3.65), "u = w\u00b7x", **grey)
    label(ax, (6.0, 3.15), "z = u + b", **grey)
    label(ax, (8.6, 3.15), "e = z \u2212 y", **grey)
    label(ax, (10.5, 3.2), "L = e\u00b2", **grey)
    ax.text(5.4, 4.75, "forward: values flow left to right (blue, above each arrow)", color=FORWARD,
            fontsize=10, ha="left", va="center")
    ax.text(5.4, 4.35, "backward: \u2202L/\u2202(value) flows right to left (red, below)", color=BACKWARD,
            fontsize=10, ha="left", va="center")
    ax.text(5.4, 3.9, "each node multiplies the gradient arriving from its output by its local derivative:\n"
            "\u2202L/\u2202w = \u2202L/\u2202u \u00b7 \u2202u/\u2202w = \u2202L/\u2202u \u00b7 x", color=INK,
            fontsize=9, ha="left", va="center")
    plt.close(fig)
    return fig
