"""Encoder-decoder (sequence-to-sequence) figures for the NLP lesson."""
from .draw import arrow, box, canvas, label, node


def encoder_decoder_attention():
    """The date translator of the NLP lesson: a bidirectional GRU encoder, a GRU decoder fed the
    previous character, and (drawn for one decoder step) the attention that reads the encoder's
    outputs after the decoder step, as the lesson's model computes it (Luong-style placement)."""
    fig, ax = canvas(12.5, 7.4, scale=0.85)
    ax.set_ylim(-0.3, 7.4)
    words = ["fifth", "march", "twenty", "twelve"]
    xs = [0.9, 2.3, 3.7, 5.1]
    enc = []
    for i, (x, w) in enumerate(zip(xs, words)):
        word = box(ax, (x, 0.6), w, kind="input", w=1.15, h=0.5, fontsize=9)
        h = node(ax, (x, 2.2), f"$h_{i + 1}$", kind="hidden", r=0.36)
        arrow(ax, word, h)
        enc.append(h)
    for a, b in zip(enc, enc[1:]):
        arrow(ax, a, b, rad=-0.35)            # forward GRU
        arrow(ax, b, a, rad=-0.35)            # backward GRU
    label(ax, (3.0, 0.02), "encoder: bidirectional GRU", fontsize=9, style="italic")

    prev = ["start", "2", "0"]
    ds = [7.6, 9.3, 11.0]
    dec = []
    for t, (x, c) in enumerate(zip(ds, prev)):
        inp = box(ax, (x, 0.6), c, kind="input", w=0.9, h=0.5, fontsize=9)
        s = node(ax, (x, 2.2), f"$s_{t + 1}$", kind="hidden", r=0.36)
        arrow(ax, inp, s)
        dec.append(s)
    for a, b in zip(dec, dec[1:]):
        arrow(ax, a, b)
    arrow(ax, enc[-1], dec[0], "initial state", rad=0.0, fontsize=8)
    label(ax, (9.3, 0.02), "decoder: GRU, fed the previous character", fontsize=9, style="italic")

    # attention for the last decoder step drawn (t = 3)
    att = box(ax, (5.0, 4.3), r"$\alpha_{tj} = \mathrm{softmax}_j\; v^\top \tanh(s_t + h_j)$",
              kind="op", w=4.4, h=0.75, fontsize=10)
    for h in enc:
        arrow(ax, h, att, color="#777777", lw=0.9)
    arrow(ax, dec[-1], att, rad=0.25)
    label(ax, (9.75, 3.55), "query $s_t$", fontsize=8)
    ctx = node(ax, (8.2, 4.3), "$c_t$", kind="hidden", r=0.36)
    arrow(ax, att, ctx)
    label(ax, (8.2, 5.05), r"$c_t = \sum_j \alpha_{tj} h_j$", fontsize=9)
    comb = box(ax, (11.0, 4.3), r"$\tanh(W_c[s_t; c_t])$", kind="op", w=2.3, h=0.65, fontsize=9)
    arrow(ax, ctx, comb)
    arrow(ax, dec[-1], comb)
    out = box(ax, (11.0, 5.65), "softmax", kind="op", w=1.5, h=0.55, fontsize=9)
    arrow(ax, comb, out)
    char = box(ax, (11.0, 6.8), "next character: '1'", kind="output", w=2.6, h=0.5, fontsize=9)
    arrow(ax, out, char)
    label(ax, (4.4, 5.0), "attention, drawn for one decoder step $t$ (each step has its own)",
          fontsize=8.5, style="italic")
    return fig
