"""Helpers shared by the benchmark scripts (data loading, tables, results files)."""

import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def load_fashion(n_train=None):
    """Fashion-MNIST scaled to [0, 1] as float64, as users usually pass it."""
    from dbn.datasets import load_fashion_mnist

    try:
        X_train, y_train, X_test, y_test = load_fashion_mnist()
    except FileNotFoundError as exc:
        sys.exit(str(exc))
    if n_train is not None:
        X_train, y_train = X_train[:n_train], y_train[:n_train]
    return X_train / 255.0, y_train, X_test / 255.0, y_test


def speed_arguments(doc):
    """Command-line options shared by the speed benchmarks."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-sklearn", action="store_true")
    return parser.parse_args()


def interleaved_times(peers, repeat):
    """Time each peer once per round, ``repeat`` rounds.

    Rounds interleave the peers so that a noisy neighbour on a shared machine
    slows all of them alike; report medians of the returned lists.
    """
    times = {name: [] for name in peers}
    for _ in range(repeat):
        for name, run in peers.items():
            times[name].append(median_time(run, 1)[0])
    return times


def median_time(func, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), times


def machine_info():
    try:
        from threadpoolctl import threadpool_info

        blas = [
            f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')}, "
            f"{i.get('num_threads')} threads)"
            for i in threadpool_info()
            if i.get("user_api") == "blas"
        ]
    except ImportError:
        blas = []
    versions = {}
    for name in ("scipy", "sklearn", "numba"):
        try:
            versions[name] = __import__(name).__version__
        except ImportError:
            pass
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        **versions,
        "cpu_count": os.cpu_count(),
        "blas": blas,
    }


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def table(header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    line = "| " + " | ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    return "\n".join([line, sep, *body])


def save(name, text, data):
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"{name}.md").write_text(text + "\n")
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    print(f"\nsaved benchmarks/results/{name}.md and .json")
