"""The head start, epoch by epoch: test accuracy after each fine-tuning epoch,
pretrained against random init (same net, same seeds).

* digits: 80/20 stratified split (seed 0), all 1,437 training labels, pixels / 16;
* fashion: Fashion-MNIST 60,000 / 10,000, pixels / 255.

The net is DBNClassifier((500, 500)) with its defaults (pretrained: 20 CD-1
epochs per layer, then Nesterov SGD at 0.1; random init: ``pretrain_epochs=0``,
for which 'auto' picks Adam at 1e-3) for a fixed number of epochs
(``learning_rate='constant'`` and a patience as long as the run, so every
curve has every epoch). The defaults change two things at once, the start
and the optimizer, so two more families swap the optimizers: the pretrained
net fine-tuned with Adam at 1e-3, and the random-init net with Nesterov SGD
at 0.1. Reported: mean, min and max over seeds per epoch, as a plot each,
and how many epochs the random-init net needs to reach the pretrained net's
first-epoch accuracy (mean over seeds), with each one's default optimizer.

Usage: python benchmarks/bench_curves.py [--quick] [--seeds 5]
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
    fit_with_curve,
    mean_band,
    save,
    save_plot,
    table,
)


def datasets(quick):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X, Xt, y, yt = train_test_split(X / 16.0, y, test_size=0.2, stratify=y, random_state=0)
    yield "digits", (X, y, Xt, yt), 15 if quick else 40
    X, y, Xt, yt = fashion_or_exit(5000 if quick else None)
    yield "fashion", (X, y, Xt, yt), 5 if quick else 20


#: (family, pretraining epochs, fine-tuning optimizer); the first two are the
#: defaults ('auto': SGD at 0.1 from a pretrained start, Adam at 1e-3 from
#: random init), the other two swap the optimizers.
FAMILIES = [
    ("pretrained", 20, {}),
    ("random init", 0, {}),
    ("pretrained, Adam 1e-3", 20, {"solver": "adam", "learning_rate_init": 1e-3}),
    ("random init, SGD 0.1", 0, {"solver": "sgd", "learning_rate_init": 0.1}),
]


def curves(data, epochs, seeds):
    from dbn import DBNClassifier

    X, y, Xt, yt = data
    runs = {family: [] for family, *_ in FAMILIES}
    seconds = {family: [] for family, *_ in FAMILIES}
    for seed in range(seeds):
        for family, pretrain_epochs, solver in FAMILIES:
            clf = DBNClassifier((500, 500), pretrain_epochs=pretrain_epochs,
                                max_iter=epochs, learning_rate="constant",
                                n_iter_no_change=epochs, random_state=seed, **solver)
            start = time.perf_counter()
            runs[family].append(fit_with_curve(clf, X, y, Xt, yt))
            seconds[family].append(time.perf_counter() - start)
            print(f"  {family} seed {seed}: first epoch {runs[family][-1][0]:.4f}, "
                  f"last {runs[family][-1][-1]:.4f}", flush=True)
    return runs, seconds


def epochs_to_reach(curve, level):
    hits = np.flatnonzero(np.asarray(curve) >= level)
    return int(hits[0]) + 1 if hits.size else None


def report(name, runs, seconds, epochs):
    first = np.mean([r[0] for r in runs["pretrained"]])
    needed = [epochs_to_reach(r, first) for r in runs["random init"]]
    rows = []
    for family, family_runs in runs.items():
        mean, lo, hi = mean_band(family_runs)
        rows.append([family, f"{mean[0]:.4f}", f"{mean[min(4, len(mean) - 1)]:.4f}",
                     f"{mean[-1]:.4f} ({lo[-1]:.4f}-{hi[-1]:.4f})",
                     f"{np.mean(seconds[family]):.0f}"])
    reached = [n for n in needed if n is not None]
    same = [epochs_to_reach(r, first) for r in runs["random init, SGD 0.1"]]
    same = [n for n in same if n is not None]
    with_sgd = (f"; with the pretrained net's optimizer (SGD 0.1) it reached it on "
                f"{len(same)} of {len(needed)} seeds"
                + (f", after {np.mean(same):.1f} epochs on average" if same else ""))
    summary = (
        f"The random-init net reached the pretrained net's first-epoch accuracy "
        f"({first:.4f}) after {np.mean(reached):.1f} epochs on average "
        f"({len(reached)} of {len(needed)} seeds within {epochs} epochs){with_sgd}"
        if reached else
        f"The random-init net did not reach the pretrained net's first-epoch accuracy "
        f"({first:.4f}) within {epochs} epochs on any seed{with_sgd}")
    text = (f"### {name}: test accuracy per fine-tuning epoch, {len(needed)} seeds\n\n"
            + table(["net", "epoch 1", "epoch 5", f"epoch {epochs} (min-max)",
                     "fit seconds"], rows)
            + f"\n\n{summary}. Plot: `bench_curves_{name}.png`.")

    def draw(fig):
        ax = fig.add_subplot()
        for family, family_runs in runs.items():
            mean, lo, hi = mean_band(family_runs)
            x = np.arange(1, len(mean) + 1)
            ax.plot(x, mean, label=f"{family} (mean)")
            ax.fill_between(x, lo, hi, alpha=0.25, label=f"{family} (min-max)")
        ax.set_xlabel("fine-tuning epoch")
        ax.set_ylabel("test accuracy")
        ax.set_title(f"{name}: pretrained vs random init, DBNClassifier((500, 500))",
                     fontsize="medium")
        ax.legend(loc="lower right", fontsize="small")

    save_plot(f"bench_curves_{name}", draw)
    return text, {"runs": runs, "seconds": seconds, "epochs_to_reach": needed,
                  "epochs_to_reach_with_sgd": same,
                  "pretrained_first_epoch": first}


def main():
    args = experiment_arguments(__doc__, seeds=5)
    warnings.simplefilter("ignore")
    texts, data = [], {"seeds": args.seeds, "quick": args.quick}
    for name, split, epochs in datasets(args.quick):
        print(f"{name}: {epochs} epochs, {args.seeds} seeds", flush=True)
        runs, seconds = curves(split, epochs, args.seeds)
        text, data[name] = report(name, runs, seconds, epochs)
        print(text, flush=True)
        texts.append(text)
    save("bench_curves", "\n\n".join(texts), data)


if __name__ == "__main__":
    main()
