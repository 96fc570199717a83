"""Fixtures shared by the test modules."""

import pytest
from sklearn.datasets import load_digits


@pytest.fixture(scope="session")
def small_digits():
    """300 digits rows scaled to [0, 1] and their labels: enough to fit every
    estimator in well under a second."""
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16.0, y[:300]
