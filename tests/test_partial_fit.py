"""partial_fit of DBN, DBNClassifier and DBNRegressor: streams of chunks."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits

from dbn import DBN, DBNClassifier, DBNRegressor


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return (X / 16.0).astype(np.float32), y


def layers(est):
    return [*est.coefs_, *est.intercepts_]


def test_dbn_first_call_is_one_epoch_of_fit(digits):
    X, _ = digits
    fitted = DBN((24, 12), pretrain_epochs=1, random_state=0).fit(X[:400])
    streamed = DBN((24, 12), pretrain_epochs=7, random_state=0).partial_fit(X[:400])
    for a, b in zip(fitted.rbms_, streamed.rbms_, strict=True):
        np.testing.assert_array_equal(a.components_, b.components_)
        np.testing.assert_array_equal(a.intercept_hidden_, b.intercept_hidden_)


def test_dbn_every_layer_learns_from_every_chunk(digits):
    X, _ = digits
    model = DBN((24, 12), random_state=0)
    before = None
    for chunk in np.array_split(X[:600], 3):
        model.partial_fit(chunk)
        top = model.rbms_[-1].components_.copy()
        assert before is None or not np.array_equal(top, before)
        before = top
    assert [rbm.n_iter_ for rbm in model.rbms_] == [3, 3]
    assert model.transform(X[:5]).shape == (5, 12)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        model.set_params(hidden_layer_sizes=(24,)).partial_fit(X[:50])
    assert len(model.rbms_) == 2


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_classifier_calls_continue_one_run(digits, solver):
    """Two calls on the same rows are two epochs of one fit: the optimizer's
    state and the generator carry over exactly."""
    X, y = digits[0][:300], digits[1][:300]
    params = dict(hidden_layer_sizes=(32,), pretrain_epochs=2, solver=solver,
                  learning_rate="constant", n_iter_no_change=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = DBNClassifier(max_iter=2, **params).fit(X, y)
    streamed = DBNClassifier(**params)
    streamed.partial_fit(X, y, classes=np.arange(10))
    streamed.partial_fit(X, y)
    for a, b in zip(layers(fitted), layers(streamed), strict=True):
        np.testing.assert_array_equal(a, b)
    assert streamed.n_iter_ == 2
    np.testing.assert_allclose(streamed.loss_curve_, fitted.loss_curve_, rtol=1e-6)


def test_classifier_needs_its_classes_first(digits):
    X, y = digits
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        DBNClassifier((8,), pretrain_epochs=1).partial_fit(X[:50], y[:50])
    model = DBNClassifier((8,), pretrain_epochs=1, random_state=0)
    # A chunk that holds only some classes still gets a ten-way output layer.
    model.partial_fit(X[y < 3][:60], y[y < 3][:60], classes=np.arange(10))
    assert model.n_outputs_ == 10
    before = [a.copy() for a in layers(model)]
    with pytest.raises(ValueError, match="not among the classes"):
        model.partial_fit(X[:20], np.full(20, 11))
    with pytest.raises(ValueError, match="not the same as on the first call"):
        model.partial_fit(X[:20], y[:20], classes=np.arange(5))
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:20, :10], y[:20])
    # Failed calls leave the model as it was.
    for a, b in zip(before, layers(model), strict=True):
        np.testing.assert_array_equal(a, b)
    assert model.n_iter_ == 1


def test_regressor_calls_continue_one_run(digits):
    X = digits[0][:300]
    t = X[:, 20:30].sum(1) * 3.0 + 5.0
    params = dict(hidden_layer_sizes=(16,), pretrain_epochs=1, learning_rate="constant",
                  n_iter_no_change=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = DBNRegressor(max_iter=3, **params).fit(X, t)
    streamed = DBNRegressor(**params)
    for _ in range(3):
        streamed.partial_fit(X, t)
    # The output layer's scaling is folded out and back in between calls.
    np.testing.assert_allclose(streamed.predict(X), fitted.predict(X), rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match="target"):
        streamed.partial_fit(X, np.c_[t, t])


def test_a_stream_of_chunks_learns_digits(digits, learning_seed, learning_check):
    """Ten passes over five chunks, the stack pretrained by DBN.partial_fit on
    the same stream first (the digits test set is never streamed)."""
    X, y = digits
    Xtr, ytr, Xte, yte = X[:1500], y[:1500], X[1500:], y[1500:]
    chunks = np.array_split(np.arange(1500), 5)
    stack = DBN((64,), random_state=learning_seed)
    for _ in range(5):
        for rows in chunks:
            stack.partial_fit(Xtr[rows])
    model = DBNClassifier((64,), pretrained=stack, random_state=learning_seed)
    for _ in range(10):
        for rows in chunks:
            model.partial_fit(Xtr[rows], ytr[rows], classes=np.arange(10))
    learning_check("accuracy on the 297 unstreamed digits", model.score(Xte, yte),
                   above=0.84)


def test_a_streamed_net_saves_and_keeps_streaming(digits, tmp_path):
    import dbn

    X, y = digits
    model = DBNClassifier((16,), pretrain_epochs=1, random_state=0)
    model.partial_fit(X[:200], y[:200], classes=np.arange(10))
    dbn.save(model, tmp_path / "m.dbn")
    loaded = dbn.load(tmp_path / "m.dbn")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    loaded.partial_fit(X[200:400], y[200:400])
    assert loaded.n_iter_ == 2
