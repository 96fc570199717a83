"""Generative models that classify: up-down DBN and classification RBMs.

On digits (80/20 stratified split, pixels / 16) and Fashion-MNIST (60,000 /
10,000, pixels / 255):

* GenerativeDBNClassifier((500, 500), top_components=2000) with its defaults
  (hybrid top RBM, CD-3, 6, 10 at the top) and up-down fine-tuning (30 epochs
  on the 1,437 digits, 10 on Fashion-MNIST: about 3,000 and 6,000 updates);
  against the same greedily pretrained stack without up-down
  (``updown_epochs=0``: classification by the top RBM's free energy),
  LogisticRegression on the raw pixels, and the paper's purely generative
  top RBM (``top_objective='generative'``) with the same up-down;
* RBMClassifier: 'hybrid' against 'discriminative' and 'generative', each
  tuned with the same budget of 6 settings on a stratified 20% hold-out of
  the training rows (on Fashion-MNIST the candidates train on 10,000 of the
  other rows and score on 5,000 hold-out rows), the best refitted on all
  training rows. Every objective chooses its number of hidden units from 256
  and 1,024 (the paper's best discriminative model had 500, its best hybrid
  1,500); discriminative and generative choose the learning rate from 0.02,
  0.05 and 0.1; the hybrid chooses its generative weight (the paper's alpha)
  from 0.001, 0.03 and 1 (log-spaced) at the learning rate the discriminative search
  chose. Every RBMClassifier lowers its rate linearly to zero over its 30
  epochs (``learning_rate_schedule='linear'``): with a constant rate the
  hold-out score of the last epoch is a noisy draw (on Fashion-MNIST it moved
  by up to 1.2 points from one epoch to the next, 2 with a generative term),
  and the search would pick settings by that noise. The chosen setting of
  each objective is refitted
  ``--refits`` times (3) per seed with different random states, and the
  hybrid's gap to the discriminative model is reported per pair of fits;
* class-conditional samples: 10 per class from the up-down DBN ("dreams",
  1,000 Gibbs sweeps at the top, then a mean-field down-pass) and from the
  generative RBMClassifier, judged by LogisticRegression trained on the real
  training images (the share it labels as the requested class), with an
  image grid for each.

Test error rates are shown beside the published MNIST figures (up-down DBN
1.25%, hybrid classification RBM 1.28%, discriminative 1.81%; MNIST, not
these data sets: the comparison is of the ordering, not the numbers).

All fits run two at a time on one thread each, longest first.

Usage: python benchmarks/bench_generative.py [--quick] [--seeds 2] [--fashion-seeds 1]
[--refits 3]
Fashion-MNIST: apt-get install -y dataset-fashion-mnist
"""

import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import (  # noqa: E402
    experiment_arguments,
    fashion_or_exit,
    save,
    save_plot,
    table,
)

PUBLISHED = {"up-down DBN": "1.25%", "RBMClassifier hybrid": "1.28%",
             "RBMClassifier discriminative": "1.81%"}


def datasets(quick):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X, Xt, y, yt = train_test_split(X / 16.0, y, test_size=0.2, stratify=y, random_state=0)
    yield "digits", (X, y, Xt, yt), (8, 8)
    X, y, Xt, yt = fashion_or_exit(3000 if quick else None)
    yield "fashion", (X.astype(np.float32), y, Xt.astype(np.float32), yt), (28, 28)


UPDOWN_EPOCHS = {"digits": 30, "fashion": 10}
RATES = (0.02, 0.05, 0.1)
WEIGHTS = (0.001, 0.03, 1.0)
SIZES = (256, 1024)


def dbn_models(quick, seed, name):
    from sklearn.linear_model import LogisticRegression

    from dbn import GenerativeDBNClassifier

    # --quick: a smaller net and schedule, to check the script end to end.
    net = (dict(hidden_layer_sizes=(128, 128), top_components=256, pretrain_epochs=5,
                updown_epochs=3) if quick else
           dict(hidden_layer_sizes=(500, 500), top_components=2000,
                updown_epochs=UPDOWN_EPOCHS[name]))
    return {
        "up-down DBN": GenerativeDBNClassifier(random_state=seed, **net),
        "greedy stack, no up-down": GenerativeDBNClassifier(
            random_state=seed, **{**net, "updown_epochs": 0}),
        "LogisticRegression (pixels)": LogisticRegression(max_iter=100 if quick else 1000),
        "up-down DBN, paper's generative top": GenerativeDBNClassifier(
            random_state=seed, top_objective="generative", **net),
    }


def fit_and_score(model, X, y, Xt, yt):
    """Fit on one thread (the fits run two at a time); the fitted
    model, its score and the fit's seconds."""
    if type(model).__module__.startswith("dbn"):
        # LogisticRegression's n_jobs is deprecated (and has no effect).
        model.set_params(n_jobs=1)
    start = time.perf_counter()
    model.fit(X, y)
    return model, float(model.score(Xt, yt)), time.perf_counter() - start


def tuned_rbm_classifiers(X, y, quick, seed, name, log):
    """Each objective's best of 6 settings on a hold-out (not yet refitted)."""
    from joblib import Parallel, delayed
    from sklearn.model_selection import train_test_split

    from dbn import RBMClassifier

    Xfit, Xval, yfit, yval = train_test_split(X, y, test_size=0.2, stratify=y,
                                              random_state=seed)
    if name == "fashion" and not quick:
        Xfit, yfit, Xval, yval = Xfit[:10000], yfit[:10000], Xval[:5000], yval[:5000]
    fixed = dict(learning_rate_schedule="linear", **(dict(n_iter=5) if quick else {}))

    def best(objective, grid):
        grid = [{"n_components": size, **setting} for size in SIZES for setting in grid]
        fits = Parallel(n_jobs=2)(
            delayed(fit_and_score)(RBMClassifier(objective=objective, random_state=seed,
                                                 **fixed, **setting), Xfit, yfit, Xval, yval)
            for setting in grid)
        scores = {tuple(setting.items()): score
                  for setting, (_, score, _) in zip(grid, fits, strict=True)}
        choice = dict(max(scores, key=scores.get))
        log(f"{name}, seed {seed}: RBMClassifier {objective} hold-out "
            + ", ".join(f"{dict(k)} {v:.4f}" for k, v in scores.items()) + f" -> {choice}")
        return RBMClassifier(objective=objective, random_state=seed, **fixed, **choice), choice

    disc, disc_choice = best("discriminative", [{"learning_rate": r} for r in RATES])
    gen, gen_choice = best("generative", [{"learning_rate": r} for r in RATES])
    rate = {"learning_rate": disc_choice["learning_rate"]}
    hybrid, hybrid_choice = best("hybrid", [{"generative_weight": w, **rate}
                                            for w in WEIGHTS])
    return ({"RBMClassifier hybrid": hybrid, "RBMClassifier discriminative": disc,
             "RBMClassifier generative": gen},
            {"RBMClassifier hybrid": hybrid_choice,
             "RBMClassifier discriminative": disc_choice,
             "RBMClassifier generative": gen_choice})


SAMPLERS = ("up-down DBN", "RBMClassifier generative")
DISPLAY_ORDER = ("up-down DBN", "greedy stack, no up-down", "LogisticRegression (pixels)",
                 "up-down DBN, paper's generative top", "RBMClassifier hybrid",
                 "RBMClassifier discriminative", "RBMClassifier generative")
# Longest fits first, so that the two workers finish close together.
FIT_ORDER = ("up-down DBN", "RBMClassifier hybrid", "up-down DBN, paper's generative top",
             "greedy stack, no up-down", "RBMClassifier discriminative",
             "RBMClassifier generative", "LogisticRegression (pixels)")


def final_fits(name, X, y, seeds, refits, quick):
    """Every model to fit on all training rows, for every seed: the DBN
    families once per seed, each RBMClassifier objective's chosen setting
    ``refits`` times (random states ``refits * seed + i``: the spread of one
    setting over initialisations and orders), LogisticRegression once.
    Returns ``{(family, seed, refit): model}`` and the chosen settings."""
    from sklearn.base import clone

    models, chosen = {}, {}
    for seed in range(seeds):
        start = time.perf_counter()
        tuned, choices = tuned_rbm_classifiers(X, y, quick, seed, name,
                                               lambda line: print(line, flush=True))
        print(f"{name}, seed {seed}: RBMClassifier searches took "
              f"{time.perf_counter() - start:.0f} s", flush=True)
        for family, choice in choices.items():
            chosen.setdefault(family, []).append(
                ", ".join(f"{k} {v:g}" for k, v in choice.items()))
        for family, model in dbn_models(quick, seed, name).items():
            if not (family.startswith("LogisticRegression") and seed > 0):
                models[family, seed, 0] = model
        for family, model in tuned.items():
            for i in range(refits):
                models[family, seed, i] = clone(model).set_params(
                    random_state=refits * seed + i)
    return models, chosen


def main():
    from joblib import Parallel, delayed
    from sklearn.linear_model import LogisticRegression

    def extra(parser):
        parser.add_argument("--fashion-seeds", type=int, default=1)
        parser.add_argument("--refits", type=int, default=3,
                            help="fits of each RBMClassifier's chosen setting per seed")

    args = experiment_arguments(__doc__, seeds=2, extra=extra)
    warnings.simplefilter("ignore")
    texts, data, grids = [], {}, {}
    for name, (X, y, Xt, yt), shape in datasets(args.quick):
        seeds = args.seeds if name == "digits" else args.fashion_seeds
        judge = LogisticRegression(max_iter=1000).fit(X, y)
        models, chosen = final_fits(name, X, y, seeds, args.refits, args.quick)
        keys = sorted(models, key=lambda key: FIT_ORDER.index(key[0]))
        fitted = dict(zip(keys, Parallel(n_jobs=2)(
            delayed(fit_and_score)(models[key], X, y, Xt, yt) for key in keys), strict=True))
        scores, seconds, recognised = {}, {}, {}
        # ``keys`` (a stable sort of seed-major insertions) is already in
        # (family, seed, refit) order, which pairs the objectives' fits.
        for (family, seed, refit), (model, score, elapsed) in fitted.items():
            seconds.setdefault(family, []).append(elapsed)
            scores.setdefault(family, []).append(score)
            if family in SAMPLERS and refit == 0:
                wanted = np.repeat(np.arange(10), 10)
                samples = model.sample(100, y=wanted, n_steps=1000, random_state=seed)
                recognised.setdefault(family, []).append(
                    float(np.mean(judge.predict(samples) == wanted)))
                if seed == 0:
                    grids[f"{name}: {family}"] = (samples, shape)
            print(f"{name}, seed {seed}, fit {refit}: {family} {score:.4f} in "
                  f"{elapsed:.0f} s", flush=True)
        rows = []
        for family in sorted(scores, key=DISPLAY_ORDER.index):
            acc = np.array(scores[family])
            rows.append([family, f"{acc.mean():.4f} ± {acc.std():.4f}",
                         f"{100 * (1 - acc.mean()):.2f}%", PUBLISHED.get(family, ""),
                         (f"{np.mean(recognised[family]):.2f}" if family in recognised
                          else ""), "; ".join(chosen.get(family, [])),
                         f"{np.mean(seconds[family]):.0f}", str(len(acc))])
        # Hybrid and discriminative fits share split, setting search and random
        # state pairwise, so their difference is read per pair.
        gap = (np.array(scores["RBMClassifier hybrid"])
               - np.array(scores["RBMClassifier discriminative"]))
        texts.append(
            f"### {name} ({len(X)} training, {len(Xt)} test images), {seeds} seed(s)\n\n"
            + table(["model", "test accuracy (mean ± std)", "test error",
                     "published MNIST error", "samples recognised as their class",
                     "setting chosen on the hold-out (per seed)", "fit seconds", "fits"],
                    rows)
            + f"\n\nRBMClassifier hybrid minus discriminative, paired fits: mean "
            f"{gap.mean():+.4f}, min {gap.min():+.4f}, max {gap.max():+.4f} "
            f"({len(gap)} pairs)")
        data[name] = {"scores": scores, "seconds": seconds, "recognised": recognised,
                      "chosen": chosen, "seeds": seeds, "refits": args.refits,
                      "hybrid_minus_discriminative": gap.tolist()}
    text = ("\n\n".join(texts) + "\n\nSamples: 10 per class (rows), 1,000 Gibbs sweeps, "
            "judged by LogisticRegression trained on the real training images; image grids "
            "in `bench_generative_samples.png`. RBMClassifier rows: each objective's best "
            "of 6 settings on a 20% hold-out of the training rows (all with the rate "
            "decaying linearly to zero), refitted on all of them "
            f"{args.refits} times per seed (random states 0, 1, ...). Every fit ran on one "
            "thread beside another fit.")
    print(text)

    def draw(fig):
        panels = fig.subfigures(1, len(grids))
        for panel, (title, (samples, shape)) in zip(np.atleast_1d(panels), grids.items(),
                                                    strict=True):
            axes = panel.subplots(10, 10, gridspec_kw={"wspace": 0.05, "hspace": 0.05})
            for ax, image in zip(axes.ravel(), samples, strict=True):
                ax.imshow(image.reshape(shape), cmap="gray", vmin=0, vmax=1)
                ax.set_axis_off()
            panel.suptitle(title, fontsize=7)

    if grids:
        save_plot("bench_generative_samples", draw, figsize=(3.2 * len(grids), 3.6))
    save("bench_generative", text, {"quick": args.quick, **data})


if __name__ == "__main__":
    main()
