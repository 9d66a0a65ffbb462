"""The GAN training loop (lesson on generative adversarial networks)."""
from .draw import arrow, box, canvas, label

D_COLOR = "#1f5fa8"      # the discriminator's step
G_COLOR = "#c0561b"      # the generator's step


def training_loop():
    """One GAN update: which batches go where, the two losses, and which weights each one changes."""
    fig, ax = canvas(13.4, 6.6, scale=0.78)
    noise = box(ax, (1.2, 2.4), "noise $z$\n$\\sim\\mathcal{N}(0, I)$", kind="input", w=1.8, h=1.0)
    gen = box(ax, (3.9, 2.4), "generator $G$", kind="hidden", w=1.9, h=0.9)
    fake = box(ax, (6.5, 2.4), "fake batch\n$G(z)$", kind="op", w=1.7, h=1.0)
    real = box(ax, (6.5, 4.9), "real batch $x$\n(training data)", kind="input", w=2.1, h=1.0)
    disc = box(ax, (9.0, 3.65), "discriminator\n$D$", kind="hidden", w=1.8, h=1.1)
    d_loss = box(ax, (11.75, 5.0), "$L_D$ = BCE(1, $D(x)$)\n+ BCE(0, $D(G(z))$)", kind="note", w=2.9, h=1.05,
                 fontsize=9)
    g_loss = box(ax, (11.75, 2.3), "$L_G$ = BCE(1, $D(G(z))$)\n(non-saturating)", kind="note", w=2.9, h=1.05,
                 fontsize=9)
    ax.patches[-2].set_edgecolor(D_COLOR)
    ax.patches[-1].set_edgecolor(G_COLOR)

    arrow(ax, noise, gen)
    arrow(ax, gen, fake)
    arrow(ax, real, disc)
    arrow(ax, fake, disc)
    arrow(ax, disc, d_loss, "logits", offset=(-0.35, 0.05))
    arrow(ax, disc, g_loss, "logit on fakes", offset=(-0.75, -0.35))

    # The updates: each loss's gradient goes to one network's weights only.
    arrow(ax, (11.0, 5.55), (9.0, 4.22), color=D_COLOR, rad=0.45, lw=1.8)
    label(ax, (9.1, 6.1), "1. discriminator step: $\\nabla L_D$ updates $D$'s weights only\n"
          "(d_optimizer); the fakes are just inputs", fontsize=9, color=D_COLOR)
    arrow(ax, (11.0, 1.77), (3.9, 1.95), color=G_COLOR, rad=-0.25, lw=1.8)
    label(ax, (7.4, 0.35), "2. generator step: $\\nabla L_G$ flows back through $D$ (not updated) "
          "into $G$;\nit updates $G$'s weights only (g_optimizer)", fontsize=9, color=G_COLOR)
    label(ax, (2.6, 5.6), "every call: training=True\n(BatchNorm uses batch statistics,\n"
          "dropout drops units)", fontsize=8.5, color="#555555")
    fig.tight_layout()
    return fig
