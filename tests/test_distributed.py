"""Scale-out with existing machinery: dask-ml's Incremental and GridSearchCV on
a dask.distributed cluster. Skipped without the ``distributed`` extra."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV

from dbn import DBN, DBNClassifier, DBNRegressor


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return (X[:400] / 16.0).astype(np.float32), y[:400]


@pytest.mark.parametrize("Estimator", [DBN, DBNClassifier, DBNRegressor])
def test_fitted_estimators_pickle_without_numba_state(Estimator, digits):
    """What joblib ships to a worker: arrays and parameters, no compiled code."""
    X, y = digits
    model = Estimator((8,), pretrain_epochs=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X) if Estimator is DBN else model.set_params(max_iter=2).fit(X, y)
    payload = pickle.dumps(model)
    assert b"numba" not in payload
    copy = pickle.loads(payload)
    np.testing.assert_array_equal(copy.transform(X) if Estimator is DBN else copy.predict(X),
                                  model.transform(X) if Estimator is DBN else model.predict(X))


def test_incremental_trains_block_by_block(digits):
    """dask_ml's Incremental calls partial_fit once per block of a dask array,
    in order: the same model as that loop by hand."""
    da = pytest.importorskip("dask.array")
    wrappers = pytest.importorskip("dask_ml.wrappers")
    X, y = digits
    params = dict(hidden_layer_sizes=(16,), pretrain_epochs=2, random_state=0)
    incremental = wrappers.Incremental(DBNClassifier(**params), shuffle_blocks=False)
    incremental.fit(da.from_array(X, chunks=(100, 64)), da.from_array(y, chunks=100),
                    classes=np.arange(10))
    by_hand = DBNClassifier(**params)
    for start in range(0, 400, 100):
        by_hand.partial_fit(X[start:start + 100], y[start:start + 100], classes=np.arange(10))
    for a, b in zip(incremental.estimator_.coefs_, by_hand.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    assert incremental.estimator_.n_iter_ == 4


def test_grid_search_on_a_local_cluster_scores_like_the_local_run(digits):
    """GridSearchCV with dask.distributed as joblib's backend: two worker
    processes on 127.0.0.1 give exactly the local cv_results_."""
    distributed = pytest.importorskip("distributed")
    from joblib import parallel_backend

    X, y = digits

    def search():
        # n_jobs=1: one BLAS thread in every fit, here and on the workers, so
        # that both sum in the same order.
        net = DBNClassifier((16,), pretrain_epochs=2, max_iter=5, random_state=0, n_jobs=1)
        return GridSearchCV(net, {"pretrain_epochs": [0, 2], "alpha": [1e-4, 1e-2]}, cv=2)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        local = search().fit(X, y)
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      host="127.0.0.1", dashboard_address=None) as cluster, \
                distributed.Client(cluster), parallel_backend("dask"):
            remote = search().fit(X, y)
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    assert remote.best_params_ == local.best_params_
