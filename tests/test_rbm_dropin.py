"""BernoulliRBM / GaussianRBM as drop-ins for scikit-learn's BernoulliRBM:
output dtypes, ``h_samples_``, and what ``partial_fit`` and ``fit`` do after
``set_params``."""

import copy
import pickle
import re

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits

import dbn
from dbn import BernoulliRBM, GaussianRBM
from dbn._rbm.cd import CDWorkspace, pack_params

from .state import same_state


@pytest.fixture(scope="module")
def binary():
    """200 digits as 0/1 integers: exact in every dtype."""
    X, _ = load_digits(return_X_y=True)
    return (X[:200] > 7).astype(np.int64)


class SliceOnly:
    """A lazily sliced array-like (like an h5py data set)."""

    def __init__(self, X):
        self._X, self.shape, self.dtype = X, X.shape, X.dtype

    def __getitem__(self, key):
        return self._X[key]


# ------------------------------------------------------------ output dtypes

# (name, conversion of the 0/1 integer data, dtype scikit-learn answers in)
INPUTS = [
    ("float32", lambda X: X.astype(np.float32), np.float32),
    ("float64", lambda X: X.astype(np.float64), np.float64),
    ("int64", lambda X: X, np.float64),
    ("uint8", lambda X: X.astype(np.uint8), np.float64),
    ("bool", lambda X: X.astype(bool), np.float64),
    ("float16", lambda X: X.astype(np.float16), np.float64),
    ("list", lambda X: X.tolist(), np.float64),
    ("csr int64", sp.csr_matrix, np.float64),
    ("csr float32", lambda X: sp.csr_array(X.astype(np.float32)), np.float32),
    ("csr float64", lambda X: sp.csr_matrix(X.astype(np.float64)), np.float64),
    ("lazy int64", SliceOnly, np.float64),
    ("lazy float32", lambda X: SliceOnly(X.astype(np.float32)), np.float32),
]


@pytest.fixture(scope="module", params=[BernoulliRBM, GaussianRBM], ids=lambda c: c.__name__)
def fitted(request, binary):
    return request.param(n_components=5, n_iter=2, random_state=0).fit(binary)


@pytest.mark.parametrize("name,convert,expected", INPUTS, ids=[i[0] for i in INPUTS])
def test_outputs_are_float32_for_float32_input_and_float64_otherwise(
        fitted, binary, name, convert, expected):
    X = convert(binary[:30])
    rbm = copy.deepcopy(fitted)  # gibbs advances the generator
    for method in ("transform", "reconstruct", "gibbs"):
        out = getattr(rbm, method)(X)
        assert out.dtype == expected, f"{method} of {name} input gave {out.dtype}"
        assert out.shape[0] == 30
    assert fitted.fit_transform(X).dtype == expected


@pytest.mark.parametrize("cls", [BernoulliRBM, GaussianRBM])
def test_integer_input_is_computed_in_float64_not_cast_from_float32(cls, binary):
    # Integer rows read as float32 are exact; the features must then be the
    # float64 features of the same values, not float32 ones cast up.
    rbm = cls(n_components=5, n_iter=2, random_state=0).fit(binary)
    as_float64 = binary[:30].astype(np.float64)
    for method in ("transform", "reconstruct"):
        got = getattr(rbm, method)(binary[:30])
        want = getattr(rbm, method)(as_float64)
        float32 = getattr(rbm, method)(binary[:30].astype(np.float32))
        if cls is BernoulliRBM:
            assert_array_equal(got, want)
        else:  # standardised in float32 on the way: close, not equal
            assert_allclose(got, want, rtol=1e-6, atol=1e-7)
        assert not np.array_equal(got, float32.astype(np.float64))


# ------------------------------------------------------------- h_samples_


def test_h_samples_are_the_persistent_chains_hidden_states(binary):
    X = binary[:40]
    rbm = BernoulliRBM(n_components=6, batch_size=40, n_iter=2, persistent=True,
                       shuffle=False, random_state=0).fit(X)
    h = rbm.h_samples_
    assert h.shape == (40, 6) and h.dtype == np.float32
    assert set(np.unique(h)) <= {0.0, 1.0}
    with pytest.raises(ValueError, match="read-only"):
        h[0, 0] = 1.0
    # Replay the next update (one minibatch of all 40 rows, no shuffling)
    # from the state the model keeps: h_samples_ must then be the chains'
    # hidden states after that update's negative phase.
    state = rbm._training_state
    V, H = X.shape[1], 6
    workspace = CDWorkspace(V, H, 40)
    workspace.vis[:40, :V] = X
    chains = state.chains.copy()
    assert_array_equal(chains[:, :H], h)
    workspace.step(pack_params(rbm.components_.T, rbm.intercept_hidden_,
                               rbm.intercept_visible_),
                   state.velocity.copy(), 40, copy.deepcopy(state.rng), cd_steps=1,
                   chains=chains, learning_rate=rbm.learning_rate,
                   momentum=rbm.initial_momentum, weight_decay=rbm.weight_decay,
                   sparsity_target=rbm.sparsity_target, sparsity_cost=0.0,
                   hidden_mean=state.hidden_mean.copy())
    before = h.copy()
    rbm.partial_fit(X)
    assert_array_equal(rbm.h_samples_, chains[:, :H])
    assert not np.array_equal(rbm.h_samples_, before)
    assert_array_equal(before, h)  # an earlier view does not change


def test_h_samples_shape_with_fewer_rows_than_batch_size(binary):
    rbm = BernoulliRBM(n_components=4, batch_size=50, n_iter=3, persistent=True,
                       random_state=0).fit(binary[:20])
    assert rbm.h_samples_.shape == (50, 4)
    # Only the first 20 chains ever ran; the others are where chains start.
    assert_array_equal(rbm.h_samples_[20:], 0.0)
    assert rbm.h_samples_[:20].any()


def test_h_samples_are_none_without_persistent_chains_and_absent_unfitted(binary):
    rbm = BernoulliRBM(n_components=4, n_iter=1, random_state=0)
    assert not hasattr(rbm, "h_samples_")
    with pytest.raises(AttributeError, match="h_samples_"):
        getattr(rbm, "h_samples_")  # noqa: B009 (the attribute access is the test)
    assert rbm.fit(binary).h_samples_ is None
    assert rbm.partial_fit(binary).h_samples_ is None
    assert GaussianRBM(4, n_iter=1, random_state=0).fit(binary).h_samples_ is None
    gaussian = GaussianRBM(4, n_iter=1, persistent=True, batch_size=30, random_state=0)
    assert gaussian.fit(binary).h_samples_.shape == (30, 4)


def test_h_samples_after_partial_fit_float_inputs_save_load_and_pickle(binary, tmp_path):
    kw = dict(n_components=6, batch_size=25, persistent=True, random_state=0)
    rbm = BernoulliRBM(**kw)
    rbm.partial_fit(binary)
    assert rbm.h_samples_.shape == (25, 6)
    first = rbm.h_samples_.copy()
    rbm.partial_fit(binary)
    assert not np.array_equal(first, rbm.h_samples_)
    # float32 and float64 data train the same model (scikit-learn's own check)
    other = BernoulliRBM(**kw)
    other.partial_fit(binary.astype(np.float32))
    other.partial_fit(binary.astype(np.float64))
    assert_array_equal(other.h_samples_, rbm.h_samples_)
    dbn.save(rbm, tmp_path / "rbm.dbn")
    for copy_ in (dbn.load(tmp_path / "rbm.dbn"), pickle.loads(pickle.dumps(rbm))):
        assert copy_.h_samples_.dtype == np.float32
        assert_array_equal(copy_.h_samples_, rbm.h_samples_)
        # and training continues from them alike
        assert same_state(copy_.partial_fit(binary), copy.deepcopy(rbm).partial_fit(binary),
                          ignore=("epoch_time",)) is None
    cd = BernoulliRBM(n_components=3, n_iter=1, random_state=0).fit(binary)
    dbn.save(cd, tmp_path / "cd.dbn")
    assert dbn.load(tmp_path / "cd.dbn").h_samples_ is None


# ------------------------------------------ partial_fit after set_params

CHANGES = [
    (BernoulliRBM, {}, {"n_components": 4}),
    (BernoulliRBM, {}, {"hidden_units": "relu"}),
    (BernoulliRBM, {}, {"persistent": True}),
    (BernoulliRBM, {"persistent": True}, {"persistent": False}),
    (BernoulliRBM, {"persistent": True}, {"batch_size": 10}),
    (GaussianRBM, {}, {"n_components": 7}),
    (GaussianRBM, {}, {"hidden_units": "relu"}),
    (GaussianRBM, {}, {"learn_variance": True}),
    (GaussianRBM, {"learn_variance": True}, {"learn_variance": False}),
    (GaussianRBM, {}, {"standardize": False}),
    (GaussianRBM, {"standardize": False}, {"standardize": True}),
    (GaussianRBM, {"persistent": True}, {"batch_size": 10}),
]


@pytest.mark.parametrize("start", ["fit", "partial_fit"])
@pytest.mark.parametrize("cls,params,change", CHANGES,
                         ids=[f"{c.__name__}-{p}-{ch}" for c, p, ch in CHANGES])
def test_partial_fit_refuses_a_changed_architecture(cls, params, change, start, binary):
    X = binary[:60]
    rbm = cls(n_components=5, n_iter=1, batch_size=20, random_state=0, **params)
    getattr(rbm, start)(X)
    rbm.set_params(**change)
    before = copy.deepcopy(rbm)
    ((name, value),) = change.items()
    with pytest.raises(ValueError, match=re.escape(f"{name}={value!r}") + ".*call fit"):
        rbm.partial_fit(X)
    assert same_state(rbm, before) is None
    rbm.fit(X)  # starts anew with the new parameters
    assert rbm.n_iter_ == 1 and rbm.components_.shape[0] == rbm.n_components
    rbm.partial_fit(X)
    assert rbm.n_iter_ == 2


def test_a_loaded_model_still_refuses_a_changed_architecture(binary, tmp_path):
    rbm = BernoulliRBM(n_components=5, n_iter=1, persistent=True, random_state=0).fit(binary)
    dbn.save(rbm, tmp_path / "rbm.dbn")
    loaded = dbn.load(tmp_path / "rbm.dbn").set_params(hidden_units="relu")
    with pytest.raises(ValueError, match="hidden_units='relu'"):
        loaded.partial_fit(binary)


ALLOWED = [
    (BernoulliRBM, {"persistent": True}, {"learning_rate": 0.02}),
    (BernoulliRBM, {"persistent": True}, {"cd_steps": 3}),
    (BernoulliRBM, {"persistent": True}, {"momentum": 0.5}),
    (BernoulliRBM, {"persistent": True}, {"weight_decay": 0.01}),
    (BernoulliRBM, {"persistent": True}, {"sparsity_cost": 0.5}),
    (BernoulliRBM, {}, {"batch_size": 10}),
    (GaussianRBM, {"learn_variance": True}, {"learning_rate": 0.001}),
    (GaussianRBM, {"learn_variance": True}, {"cd_steps": 2}),
    (GaussianRBM, {}, {"batch_size": 7}),
]


@pytest.mark.parametrize("cls,params,change", ALLOWED,
                         ids=[f"{c.__name__}-{p}-{ch}" for c, p, ch in ALLOWED])
def test_partial_fit_follows_changed_training_parameters(cls, params, change, binary):
    X = binary[:60]
    kw = dict(n_components=5, n_iter=2, batch_size=20, momentum_warmup=0, random_state=0,
              **params)
    same = cls(**kw).fit(X)
    changed = cls(**kw).fit(X).set_params(**change)
    same.partial_fit(X)
    changed.partial_fit(X)
    assert changed.n_iter_ == 3
    # the new value took effect
    assert not np.array_equal(changed.components_, same.components_)


# ---------------------------------------------------- fit after history

HISTORIES = [
    (BernoulliRBM, {"persistent": True},
     {"persistent": False, "hidden_units": "relu", "learning_rate": 0.01}),
    (BernoulliRBM, {}, {"persistent": True, "batch_size": 7, "cd_steps": 2}),
    (GaussianRBM, {"learn_variance": True},
     {"learn_variance": False, "standardize": False, "persistent": True}),
    (GaussianRBM, {}, {"learn_variance": True, "hidden_units": "relu"}),
]


@pytest.mark.parametrize("cls,params,other", HISTORIES,
                         ids=[f"{c.__name__}-{p}" for c, p, _ in HISTORIES])
def test_fit_after_any_history_equals_a_fresh_fit(cls, params, other, binary, tmp_path):
    X = binary[:80]
    params = cls(n_components=6, n_iter=2, batch_size=16, random_state=3,
                 **params).get_params()
    fresh = cls(**params).fit(X)
    est = cls(**{**params, **other, "n_components": 4, "random_state": 9})
    est.partial_fit(binary[80:120, :10])  # other data, other width
    est.partial_fit(binary[80:120, :10])
    est.gibbs(binary[:3, :10])  # advances the kept generator
    est.set_params(n_components=5)
    with pytest.raises(ValueError, match="n_components"):
        est.partial_fit(binary[:40, :10])
    dbn.save(est, tmp_path / "est.dbn")  # and through a model file
    est = dbn.load(tmp_path / "est.dbn")
    est.set_params(**params)
    est.fit(X)
    assert same_state(fresh, est, ignore=("epoch_time",)) is None
    est.partial_fit(X)
    fresh.partial_fit(X)
    assert same_state(fresh, est, ignore=("epoch_time",)) is None
