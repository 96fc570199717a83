"""Per-minibatch cost of every estimator on a small problem (digits, 1437 x 64).

On small data the matrices are tiny and what a library spends around its
products per minibatch (Python, kernel calls, copies, thread hand-offs)
decides the speed. Every estimator is fitted for a fixed number of epochs in
minibatches of 20 rows with 256 hidden units per layer; its time per update
(whole fit divided by minibatch updates, so input checks and per-epoch
monitors are included) is set against scikit-learn's estimator of the same
size doing the same number of updates: ``BernoulliRBM`` for the RBMs, for
the classification RBM, two stacked ``BernoulliRBM`` for greedy
pretraining, ``MLPClassifier`` / ``MLPRegressor`` (logistic units, Adam, no
early stopping) for the nets. ``GenerativeDBNClassifier``'s up-down epochs
are timed as the difference between fits with 5 and with 0 up-down epochs
(the greedy stack and the top RBM come before them). Rounds alternate the
contenders; medians and spreads reported.

Usage: python benchmarks/bench_overhead.py [--repeat R]
"""

import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import save, table  # noqa: E402

BATCH, H, EPOCHS = 20, 256, 5


def contenders(X, y):
    from sklearn.neural_network import BernoulliRBM as SkRBM
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    import dbn

    Xs = (X - X.mean(0)) / (X.std(0) + 1e-8)
    target = X[:, :8].sum(1)
    mlp = dict(activation="logistic", solver="adam", batch_size=BATCH, max_iter=EPOCHS,
               random_state=0, n_iter_no_change=10**6, tol=0.0)
    net = dict(batch_size=BATCH, max_iter=EPOCHS, pretrain_epochs=0, random_state=0)
    def sk(data):
        return SkRBM(H, batch_size=BATCH, n_iter=EPOCHS, random_state=0).fit(data)

    sk_rbm = ("scikit-learn BernoulliRBM", lambda: sk(X))
    sk_stack = ("two scikit-learn BernoulliRBM", lambda: sk(sk(X).transform(X)))
    # (name, dbn fit, updates, peer); updates per fit = epochs x batches.
    batches = -(-len(X) // BATCH)

    def generative(updown_epochs):
        return dbn.GenerativeDBNClassifier(
            (H, H), batch_size=BATCH, pretrain_epochs=1, updown_epochs=updown_epochs,
            random_state=0).fit(X, y)

    return [
        ("BernoulliRBM(256)", lambda: dbn.BernoulliRBM(
            H, batch_size=BATCH, n_iter=EPOCHS, random_state=0).fit(X),
         EPOCHS * batches, sk_rbm),
        ("GaussianRBM(256)", lambda: dbn.GaussianRBM(
            H, batch_size=BATCH, n_iter=EPOCHS, random_state=0).fit(Xs),
         EPOCHS * batches, sk_rbm),
        ("DBN((256, 256)) pretraining", lambda: dbn.DBN(
            (H, H), pretrain_batch_size=BATCH, pretrain_epochs=EPOCHS, random_state=0).fit(X),
         2 * EPOCHS * batches, sk_stack),
        ("DBNClassifier((256, 256)) fine-tuning", lambda: dbn.DBNClassifier(
            (H, H), **net).fit(X, y), EPOCHS * batches,
         ("scikit-learn MLPClassifier",
          lambda: MLPClassifier(hidden_layer_sizes=(H, H), **mlp).fit(X, y))),
        ("DBNRegressor((256, 256)) fine-tuning", lambda: dbn.DBNRegressor(
            (H, H), **net).fit(X, target), EPOCHS * batches,
         ("scikit-learn MLPRegressor",
          lambda: MLPRegressor(hidden_layer_sizes=(H, H), **mlp).fit(X, target))),
        ("DBNAutoencoder((256, 32)) fine-tuning", lambda: dbn.DBNAutoencoder(
            (H, 32), **net).fit(X), EPOCHS * batches, None),
        ("RBMClassifier(256)", lambda: dbn.RBMClassifier(
            H, batch_size=BATCH, n_iter=EPOCHS, random_state=0).fit(X, y),
         EPOCHS * batches, sk_rbm),
        ("GenerativeDBNClassifier((256, 256)) up-down", lambda: generative(EPOCHS),
         EPOCHS * batches, ("without up-down", lambda: generative(0))),
    ]


def main():
    import argparse

    from sklearn.datasets import load_digits

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    X, y = load_digits(return_X_y=True)
    X = X[:1437] / 16.0
    y = y[:1437]
    jobs = contenders(X, y)
    rows, data = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, fit, updates, peer in jobs:
            runs = {name: fit} | ({} if peer is None else {peer[0]: peer[1]})
            for run in runs.values():
                run()  # compile, warm caches
            times = {k: [] for k in runs}
            for _ in range(args.repeat):
                for k, run in runs.items():
                    start = time.perf_counter()
                    run()
                    times[k].append(time.perf_counter() - start)
            ours = float(np.median(times[name]))
            row = [name, f"{ours:.2f}", f"{min(times[name]):.2f}-{max(times[name]):.2f}",
                   f"{1e6 * ours / updates:.0f}"]
            if peer is None:
                row += ["-", "-", "-"]
            elif peer[0] == "without up-down":
                # Only the up-down epochs: the difference of the medians.
                rest = float(np.median(times[peer[0]]))
                row[1:4] = [f"{ours - rest:.2f}", "-", f"{1e6 * (ours - rest) / updates:.0f}"]
                row += ["-", "-", "-"]
            else:
                theirs = float(np.median(times[peer[0]]))
                row += [peer[0], f"{1e6 * theirs / updates:.0f}", f"{theirs / ours:.2f}x"]
            rows.append(row)
            data.append({"estimator": name, "updates": updates, "times": times})
            print(row, flush=True)
    header = ["dbn estimator", "fit s", "min-max", "µs per update", "peer",
              "peer µs per update", "peer time / dbn time"]
    text = (f"Digits (1437 x 64), {EPOCHS} epochs in minibatches of {BATCH}, {H} hidden "
            f"units per layer; medians of {args.repeat} alternating rounds (above 1x: dbn "
            "is faster)\n\n" + table(header, rows)
            + "\n\nGenerativeDBNClassifier: the up-down epochs alone (median fit time "
            "with 5 up-down epochs minus with 0).")
    print(text)
    save("bench_overhead", text, {"rows": data})


if __name__ == "__main__":
    main()
