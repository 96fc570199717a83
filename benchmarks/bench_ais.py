"""Test log-likelihood of 500-hidden RBMs on binarised Fashion-MNIST, by AIS.

RBMs trained with CD-1 and CD-10 (learning rate 0.05) and PCD-1 (0.01,
momentum 0.5: persistent chains need smaller steps), same epochs, batch 100;
log Z by annealed importance sampling (Salakhutdinov & Murray
2008: base-rate model, 10,000 inverse temperatures, 100 chains); average
log P(v) over the 10k test images, in nats. The literature's MNIST figures
(about -125 for CD-1 and -86 for CD-25) are the reference shape: larger k and
persistent chains should score higher.

Usage: python benchmarks/bench_ais.py [--epochs E] [--rows N]
Needs Fashion-MNIST: apt-get install -y dataset-fashion-mnist
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import load_fashion, machine_info, save, table  # noqa: E402


def main():
    from dbn import BernoulliRBM

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--rows", type=int, default=60000)
    parser.add_argument("--betas", type=int, default=10000)
    args = parser.parse_args()
    X, _, Xt, _ = load_fashion(args.rows)
    X = (X > 0.5).astype(np.float32)
    Xt = (Xt > 0.5).astype(np.float32)
    settings = {
        "CD-1": dict(cd_steps=1),
        "CD-10": dict(cd_steps=10),
        # Persistent chains cannot follow steps as large as CD's: a side run
        # at 0.05 scored far below CD-1, so PCD gets 0.01 and momentum 0.5.
        "PCD-1 (lr 0.01, momentum 0.5)": dict(persistent=True, learning_rate=0.01,
                                              momentum=0.5),
    }
    rows, data = [], {"machine": machine_info(), "epochs": args.epochs}
    for name, kw in settings.items():
        start = time.perf_counter()
        kw = {"learning_rate": 0.05, **kw}
        rbm = BernoulliRBM(500, n_iter=args.epochs, random_state=0, **kw).fit(X)
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        log_z, std = rbm.log_partition("ais", n_chains=100, n_betas=args.betas,
                                       random_state=0, return_std=True)
        ais_seconds = time.perf_counter() - start
        test_ll = float(np.mean(-rbm.free_energy(Xt)) - log_z)
        train_ll = float(np.mean(-rbm.free_energy(X[:10000])) - log_z)
        rows.append([name, f"{test_ll:.2f}", f"{train_ll:.2f}", f"{log_z:.2f} ± {std:.2f}",
                     f"{fit_seconds:.0f}", f"{ais_seconds:.0f}"])
        data[name] = {"test_ll": test_ll, "train_ll": train_ll, "log_z": log_z,
                      "log_z_std": std, "fit_seconds": fit_seconds}
        print(rows[-1], flush=True)
    text = (f"RBM(500) on binarised Fashion-MNIST ({len(X)} rows, {args.epochs} epochs, "
            f"lr 0.05), AIS with {args.betas} betas and 100 chains\n\n" + table(
                ["training", "test log-likelihood (nats)", "train (10k rows)", "log Z (AIS)",
                 "fit s", "AIS s"], rows))
    print(text)
    save("bench_ais", text, data)


if __name__ == "__main__":
    main()
