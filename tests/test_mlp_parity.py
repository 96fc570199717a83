"""Parity with scikit-learn's MLPClassifier/MLPRegressor where it makes sense:
warm_start and Adam's beta_1/beta_2/epsilon, tested the way scikit-learn's
own tests do; what is refused, refused clearly."""

import inspect
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_digits

from dbn import DBNAutoencoder, DBNClassifier, DBNRegressor
from dbn._nets.finetuning import make_optimizer
from dbn._nets.optimizers import AdamOptimizer


@pytest.fixture(scope="module")
def data():
    X, y = load_digits(return_X_y=True)
    X = X[:200] / 16.0
    return X, y[:200], 20.0 * X[:, 20] - 3.0 * X[:, 43] + 1.0


def _layers(est):
    return [*est.coefs_, *est.intercepts_]


NETS = [(DBNClassifier, "y"), (DBNRegressor, "t")]


def _target(data, kind):
    return data[1] if kind == "y" else data[2]


@pytest.mark.parametrize("beta_1, beta_2, epsilon", [(0.9, 0.999, 1e-8), (0.5, 0.9, 1e-3),
                                                     (0.0, 0.0, 1e-2)])
def test_adam_follows_its_formula_for_any_betas(beta_1, beta_2, epsilon):
    rng = np.random.default_rng(0)
    q = rng.normal(size=10).astype(np.float32)
    ref = q.astype(np.float64)
    m, v = np.zeros(10), np.zeros(10)
    adam = AdamOptimizer([q], learning_rate=0.01, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon)
    for t in range(1, 5):
        g = rng.normal(size=10).astype(np.float32)
        adam.update([g], [0.0], [True])
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g.astype(np.float64) ** 2
        step = 0.01 * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        ref = ref - step * m / (np.sqrt(v) + epsilon)
    assert_allclose(q, ref, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("Est", [DBNClassifier, DBNRegressor, DBNAutoencoder])
def test_adam_parameters_reach_the_optimizer(Est):
    est = Est(solver="adam", beta_1=0.3, beta_2=0.7, epsilon=1e-4)
    settings = est._fine_tune_settings("identity")
    opt = make_optimizer([np.zeros(3, np.float32)], settings)
    assert (opt.beta_1, opt.beta_2, opt.epsilon) == (0.3, 0.7, 1e-4)


@pytest.mark.parametrize("Est, kind", NETS)
def test_adam_betas_change_the_fit(data, Est, kind):
    X, t = data[0], _target(data, kind)
    params = dict(hidden_layer_sizes=(8,), pretrain_epochs=1, max_iter=2, solver="adam",
                  random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = Est(**params).fit(X, t)
        b = Est(beta_1=0.5, **params).fit(X, t)
    assert not np.array_equal(a.coefs_[0], b.coefs_[0])


@pytest.mark.parametrize("name, value", [("beta_1", 1.0), ("beta_2", -0.1), ("epsilon", 0.0),
                                         ("warm_start", "yes")])
def test_invalid_adam_and_warm_start_parameters_are_refused(data, name, value):
    with pytest.raises(ValueError, match=name):
        DBNClassifier((4,), **{name: value}).fit(data[0], data[1])


@pytest.mark.parametrize("Est, kind", NETS)
def test_warm_start_continues_from_the_fitted_net(data, Est, kind):
    """One warm epoch after fit is one partial_fit epoch after fit (both start
    a fresh optimizer at the fitted net with the same generator)."""
    X, t = data[0], _target(data, kind)
    params = dict(hidden_layer_sizes=(8,), pretrain_epochs=1, max_iter=3,
                  learning_rate="constant", n_iter_no_change=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warm = Est(**params).fit(X, t)
        streamed = Est(**params).fit(X, t)
        curve = list(warm.loss_curve_)
        warm.set_params(warm_start=True, max_iter=1).fit(X, t)
        streamed.partial_fit(X, t)
    assert _same(warm, streamed)
    assert warm.n_iter_ == 4 and warm.loss_curve_[:3] == curve
    assert warm.rbms_ is not None and "_partial_state" not in vars(warm)


@pytest.mark.parametrize("Est, kind", NETS)
def test_warm_start_false_starts_afresh_and_warm_start_keeps_training(data, Est, kind):
    X, t = data[0], _target(data, kind)
    params = dict(hidden_layer_sizes=(8,), pretrain_epochs=1, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Est(warm_start=True, **params).fit(X, t).fit(X, t)
        assert model.n_iter_ == 4
        model.set_params(warm_start=False).fit(X, t)
        fresh = Est(**params).fit(X, t)
    assert _same(model, fresh) and model.n_iter_ == 2


def test_warm_start_refuses_new_classes_and_a_new_architecture(data):
    X, y, _ = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = DBNClassifier((8,), pretrain_epochs=1, max_iter=2, warm_start=True,
                              random_state=0).fit(X, y % 3)
    with pytest.raises(ValueError, match="not among the classes"):
        model.fit(X, y % 4)
    with pytest.raises(ValueError, match="hidden_layer_sizes.*warm_start=False"):
        model.set_params(hidden_layer_sizes=(5,)).fit(X, y % 3)
    # A new solver is fine: warm_start starts a fresh optimizer.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.set_params(hidden_layer_sizes=(8,), solver="adam").fit(X, y % 3)
    assert model.solver_ == "adam" and model.n_iter_ == 4


@pytest.mark.parametrize("Est", [DBNClassifier, DBNRegressor])
def test_unsupported_mlp_options_are_refused_by_python_not_ignored(data, Est):
    """sample_weight is not a fit parameter (scikit-learn's convention for
    estimators that do not weight rows; the reason is in the docstring Notes),
    and lbfgs or the invscaling schedule are not solver choices."""
    assert "sample_weight" not in inspect.signature(Est.fit).parameters
    assert "sample_weight" in Est.__doc__
    with pytest.raises(TypeError, match="sample_weight"):
        Est((4,)).fit(data[0], data[1], sample_weight=np.ones(len(data[0])))
    with pytest.raises(ValueError, match="solver"):
        Est((4,), solver="lbfgs").fit(data[0], data[1])
    with pytest.raises(ValueError, match="learning_rate"):
        Est((4,), learning_rate="invscaling").fit(data[0], data[1])


def _same(a, b):
    return all(np.array_equal(p, q) for p, q in zip(_layers(a), _layers(b), strict=True))


@pytest.mark.parametrize("Est, kind", NETS)
def test_lbfgs_from_the_fine_tuned_weights_through_to_mlp(data, Est, kind):
    """The Notes' recipe for full-batch L-BFGS: it starts from the fine-tuned
    net (same predictions before) and does not lose its fit."""
    X, t = data[0], _target(data, kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = Est((16,), pretrain_epochs=2, max_iter=5, random_state=0).fit(X, t)
        mlp = net.to_mlp()
        before = mlp.score(X, t)
        assert_allclose(before, net.score(X, t), atol=1e-3)
        mlp.set_params(solver="lbfgs", warm_start=True, max_iter=30).fit(X, t)
    assert mlp.score(X, t) >= before


@pytest.mark.parametrize("scale", [1.0, 1000.0])
def test_autoencoder_warm_start_continues_its_net(data, scale):
    """Real-valued data too: the warm fit trains in the same standardised
    units as the first fit and folds them back in."""
    X = data[0] * scale
    params = dict(hidden_layer_sizes=(8, 3), pretrain_epochs=1, max_iter=3,
                  learning_rate="constant", n_iter_no_change=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = DBNAutoencoder(**params).fit(X)
        rbms = model.rbms_
        model.set_params(warm_start=True).fit(X)
    assert model.n_iter_ == 6 and model.rbms_ is rbms
    # Three more epochs from the fitted net, not from scratch.
    assert model.loss_curve_[3] < model.loss_curve_[2] * 1.05
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert model.score(X) > DBNAutoencoder(**params).fit(X).score(X)
    with pytest.raises(ValueError, match="code_units.*warm_start=False"):
        model.set_params(code_units="bernoulli").fit(X)
