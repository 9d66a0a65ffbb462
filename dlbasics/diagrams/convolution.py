"""Convolution arithmetic: where a kernel window sits on a (padded) input and which output pixel
it makes, for both paddings and a stride (in the spirit of Dumoulin & Visin's guide, drawn anew)."""
from matplotlib.patches import Rectangle

from .draw import FILLS, INK, arrow, box, canvas, label

WINDOW = "#e8710a"       # the kernel window and the output pixel it computes
NEXT = "#7a5195"         # the next window position, one stride further, and its output pixel


def _tf_pads(n, k, stride, padding):
    """TensorFlow's padding along one axis: (before, after), the extra pixel after."""
    if padding == "valid":
        return 0, 0
    out = -(-n // stride)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def _frame(ax, col, row, size, top, color, dashed=False):
    """An outline around a size x size block whose top-left cell is (row, col) of a grid whose top
    row is drawn at height `top`."""
    ax.add_patch(Rectangle((col - 0.5 + 0.04, top - row - size + 0.5 + 0.04), size - 0.08, size - 0.08,
                           fill=False, edgecolor=color, lw=2.4, ls=(0, (3, 2)) if dashed else "-", zorder=4))


def _panel(ax, x0, top, n, k, stride, padding):
    """One example: the padded input grid with its top-left cell at (x0, top), the output grid to
    its right, level with the input's top rows."""
    before, after = _tf_pads(n, k, stride, padding)
    size = n + before + after
    out = (size - k) // stride + 1
    for i in range(size):
        for j in range(size):
            inside = before <= i < before + n and before <= j < before + n
            box(ax, (x0 + j, top - i), "" if inside else "0", kind="input" if inside else "note",
                w=0.92, h=0.92, fontsize=7)
    _frame(ax, x0, 0, k, top, WINDOW)
    if out > 1:
        _frame(ax, x0 + stride, 0, k, top, NEXT, dashed=True)
    ox = x0 + size + 2.2
    otop = top - max((size - out) // 2 - 1, 0)
    for i in range(out):
        for j in range(out):
            first, second = (i, j) == (0, 0), (i, j) == (0, 1)
            fill = WINDOW if first else FILLS["output"]
            box(ax, (ox + j, otop - i), "", kind=fill, w=0.92, h=0.92)
            if second:
                _frame(ax, ox + j, 0, 1, otop, NEXT, dashed=True)
    arrow(ax, (x0 + k - 0.4, top - (k - 1) / 2), (ox - 0.55, otop), color=WINDOW, lw=1.6)
    pads = "no padding" if padding == "valid" else (
        f"zeros: {before} top/left, {after} bottom/right" if before != after else f"zeros: {before} on every side")
    label(ax, (x0 + (ox + out - x0) / 2 - 0.5, top + 1.6),
          f'padding="{padding}", stride {stride}, {k}×{k} kernel', fontsize=10, weight="bold")
    label(ax, (x0 + (ox + out - x0) / 2 - 0.5, top + 0.95),
          f"{n}×{n} input ({pads})  →  {out}×{out} output", fontsize=8.5)


def padding_and_stride():
    """Four convolutions of a small image, each drawn as its padded input, one kernel window
    (solid), the next window one stride further (dashed) and the output grid with the pixels
    those two windows compute. Returns the Figure."""
    fig, ax = canvas(30, 21, scale=0.34)
    _panel(ax, 0.6, 17.5, 5, 3, 1, "valid")
    _panel(ax, 15.6, 17.5, 5, 3, 1, "same")
    _panel(ax, 0.6, 7.6, 5, 3, 2, "same")
    _panel(ax, 15.6, 7.6, 4, 2, 1, "same")
    label(ax, (15, 0.2), "blue: image pixels   white 0: zero padding   orange: a kernel window and its output pixel   "
          "purple dashed: the next window, one stride on", fontsize=8, color=INK)
    return fig
