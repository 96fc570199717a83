"""Few labels: Fashion-MNIST with 50, 100, 1,000 and 10,000 labeled images.

Pretraining sees all 60,000 training images without labels (a DBN((500, 500))
with the defaults, fitted once per seed and handed to every labeled size as
``pretrained=FrozenEstimator(dbn)``: the same as ``unlabeled=-1`` on the full
set, without pretraining four times). The baselines see only the labeled rows:
the same net from random init (``pretrain_epochs=0``) and scikit-learn's
``MLPClassifier((500, 500))``, each with its defaults. Each seed draws its own
labeled rows (stratified: the same count per class) and initial weights.
Tested on the 10,000 test images.

Usage: python benchmarks/bench_few_labels.py [--quick] [--seeds 3]
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

FAMILIES = ("pretrained", "random init", "MLPClassifier")


def labeled_rows(y, n_labels, seed):
    """``n_labels`` rows, the same number from every class."""
    rng = np.random.default_rng(seed)
    classes = np.unique(y)
    per_class = n_labels // len(classes)
    return np.sort(np.concatenate([
        rng.choice(np.flatnonzero(y == c), per_class, replace=False) for c in classes]))


def main():
    from sklearn.frozen import FrozenEstimator
    from sklearn.neural_network import MLPClassifier

    from dbn import DBN, DBNClassifier

    args = experiment_arguments(__doc__, seeds=3)
    warnings.simplefilter("ignore")
    X, y, Xt, yt = fashion_or_exit(10000 if args.quick else None)
    sizes = [50, 100, 1000] if args.quick else [50, 100, 1000, 10000]
    scores = {f: {n: [] for n in sizes} for f in FAMILIES}
    seconds = {f: {n: [] for n in sizes} for f in FAMILIES}
    for seed in range(args.seeds):
        start = time.perf_counter()
        dbn = DBN((500, 500), random_state=seed).fit(X)
        pretrain_seconds = time.perf_counter() - start
        print(f"seed {seed}: pretrained on {len(X)} rows in {pretrain_seconds:.0f} s",
              flush=True)
        for n in sizes:
            rows = labeled_rows(y, n, seed)
            models = {
                "pretrained": DBNClassifier((500, 500), pretrained=FrozenEstimator(dbn),
                                            random_state=seed),
                "random init": DBNClassifier((500, 500), pretrain_epochs=0,
                                             random_state=seed),
                "MLPClassifier": MLPClassifier((500, 500), random_state=seed),
            }
            for family, model in models.items():
                start = time.perf_counter()
                model.fit(X[rows], y[rows])
                seconds[family][n].append(time.perf_counter() - start)
                scores[family][n].append(float(model.score(Xt, yt)))
            print(f"  {n} labels: " + ", ".join(
                f"{f} {scores[f][n][-1]:.4f}" for f in FAMILIES), flush=True)

    rows = []
    for n in sizes:
        means = {f: np.mean(scores[f][n]) for f in FAMILIES}
        gain = means["pretrained"] - max(means["random init"], means["MLPClassifier"])
        rows.append([str(n)] + [f"{means[f]:.4f} ± {np.std(scores[f][n]):.4f}"
                                for f in FAMILIES] + [f"{100 * gain:+.1f}"])
    text = (f"### Fashion-MNIST, few labels: test accuracy, mean ± std over {args.seeds} "
            f"seeds\n\nPretraining on all {len(X)} training images (no labels); "
            "fine-tuning and the baselines on the labeled rows only.\n\n"
            + table(["labels", *FAMILIES, "pretrained - best baseline (points)"], rows)
            + "\n\nPlot: `bench_few_labels.png`.")
    print(text)

    def draw(fig):
        ax = fig.add_subplot()
        for family in FAMILIES:
            mean = [np.mean(scores[family][n]) for n in sizes]
            std = [np.std(scores[family][n]) for n in sizes]
            ax.errorbar(sizes, mean, yerr=std, marker="o", capsize=3, label=family)
        ax.set_xscale("log")
        ax.set_xlabel("labeled training images (log scale)")
        ax.set_ylabel("test accuracy")
        ax.set_title("Fashion-MNIST: accuracy against labels, (500, 500) nets")
        ax.legend(loc="lower right")

    save_plot("bench_few_labels", draw)
    save("bench_few_labels", text, {"seeds": args.seeds, "quick": args.quick,
                                    "sizes": sizes, "scores": scores, "seconds": seconds})


if __name__ == "__main__":
    main()
