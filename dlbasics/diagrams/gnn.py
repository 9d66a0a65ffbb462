"""Graph neural network diagrams: one round of message passing on a small graph."""
from matplotlib.patches import Arc

from .draw import FILLS, arrow, box, canvas, label, node

MESSAGE = "#c0392b"


def message_passing():
    """One round of message passing on the lesson's six-node toy graph, seen from node 2: every
    neighbour (and node 2 itself, through its self-loop) sends its feature row along an edge,
    node 2 aggregates the messages, and a shared update turns the aggregate into its new row."""
    fig, ax = canvas(8.6, 5.4)
    pos = {0: (0.8, 4.3), 1: (0.8, 2.3), 2: (2.6, 3.3), 3: (4.4, 3.3), 4: (6.2, 4.3), 5: (6.2, 2.3)}
    kinds = {0: "input", 1: "input", 2: "output", 3: "input", 4: FILLS["op"], 5: FILLS["op"]}
    shapes = {i: node(ax, xy, f"$x_{i}$", kind=kinds[i], r=0.38, fontsize=11) for i, xy in pos.items()}
    for i, j in [(0, 1), (3, 4), (3, 5), (4, 5)]:          # edges that carry nothing to node 2
        arrow(ax, shapes[i], shapes[j], style="-", color="#999999")
    for j in (0, 1, 3):                                    # the messages node 2 receives
        arrow(ax, shapes[j], shapes[2], color=MESSAGE, lw=2.0)
    ax.add_patch(Arc((2.6, 3.9), 0.55, 0.55, theta1=-40, theta2=220, color=MESSAGE, lw=2.0))
    label(ax, (2.6, 4.4), "self-loop", fontsize=8, color=MESSAGE)
    label(ax, (4.3, 5.15), "1. message: every edge $j \\to 2$ carries $x_j$ (edges both ways, plus a self-loop)",
          fontsize=9, color=MESSAGE)
    agg = box(ax, (2.6, 0.8), "2. aggregate\nsum or mean of $x_0, x_1, x_2, x_3$", w=2.9, h=0.9, fontsize=9)
    upd = box(ax, (5.4, 0.8), "3. update\n$\\sigma(\\,\\cdot\\;W + b)$", kind="gate", w=1.8, h=0.9, fontsize=9)
    out = node(ax, (7.5, 0.8), "$h'_2$", kind="output", r=0.4, fontsize=11)
    arrow(ax, shapes[2], agg)
    arrow(ax, agg, upd)
    arrow(ax, upd, out)
    label(ax, (6.6, 1.58), "the same $W, b$ at every node:\nall six rows are updated at once", fontsize=8,
          style="italic")
    return fig
