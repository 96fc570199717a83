"""A failed fit leaves a fitted estimator exactly as it was; divergence is named."""

import copy

import numpy as np
import pytest

from dbn import DBN, BernoulliRBM, DBNClassifier, DBNRegressor, DivergenceError, GaussianRBM
from dbn._nets import feedforward as feedforward
from dbn._rbm import cd as _cd

from .state import same_state

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore::dbn.DataRangeWarning"),
]


def _fit(est, X, y):
    return est.fit(X, y) if hasattr(est, "predict") else est.fit(X)


MODELS = [
    BernoulliRBM(8, n_iter=2, persistent=True, random_state=0),
    GaussianRBM(8, n_iter=2, learn_variance=True, random_state=0),
    DBN((8, 4), pretrain_epochs=1, random_state=0),
    DBNClassifier((8, 4), pretrain_epochs=1, max_iter=3, random_state=0),
    DBNRegressor((8,), pretrain_epochs=1, max_iter=3, random_state=0),
]
IDS = [type(m).__name__ for m in MODELS]


def _interrupt_after(monkeypatch, owner, name, calls):
    original = getattr(owner, name)
    count = {"n": 0}

    def interrupted(*args, **kwargs):
        count["n"] += 1
        if count["n"] > calls:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, interrupted)
    return count


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_bad_input_of_another_width_leaves_the_model_as_it_was(model, small_digits):
    X, y = small_digits
    est = _fit(copy.deepcopy(model), X, y)
    before = copy.deepcopy(est)
    wide = np.hstack([X, X])
    wide[3, 7] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        _fit(est, wide, y)
    assert same_state(est, before) is None, same_state(est, before)


INTERRUPTS = [(m, "pretraining") for m in MODELS] + [
    (m, "fine-tuning") for m in MODELS if hasattr(m, "predict")]


@pytest.mark.parametrize("model,stage", INTERRUPTS,
                         ids=[f"{type(m).__name__}-{s}" for m, s in INTERRUPTS])
def test_keyboard_interrupt_leaves_the_model_as_it_was(
        model, stage, small_digits, monkeypatch):
    X, y = small_digits
    est = _fit(copy.deepcopy(model), X, y)
    before = copy.deepcopy(est)
    if stage == "pretraining":
        count = _interrupt_after(monkeypatch, _cd.CDWorkspace, "step", 5)
    else:
        count = _interrupt_after(monkeypatch, feedforward.FeedForward, "backward", 5)
    with pytest.raises(KeyboardInterrupt):
        _fit(est, X[:, :40], y)  # another width: n_features_in_ would change too
    assert count["n"] > 5, "the interrupt must come in the middle of the fit"
    assert same_state(est, before) is None, same_state(est, before)


@pytest.mark.parametrize("model", MODELS[:2], ids=IDS[:2])
def test_interrupted_partial_fit_leaves_the_model_as_it_was(model, small_digits, monkeypatch):
    X, _ = small_digits
    est = copy.deepcopy(model).fit(X)
    before = copy.deepcopy(est)
    _interrupt_after(monkeypatch, _cd.CDWorkspace, "step", 2)
    with pytest.raises(KeyboardInterrupt):
        est.partial_fit(X)
    assert same_state(est, before) is None, same_state(est, before)
    monkeypatch.undo()
    # and the next call continues as if the interrupted one never happened
    est.partial_fit(X)
    before.partial_fit(X)
    assert same_state(est, before, ignore=("epoch_time",)) is None


@pytest.mark.parametrize("model,params", [
    (MODELS[0], dict(learning_rate=1e38, momentum=0.0, initial_momentum=0.0)),
    (MODELS[2], dict(pretrain_learning_rate=1e38)),
    (MODELS[3], dict(learning_rate_init=1e30, pretrain_epochs=0)),
    (MODELS[4], dict(solver="sgd", learning_rate_init=1e30)),
], ids=["BernoulliRBM", "DBN", "DBNClassifier", "DBNRegressor"])
def test_divergence_leaves_the_model_as_it_was(model, params, small_digits):
    X, y = small_digits
    est = _fit(copy.deepcopy(model), X, y).set_params(**params)
    before = copy.deepcopy(est)
    with pytest.raises(DivergenceError):
        _fit(est, X * 1e6, y * 1e6 if isinstance(est, DBNRegressor) else y)
    assert same_state(est, before) is None, same_state(est, before)


def test_pretraining_divergence_names_layer_epoch_and_learning_rate(small_digits):
    X, _ = small_digits
    base = DBN((8,), pretrain_epochs=1, random_state=0).fit(X)
    from sklearn.frozen import FrozenEstimator

    net = DBNClassifier((8, 6), pretrained=FrozenEstimator(base), pretrain_epochs=2,
                        pretrain_learning_rate=1e38, random_state=0)
    with pytest.raises(DivergenceError, match="pretraining layer 2 of 2") as info:
        net.fit(X * 1e3, np.arange(len(X)) % 2)
    error = info.value
    assert (error.layer, error.epoch, error.learning_rate) == (2, 1, 1e38)
    assert "pretrain_learning_rate" in str(error) and "epoch 1" in str(error)


def test_fine_tuning_divergence_names_layer_epoch_and_learning_rate(small_digits):
    X, y = small_digits
    reg = DBNRegressor((8,), pretrain_epochs=0, solver="sgd", learning_rate_init=1e30,
                       random_state=0)
    with pytest.raises(DivergenceError, match="fine-tuning in epoch 1") as info:
        reg.fit(X, y * 1e6)
    error = info.value
    assert error.epoch == 1 and error.learning_rate == 1e30
    assert f"layer {error.layer} of 2" in str(error)
    assert "learning_rate_init=1e+30" in str(error)


def test_fine_tuning_does_not_write_into_the_pretrained_estimator(small_digits):
    X, y = small_digits
    teacher = DBNClassifier((8,), pretrain_epochs=1, max_iter=2, random_state=0).fit(X, y)
    before = copy.deepcopy(teacher)
    DBNClassifier((8,), pretrained=teacher, max_iter=3, random_state=1).fit(X, y)
    assert same_state(teacher, before) is None, same_state(teacher, before)
