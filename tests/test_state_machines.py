"""Call sequences: a hypothesis state machine per estimator.

Each machine interleaves ``fit``, ``partial_fit``, ``set_params`` (sizes,
solvers, unit types, frozen layers, rates, batch sizes, ...), ``clone``,
``dbn.save``/``dbn.load``, pickling and every predict/transform/score/sample
method on small random data of several kinds and scales, and asserts after
every step:

* nothing but a ``ValueError``/``TypeError`` with a message escapes (no crash,
  no other exception), and a call that fails leaves the model as it was;
* every array a method returns is finite;
* ``fit`` after any history equals a fresh ``fit`` of a clone, bit for bit
  (unless ``warm_start`` asks it to continue);
* a saved-and-loaded (or unpickled) model equals the original and continues
  (``partial_fit``) exactly like it;
* ``partial_fit`` continues the net it built (its architecture matches the
  parameters, or the call was refused).

The suite runs ``DBN_STATE_EXAMPLES`` sequences per estimator (default 10);
``DBN_STATE_EXAMPLES=10000 python -m pytest tests/test_state_machines.py``
is the long run by hand.
"""

import copy
import io
import os
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sklearn.base import clone, is_classifier
from sklearn.frozen import FrozenEstimator

import dbn
from dbn import (
    DBN,
    BernoulliRBM,
    DBNAutoencoder,
    DBNClassifier,
    DBNRegressor,
    GaussianRBM,
    GenerativeDBNClassifier,
    RBMClassifier,
)

from .state import same_state

N_FEATURES = 6
CLASSES = np.array([0, 1, 2])
TIMING = ("epoch_time",)
EXAMPLES = int(os.environ.get("DBN_STATE_EXAMPLES", "10"))
#: Sequences run per estimator (printed by the test: ``pytest -s``).
SEQUENCES = {}


def _pretrained_stack():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X = np.random.default_rng(0).random((30, N_FEATURES))
        return DBN((3,), pretrain_epochs=1, random_state=0).fit(X)


STACK = _pretrained_stack()

NET_GRID = {
    "hidden_layer_sizes": [(3,), (4, 2), 5],
    "solver": ["auto", "sgd", "adam"],
    "hidden_units": ["bernoulli", "relu"],
    "visible_units": ["auto", "bernoulli", "gaussian"],
    "frozen_layers": [0, 1, 3],
    "learning_rate_init": ["auto", 0.01, 0.5],
    "learning_rate": ["constant", "adaptive"],
    "batch_size": ["auto", 1, 7, 1000],
    "pretrain_epochs": [0, 1, 2],
    "pretrain_batch_size": ["auto", 3],
    "persistent": [False, True],
    "cd_steps": [1, 2],
    "max_iter": [1, 3],
    "alpha": [0.0, 1e-4, 1.0],
    "dropout": [0.0, 0.3],
    "early_stopping": [False, True],
    "shuffle": [True, False],
    "pretrained": [None, FrozenEstimator(STACK)],
    "warm_start": [False, True],
    "beta_1": [0.9, 0.0],
    "random_state": [0, 1, None],
}
RBM_GRID = {
    "n_components": [2, 3, 5],
    "hidden_units": ["bernoulli", "relu"],
    "learning_rate": [0.01, 0.1, 1.0],
    "batch_size": [1, 4, 100],
    "n_iter": [1, 2],
    "cd_steps": [1, 3],
    "persistent": [False, True],
    "sparsity_cost": [0.0, 0.1],
    "weight_decay": [0.0, 1e-2],
    "shuffle": [True, False],
    "random_state": [0, 1, None],
}
DBN_GRID = {k: NET_GRID[k] for k in ("hidden_layer_sizes", "hidden_units", "visible_units",
                                     "pretrain_epochs", "pretrain_batch_size", "persistent",
                                     "cd_steps", "random_state")}

#: estimator, small parameters, grid of set_params values, the kind of y.
SPECS = {
    "DBNClassifier": (DBNClassifier, dict(hidden_layer_sizes=(3,), pretrain_epochs=1,
                                          max_iter=2), NET_GRID, "class"),
    "DBNRegressor": (DBNRegressor, dict(hidden_layer_sizes=(3,), pretrain_epochs=1,
                                        max_iter=2), NET_GRID, "real"),
    "DBNAutoencoder": (DBNAutoencoder, dict(hidden_layer_sizes=(3, 2), pretrain_epochs=1,
                                            max_iter=2),
                       {**{k: v for k, v in NET_GRID.items() if k != "pretrained"},
                        "hidden_layer_sizes": [(3, 2), 4],
                        "code_units": ["gaussian", "bernoulli"]}, None),
    "DBN": (DBN, dict(hidden_layer_sizes=(3, 2), pretrain_epochs=1), DBN_GRID, None),
    "BernoulliRBM": (BernoulliRBM, dict(n_components=3, n_iter=2), RBM_GRID, None),
    "GaussianRBM": (GaussianRBM, dict(n_components=3, n_iter=2),
                    {**RBM_GRID, "learn_variance": [False, True]}, None),
    "RBMClassifier": (RBMClassifier, dict(n_components=3, n_iter=2), {
        "n_components": [2, 5],
        "objective": ["hybrid", "discriminative", "generative"],
        "visible_units": ["auto", "bernoulli", "gaussian"],
        "learning_rate": ["auto", 0.5],
        "learning_rate_schedule": ["constant", "linear"],
        "batch_size": [1, 20],
        "cd_steps": [1, 2],
        "unlabeled": [None, -1],
        "random_state": [0, None],
    }, "class"),
    "GenerativeDBNClassifier": (GenerativeDBNClassifier, dict(
        hidden_layer_sizes=(3,), top_components=4, pretrain_epochs=1, updown_epochs=1), {
        "hidden_layer_sizes": [(3,), (4, 2)],
        "top_components": [2, 5],
        "top_objective": ["hybrid", "generative"],
        "visible_units": ["auto", "bernoulli", "gaussian"],
        "updown_epochs": [0, 2],
        "top_cd_steps": [1, (1, 2)],
        "batch_size": ["auto", 1],
        "unlabeled": [None, -1],
        "random_state": [0, None],
    }, "class"),
}


@st.composite
def datasets(draw, target):
    """Small data of every kind the estimators take: [0, 1], binary, real
    values at scales 1e-3..1e3, CSR; now and then one feature short."""
    n = draw(st.integers(2, 24))
    d = N_FEATURES if draw(st.integers(0, 9)) else N_FEATURES - 1
    kind = draw(st.sampled_from(["unit", "binary", "real", "sparse"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    X = rng.random((n, d))
    if kind == "binary":
        X = (X > 0.5).astype(np.float64)
    elif kind == "real":
        X = rng.normal(size=(n, d)) * 10.0 ** draw(st.integers(-3, 3)) + draw(
            st.sampled_from([0.0, 5.0, -300.0]))
    dense = X
    if kind == "sparse":
        dense = X * (rng.random((n, d)) < 0.4)
        X = sp.csr_matrix(dense)
    if target == "class":
        y = rng.choice(CLASSES, n)
        if draw(st.integers(0, 4)) == 0:  # some unlabeled rows for semi-supervised models
            y = np.where(rng.random(n) < 0.3, -1, y)
        return X, y
    if target == "real":
        scale = 10.0 ** draw(st.integers(-3, 3))
        y = (dense @ rng.normal(size=d)) * scale + draw(st.sampled_from([0.0, 1e3]))
        if draw(st.booleans()):
            y = np.c_[y, -2 * y]
        return X, y
    return X, None


def _read_methods(model):
    """The methods a user calls on a fitted model, each on data X."""
    methods = {}
    for name in ("predict", "predict_proba", "predict_log_proba", "transform",
                 "score_samples", "free_energy", "reconstruct", "inverse_transform"):
        if hasattr(model, name):
            methods[name] = getattr(model, name)
    if hasattr(model, "sample"):
        methods["sample"] = lambda X: model.sample(2, n_steps=2, random_state=0)
    return methods


def _finite(value):
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        assert np.isfinite(value).all(), "a method returned NaN or infinity"


def _fitted(model):
    return any(k.endswith("_") and not k.startswith("_") for k in vars(model))


def _calls(fn):
    """Run ``fn``; True if it returned, False if it raised a clear ValueError or
    TypeError. Anything else fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fn()
        except (ValueError, TypeError) as exc:
            assert str(exc).strip(), f"{type(exc).__name__} without a message"
            return False
    return True


def _same(a, b, what):
    diff = same_state(a, b, ignore=TIMING)
    assert diff is None, f"{what}: {diff}"


class _Machine(RuleBasedStateMachine):
    spec = None

    @initialize()
    def start(self):
        SEQUENCES[self.spec] = SEQUENCES.get(self.spec, 0) + 1
        cls, params, grid, target = SPECS[self.spec]
        self.model = cls(**params, random_state=0)
        self.grid, self.target = grid, target

    def _fit_args(self, data):
        X, y = data.draw(datasets(self.target))
        return (X,) if y is None else (X, y)

    def _guarded(self, fn):
        """``fn()``; if it fails, the model must be exactly as it was."""
        before = copy.deepcopy(self.model)
        ok = _calls(fn)
        if not ok:
            _same(self.model, before, "a failed call changed the model")
        return ok

    @rule(data=st.data())
    def fit(self, data):
        args = self._fit_args(data)
        if not self._guarded(lambda: self.model.fit(*args)):
            return
        params = self.model.get_params()
        if params.get("random_state") is not None and not params.get("warm_start"):
            fresh = clone(self.model)
            assert _calls(lambda: fresh.fit(*args)), "a fresh fit failed where fit succeeded"
            _same(self.model, fresh, "fit after this history differs from a fresh fit")
        self._read_all(args[0])

    @rule(data=st.data())
    def partial_fit(self, data):
        if not hasattr(self.model, "partial_fit"):
            return
        args = self._fit_args(data)
        kwargs = {"classes": CLASSES} if is_classifier(self.model) else {}
        continuing = _fitted(self.model)
        n_iter = vars(self.model).get("n_iter_")
        if not self._guarded(lambda: self.model.partial_fit(*args, **kwargs)):
            return
        if hasattr(self.model, "coefs_"):  # a fine-tuned net continues the one it built
            from dbn._stack.pretraining import layer_sizes

            sizes = [W.shape[1] for W in self.model.coefs_[:-1]]
            assert sizes == list(layer_sizes(self.model.hidden_layer_sizes))
            assert self.model.solver in ("auto", self.model.solver_)
            if continuing:
                assert self.model.n_iter_ == n_iter + 1
        self._read_all(args[0])

    @rule(data=st.data())
    def set_params(self, data):
        name = data.draw(st.sampled_from(sorted(self.grid)))
        value = data.draw(st.sampled_from(self.grid[name]))
        self.model.set_params(**{name: value})

    @rule()
    def clone_model(self):
        self.model = clone(self.model)

    @rule(data=st.data(), how=st.sampled_from(["save", "pickle"]))
    def round_trip(self, data, how):
        if how == "save":
            buffer = io.BytesIO()
            dbn.save(self.model, buffer)
            buffer.seek(0)
            copy_ = dbn.load(buffer)
        else:
            copy_ = pickle.loads(pickle.dumps(self.model))
        _same(copy_, self.model, f"{how} and load changed the model")
        if _fitted(self.model) and hasattr(self.model, "partial_fit"):
            args = self._fit_args(data)
            kwargs = {"classes": CLASSES} if is_classifier(self.model) else {}
            ok = _calls(lambda: self.model.partial_fit(*args, **kwargs))
            assert _calls(lambda: copy_.partial_fit(*args, **kwargs)) == ok
            _same(copy_, self.model, f"after {how}, partial_fit continued differently")
        self.model = copy_

    @rule(data=st.data())
    def read(self, data):
        methods = _read_methods(self.model)
        name = data.draw(st.sampled_from(sorted(methods)))
        X, y = data.draw(datasets(self.target))
        if name == "inverse_transform" and _fitted(self.model):
            X = np.asarray(X.todense() if sp.issparse(X) else X)[:, :1].repeat(
                self.model._n_features_out, axis=1)

        def call():
            _finite(methods[name](X))
        self._guarded(call)
        if y is not None and hasattr(self.model, "score"):
            self._guarded(lambda: _finite(np.asarray(self.model.score(X, y))))

    def _read_all(self, X):
        for name, method in _read_methods(self.model).items():
            if name == "inverse_transform":
                continue
            assert _calls(lambda m=method: _finite(m(X))), f"{name} failed on training data"

    @invariant()
    def params_are_valid_or_refused(self):
        # get_params always works and clone always works, whatever happened.
        clone(self.model)


def _machine(name):
    machine = type(f"{name}Machine", (_Machine,), {"spec": name})
    machine.TestCase.settings = settings(
        max_examples=EXAMPLES, stateful_step_count=8, deadline=None,
        suppress_health_check=list(HealthCheck))
    return machine


@pytest.mark.parametrize("name", sorted(SPECS))
def test_call_sequences(name):
    _machine(name).TestCase().runTest()
    print(f"{name}: {SEQUENCES.get(name, 0)} call sequences")
