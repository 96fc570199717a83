"""Helpers shared by the benchmark scripts (data loading, tables, results files)."""

import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

# benchmarks/run.py --quick points this elsewhere, so that a quick run never
# overwrites the committed results of a full one.
RESULTS_DIR = Path(os.environ.get("DBN_BENCHMARK_RESULTS",
                                  Path(__file__).resolve().parent / "results"))


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
    parser.add_argument("--repeat", type=int, default=5,
                        help="alternating rounds; each contender runs once per round")
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


def speed_rows(times, reference="dbn", flops=None):
    """Table rows of an interleaved speed run: per contender the median
    seconds, the spread (min-max) over the rounds, the effective GFLOP/s
    when ``flops`` is given, and the median ratio against ``reference``
    (``time vs dbn``; above 1x the contender is slower)."""
    ours = float(np.median(times[reference]))
    rows = []
    for name, seconds in times.items():
        median = float(np.median(seconds))
        row = [name, f"{median:.2f}", f"{min(seconds):.2f}-{max(seconds):.2f}"]
        if flops is not None:
            row.append(f"{flops / median / 1e9:.0f}")
        rows.append(row + [f"{median / ours:.2f}x"])
    header = ["contender", "median seconds", "min-max"]
    if flops is not None:
        header.append("effective GFLOP/s")
    return header + ["time vs dbn"], rows


def blas_threads():
    """Threads of numpy's BLAS in this process (what a peer should get too)."""
    from threadpoolctl import threadpool_info

    counts = [i["num_threads"] for i in threadpool_info() if i.get("user_api") == "blas"]
    return max(counts) if counts else (os.cpu_count() or 1)


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
    for name in ("scipy", "sklearn", "numba", "dbn"):
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


def stamp(info=None):
    """One line saying when, on what and with which versions a result was made."""
    info = info or machine_info()
    versions = ", ".join(f"{k} {info[k]}" for k in ("numpy", "scipy", "sklearn", "numba", "dbn")
                         if k in info)
    blas = "; ".join(info.get("blas", [])) or "BLAS unknown"
    return (f"_{info['date']} · {info['cpu']} · {info['cpu_count']} cores · {blas} · "
            f"Python {info['python']}, {versions}_")


def _shown(path):
    try:
        return Path(path).relative_to(Path.cwd())
    except ValueError:
        return path


def save(name, text, data):
    """Write ``results/<name>.md`` (stamped) and ``.json`` (with the machine)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    info = data.setdefault("machine", machine_info()) if isinstance(data, dict) else None
    (RESULTS_DIR / f"{name}.md").write_text(stamp(info) + "\n\n" + text + "\n")
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    print(f"\nsaved {_shown(RESULTS_DIR / name)}.md and .json")


def save_plot(name, draw, figsize=(6.4, 4.4)):
    """Save ``results/<name>.png`` drawn by ``draw(figure)`` (needs matplotlib:
    ``pip install ".[plot]"``); returns the file name, or None without it."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        print(f"matplotlib is not installed: no {name}.png (pip install matplotlib)")
        return None
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=figsize, layout="constrained")
    # Room at the bottom for the stamp, which the layout does not see.
    fig.get_layout_engine().set(rect=(0, 0.035, 1, 0.965))
    draw(fig)
    info = machine_info()
    blas = info["blas"][0] if info.get("blas") else "BLAS unknown"
    fig.text(0.01, 0.008, f"{info['date']} · {info['cpu']} · {info['cpu_count']} cores · "
             f"{blas} · dbn {info.get('dbn', '?')}, scikit-learn {info.get('sklearn', '?')}",
             fontsize=5.5, color="0.4")
    path = RESULTS_DIR / f"{name}.png"
    fig.savefig(path, dpi=120)
    print(f"saved {_shown(path)}")
    return path.name


def experiment_arguments(doc, seeds, extra=None):
    """Command-line options of the learning experiments: --quick, --seeds and
    whatever ``extra(parser)`` adds."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a small version that runs in a minute or two")
    parser.add_argument("--seeds", type=int, default=seeds)
    if extra is not None:
        extra(parser)
    return parser.parse_args()


def fit_with_curve(clf, X, y, X_test, y_test):
    """Fit a DBNClassifier and return its test accuracy after every fine-tuning
    epoch, read through the fit's private epoch hook (``_fit(on_epoch=...)``)."""
    from dbn._nets.feedforward import predict_block

    X_test = np.asarray(X_test, dtype=np.float32)
    labeled = y if getattr(clf, "unlabeled", None) is None else y[y != clf.unlabeled]
    classes = np.unique(labeled)
    truth = np.searchsorted(classes, y_test)
    curve = []

    def on_epoch(epoch, coefs, intercepts):
        out = predict_block(X_test, coefs, intercepts, clf._hidden_activation,
                            "softmax", np.float32)
        curve.append(float(np.mean(out.argmax(1) == truth)))

    clf._validate_params()
    clf._fit(X, y, on_epoch=on_epoch)
    return curve


def mean_band(runs):
    """Mean, min and max over runs of equal-length lists (shorter ones padded
    with their last value: a run that stopped keeps its last accuracy)."""
    n = max(len(r) for r in runs)
    padded = np.array([list(r) + [r[-1]] * (n - len(r)) for r in runs])
    return padded.mean(0), padded.min(0), padded.max(0)


def fashion_or_exit(quick_rows=None):
    """Fashion-MNIST (pixels / 255); with ``quick_rows``, that many training rows."""
    return load_fashion(n_train=quick_rows)
