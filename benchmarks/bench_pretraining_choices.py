"""Pretraining choices against the head start they give, on Fashion-MNIST.

A DBN((500, 500)) is pretrained on 20,000 training images (no labels) with
CD-1, CD-10 or PCD-1 for 20 epochs per layer (PCD-1 at the default rate and
momentum, and at rate 0.01 with momentum 0.5), and with CD-1 for 0, 5, 20
and 50 epochs; each is fine-tuned (DBNClassifier defaults) on 1,000 labeled
images (100 per class) and tested on the 10,000 test images. Beside it, the
first RBM's log-likelihood per image on 2,000 test images, from AIS
(100 chains, 10,000 inverse temperatures; the estimate's standard error in
brackets), evaluated at the grey levels in [0, 1] rather than binarised
images, so a relative measure between these models: does a better
generative model give a better head start?

Usage: python benchmarks/bench_pretraining_choices.py [--quick] [--seeds 2]
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

# (method, DBN options, epochs per layer in the full run, in the quick one)
CHOICES = [
    ("CD-1", {}, 20, 5),
    ("CD-10", {"cd_steps": 10}, 20, 5),
    ("PCD-1", {"persistent": True}, 20, 5),
    # PCD needs a smaller step than CD: the chains persist, and a large step
    # with heavy momentum drives them (and the model) away from the data.
    ("PCD-1 at rate 0.01, momentum 0.5", {"persistent": True, "pretrain_learning_rate": 0.01,
                                          "pretrain_momentum": 0.5}, 20, 5),
    ("CD-1", {}, 0, 0),
    ("CD-1", {}, 5, 2),
    ("CD-1", {}, 50, None),
]


def choices(quick):
    out = {}
    for method, options, full, short in CHOICES:
        epochs = short if quick else full
        if epochs is None:
            continue
        name = f"{method}, {epochs} epochs" + (" (random init)" if epochs == 0 else "")
        out[name] = dict(options, pretrain_epochs=epochs)
    return out


def main():
    from sklearn.frozen import FrozenEstimator

    from dbn import DBN, DBNClassifier

    args = experiment_arguments(__doc__, seeds=2)
    warnings.simplefilter("ignore")
    X, y, Xt, yt = fashion_or_exit(4000 if args.quick else 20000)
    n_labels, n_betas = (500, 1000) if args.quick else (1000, 10000)
    X_ll = Xt[:500 if args.quick else 2000]
    settings = choices(args.quick)
    results = {name: {"accuracy": [], "log_likelihood": [], "ais_std": [], "seconds": []}
               for name in settings}
    for seed in range(args.seeds):
        rows = labeled_rows(y, n_labels, seed)
        for name, options in settings.items():
            r = results[name]
            if options["pretrain_epochs"] == 0:
                clf = DBNClassifier((500, 500), pretrain_epochs=0, random_state=seed)
                r["seconds"].append(0.0)
            else:
                start = time.perf_counter()
                dbn = DBN((500, 500), random_state=seed, **options).fit(X)
                r["seconds"].append(time.perf_counter() - start)
                log_z, std = dbn.rbms_[0].log_partition(
                    "ais", n_chains=100, n_betas=n_betas, random_state=seed, return_std=True)
                r["log_likelihood"].append(float(np.mean(-dbn.rbms_[0].free_energy(X_ll))
                                                 - log_z))
                r["ais_std"].append(float(std))
                clf = DBNClassifier((500, 500), pretrained=FrozenEstimator(dbn),
                                    random_state=seed)
            clf.fit(X[rows], y[rows])
            r["accuracy"].append(float(clf.score(Xt, yt)))
            ll = f", log-likelihood {r['log_likelihood'][-1]:.1f}" if r["log_likelihood"] else ""
            print(f"seed {seed} {name}: accuracy {r['accuracy'][-1]:.4f}{ll}", flush=True)
    rows = []
    for name, r in results.items():
        ll = (f"{np.mean(r['log_likelihood']):.1f} ({np.mean(r['ais_std']):.2f})"
              if r["log_likelihood"] else "-")
        rows.append([name, f"{np.mean(r['accuracy']):.4f} ± {np.std(r['accuracy']):.4f}",
                     ll, f"{np.mean(r['seconds']):.0f}"])
    text = (f"### Pretraining choices on Fashion-MNIST: {len(X)} pretraining images, "
            f"{n_labels} labels, {args.seeds} seeds\n\n"
            + table(["pretraining", "test accuracy after fine-tuning",
                     "first RBM: test log-likelihood per image (AIS s.e.)",
                     "pretraining seconds"], rows)
            + "\n\nLog-likelihoods are of the grey levels in [0, 1] (not binarised "
            "images): comparable between these models, not with published MNIST figures."
            "\n\nPlot: `bench_pretraining_choices.png`.")
    print(text)

    def draw(fig):
        ax = fig.add_subplot()
        for name, r in results.items():
            if r["log_likelihood"]:
                ax.scatter(np.mean(r["log_likelihood"]), np.mean(r["accuracy"]), s=30)
                ax.annotate(name, (np.mean(r["log_likelihood"]), np.mean(r["accuracy"])),
                            fontsize=7, xytext=(4, 4), textcoords="offset points")
        base = results.get("CD-1, 0 epochs (random init)")  # the same name in both runs
        if base:
            ax.axhline(np.mean(base["accuracy"]), color="0.5", linestyle="--",
                       label="random init")
            ax.legend(loc="lower right")
        ax.set_xlabel("first RBM: test log-likelihood per image (AIS)")
        ax.set_ylabel("test accuracy after fine-tuning")
        ax.set_title("Does a better generative model give a better head start?")

    save_plot("bench_pretraining_choices", draw)
    save("bench_pretraining_choices", text, {"seeds": args.seeds, "quick": args.quick,
                                             "labels": n_labels, "results": results})


if __name__ == "__main__":
    main()
