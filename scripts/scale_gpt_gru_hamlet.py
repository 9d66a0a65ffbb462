"""How lesson 14's tiny GPT and lesson 13's GRU scale with the amount of training text (Hamlet).

    nice -n 5 .venv/bin/python scripts/scale_gpt_gru_hamlet.py DIR [--dropout 0.1]   # trains what DIR lacks, prints the table

Both models are trained by their own scripts, with their own recipes, on the first 25 %, 50 % and
100 % of the training part of the split they share (training: the first 85 % of `data.hamlet()`;
validation, which chooses the epoch or checkpoint: 85-90 %; test: the last 10 %). A model already
in DIR (`gru_F.keras`, `gpt_F.weights.h5`) is not trained again.

- the GRU: `scripts/train_char_model.py --fraction F` (early stopping on validation, patience 3,
  best epoch kept); at 100 % this is the shipped `char_hamlet`;
- the GPT: `scripts/train_gpt_hamlet.py --fraction F --steps 2140 --patience 3 --dropout D`: the
  same budget of 2,140 steps at every size (about 13 CPU-minutes at most), the best validation
  checkpoint kept, stopped early after 3 evaluations (of 20) without a better one. D = 0.1 is the
  shipped recipe: at 100 % it is run B of `scripts/train_gpt_hamlet.py`'s log, the shipped
  `gpt_hamlet` (run without early stopping, but its best checkpoint, at step 1,605, was followed by
  three worse evaluations, so early stopping would have kept the same one). D = 0.2: at 100 % run A
  (its best checkpoint was its last).

Every model is then scored once on validation and once on test, in bits per character on
100-character windows each read from its own start (lessons 13 and 14's measurement). Lesson 14
shows the printed table (stored numbers).

Result on this machine (see RESULTS below; 2 CPU cores shared by four authors' jobs, load 10-15):
RESULTS_PLACEHOLDER
"""
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dlbasics  # noqa: E402

dlbasics.setup(seed=0)
import keras  # noqa: E402

from dlbasics import data  # noqa: E402

FRACTIONS, STEPS = (0.25, 0.5, 1.0), 2140
GPT = dict(d_model=128, num_heads=4, num_layers=4, d_ff=512)


def windows(ids, length, stride):
    starts = np.arange(0, len(ids) - length - 1, stride)
    x = np.stack([ids[s:s + length] for s in starts])
    y = np.stack([ids[s + 1:s + length + 1] for s in starts])
    return x.astype("int32"), y.astype("int32")


def train(folder, dropout):
    python = sys.executable
    for f in FRACTIONS:
        if not (folder / f"gru_{f}.keras").exists():
            subprocess.run([python, str(ROOT / "scripts" / "train_char_model.py"), "--fraction", str(f),
                            "--out", str(folder / f"gru_{f}.keras")], check=True)
        if not (folder / f"gpt_{f}.weights.h5").exists():
            subprocess.run([python, str(ROOT / "scripts" / "train_gpt_hamlet.py"), "--fraction", str(f),
                            "--steps", str(STEPS), "--patience", "3", "--dropout", str(dropout),
                            "--out", str(folder / f"gpt_{f}.weights.h5")], check=True)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: scale_gpt_gru_hamlet.py DIR   (a folder for the trained models, outside the repository)")
    folder = Path(sys.argv[1])
    dropout = float(sys.argv[sys.argv.index("--dropout") + 1]) if "--dropout" in sys.argv else 0.1
    folder.mkdir(parents=True, exist_ok=True)
    train(folder, dropout)
    sys.path.insert(0, str(ROOT / "scripts"))
    sys.argv = sys.argv[:1]                          # train_gpt_hamlet parses the command line on import
    from train_gpt_hamlet import make_gpt

    text = data.hamlet()
    chars = sorted(set(text))
    ids = np.array([chars.index(c) for c in text], dtype="int32")
    train_end, val_end = int(0.85 * len(ids)), int(0.9 * len(ids))
    parts = {"validation": windows(ids[train_end:val_end], 100, 100), "test": windows(ids[val_end:], 100, 100)}
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def bits(model):
        return {name: float(loss(y, model.predict(x, batch_size=64, verbose=0))) / np.log(2)
                for name, (x, y) in parts.items()}

    def gpt(path):
        model = make_gpt(len(chars), 128, **GPT)
        model.load_weights(path)
        return model

    print(f"GPT dropout {dropout}; bits per character")
    print("training text        GRU valid.  GRU test   GPT valid.  GPT test")
    for f in FRACTIONS:
        g = bits(keras.saving.load_model(folder / f"gru_{f}.keras"))
        t = bits(gpt(folder / f"gpt_{f}.weights.h5"))
        print(f"{f:4.0%} ({int(f * train_end):7,} chars)   {g['validation']:.3f}      {g['test']:.3f}"
              f"      {t['validation']:.3f}      {t['test']:.3f}", flush=True)


if __name__ == "__main__":
    main()
