"""log Z (exact and AIS), log-likelihood, sampling and training monitors."""

import re

import numpy as np
import pytest
from numpy.testing import assert_allclose

from dbn import DBN, BernoulliRBM, GaussianRBM

from . import naive


@pytest.fixture(scope="module")
def bars():
    return np.tile(naive.bars_and_stripes(3), (20, 1))


@pytest.fixture(scope="module")
def trained(bars):
    return BernoulliRBM(n_components=6, n_iter=40, batch_size=14, random_state=0).fit(bars)


def test_exact_log_partition_matches_brute_force(trained):
    W, b, c = naive.rbm_parts(trained)
    assert_allclose(trained.log_partition("exact"), naive.log_partition(W, b, c), rtol=1e-10)
    ll = trained.log_likelihood(naive.bars_and_stripes(3))
    assert_allclose(ll, naive.log_likelihood(naive.bars_and_stripes(3), W, b, c), rtol=1e-10)
    # enumerating visible states (the smaller layer here) gives the same
    wide = BernoulliRBM(n_components=12, n_iter=5, random_state=0).fit(naive.bars_and_stripes(3))
    assert_allclose(wide.log_partition(), naive.log_partition(*naive.rbm_parts(wide)),
                    rtol=1e-10)


@pytest.mark.parametrize("params", [dict(), dict(cd_steps=5), dict(persistent=True,
                                                                   learning_rate=0.05)])
def test_ais_is_within_a_tenth_of_a_nat_of_exact(bars, params, learning_seed,
                                                 learning_check):
    rbm = BernoulliRBM(n_components=8, n_iter=40, batch_size=14,
                       random_state=learning_seed + 1, **params).fit(bars)
    exact = rbm.log_partition("exact")
    estimate, std = rbm.log_partition("ais", n_chains=200, n_betas=3000,
                                      random_state=learning_seed, return_std=True)
    learning_check("|AIS - exact log Z| (nats)", abs(estimate - exact), below=0.1)
    learning_check("AIS standard error (nats)", std, below=0.1)
    assert std >= 0


def test_ais_and_exact_for_gaussian_and_relu_units(learning_seed, learning_check):
    rng = np.random.default_rng(learning_seed)
    X = rng.normal(size=(300, 4))
    X[:, 1] += X[:, 0]
    g = GaussianRBM(5, n_iter=20, random_state=learning_seed).fit(X)
    ais = g.log_partition("ais", n_chains=200, n_betas=3000, random_state=learning_seed)
    learning_check("Gaussian |AIS - exact| (nats)", abs(ais - g.log_partition("exact")),
                   below=0.1)
    r = BernoulliRBM(30, hidden_units="relu", learning_rate=0.01, n_iter=20,
                     random_state=learning_seed).fit((X[:, :4] > 0).astype(float))
    ais = r.log_partition("ais", n_chains=200, n_betas=3000, random_state=learning_seed)
    learning_check("ReLU |AIS - exact| (nats)", abs(ais - r.log_partition("exact")),
                   below=0.1)
    with pytest.raises(ValueError, match="ais"):
        GaussianRBM(3, hidden_units="relu", n_iter=1).fit(X).log_partition("exact")


def test_exact_is_refused_for_large_layers():
    rbm = BernoulliRBM(n_components=30, n_iter=1, random_state=0).fit(
        np.random.default_rng(0).random((50, 40)))
    with pytest.raises(ValueError, match="refused above 25 units.*ais"):
        rbm.log_partition("exact")
    with pytest.raises(ValueError, match="method"):
        rbm.log_partition("magic")


def _frequencies(samples):
    codes = samples.astype(int) @ (1 << np.arange(samples.shape[1])[::-1])
    return np.bincount(codes, minlength=1 << samples.shape[1]) / len(samples)


def test_rbm_samples_follow_the_exact_distribution(learning_seed, learning_check):
    rng = np.random.default_rng(learning_seed)
    X = (rng.random((200, 4)) < [0.2, 0.7, 0.5, 0.9]).astype(float)
    X[:, 2] = X[:, 1]
    rbm = BernoulliRBM(n_components=3, n_iter=30, batch_size=10,
                       random_state=learning_seed).fit(X)
    W, b, c = naive.rbm_parts(rbm)
    states = naive.all_states(4)
    exact = np.exp(naive.log_likelihood(states, W, b, c))
    samples = rbm.sample(20000, n_steps=50, random_state=learning_seed)
    assert set(np.unique(samples)) <= {0.0, 1.0}
    # Sampling noise alone is ~0.01 for 20,000 draws over these few states;
    # measured up to 0.026 over 8 seeds; a wrong conditional gives > 0.1.
    learning_check("total variation from exact",
                   0.5 * np.abs(_frequencies(samples) - exact).sum(), below=0.04)


def test_two_layer_dbn_samples_follow_the_exact_distribution(learning_seed, learning_check):
    rng = np.random.default_rng(learning_seed + 1)
    X = (rng.random((300, 3)) < [0.3, 0.6, 0.8]).astype(float)
    X[:, 1] = np.where(rng.random(300) < 0.8, X[:, 0], X[:, 1])
    dbn = DBN((3, 2), pretrain_epochs=30, random_state=learning_seed).fit(X)
    bottom, top = dbn.rbms_
    W1, b1, c1 = naive.rbm_parts(bottom)
    W2, b2, c2 = naive.rbm_parts(top)
    h1 = naive.all_states(3)
    p_h1 = np.exp(naive.log_likelihood(h1, W2, b2, c2))  # top RBM's marginal
    p_v_given_h = naive.sigmoid(h1 @ W1.T + b1)  # directed bottom layer
    v = naive.all_states(3)
    exact = np.array([
        np.sum(p_h1 * np.prod(np.where(vv == 1, p_v_given_h, 1 - p_v_given_h), axis=1))
        for vv in v
    ])
    samples = dbn.sample(20000, n_steps=50, random_state=learning_seed)
    assert samples.shape == (20000, 3)
    # Sampling noise alone is ~0.01 for 20,000 draws over these few states;
    # measured up to 0.026 over 8 seeds; a wrong conditional gives > 0.1.
    learning_check("total variation from exact",
                   0.5 * np.abs(_frequencies(samples) - exact).sum(), below=0.04)


def _monitors(rbm, X, held):
    """The per-epoch monitors recomputed in float64 from the formulas: mean
    squared mean-field reconstruction error, pseudo-likelihood with row r's
    feature r mod n_features flipped (times n_features), free-energy gap."""
    W, b, c = naive.rbm_parts(rbm)
    recon = naive.sigmoid(naive.sigmoid(X @ W + c) @ W.T + b)
    rows = np.arange(len(X))
    flipped = X.copy()
    flipped[rows, rows % X.shape[1]] = 1 - flipped[rows, rows % X.shape[1]]
    gap = naive.free_energy(flipped, W, b, c) - naive.free_energy(X, W, b, c)
    return {
        "reconstruction_error": np.mean((recon - X) ** 2),
        "pseudo_likelihood": X.shape[1] * np.mean(-naive.softplus(-gap)),
        "free_energy_gap": (np.mean(naive.free_energy(held, W, b, c))
                            - np.mean(naive.free_energy(X, W, b, c))),
    }


def test_monitors_report_every_epoch(bars, capsys):
    X = bars[:140]
    held = bars[140:]
    rbm = BernoulliRBM(n_components=6, n_iter=4, batch_size=14, random_state=0, verbose=1)
    rbm.fit(X, X_val=held)
    h = rbm.history_
    # Each epoch's entry is its model's value: replay the epochs one by one.
    step = BernoulliRBM(n_components=6, n_iter=4, batch_size=14, random_state=0)
    expected = []
    for _ in range(4):
        expected.append(_monitors(step.partial_fit(X, X_val=held), X, held))
    for key in ("reconstruction_error", "pseudo_likelihood", "free_energy_gap"):
        assert_allclose(h[key], [e[key] for e in expected], rtol=1e-4, atol=1e-6,
                        err_msg=key)
    assert h["pseudo_likelihood"][-1] > h["pseudo_likelihood"][0]
    out = capsys.readouterr().out
    assert "free-energy gap" in out and "s left" in out and "pseudo-likelihood" in out
    # the printed values are the recorded ones
    printed = [float(v) for v in re.findall(r"reconstruction error ([\d.]+)", out)]
    assert_allclose(printed, h["reconstruction_error"], atol=1e-5)


def test_free_energy_gap_grows_when_overfitting():
    rng = np.random.default_rng(0)
    X = (rng.random((40, 30)) < 0.5).astype(float)  # pure noise: nothing generalises
    held = (rng.random((40, 30)) < 0.5).astype(float)
    rbm = BernoulliRBM(n_components=50, n_iter=60, batch_size=10, weight_decay=0.0,
                       random_state=0).fit(X, X_val=held)
    gap = rbm.history_["free_energy_gap"]
    assert gap[-1] > gap[0] + 1.0


def test_dbn_monitors_each_layer(bars):
    X, held = bars[:140], bars[140:]
    dbn = DBN((6, 4), pretrain_epochs=3, random_state=0).fit(X, X_val=held)
    # Layer k monitors the gap between the held-out and training rows as
    # they reach it: through the (float32) hidden means of the layers below.
    for rbm in dbn.rbms_:
        gap = rbm.history_["free_energy_gap"]
        assert len(gap) == 3
        W, b, c = naive.rbm_parts(rbm)
        assert_allclose(gap[-1], np.mean(naive.free_energy(held, W, b, c))
                        - np.mean(naive.free_energy(X, W, b, c)), rtol=1e-4, atol=1e-5)
        X = rbm.transform(X.astype(np.float32)).astype(np.float64)
        held = rbm.transform(held.astype(np.float32)).astype(np.float64)


@pytest.mark.parametrize("hidden", ["bernoulli", "relu"])
@pytest.mark.parametrize("scale", [0.01, 1.0, 30.0])
def test_pseudo_likelihood_gaps_match_two_free_energies(hidden, scale):
    # The monitor takes the flipped rows' free energies from one up pass
    # (and, for binary hidden units, vectorised float32 exponentials): it
    # must agree with the two float64 free energies it replaces, also where
    # weights are large enough to saturate every unit.
    from dbn._rbm import likelihood
    from dbn._rbm.training import sampled_pseudo_likelihood
    from dbn._rbm.units import units

    rng = np.random.default_rng(3)
    X = rng.random((150, 20))
    X[:, ::2] = X[:, ::2] > 0.5
    p = likelihood.RBMParams(scale * rng.standard_normal((20, 70)), rng.standard_normal(20),
                             rng.standard_normal(70), hidden=units(hidden))
    flipped = X.copy()
    rows = np.arange(len(X))
    flipped[rows, rows % 20] = 1.0 - flipped[rows, rows % 20]
    gap = likelihood.free_energy(flipped, p) - likelihood.free_energy(X, p)
    expected = 20 * np.mean(-np.logaddexp(0.0, -gap))
    assert_allclose(sampled_pseudo_likelihood(X.astype(np.float32), p), expected,
                    rtol=1e-6, atol=1e-6)
