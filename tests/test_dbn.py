"""DBN, DBNClassifier and DBNRegressor: pretraining, unrolling, transfer, API."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from dbn import DBN, BernoulliRBM, DBNClassifier, DBNRegressor, DivergenceError

SMALL = dict(hidden_layer_sizes=(32, 16), pretrain_epochs=3, max_iter=20, random_state=0)


@pytest.fixture(autouse=True)
def _no_convergence_noise():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.2, stratify=y, random_state=0
    )
    return X_train, y_train, X_test, y_test


# ------------------------------------------------------------------ DBN


def test_dbn_trains_each_layer_on_the_one_below(digits):
    X, _, _, _ = digits
    model = DBN(hidden_layer_sizes=(20, 10), pretrain_epochs=2, random_state=0).fit(X)
    assert [r.n_components for r in model.rbms_] == [20, 10]
    assert model.rbms_[1].n_features_in_ == 20
    H1 = model.rbms_[0].transform(X)
    # the second RBM is exactly what a BernoulliRBM gives on layer 1's features
    seed = model.rbms_[1].random_state
    batch = model.rbms_[1].batch_size  # 'auto': len(X) // 100 here
    assert batch == len(X) // 100
    ref = BernoulliRBM(10, n_iter=2, batch_size=batch, random_state=seed).fit(
        H1.astype(np.float32)
    )
    assert_allclose(model.rbms_[1].components_, ref.components_, atol=1e-5)
    assert_allclose(model.transform(X), model.rbms_[1].transform(H1), rtol=1e-6)
    assert model.transform(X).shape == (len(X), 10)
    assert list(model.get_feature_names_out()[:2]) == ["dbn0", "dbn1"]


def test_dbn_accepts_sparse_input(digits):
    X, _, _, _ = digits
    dense = DBN(hidden_layer_sizes=(8,), pretrain_epochs=2, random_state=0).fit(X)
    sparse = DBN(hidden_layer_sizes=(8,), pretrain_epochs=2, random_state=0).fit(
        sp.csr_matrix(X)
    )
    assert_allclose(dense.transform(X), sparse.transform(sp.csr_matrix(X)), rtol=1e-5)


# ------------------------------------------------------------- unrolling


def test_unrolled_net_starts_from_the_rbm_weights(digits):
    X, y, _, _ = digits
    clf = DBNClassifier(frozen_layers=2, **SMALL).fit(X, y)
    for W, b, rbm in zip(clf.coefs_[:-1], clf.intercepts_[:-1], clf.rbms_, strict=True):
        assert_array_equal(W, rbm.components_.T)
        assert_array_equal(b, rbm.intercept_hidden_)
    assert clf.coefs_[-1].shape == (16, 10)


def test_frozen_layers_keep_their_weights(digits):
    X, y, _, _ = digits
    clf = DBNClassifier(frozen_layers=1, **SMALL).fit(X, y)
    assert_array_equal(clf.coefs_[0], clf.rbms_[0].components_.T)
    assert not np.array_equal(clf.coefs_[1], clf.rbms_[1].components_.T)
    with pytest.raises(ValueError, match="frozen_layers=3 exceeds"):
        DBNClassifier(frozen_layers=3, **SMALL).fit(X, y)


def test_fine_tuning_learns_and_pretraining_helps_on_digits(digits):
    X, y, Xt, yt = digits
    kw = dict(hidden_layer_sizes=(200, 200), pretrain_batch_size=10, batch_size=20,
              max_iter=40, random_state=0)
    pre = DBNClassifier(pretrain_epochs=10, **kw).fit(X, y)
    assert pre.score(Xt, yt) > 0.96
    assert pre.loss_curve_[-1] < 0.2 * pre.loss_curve_[0]
    assert len(pre.loss_curve_) == pre.n_iter_


# -------------------------------------------------------------- transfer


def test_pretrained_dbn_initialises_the_net_and_is_not_modified(digits):
    X, y, _, _ = digits
    source = DBN(hidden_layer_sizes=(32, 16), pretrain_epochs=2, random_state=1).fit(X)
    before = [r.components_.copy() for r in source.rbms_]
    clf = DBNClassifier(pretrained=source, frozen_layers=2, **SMALL).fit(X, y)
    for W, rbm, old in zip(clf.coefs_, source.rbms_, before, strict=False):
        assert_array_equal(W, rbm.components_.T)
        assert_array_equal(rbm.components_, old)
    assert clf.rbms_[0] is not source.rbms_[0]


def test_pretrained_prefix_gets_further_layers_pretrained_on_top(digits):
    X, y, _, _ = digits
    source = DBN(hidden_layer_sizes=(32,), pretrain_epochs=2, random_state=1).fit(X)
    clf = DBNClassifier(pretrained=source, **SMALL).fit(X, y)
    assert len(clf.rbms_) == 2 and clf.rbms_[1].n_features_in_ == 32


def test_pretrained_classifier_transfers_its_fine_tuned_layers(digits):
    X, y, _, _ = digits
    first = DBNClassifier(**SMALL).fit(X, y)
    # transfer to a new task (odd vs even) with the hidden layers frozen
    second = DBNClassifier(pretrained=first, frozen_layers=2, **SMALL).fit(X, y % 2)
    assert_array_equal(second.coefs_[0], first.coefs_[0])
    assert second.score(X, y % 2) > 0.9


def test_pretrained_errors_name_the_mismatch(digits):
    X, y, _, _ = digits
    source = DBN(hidden_layer_sizes=(32, 16), pretrain_epochs=1, random_state=0).fit(X)
    with pytest.raises(ValueError, match="takes 64 input features but X has 20"):
        DBNClassifier(pretrained=source, **SMALL).fit(X[:, :20], y)
    with pytest.raises(ValueError, match=r"hidden layers \(32, 16\)"):
        DBNClassifier(pretrained=source, **{**SMALL, "hidden_layer_sizes": (16, 16)}).fit(X, y)
    with pytest.raises(TypeError, match="pretrained must be a fitted DBN"):
        DBNClassifier(pretrained=BernoulliRBM(), **SMALL).fit(X, y)
    with pytest.raises(ValueError, match="FrozenEstimator"):
        clone(DBNClassifier(pretrained=source, **SMALL)).fit(X, y)


def test_frozen_estimator_survives_clone_and_grid_search(digits):
    X, y, _, _ = digits
    source = DBN(hidden_layer_sizes=(32, 16), pretrain_epochs=2, random_state=0).fit(X)
    clf = DBNClassifier(pretrained=FrozenEstimator(source), **SMALL)
    fitted = clone(clf).fit(X, y)
    assert_array_equal(fitted.rbms_[0].components_, source.rbms_[0].components_)
    grid = GridSearchCV(clf, {"frozen_layers": [0, 2]}, cv=2).fit(X[:400], y[:400])
    assert grid.best_params_["frozen_layers"] in (0, 2)


# ------------------------------------------------------------- unlabeled


def test_unlabeled_rows_pretrain_but_never_become_a_class(digits):
    X, y, _, _ = digits
    y_partial = y.copy()
    y_partial[100:] = -1
    clf = DBNClassifier(unlabeled=-1, **SMALL).fit(X, y_partial)
    assert -1 not in clf.classes_ and len(clf.classes_) == 10
    # pretraining saw every row: same RBMs as a DBN fitted on all of X
    dbn = DBN(hidden_layer_sizes=(32, 16), pretrain_epochs=3, random_state=0).fit(X)
    assert_array_equal(clf.rbms_[0].components_, dbn.rbms_[0].components_)
    with pytest.raises(ValueError, match="unlabeled"):
        DBNClassifier(unlabeled=-1, **SMALL).fit(X, np.full(len(X), -1))


def test_string_labels_binary_and_multiclass(digits):
    X, y, _, _ = digits
    names = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven",
                      "eight", "nine"])
    clf = DBNClassifier(**SMALL).fit(X, names[y])
    assert set(clf.predict(X)) <= set(names)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 10)
    assert_allclose(proba.sum(1), 1.0, rtol=1e-6)
    binary = DBNClassifier(**SMALL).fit(X, np.where(y > 4, "big", "small"))
    assert binary.coefs_[-1].shape[1] == 1 and binary.predict_proba(X).shape == (len(X), 2)
    assert binary.score(X, np.where(y > 4, "big", "small")) > 0.9
    marked = np.where(y > 4, "big", "small")
    marked[::3] = "?"
    unl = DBNClassifier(unlabeled="?", **SMALL).fit(X, marked)
    assert list(unl.classes_) == ["big", "small"]


# ---------------------------------------------------------------- export


def test_to_mlp_predicts_the_same(digits):
    X, y, Xt, _ = digits
    for target in (y, y % 2):
        clf = DBNClassifier(**SMALL).fit(X, target)
        mlp = clf.to_mlp()
        assert_array_equal(mlp.predict(Xt), clf.predict(Xt))
        assert_allclose(mlp.predict_proba(Xt), clf.predict_proba(Xt), atol=1e-6)


def test_regressor_fits_and_exports(digits):
    X, y, Xt, yt = digits
    target = X[:, 20] * 3.0 + X[:, 40] * 100.0 + 7.0  # any units
    reg = DBNRegressor(learning_rate_init=0.01, **{**SMALL, "max_iter": 60}).fit(X, target)
    assert reg.score(X, target) > 0.9
    assert_allclose(reg.to_mlp().predict(Xt), reg.predict(Xt), rtol=1e-5, atol=1e-3)
    multi = DBNRegressor(**SMALL).fit(X, np.c_[target, -target])
    assert multi.predict(Xt).shape == (len(Xt), 2)


# -------------------------------------------------------- fitting details


def test_early_stopping_keeps_the_best_epoch(digits):
    X, y, _, _ = digits
    clf = DBNClassifier(early_stopping=True, n_iter_no_change=3,
                        **{**SMALL, "max_iter": 50}).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None


def test_adam_dropout_and_input_dropout_train(digits):
    X, y, Xt, yt = digits
    clf = DBNClassifier(solver="adam", learning_rate_init=1e-2, dropout=0.2,
                        input_dropout=0.1, **{**SMALL, "max_iter": 40}).fit(X, y)
    assert clf.score(Xt, yt) > 0.9


def test_divergence_is_reported_with_the_learning_rate(digits):
    X, y, _, _ = digits
    reg = DBNRegressor(solver="sgd", learning_rate_init=1e4, **SMALL)
    with pytest.raises(DivergenceError, match="learning_rate_init"):
        reg.fit(X, y * 1.0)


def test_failed_fit_leaves_the_fitted_model_unchanged(digits):
    X, y, _, _ = digits
    clf = DBNClassifier(**SMALL).fit(X, y)
    before = [W.copy() for W in clf.coefs_]
    with pytest.raises(ValueError):
        clf.fit(X, np.zeros(len(X)))
    with pytest.raises(DivergenceError):
        clf.set_params(learning_rate_init=1e30, pretrain_epochs=0).fit(X * 1e10, y)
    for W, old in zip(clf.coefs_, before, strict=True):
        assert_array_equal(W, old)


def test_determinism_pickle_and_pipeline(digits):
    X, y, Xt, _ = digits
    a = DBNClassifier(**SMALL).fit(X, y)
    b = DBNClassifier(**SMALL).fit(X, y)
    for Wa, Wb in zip(a.coefs_, b.coefs_, strict=True):
        assert_array_equal(Wa, Wb)
    restored = pickle.loads(pickle.dumps(a))
    assert_array_equal(restored.predict_proba(Xt), a.predict_proba(Xt))
    pipe = make_pipeline(MinMaxScaler(), DBNClassifier(**SMALL)).fit(X * 16, y)
    assert pipe.score(Xt * 16, y[: len(Xt)]) >= 0.0


def test_verbose_reports_layers_and_epochs(digits, capsys):
    X, y, _, _ = digits
    DBNClassifier(verbose=1, **{**SMALL, "max_iter": 2}).fit(X, y)
    out = capsys.readouterr().out
    assert "pretraining layer 1/2" in out and "pretraining layer 2/2" in out
    assert "fine-tuning" in out and "epoch 2: loss" in out


def test_nan_marks_unlabeled_rows(digits):
    X, y, _, _ = digits
    y_partial = y.astype(float)
    y_partial[::2] = np.nan
    clf = DBNClassifier(unlabeled=np.nan, **SMALL).fit(X, y_partial)
    assert len(clf.classes_) == 10 and not np.isnan(clf.classes_).any()
