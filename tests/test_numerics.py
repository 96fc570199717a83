"""Sigmoid, softplus, log-sum-exp and free energies stay finite for inputs of any
magnitude (|x| up to 1e4 and beyond), in the kernels and through the estimators."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit

from dbn import BernoulliRBM, DBNClassifier, GaussianRBM
from dbn._kernels import feedforward as feedforward_kernels
from dbn._kernels import rbm as _kernels
from dbn._nets import feedforward as feedforward
from dbn._rbm import likelihood as _likelihood

from . import naive

EXTREMES = np.array([-1e4, -1e3, -88.8, -30.0, -1e-3, 0.0, 1e-3, 30.0, 88.8, 1e3, 1e4])


def test_float32_sigmoid_kernels_saturate_without_overflow():
    extremes = np.concatenate([[-3e38, -1e30], EXTREMES, [1e30, 3e38]])
    act = np.tile(extremes.astype(np.float32), (2, 1))
    _kernels.sigmoid_rows(act, 0, 2, act.shape[1], False)
    assert np.isfinite(act).all() and (act >= 0).all() and (act <= 1).all()
    assert_allclose(act[0], expit(extremes), atol=2e-7)
    assert np.all(np.diff(act[0]) >= 0), "sigmoid must be monotone"
    Z = np.tile(extremes.astype(np.float32), (2, 1))
    feedforward_kernels.bias_sigmoid(Z, np.zeros(Z.shape[1], dtype=np.float32))
    assert_allclose(Z[0], expit(extremes), atol=2e-7)


def test_softmax_kernel_is_finite_for_huge_logits():
    Z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [3e38, 0.0, -3e38]],
                 dtype=np.float32)
    feedforward_kernels.bias_softmax(Z, np.zeros(3, dtype=np.float32))
    assert np.isfinite(Z).all()
    assert_allclose(Z.sum(1), 1.0, rtol=1e-6)
    assert_allclose(Z[0], [1.0, 0.0, 0.0])


def _stepped_softplus(x):
    """``sum_k softplus(x - k + 1/2)`` over k = 1, 2, ...: the terms with
    ``x - k + 1/2 > 40`` (where softplus(y) = y to within e^-40) as an
    arithmetic series, the next 200 one by one, the rest (< e^-160) left out."""
    x = np.asarray(x, dtype=np.float64)
    n = np.maximum(np.ceil(x - 39.5) - 1, 0)
    series = n * (x + 0.5) - n * (n + 1) / 2
    k = n[..., None] + np.arange(1, 201)
    return series + naive.softplus(x[..., None] - k + 0.5).sum(-1)


@pytest.mark.parametrize("relu", [False, True])
def test_hidden_free_energy_is_finite_and_right_at_the_extremes(relu):
    pre = np.array([EXTREMES, -EXTREMES])
    out = np.empty(2)
    _kernels.hidden_free_energy_rows(pre, relu, out)
    assert np.isfinite(out).all()
    term = _stepped_softplus(pre) if relu else naive.softplus(pre)
    assert_allclose(out, term.sum(1), rtol=1e-12)
    if relu:
        # sum_k softplus(x - k + 1/2) ~ x^2 / 2 for large x
        big = np.array([[1e4]])
        _kernels.hidden_free_energy_rows(big, True, out[:1])
        assert_allclose(out[0], 1e4 ** 2 / 2, rtol=1e-6)


def test_log_probabilities_stay_finite_where_probabilities_underflow():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [0.0, 0.0, 0.0]])
    log_p = feedforward.log_probabilities(logits, "softmax")
    assert np.isfinite(log_p).all()
    assert_allclose(log_p[0], [0.0, -2e4, -1e4])
    assert_allclose(np.exp(log_p).sum(1), 1.0)
    binary = feedforward.log_probabilities(np.array([[1e4], [-1e4], [0.0]]), "sigmoid")
    assert_allclose(binary, [[-1e4, 0.0], [0.0, -1e4], [-np.log(2)] * 2])


def test_losses_are_finite_for_saturated_outputs():
    """A saturated wrong output costs -log(eps) per row (the clip), a saturated
    right one nothing."""
    target = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    saturated = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)  # all wrong
    cap = -np.log(np.finfo(np.float32).eps)
    assert_allclose(feedforward.batch_loss(saturated, target, "softmax"), cap, rtol=1e-6)
    assert_allclose(feedforward.batch_loss(saturated[:, :1], target[:, :1], "sigmoid"), cap,
                    rtol=1e-6)
    assert feedforward.batch_loss(target, target, "softmax") == 0.0
    assert feedforward.batch_loss(target[:, :1], target[:, :1], "sigmoid") < 1e-6


def _extreme_rbm(cls, scale, **kw):
    X = np.random.default_rng(0).random((40, 6))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rbm = cls(4, n_iter=1, random_state=0, **kw).fit(X)
    sign = np.where(np.arange(rbm.components_.size) % 2, 1.0, -1.0)
    rbm.components_ = (scale * sign.reshape(rbm.components_.shape)).astype(np.float32)
    rbm.intercept_hidden_ = np.full(4, scale / 2, dtype=np.float32)
    rbm.intercept_visible_ = np.full(6, -scale / 3, dtype=np.float32)
    return rbm, X


def _reference(rbm, X):
    """Float64 NumPy free energy ``F(X)``, hidden means and the visible data in
    the RBM's units (standardised for a GaussianRBM), from the formulas."""
    W, b, c = naive.rbm_parts(rbm)
    V = (X - rbm.mean_) / rbm.scale_ if isinstance(rbm, GaussianRBM) else X
    pre = V @ W + c
    visible = 0.5 * ((V - b) ** 2).sum(1) if isinstance(rbm, GaussianRBM) else -V @ b
    hidden = _stepped_softplus(pre) if rbm.hidden_units == "relu" else naive.softplus(pre)
    return visible - hidden.sum(1), expit(pre), V


@pytest.mark.parametrize("cls,kw", [(BernoulliRBM, {}), (BernoulliRBM, {"hidden_units": "relu"}),
                                    (GaussianRBM, {})],
                         ids=["bernoulli", "relu", "gaussian"])
@pytest.mark.parametrize("scale", [1e2, 1e4])
def test_rbm_outputs_are_finite_for_huge_weights(cls, kw, scale):
    rbm, X = _extreme_rbm(cls, scale, **kw)
    with np.errstate(all="raise"):
        outputs = {method: getattr(rbm, method)(X)
                   for method in ("transform", "reconstruct", "free_energy", "score_samples")}
    for method, out in outputs.items():
        assert np.isfinite(out).all(), method
    assert np.isfinite(rbm.gibbs(X)).all()
    W, b, _ = naive.rbm_parts(rbm)
    F, H, V = _reference(rbm, X)
    assert_allclose(outputs["free_energy"], F, rtol=1e-9)
    if rbm.hidden_units == "relu":
        assert (outputs["transform"] >= 0).all()
    else:
        assert_allclose(outputs["transform"], H, rtol=1e-6, atol=1e-12)
        down = b + H @ W.T
        expected = (down * rbm.scale_ + rbm.mean_ if cls is GaussianRBM else expit(down))
        assert_allclose(outputs["reconstruct"], expected, rtol=1e-6, atol=1e-9)
    if cls is GaussianRBM:
        assert_allclose(outputs["score_samples"], -F, rtol=1e-9)
        return
    # pseudo-likelihood: each feature flipped in turn, from the reference F
    pl = sum(-naive.softplus(F - _reference(rbm, np.where(np.arange(6) == i, 1 - X, X))[0])
             for i in range(X.shape[1]))
    assert_allclose(outputs["score_samples"], pl, rtol=1e-9)
    log_z = rbm.log_partition("exact")
    assert_allclose(log_z, np.logaddexp.reduce(-_reference(rbm, naive.all_states(6))[0]),
                    rtol=1e-12)
    ll = rbm.log_likelihood(X)
    assert_allclose(ll, -F - log_z, rtol=1e-9)
    assert (ll <= 1e-9).all(), "probabilities of binary data <= 1"
    # AIS with 10 chains underestimates log Z here (measured: by 2.2% at
    # scale 1e2, 0.3% for ReLU units), but finds its scale and sign.
    log_z_ais = rbm.log_partition("ais", n_chains=10, n_betas=200, random_state=0)
    assert abs(log_z_ais - log_z) < 0.05 * abs(log_z), (log_z_ais, log_z)


def test_exact_log_partition_matches_brute_force_at_huge_weights():
    rng = np.random.default_rng(0)
    W = rng.choice([-1e4, 1e4], size=(5, 3))
    b, c = rng.normal(size=5) * 1e3, rng.normal(size=3) * 1e3
    params = _likelihood.RBMParams(W, b, c)
    assert_allclose(_likelihood.exact_log_partition(params), naive.log_partition(W, b, c),
                    rtol=1e-12)


def test_classifier_log_proba_is_finite_when_probabilities_underflow():
    X = np.random.default_rng(0).random((60, 4))
    y = np.arange(60) % 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = DBNClassifier((3,), pretrain_epochs=0, max_iter=2, random_state=0).fit(X, y)
    clf.coefs_[-1] = clf.coefs_[-1] * 1e4
    log_p = clf.predict_log_proba(X)
    proba = clf.predict_proba(X)
    assert np.isfinite(log_p).all() and log_p.min() < -100
    assert (proba == 0).any(), "the test must reach underflow to mean anything"
    assert_allclose(np.exp(log_p), proba, atol=1e-6)
    binary = DBNClassifier((3,), pretrain_epochs=0, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        binary.fit(X, y % 2)
    binary.coefs_[-1] = binary.coefs_[-1] * 1e4
    log_p = binary.predict_log_proba(X)
    assert np.isfinite(log_p).all() and log_p.min() < -100
    assert_allclose(np.exp(log_p), binary.predict_proba(X), atol=1e-6)
    assert_allclose(np.logaddexp.reduce(log_p, axis=1), 0.0, atol=1e-6)
