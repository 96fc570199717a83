"""DBNRegressor away from the points its other tests sit on.

With its default parameters it should fit linear targets of any scale and
offset on features of any units, beat scikit-learn's MLPRegressor on a
nonlinear benchmark (Friedman #1), and match RidgeCV where a linear model
is all the noisy data support (diabetes). ``loss_curve_`` is half the mean
squared error in the targets' own units, as MLPRegressor reports it.

The learning-result tests take the ``learning_seed`` fixture (see
``conftest.py``); their thresholds sit below the minimum over seeds 0-7.
"""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_digits, make_friedman1
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import KFold, cross_val_score, train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

from dbn import DBNRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N_ROWS = 200


def linear_problem(features, seed):
    """Features and a noise-free linear function of them (before scaling).

    'digits': digits pixels / 16 and 3 x (the most variable pixel) + 100 x
    (the least variable one that is ever on), the target depending mostly on
    a pixel that is almost always 0. 'normal': standard-normal features and
    random coefficients; 'normal*1e3' and 'normal*1e-3' the same features in
    other units.
    """
    rng = np.random.default_rng(seed)
    if features == "digits":
        X = load_digits().data[:N_ROWS] / 16.0
        std = X.std(axis=0)
        rare = np.argmin(np.where(std > 0, std, np.inf))
        return X, 3 * X[:, np.argmax(std)] + 100 * X[:, rare]
    X = rng.standard_normal((N_ROWS, 10))
    target = X @ rng.standard_normal(10)
    if features == "normal*1e3":
        X = 1e3 * X + 1e3
    elif features == "normal*1e-3":
        X = 1e-3 * X
    return X, target


@pytest.mark.parametrize(
    ("features", "coef", "offset"),
    [("digits", 1e-3, 1e3), ("digits", 1e3, 0.0), ("normal", 1.0, 0.0),
     ("normal*1e3", 1e3, 1e3), ("normal*1e-3", 1e-3, -1e3)],
)
def test_fits_linear_targets_of_any_scale(features, coef, offset, learning_seed,
                                          learning_check):
    X, target = linear_problem(features, learning_seed)
    y = coef * target + offset
    reg = DBNRegressor(random_state=learning_seed).fit(X, y)
    learning_check("train_r2", reg.score(X, y), above=0.99)


def test_friedman1_beats_mlp(learning_seed, learning_check):
    X, y = make_friedman1(n_samples=800, noise=0.5, random_state=learning_seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25,
                                                        random_state=learning_seed)
    dbn_r2 = DBNRegressor(random_state=learning_seed).fit(X_train, y_train).score(
        X_test, y_test)
    mlp_r2 = MLPRegressor(random_state=learning_seed).fit(X_train, y_train).score(
        X_test, y_test)
    learning_check("test_r2", dbn_r2, above=0.9)
    learning_check("test_r2_minus_mlp", dbn_r2 - mlp_r2, above=0.15)


def test_diabetes_level_with_ridge(learning_seed, learning_check):
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    cv = KFold(5, shuffle=True, random_state=learning_seed)
    dbn_r2 = cross_val_score(DBNRegressor(random_state=learning_seed), X, y, cv=cv).mean()
    ridge_r2 = cross_val_score(RidgeCV(), X, y, cv=cv).mean()
    learning_check("cv_r2_minus_ridge", dbn_r2 - ridge_r2, above=-0.008)


def test_loss_curve_in_target_units():
    X = load_digits().data[:N_ROWS] / 16.0
    target = X @ np.random.default_rng(0).standard_normal(X.shape[1])
    params = dict(hidden_layer_sizes=(64,), alpha=0.0, dropout=0.0, pretrain_epochs=5,
                  max_iter=60, random_state=0)
    unit = DBNRegressor(**params).fit(X, target)
    huge = DBNRegressor(**params).fit(X, 1e20 * target)
    assert np.isfinite(huge.loss_curve_).all()
    # The same fit, reported in units 1e40 times larger.
    np.testing.assert_allclose(np.array(huge.loss_curve_) / 1e40, unit.loss_curve_, rtol=1e-4)
    # Half the mean squared error in the targets' units (over the last
    # epoch's batches, while the weights still move: approximately).
    half_mse = 0.5 * np.mean((huge.predict(X) - 1e20 * target) ** 2)
    assert huge.loss_curve_[-1] == pytest.approx(half_mse, rel=0.25)
