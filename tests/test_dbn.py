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

from dbn import (
    DBN,
    BernoulliRBM,
    DBNAutoencoder,
    DBNClassifier,
    DBNRegressor,
    DivergenceError,
)

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


_DBN_HAS_SHUFFLE = "shuffle" in DBN().get_params()


@pytest.mark.parametrize("cls", [
    DBNClassifier, DBNRegressor, DBNAutoencoder,
    pytest.param(DBN, marks=pytest.mark.skipif(
        not _DBN_HAS_SHUFFLE, reason="DBN has no shuffle parameter (dbn/_stack/transformer.py)")),
])
def test_shuffle_false_reaches_pretraining(digits, cls):
    """shuffle=False trains every RBM on the rows in their order: the bottom
    RBM is exactly a BernoulliRBM(shuffle=False) with its seed; the default
    (shuffle=True) one is not."""
    X, y = digits[0][:200], digits[1][:200]
    kw = dict(hidden_layer_sizes=(16, 8), pretrain_epochs=2, random_state=0)
    if cls is not DBN:
        kw["max_iter"] = 1

    def fit(**extra):
        est = cls(**kw, **extra)
        if cls is DBNClassifier:
            return est.fit(X, y)
        return est.fit(X, y.astype(float)) if cls is DBNRegressor else est.fit(X)

    ordered = fit(shuffle=False)
    assert [rbm.shuffle for rbm in ordered.rbms_] == [False, False]
    bottom = ordered.rbms_[0]
    ref = BernoulliRBM(16, n_iter=2, batch_size=bottom.batch_size, shuffle=False,
                       random_state=bottom.random_state).fit(X)
    assert_array_equal(bottom.components_, ref.components_)
    assert_array_equal(bottom.intercept_hidden_, ref.intercept_hidden_)
    shuffled = fit() if cls is DBN else fit(shuffle=True)
    assert [rbm.shuffle for rbm in shuffled.rbms_] == [True, True]
    assert shuffled.rbms_[0].random_state == bottom.random_state
    assert not np.allclose(shuffled.rbms_[0].components_, ref.components_, atol=1e-4)


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


def test_fine_tuning_learns_digits(digits, learning_seed, learning_check):
    X, y, Xt, yt = digits
    kw = dict(hidden_layer_sizes=(200, 200), pretrain_batch_size=10, batch_size=20,
              max_iter=40, random_state=learning_seed)
    pre = DBNClassifier(pretrain_epochs=10, **kw).fit(X, y)
    learning_check("test accuracy", pre.score(Xt, yt), above=0.955)
    learning_check("last / first epoch loss", pre.loss_curve_[-1] / pre.loss_curve_[0],
                   below=0.2)
    assert len(pre.loss_curve_) == pre.n_iter_


def _few_labels(y, per_class, seed):
    rng = np.random.default_rng(seed)
    return np.sort(np.concatenate([
        rng.choice(np.flatnonzero(y == c), per_class, replace=False) for c in np.unique(y)
    ]))


def test_pretraining_on_unlabeled_rows_beats_random_init_with_50_labels(
        digits, learning_seed, learning_check):
    X, y, Xt, yt = digits
    labeled = _few_labels(y, 5, learning_seed)
    y_partial = np.full(len(y), -1)
    y_partial[labeled] = y[labeled]
    kw = dict(hidden_layer_sizes=(128, 128), random_state=learning_seed)
    pretrained = DBNClassifier(unlabeled=-1, **kw).fit(X, y_partial)
    random_init = DBNClassifier(pretrain_epochs=0, **kw).fit(X[labeled], y[labeled])
    assert all(rbm is not None for rbm in pretrained.rbms_)
    assert random_init.rbms_ == [None, None]
    gain = pretrained.score(Xt, yt) - random_init.score(Xt, yt)
    learning_check("test accuracy gain over random init", gain, above=0.01)


@pytest.mark.check_defaults  # (500, 500) nets: minutes, in CI's defaults step
@pytest.mark.parametrize("n_rows", [20, 50])
@pytest.mark.parametrize("pretrain_epochs", [0, 20])
def test_defaults_learn_from_a_few_rows(digits, n_rows, pretrain_epochs, learning_seed,
                                        learning_check):
    """(500, 500) nets on 2 or 5 rows per class: the loss falls and the test
    accuracy is far above chance (1 in 10), pretrained or not."""
    X, y, Xt, yt = digits
    rows = _few_labels(y, n_rows // 10, learning_seed)
    clf = DBNClassifier(pretrain_epochs=pretrain_epochs, random_state=learning_seed)
    clf.fit(X[rows], y[rows])
    learning_check("last / first epoch loss", clf.loss_curve_[-1] / clf.loss_curve_[0],
                   below=0.2)
    learning_check("test accuracy", clf.score(Xt, yt),
                   above={20: 0.45, 50: 0.65}[n_rows])
    reg = DBNRegressor(pretrain_epochs=pretrain_epochs, random_state=learning_seed)
    target = X[rows] @ np.linspace(-1, 1, X.shape[1])
    reg.fit(X[rows], target)
    learning_check("regressor training R^2", reg.score(X[rows], target), above=0.9)


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


def test_pretrained_classifier_transfers_its_fine_tuned_layers(digits, learning_seed,
                                                               learning_check):
    X, y, Xt, yt = digits
    kw = {**SMALL, "random_state": learning_seed}
    first = DBNClassifier(**kw).fit(X, y)
    # transfer to a new task (odd vs even) with the hidden layers frozen
    second = DBNClassifier(pretrained=first, frozen_layers=2, **kw).fit(X, y % 2)
    assert_array_equal(second.coefs_[0], first.coefs_[0])
    assert_array_equal(second.coefs_[1], first.coefs_[1])
    learning_check("odd/even test accuracy", second.score(Xt, yt % 2), above=0.9)


def test_rbms_stay_aligned_with_layers_after_transfer_from_random_init(digits):
    X, y, _, _ = digits
    random_init = DBNClassifier(**{**SMALL, "hidden_layer_sizes": (32,),
                                   "pretrain_epochs": 0}).fit(X, y)
    clf = DBNClassifier(pretrained=random_init, **SMALL).fit(X, y)
    assert clf.rbms_[0] is None
    assert clf.rbms_[1].n_features_in_ == 32 and clf.rbms_[1].n_components == 16
    assert len(clf.rbms_) == len(clf.coefs_) - 1
    frozen = DBNClassifier(pretrained=random_init, frozen_layers=2, **SMALL).fit(X, y)
    assert_array_equal(frozen.rbms_[1]._effective_weights(np.float32), frozen.coefs_[1])


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
    # every candidate fitted (a cloned, unfitted `pretrained` would fail each
    # fit and leave NaN scores) and learned from the transferred layers
    assert np.all(grid.cv_results_["mean_test_score"] > 0.5), grid.cv_results_
    assert_array_equal(grid.best_estimator_.rbms_[0].components_,
                       source.rbms_[0].components_)
    frozen = grid.cv_results_["params"].index({"frozen_layers": 2})
    assert grid.cv_results_["mean_test_score"][frozen] > 0.5


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
    assert list(clf.classes_) == sorted(names)
    # Integer labels that sort like the names give the same net: the string
    # labels map to the same output units, and back, row by row.
    rank = np.searchsorted(clf.classes_, names)
    ints = DBNClassifier(**SMALL).fit(X, rank[y])
    assert_array_equal(clf.predict(X), clf.classes_[ints.predict(X)])
    assert_array_equal(clf.predict_proba(X), ints.predict_proba(X))
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 10)
    assert_allclose(proba.sum(1), 1.0, rtol=1e-6)
    assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(1)])
    # each name is predicted for its own digit (a permuted mapping scores ~0.1)
    assert np.mean(clf.predict(X) == names[y]) > 0.8
    binary = DBNClassifier(**SMALL).fit(X, np.where(y > 4, "big", "small"))
    assert binary.coefs_[-1].shape[1] == 1 and binary.predict_proba(X).shape == (len(X), 2)
    # seed 0 scores 0.99; any labelling bug (swapped classes) scores below 0.5
    assert binary.score(X, np.where(y > 4, "big", "small")) > 0.9
    assert_array_equal(binary.predict(X),
                       binary.classes_[binary.predict_proba(X).argmax(1)])
    marked = np.where(y > 4, "big", "small")
    marked[::3] = "?"
    unl = DBNClassifier(unlabeled="?", **SMALL).fit(X, marked)
    assert list(unl.classes_) == ["big", "small"]


def test_unlabeled_marker_never_becomes_a_class_whatever_its_type(digits):
    X, y, _, _ = digits
    names = np.where(y > 4, "big", "small")
    # np.array(["big", -1]) stores the marker as the string '-1': it still marks
    # those rows, as in an object array that keeps the int.
    stringified = np.array([*names[:-50], *[-1] * 50])
    assert stringified.dtype.kind == "U"
    mixed = np.array([*names[:-50], *[-1] * 50], dtype=object)
    reference = DBNClassifier(**SMALL).fit(X[:-50], names[:-50])
    for labels, marker in ((stringified, -1), (stringified, "-1"), (mixed, -1)):
        clf = DBNClassifier(unlabeled=marker, **SMALL).fit(X, labels)
        assert list(clf.classes_) == ["big", "small"]
        assert not np.array_equal(clf.coefs_[0], reference.coefs_[0])  # pretrained on all
    # A marker that no label can equal marks no row and is no class: every
    # row trains, exactly as without a marker.
    for labels, marker in ((names, -1), (y, "?")):
        clf = DBNClassifier(unlabeled=marker, **SMALL).fit(X, labels)
        plain = DBNClassifier(**SMALL).fit(X, labels)
        assert_array_equal(clf.classes_, plain.classes_)
        assert_array_equal(clf.coefs_[-1], plain.coefs_[-1])
    with pytest.raises(ValueError, match="classes=.* holds the unlabeled marker"):
        DBNClassifier(unlabeled=-1, **SMALL).partial_fit(X, y, classes=[-1, *range(10)])


# ---------------------------------------------------------------- export


def test_to_mlp_predicts_the_same(digits):
    X, y, Xt, _ = digits
    for target in (y, y % 2):
        clf = DBNClassifier(**SMALL).fit(X, target)
        mlp = clf.to_mlp()
        assert_array_equal(mlp.predict(Xt), clf.predict(Xt))
        assert_allclose(mlp.predict_proba(Xt), clf.predict_proba(Xt), atol=1e-6)


@pytest.mark.check_defaults  # a (500, 500) net on 1,257 rows: minutes
def test_default_regressor_fits_a_linear_target(digits, learning_seed, learning_check):
    X, _, Xt, _ = digits
    target = X[:, 20] * 3.0 + X[:, 40] * 100.0 + 7.0
    reg = DBNRegressor(random_state=learning_seed).fit(X, target)
    # 0.9906 to 0.9955 over seeds 0-7 (see docs/test-thresholds.md); a net
    # that stops early or ignores the rare pixel stays below 0.95.
    learning_check("training R^2", reg.score(X, target), above=0.985)
    assert_allclose(reg.to_mlp().predict(Xt), reg.predict(Xt), rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("pretrain_epochs", [20, 0])
def test_small_regressor_fits_a_linear_target_of_raw_pixels(pretrain_epochs, learning_seed,
                                                            learning_check):
    """Raw pixels in [0, 16] get Gaussian visible units; unstandardised, their
    RBM's hidden units saturated and this fit stopped near R^2 0.85."""
    X, _ = load_digits(return_X_y=True)
    X, _ = train_test_split(X, random_state=0)
    target = X[:, 20] * 3.0 + X[:, 40] * 100.0 + 7.0
    reg = DBNRegressor((64,), pretrain_epochs=pretrain_epochs,
                       random_state=learning_seed).fit(X, target)
    assert reg.rbms_[0] is None or reg.rbms_[0].scale_.max() > 1.0
    learning_check("training R^2", reg.score(X, target), above=0.99)


def test_regressor_reports_its_loss_in_the_targets_units(digits):
    """loss_curve_ is MLPRegressor's loss (half the mean squared error over rows
    and targets), in the user's units, though training runs standardised."""
    X, _, _, _ = digits
    target = 1000.0 * (X[:, 20] - X[:, 30])
    Y = np.c_[target, target / 1000.0]
    # Weights barely move, so the epoch's reported loss is the final model's.
    reg = DBNRegressor((16,), pretrain_epochs=1, solver="sgd", learning_rate_init=1e-9,
                       momentum=0.0, alpha=0.0, dropout=0.0, max_iter=1, random_state=0).fit(X, Y)
    expected = 0.5 * np.mean((reg.predict(X) - Y) ** 2)
    assert reg.loss_curve_[-1] == pytest.approx(expected, rel=1e-3)
    assert reg.best_loss_ == min(reg.loss_curve_)
    mlp = reg.to_mlp()
    assert mlp.loss_ == reg.loss_ and mlp.loss_curve_ == reg.loss_curve_
    assert reg.predict(X).shape == Y.shape


@pytest.mark.parametrize("frozen_layers", [0, 1])
def test_reported_l2_term_is_the_penalty_the_updates_apply(digits, frozen_layers):
    """As scikit-learn's MLP: each step adds alpha * W / n to the gradient of a
    batch of n rows, and the loss holds 0.5 * alpha * ||W||^2 / n per batch.
    Frozen layers are not updated, so carry no penalty."""
    X, y, _, _ = digits
    kw = dict(hidden_layer_sizes=(16,), pretrain_epochs=1, solver="sgd", momentum=0.0,
              learning_rate_init=1e-9, max_iter=1, batch_size=100, shuffle=False,
              dropout=0.0, frozen_layers=frozen_layers, random_state=0)
    plain = DBNClassifier(alpha=0.0, **kw).fit(X, y)
    alpha = 0.5
    penalised = DBNClassifier(alpha=alpha, **kw).fit(X, y)
    n_batches = -(-len(X) // 100)
    W = penalised.coefs_[frozen_layers:]
    expected = 0.5 * alpha * n_batches / len(X) * sum(np.sum(w.astype(float) ** 2) for w in W)
    assert penalised.loss_curve_[0] - plain.loss_curve_[0] == pytest.approx(expected, rel=1e-4)
    # and the updates apply that gradient: one SGD step from the same start
    # moves the weights by lr * alpha * W / n more than without it
    step = dict(kw, learning_rate_init=1.0)
    without = DBNClassifier(alpha=0.0, **step).fit(X[:100], y[:100])
    with_l2 = DBNClassifier(alpha=alpha, **step).fit(X[:100], y[:100])
    start = DBNClassifier(alpha=0.0, **dict(step, learning_rate_init=1e-30)).fit(
        X[:100], y[:100])
    last = len(start.coefs_) - 1
    assert_allclose(with_l2.coefs_[last] - without.coefs_[last],
                    -alpha / 100 * start.coefs_[last], atol=1e-5)


def test_regressor_exports_multioutput(digits):
    X, _, Xt, _ = digits
    target = X[:, 20] * 3.0 + X[:, 40] * 100.0 + 7.0
    multi = DBNRegressor(**SMALL).fit(X, np.c_[target, -target])
    assert multi.predict(Xt).shape == (len(Xt), 2)
    assert_allclose(multi.to_mlp().predict(Xt), multi.predict(Xt), rtol=1e-5, atol=1e-3)


# -------------------------------------------------------- fitting details


def test_early_stopping_keeps_the_best_epoch(digits, monkeypatch):
    from dbn._nets import finetuning as _finetuning

    X, y, _, _ = digits
    seen = []
    score = _finetuning.validation_score

    def spy(source, rows, targets, coefs, intercepts, *args):
        value = score(source, rows, targets, coefs, intercepts, *args)
        seen.append((value, [W.copy() for W in coefs]))
        return value

    monkeypatch.setattr(_finetuning, "validation_score", spy)
    clf = DBNClassifier(early_stopping=True, n_iter_no_change=3, learning_rate="constant",
                        **{**SMALL, "max_iter": 50}).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ == len(seen)
    best = int(np.argmax([v for v, _ in seen]))
    assert clf.best_validation_score_ == seen[best][0] == max(clf.validation_scores_)
    assert best < len(seen) - 1, "stopped on its best epoch: nothing to restore"
    # the published weights are the best epoch's, not the last one's
    for published, kept in zip(clf.coefs_, seen[best][1], strict=True):
        assert_array_equal(published, kept)
    assert any(not np.array_equal(a, b) for a, b in zip(clf.coefs_, seen[-1][1],
                                                          strict=True))
    assert clf.best_loss_ is None


def test_adam_dropout_and_input_dropout_train(digits, learning_seed, learning_check):
    X, y, Xt, yt = digits
    clf = DBNClassifier(solver="adam", learning_rate_init=1e-2, dropout=0.2,
                        input_dropout=0.1, **{**SMALL, "max_iter": 40,
                                              "random_state": learning_seed}).fit(X, y)
    learning_check("test accuracy", clf.score(Xt, yt), above=0.9)


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
    scaler = MinMaxScaler().fit(X * 16)
    direct = DBNClassifier(**SMALL).fit(scaler.transform(X * 16), y)
    assert_array_equal(pipe.predict(Xt * 16), direct.predict(scaler.transform(Xt * 16)))


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


@pytest.mark.parametrize("make", [
    lambda: DBN((8, 4), pretrain_epochs=1, random_state=0),
    lambda: DBNClassifier((8, 4), pretrain_epochs=1, max_iter=1, random_state=0),
    lambda: DBNRegressor((8, 4), pretrain_epochs=1, max_iter=1, random_state=0),
    lambda: DBNAutoencoder((8, 4), pretrain_epochs=1, max_iter=1, random_state=0),
])
def test_data_is_validated_and_scanned_once_per_fit(digits, monkeypatch, make):
    """The stack's layers train on the estimator's validated rows: one
    validation of X per fit, and one statistics pass per layer's input."""
    from dbn._data import statistics, validation

    calls = {"validate_data": 0, "column_statistics": 0}
    for module, name in ((validation, "validate_data"), (statistics, "column_statistics")):
        original = getattr(module, name)

        def counting(*args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)
    X, y, _, _ = digits
    est = make()
    est.fit(X, y) if hasattr(est, "predict") else est.fit(X)
    assert calls == {"validate_data": 1, "column_statistics": 2}
    for scale in (1.0, 16.0):  # Bernoulli, then Gaussian visible units
        if isinstance(est, DBNAutoencoder | DBNRegressor):
            calls.update(validate_data=0, column_statistics=0)
            make().fit(X * scale, y) if hasattr(est, "predict") else make().fit(X * scale)
            assert calls == {"validate_data": 1, "column_statistics": 2}


def test_epoch_hook_sees_the_layers_after_every_epoch(digits):
    """The private hook behind the benchmarks' learning curves: called once per
    epoch with the current layers; after the last one they are the fitted ones."""
    X, y, Xt, yt = digits
    seen = []
    clf = DBNClassifier(**{**SMALL, "max_iter": 4, "learning_rate": "constant",
                           "n_iter_no_change": 4})
    clf._validate_params()
    clf._fit(X, y, on_epoch=lambda epoch, coefs, intercepts: seen.append(
        (epoch, [W.copy() for W in coefs])))
    assert [epoch for epoch, _ in seen] == [1, 2, 3, 4] == list(range(1, clf.n_iter_ + 1))
    for fitted, last in zip(clf.coefs_, seen[-1][1], strict=True):
        assert_array_equal(fitted, last)
    assert not np.array_equal(seen[0][1][-1], seen[-1][1][-1])


@pytest.mark.parametrize("hidden_units", ["bernoulli", "relu"])
def test_auto_pretraining_rate_holds_wide_gaussian_layers_on_tiny_data(hidden_units):
    """15 real-valued rows give batches of 1: the 'auto' rate of a GaussianRBM
    with 1,000 hidden units (0.01, or 0.001 for rectified units) diverged.
    (Rectified layers of 1,000 -> 500 units still diverge at 'auto' on some
    batches of 6 to 9 rows, with a DivergenceError that names the cure.)"""
    cases = [(15, 0), (15, 1), (15, 2)]
    if hidden_units == "bernoulli":
        cases += [(40, 3), (80, 4)]
    for n_rows, seed in cases:
        X = np.random.default_rng(seed).normal(size=(n_rows, 4))
        model = DBN((1000, 500), hidden_units=hidden_units, random_state=seed).fit(X)
        assert all(np.isfinite(r.components_).all() for r in model.rbms_)
        if n_rows == 15:  # batches of 1
            assert model.rbms_[0].learning_rate <= 1 / 1000


def test_transfer_takes_the_units_a_model_was_trained_with(digits):
    """set_params after fitting does not change what the fitted layers are:
    a DBN or net trained with sigmoid units hands over sigmoid layers."""
    X, y, _, _ = digits
    for source in (DBN((8,), pretrain_epochs=1, random_state=0).fit(X),
                   DBNClassifier((8,), pretrain_epochs=1, max_iter=1, random_state=0).fit(X, y)):
        source.set_params(hidden_units="relu")
        with pytest.raises(ValueError, match="hidden_units='bernoulli'"):
            DBNClassifier((8,), hidden_units="relu", pretrained=source, max_iter=1).fit(X, y)
        DBNClassifier((8,), pretrained=source, max_iter=1).fit(X, y)
