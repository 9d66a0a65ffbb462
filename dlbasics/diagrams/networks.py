"""Neurons and multilayer perceptrons (lesson on neural networks): one neuron with its weights,
bias and activation, and a small MLP with its Dense connections and shapes. Each function
returns a matplotlib Figure."""
from .draw import arrow, box, canvas, label, node


def neuron(n_inputs=3):
    """One neuron: inputs x_i, one weight w_i on each edge, a sum with the bias b, the
    activation, and the output y = activation(x . w + b)."""
    fig, ax = canvas(10.6, 4.6)
    ys = [3.6 - i * 1.25 for i in range(n_inputs)]
    names = [f"$x_{i + 1}$" for i in range(n_inputs - 1)] + ["$x_d$" if n_inputs > 2 else f"$x_{n_inputs}$"]
    weights = [f"$w_{i + 1}$" for i in range(n_inputs - 1)] + ["$w_d$" if n_inputs > 2 else f"$w_{n_inputs}$"]
    total = node(ax, (4.4, 2.35), "$\\Sigma$", kind="op", r=0.5, fontsize=16)
    for k, (y, name, w) in enumerate(zip(ys, names, weights)):
        x = node(ax, (0.9, y), name, kind="input", r=0.38, fontsize=12)
        arrow(ax, x, total, w, offset=(0, 0.12 if y >= 2.35 else -0.45), fontsize=11)
    if n_inputs > 2:
        label(ax, (0.9, (ys[-2] + ys[-1]) / 2 + 0.05), "$\\vdots$", fontsize=14)
    bias = node(ax, (4.4, 0.55), "$b$", kind="note", r=0.32, fontsize=12)
    arrow(ax, bias, total)
    label(ax, (5.1, 0.55), "bias", fontsize=9, style="italic")
    act = box(ax, (6.9, 2.35), "activation\n$f$", kind="hidden", w=1.5, h=1.0, fontsize=11)
    arrow(ax, total, act, "$z$", offset=(0, 0.1), fontsize=12)
    out = node(ax, (9.4, 2.35), "$y$", kind="output", r=0.4, fontsize=13)
    arrow(ax, act, out)
    label(ax, (5.3, 4.25), "$z = x_1 w_1 + \\dots + x_d w_d + b = x \\cdot w + b$,    $y = f(z)$", fontsize=12)
    label(ax, (4.4, 1.55), "weighted sum", fontsize=9, style="italic")
    label(ax, (0.9, 4.25), "inputs", fontsize=9, style="italic")
    label(ax, (9.4, 3.05), "output", fontsize=9, style="italic")
    fig.tight_layout()
    return fig


def mlp(sizes=(3, 4, 4, 2), names=("input", "Dense, ReLU", "Dense, ReLU", "Dense, softmax")):
    """A multilayer perceptron: every unit of a Dense layer connected to every unit below it.
    Under each layer its output shape for a batch of n examples; between layers the kernel and
    bias shapes and the parameter count of the Dense layer."""
    gap, top = 3.3, 5.0
    width = gap * (len(sizes) - 1) + 2.4
    fig, ax = canvas(width, 5.9)
    columns = []
    r = min(0.28, 0.4 * 3.6 / max(sizes))      # nodes never overlap, however wide a layer
    for k, size in enumerate(sizes):
        x = 1.2 + gap * k
        ys = [top - 3.6 * (i + 0.5) / max(sizes) - 1.8 * (max(sizes) - size) / max(sizes) for i in range(size)]
        kind = "input" if k == 0 else "output" if k == len(sizes) - 1 else "hidden"
        columns.append([node(ax, (x, y), kind=kind, r=r) for y in ys])
        label(ax, (x, top + 0.45), names[k], fontsize=10, weight="bold")
        label(ax, (x, 1.0), f"output shape (n, {size})", fontsize=9)
    for k in range(1, len(sizes)):
        for a in columns[k - 1]:
            for b in columns[k]:
                arrow(ax, a, b, lw=0.6, style="-")
        mid = 1.2 + gap * (k - 0.5)
        a, b = sizes[k - 1], sizes[k]
        label(ax, (mid, 0.3), f"kernel ({a}, {b}) + bias ({b},)\n= {a * b + b} parameters", fontsize=8.5,
              color="#444444")
    ax.set_ylim(-0.1, 5.8)
    fig.tight_layout()
    return fig
