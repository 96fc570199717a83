"""`dbn demo`: the first thing a newcomer runs."""

import pytest

from dbn.__main__ import main


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_demo_prints_one_line_per_seed_and_the_table(capsys):
    assert main(["demo", "--seeds", "1"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("dbn demo: what pretraining buys")
    assert sum(line.startswith("seed ") for line in lines) == 1
    assert "epoch 1" not in out  # per-epoch lines only with --verbose
    header = next(i for i, line in enumerate(lines) if line.startswith("labels used"))
    assert "pretrained DBN" in lines[header] and "MLPClassifier" in lines[header]
    for row in lines[header + 1:header + 3]:
        accuracies = [float(cell.split(" ± ")[0]) for cell in row.split("  ")
                      if " ± " in cell]
        assert len(accuracies) == 3 and all(0.5 < a <= 1.0 for a in accuracies), row

