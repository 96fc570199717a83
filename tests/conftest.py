"""Fixtures shared by the test modules.

Tests that assert a learning result (an accuracy, an R^2, a likelihood) take
the ``learning_seed`` fixture and check through ``learning_check``. By default
they run with seed 0; ``pytest --learning-seeds 8 --record-metrics m.jsonl``
runs them with seeds 0-7 and writes every measured value, which
``python tools/summarize_test_metrics.py m.jsonl`` turns into the table of
minimum, mean and threshold that each threshold was set from.
"""

import json
import re

import pytest
from sklearn.datasets import load_digits


def pytest_addoption(parser):
    parser.addoption("--learning-seeds", type=int, default=1,
                     help="run learning-result tests with seeds 0..N-1 (default 1)")
    parser.addoption("--check-defaults", action="store_true",
                     help="also run scikit-learn's estimator checks on every estimator "
                          "with its default parameters (minutes per estimator)")
    parser.addoption("--record-metrics", default=None, metavar="PATH",
                     help="append each learning-result test's measured value to PATH "
                          "(JSON lines)")


def pytest_generate_tests(metafunc):
    if "learning_seed" in metafunc.fixturenames:
        n = metafunc.config.getoption("learning_seeds")
        metafunc.parametrize("learning_seed", range(n), ids=[f"seed{s}" for s in range(n)])


@pytest.fixture
def learning_check(request):
    """``check(name, value, above=None, below=None)``: assert a measured value
    against its threshold, recording it first with ``--record-metrics``."""
    path = request.config.getoption("record_metrics")

    def check(name, value, above=None, below=None):
        value = float(value)
        if path:
            callspec = getattr(request.node, "callspec", None)
            seed = callspec.params.get("learning_seed") if callspec else None
            # One entry per test and parametrisation, across seeds.
            test = re.sub(r"-?seed\d+-?", "-", request.node.name)
            test = test.replace("[-", "[").replace("-]", "]").replace("[]", "")
            with open(path, "a") as f:
                f.write(json.dumps({"test": test, "metric": name, "seed": seed,
                                    "value": value, "above": above, "below": below}) + "\n")
        if above is not None:
            assert value > above, f"{name} = {value:.5g}, not above {above}"
        if below is not None:
            assert value < below, f"{name} = {value:.5g}, not below {below}"

    return check


@pytest.fixture(scope="session")
def small_digits():
    """300 digits rows scaled to [0, 1] and their labels: enough to fit every
    estimator in well under a second."""
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16.0, y[:300]


def pytest_report_header(config):
    # Says whether this run's kernels check bounds (.ci/run runs both ways).
    import os

    return f"NUMBA_BOUNDSCHECK={os.environ.get('NUMBA_BOUNDSCHECK', 'unset')}"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "check_defaults: estimator checks and learning results with default "
        "parameters (run with --check-defaults; .ci/run runs them in a step of their own)")
    config.addinivalue_line(
        "markers", "learning: asserts a learning result (takes learning_seed); "
        "-m 'not learning' leaves these out")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if "learning_seed" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.learning)
    if config.getoption("check_defaults"):
        return
    deselected = [item for item in items if "check_defaults" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if "check_defaults" not in item.keywords]
