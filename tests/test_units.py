"""Gaussian visible units and rectified hidden units: sampling, energies, gradients."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from dbn import BernoulliRBM, DataRangeWarning, GaussianRBM
from dbn._kernels import rbm as _kernels
from dbn._rbm.cd import CDWorkspace, pack_params

from . import naive

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def gaussian_free_energy(V, W, b, c):
    diff = V - b
    return 0.5 * np.sum(diff * diff, axis=1) - naive.softplus(V @ W + c).sum(axis=1)


def gaussian_log_partition(W, b, c):
    """log of the integral over v and sum over h of exp(-E): closed form per h."""
    V = len(b)
    hs = naive.all_states(len(c))
    mean = b + hs @ W.T
    terms = hs @ c + 0.5 * np.sum(mean * mean, 1) - 0.5 * b @ b + 0.5 * V * np.log(2 * np.pi)
    return np.logaddexp.reduce(terms)


def gaussian_exact_gradient(X, W, b, c):
    hs = naive.all_states(len(c))
    mean = b + hs @ W.T
    logp = hs @ c + 0.5 * np.sum(mean * mean, 1)
    p = np.exp(logp - np.logaddexp.reduce(logp))
    H_data = naive.sigmoid(X @ W + c)
    dW = X.T @ H_data / len(X) - (mean * p[:, None]).T @ hs
    db = X.mean(0) - p @ mean
    dc = H_data.mean(0) - p @ hs
    return dW, db, dc


def tiny_gaussian(seed=0, V=2, H=3):
    rng = np.random.default_rng(seed)
    return (rng.normal(scale=0.5, size=(V, H)), rng.normal(scale=0.5, size=V),
            rng.normal(scale=0.5, size=H))


def fitted_gaussian(W, b, c, **kw):
    rbm = GaussianRBM(n_components=W.shape[1], n_iter=0, random_state=0, **kw)
    rbm.fit(np.zeros((2, W.shape[0])))
    rbm.components_ = W.T.astype(np.float32)
    rbm.intercept_visible_ = b.astype(np.float32)
    rbm.intercept_hidden_ = c.astype(np.float32)
    return rbm


def test_gaussian_free_energy_integrates_to_the_partition_function():
    W, b, c = tiny_gaussian()
    rbm = fitted_gaussian(W, b, c)
    W, b, c = naive.rbm_parts(rbm)
    grid = np.linspace(-9, 9, 361)
    v = np.array(np.meshgrid(grid, grid)).reshape(2, -1).T
    F = rbm.free_energy(v)
    assert_allclose(F, gaussian_free_energy(v, W, b, c), rtol=1e-10)
    step = grid[1] - grid[0]
    numeric = np.log(np.sum(np.exp(-F)) * step * step)
    assert_allclose(numeric, gaussian_log_partition(W, b, c), rtol=1e-6)


def test_gaussian_conditional_has_the_right_mean_and_unit_variance():
    W = np.array([[1.5], [-2.0], [0.5]])
    b = np.array([0.2, -0.3, 1.0])
    rbm = fitted_gaussian(W, b, np.array([50.0]))  # hidden unit always on
    out = rbm.gibbs(np.zeros((40000, 3)))
    assert_allclose(out.mean(0), b + W[:, 0], atol=0.03)
    assert_allclose(out.var(0), 1.0, atol=0.03)
    assert_allclose(rbm.reconstruct(np.zeros((1, 3)))[0], b + W[:, 0], rtol=1e-6)


def test_exact_gaussian_gradient_matches_finite_differences():
    W, b, c = tiny_gaussian(1)
    X = np.random.default_rng(2).normal(size=(5, 2))

    def mean_ll(W_, b_, c_):
        return np.mean(-gaussian_free_energy(X, W_, b_, c_)) - gaussian_log_partition(W_, b_, c_)

    dW, db, dc = gaussian_exact_gradient(X, W, b, c)
    eps = 1e-6
    for analytic, param in ((dW, W), (db, b), (dc, c)):
        numeric = np.zeros_like(param)
        for i in np.ndindex(param.shape):
            old = param[i]
            param[i] = old + eps
            up = mean_ll(W, b, c)
            param[i] = old - eps
            down = mean_ll(W, b, c)
            param[i] = old
            numeric[i] = (up - down) / (2 * eps)
        assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("persistent", [False, True])
def test_gaussian_cd_update_follows_the_exact_gradient(persistent, learning_seed,
                                                      learning_check):
    W, b, c = tiny_gaussian(3, V=3, H=3)
    rng = np.random.default_rng(learning_seed)
    data = rng.normal(size=(6, 3)) + 0.5
    n = 6 * 4000
    ws = CDWorkspace(3, 3, n, visible_units="gaussian")
    ws.vis[:n, :3] = np.tile(data, (4000, 1))
    P = pack_params(W, c, b)
    chains = None
    kw = dict(momentum=0.0, weight_decay=0.0, sparsity_target=0.1, sparsity_cost=0.0,
              hidden_mean=np.zeros(3))
    if persistent:
        chains = np.zeros((n, 4), dtype=np.float32)
        chains[:, 3] = 1.0
        for _ in range(60):
            ws.step(P.copy(), np.zeros_like(P), n, rng, cd_steps=1, chains=chains,
                    learning_rate=1e-30, **kw)
    before = P.copy()
    ws.step(P, np.zeros_like(P), n, rng, cd_steps=1, chains=chains, learning_rate=1.0, **kw)
    step = (P - before).astype(np.float64).ravel()
    dW, db, dc = gaussian_exact_gradient(data, W, b, c)
    exact = pack_params(dW, dc, db).astype(np.float64).ravel()
    cosine = step @ exact / np.linalg.norm(step) / np.linalg.norm(exact)
    learning_check("cosine(CD step, exact gradient)", cosine,
                   above=0.97 if persistent else 0.8)
    if persistent:
        assert_allclose(step, exact, atol=0.05)


def test_gaussian_rbm_features_classify_breast_cancer(learning_seed, learning_check):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline

    X, y = load_breast_cancer(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), GaussianRBM(64, n_iter=20, batch_size=20,
                                                       random_state=learning_seed),
                         LogisticRegression(max_iter=1000))
    learning_check("3-fold CV accuracy", cross_val_score(pipe, X, y, cv=3).mean(),
                   above=0.93)


def test_gaussian_rbm_learns_and_accepts_sparse_and_float32(learning_seed, learning_check):
    X = StandardScaler().fit_transform(load_breast_cancer().data)
    rbm = GaussianRBM(16, n_iter=15, batch_size=20, random_state=learning_seed).fit(X)
    errors = rbm.history_["reconstruction_error"]
    learning_check("last / first reconstruction error", errors[-1] / errors[0], below=0.8)
    assert_allclose(rbm.intercept_visible_, 0.0, atol=0.3)
    kw = dict(n_components=8, n_iter=2, random_state=0)
    ref = GaussianRBM(**kw).fit(X)
    for data in (X.astype(np.float32), sp.csr_matrix(X)):
        assert_allclose(GaussianRBM(**kw).fit(data).components_, ref.components_, atol=1e-5)
    assert_array_equal(rbm.score_samples(X[:5]), -rbm.free_energy(X[:5]))


def test_gaussian_rbm_diverging_run_raises_clear_error():
    from dbn import DivergenceError

    X = StandardScaler().fit_transform(load_breast_cancer().data) * 1e3
    with pytest.raises(DivergenceError, match="learning_rate"):
        GaussianRBM(8, learning_rate=10.0, n_iter=5, random_state=0).fit(X)


def test_noisy_relu_samples_have_the_right_mean():
    x = np.array([-1.0, 0.0, 0.7, 3.0], dtype=np.float32)
    n = 200_000
    act = np.tile(x, (n, 1))
    z = np.random.default_rng(0).standard_normal(act.shape, dtype=np.float32)
    samples = np.empty_like(act)
    _kernels.relu_sample_rows(act, 0, n, 4, z, samples, False)
    assert_allclose(act[0], np.maximum(x, 0))
    assert (samples >= 0).all()
    s = np.sqrt(naive.sigmoid(x))
    # E[max(0, x + s z)] = x Phi(x/s) + s phi(x/s)
    from scipy.stats import norm

    expected = x * norm.cdf(x / s) + s * norm.pdf(x / s)
    assert_allclose(samples.mean(0), expected, atol=0.01)


@pytest.mark.parametrize("cls", [BernoulliRBM, GaussianRBM])
def test_relu_hidden_units_train_and_transform_non_negative(cls):
    X = load_breast_cancer().data
    X = (X - X.min(0)) / (X.max(0) - X.min(0)) if cls is BernoulliRBM else (
        StandardScaler().fit_transform(X))
    lr = 0.01 if cls is BernoulliRBM else 0.001
    rbm = cls(16, hidden_units="relu", learning_rate=lr, n_iter=10, batch_size=20,
              random_state=0).fit(X)
    H = rbm.transform(X)
    assert (H >= 0).all() and (H > 0).any()
    errors = rbm.history_["reconstruction_error"]
    assert errors[-1] < errors[0]
    assert np.isfinite(rbm.free_energy(X)).all()
    if cls is BernoulliRBM:
        W, b, c = naive.rbm_parts(rbm)
        # pseudo-likelihood with the stepped-softplus free energy, by bit flipping
        Xb = (X[:4] > 0.5).astype(float)
        F = lambda V: (  # noqa: E731
            -V @ b - np.array([[_ssp(x) for x in row] for row in V @ W + c]).sum(1))
        expected = np.zeros(4)
        for i in range(X.shape[1]):
            flipped = Xb.copy()
            flipped[:, i] = 1 - flipped[:, i]
            expected -= naive.softplus(-(F(flipped) - F(Xb)))
        assert_allclose(rbm.score_samples(Xb), expected, rtol=1e-8)


def _ssp(x):
    k = np.arange(1, int(max(x, 0)) + 200)
    return naive.softplus(x - k + 0.5).sum()


# ------------------------------------------------------------ in the DBNs


def test_dbn_estimators_take_gaussian_visible_and_relu_hidden_units(learning_seed,
                                                                    learning_check):
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline

    from dbn import DBN, DBNClassifier, DBNRegressor

    X = StandardScaler().fit_transform(load_breast_cancer().data)
    y = load_breast_cancer().target
    dbn = DBN((16, 8), visible_units="gaussian", hidden_units="relu", pretrain_epochs=3,
              random_state=0).fit(X)
    assert isinstance(dbn.rbms_[0], GaussianRBM) and dbn.rbms_[0].hidden_units == "relu"
    # a rectified layer feeds real values upward: Gaussian visible units there too
    assert isinstance(dbn.rbms_[1], GaussianRBM)
    assert dbn.rbms_[0].learning_rate == pytest.approx(0.001)
    assert (dbn.transform(X) >= 0).all()

    clf = DBNClassifier((32,), visible_units="gaussian", hidden_units="relu",
                        pretrain_epochs=3, max_iter=30, random_state=learning_seed).fit(X, y)
    assert clf.to_mlp().activation == "relu"
    assert_allclose(clf.to_mlp().predict_proba(X), clf.predict_proba(X), atol=1e-5)
    learning_check("training accuracy", clf.score(X, y), above=0.95)

    Xd, yd = load_diabetes(return_X_y=True)
    ours = cross_val_score(make_pipeline(StandardScaler(), DBNRegressor(
        (32,), visible_units="gaussian", random_state=learning_seed)), Xd, yd, cv=3).mean()
    ridge = cross_val_score(make_pipeline(StandardScaler(), Ridge()), Xd, yd, cv=3).mean()
    learning_check("3-fold CV R^2 minus Ridge's", ours - ridge, above=-0.05)


def test_bernoulli_warning_suggests_gaussian_units():
    from dbn import DataRangeWarning, DBNClassifier

    X = StandardScaler().fit_transform(load_breast_cancer().data)
    with pytest.warns(DataRangeWarning, match="visible_units='gaussian'"):
        DBNClassifier((8,), visible_units="bernoulli", pretrain_epochs=1,
                      max_iter=2).fit(X, load_breast_cancer().target)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_auto_visible_units_follow_the_data_range():
    from dbn import DBN, DBNClassifier

    data = load_breast_cancer()
    X = StandardScaler().fit_transform(data.data)
    unit = MinMaxScaler().fit_transform(data.data)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataRangeWarning)
        assert isinstance(DBN((4,), pretrain_epochs=1).fit(X).rbms_[0], GaussianRBM)
        clf = DBNClassifier((4,), pretrain_epochs=1, max_iter=2).fit(X, data.target)
    assert isinstance(clf.rbms_[0], GaussianRBM)
    assert type(DBN((4,), pretrain_epochs=1).fit(unit).rbms_[0]) is BernoulliRBM


def test_pretrained_hidden_units_must_match():
    from dbn import DBN, DBNClassifier

    X = StandardScaler().fit_transform(load_breast_cancer().data)
    relu = DBN((8,), visible_units="gaussian", hidden_units="relu", pretrain_epochs=1).fit(X)
    with pytest.raises(ValueError, match="hidden_units"):
        DBNClassifier((8,), visible_units="gaussian", pretrained=relu, max_iter=2).fit(
            X, load_breast_cancer().target)


# ------------------------------------------------------ learned variances


def gaussian_free_energy_var(V, W, b, c, var):
    diff = V - b
    return 0.5 * np.sum(diff * diff / var, axis=1) - naive.softplus((V / var) @ W + c).sum(1)


def gaussian_log_partition_var(W, b, c, var):
    hs = naive.all_states(len(c))
    mean = b + hs @ W.T
    terms = hs @ c + 0.5 * np.sum((mean * mean - b * b) / var, axis=1)
    return np.logaddexp.reduce(terms) + 0.5 * np.sum(np.log(2 * np.pi * var))


def exact_log_variance_gradient(X, W, b, c, var):
    """d mean log-likelihood / d log(var_i), by enumerating the hidden states."""
    hs = naive.all_states(len(c))
    mean = b + hs @ W.T
    logp = hs @ c + 0.5 * np.sum((mean * mean - b * b) / var, axis=1)
    p = np.exp(logp - np.logaddexp.reduce(logp))
    H_data = naive.sigmoid((X / var) @ W + c)
    data = np.mean(0.5 * (X - b) ** 2 - X * (H_data @ W.T), axis=0) / var
    # model: E over h of E[(v-b)^2/2 - v (Wh)] with v ~ N(mean_h, var)
    wh = hs @ W.T
    second = var + mean * mean
    model = p @ (0.5 * (second - 2 * mean * b + b * b) - mean * wh) / var
    return data - model


def test_log_variance_gradient_matches_finite_differences():
    W, b, c = tiny_gaussian(4)
    var = np.array([0.5, 2.0])
    X = np.random.default_rng(1).normal(size=(5, 2))

    def mean_ll(z):
        v = np.exp(z)
        return np.mean(-gaussian_free_energy_var(X, W, b, c, v)) - gaussian_log_partition_var(
            W, b, c, v)

    z = np.log(var)
    eps = 1e-6
    numeric = np.array([(mean_ll(z + eps * e) - mean_ll(z - eps * e)) / (2 * eps)
                        for e in np.eye(2)])
    assert_allclose(exact_log_variance_gradient(X, W, b, c, var), numeric, rtol=1e-5)


def test_learned_variance_free_energy_integrates_to_partition_function():
    W, b, c = tiny_gaussian(5)
    rbm = fitted_gaussian(W, b, c, learn_variance=True)
    rbm.sigma_ = np.sqrt([0.6, 1.7])
    W, b, c = naive.rbm_parts(rbm)
    var = rbm.sigma_ ** 2
    grid = np.linspace(-12, 12, 481)
    v = np.array(np.meshgrid(grid, grid)).reshape(2, -1).T
    F = rbm.free_energy(v)
    assert_allclose(F, gaussian_free_energy_var(v, W, b, c, var), rtol=1e-6)
    step = grid[1] - grid[0]
    assert_allclose(np.log(np.sum(np.exp(-F)) * step * step),
                    gaussian_log_partition_var(W, b, c, var), rtol=1e-6)
    assert_allclose(rbm.transform(v[:3]), naive.sigmoid((v[:3] / var) @ W + c), rtol=1e-5)


def test_pcd_variance_update_is_the_exact_gradient():
    W, b, c = tiny_gaussian(6, V=2, H=3)
    var = np.array([0.7, 1.6])
    rng = np.random.default_rng(0)
    data = rng.normal(size=(6, 2))
    n = 6 * 5000
    ws = CDWorkspace(2, 3, n, visible_units="gaussian")
    P = pack_params(W, c, b)
    chains = np.zeros((n, 4), dtype=np.float32)
    chains[:, 3] = 1.0
    kw = dict(momentum=0.0, weight_decay=0.0, sparsity_target=0.1, sparsity_cost=0.0,
              hidden_mean=np.zeros(3))
    z = np.log(var)
    for _ in range(60):
        ws.vis[:n, :2] = np.tile(data, (5000, 1))
        ws.step(P.copy(), np.zeros_like(P), n, rng, cd_steps=1, chains=chains,
                learning_rate=1e-30, log_variance=z.copy(), log_variance_velocity=np.zeros(2),
                **kw)
    ws.vis[:n, :2] = np.tile(data, (5000, 1))
    z_after = z.copy()
    ws.step(P, np.zeros_like(P), n, rng, cd_steps=1, chains=chains, learning_rate=1e-3,
            log_variance=z_after, log_variance_velocity=np.zeros(2), **kw)
    step = (z_after - z) / 1e-3
    exact = exact_log_variance_gradient(data, W, b, c, var)
    assert_allclose(step, exact, atol=0.05 + 0.05 * np.abs(exact).max())


def test_learned_variances_let_samples_match_the_data_spread(learning_seed, learning_check):
    rng = np.random.default_rng(learning_seed)
    X = rng.normal(size=(4000, 3)) * np.array([0.4, 1.0, 2.5])

    def sample_std(rbm):
        v = X.copy()
        for _ in range(200):
            v = rbm.gibbs(v)
        return v.std(0)

    # Unstandardised, so that the variances have to be learned.
    kw = dict(n_components=4, n_iter=30, learning_rate=0.01, standardize=False,
              random_state=learning_seed)
    learned = GaussianRBM(learn_variance=True, **kw).fit(X)
    # measured up to 0.20 over 8 seeds; unit variances would be off by 1.5
    learning_check("max relative error of sample std",
                   np.max(np.abs(sample_std(learned) / X.std(0) - 1)), below=0.3)
    # PCD's unbiased negative phase finds the noise levels themselves
    pcd = GaussianRBM(learn_variance=True, persistent=True, **kw).fit(X)
    learning_check("PCD: max relative error of sigma_",
                   np.max(np.abs(pcd.sigma_ / [0.4, 1.0, 2.5] - 1)), below=0.1)
    # with unit variances the narrow feature cannot be matched
    fixed = GaussianRBM(**kw).fit(X)
    assert_array_equal(fixed.sigma_, np.ones(3))
    learning_check("unit-variance sample std of the 0.4 feature", sample_std(fixed)[0],
                   above=0.8)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("standardize", [False, True])
def test_dbn_unrolls_learned_variance_layer_exactly(standardize):
    from dbn import DBN, DBNClassifier

    data = load_breast_cancer()
    # Standardised, then spread unevenly and shifted: unstandardised, the
    # learned noise levels move far from 1; standardised, the unrolled layer
    # must fold means and scales far from 0 and 1 into its weights.
    X = (StandardScaler().fit_transform(data.data) * np.linspace(0.3, 3.0, 30)
         + np.linspace(-5.0, 5.0, 30))
    rbm = GaussianRBM(8, learn_variance=True, standardize=standardize, n_iter=20,
                      learning_rate=0.01, random_state=0).fit(X)
    if standardize:
        assert np.ptp(rbm.scale_) > 2 and np.abs(rbm.mean_).max() > 4
    else:
        assert rbm.mean_ is None and rbm.scale_ is None
        assert np.ptp(rbm.sigma_) > 0.5, rbm.sigma_
    source = DBN((8,), visible_units="gaussian", pretrain_epochs=1, random_state=0).fit(X)
    source.rbms_ = [rbm]
    clf = DBNClassifier((8,), pretrained=source, frozen_layers=1, max_iter=1,
                        random_state=0).fit(X, data.target)
    hidden = naive.sigmoid(X @ clf.coefs_[0] + clf.intercepts_[0])
    assert_allclose(hidden, rbm.transform(X), rtol=1e-4, atol=1e-6)


def test_standardized_rbm_is_a_density_in_the_data_units():
    W, b, c = tiny_gaussian(3)
    rbm = fitted_gaussian(W, b, c)
    rbm.mean_, rbm.scale_ = np.array([3.0, -2.0]), np.array([0.5, 4.0])
    W, b, c = naive.rbm_parts(rbm)
    axes = [m + s * np.linspace(-12, 12, 481) for m, s in zip(rbm.mean_, rbm.scale_, strict=True)]
    v = np.array(np.meshgrid(*axes)).reshape(2, -1).T
    cell = (axes[0][1] - axes[0][0]) * (axes[1][1] - axes[1][0])
    # log_partition counts the change of units: the density integrates to 1.
    assert_allclose(np.sum(np.exp(rbm.log_likelihood(v))) * cell, 1.0, rtol=1e-5)
    u = (v - rbm.mean_) / rbm.scale_
    assert_allclose(rbm.transform(v[:5]), naive.sigmoid(u[:5] @ W + c), rtol=1e-5)
    assert_allclose(rbm.free_energy(v[:5]), gaussian_free_energy(u[:5], W, b, c), rtol=1e-6)
    hidden = naive.sigmoid(u[:5] @ W + c)
    assert_allclose(rbm.reconstruct(v[:5]), (b + hidden @ W.T) * rbm.scale_ + rbm.mean_,
                    rtol=1e-5)


def test_standardize_makes_the_rbm_indifferent_to_feature_scales():
    X = StandardScaler().fit_transform(load_breast_cancer().data)
    kw = dict(n_components=8, n_iter=5, batch_size=20, random_state=0)
    ref = GaussianRBM(**kw).fit(X)
    # Scaling by powers of two is exact in floating point, so standardising
    # removes it exactly: the same model, bit for bit.
    scales = 2.0 ** (np.arange(30) % 12 - 4)
    scaled = GaussianRBM(**kw).fit(X * scales)
    assert_array_equal(scaled.components_, ref.components_)
    assert_array_equal(scaled.transform(X * scales), ref.transform(X))
    assert_allclose(scaled.scale_, ref.scale_ * scales)
    # Without standardising, the same data give a different (worse) model.
    raw = GaussianRBM(standardize=False, **kw).fit(X * scales)
    assert np.abs(raw.transform(X * scales) - ref.transform(X)).mean() > 0.1
    # Any shift and scale: samples come back in the data's units.
    shifted = X * 3.0 + 100.0
    rbm = GaussianRBM(**kw).fit(shifted)
    assert_allclose(rbm.mean_, shifted.mean(0), rtol=1e-12)
    assert_allclose(rbm.scale_, shifted.std(0), rtol=1e-9)
    samples = rbm.sample(200, n_steps=20, random_state=0)
    assert np.abs(samples.mean(0) - 100.0).max() < 2.0


def test_standardize_leaves_constant_columns_alone():
    X = StandardScaler().fit_transform(load_breast_cancer().data)[:, :4]
    X = np.hstack([X, np.full((len(X), 1), 7.0), np.full((len(X), 1), 0.0)])
    rbm = GaussianRBM(4, n_iter=3, random_state=0).fit(X)
    assert_array_equal(rbm.scale_[4:], [1.0, 1.0])
    assert np.isfinite(rbm.components_).all()
    assert np.isfinite(rbm.transform(X)).all()
