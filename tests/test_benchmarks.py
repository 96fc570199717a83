"""The benchmark suite is a script, not a test: here only its command line."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"

# The sdist ships the tests but not the benchmarks.
pytestmark = pytest.mark.skipif(not BENCHMARKS.is_dir(), reason="needs the source checkout")


@pytest.fixture(scope="module")
def run_module():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import run

        yield run
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_every_experiment_names_an_existing_script(run_module):
    for name, (script, full, quick, what) in run_module.EXPERIMENTS.items():
        assert (BENCHMARKS / script).is_file(), name
        assert isinstance(full, list) and (quick is None or isinstance(quick, list))
        assert what


def test_arguments_parse_and_bad_names_are_refused(run_module):
    args = run_module.parse_args(["--quick", "--only", "curves", "--only", "transfer"])
    assert args.quick and args.only == ["curves", "transfer"]
    with pytest.raises(SystemExit):
        run_module.parse_args(["--only", "no-such-experiment"])
    assert run_module.main(["--list"]) == 0


def test_every_script_parses_its_arguments():
    for script in sorted({s for s, *_ in _experiments().values()}):
        out = subprocess.run([sys.executable, str(BENCHMARKS / script), "--help"],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and "usage" in out.stdout.lower(), script


def _experiments():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import run

        return run.EXPERIMENTS
    finally:
        sys.path.remove(str(BENCHMARKS))
