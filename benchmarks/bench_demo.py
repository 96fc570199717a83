"""``dbn demo`` as a results file: the output the README shows.

Runs the demo exactly as ``dbn demo`` does and saves what it printed, so that
the README's demo block and its time can be checked against a stamped file
(``tools/check_doc_figures.py``).

Usage: python benchmarks/bench_demo.py [--seeds 3]
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _common import save  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="as dbn demo --seeds")
    args = parser.parse_args(argv)
    from dbn._demo import run

    lines = []

    def out(text=""):
        print(text, flush=True)
        lines.extend(str(text).split("\n"))

    scores = run(seeds=args.seeds, out=out)
    text = (f"`dbn demo --seeds {args.seeds}`, as printed:\n\n```text\n"
            + "\n".join(lines) + "\n```")
    save("bench_demo", text, {"seeds": args.seeds, "output": lines, "scores": scores})


if __name__ == "__main__":
    main()
