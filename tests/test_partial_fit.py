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


# --------------------------------------------------- one training path, one state

NETS = [
    (DBNClassifier, {"classes": np.arange(3)}, lambda X, y: y % 3),
    (DBNRegressor, {}, lambda X, y: 30.0 * X[:, 20] - 5.0 * X[:, 43] + 2.0),
]


def _small(digits):
    X, y = digits
    return X[:150], y[:150]


def _same_layers(a, b):
    return all(np.array_equal(p, q) for p, q in zip(layers(a), layers(b), strict=True))


@pytest.mark.parametrize("Est, first, target", NETS)
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_fit_discards_what_partial_fit_left(digits, Est, first, target, solver):
    """partial_fit x2, fit, partial_fit is fit, partial_fit: fit starts afresh."""
    X, y = _small(digits)
    t = target(X, y)
    params = dict(hidden_layer_sizes=(8,), pretrain_epochs=1, max_iter=2, solver=solver,
                  random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = Est(**params)
        history.partial_fit(X, t, **first)
        history.partial_fit(X[:60], t[:60])
        history.fit(X, t)
        assert "_partial_state" not in vars(history)
        fresh = Est(**params).fit(X, t)
        assert _same_layers(history, fresh)
        history.partial_fit(X, t)
        fresh.partial_fit(X, t)
    assert _same_layers(history, fresh)
    assert history.loss_curve_ == fresh.loss_curve_


@pytest.mark.parametrize("Est, first, target", NETS)
def test_fit_with_new_sizes_after_partial_fit_does_not_reuse_the_optimizer(
        digits, Est, first, target):
    """The sequence that wrote past the optimizer's arrays (a segfault) before
    fit discarded the partial_fit state."""
    X, y = _small(digits)
    t = target(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Est((4,), pretrain_epochs=1, max_iter=2, random_state=0)
        model.partial_fit(X, t, **first)
        model.set_params(hidden_layer_sizes=(300,)).fit(X, t)
        model.partial_fit(X, t)
    assert model.coefs_[0].shape == (64, 300)
    state = model._partial_state["optimizer"]
    moments = state.get("velocities") or state.get("first")
    assert [m.shape for m in moments] == [p.shape for p in layers(model)]


@pytest.mark.parametrize("Est, first, target", NETS)
@pytest.mark.parametrize("name, value", [("hidden_layer_sizes", (5,)),
                                         ("hidden_units", "relu"),
                                         ("visible_units", "gaussian"),
                                         ("solver", "other")])
def test_partial_fit_refuses_a_changed_architecture(digits, Est, first, target, name, value):
    X, y = _small(digits)
    t = target(X, y)
    model = Est((8,), pretrain_epochs=1, random_state=0)
    model.partial_fit(X, t, **first)
    if value == "other":
        value = "adam" if model.solver_ == "sgd" else "sgd"
    before = [p.copy() for p in layers(model)]
    with pytest.raises(ValueError, match=f"{name}.*call fit to start afresh"):
        model.set_params(**{name: value}).partial_fit(X, t)
    for a, b in zip(before, layers(model), strict=True):
        np.testing.assert_array_equal(a, b)
    # Setting it back continues; fit accepts the new value and starts afresh.
    model.set_params(**{name: Est().get_params()[name] if name != "hidden_layer_sizes"
                        else (8,)})
    model.partial_fit(X, t)
    assert model.n_iter_ == 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.set_params(**{name: value}, max_iter=1).fit(X, t)
    assert model.n_iter_ == 1


def test_solver_is_resolved_once(digits):
    """'auto' resolves from the start of the net (pretrained or not) in fit,
    and partial_fit continues with that solver, even when the transferred
    net's layers started from Glorot's initialisation (rbms_ all None)."""
    X, y = _small(digits)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        random_init = DBNClassifier((8,), pretrain_epochs=0, max_iter=2,
                                    random_state=0).fit(X, y)
        assert random_init.rbms_ == [None] and random_init.solver_ == "adam"
        model = DBNClassifier((8,), pretrained=random_init, max_iter=2,
                              random_state=0).fit(X, y)
    assert model.solver_ == "sgd"
    model.partial_fit(X, y)
    assert model.solver_ == "sgd"
    assert model._partial_state["optimizer"]["solver"] == "sgd"


@pytest.mark.parametrize("Est, first, target", NETS)
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_loaded_or_unpickled_net_continues_exactly(digits, tmp_path, Est, first, target,
                                                      solver):
    import pickle

    import dbn

    X, y = _small(digits)
    t = target(X, y)
    model = Est((8,), pretrain_epochs=1, solver=solver, random_state=0)
    model.partial_fit(X, t, **first)
    model.partial_fit(X[:70], t[:70])
    dbn.save(model, tmp_path / "m.dbn")
    copies = [dbn.load(tmp_path / "m.dbn"), pickle.loads(pickle.dumps(model))]
    for est in [model, *copies]:
        est.partial_fit(X, t)
    for copy in copies:
        assert _same_layers(model, copy)
        assert copy.loss_curve_ == model.loss_curve_


def test_a_model_file_with_a_mismatched_optimizer_state_is_refused(digits, tmp_path):
    """The optimizer's moments reach Numba kernels that do not check bounds."""
    import dbn
    from dbn.exceptions import ModelFileError

    X, y = _small(digits)
    model = DBNClassifier((8,), pretrain_epochs=1, solver="sgd", random_state=0)
    model.partial_fit(X, y, classes=np.arange(10))
    model._partial_state["optimizer"]["velocities"][0] = np.zeros((3, 3), np.float32)
    dbn.save(model, tmp_path / "bad.dbn")
    with pytest.raises(ModelFileError, match="_partial_state"):
        dbn.load(tmp_path / "bad.dbn")
    # The same state reached in memory is refused before any kernel runs.
    with pytest.raises(ValueError, match=r"velocities\[0\]"):
        model.partial_fit(X, y)
