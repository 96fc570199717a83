"""scikit-learn's estimator checks on every public estimator, with no expected failures."""

import warnings

import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from dbn import (
    DBN,
    BernoulliRBM,
    DBNAutoencoder,
    DBNClassifier,
    DBNRegressor,
    GaussianRBM,
    GenerativeDBNClassifier,
    RBMClassifier,
)
from dbn.exceptions import DataRangeWarning

# Small nets and short schedules keep the suite fast; every public estimator
# and both solvers, dropout and early stopping go through every check.
ESTIMATORS = [
    BernoulliRBM(),
    BernoulliRBM(persistent=True, cd_steps=2, sparsity_cost=0.1),
    BernoulliRBM(hidden_units="relu", learning_rate=0.01),
    BernoulliRBM(hidden_units="gaussian", learning_rate=0.001),
    GaussianRBM(),
    GaussianRBM(learn_variance=True, cd_steps=2),
    GaussianRBM(hidden_units="relu", persistent=True, learning_rate=0.001),
    DBN(hidden_layer_sizes=(16, 8), pretrain_epochs=3),
    DBNClassifier(hidden_layer_sizes=(32,), pretrain_epochs=3, max_iter=50),
    DBNRegressor(hidden_layer_sizes=(32,), pretrain_epochs=3, max_iter=50),
    DBNRegressor(hidden_layer_sizes=(16,), visible_units="gaussian", hidden_units="relu",
                 pretrain_epochs=2, max_iter=50),
    DBNClassifier(hidden_layer_sizes=(32, 16), solver="adam", learning_rate_init=0.01,
                  early_stopping=True, dropout=0.1, pretrain_epochs=0, max_iter=50),
    DBNAutoencoder(hidden_layer_sizes=(16, 4), pretrain_epochs=3, max_iter=30),
    DBNAutoencoder(hidden_layer_sizes=(8,), code_units="bernoulli", early_stopping=True,
                   pretrain_epochs=0, max_iter=30),
    RBMClassifier(n_components=16),
    RBMClassifier(n_components=16, objective="generative", cd_steps=2),
    GenerativeDBNClassifier((32,), top_components=64, pretrain_epochs=10, updown_epochs=10),
    # The neighbourhood: each unit type, each solver, CD-k and PCD, frozen
    # layers, an unlabeled marker (a string: the checks use -1 as a label).
    DBN(hidden_layer_sizes=(16, 8), hidden_units="relu", persistent=True, cd_steps=2,
        pretrain_epochs=3),
    DBNClassifier(hidden_layer_sizes=(16, 8), hidden_units="relu", persistent=True,
                  frozen_layers=1, solver="adam", pretrain_epochs=3, max_iter=30),
    DBNClassifier(hidden_layer_sizes=(16,), visible_units="gaussian", unlabeled="?",
                  cd_steps=2, pretrain_epochs=3, max_iter=30),
    DBNRegressor(hidden_layer_sizes=(16, 8), solver="sgd", learning_rate_init=0.01,
                 persistent=True, dropout=0.0, pretrain_epochs=3, max_iter=50),
    DBNAutoencoder(hidden_layer_sizes=(16, 4), hidden_units="relu", frozen_layers=1,
                   solver="sgd", learning_rate_init=0.01, pretrain_epochs=3, max_iter=20),
    RBMClassifier(n_components=16, objective="discriminative", visible_units="gaussian",
                  unlabeled="?"),
    GenerativeDBNClassifier((32,), top_components=64, unlabeled="?", pretrain_epochs=10,
                            updown_epochs=10),
]

#: Every public estimator with its defaults. Their default nets are large (a
#: DBNClassifier fine-tunes a (500, 500) net for up to 100 epochs per fit), so
#: the 50-odd checks take minutes per estimator: they run when asked
#: (``pytest --check-defaults``), as ``.ci/run`` does in its own step.
DEFAULTS = [BernoulliRBM(), GaussianRBM(), DBN(), DBNClassifier(), DBNRegressor(),
            DBNAutoencoder(), RBMClassifier(), GenerativeDBNClassifier()]


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


@pytest.mark.check_defaults  # a (500, 500) net: the defaults step
@pytest.mark.parametrize(
    "check",
    ["check_regressors_train", "check_regressor_data_not_an_array",
     "check_regressors_int", "check_fit_idempotent"],
)
def test_default_regressor_passes_the_training_checks(check):
    """DBNRegressor() with every default (a (500, 500) net) learns scikit-learn's
    standardised regression data set (R^2 > 0.5) and trains alike on lists."""
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, check)("DBNRegressor", DBNRegressor())


@pytest.mark.check_defaults
@parametrize_with_checks(DEFAULTS)
def test_sklearn_compatible_with_defaults(estimator, check):
    check(estimator)
