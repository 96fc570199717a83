"""Bad input gets a clear ValueError/TypeError/NotFittedError, never a Numba error."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.exceptions import NotFittedError

from dbn import BernoulliRBM

GOOD = np.random.default_rng(0).random((20, 5))

FIT_CASES = [
    ("nan", np.where(GOOD > 0.9, np.nan, GOOD), ValueError, "NaN"),
    ("inf", np.where(GOOD > 0.9, np.inf, GOOD), ValueError, "infinity"),
    ("sparse nan", sp.csr_matrix(np.where(GOOD > 0.9, np.nan, GOOD)), ValueError, "NaN"),
    ("empty", np.empty((0, 5)), ValueError, "0 sample"),
    ("no features", np.empty((5, 0)), ValueError, "0 feature"),
    ("1-D", GOOD[0], ValueError, "2D array"),
    ("3-D", GOOD.reshape(2, 10, 5), ValueError, "dim"),
    ("strings", np.array([["a", "b"], ["c", "d"]]), ValueError, "string|float"),
    ("complex", GOOD + 1j, ValueError, "[Cc]omplex"),
    ("object", np.array([[object(), 1.0]], dtype=object), TypeError, "real number|float"),
]


@pytest.mark.parametrize("name,X,error,match", FIT_CASES, ids=[c[0] for c in FIT_CASES])
def test_fit_rejects_bad_data(name, X, error, match):
    with pytest.raises(error, match=match):
        BernoulliRBM(n_components=2, n_iter=1).fit(X)


PARAM_CASES = [
    dict(n_components=0), dict(n_components=-3), dict(n_components=2.5),
    dict(learning_rate=0), dict(learning_rate=-0.1), dict(batch_size=0),
    dict(n_iter=-1), dict(cd_steps=0), dict(momentum=1.0), dict(momentum=-0.1),
    dict(weight_decay=-1e-4), dict(sparsity_target=0.0), dict(sparsity_target=1.0),
    dict(sparsity_cost=-1.0), dict(persistent="yes"), dict(random_state="seed"),
]


@pytest.mark.parametrize("params", PARAM_CASES, ids=[str(p) for p in PARAM_CASES])
def test_invalid_parameters_are_named(params):
    name = next(iter(params))
    with pytest.raises(ValueError, match=name):
        BernoulliRBM(**params).fit(GOOD)


@pytest.mark.parametrize("method", ["transform", "score_samples", "free_energy",
                                    "gibbs", "reconstruct"])
def test_methods_need_a_fitted_model_and_the_right_width(method):
    with pytest.raises(NotFittedError):
        getattr(BernoulliRBM(), method)(GOOD)
    rbm = BernoulliRBM(n_components=3, n_iter=1, random_state=0).fit(GOOD)
    with pytest.raises(ValueError, match="features"):
        getattr(rbm, method)(GOOD[:, :4])
    with pytest.raises(ValueError, match="NaN"):
        getattr(rbm, method)(np.where(GOOD > 0.9, np.nan, GOOD))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    X=arrays(
        np.float64,
        st.tuples(st.integers(1, 12), st.integers(1, 6)),
        elements=st.floats(allow_nan=True, allow_infinity=True, width=64),
    )
)
def test_any_float_matrix_gives_a_model_or_a_clear_error(X):
    rbm = BernoulliRBM(n_components=3, n_iter=2, batch_size=4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            rbm.fit(X)
        except ValueError as exc:  # includes DivergenceError
            assert str(exc)
            return
    assert np.isfinite(rbm.components_).all()
    assert np.isfinite(rbm.transform(np.clip(np.nan_to_num(X), -1e3, 1e3))).all()
