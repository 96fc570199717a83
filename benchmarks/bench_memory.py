"""Peak memory of a fit on Fashion-MNIST, against one float32 copy of the data.

Each fit runs in a fresh process that either loads the training images as a
float32 array (in memory) or opens the same .npy file as a read-only
``numpy.memmap`` (data larger than memory). The table gives the resident memory that
the fit adds at its peak (the process's ``VmHWM`` after the fit minus the
resident size just before it; pages of a memory-mapped file count while they are
resident), in MB and in float32 copies of the data. Epochs do not change the
peak, so one epoch of each stage is enough.

Usage: python benchmarks/bench_memory.py [--rows N]
Fashion-MNIST: apt-get install -y dataset-fashion-mnist
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import load_fashion, save, table  # noqa: E402

CHILD = """
import json, resource, sys, warnings
import numpy as np
warnings.simplefilter("ignore")
from dbn import DBN, DBNClassifier
X = np.load(sys.argv[1], mmap_mode="r" if sys.argv[4] == "memmap" else None)
y = np.load(sys.argv[2])

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()

def peak():
    # VmHWM is this process image's own peak; ru_maxrss also keeps the
    # forked parent's size from before exec, which hides smaller peaks.
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

make = {
    "DBN((500, 500)).fit": lambda: DBN((500, 500), pretrain_epochs=1, random_state=0).fit(X),
    "DBNClassifier((500, 500)).fit": lambda: DBNClassifier(
        (500, 500), pretrain_epochs=1, max_iter=1, random_state=0).fit(X, y),
}[sys.argv[3]]
DBN((8,), pretrain_epochs=1).fit(np.array(X[:50]))  # libraries and kernels loaded first
before = rss()
make()
print(json.dumps({"before": before, "peak": peak(), "data": X.nbytes}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60000)
    args = parser.parse_args()
    X, y, _, _ = load_fashion(args.rows)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        np.save(os.path.join(tmp, "X.npy"), X.astype(np.float32))
        np.save(os.path.join(tmp, "y.npy"), y)
        for storage in ("in memory", "memmap"):
            for fit in ("DBN((500, 500)).fit", "DBNClassifier((500, 500)).fit"):
                out = subprocess.run([sys.executable, "-c", CHILD, os.path.join(tmp, "X.npy"),
                                      os.path.join(tmp, "y.npy"), fit, storage.split()[-1]],
                                     capture_output=True, text=True, check=True)
                results[f"{fit}, {storage}"] = json.loads(out.stdout.strip().splitlines()[-1])
    rows = []
    for fit, r in results.items():
        added = max(r["peak"] - r["before"], 0)
        rows.append([fit, f"{r['data'] / 2**20:.0f}", f"{added / 2**20:.0f}",
                     f"{added / r['data']:.2f}"])
    text = (f"### Peak memory of a fit, {len(X)} x {X.shape[1]} float32 training images\n\n"
            + table(["fit, data", "data (MB, one float32 copy)", "added at peak (MB)",
                     "added / data"], rows))
    print(text)
    save("bench_memory", text, {"rows": len(X), "results": results})


if __name__ == "__main__":
    main()
