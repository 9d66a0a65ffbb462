"""Transformer figures for lesson 14: scaled dot-product attention, multi-head attention, the
(pre-norm) encoder block, and the causal mask."""
import matplotlib.pyplot as plt
import numpy as np

from .draw import FILLS, INK, arrow, box, canvas, label


def _note(ax, xy, text):
    """A grey italic side note, left-aligned at xy."""
    ax.text(*xy, text, ha="left", va="center", fontsize=8, style="italic", color="#555555")


def scaled_dot_product_attention():
    """Q, K, V -> scores Q K^T / sqrt(d) -> mask -> softmax over the keys -> weights @ V, with shapes."""
    fig, ax = canvas(8.8, 7.0, scale=0.8)
    q = box(ax, (1.3, 0.7), "Q  (T_q, d)", kind="input", w=1.9, h=0.55, fontsize=9)
    k = box(ax, (3.6, 0.7), "K  (T_k, d)", kind="input", w=1.9, h=0.55, fontsize=9)
    v = box(ax, (7.4, 0.7), "V  (T_k, d_v)", kind="input", w=2.0, h=0.55, fontsize=9)
    scores = box(ax, (2.45, 2.05), r"$Q K^\top / \sqrt{d}$", w=2.2, h=0.6)
    arrow(ax, q, scores)
    arrow(ax, k, scores)
    _note(ax, (3.8, 2.05), "scores (T_q, T_k):\nevery query · every key")
    mask = box(ax, (2.45, 3.25), "mask: score → −∞\nwhere not allowed", w=2.6, h=0.7, fontsize=9)
    arrow(ax, scores, mask)
    _note(ax, (3.95, 3.25), "optional: padding,\ncausal")
    soft = box(ax, (2.45, 4.45), "softmax over the keys", w=2.6, h=0.55, fontsize=9)
    arrow(ax, mask, soft)
    _note(ax, (3.95, 4.45), "weights (T_q, T_k):\neach row sums to 1")
    mix = box(ax, (6.2, 5.6), "weights @ V", w=1.8, h=0.55, fontsize=9)
    arrow(ax, soft, mix)
    arrow(ax, v, mix, rad=0.0)
    out = box(ax, (6.2, 6.6), "output (T_q, d_v)", kind="output", w=2.2, h=0.5, fontsize=9)
    arrow(ax, mix, out)
    return fig


def multi_head_attention(heads=3):
    """x -> per head its own W_Q, W_K, W_V -> attention -> concatenate -> W_O."""
    fig, ax = canvas(9.6, 6.6, scale=0.8)
    x = box(ax, (4.5, 0.55), "x  (T, d_model)", kind="input", w=2.4, h=0.5, fontsize=9)
    xs = [1.8, 4.8, 7.8]
    concat = box(ax, (4.8, 4.75), "concatenate the heads  (T, h · d_k)", w=4.6, h=0.55, fontsize=9)
    for i, cx in enumerate(xs[:heads]):
        for j, (name, dx) in enumerate([("$W_Q$", -0.85), ("$W_K$", 0.0), ("$W_V$", 0.85)]):
            p = box(ax, (cx + dx, 1.75), name + f"$^{{({i + 1})}}$", kind="gate", w=0.78, h=0.5, fontsize=8)
            arrow(ax, x, p, color="#777777", lw=0.8)
            att = (cx, 3.2, 2.4, 0.65)
            arrow(ax, p, (cx + dx * 0.6, 3.2 - 0.33), lw=0.9)
        box(ax, (cx, 3.2), f"attention, head {i + 1}", kind="op", w=2.4, h=0.65, fontsize=9)
        arrow(ax, att, concat)
    out = box(ax, (4.8, 5.85), "$W_O$  →  output (T, d_model)", kind="output", w=3.4, h=0.55, fontsize=9)
    arrow(ax, concat, out)
    _note(ax, (6.2, 0.55), "each head: its own W_Q, W_K, W_V\n(d_model × d_k each)")
    return fig


def encoder_block():
    """The pre-norm Transformer block: two sub-layers, each LN -> sub-layer -> dropout -> + residual."""
    fig, ax = canvas(8.0, 9.2, scale=0.75)
    x_in = box(ax, (3.9, 0.5), "x  (batch, T, d)", kind="input", w=2.4, h=0.5, fontsize=9)
    ln1 = box(ax, (3.9, 1.7), "LayerNorm", w=1.9, h=0.5, fontsize=9)
    att = box(ax, (3.9, 2.75), "multi-head self-attention\n(+ padding or causal mask)", kind="hidden",
              w=3.4, h=0.75, fontsize=9)
    add1 = box(ax, (3.9, 3.95), "+", w=0.5, h=0.5, fontsize=12)
    ln2 = box(ax, (3.9, 5.05), "LayerNorm", w=1.9, h=0.5, fontsize=9)
    ffn = box(ax, (3.9, 6.1), "feed-forward: Dense(4d, GELU)\n→ Dense(d), per token", kind="hidden",
              w=3.4, h=0.75, fontsize=9)
    add2 = box(ax, (3.9, 7.3), "+", w=0.5, h=0.5, fontsize=12)
    out = box(ax, (3.9, 8.4), "output (batch, T, d)", kind="output", w=2.6, h=0.5, fontsize=9)
    for a, b in [(x_in, ln1), (ln1, att), (att, add1), (add1, ln2), (ln2, ffn), (ffn, add2), (add2, out)]:
        arrow(ax, a, b)
    # residual paths on the right
    for y0, y1 in [(1.0, 3.95), (4.2, 7.3)]:
        ax.plot([3.9, 6.5, 6.5], [y0 + 0.15 if y0 == 1.0 else y0 + 0.25, y0 + 0.15 if y0 == 1.0 else y0 + 0.25, y1],
                color=INK, lw=1.2, zorder=1)
        arrow(ax, (6.5, y1), (4.15, y1))
    label(ax, (6.85, 2.5), "residual", fontsize=8, style="italic", color="#555555", rotation=90)
    label(ax, (6.85, 5.8), "residual", fontsize=8, style="italic", color="#555555", rotation=90)
    label(ax, (0.8, 2.75), "mixes\ntokens", fontsize=8, style="italic", color="#555555")
    label(ax, (0.8, 6.1), "each token\nalone", fontsize=8, style="italic", color="#555555")
    label(ax, (3.9, 9.0), "pre-norm block (× N); post-norm: LayerNorm after each +", fontsize=8,
          style="italic", color="#555555")
    return fig


def causal_mask(tokens=("To", "be", ",", "or", "not", "to")):
    """The causal mask as a grid: row = query token, column = key token; allowed cells filled."""
    n = len(tokens)
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    allowed = np.tril(np.ones((n, n), dtype=bool))
    for i in range(n):
        for j in range(n):
            ax.add_patch(plt.Rectangle((j, i), 1, 1, facecolor=FILLS["output"] if allowed[i, j] else "#f4f4f4",
                                       edgecolor="white", lw=2))
            ax.text(j + 0.5, i + 0.5, "✓" if allowed[i, j] else "−∞", ha="center", va="center",
                    fontsize=10 if allowed[i, j] else 8, color=INK if allowed[i, j] else "#999999")
    ax.set_xlim(0, n)
    ax.set_ylim(n, 0)
    ax.set_xticks(np.arange(n) + 0.5, tokens)
    ax.set_yticks(np.arange(n) + 0.5, tokens)
    ax.xaxis.tick_top()
    ax.set_xlabel("key (may be looked at)")
    ax.xaxis.set_label_position("top")
    ax.set_ylabel("query (is predicting the next token)")
    ax.grid(False)
    ax.set_aspect("equal")
    ax.set_title("causal mask: each token sees itself and the past", fontsize=10, pad=32)
    return fig
