"""Run the benchmark suite: what pretraining buys, reproducible with one command.

    python benchmarks/run.py                 # the suite (under 2 hours on 2 cores)
    python benchmarks/run.py --all           # and the per-feature experiments (~3.5 hours)
    python benchmarks/run.py --quick         # small versions (about 15 minutes)
    python benchmarks/run.py --only curves   # one experiment (repeatable)
    python benchmarks/run.py --list          # what there is

The suite answers "what does pretraining buy?": speed, cold start, memory,
Fashion-MNIST accuracy, the head start epoch by epoch, few labels, transfer,
pretraining choices and scale. ``--all`` adds the experiments behind single
features (the tuned head-start table, the autoencoder, the generative
classifiers, real-valued units, AIS); ``--quick`` runs small versions of all.

Each experiment is one script in this folder, run in a fresh process (so that
memory, threads and Numba's first compile are each its own); each writes a
Markdown table (stamped with the date, CPU model, core count, BLAS kernel and
library versions), a JSON file with every number, and PNG plots where it has
them, to ``benchmarks/results/``. A quick run writes to
``benchmarks/results/quick/`` instead and never overwrites the full results.
Fashion-MNIST comes from ``apt-get install -y dataset-fashion-mnist``;
PyTorch columns appear when ``torch`` is installed; plots need matplotlib.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Experiments that only ``--all`` (or ``--only``, or ``--quick``) runs.
EXTRA = {"head_start", "autoencoder", "generative", "units", "ais"}

#: name: (script, arguments of the full run, of the quick run or None to skip
#: it there, what it measures)
EXPERIMENTS = {
    "demo": ("bench_demo.py", [], ["--seeds", "1"], "dbn demo, saved as the README shows it"),
    "speed_rbm": ("bench_rbm.py", [], ["--rows", "10000", "--repeat", "1"],
                  "one CD-1 epoch against scikit-learn, PyTorch and the GEMM limit"),
    "speed_finetune": ("bench_finetune.py", [], ["--rows", "10000", "--repeat", "1"],
                       "one fine-tuning epoch against scikit-learn and PyTorch"),
    "overhead": ("bench_overhead.py", [], ["--repeat", "1"],
                 "per-minibatch cost of every estimator on digits against scikit-learn"),
    "threads": ("bench_threads.py", [], ["--repeat", "1"],
                "what a second BLAS thread and Numba threads buy, per problem size"),
    "cold_start": ("bench_cold_start.py", [], ["--repeat", "2"],
                   "import time and a new process's first fit"),
    "memory": ("bench_memory.py", [], ["--rows", "5000"],
               "peak memory of a fit against one float32 copy of the data"),
    "fashion": ("bench_dbn.py", ["--only", "fashion", "--seeds", "3"],
                ["--only", "fashion", "--seeds", "1", "--rows", "3000"],
                "Fashion-MNIST accuracy: DBN, tuned random init, MLP, RBM+LR, LR"),
    "head_start": ("bench_head_start.py", [], ["--only", "digits-50", "--seeds", "2"],
                   "pretrained vs random init vs MLP, defaults and tuned"),
    "curves": ("bench_curves.py", [], ["--quick", "--seeds", "2"],
               "test accuracy per fine-tuning epoch, pretrained vs random init"),
    "few_labels": ("bench_few_labels.py", [], ["--quick", "--seeds", "1"],
                   "50 to 10,000 Fashion-MNIST labels"),
    "transfer": ("bench_transfer.py", [], ["--quick", "--seeds", "1"],
                 "pretrain on classes 0-4, fine-tune on 5-9, frozen layers"),
    "pretraining_choices": ("bench_pretraining_choices.py", [], ["--quick", "--seeds", "1"],
                            "CD-1 / CD-10 / PCD and epochs against the head start"),
    "autoencoder": ("bench_autoencoder.py", ["--seeds", "2", "--epochs", "20"],
                    ["--quick", "--seeds", "1"],
                    "784-1000-500-250-30 (and -2) autoencoder against PCA, random init"),
    "generative": ("bench_generative.py", ["--seeds", "2", "--fashion-seeds", "1"],
                   ["--quick", "--seeds", "1", "--fashion-seeds", "1"],
                   "up-down DBN and classification RBMs, class-conditional samples"),
    "scale": ("bench_scale.py", [], ["--quick"],
              "epoch cost against rows and width, GridSearchCV n_jobs, a fresh dask worker"),
    "units": ("bench_units.py", [], None, "Gaussian units and DBNRegressor"),
    "ais": ("bench_ais.py", [], None, "AIS against exact log Z"),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="small versions of the experiments (about 15 minutes on 2 cores)")
    parser.add_argument("--only", action="append", choices=sorted(EXPERIMENTS),
                        metavar="NAME", help="run only this experiment (repeatable)")
    parser.add_argument("--all", action="store_true",
                        help="also the per-feature experiments (" + ", ".join(sorted(EXTRA)) + ")")
    parser.add_argument("--list", action="store_true", help="list the experiments")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.list:
        for name, (script, _, quick, what) in EXPERIMENTS.items():
            notes = [n for n, on in (("--all", name in EXTRA), ("full runs only", not quick))
                     if on]
            suffix = f" ({', '.join(notes)})" if notes else ""
            print(f"{name:22s} {script:32s} {what}{suffix}")
        return 0
    names = args.only or [name for name in EXPERIMENTS
                          if args.all or args.quick or name not in EXTRA]
    env = dict(os.environ)
    if args.quick:
        env["DBN_BENCHMARK_RESULTS"] = str(HERE / "results" / "quick")
    failures, timings = [], []
    for name in names:
        script, full, quick, _ = EXPERIMENTS[name]
        arguments = quick if args.quick else full
        if arguments is None:
            print(f"== {name}: full runs only, skipped by --quick", flush=True)
            continue
        print(f"== {name}: python benchmarks/{script} {' '.join(arguments)}", flush=True)
        start = time.perf_counter()
        status = subprocess.call([sys.executable, str(HERE / script), *arguments], env=env)
        timings.append((name, time.perf_counter() - start, status))
        if status:
            failures.append(name)
    text = "\n".join(["experiment             seconds  status"] + [
        f"{name:22s} {seconds:7.0f}  {'ok' if status == 0 else f'failed ({status})'}"
        for name, seconds, status in timings])
    print("\n" + text)
    if not args.only:
        save_timings(timings, args.quick, args.all)
    return 1 if failures else 0


def save_timings(timings, quick, everything):
    """Record how long the whole pass took: ``run_quick.md``, ``run_full.md``
    or ``run_all.md`` in the results folder (the full one even for a quick
    pass, whose own results go to ``results/quick/``)."""
    sys.path.insert(0, str(HERE))
    from _common import save as save_results
    from _common import table

    kind = "quick" if quick else ("all" if everything else "full")
    total = sum(seconds for _, seconds, _ in timings)
    rows = [[name, f"{seconds:.0f}", "ok" if status == 0 else f"failed ({status})"]
            for name, seconds, status in timings]
    text = (f"`python benchmarks/run.py{' --quick' if quick else ''}"
            f"{' --all' if everything else ''}`: {len(timings)} experiments, "
            f"{total / 60:.1f} minutes in all\n\n"
            + table(["experiment", "seconds", "status"], rows))
    save_results(f"run_{kind}", text, {"seconds": {n: t for n, t, _ in timings},
                                       "status": {n: st for n, _, st in timings}})


if __name__ == "__main__":
    sys.exit(main())
