"""One CD-1 epoch of a 784 -> 500 RBM on Fashion-MNIST: dbn against its peers.

Peers, all measured in the same run: scikit-learn's BernoulliRBM with the same
settings, a plain PyTorch CPU loop doing the same CD-1 epoch (skipped when torch
is not installed: ``pip install torch==2.13.0``), and the float32 GEMM limit,
i.e. the time numpy's BLAS takes for the epoch's five products alone at the
same shapes (10 * N * V * H flops).

Every RBM gets float64 input scaled to [0, 1], as users pass it; dbn's and
scikit-learn's times include their input handling, PyTorch gets its float32
tensor made before the clock starts.

Usage: python benchmarks/bench_rbm.py [--rows N] [--repeat R] [--no-sklearn]
Needs Fashion-MNIST: apt-get install -y dataset-fashion-mnist
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import (  # noqa: E402
    blas_threads,
    interleaved_times,
    load_fashion,
    machine_info,
    median_time,
    save,
    speed_arguments,
    speed_rows,
    table,
)

N_HIDDEN, BATCH, LR = 500, 100, 0.1


def dbn_epoch(X):
    from dbn import BernoulliRBM

    BernoulliRBM(N_HIDDEN, batch_size=BATCH, n_iter=1, learning_rate=LR,
                 random_state=0).fit(X)


def sklearn_epoch(X):
    from sklearn.neural_network import BernoulliRBM

    BernoulliRBM(N_HIDDEN, batch_size=BATCH, n_iter=1, learning_rate=LR,
                 random_state=0).fit(X)


def torch_epoch_factory(X):
    try:
        import torch
    except ImportError:
        return None
    # As many threads as numpy's BLAS has (OPENBLAS_NUM_THREADS=1 runs: one).
    torch.set_num_threads(blas_threads())
    data = torch.from_numpy(X.astype(np.float32))
    gen = torch.Generator().manual_seed(0)
    n, v = data.shape

    def epoch():
        # A competent plain loop: in-place products and activations, no autograd.
        W = 0.01 * torch.randn(v, N_HIDDEN, generator=gen)
        b = torch.zeros(v)
        c = torch.zeros(N_HIDDEN)
        with torch.no_grad():
            for start in range(0, n, BATCH):
                v0 = data[start:start + BATCH]
                m = v0.shape[0]
                h0 = torch.addmm(c, v0, W).sigmoid_()
                hs = torch.bernoulli(h0, generator=gen)
                v1 = torch.addmm(b, hs, W.T).sigmoid_()
                h1 = torch.addmm(c, v1, W).sigmoid_()
                W.addmm_(v0.T, h0, alpha=LR / m).addmm_(v1.T, h1, alpha=-LR / m)
                b.add_(v0.sum(0) - v1.sum(0), alpha=LR / m)
                c.add_(h0.sum(0) - h1.sum(0), alpha=LR / m)

    return epoch


def gemm_limit(n_rows, n_visible, repeat):
    """Seconds numpy's float32 BLAS needs for the epoch's five products."""
    rng = np.random.default_rng(0)
    f32 = np.float32
    v = rng.random((BATCH, n_visible), dtype=f32)
    h = rng.random((BATCH, N_HIDDEN), dtype=f32)
    W = rng.random((n_visible, N_HIDDEN), dtype=f32)
    out_h = np.empty((BATCH, N_HIDDEN), f32)
    out_v = np.empty((BATCH, n_visible), f32)
    grad = np.empty((n_visible, N_HIDDEN), f32)
    n_batches = n_rows // BATCH

    def products():
        for _ in range(n_batches):
            np.matmul(v, W, out=out_h)
            np.matmul(h, W.T, out=out_v)
            np.matmul(v, W, out=out_h)
            np.matmul(v.T, h, out=grad)
            np.matmul(v.T, h, out=grad)

    return median_time(products, repeat)[0]


def main():
    args = speed_arguments(__doc__)

    X, *_ = load_fashion(args.rows)
    n, v = X.shape
    flops = 10.0 * n * v * N_HIDDEN
    dbn_epoch(X[:200])  # compile (or load the cache) before timing

    peers = {"dbn": lambda: dbn_epoch(X)}
    if not args.no_sklearn:
        peers["scikit-learn"] = lambda: sklearn_epoch(X)
    torch_epoch = torch_epoch_factory(X)
    if torch_epoch is not None:
        torch_epoch()
        peers["pytorch"] = torch_epoch
    # The GEMM limit is timed inside its own callable (gemm_limit measures
    # only the products); it runs in the same interleaved rounds.
    times_limit = []
    rounds = {**peers, "gemm limit": lambda: times_limit.append(gemm_limit(n, v, 1))}
    times = interleaved_times(rounds, args.repeat)
    times["gemm limit"] = times_limit
    limit, ours = float(np.median(times["gemm limit"])), float(np.median(times["dbn"]))
    header, rows = speed_rows(times, flops=flops)
    text = (
        f"CD-1 epoch on Fashion-MNIST, {n} x {v} -> {N_HIDDEN} hidden, batch {BATCH}, "
        f"float64 input; {args.repeat} alternating rounds\n\n" + table(header, rows)
        + f"\n\ndbn reaches {100 * limit / ours:.0f}% of the float32 GEMM rate (medians)."
    )
    if "torch" not in sys.modules:
        text += "\nPyTorch not installed: pip install torch==2.13.0 to add its column."
    print(text)
    save("bench_rbm", text, {
        "machine": machine_info(),
        "rows": n,
        "seconds": times,
        "median_seconds": {k: float(np.median(t)) for k, t in times.items()},
    })


if __name__ == "__main__":
    main()
