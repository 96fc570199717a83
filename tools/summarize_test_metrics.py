"""Summarise the values that learning-result tests measured (see tests/conftest.py).

Usage: python -m pytest --learning-seeds 8 --record-metrics m.jsonl
       python tools/summarize_test_metrics.py m.jsonl [more.jsonl ...]

Prints, per test and metric, the number of runs, the minimum, mean and maximum,
the threshold, and the margin between the worst run and the threshold.
"""

import json
import sys
from collections import defaultdict


def main(paths):
    runs = defaultdict(list)
    bounds = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                r = json.loads(line)
                key = (r["test"], r["metric"])
                runs[key].append(r["value"])
                bounds[key] = (r["above"], r["below"])
    print("| test | metric | runs | min | mean | max | threshold | worst margin |")
    print("|---|---|---|---|---|---|---|---|")
    for (test, metric), values in sorted(runs.items()):
        above, below = bounds[(test, metric)]
        lo, hi, mean = min(values), max(values), sum(values) / len(values)
        if above is not None:
            threshold, margin = f"> {above:g}", lo - above
        else:
            threshold, margin = f"< {below:g}", below - hi
        print(f"| {test} | {metric} | {len(values)} | {lo:.4g} | {mean:.4g} | {hi:.4g} "
              f"| {threshold} | {margin:+.4g} |")


if __name__ == "__main__":
    main(sys.argv[1:])
