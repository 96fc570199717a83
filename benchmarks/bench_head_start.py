"""The head start: pretrained DBN against random init and MLPClassifier, fairly.

Three settings, each over several seeds (every seed draws its own labeled
rows and initial weights):

* digits-50: digits 80/20 split (seed 0), 50 labeled training images (5 per
  class); the DBN pretrains on all 1,437 training images without labels.
* digits-all: the same split with all 1,437 training labels.
* fashion-500: 20,000 Fashion-MNIST training images, 500 of them labeled
  (50 per class); the DBN pretrains on the 20,000; tested on the 10k test set.

Three families of models, each fitted only on what it may see (the baselines
on the labeled rows alone):

* pretrained: DBNClassifier((500, 500)) fine-tuned from a DBN pretrained with
  the defaults (20 CD-1 epochs per layer);
* random init: the same net from Glorot's initialisation (pretrain_epochs=0);
* MLPClassifier((500, 500)) from scikit-learn.

Each family is reported twice: with its defaults, and tuned with the same
budget, a grid of 4 settings chosen by 3-fold stratified cross-validation on
the labeled rows (by a 20% stratified hold-out above 1,000 labels), then
refitted on all labeled rows. The random-init grid includes ReLU units and
the MLP grid logistic units, so neither baseline is held to one activation.

Usage: python benchmarks/bench_head_start.py [--only digits-50|digits-all|fashion-500]
                                              [--seeds 5]
Fashion-MNIST: apt-get install -y dataset-fashion-mnist
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import load_fashion, machine_info, save, table  # noqa: E402

HIDDEN = (500, 500)

GRIDS = {
    "pretrained": [
        {"solver": "sgd", "learning_rate_init": 0.1},
        {"solver": "sgd", "learning_rate_init": 0.01},
        {"solver": "adam", "learning_rate_init": 1e-3},
        {"solver": "adam", "learning_rate_init": 1e-4},
    ],
    "random init": [
        {"hidden_units": "bernoulli", "solver": "adam", "learning_rate_init": 1e-3},
        {"hidden_units": "bernoulli", "solver": "sgd", "learning_rate_init": 0.1},
        {"hidden_units": "relu", "solver": "adam", "learning_rate_init": 1e-3},
        {"hidden_units": "relu", "solver": "sgd", "learning_rate_init": 0.01},
    ],
    "MLPClassifier": [
        {"activation": "relu", "learning_rate_init": 1e-3},
        {"activation": "relu", "learning_rate_init": 1e-2},
        {"activation": "logistic", "learning_rate_init": 1e-3},
        {"activation": "logistic", "learning_rate_init": 1e-2},
    ],
}


def makers(seed, dbn):
    from sklearn.frozen import FrozenEstimator
    from sklearn.neural_network import MLPClassifier

    from dbn import DBNClassifier

    return {
        "pretrained": lambda **kw: DBNClassifier(
            HIDDEN, pretrained=FrozenEstimator(dbn), random_state=seed, **kw),
        "random init": lambda **kw: DBNClassifier(
            HIDDEN, pretrain_epochs=0, random_state=seed, **kw),
        "MLPClassifier": lambda **kw: MLPClassifier(
            HIDDEN, max_iter=1000, random_state=seed, **kw),
    }


def select(make, grid, X, y, seed):
    """The grid entry with the best cross-validated (or hold-out) accuracy."""
    from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit

    if len(y) > 1000:
        splits = StratifiedShuffleSplit(1, test_size=0.2, random_state=seed).split(X, y)
    else:
        splits = StratifiedKFold(3, shuffle=True, random_state=seed).split(X, y)
    splits = list(splits)
    scores = []
    for params in grid:
        fold = [make(**params).fit(X[tr], y[tr]).score(X[va], y[va]) for tr, va in splits]
        scores.append(np.mean(fold))
    return grid[int(np.argmax(scores))]


def labeled_subset(y, per_class, rng):
    return np.sort(np.concatenate([
        rng.choice(np.flatnonzero(y == c), per_class, replace=False) for c in np.unique(y)
    ]))


def experiment(name, seeds):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from dbn import DBN

    if name.startswith("digits"):
        X, y = load_digits(return_X_y=True)
        X, Xt, y, yt = train_test_split(X / 16.0, y, test_size=0.2, stratify=y,
                                        random_state=0)
        per_class = 5 if name == "digits-50" else None
    else:
        X, y, Xt, yt = load_fashion(20000)
        per_class = 50
    results = {f"{family}, {kind}": [] for family in GRIDS for kind in ("defaults", "tuned")}
    chosen = {family: [] for family in GRIDS}
    seconds = {family: 0.0 for family in GRIDS}
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        rows = np.arange(len(y)) if per_class is None else labeled_subset(y, per_class, rng)
        start = time.perf_counter()
        dbn = DBN(HIDDEN, random_state=seed).fit(X)
        seconds["pretrained"] += time.perf_counter() - start
        for family, make in makers(seed, dbn).items():
            start = time.perf_counter()
            results[f"{family}, defaults"].append(
                make().fit(X[rows], y[rows]).score(Xt, yt))
            params = select(make, GRIDS[family], X[rows], y[rows], seed)
            chosen[family].append(params)
            results[f"{family}, tuned"].append(
                make(**params).fit(X[rows], y[rows]).score(Xt, yt))
            seconds[family] += time.perf_counter() - start
        print(f"  {name} seed {seed}: " + ", ".join(
            f"{k} {v[-1]:.4f}" for k, v in results.items()), flush=True)
    rows_out = []
    for key, scores in results.items():
        rows_out.append([key, f"{np.mean(scores):.4f}", f"{np.std(scores):.4f}",
                         f"{min(scores):.4f}", f"{max(scores):.4f}"])
    title = {"digits-50": "digits, 50 labels (5 per class), pretraining on all 1,437 "
                          "training images",
             "digits-all": "digits, all 1,437 training labels",
             "fashion-500": "Fashion-MNIST, 500 labels (50 per class), pretraining on "
                            "20,000 training images"}[name]
    gain = np.array(results["pretrained, tuned"]) - np.maximum(
        results["random init, tuned"], results["MLPClassifier, tuned"])
    text = (f"### {title}\n\n{seeds} seeds; test accuracy\n\n"
            + table(["model (500, 500)", "mean", "std", "min", "max"], rows_out)
            + f"\n\nPretrained (tuned) minus the better tuned baseline, per seed: mean "
            f"{gain.mean():+.4f}, min {gain.min():+.4f}, max {gain.max():+.4f}.")
    print(text, flush=True)
    data = {"scores": results, "chosen": chosen, "seconds": seconds,
            "gain_over_best_baseline": gain.tolist()}
    return text, data


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["digits-50", "digits-all", "fashion-500"])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    names = [args.only] if args.only else ["digits-50", "digits-all", "fashion-500"]
    texts, data = [], {"machine": machine_info(), "seeds": args.seeds}
    for name in names:
        text, result = experiment(name, args.seeds)
        texts.append(text)
        data[name] = result
    suffix = f"_{args.only}" if args.only else ""
    stamp = data["machine"]
    header = (f"Measured {stamp['date']} on {stamp['cpu']} ({stamp['cpu_count']} cores; "
              f"BLAS: {'; '.join(stamp['blas'])}; numpy {stamp['numpy']}, scikit-learn "
              f"{stamp.get('sklearn')}, numba {stamp.get('numba')}).")
    save(f"bench_head_start{suffix}", header + "\n\n" + "\n\n".join(texts), data)


if __name__ == "__main__":
    main()
