"""Transfer, "pretrain on A, fine-tune on B", on Fashion-MNIST.

A is the training images of classes 0-4 (T-shirt, trouser, pullover, dress,
coat), used without labels; B is classes 5-9 (sandal, shirt, sneaker, bag,
ankle boot), with 1,000 labeled training images (200 per class) for
fine-tuning; tested on B's 5,000 test images. The net is (500, 500) with the
defaults throughout:

* pretrained on A, fine-tuned on B with 0, 1 or both hidden layers frozen
  (``frozen_layers``);
* supervised pretraining on another task: a DBNClassifier fitted on A's
  labels (its defaults, 20 fine-tuning epochs), whose hidden layers then
  start B's net (``pretrained=`` the fitted classifier), with 0 or both
  hidden layers frozen;
* random init (``pretrain_epochs=0``) on B's 1,000 labels;
* pretrained on B's own training images (all ~30,000, without labels), the
  in-domain reference.

Usage: python benchmarks/bench_transfer.py [--quick] [--seeds 3]
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
from bench_few_labels import labeled_rows  # noqa: E402


def main():
    from sklearn.frozen import FrozenEstimator

    from dbn import DBN, DBNClassifier

    args = experiment_arguments(__doc__, seeds=3)
    warnings.simplefilter("ignore")
    X, y, Xt, yt = fashion_or_exit(12000 if args.quick else None)
    in_a, in_b = y < 5, y >= 5
    XA, yA, XB, yB = X[in_a], y[in_a], X[in_b], y[in_b]
    test_b = yt >= 5
    XtB, ytB = Xt[test_b], yt[test_b]
    n_labels = 500 if args.quick else 1000
    families = ["pretrained on A, 0 frozen", "pretrained on A, 1 frozen",
                "pretrained on A, 2 frozen", "supervised on A's labels, 0 frozen",
                "supervised on A's labels, 2 frozen", "random init",
                "pretrained on B (in-domain)"]
    scores = {f: [] for f in families}
    seconds = {f: [] for f in families}
    for seed in range(args.seeds):
        dbn_a = DBN((500, 500), random_state=seed).fit(XA)
        dbn_b = DBN((500, 500), random_state=seed).fit(XB)
        clf_a = DBNClassifier((500, 500), pretrained=FrozenEstimator(dbn_a), max_iter=20,
                              random_state=seed).fit(XA, yA)
        rows = labeled_rows(yB, n_labels, seed)
        models = {
            **{f"pretrained on A, {k} frozen": DBNClassifier(
                (500, 500), pretrained=FrozenEstimator(dbn_a), frozen_layers=k,
                random_state=seed) for k in (0, 1, 2)},
            **{f"supervised on A's labels, {k} frozen": DBNClassifier(
                (500, 500), pretrained=FrozenEstimator(clf_a), frozen_layers=k,
                random_state=seed) for k in (0, 2)},
            "random init": DBNClassifier((500, 500), pretrain_epochs=0, random_state=seed),
            "pretrained on B (in-domain)": DBNClassifier(
                (500, 500), pretrained=FrozenEstimator(dbn_b), random_state=seed),
        }
        for family, model in models.items():
            start = time.perf_counter()
            model.fit(XB[rows], yB[rows])
            seconds[family].append(time.perf_counter() - start)
            scores[family].append(float(model.score(XtB, ytB)))
        print(f"seed {seed}: " + ", ".join(f"{f} {scores[f][-1]:.4f}" for f in families),
              flush=True)
    rows = [[f, f"{np.mean(scores[f]):.4f} ± {np.std(scores[f]):.4f}",
             f"{min(scores[f]):.4f}", f"{np.mean(seconds[f]):.1f}"] for f in families]
    text = (f"### Transfer on Fashion-MNIST: pretrain on classes 0-4 (A, {len(XA)} images, "
            f"no labels), fine-tune on classes 5-9 (B, {n_labels} labels), test on B's "
            f"{len(XtB)} test images; {args.seeds} seeds\n\n"
            + table(["net", "test accuracy (mean ± std)", "min", "fine-tune seconds"], rows)
            + "\n\nPlot: `bench_transfer.png`.")
    print(text)

    def draw(fig):
        ax = fig.add_subplot()
        means = [np.mean(scores[f]) for f in families]
        stds = [np.std(scores[f]) for f in families]
        ax.barh(range(len(families)), means, xerr=stds, capsize=3, color="tab:blue")
        ax.set_yticks(range(len(families)), families)
        low = min(min(scores[f]) for f in families)
        ax.set_xlim(max(0.0, low - 0.03), min(1.0, max(means) + 0.02))
        ax.invert_yaxis()
        ax.set_xlabel("test accuracy on classes 5-9")
        ax.set_title("Fashion-MNIST transfer: pretrain on classes 0-4, fine-tune on 5-9")

    save_plot("bench_transfer", draw)
    save("bench_transfer", text, {"seeds": args.seeds, "quick": args.quick,
                                  "labels": n_labels, "scores": scores, "seconds": seconds})


if __name__ == "__main__":
    main()
