"""Variational autoencoder and diffusion figures for lesson 17 (VAEs and diffusion models)."""
import numpy as np

from .draw import INK, arrow, box, canvas, label, node

RED = "#b03a2e"


def vae():
    """The VAE: encoder -> (mean, log-variance) -> z = mean + sigma * eps (eps drawn outside the
    network, so gradients reach mean and sigma) -> decoder -> reconstruction; the loss is the
    reconstruction term plus the KL term on (mean, log-variance)."""
    fig, ax = canvas(13.4, 5.0, scale=0.8)
    x = box(ax, (0.9, 2.6), "image $x$\n28×28", kind="input", w=1.4, h=0.9, fontsize=9)
    enc = box(ax, (3.1, 2.6), "encoder\n$q_\\phi(z\\mid x)$", kind="hidden", w=1.9, h=1.0, fontsize=9)
    mu = box(ax, (5.5, 3.5), "mean $\\mu$", kind="hidden", w=1.5, h=0.6, fontsize=9)
    lv = box(ax, (5.5, 1.7), "log-variance\n$\\log\\sigma^2$", kind="hidden", w=1.5, h=0.8, fontsize=9)
    eps = node(ax, (7.4, 4.4), "$\\varepsilon$", kind="input", r=0.35)
    label(ax, (8.55, 4.4), "$\\varepsilon\\sim\\mathcal{N}(0, I)$\nno weights", fontsize=8, style="italic")
    z = box(ax, (7.6, 2.6), "$z = \\mu + \\sigma\\odot\\varepsilon$", kind="gate", w=2.0, h=0.8, fontsize=9)
    dec = box(ax, (10.05, 2.6), "decoder\n$p_\\theta(x\\mid z)$", kind="hidden", w=1.9, h=1.0, fontsize=9)
    xh = box(ax, (12.35, 2.6), "reconstruction\n$\\hat x$", kind="output", w=1.7, h=0.9, fontsize=9)
    arrow(ax, x, enc)
    arrow(ax, enc, mu)
    arrow(ax, enc, lv)
    arrow(ax, mu, z)
    arrow(ax, lv, z)
    label(ax, (7.6, 1.75), "$\\sigma = \\exp(\\log\\sigma^2 / 2)$", fontsize=8.5)
    arrow(ax, eps, z)
    arrow(ax, z, dec)
    arrow(ax, dec, xh)
    kl = box(ax, (5.5, 0.45), "KL$(q_\\phi(z\\mid x)\\,\\|\\,\\mathcal{N}(0, I))$", kind="note", w=3.4, h=0.6, fontsize=8.5)
    rec = box(ax, (12.35, 0.9), "reconstruction loss\n$-\\log p_\\theta(x\\mid z)$", kind="note", w=2.1, h=0.8,
              fontsize=8.5)
    arrow(ax, lv, kl, color="#777777", lw=0.9)
    arrow(ax, xh, rec, color="#777777", lw=0.9)
    label(ax, (9.1, 0.45), "loss = reconstruction + KL\n(the negative ELBO)", fontsize=9, color=RED)
    label(ax, (3.1, 4.35), "sampling after training:\n$z\\sim\\mathcal{N}(0, I)$ → decoder", fontsize=8.5,
          color="#555555")
    return fig


def _toy_image(size=20):
    """A small made-up picture (a ring with a bar) in [-1, 1] for the chain's thumbnails."""
    yy, xx = np.mgrid[-1:1:size * 1j, -1:1:size * 1j]
    r = np.sqrt(xx ** 2 + yy ** 2)
    img = ((np.abs(r - 0.6) < 0.18) | ((np.abs(xx) < 0.15) & (np.abs(yy) < 0.6))).astype(float)
    return img * 2 - 1


def diffusion_chain(steps=(0, 5, 15, None, 40, 100), T=100, seed=0):
    """x_0 -> x_1 -> ... -> x_T: the fixed forward process q adds a little Gaussian noise per step (top
    arrows); a network learns the reverse steps p_theta (bottom arrows). Thumbnails show a toy
    picture at some of the steps, noised with the closed form q(x_t | x_0) of a linear schedule."""
    betas = np.linspace(0.1 / T, 20 / T, T)
    alpha_bar = np.cumprod(1 - betas)
    rng = np.random.default_rng(seed)
    x0, noise = _toy_image(), rng.normal(size=(20, 20))
    fig, ax = canvas(13.0, 4.6, scale=0.8)
    xs = np.linspace(1.0, 12.0, len(steps))
    shapes = []
    for x, t in zip(xs, steps):
        if t is None:
            label(ax, (x, 2.3), "· · ·", fontsize=16)
            shapes.append((x, 2.3, 0.5, 0.5))
            continue
        img = x0 if t == 0 else np.sqrt(alpha_bar[t - 1]) * x0 + np.sqrt(1 - alpha_bar[t - 1]) * noise
        inset = ax.inset_axes((x - 0.65, 1.65, 1.3, 1.3), transform=ax.transData)
        inset.imshow(img, cmap="gray_r", vmin=-2, vmax=2)
        inset.set_xticks([])
        inset.set_yticks([])
        for spine in inset.spines.values():
            spine.set_color(INK)
        name = "$x_0$" if t == 0 else ("$x_T$" if t == T else f"$x_{{{t}}}$")
        label(ax, (x, 1.35), name, fontsize=10)
        shapes.append((x, 2.3, 1.3, 1.3))
    for a, b in zip(shapes[:-1], shapes[1:]):
        arrow(ax, (a[0] + 0.7, 3.25), (b[0] - 0.7, 3.25), rad=-0.35, color=INK)
        arrow(ax, (b[0] - 0.7, 1.35), (a[0] + 0.7, 1.35), rad=-0.35, color=RED)
    label(ax, (6.5, 4.35), "forward process $q(x_t\\mid x_{t-1}) = \\mathcal{N}(\\sqrt{1-\\beta_t}\\,x_{t-1},\\ "
                           "\\beta_t I)$: fixed, adds noise, no weights", fontsize=10)
    label(ax, (6.5, 0.3), "reverse process $p_\\theta(x_{t-1}\\mid x_t)$: a network predicts the noise; "
                          "sampling starts from $x_T\\sim\\mathcal{N}(0, I)$", fontsize=10, color=RED)
    label(ax, (1.0, 3.75), "data", fontsize=8.5, style="italic")
    label(ax, (12.0, 3.75), "pure noise", fontsize=8.5, style="italic")
    return fig
