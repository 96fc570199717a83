"""How far one machine goes, and how model selection scales out (docs/scale.md).

Four measurements on Fashion-MNIST:

* cost against rows: one CD-1 epoch (BernoulliRBM(500)) and one fine-tuning
  epoch (DBNClassifier((500, 500)), pretrain_epochs=0) on 15,000, 30,000 and
  60,000 rows;
* cost against width: the same epochs with 250, 500 and 1,000 hidden units
  per layer on 20,000 rows;
* model selection: GridSearchCV of DBNClassifier((500, 500)) (5 pretraining
  and 10 fine-tuning epochs), 2 folds x 2 candidates on 20,000 rows, without
  the final refit, with n_jobs=1 and n_jobs=2 in the search (each fit keeps
  ``n_jobs=None``: joblib's workers then get one BLAS thread each; the
  n_jobs=2 time includes starting the worker processes);
* a fresh dask worker (only with the ``distributed`` extra): wall time of
  its first and second small fit, with the package's Numba cache and with an
  empty cache directory (``NUMBA_CACHE_DIR``), i.e. what a worker would pay
  if it had to compile.

Usage: python benchmarks/bench_scale.py [--quick]
Fashion-MNIST: apt-get install -y dataset-fashion-mnist
"""

import argparse
import os
import sys
import tempfile
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import load_fashion, save, table  # noqa: E402


def seconds(func):
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def epoch_costs(X, y, rows, widths, width_rows):
    from dbn import BernoulliRBM, DBNClassifier

    def cd_epoch(n, width):
        return seconds(lambda: BernoulliRBM(width, n_iter=1, random_state=0).fit(X[:n]))

    def finetune_epoch(n, width):
        net = DBNClassifier((width, width), pretrain_epochs=0, max_iter=1, random_state=0)
        return seconds(lambda: net.fit(X[:n], y[:n]))

    cd_epoch(1000, 16), finetune_epoch(1000, 16)  # kernels loaded
    by_rows = [(n, cd_epoch(n, 500), finetune_epoch(n, 500)) for n in rows]
    by_width = [(w, cd_epoch(width_rows, w), finetune_epoch(width_rows, w)) for w in widths]
    return by_rows, by_width


def grid_search(X, y, n_jobs_values):
    from sklearn.model_selection import GridSearchCV

    from dbn import DBNClassifier

    net = DBNClassifier((500, 500), pretrain_epochs=5, max_iter=10, random_state=0)
    grid = {"alpha": [1e-4, 1e-3]}
    times = {}
    for n_jobs in n_jobs_values:
        # refit=False: the search itself, not the final fit both would share.
        search = GridSearchCV(net, grid, cv=2, n_jobs=n_jobs, refit=False)
        times[n_jobs] = seconds(lambda s=search: s.fit(X, y))
        print(f"  GridSearchCV(n_jobs={n_jobs}): {times[n_jobs]:.1f} s", flush=True)
    return times


def fresh_worker(X, y):
    """First and second fit on a fresh dask worker, with and without the Numba cache."""
    try:
        import distributed
    except ImportError:
        return None

    def fit(X, y):
        import warnings

        from dbn import DBNClassifier

        warnings.simplefilter("ignore")
        start = time.perf_counter()
        DBNClassifier((64,), pretrain_epochs=1, max_iter=1, random_state=0).fit(X, y)
        return time.perf_counter() - start

    results = {}
    with tempfile.TemporaryDirectory() as empty:
        for label, env in (("Numba cache on disk", {}),
                           ("empty Numba cache", {"NUMBA_CACHE_DIR": empty})):
            with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                          host="127.0.0.1", dashboard_address=None,
                                          env=env) as cluster, distributed.Client(cluster) as c:
                first = c.submit(fit, X, y, pure=False).result()
                second = c.submit(fit, X, y, pure=False).result()
            results[label] = (first, second)
            print(f"  fresh worker, {label}: first fit {first:.2f} s, second {second:.2f} s",
                  flush=True)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    X, y, _, _ = load_fashion()
    X = X.astype(np.float32)
    rows = (2000, 4000, 8000) if args.quick else (15000, 30000, 60000)
    widths = (250, 500, 1000)
    width_rows = 2000 if args.quick else 20000
    by_rows, by_width = epoch_costs(X, y, rows, widths, width_rows)
    n_search = 2000 if args.quick else 20000
    search = grid_search(X[:n_search], y[:n_search], (1, 2))
    worker = fresh_worker(X[:500], y[:500])

    text = "### Cost of an epoch against rows (500 hidden units per layer)\n\n" + table(
        ["rows", "CD-1 epoch, BernoulliRBM(500) (s)", "fine-tuning epoch, (500, 500) (s)",
         "fine-tuning s per 10k rows"],
        [[f"{n:,}", f"{cd:.2f}", f"{ft:.2f}", f"{ft / n * 1e4:.2f}"] for n, cd, ft in by_rows])
    text += (f"\n\n### Cost of an epoch against width ({width_rows:,} rows)\n\n" + table(
        ["hidden units per layer", "CD-1 epoch (s)", "fine-tuning epoch, 2 layers (s)"],
        [[f"{w:,}", f"{cd:.2f}", f"{ft:.2f}"] for w, cd, ft in by_width]))
    text += (f"\n\n### GridSearchCV over DBNClassifier((500, 500)), 2 folds x 2 candidates, "
             f"{n_search:,} rows, no refit\n\n" + table(
                 ["search n_jobs", "wall seconds", "against n_jobs=1"],
                 [[n, f"{t:.1f}", f"{t / search[1]:.2f}x"] for n, t in search.items()]))
    if worker:
        text += ("\n\n### A fresh dask worker's first fit (DBNClassifier((64,)), 500 rows)\n\n"
                 + table(["worker", "first fit (s)", "second fit (s)"],
                         [[k, f"{a:.2f}", f"{b:.2f}"] for k, (a, b) in worker.items()]))
    else:
        text += "\n\n(dask worker timing skipped: pip install '.[distributed]')"
    print(text)
    save("bench_scale", text, {
        "quick": args.quick,
        "by_rows": by_rows, "by_width": by_width, "width_rows": width_rows,
        "grid_search_seconds": {str(k): v for k, v in search.items()},
        "fresh_worker": worker,
    })


if __name__ == "__main__":
    main()
