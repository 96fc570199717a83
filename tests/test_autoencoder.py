"""DBNAutoencoder and the linear (Gaussian) hidden units of its code layer."""

import itertools
import warnings

import numpy as np
import pytest
from scipy.integrate import quad
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from dbn import DBN, BernoulliRBM, DBNAutoencoder, GaussianRBM

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    return data.data, data.target


def _frozen_start(**params):
    """An autoencoder whose one fine-tuning step cannot move the weights."""
    return DBNAutoencoder(solver="sgd", learning_rate_init=1e-30, momentum=0.0, max_iter=1,
                          alpha=0.0, shuffle=False, random_state=0, **params)


# ------------------------------------------------------- linear hidden units


def test_linear_hidden_samples_have_mean_x_and_unit_variance():
    from dbn._kernels import rbm as _kernels

    rng = np.random.default_rng(0)
    n = 200_000
    act = np.tile(np.array([-2.0, 0.0, 0.5, 3.0], dtype=np.float32), (n, 1))
    z = rng.standard_normal((n, 4), dtype=np.float32)
    samples = np.empty_like(act)
    _kernels.linear_sample_rows(act, 0, n, 4, z, samples, True)
    np.testing.assert_allclose(samples.mean(0), [-2.0, 0.0, 0.5, 3.0], atol=0.01)
    np.testing.assert_allclose(samples.var(0), 1.0, atol=0.01)
    # the mean stays behind, negated as the negative phase stores it
    np.testing.assert_array_equal(act[0], [2.0, -0.0, -0.5, -3.0])


def test_linear_hidden_free_energy_is_the_integral_over_h():
    X = (np.random.default_rng(0).random((200, 3)) > 0.5).astype(float)
    rbm = BernoulliRBM(2, hidden_units="gaussian", learning_rate=0.01, n_iter=5,
                       random_state=0).fit(X)
    W = rbm.components_.astype(float)
    b, c = rbm.intercept_visible_.astype(float), rbm.intercept_hidden_.astype(float)
    for v in X[:4]:
        # exp(-F(v)) = exp(b.v) * prod_j  integral exp(h (c_j + W_j.v) - h^2 / 2) dh
        log_integrals = [np.log(quad(lambda h, x=x: np.exp(h * x - h * h / 2), -40, 40)[0])
                         for x in c + W @ v]
        expected = -(b @ v) - sum(log_integrals)
        assert rbm.free_energy(v[None])[0] == pytest.approx(expected, rel=1e-6, abs=1e-8)


def test_linear_hidden_units_ais_matches_exact_log_z(learning_seed, learning_check):
    rng = np.random.default_rng(learning_seed)
    X = (rng.random((300, 8)) < np.linspace(0.1, 0.9, 8)).astype(float)
    X[:, 1] = X[:, 0]
    rbm = BernoulliRBM(6, hidden_units="gaussian", learning_rate=0.03, n_iter=50,
                       batch_size=10, random_state=learning_seed).fit(X)
    # couplings strong enough that log Z is far from the uncoupled model's
    from dbn._rbm import likelihood as _likelihood

    p = rbm._likelihood_params()
    assert abs(rbm.log_partition("exact") - _likelihood.base_log_partition(p, p.b)) > 1.0
    exact = rbm.log_partition("exact")
    ais = rbm.log_partition("ais", n_chains=500, n_betas=5000, random_state=learning_seed)
    learning_check("linear hidden |AIS - exact| (nats)", abs(ais - exact), below=0.1)


def test_linear_hidden_units_transform_linearly_and_learn():
    X = load_digits().data[:500] / 16
    rbm = BernoulliRBM(16, hidden_units="gaussian", learning_rate=0.01, n_iter=10,
                       batch_size=20, random_state=0).fit(X)
    expected = X @ rbm.components_.T.astype(float) + rbm.intercept_hidden_
    np.testing.assert_allclose(rbm.transform(X), expected, rtol=1e-5, atol=1e-5)
    errors = rbm.history_["reconstruction_error"]
    assert errors[-1] < 0.7 * errors[0]


def test_gaussian_visible_and_gaussian_hidden_units_are_refused():
    with pytest.raises(ValueError, match="hidden_units"):
        GaussianRBM(3, hidden_units="gaussian").fit(np.random.default_rng(0).normal(size=(20, 3)))


# ------------------------------------------------------------ the estimator


@pytest.mark.parametrize("scale", [1 / 16, 1.0], ids=["bernoulli", "gaussian"])
def test_one_layer_autoencoder_starts_as_its_rbms_reconstruction(digits, scale):
    """Unrolled, untrained: encoder = P(h | x), decoder = E[x | h], in the data's units."""
    X = digits[0][:300] * scale
    ae = _frozen_start(hidden_layer_sizes=(12,), code_units="bernoulli",
                       pretrain_epochs=3).fit(X)
    rbm = ae.rbms_[0]
    assert isinstance(rbm, GaussianRBM if scale == 1.0 else BernoulliRBM)
    np.testing.assert_allclose(ae.transform(X), rbm.transform(X), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ae.inverse_transform(ae.transform(X)), rbm.reconstruct(X),
                               rtol=1e-4, atol=1e-4 * scale * 16)


def test_decoder_mirrors_the_pretrained_stack(digits):
    X = digits[0][:300] / 16
    ae = _frozen_start(hidden_layer_sizes=(16, 8, 3), pretrain_epochs=2).fit(X)
    assert [r.hidden_units for r in ae.rbms_] == ["bernoulli", "bernoulli", "gaussian"]
    assert ae.activations_ == ["sigmoid", "sigmoid", "identity", "sigmoid", "sigmoid",
                               "sigmoid"]
    # the code layer's RBM learns 10 times slower than the binary ones ('auto')
    assert ae.rbms_[2].learning_rate == pytest.approx(ae.rbms_[0].learning_rate / 10)
    for k, rbm in enumerate(ae.rbms_):
        decoder = len(ae.coefs_) - 1 - k
        np.testing.assert_allclose(ae.coefs_[decoder], rbm.components_, atol=1e-6)
        np.testing.assert_allclose(ae.intercepts_[decoder], rbm.intercept_visible_, atol=1e-6)
        np.testing.assert_allclose(ae.coefs_[k], rbm.components_.T, atol=1e-6)


def test_score_is_the_negative_mean_squared_reconstruction_error(digits):
    X = digits[0][:200]
    ae = DBNAutoencoder((16, 4), pretrain_epochs=2, max_iter=5, random_state=0).fit(X)
    assert ae.out_activation_ == "identity"
    mse = np.mean((X - ae.inverse_transform(ae.transform(X))) ** 2)
    assert ae.score(X) == pytest.approx(-mse, rel=1e-5)
    assert ae.get_feature_names_out().tolist() == [f"dbnautoencoder{i}" for i in range(4)]
    assert ae.transform(X.astype(np.float32)).dtype == np.float32
    assert ae.transform(X).dtype == np.float64


def test_pretraining_beats_pca_and_random_init_on_digits(digits, learning_seed,
                                                          learning_check):
    X = digits[0] / 16
    rng = np.random.default_rng(learning_seed)
    order = rng.permutation(len(X))
    train, test = X[order[:1400]], X[order[1400:]]
    pca = PCA(10).fit(train)
    pca_mse = np.mean((test - pca.inverse_transform(pca.transform(test))) ** 2)
    params = dict(hidden_layer_sizes=(128, 32, 10), max_iter=60, random_state=learning_seed)
    pretrained = -DBNAutoencoder(**params).fit(train).score(test)
    random_init = -DBNAutoencoder(pretrain_epochs=0, **params).fit(train).score(test)
    learning_check("autoencoder MSE / PCA(10) MSE", pretrained / pca_mse, below=0.6)
    learning_check("autoencoder MSE / random-init MSE", pretrained / random_init, below=0.5)


def test_codes_feed_a_pipeline(digits, learning_seed, learning_check):
    X, y = digits[0] / 16, digits[1]
    model = make_pipeline(
        DBNAutoencoder((128, 32, 10), max_iter=30, random_state=learning_seed),
        LogisticRegression(max_iter=2000),
    ).fit(X[:1200], y[:1200])
    learning_check("digits accuracy of LR on 10-D codes", model.score(X[1200:], y[1200:]),
                   above=0.85)


def test_frozen_layers_keep_the_bottom_encoder_layers(digits):
    X = digits[0][:300] / 16
    ae = DBNAutoencoder((16, 4), frozen_layers=1, pretrain_epochs=2, max_iter=5,
                        random_state=0).fit(X)
    W, b = ae.rbms_[0]._unrolled_layer()
    np.testing.assert_array_equal(ae.coefs_[0], W)
    np.testing.assert_array_equal(ae.intercepts_[0], b)
    assert not np.allclose(ae.coefs_[1], ae.rbms_[1].components_.T, atol=1e-4)


def test_pretrained_dbn_initialises_encoder_and_decoder(digits):
    X = digits[0][:300] / 16
    stack = DBN((16, 6), pretrain_epochs=2, random_state=0).fit(X)
    ae = _frozen_start(hidden_layer_sizes=(16, 6), pretrained=stack).fit(X)
    # all layers came from the DBN: its binary top layer is the code layer
    assert ae.activations_[1] == "sigmoid"
    for k, rbm in enumerate(stack.rbms_):
        np.testing.assert_allclose(ae.coefs_[k], rbm._unrolled_layer()[0], atol=1e-6)
        np.testing.assert_allclose(ae.coefs_[3 - k], rbm.components_, atol=1e-6)
    # one more layer is pretrained on top, as a linear code layer
    deeper = _frozen_start(hidden_layer_sizes=(16, 6, 2), pretrained=stack).fit(X)
    assert deeper.rbms_[2].hidden_units == "gaussian"
    assert deeper.activations_[2] == "identity"


@pytest.mark.parametrize("scale", [1 / 16, 1.0], ids=["bernoulli", "gaussian"])
def test_early_stopping_publishes_the_weights_of_the_best_validation_epoch(digits, scale):
    """The published layers are those the net had after its best validation
    epoch, not after its last one (recorded through the epoch hook, in the
    data's units)."""
    X = digits[0][:400] * scale
    # A high learning rate and no tolerance: validation scores wobble, so
    # training stops a few epochs after its best one (true for seed 0 when
    # written; the loop only guards against a change of trajectory).
    for seed in range(5):
        ae = DBNAutoencoder((16, 4), early_stopping=True, pretrain_epochs=2, max_iter=30,
                            n_iter_no_change=3, tol=0.0, learning_rate="constant",
                            learning_rate_init=0.03, validation_fraction=0.2,
                            random_state=seed)
        ae._validate_params()
        seen = []

        def record(epoch, coefs, intercepts, seen=seen):
            seen.append([a.copy() for a in (*coefs, *intercepts)])

        ae._fit(X, on_epoch=record)
        best = int(np.argmax(ae.validation_scores_))
        if best < ae.n_iter_ - 1:
            break
    else:
        pytest.fail("no seed stopped after an epoch worse than its best one")
    assert len(seen) == len(ae.validation_scores_) == ae.n_iter_
    assert ae.best_validation_score_ == ae.validation_scores_[best]
    published = [*ae.coefs_, *ae.intercepts_]
    for recorded, kept in zip(seen[best], published, strict=True):
        np.testing.assert_array_equal(kept, recorded)
    assert not all(np.array_equal(a, b) for a, b in zip(seen[-1], published, strict=True))


def test_clear_errors_for_impossible_shapes(digits):
    X = digits[0][:100]
    with pytest.raises(ValueError, match="code_units='bernoulli'"):
        DBNAutoencoder((4,), pretrain_epochs=1, max_iter=1).fit(X)
    ae = DBNAutoencoder((8, 3), pretrain_epochs=1, max_iter=1).fit(X)
    with pytest.raises(ValueError, match="decodes codes of 3 features"):
        ae.inverse_transform(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="NaN"):
        ae.inverse_transform(np.full((2, 3), np.nan))


def _low_rank_data(seed, n=300, d=8, k=3):
    """Standardised columns driven by k latent factors, plus a little noise."""
    rng = np.random.default_rng(seed)
    X = np.tanh(rng.normal(size=(n, k)) @ rng.normal(size=(k, d)) / np.sqrt(k))
    X += 0.05 * rng.normal(size=(n, d))
    return (X - X.mean(0)) / X.std(0)


def _column_r2(X, ae):
    residual = X - ae.inverse_transform(ae.transform(X))
    return 1 - (residual**2).sum(0) / ((X - X.mean(0)) ** 2).sum(0)


def test_reconstruction_does_not_depend_on_the_units_of_the_features(learning_seed,
                                                                       learning_check):
    """Columns at scales 1e-3..1e3 reconstruct as well as the same data
    standardised: fine-tuning works on standardised features, as the
    GaussianRBM does, and answers in the data's units. Before, the large
    columns dominated the squared error and the small ones were left
    unexplained."""
    X = _low_rank_data(learning_seed)
    scales = np.logspace(-3, 3, X.shape[1])
    params = dict(hidden_layer_sizes=(32, 3), pretrain_epochs=10, max_iter=60,
                  random_state=learning_seed)
    standardised = _column_r2(X, DBNAutoencoder(**params).fit(X))
    scaled = _column_r2(X * scales, DBNAutoencoder(**params).fit(X * scales))
    # 0.963 to 0.978 over seeds 0-7
    learning_check("autoencoder mean per-column R^2, standardised data", standardised.mean(),
                   above=0.9)
    # the same computation up to float32 rounding: gaps below 4e-8 over seeds 0-7
    # (the old code, fine-tuning in the data's units: 0.38 to 2.2 over 10 seeds)
    learning_check("autoencoder max |per-column R^2 gap|, scaled vs standardised columns",
                   np.abs(scaled - standardised).max(), below=0.01)


def test_gaussian_fine_tuning_folds_the_scaling_into_the_end_layers():
    """Trained in standardised units, published in the data's: the first and
    last layers carry the scaling, and frozen layers keep their exact values."""
    X = _low_rank_data(0, n=200) * np.logspace(-2, 2, 8) + 100.0
    ae = DBNAutoencoder((16, 3), frozen_layers=1, pretrain_epochs=3, max_iter=5,
                        random_state=0).fit(X)
    W, b = ae.rbms_[0]._unrolled_layer()
    np.testing.assert_array_equal(ae.coefs_[0], W)
    np.testing.assert_array_equal(ae.intercepts_[0], b)
    mse = np.mean((X - ae.inverse_transform(ae.transform(X))) ** 2)
    assert ae.score(X) == pytest.approx(-mse, rel=1e-5)
    # the decoder's output layer answers in the data's units: around each
    # column's mean (100), within a tenth of its standard deviation (0.01 to 100)
    gap = ae.inverse_transform(ae.transform(X)).mean(0) - X.mean(0)
    assert np.all(np.abs(gap) < 0.1 * X.std(0))
    assert all(W.dtype == np.float32 and W.flags.c_contiguous for W in ae.coefs_)
    assert all(b.dtype == np.float32 for b in ae.intercepts_)


def test_rectified_hidden_units_take_the_default_linear_code_layer(digits):
    """hidden_units='relu' with the default code_units: the layers below the
    code layer are pretrained as rectified RBMs, the linear code layer (which
    no RBM can pretrain above real-valued units) starts from Glorot's
    initialisation. It used to fail with an error about a GaussianRBM."""
    for X in (digits[0][:300] / 16, _low_rank_data(0)):
        ae = DBNAutoencoder((16, 8, 3), hidden_units="relu", pretrain_epochs=2,
                            max_iter=20, random_state=0).fit(X)
        assert ae.code_units == "gaussian"
        assert ae.activations_[:3] == ["relu", "relu", "identity"]
        assert [r.hidden_units for r in ae.rbms_[:2]] == ["relu", "relu"]
        assert ae.rbms_[2] is None
        assert ae.transform(X).shape == (len(X), 3)
        # it learned something: better than reconstructing every row by the mean
        assert ae.score(X) > -0.8 * X.var(0).mean()


def test_every_unit_combination_fits_or_names_the_parameter_to_change():
    rng = np.random.default_rng(0)
    data = {"unit": rng.random((60, 6)), "real": 3 * rng.normal(size=(60, 6))}
    for visible, hidden, code, kind, sizes, pretrain_epochs in itertools.product(
            ["auto", "bernoulli", "gaussian"], ["bernoulli", "relu"],
            ["gaussian", "bernoulli"], data, [(5,), (5, 3), (6, 5, 3)], [0, 2]):
        ae = DBNAutoencoder(sizes, visible_units=visible, hidden_units=hidden,
                            code_units=code, pretrain_epochs=pretrain_epochs, max_iter=2,
                            random_state=0)
        X = data[kind]
        gaussian_visible = visible == "gaussian" or (visible == "auto" and kind == "real")
        if code == "gaussian" and len(sizes) == 1 and gaussian_visible and pretrain_epochs:
            with pytest.raises(ValueError, match="DBNAutoencoder.*code_units='bernoulli'"):
                ae.fit(X)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Bernoulli units on real data, max_iter
            ae.fit(X)
        assert np.isfinite(ae.inverse_transform(ae.transform(X))).all()


def test_fit_is_deterministic_and_ignores_y(digits):
    X, y = digits[0][:200] / 16, digits[1][:200]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = DBNAutoencoder((8, 2), pretrain_epochs=2, max_iter=3, random_state=5).fit(X)
        b = DBNAutoencoder((8, 2), pretrain_epochs=2, max_iter=3, random_state=5).fit(X, y)
    np.testing.assert_array_equal(a.transform(X), b.transform(X))
