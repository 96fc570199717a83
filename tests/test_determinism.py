"""A given random_state gives identical weights across runs with the same BLAS
thread count and across joblib workers, and weights equal up to float32
rounding across thread counts (docs/determinism.md says why and how close)."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from threadpoolctl import threadpool_limits

from dbn import (
    DBN,
    BernoulliRBM,
    DBNClassifier,
    DBNRegressor,
    GaussianRBM,
    GenerativeDBNClassifier,
)

from .state import same_state

RNG = np.random.default_rng(0)
# Large enough that BLAS splits its products over threads.
X = RNG.random((1200, 300))
y = (X[:, :10].sum(1) > 5).astype(int) + (X[:, 10:20].sum(1) > 5)

MODELS = [
    BernoulliRBM(128, n_iter=2, persistent=True, random_state=0),
    BernoulliRBM(128, n_iter=2, hidden_units="relu", learning_rate=0.01, random_state=0),
    GaussianRBM(64, n_iter=2, learn_variance=True, random_state=0),
    DBN((128, 32), pretrain_epochs=1, random_state=0),
    DBNClassifier((128, 32), pretrain_epochs=1, max_iter=3, dropout=0.2, random_state=0),
    DBNRegressor((64,), pretrain_epochs=1, max_iter=3, random_state=0),
]
IDS = [type(m).__name__ for m in MODELS]


def _fit(est, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if isinstance(est, DBNRegressor):
            return est.fit(X, y * 1.5, **kw)
        return est.fit(X, y, **kw) if hasattr(est, "predict") else est.fit(X, **kw)


def _weights(est):
    """The learned weight matrices: each RBM's, then each fine-tuned layer's."""
    rbms = getattr(est, "rbms_", [est] if hasattr(est, "components_") else [])
    return [r.components_ for r in rbms] + list(getattr(est, "coefs_", []))


# Measured 2026-11-29 across 1 and 2 threads: 0 with OpenBLAS's SkylakeX
# kernels, up to 9e-6 with its Haswell kernels (which split inner sums by
# thread). The tolerance leaves a factor of 10 and is what docs/determinism.md
# promises for these short fits.
THREAD_ATOL = 1e-4


@pytest.mark.parametrize("model", MODELS, ids=IDS)
@pytest.mark.parametrize("threads", [1, 2])
def test_same_seed_same_thread_count_same_weights(model, threads):
    with threadpool_limits(threads):
        first = _fit(clone(model))
        again = _fit(clone(model))
    diff = same_state(first, again, ignore=("epoch_time",))
    assert diff is None, f"{threads} BLAS thread(s): {diff}"
    # Another seed changes every learned weight matrix by more than the
    # cross-thread tolerance (the seed itself, stored as random_state, does
    # not count as a difference).
    other = _fit(clone(model).set_params(random_state=1))
    for i, (a, b) in enumerate(zip(_weights(first), _weights(other), strict=True)):
        gap = float(np.max(np.abs(a - b)))
        assert gap > THREAD_ATOL, f"weights {i} differ by only {gap:.3g} across seeds"


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_thread_counts_agree_up_to_float32_rounding(model):
    with threadpool_limits(1):
        one = _fit(clone(model))
    with threadpool_limits(2):
        two = _fit(clone(model))
    diff = same_state(one, two, ignore=("epoch_time",), atol=THREAD_ATOL)
    assert diff is None, diff


@pytest.mark.parametrize("model", [MODELS[0], MODELS[2], MODELS[4]], ids=IDS[:1] + IDS[2:5:2])
def test_float32_float64_and_csr_inputs_train_identically(model):
    import scipy.sparse as sp

    # Values exactly representable in float32, so all three hold the same data.
    data = (X[:300] * (X[:300] > 0.6)).astype(np.float32).astype(np.float64)
    labels = y[:300]
    fits = []
    for variant in (data, data.astype(np.float32), sp.csr_matrix(data)):
        est = clone(model)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fits.append(est.fit(variant, labels) if hasattr(est, "predict")
                        else est.fit(variant))
    dense64, dense32, csr = fits
    diff = same_state(dense64, dense32, ignore=("epoch_time",))
    assert diff is None, diff
    if isinstance(model, DBNClassifier):
        # Between layers, sparse rows are multiplied by scipy, dense ones by
        # BLAS: the same sums in another order, equal up to float32 rounding.
        for a, b in zip(dense64.coefs_, csr.coefs_, strict=True):
            np.testing.assert_allclose(a, b, atol=1e-4)
    else:
        diff = same_state(dense64, csr, ignore=("epoch_time",))
        assert diff is None, diff


def test_random_state_instances_are_reproducible_too():
    a = _fit(BernoulliRBM(16, n_iter=1, random_state=np.random.RandomState(3)))
    b = _fit(BernoulliRBM(16, n_iter=1, random_state=np.random.RandomState(3)))
    np.testing.assert_array_equal(a.components_, b.components_)


def test_grid_search_gives_the_same_results_with_parallel_workers():
    grid = {"learning_rate_init": [0.05, 0.1]}
    est = DBNClassifier((16,), pretrain_epochs=1, max_iter=3, random_state=0)
    results = []
    for n_jobs in (1, 2):
        search = GridSearchCV(est, grid, cv=2, n_jobs=n_jobs)
        _fit(search)
        results.append(search)
    serial, parallel = results
    np.testing.assert_array_equal(serial.cv_results_["mean_test_score"],
                                  parallel.cv_results_["mean_test_score"])
    for a, b in zip(serial.best_estimator_.coefs_, parallel.best_estimator_.coefs_,
                    strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("make", [
    lambda: DBN((16, 8), pretrain_epochs=2, random_state=0),
    lambda: DBNClassifier((16, 8), pretrain_epochs=2, max_iter=2, random_state=0),
    lambda: GenerativeDBNClassifier((16, 8), top_components=16, pretrain_epochs=2,
                                    updown_epochs=2, random_state=0),
], ids=["DBN", "DBNClassifier", "GenerativeDBNClassifier"])
def test_real_valued_stacks_train_alike_on_integer_float32_and_float64_copies(make):
    """Gaussian visible units standardise their input; the layers above learn
    from features computed in float32 from it, the same values whatever the
    dtype the data came in (they were computed in the data's precision, and
    a generative DBN on a float64 copy then predicted otherwise)."""
    from sklearn.datasets import load_digits

    digits, labels = load_digits(return_X_y=True)
    data, labels = digits[:200].astype(np.int64), labels[:200]
    fits = []
    for variant in (data, data.astype(np.float32), data.astype(np.float64)):
        est = make()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fits.append(est.fit(variant, labels) if hasattr(est, "predict")
                        else est.fit(variant))
    for other in fits[1:]:
        diff = same_state(fits[0], other, ignore=("epoch_time",))
        assert diff is None, diff
