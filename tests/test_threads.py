"""n_jobs: the BLAS, OpenMP and Numba thread pools during a call, and after it."""

import warnings

import numba
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info, threadpool_limits

import dbn
from dbn._rbm import base as rbm_base
from dbn._stack import transformer as transformer
from dbn._utils.threads import resolve_n_jobs, thread_limits

ESTIMATORS = [getattr(dbn, name) for name in dbn.__all__
              if isinstance(getattr(dbn, name), type) and hasattr(getattr(dbn, name), "fit")]


def blas_threads():
    return {m["filepath"]: m["num_threads"] for m in threadpool_info()
            if m["user_api"] == "blas"}


class Probe(RuntimeError):
    """Raised from inside a fit after recording the thread counts seen there."""


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda c: c.__name__)
def test_every_estimator_takes_n_jobs(Estimator):
    assert Estimator().get_params()["n_jobs"] is None


@pytest.mark.parametrize("make, target", [
    (lambda: dbn.BernoulliRBM(8, n_iter=1, n_jobs=1), (rbm_base._BaseRBM, "_fit_rows")),
    (lambda: dbn.DBN((8,), pretrain_epochs=1, n_jobs=1), (transformer, "pretrain_stack")),
])
def test_fit_runs_under_the_limits_and_restores_them_when_it_fails(make, target, monkeypatch):
    X = np.random.default_rng(0).random((30, 6))
    make().fit(X)  # BLAS and Numba loaded, so both pools exist before the check
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    before_blas, before_numba = blas_threads(), numba.get_num_threads()
    seen = {}

    def probe(*args, **kwargs):
        seen["blas"], seen["numba"] = blas_threads(), numba.get_num_threads()
        raise Probe

    monkeypatch.setattr(*target, probe)
    with pytest.raises(Probe):
        make().fit(X)
    assert set(seen["blas"].values()) == {1}
    assert seen["numba"] == 1
    assert blas_threads() == before_blas
    assert numba.get_num_threads() == before_numba


def test_none_leaves_the_limits_alone():
    before = blas_threads(), numba.get_num_threads()
    with thread_limits(None):
        assert (blas_threads(), numba.get_num_threads()) == before


def test_resolve_n_jobs_follows_scikit_learn():
    from joblib import cpu_count

    assert resolve_n_jobs(None) is None
    assert resolve_n_jobs(3) == 3
    assert resolve_n_jobs(-1) == cpu_count()
    assert resolve_n_jobs(-cpu_count() - 5) == 1
    with pytest.raises(ValueError, match="n_jobs == 0"):
        resolve_n_jobs(0)
    with pytest.raises(TypeError, match="n_jobs must be an int"):
        resolve_n_jobs(1.5)


@pytest.mark.parametrize("n_jobs", [0, "two", 1.5])
def test_bad_n_jobs_is_refused_at_fit(n_jobs):
    X = np.random.default_rng(0).random((20, 4))
    with pytest.raises((ValueError, TypeError), match="n_jobs"):
        dbn.BernoulliRBM(4, n_iter=1, n_jobs=n_jobs).fit(X)


def test_predict_with_one_thread_equals_the_default():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = X[:300] / 16.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 3 epochs are enough here
        clf = dbn.DBNClassifier((32,), pretrain_epochs=2, max_iter=3,
                                random_state=0).fit(X, y[:300])
    proba = clf.predict_proba(X)
    clf.set_params(n_jobs=1)
    np.testing.assert_allclose(clf.predict_proba(X), proba, rtol=1e-5, atol=1e-6)


def test_small_minibatch_products_run_on_one_blas_thread(monkeypatch):
    # Fine-tuning a tiny net hands its products to one BLAS thread (threads
    # cost more than they give there); a large one keeps what it has; both
    # leave the limits as they found them.
    from dbn._nets import finetuning
    from dbn._utils.threads import SMALL_PRODUCTS_FLOPS

    X = np.random.default_rng(0).random((40, 6))
    y = np.arange(40) % 2
    seen = []
    real_epoch = finetuning.Backprop.epoch

    def probe(self, *args, **kwargs):
        seen.append((self.flops_per_batch(), set(blas_threads().values())))
        return real_epoch(self, *args, **kwargs)

    monkeypatch.setattr(finetuning.Backprop, "epoch", probe)
    before = blas_threads()
    with threadpool_limits(2, user_api="blas"):
        two = blas_threads()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            dbn.DBNClassifier((8,), pretrain_epochs=0, max_iter=1).fit(X, y)
            dbn.DBNClassifier((2000, 2000), pretrain_epochs=0, max_iter=1, batch_size=40,
                              dropout=0.0).fit(X, y)
        assert blas_threads() == two
    assert blas_threads() == before
    (small_flops, small_threads), (large_flops, large_threads) = seen
    assert small_flops < SMALL_PRODUCTS_FLOPS <= large_flops
    assert small_threads == {1}
    assert large_threads == set(two.values())


def test_overlapping_small_blocks_restore_once_when_the_last_ends():
    # Blocks may overlap (fits in threads release the GIL): the first sets one
    # BLAS thread, the last restores; an inner block ending must not restore
    # the limit its outer block still relies on.
    import dbn._utils.threads as threads

    with threadpool_limits(2, user_api="blas"):
        two = blas_threads()
        outer = threads.blas_threads_for(1.0)
        inner = threads.blas_threads_for(1.0)
        outer.__enter__()
        inner.__enter__()
        outer.__exit__(None, None, None)   # the outer one ends first
        assert set(blas_threads().values()) == {1}
        inner.__exit__(None, None, None)
        assert blas_threads() == two
        assert threads._small_blocks == 0 and threads._small_limiter is None
