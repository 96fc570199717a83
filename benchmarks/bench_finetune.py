"""One fine-tuning epoch of a 784-500-500-10 sigmoid net on Fashion-MNIST.

Peers in the same run: scikit-learn's MLPClassifier with the same settings
(logistic units, SGD with momentum 0.9, batch 100, one epoch; dbn's
default dropout is switched off, as the peers have none) and a plain
PyTorch CPU loop (skipped when torch is not installed:
``pip install torch==2.13.0``). dbn and scikit-learn get float64 input scaled to
[0, 1] and their time includes input handling; PyTorch gets float32 tensors
made before the clock starts. Rounds interleave the peers; medians and
spreads reported.

Usage: python benchmarks/bench_finetune.py [--rows N] [--repeat R]
Needs Fashion-MNIST: apt-get install -y dataset-fashion-mnist
"""

import os
import sys
import warnings

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

SIZES, BATCH, LR, MOMENTUM = (500, 500), 100, 0.01, 0.9


def dbn_epoch(X, y):
    from dbn import DBNClassifier

    DBNClassifier(SIZES, pretrain_epochs=0, solver="sgd", learning_rate_init=LR,
                  momentum=MOMENTUM, nesterovs_momentum=False, batch_size=BATCH,
                  dropout=0.0, max_iter=1, random_state=0).fit(X, y)


def sklearn_epoch(X, y):
    from sklearn.neural_network import MLPClassifier

    MLPClassifier(SIZES, activation="logistic", solver="sgd", learning_rate_init=LR,
                  momentum=MOMENTUM, nesterovs_momentum=False, batch_size=BATCH,
                  max_iter=1, random_state=0).fit(X, y)


def torch_epoch_factory(X, y):
    try:
        import torch
    except ImportError:
        return None
    # As many threads as numpy's BLAS has (OPENBLAS_NUM_THREADS=1 runs: one).
    torch.set_num_threads(blas_threads())
    data = torch.from_numpy(X.astype(np.float32))
    labels = torch.from_numpy(y.astype(np.int64))
    gen = torch.Generator().manual_seed(0)
    n, v = data.shape

    def epoch():
        torch.manual_seed(0)
        net = torch.nn.Sequential(
            torch.nn.Linear(v, SIZES[0]), torch.nn.Sigmoid(),
            torch.nn.Linear(SIZES[0], SIZES[1]), torch.nn.Sigmoid(),
            torch.nn.Linear(SIZES[1], 10),
        )
        opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)
        loss_fn = torch.nn.CrossEntropyLoss()
        order = torch.randperm(n, generator=gen)
        for start in range(0, n, BATCH):
            idx = order[start:start + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(data[idx]), labels[idx])
            loss.backward()
            opt.step()

    return epoch


def gemm_limit(n_rows, n_in, n_out=10):
    """Seconds numpy's float32 BLAS needs for the epoch's eight products alone
    (three forward, three weight gradients, two deltas: the input gets none)."""
    rng = np.random.default_rng(0)
    f32 = np.float32
    widths = [n_in, *SIZES, n_out]
    acts = [rng.random((BATCH, w), dtype=f32) for w in widths]
    deltas = [rng.random((BATCH, w), dtype=f32) for w in widths]
    coefs = [rng.random((a, b), dtype=f32) for a, b in zip(widths[:-1], widths[1:],
                                                             strict=True)]
    grads = [np.empty_like(W) for W in coefs]
    n_batches = n_rows // BATCH

    def products():
        for _ in range(n_batches):
            for layer, W in enumerate(coefs):
                np.matmul(acts[layer], W, out=acts[layer + 1])
            for layer in range(len(coefs) - 1, -1, -1):
                np.matmul(acts[layer].T, deltas[layer + 1], out=grads[layer])
                if layer > 0:
                    np.matmul(deltas[layer + 1], coefs[layer].T, out=deltas[layer])

    return median_time(products, 1)[0]


def main():
    args = speed_arguments(__doc__)
    warnings.simplefilter("ignore")  # one epoch never converges; that is the point

    X, y, *_ = load_fashion(args.rows)
    dbn_epoch(X[:300], y[:300])  # compile (or load the cache) first

    peers = {"dbn": lambda: dbn_epoch(X, y)}
    if not args.no_sklearn:
        peers["scikit-learn"] = lambda: sklearn_epoch(X, y)
    torch_epoch = torch_epoch_factory(X, y)
    if torch_epoch is not None:
        torch_epoch()
        peers["pytorch"] = torch_epoch
    # The GEMM limit is timed inside its own callable and in the same rounds.
    times_limit = []
    rounds = {**peers, "gemm limit": lambda: times_limit.append(gemm_limit(*X.shape))}
    times = interleaved_times(rounds, args.repeat)
    times["gemm limit"] = times_limit
    results = {name: float(np.median(t)) for name, t in times.items()}
    ours = results["dbn"]
    header, rows = speed_rows(times)
    text = (
        f"Fine-tuning epoch on Fashion-MNIST, {len(X)} rows, 784-500-500-10 sigmoid, "
        f"SGD momentum {MOMENTUM}, batch {BATCH}, no dropout, float64 input; "
        f"{args.repeat} alternating rounds\n\n" + table(header, rows)
        + f"\n\ndbn reaches {100 * results['gemm limit'] / ours:.0f}% of the float32 GEMM "
        "rate (its eight products per batch alone; medians)."
    )
    if torch_epoch is None:
        text += "\nPyTorch not installed: pip install torch==2.13.0 to add its column."
    print(text)
    save("bench_finetune", text, {"machine": machine_info(), "rows": len(X),
                                  "seconds": times, "median_seconds": results})


if __name__ == "__main__":
    main()
