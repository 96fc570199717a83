"""Cold start: what a new process pays before its first result.

* ``import dbn`` against ``import sklearn.neural_network`` (what a user of
  scikit-learn's MLP pays anyway), each in fresh interpreters;
* the first ``DBNClassifier`` fit on digits in a fresh process, with Numba's
  on-disk cache filled (the usual case: any earlier run fills it) and, once,
  with an empty cache (the first run after installing).

Usage: python benchmarks/bench_cold_start.py [--repeat 7]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import machine_info, save, table  # noqa: E402

FIT = """
import time
start = time.perf_counter()
import dbn
from sklearn.datasets import load_digits
imported = time.perf_counter()
X, y = load_digits(return_X_y=True)
dbn.DBNClassifier((64,), pretrain_epochs=2, max_iter=2, random_state=0).fit(X / 16.0, y)
print(imported - start, time.perf_counter() - imported)
"""

IMPORT = """
import time
start = time.perf_counter()
import {module}
print(time.perf_counter() - start)
"""


def run(code, env):
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True)
    return [float(v) for v in out.stdout.split()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    env = dict(os.environ)
    imports = {}
    for module in ("sklearn.neural_network", "dbn"):
        run(IMPORT.format(module=module), env)  # warm the file cache
        imports[module] = [run(IMPORT.format(module=module), env)[0]
                           for _ in range(args.repeat)]
    cache = tempfile.mkdtemp(prefix="dbn-numba-cache-")
    try:
        cold_env = dict(env, NUMBA_CACHE_DIR=cache)
        cold = run(FIT, cold_env)
        warm = [run(FIT, cold_env) for _ in range(args.repeat)]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    med = {k: float(np.median(v)) for k, v in imports.items()}
    warm_fit = float(np.median([w[1] for w in warm]))
    rows = [
        ["import sklearn.neural_network", f"{med['sklearn.neural_network']:.3f}"],
        ["import dbn", f"{med['dbn']:.3f}"],
        ["import dbn - import sklearn.neural_network",
         f"{med['dbn'] - med['sklearn.neural_network']:+.3f}"],
        ["first fit on digits after import, Numba cache filled", f"{warm_fit:.3f}"],
        ["first fit on digits after import, empty Numba cache", f"{cold[1]:.3f}"],
    ]
    text = (f"### Cold start (seconds, median of {args.repeat} fresh processes)\n\n"
            "The fit: `DBNClassifier((64,), pretrain_epochs=2, max_iter=2)` on digits "
            "(1,797 rows), timed from the end of the imports.\n\n"
            + table(["what", "seconds"], rows))
    print(text)
    save("bench_cold_start", text, {"machine": machine_info(), "imports": imports,
                                     "fit_cold": cold, "fit_warm": warm})


if __name__ == "__main__":
    main()
