"""Recurrent networks: a SimpleRNN rolled up and unrolled in time (lesson on RNNs) and an LSTM
cell with its gates (lesson on LSTMs). Each function returns a matplotlib Figure."""
from .draw import arrow, box, canvas, INK, label, node


def unrolled_rnn(steps=4):
    """A SimpleRNN folded (one cell with a loop) and unrolled over `steps` time steps: the same
    weights W, U, b at every step, the last state read by a Dense layer."""
    fig, ax = canvas(14.4, 4.6)
    # folded: one cell, its input, its state fed back
    cell = box(ax, (1.3, 2.3), "$h_t$", kind="hidden", w=1.1, h=0.8, fontsize=12)
    x = node(ax, (1.3, 0.6), "$x_t$", kind="input", r=0.36)
    arrow(ax, x, cell, "W", offset=(0.22, -0.12))
    arrow(ax, (1.85, 2.15), (1.05, 2.7), rad=1.5)                          # the state fed back
    label(ax, (2.75, 3.2), "U", fontsize=9)
    label(ax, (1.3, 4.0), "rolled up", fontsize=10, style="italic")
    label(ax, (3.6, 2.3), "=", fontsize=20)
    # unrolled
    left, gap = 5.6, 1.85
    h0 = node(ax, (left - 1.3, 2.3), "$h_0$", kind="note", r=0.34)
    previous = h0
    names = [f"$h_{t}$" for t in range(1, steps)] + ["$h_T$"]
    inputs = [f"$x_{t}$" for t in range(1, steps)] + ["$x_T$"]
    for k in range(steps):
        cx = left + gap * k + (0.55 if k == steps - 1 else 0)
        cell = box(ax, (cx, 2.3), names[k], kind="hidden", w=1.1, h=0.8, fontsize=12)
        x = node(ax, (cx, 0.6), inputs[k], kind="input", r=0.36)
        arrow(ax, x, cell, "W", offset=(0.22, -0.12))
        if k == steps - 1:
            label(ax, (cx - gap / 2 - 0.25, 2.3), "...", fontsize=16)
            arrow(ax, (cx - gap / 2 + 0.05, 2.3), cell, "U", offset=(0, 0.05))
        else:
            arrow(ax, previous, cell, "U", offset=(0, 0.05))
        previous = cell
    dense = box(ax, (cx, 3.8), "Dense", kind="output", w=1.1, h=0.55)
    arrow(ax, previous, dense)
    out = node(ax, (cx + 1.6, 3.8), "$\\hat y$", kind="output", r=0.34)
    arrow(ax, dense, out)
    label(ax, (left + 1.6, 4.15), "unrolled in time: the same W, U, b at every step", fontsize=10, style="italic")
    label(ax, (left + 1.6, 3.6), "$h_t = \\tanh(x_t W + h_{t-1} U + b)$", fontsize=11)
    fig.tight_layout()
    return fig


def lstm_cell():
    """One LSTM step: the cell state c runs along the top, changed only by the forget gate's
    multiplication and the input gate's addition; the output gate reads h from it."""
    fig, ax = canvas(11.4, 6.4)
    top, bottom = 5.1, 1.85
    # the cell-state path along the top
    c_in = node(ax, (0.55, top), "$c_{t-1}$", kind="note", r=0.42, fontsize=11)
    times_f = node(ax, (3.0, top), "×", kind="op", r=0.3, fontsize=13)
    plus = node(ax, (5.6, top), "+", kind="op", r=0.3, fontsize=13)
    c_out = node(ax, (10.75, top), "$c_t$", kind="note", r=0.42, fontsize=11)
    arrow(ax, c_in, times_f, lw=2.2)
    arrow(ax, times_f, plus, lw=2.2)
    arrow(ax, plus, c_out, lw=2.2)
    label(ax, (4.3, top + 0.62), "cell state: only × and + along the way", fontsize=9, style="italic")
    # the four gate blocks, all fed by [h_{t-1}, x_t]
    h_in = node(ax, (0.55, bottom - 0.85), "$h_{t-1}$", kind="hidden", r=0.42, fontsize=11)
    x_in = node(ax, (2.0, 0.4), "$x_t$", kind="input", r=0.3, fontsize=11)
    gates = {"f": (3.0, "forget\n$f_t=\\sigma(\\cdot)$", "gate"), "i": (4.6, "input\n$i_t=\\sigma(\\cdot)$", "gate"),
             "g": (6.2, "candidate\n$g_t=\\tanh(\\cdot)$", "hidden"), "o": (7.8, "output\n$o_t=\\sigma(\\cdot)$", "gate")}
    shapes = {k: box(ax, (gx, bottom + 0.35), text, kind=kind, w=1.45, h=0.85, fontsize=8.5)
              for k, (gx, text, kind) in gates.items()}
    bus_y = bottom - 0.55
    ax.plot([0.97, 7.8], [bus_y, bus_y], color=INK, lw=1.2, zorder=1)        # [h_{t-1}, x_t] to every gate
    ax.plot([2.0, 2.0], [0.7, bus_y], color=INK, lw=1.2, zorder=1)
    for k, (gx, _, _) in gates.items():
        arrow(ax, (gx, bus_y), shapes[k])
    label(ax, (5.4, bus_y - 0.3), "each block: $x_t W_\\ast + h_{t-1} U_\\ast + b_\\ast$ (Keras order i, f, c, o)", fontsize=8.5)
    # f multiplies the old cell; i * g is added
    arrow(ax, shapes["f"], times_f)
    times_i = node(ax, (5.4, 3.7), "×", kind="op", r=0.3, fontsize=13)
    arrow(ax, shapes["i"], times_i)
    arrow(ax, shapes["g"], times_i)
    arrow(ax, times_i, plus)
    # output: h_t = o * tanh(c_t)
    tanh = box(ax, (8.9, 4.15), "tanh", kind="op", w=0.8, h=0.45, fontsize=9)
    arrow(ax, (8.9, top), tanh)
    times_o = node(ax, (8.9, 2.95), "×", kind="op", r=0.3, fontsize=13)
    arrow(ax, tanh, times_o)
    arrow(ax, shapes["o"], times_o)
    h_out = node(ax, (10.75, 2.95), "$h_t$", kind="hidden", r=0.42, fontsize=11)
    arrow(ax, times_o, h_out)
    label(ax, (5.7, 6.15), "$c_t = f_t \\odot c_{t-1} + i_t \\odot g_t, \\qquad h_t = o_t \\odot \\tanh(c_t)$",
          fontsize=12)
    fig.tight_layout()
    return fig
