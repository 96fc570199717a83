"""scikit-learn's estimator checks on every public estimator, with no expected failures."""

import warnings

import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from dbn import DBN, BernoulliRBM, DBNClassifier, DBNRegressor
from dbn.exceptions import DataRangeWarning

ESTIMATORS = [
    BernoulliRBM(),
    BernoulliRBM(persistent=True, cd_steps=2, sparsity_cost=0.1),
    DBN(),
    DBNClassifier(),
    DBNRegressor(),
    DBNClassifier(solver="adam", early_stopping=True, dropout=0.1, pretrain_epochs=0),
]


@pytest.fixture(autouse=True)
def _quiet_range_warning():
    # The checks feed standardised data to every transformer; our warning that
    # Bernoulli units expect [0, 1] is right there but not what they test.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRangeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
