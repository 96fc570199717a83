"""Threads: what a second BLAS thread and Numba's threads buy, per problem size.

Two questions behind dbn's thread policy (``dbn/_utils/threads.py``):

1. BLAS threads. Fine-tuning epochs and CD-1 epochs of several sizes, each
   timed with OpenBLAS limited to 1 thread and with every core, in
   alternating rounds. dbn's own rule (one BLAS thread when a minibatch's
   products take under ``SMALL_PRODUCTS_FLOPS``) is switched off here so that
   both settings really run.
2. Numba threads. A CD-1 epoch (784 -> 500, batch 100) whose parameter
   update runs as the shipped serial kernel or as a ``prange`` copy of it on
   every core: the update sits between two BLAS calls, so its threads share
   the cores with BLAS's.

Random data in [0, 1] (the timing does not depend on the values).

Usage: python benchmarks/bench_threads.py [--repeat R]
"""

import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import save, table  # noqa: E402

FINE_TUNE = [  # (inputs, hidden layers, batch, rows, epochs)
    (64, (256, 256), 14, 1437, 10),   # the demo: digits with the 'auto' batch
    (64, (256, 256), 50, 2000, 10),
    (64, (256, 256), 100, 4000, 10),
    (784, (256, 256), 32, 4000, 3),
    (784, (500, 500), 100, 10000, 2),
]
CD = [  # (visible, hidden, batch, rows, epochs)
    (64, 256, 14, 1437, 10),
    (256, 256, 14, 1437, 10),
    (784, 500, 100, 10000, 2),
]


def _median_spread(values):
    return f"{np.median(values):.3f}", f"{min(values):.3f}-{max(values):.3f}"


def blas_rows(repeat):
    from threadpoolctl import threadpool_limits

    import dbn._utils.threads as threads
    from dbn import BernoulliRBM, DBNClassifier

    rng = np.random.default_rng(0)
    cores = os.cpu_count() or 1
    jobs = []
    for n_in, hidden, batch, rows, epochs in FINE_TUNE:
        X, y = rng.random((rows, n_in)), rng.integers(0, 10, rows)
        sizes = (n_in, *hidden, 10)
        flops = 6.0 * batch * sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
        jobs.append((f"fine-tune {'-'.join(map(str, sizes))}, batch {batch}", flops,
                     lambda X=X, y=y, hidden=hidden, batch=batch, epochs=epochs:
                     DBNClassifier(hidden, pretrain_epochs=0, batch_size=batch,
                                   max_iter=epochs, random_state=0).fit(X, y)))
    for n_vis, n_hid, batch, rows, epochs in CD:
        X = rng.random((rows, n_vis))
        jobs.append((f"CD-1 {n_vis} -> {n_hid}, batch {batch}", 10.0 * batch * n_vis * n_hid,
                     lambda X=X, n_hid=n_hid, batch=batch, epochs=epochs:
                     BernoulliRBM(n_hid, batch_size=batch, n_iter=epochs,
                                  random_state=0).fit(X)))
    saved_rule = threads.SMALL_PRODUCTS_FLOPS
    threads.SMALL_PRODUCTS_FLOPS = 0.0  # measure both settings, whatever the rule says
    rows_out, data = [], []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name, flops, fit in jobs:
                fit()  # compile, warm caches
                times = {1: [], cores: []}
                for _ in range(repeat):
                    for n in times:
                        with threadpool_limits(n, user_api="blas"):
                            start = time.perf_counter()
                            fit()
                            times[n].append(time.perf_counter() - start)
                one, many = np.median(times[1]), np.median(times[cores])
                shipped = 1 if flops < saved_rule and name.startswith("fine") else cores
                rows_out.append([name, f"{flops / 1e6:.1f}", *_median_spread(times[1]),
                                 *_median_spread(times[cores]), f"{one / many:.2f}x",
                                 str(shipped)])
                data.append({"job": name, "mflop_per_batch": flops / 1e6, "seconds_1": times[1],
                             f"seconds_{cores}": times[cores]})
                print(rows_out[-1], flush=True)
    finally:
        threads.SMALL_PRODUCTS_FLOPS = saved_rule
    header = ["epochs of", "MFLOP per batch", "1 thread s", "min-max",
              f"{cores} threads s", "min-max", f"speed-up with {cores}", "dbn uses"]
    return header, rows_out, data


def prange_rows(repeat):
    import numba
    from numba import njit, prange

    import dbn._kernels.rbm as kernels
    from dbn import BernoulliRBM

    serial = kernels.momentum_update

    @njit(nogil=True, fastmath=True, error_model="numpy", parallel=True)
    def parallel(params, velocity, grad, scale, learning_rate, momentum, weight_decay,
                 n_visible, n_hidden):
        lr, mom = np.float32(learning_rate), np.float32(momentum)
        sc, decay = np.float32(scale), np.float32(weight_decay)
        for i in prange(n_visible + 1):
            d = decay if i < n_visible else np.float32(0.0)
            for j in range(n_hidden):
                step = mom * velocity[i, j] + lr * (grad[i, j] * sc - d * params[i, j])
                velocity[i, j] = step
                params[i, j] += step
            step = mom * velocity[i, n_hidden] + lr * grad[i, n_hidden] * sc
            velocity[i, n_hidden] = step
            params[i, n_hidden] += step
        params[n_visible, n_hidden] = 0.0
        velocity[n_visible, n_hidden] = 0.0

    X = np.random.default_rng(0).random((10000, 784))
    variants = {"serial update (shipped)": serial, "prange update": parallel}
    times = {name: [] for name in variants}
    try:
        for kernel in variants.values():
            kernels.momentum_update = kernel
            BernoulliRBM(500, batch_size=100, n_iter=1, random_state=0).fit(X[:500])
        for _ in range(repeat):
            for name, kernel in variants.items():
                kernels.momentum_update = kernel
                start = time.perf_counter()
                BernoulliRBM(500, batch_size=100, n_iter=2, random_state=0).fit(X)
                times[name].append(time.perf_counter() - start)
    finally:
        kernels.momentum_update = serial
    ours = np.median(times["serial update (shipped)"])
    rows = [[name, *_median_spread(t), f"{np.median(t) / ours:.2f}x"]
            for name, t in times.items()]
    layer = numba.threading_layer()
    header = ["CD-1 784 -> 500, 2 epochs of 10,000 rows", "seconds", "min-max", "time vs shipped"]
    return header, rows, {"threading_layer": layer, "numba_threads": numba.get_num_threads(),
                          "times": times}


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    header, rows, blas_data = blas_rows(args.repeat)
    p_header, p_rows, p_data = prange_rows(args.repeat)
    text = (
        f"BLAS threads: whole fits, medians of {args.repeat} alternating rounds "
        "(speed-up above 1x: the extra threads help)\n\n" + table(header, rows)
        + f"\n\nNumba threads ({p_data['threading_layer']} layer, "
        f"{p_data['numba_threads']} threads) for the CD parameter update, "
        f"{args.repeat} alternating rounds\n\n" + table(p_header, p_rows)
    )
    print(text)
    save("bench_threads", text, {"blas": blas_data, "numba": p_data})


if __name__ == "__main__":
    main()
