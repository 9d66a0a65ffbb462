"""Autoencoder and deep embedded clustering (DEC) figures for the unsupervised-learning lesson."""
from .draw import arrow, box, canvas, label, node


def dec_pipeline():
    """Two stages: an autoencoder pre-trained on reconstruction (top), then DEC (bottom): the
    decoder is dropped, k-means on the codes starts the centers, and the encoder and centers are
    trained so that the soft assignment q moves towards the sharpened target p, held fixed for a pass."""
    fig, ax = canvas(13.6, 7.2, scale=0.8)
    # ---- stage 1: autoencoder
    ax.text(0.2, 6.85, "1. pre-train an autoencoder: the input is also the target, no labels", fontsize=10,
            ha="left", va="center", weight="bold")
    x1 = box(ax, (1.0, 5.5), "image $x$\n784", kind="input", w=1.4, h=0.9, fontsize=9)
    enc1 = box(ax, (3.6, 5.5), "encoder\n784→256→256→1024→10", kind="hidden", w=2.9, h=0.9, fontsize=9)
    z1 = node(ax, (6.0, 5.5), "$z$", kind="hidden", r=0.4)
    dec1 = box(ax, (8.2, 5.5), "decoder\n10→1024→256→256→784", kind="hidden", w=2.9, h=0.9, fontsize=9)
    xh = box(ax, (10.95, 5.5), r"reconstruction $\hat x$", kind="output", w=1.75, h=0.9, fontsize=9)
    arrow(ax, x1, enc1)
    arrow(ax, enc1, z1)
    arrow(ax, z1, dec1)
    arrow(ax, dec1, xh)
    loss1 = box(ax, (12.85, 5.5), "loss\nMSE$(x, \\hat x)$", kind="note", w=1.4, h=0.9, fontsize=8.5)
    arrow(ax, xh, loss1)
    label(ax, (6.0, 4.85), "code: 10 numbers", fontsize=8, style="italic")

    # ---- stage 2: DEC
    ax.text(0.2, 3.95, "2. DEC: drop the decoder, cluster in the code space, fine-tune", fontsize=10,
            ha="left", va="center", weight="bold")
    x2 = box(ax, (1.0, 2.4), "image $x$", kind="input", w=1.4, h=0.7, fontsize=9)
    enc2 = box(ax, (3.6, 2.4), "the same encoder\n(weights copied)", kind="hidden", w=2.9, h=0.9, fontsize=9)
    z2 = node(ax, (6.0, 2.4), "$z_i$", kind="hidden", r=0.4)
    km = box(ax, (6.0, 0.6), "k-means on the codes (once):\nstarting centers $\\mu_j$", kind="op", w=3.4, h=0.8,
             fontsize=8.5)
    q = box(ax, (8.6, 2.4), "soft assignment\n$q_{ij}$ (Student's t)", kind="gate", w=2.3, h=0.9, fontsize=9)
    p = box(ax, (11.9, 3.3), "target $p_{ij} \\propto q_{ij}^2 / f_j$\nfixed for one pass", kind="note",
            w=2.6, h=0.9, fontsize=8.5)
    kl = box(ax, (11.9, 1.4), "loss KL$(P\\,\\|\\,Q)$", kind="note", w=2.2, h=0.7, fontsize=9)
    arrow(ax, x2, enc2)
    arrow(ax, enc2, z2)
    arrow(ax, z2, q)
    arrow(ax, km, q, rad=0.25)
    arrow(ax, z2, km, color="#777777", lw=0.9)
    arrow(ax, q, p)
    label(ax, (10.0, 3.35), "once per round", fontsize=7.5, style="italic")
    arrow(ax, p, kl)
    arrow(ax, q, kl)
    # gradient back to the encoder and the centers
    arrow(ax, (10.8, 1.2), (3.6, 1.95), color="#b03a2e", rad=-0.12, lw=1.3)
    label(ax, (3.1, 1.25), "gradient: moves the encoder\nand the centers $\\mu_j$", fontsize=8, color="#b03a2e")
    return fig
