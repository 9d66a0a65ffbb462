"""Modern CNN building blocks (lesson 10): a residual block, a VGG-style stack next to a
ResNet-style one, a depthwise-separable convolution, and the transfer-learning recipe."""
from matplotlib.patches import FancyBboxPatch

from .draw import FILLS, INK, arrow, box, canvas, label

FROZEN = "#d9d9d9"       # weights that do not change
TRAINS = "#fde8c8"       # weights being trained
NEW = "#d9f2d9"          # a new, randomly initialised head
SKIP = "#1f77b4"


def residual_block():
    """A basic residual block (two 3x3 convolutions with batch norm) with its two shortcuts:
    the identity when the shape stays, a 1x1 convolution (+ BN) when stride or channels change."""
    fig, ax = canvas(11, 9.6, scale=0.62)
    cx = 3.2
    xin = box(ax, (cx, 9.0), "input x  (h, w, c)", kind="input", w=3.4, h=0.6)
    ys = [7.9, 6.9, 5.9, 4.9, 3.9]
    names = ["Conv 3×3, f filters, stride s\n(no bias)", "BatchNorm", "ReLU",
             "Conv 3×3, f filters\n(no bias)", "BatchNorm"]
    kinds = ["hidden", "op", "op", "hidden", "op"]
    shapes = [box(ax, (cx, y), t, kind=k, w=3.4, h=0.7 if "\n" in t else 0.55, fontsize=8.5)
              for y, t, k in zip(ys, names, kinds)]
    add = box(ax, (cx, 2.65), "+", kind="note", w=0.7, h=0.6, fontsize=13)
    relu = box(ax, (cx, 1.6), "ReLU (after the addition)", kind="op", w=3.4, h=0.55, fontsize=8.5)
    out = box(ax, (cx, 0.55), "output  (h/s, w/s, f)", kind="output", w=3.4, h=0.6)
    chain = [xin, *shapes, add, relu, out]
    for a, b in zip(chain, chain[1:]):
        arrow(ax, a, b)
    # the shortcut
    sx = 7.6
    arrow(ax, (cx + 1.7, 9.0), (sx, 9.0), color=SKIP, style="-")
    proj = box(ax, (sx, 5.9), "shortcut:\nidentity if s = 1 and c = f,\nelse Conv 1×1, f filters,\nstride s  + BatchNorm",
               kind="note", w=3.7, h=1.5, fontsize=8.5)
    arrow(ax, (sx, 9.0), proj, color=SKIP)
    arrow(ax, proj, (sx, 2.65), color=SKIP, style="-")
    arrow(ax, (sx, 2.65), add, color=SKIP)
    label(ax, (sx, 3.0), "x (or its projection)", fontsize=8, color=SKIP)
    label(ax, (5.5, 0.0), "the block learns a correction F(x); the output is ReLU(F(x) + shortcut(x))",
          fontsize=8.5, style="italic")
    return fig


def _stack(ax, x0, title, rows, skip_pairs=()):
    label(ax, (x0, 10.4), title, fontsize=10, weight="bold")
    shapes = []
    for i, (text, kind) in enumerate(rows):
        shapes.append(box(ax, (x0, 9.6 - 0.72 * i), text, kind=kind, w=3.3, h=0.52, fontsize=8))
    for a, b in zip(shapes, shapes[1:]):
        arrow(ax, a, b, lw=1.0)
    for first, last in skip_pairs:          # an arc from just above `first` to the join below `last`
        top = shapes[first][1] + 0.36
        bottom = shapes[last][1] - 0.36
        xr = x0 + 1.9
        ax.plot([x0 + 0.2, xr, xr, x0 + 0.2], [top, top, bottom, bottom], color=SKIP, lw=1.3)
        ax.annotate("", (x0 + 0.15, bottom), (x0 + 0.5, bottom),
                    arrowprops=dict(arrowstyle="-|>", color=SKIP, lw=1.3))
        label(ax, (xr + 0.25, (top + bottom) / 2), "+", fontsize=10, color=SKIP)
    return shapes


def vgg_vs_resnet():
    """Two ways to go deep: VGG stacks 3x3 convolutions and pools, ending in large Dense layers;
    ResNet wraps pairs of convolutions in shortcuts and ends in global average pooling."""
    fig, ax = canvas(10.5, 11, scale=0.62)
    c, p, d = "hidden", "op", "output"
    vgg = [("Conv 3×3, 64", c), ("Conv 3×3, 64", c), ("MaxPool 2×2", p), ("Conv 3×3, 128", c),
           ("Conv 3×3, 128", c), ("MaxPool 2×2", p), ("Conv 3×3, 256  (×3)", c), ("MaxPool 2×2", p),
           ("Flatten", p), ("Dense 4096", d), ("Dense 4096", d), ("Dense classes", d)]
    res = [("Conv 7×7, 64, stride 2", c), ("MaxPool 3×3, stride 2", p), ("Conv 3×3, 64", c),
           ("Conv 3×3, 64", c), ("Conv 3×3, 128, stride 2", c), ("Conv 3×3, 128", c),
           ("Conv 3×3, 256, stride 2", c), ("Conv 3×3, 256", c), ("…more blocks", p),
           ("GlobalAveragePooling", p), ("Dense classes", d)]
    _stack(ax, 2.2, "VGG-style (2014)", vgg)
    _stack(ax, 7.2, "ResNet-style (2015)", res, skip_pairs=[(2, 3), (4, 5), (6, 7)])
    label(ax, (2.2, 0.7), "most of the parameters sit\nin the Dense layers", fontsize=8, style="italic")
    label(ax, (7.2, 1.2), "blue: shortcuts (a 1×1 projection\nwhere the shape changes)", fontsize=8, style="italic")
    return fig


def _cube(ax, x, y, w, h, depth, fill, text="", fontsize=8):
    """A feature map or kernel drawn as a box with a hint of depth."""
    dx, dy = 0.25 * depth, 0.2 * depth
    ax.fill([x + w, x + w + dx, x + w + dx, x + w], [y, y + dy, y + h + dy, y + h], color=fill, ec=INK, lw=0.8)
    ax.fill([x, x + dx, x + w + dx, x + w], [y + h, y + h + dy, y + h + dy, y + h], color=fill, ec=INK, lw=0.8)
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="square,pad=0", facecolor=fill, edgecolor=INK, lw=0.8))
    if text:
        ax.text(x + w / 2, y - 0.35, text, ha="center", va="top", fontsize=fontsize)


def depthwise_separable():
    """A standard k x k convolution next to its depthwise-separable factorisation (MobileNet):
    one k x k filter per input channel, then a 1x1 convolution that mixes channels."""
    fig, ax = canvas(14, 8.4, scale=0.62)
    label(ax, (6.5, 8.1), "standard convolution: every filter sees every input channel", fontsize=9.5, weight="bold")
    _cube(ax, 0.4, 5.0, 1.4, 1.4, 2, FILLS["input"], "input  h×w×C_in")
    label(ax, (3.4, 6.3), "C_out filters\nof k×k×C_in", fontsize=8.5)
    arrow(ax, (2.5, 5.6), (4.6, 5.6))
    _cube(ax, 5.0, 5.0, 1.4, 1.4, 4, FILLS["output"], "output  h×w×C_out")
    label(ax, (11.3, 5.8), "weights  k·k·C_in·C_out\nmultiply-adds  h·w·k·k·C_in·C_out", fontsize=9)

    label(ax, (6.5, 3.6), "depthwise-separable: filter each channel alone, then mix channels", fontsize=9.5, weight="bold")
    _cube(ax, 0.4, 0.9, 1.4, 1.4, 2, FILLS["input"], "h×w×C_in")
    label(ax, (3.15, 2.45), "depthwise:\none k×k filter\nper channel", fontsize=8)
    arrow(ax, (2.5, 1.5), (3.9, 1.5))
    _cube(ax, 4.2, 0.9, 1.4, 1.4, 2, FILLS["hidden"], "h×w×C_in")
    label(ax, (7.0, 2.45), "pointwise:\nC_out filters\nof 1×1×C_in", fontsize=8)
    arrow(ax, (6.3, 1.5), (7.7, 1.5))
    _cube(ax, 8.0, 0.9, 1.4, 1.4, 4, FILLS["output"], "h×w×C_out")
    label(ax, (12.5, 1.7), "weights  k·k·C_in + C_in·C_out\n(3×3, 64 → 128:  73,728\nvs  576 + 8,192 = 8,768)",
          fontsize=8.5)
    return fig


def _network(ax, x0, y, stages, title, note):
    """A backbone of stages plus a head, each box coloured by what happens to its weights."""
    label(ax, (x0, y + 0.8), title, fontsize=9.5, weight="bold")
    shapes = []
    for i, (text, fill) in enumerate(stages):
        shapes.append(box(ax, (x0, y - 0.75 * i), text, kind=fill, w=3.3, h=0.55, fontsize=8))
    for a, b in zip(shapes, shapes[1:]):
        arrow(ax, a, b, lw=1.0)
    label(ax, (x0, y - 0.75 * len(stages) - 0.2), note, fontsize=7.8, style="italic")


def transfer_recipe():
    """Transfer learning in three steps: pretrain on task A (or take a pretrained network), train a
    new head on frozen features, then unfreeze the top stages with a small learning rate, batch norm
    kept in inference mode."""
    fig, ax = canvas(14.4, 6.6, scale=0.62)
    base = ["stem", "stage 1", "stage 2", "stage 3"]
    _network(ax, 2.0, 5.2, [(s, TRAINS) for s in base] + [("head: 5 old classes", TRAINS)],
             "0. pretrained on task A", "all weights learned\non many labelled images")
    _network(ax, 7.2, 5.2, [(s, FROZEN) for s in base] + [("new head: 5 new classes", NEW)],
             "1. linear probe", "backbone frozen (features only);\nthe new head trains")
    _network(ax, 12.4, 5.2, [(s, FROZEN) for s in base[:2]]
             + [("stage 2 (BN frozen)", TRAINS), ("stage 3 (BN frozen)", TRAINS), ("head (from step 1)", NEW)],
             "2. fine-tune the top stages", "small learning rate (~10× lower);\nBatchNorm stays in inference mode")
    arrow(ax, (3.7, 3.0), (5.5, 3.0), "copy\nweights", fontsize=8, offset=(0, 0.15))
    arrow(ax, (8.9, 3.0), (10.7, 3.0), "then", fontsize=8)
    for i, (fill, text) in enumerate([(FROZEN, "frozen"), (TRAINS, "trained"), (NEW, "new, trained")]):
        box(ax, (4.6 + 2.6 * i, 0.1), text, kind=fill, w=2.0, h=0.4, fontsize=8)
    return fig
