"""Bad input gets a clear ValueError/TypeError/NotFittedError from every estimator
and method: never a Numba typing error, a crash, a hang or a model full of NaN.

The tables below are the contract; hypothesis explores beyond them.
"""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from numpy.testing import assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import type_of_target

from dbn import (
    DBN,
    BernoulliRBM,
    DBNAutoencoder,
    DBNClassifier,
    DBNRegressor,
    DivergenceError,
    GaussianRBM,
    GenerativeDBNClassifier,
    RBMClassifier,
)

GOOD = np.random.default_rng(0).random((30, 5))
LABELS = np.arange(30) % 3

FACTORIES = {
    "BernoulliRBM": lambda **kw: BernoulliRBM(**{"n_components": 3, "n_iter": 1,
                                                 "random_state": 0, **kw}),
    "GaussianRBM": lambda **kw: GaussianRBM(**{"n_components": 3, "n_iter": 1,
                                               "learn_variance": True, "random_state": 0,
                                               **kw}),
    "DBN": lambda **kw: DBN(**{"hidden_layer_sizes": (3, 2), "pretrain_epochs": 1,
                               "random_state": 0, **kw}),
    "DBNClassifier": lambda **kw: DBNClassifier(**{"hidden_layer_sizes": (3,),
                                                   "pretrain_epochs": 1, "max_iter": 2,
                                                   "random_state": 0, **kw}),
    "DBNRegressor": lambda **kw: DBNRegressor(**{"hidden_layer_sizes": (3,),
                                                 "pretrain_epochs": 1, "max_iter": 2,
                                                 "random_state": 0, **kw}),
    "DBNAutoencoder": lambda **kw: DBNAutoencoder(**{"hidden_layer_sizes": (3, 2),
                                                     "pretrain_epochs": 1, "max_iter": 2,
                                                     "random_state": 0, **kw}),
    "RBMClassifier": lambda **kw: RBMClassifier(**{"n_components": 3, "n_iter": 1,
                                                   "random_state": 0, **kw}),
    "GenerativeDBNClassifier": lambda **kw: GenerativeDBNClassifier(
        **{"hidden_layer_sizes": (3,), "top_components": 4, "pretrain_epochs": 1,
           "updown_epochs": 1, "random_state": 0, **kw}),
}
SUPERVISED = {"DBNClassifier", "DBNRegressor", "RBMClassifier", "GenerativeDBNClassifier"}
RBM_METHODS = ["transform", "score_samples", "free_energy", "gibbs", "reconstruct",
               "log_likelihood", "partial_fit"]
METHODS = {
    "BernoulliRBM": RBM_METHODS,
    "GaussianRBM": RBM_METHODS,
    "DBN": ["transform"],
    "DBNClassifier": ["predict", "predict_proba", "predict_log_proba", "score"],
    "DBNRegressor": ["predict", "score"],
    "DBNAutoencoder": ["transform", "score"],
    "RBMClassifier": ["predict", "predict_proba", "predict_log_proba", "score"],
    "GenerativeDBNClassifier": ["predict", "predict_proba", "predict_log_proba", "score"],
}
METHOD_CASES = [(name, m) for name, methods in METHODS.items() for m in methods]


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


_DEFAULT = object()


def _fit(name, est, X, y=_DEFAULT):
    """Fit; supervised estimators get ``LABELS`` unless ``y`` is given (even None)."""
    if name in SUPERVISED:
        return _quiet(est.fit, X, LABELS[: X.shape[0]] if y is _DEFAULT else y)
    return _quiet(est.fit, X)


def _call(est, method, X):
    if method == "score":
        return getattr(est, method)(X, LABELS[: np.shape(X)[0]] if np.ndim(X) else LABELS)
    return _quiet(getattr(est, method), X)


@pytest.fixture(scope="module")
def fitted():
    return {name: _fit(name, make(), GOOD) for name, make in FACTORIES.items()}


def _with(value, X=GOOD, where=None):
    X = X.copy()
    X[X > 0.9 if where is None else where] = value
    return X


X_CASES = [
    ("NaN", _with(np.nan), ValueError, "NaN"),
    ("+inf", _with(np.inf), ValueError, "infinity"),
    ("-inf", _with(-np.inf), ValueError, "infinity"),
    ("sparse NaN", sp.csr_matrix(_with(np.nan)), ValueError, "NaN"),
    ("sparse inf", sp.csr_matrix(_with(np.inf)), ValueError, "infinity"),
    ("empty", np.empty((0, 5)), ValueError, "0 sample"),
    ("no features", np.empty((5, 0)), ValueError, "0 feature"),
    ("scalar", 3.0, ValueError, "2D array"),
    ("1-D", GOOD[0], ValueError, "2D array"),
    ("3-D", GOOD.reshape(3, 10, 5), ValueError, "dim 3"),
    ("strings", np.array([["a", "b"], ["c", "d"]]), ValueError, "string to float"),
    ("complex", GOOD + 1j, ValueError, "[Cc]omplex"),
    ("object", np.array([[object(), 1.0]], dtype=object), TypeError, "real number"),
    ("ragged", [[1.0, 2.0], [3.0]], ValueError, "inhomogeneous|sequence"),
    ("None", None, ValueError, "2D array|None"),
]
X_IDS = [c[0] for c in X_CASES]


@pytest.mark.parametrize("case", X_CASES, ids=X_IDS)
@pytest.mark.parametrize("name", FACTORIES)
def test_fit_rejects_bad_X(name, case):
    _, X, error, match = case
    with pytest.raises(error, match=match):
        _fit(name, FACTORIES[name](), X, LABELS)


@pytest.mark.parametrize("case", X_CASES, ids=X_IDS)
@pytest.mark.parametrize("name,method", METHOD_CASES)
def test_methods_reject_bad_X(fitted, name, method, case):
    _, X, error, match = case
    if method == "score" and case[0] in ("scalar", "None"):
        match = match + "|Singleton|length|scalar"
        error = (ValueError, TypeError)
    with pytest.raises(error, match=match):
        _call(fitted[name], method, X)


@pytest.mark.parametrize("name,method", METHOD_CASES)
def test_methods_reject_the_wrong_width(fitted, name, method):
    for width in (4, 6):
        X = np.random.default_rng(1).random((30, width))
        with pytest.raises(ValueError, match=f"X has {width} features.* expecting 5"):
            _call(fitted[name], method, X)


UNFITTED = {
    "BernoulliRBM": [m for m in RBM_METHODS if m != "partial_fit"] + ["sample", "log_partition"],
    "GaussianRBM": [m for m in RBM_METHODS if m != "partial_fit"] + ["sample", "log_partition"],
    "DBN": ["transform", "sample"],
    "DBNClassifier": ["predict", "predict_proba", "predict_log_proba", "score", "to_mlp"],
    "DBNRegressor": ["predict", "score", "to_mlp"],
    "DBNAutoencoder": ["transform", "inverse_transform", "score"],
    "RBMClassifier": ["predict", "predict_proba", "predict_log_proba", "score", "sample"],
    "GenerativeDBNClassifier": ["predict", "predict_proba", "predict_log_proba", "score",
                                "sample"],
}


@pytest.mark.parametrize("name,method", [(n, m) for n, ms in UNFITTED.items() for m in ms])
def test_unfitted_use_is_a_not_fitted_error(name, method):
    est = FACTORIES[name]()
    with pytest.raises(NotFittedError, match="not fitted"):
        if method == "sample":
            est.sample(2)
        elif method in ("log_partition", "to_mlp"):
            getattr(est, method)()
        else:
            _call(est, method, GOOD)


def test_values_beyond_float32_are_refused_before_training():
    for name, make in FACTORIES.items():
        with pytest.raises(ValueError, match="float32's range"):
            _fit(name, make(), GOOD * 1e300)


# ------------------------------------------------------------------ labels

LABEL_CASES = [
    ("length mismatch", "DBNClassifier", LABELS[:10], "inconsistent numbers of samples"),
    ("length mismatch", "DBNRegressor", LABELS[:10], "inconsistent numbers of samples"),
    ("NaN", "DBNClassifier", np.where(LABELS == 1, np.nan, LABELS), "NaN"),
    ("NaN", "DBNRegressor", np.where(LABELS == 1, np.nan, LABELS), "NaN"),
    ("inf", "DBNRegressor", np.where(LABELS == 1, np.inf, LABELS), "infinity"),
    ("beyond float32", "DBNRegressor", np.where(LABELS == 1, -1e300, LABELS),
     "too large for the float32 output layer"),
    ("near float32's limit", "DBNRegressor", np.where(LABELS == 1, -3.4e38, 3.4e38),
     "too large for the float32 output layer"),
    ("None", "DBNClassifier", None, "requires y"),
    ("None", "DBNRegressor", None, "requires y"),
    ("one class", "DBNClassifier", np.zeros(30), "at least 2 classes"),
    ("None labels", "DBNClassifier", np.array([None, "a", "b"] * 10, dtype=object),
     "y contains None .*row 0.*unlabeled="),
    ("continuous", "DBNClassifier", np.linspace(0, 1, 30), "continuous"),
    ("2-D", "DBNClassifier", np.c_[LABELS, LABELS], "1d array"),
    ("strings", "DBNRegressor", np.array(list("abc") * 10), "string to float"),
    ("complex", "DBNRegressor", LABELS + 1j, "[Cc]omplex"),
    ("empty", "DBNRegressor", np.array([]), "0 sample"),
    ("length mismatch", "RBMClassifier", LABELS[:10], "inconsistent numbers of samples"),
    ("NaN", "RBMClassifier", np.where(LABELS == 1, np.nan, LABELS), "NaN"),
    ("one class", "RBMClassifier", np.zeros(30), "at least 2 classes"),
    ("continuous", "RBMClassifier", np.linspace(0, 1, 30), "continuous"),
    ("None", "RBMClassifier", None, "requires y"),
    ("one class", "GenerativeDBNClassifier", np.zeros(30), "at least 2 classes"),
    ("length mismatch", "GenerativeDBNClassifier", LABELS[:10], "inconsistent numbers"),
]


@pytest.mark.parametrize("case", LABEL_CASES, ids=[f"{c[1]}-{c[0]}" for c in LABEL_CASES])
def test_label_problems_are_named(case):
    _, name, y, match = case
    with pytest.raises(ValueError, match=match):
        _fit(name, FACTORIES[name](), GOOD, y)


def test_unlabeled_rows_problems_are_named():
    all_unlabeled = np.full(30, -1)
    with pytest.raises(ValueError, match="Every row is unlabeled"):
        _fit("DBNClassifier", FACTORIES["DBNClassifier"](unlabeled=-1), GOOD, all_unlabeled)
    one_class_left = np.where(LABELS == 0, 0, -1)
    with pytest.raises(ValueError, match="at least 2 classes"):
        _fit("DBNClassifier", FACTORIES["DBNClassifier"](unlabeled=-1), GOOD, one_class_left)


@pytest.mark.parametrize("name", ["DBNClassifier", "RBMClassifier", "GenerativeDBNClassifier"])
def test_unlabeled_marker_is_a_scalar_and_never_a_class(name):
    strings = np.array(["a", "b", "c"])[LABELS]
    # np.array(["a", -1]) holds the marker as the string '-1': not a class
    stringified = np.array([*strings[:25], *[-1] * 5])
    with pytest.raises(ValueError, match="unlabeled must be a scalar"):
        _fit(name, FACTORIES[name](unlabeled=[-1]), GOOD, LABELS)
    for y, marker in ((stringified, -1), (stringified, "-1"), (strings, -1), (LABELS, "?")):
        est = _fit(name, FACTORIES[name](unlabeled=marker), GOOD, y)
        assert list(est.classes_) == sorted(set(np.asarray(y).tolist()) - {"-1"})


def test_unlabeled_marker_among_partial_fit_classes_is_named():
    clf = FACTORIES["DBNClassifier"](unlabeled=-1)
    with pytest.raises(ValueError, match=r"classes=\[-1, 0, 1, 2\] holds the unlabeled marker"):
        _quiet(clf.partial_fit, GOOD, LABELS, classes=[-1, 0, 1, 2])


# -------------------------------------------------------------- parameters

PARAM_CASES = {
    "BernoulliRBM": [
        dict(n_components=0), dict(n_components=-3), dict(n_components=2.5),
        dict(learning_rate=0), dict(learning_rate=-0.1), dict(batch_size=0),
        dict(n_iter=-1), dict(cd_steps=0), dict(momentum=1.0), dict(momentum=-0.1),
        dict(weight_decay=-1e-4), dict(sparsity_target=0.0), dict(sparsity_target=1.0),
        dict(sparsity_cost=-1.0), dict(persistent="yes"), dict(random_state="seed"),
        dict(hidden_units="tanh"), dict(momentum_warmup=-1), dict(shuffle=None),
    ],
    "GaussianRBM": [dict(learning_rate=-1.0), dict(learn_variance="no"), dict(standardize="no"),
                    dict(n_components=0)],
    "DBN": [
        dict(hidden_layer_sizes=()), dict(hidden_layer_sizes=(0,)),
        dict(hidden_layer_sizes=(3, -1)), dict(hidden_layer_sizes=2.5),
        dict(hidden_layer_sizes=None), dict(pretrain_epochs=-1),
        dict(pretrain_learning_rate=-1.0), dict(pretrain_learning_rate="fast"),
        dict(pretrain_batch_size=0), dict(cd_steps=0), dict(pretrain_momentum=1.0),
        dict(pretrain_weight_decay=-1.0), dict(visible_units="poisson"),
    ],
    "DBNClassifier": [
        dict(hidden_layer_sizes=(0,)), dict(learning_rate_init=0.0),
        dict(learning_rate_init=-1.0), dict(batch_size=-5), dict(max_iter=0),
        dict(alpha=-1.0), dict(dropout=1.0), dict(input_dropout=-0.1),
        dict(frozen_layers=-1), dict(frozen_layers=2), dict(validation_fraction=1.0),
        dict(n_iter_no_change=0), dict(tol=-1.0), dict(momentum=1.5), dict(solver="lbfgs"),
        dict(early_stopping="yes"), dict(pretrain_epochs=-1),
        dict(learning_rate="invscaling"), dict(learning_rate_init="fast"),
        dict(visible_units="binary"),
    ],
    "DBNRegressor": [
        dict(hidden_layer_sizes=()), dict(learning_rate_init=-1.0), dict(frozen_layers=3),
        dict(alpha=-1.0), dict(solver="newton"), dict(learning_rate="adaptivee"),
    ],
    "DBNAutoencoder": [
        dict(hidden_layer_sizes=()), dict(code_units="relu"), dict(code_units=None),
        dict(frozen_layers=3), dict(max_iter=0), dict(solver="lbfgs"),
    ],
    "RBMClassifier": [
        dict(n_components=0), dict(objective="joint"), dict(generative_weight=-1.0),
        dict(unlabeled_weight=-0.1), dict(learning_rate=0.0), dict(batch_size=0),
        dict(n_iter=0), dict(cd_steps=0), dict(momentum=1.0), dict(visible_units="binary"),
    ],
    "GenerativeDBNClassifier": [
        dict(hidden_layer_sizes=()), dict(top_components=0), dict(pretrain_epochs=0),
        dict(updown_epochs=-1), dict(top_cd_steps=0), dict(top_cd_steps=(3, 0)),
        dict(top_cd_steps=()), dict(updown_learning_rate=0.0), dict(updown_momentum=1.0),
        dict(batch_size=0), dict(visible_units="binary"),
        dict(top_objective="discriminative"), dict(top_generative_weight=-0.5),
    ],
}


@pytest.mark.parametrize("name,params", [(n, p) for n, ps in PARAM_CASES.items() for p in ps],
                         ids=lambda v: str(v))
def test_invalid_parameters_are_named(name, params):
    key = next(iter(params))
    with pytest.raises(ValueError, match=key):
        _fit(name, FACTORIES[name](**params), GOOD)


@pytest.fixture(scope="module")
def stacks():
    return {
        "dbn4": _fit("DBN", DBN((4,), pretrain_epochs=1, random_state=0), GOOD),
        "narrow": _fit("DBN", DBN((3,), pretrain_epochs=1, random_state=0), GOOD[:, :4]),
        "relu": _fit("DBN", DBN((3,), hidden_units="relu", pretrain_epochs=1,
                                random_state=0), GOOD),
        "autoencoder": _fit("DBNAutoencoder", FACTORIES["DBNAutoencoder"](hidden_layer_sizes=3),
                            GOOD),
    }


PRETRAINED_CASES = [
    ("not an estimator", lambda s: "dbn", TypeError, "pretrained must be a fitted DBN"),
    ("foreign estimator", lambda s: LogisticRegression(), TypeError, "got LogisticRegression"),
    ("an RBM", lambda s: BernoulliRBM(3), TypeError, "got BernoulliRBM"),
    ("unfitted", lambda s: DBN((3,)), ValueError, "not fitted.*FrozenEstimator"),
    ("other layer sizes", lambda s: s["dbn4"], ValueError, r"hidden layers \(4,\)"),
    ("other width", lambda s: s["narrow"], ValueError, "takes 4 input features but X has 5"),
    ("other width, frozen", lambda s: FrozenEstimator(s["narrow"]), ValueError,
     "takes 4 input features"),
    ("other unit type", lambda s: s["relu"], ValueError, "hidden_units='relu'"),
    ("an autoencoder", lambda s: s["autoencoder"], TypeError, "got DBNAutoencoder"),
]


@pytest.mark.parametrize("case", PRETRAINED_CASES, ids=[c[0] for c in PRETRAINED_CASES])
@pytest.mark.parametrize("name", ["DBNAutoencoder", "DBNClassifier", "DBNRegressor"])
def test_pretrained_of_the_wrong_kind_or_width_is_named(stacks, name, case):
    _, make, error, match = case
    with pytest.raises(error, match=match):
        _fit(name, FACTORIES[name](pretrained=make(stacks)), GOOD)


# ------------------------------------------ held-out rows and method arguments


@pytest.mark.parametrize("name", ["BernoulliRBM", "GaussianRBM", "DBN"])
def test_bad_held_out_rows_are_named(name):
    for X_val, match in ((GOOD[:, :3], "X_val has 3 features"),
                         (_with(np.nan, GOOD[:5]), "X_val contains NaN"),
                         (GOOD[0], "2D array")):
        with pytest.raises(ValueError, match=match):
            _quiet(FACTORIES[name]().fit, GOOD, X_val=X_val)


@pytest.mark.parametrize("call,match", [
    (lambda f: f["BernoulliRBM"].sample(0), "n_samples"),
    (lambda f: f["BernoulliRBM"].sample("3"), "n_samples"),
    (lambda f: f["GaussianRBM"].sample(2, n_steps=-1), "n_steps"),
    (lambda f: f["DBN"].sample(2.5), "n_samples"),
    (lambda f: f["BernoulliRBM"].log_partition("magic"), "method"),
    (lambda f: f["BernoulliRBM"].log_partition("ais", n_chains=1), "n_chains"),
    (lambda f: f["BernoulliRBM"].log_partition("ais", n_betas=0), "n_betas"),
    (lambda f: f["BernoulliRBM"].set_params(n_components=4).partial_fit(GOOD), "n_components"),
], ids=["sample 0", "sample str", "n_steps", "dbn sample float", "log Z method",
        "ais chains", "ais betas", "partial_fit n_components"])
def test_bad_method_arguments_are_named(fitted, call, match):
    with pytest.raises(ValueError, match=match):
        call(fitted)
    fitted["BernoulliRBM"].set_params(n_components=3)


def test_exact_log_partition_refuses_to_enumerate_too_much():
    rbm = _quiet(BernoulliRBM(30, n_iter=1, random_state=0).fit,
                 np.random.default_rng(0).random((10, 30)))
    with pytest.raises(ValueError, match="ais"):
        rbm.log_partition()


# -------------------------------------------------------------- hypothesis

FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)
FLOAT32_MAX = float(np.finfo(np.float32).max)
CLASSIFIERS = {"DBNClassifier", "RBMClassifier", "GenerativeDBNClassifier"}


def _finite_outputs(name, est, X):
    X = np.clip(np.nan_to_num(X), -1e3, 1e3)
    out = est.predict(X) if name in SUPERVISED else est.transform(X)
    return np.isfinite(np.asarray(out, dtype=np.float64)).all()


def _value_problems(values, too_large, too_large_message):
    """Patterns of the messages that the NaN, infinite and too large entries
    of ``values`` earn."""
    values = np.asarray(values)
    if values.dtype.kind not in "fc":
        return []
    problems = []
    if np.isnan(values).any():
        problems.append("NaN")
    if np.isinf(values).any():
        problems.append("infinity")
    finite = np.abs(values[np.isfinite(values)])
    if finite.size and finite.max() > too_large:
        problems.append(too_large_message)
    return problems


def _x_problems(name, X, y):
    """Patterns of the messages that fitting ``name`` on ``(X, y)`` may earn."""
    X = np.asarray(X)
    problems = []
    if X.dtype.kind == "c":
        problems.append("Complex data not supported")
    if X.ndim == 0:
        problems.append("Expected 2D array, got scalar array")
        if name in SUPERVISED:
            problems.append("requires y")
    elif X.ndim == 1:
        problems.append("Expected 2D array, got 1D array")
    elif X.ndim > 2:
        problems.append(f"Found array with dim {X.ndim}")
    else:
        if X.shape[0] == 0:
            problems.append("0 sample")
        if X.shape[1] == 0:
            problems.append("0 feature")
        if name in CLASSIFIERS and len(np.unique(y)) < 2:
            problems.append("needs samples of at least 2 classes")
    if X.dtype.kind == "f":
        problems += _value_problems(X, FLOAT32_MAX, "beyond float32's range")
    return problems


def _assert_names_its_problem(exc, problems):
    """``exc`` is a DivergenceError that names the cure, or its message names
    one of the ``problems`` that the input really has."""
    message = str(exc)
    if isinstance(exc, DivergenceError):
        assert re.search(r"diverged.*learning.rate", message, re.S), message
        return
    assert problems, f"valid input refused: {type(exc).__name__}: {message}"
    assert any(re.search(p, message) for p in problems), \
        f"{message!r} names none of the input's problems {problems}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(FACTORIES)),
       X=arrays(np.float64, st.tuples(st.integers(1, 12), st.integers(1, 6)),
                elements=FLOATS),
       seed=st.integers(0, 2**16))
def test_any_float_matrix_gives_a_finite_model_or_a_clear_error(name, X, seed):
    y = np.random.default_rng(seed).integers(0, 2, len(X))
    problems = _x_problems(name, X, y)
    try:
        est = _fit(name, FACTORIES[name](), X, y)
    except ValueError as exc:  # includes DivergenceError
        _assert_names_its_problem(exc, problems)
        return
    assert not problems, f"fit accepted X with problems {problems}"
    assert _finite_outputs(name, est, X)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(FACTORIES)),
       X=arrays(st.sampled_from([np.float32, np.int64, np.bool_, np.complex128, np.uint8]),
                array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)))
def test_any_shape_and_dtype_gives_a_model_or_a_clear_error(name, X):
    y = np.arange(len(X)) % 2 if X.ndim else None
    problems = _x_problems(name, X, y)
    try:
        est = _fit(name, FACTORIES[name](), X, y)
    except (ValueError, TypeError) as exc:
        _assert_names_its_problem(exc, problems)
        return
    assert not problems, f"fit accepted X with problems {problems}"
    assert X.ndim == 2 and X.dtype.kind != "c"
    assert _finite_outputs(name, est, X.astype(np.float64))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(y=arrays(np.float64, st.sampled_from([(30,), (30, 1), (30, 2)]),
                elements=FLOATS | st.sampled_from([1e34, -1e34, 3.4e38, -3.4e38])))
def test_any_targets_give_a_finite_regressor_or_a_clear_error(y):
    reg = FACTORIES["DBNRegressor"]()
    problems = _value_problems(y, 1e34, "too large for the float32 output layer")
    try:
        _fit("DBNRegressor", reg, GOOD, y)
    except ValueError as exc:
        _assert_names_its_problem(exc, problems)
        return
    assert not problems, f"fit accepted y with problems {problems}"
    assert np.isfinite(reg.predict(GOOD)).all()
    assert np.isfinite(reg.predict(GOOD.astype(np.float32))).all()


def _label_problem(y, unlabeled):
    """The pattern of the one error that fitting a classifier on ``y`` earns
    (checked in this order), or None for usable labels."""
    if unlabeled is not None:
        # A number marks its spelling among strings; a string marks no number.
        marker = str(unlabeled) if y.dtype.kind == "U" else unlabeled
        if y.dtype.kind != "U" and isinstance(unlabeled, str):
            marker = None
        y = y[y != marker] if marker is not None else y
        if len(y) == 0:
            return "Every row is unlabeled"
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        return "y contains NaN or infinity"
    if type_of_target(y) == "continuous":
        return "Unknown label type: continuous"
    if len(np.unique(y)) < 2:
        return "needs samples of at least 2 classes"
    return None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(y=st.one_of(
    arrays(np.float64, 30, elements=FLOATS),
    arrays(np.int64, 30, elements=st.integers(-3, 3)),
    st.lists(st.sampled_from(["a", "b", "", "?"]), min_size=30, max_size=30).map(np.array),
), unlabeled=st.sampled_from([None, -1, "?"]))
def test_any_labels_give_a_classifier_or_a_clear_error(y, unlabeled):
    clf = FACTORIES["DBNClassifier"](unlabeled=unlabeled)
    problem = _label_problem(y, unlabeled)
    try:
        _fit("DBNClassifier", clf, GOOD, y)
    except ValueError as exc:
        assert problem is not None, f"usable labels refused: {exc}"
        assert re.search(problem, str(exc)), f"{str(exc)!r} does not name {problem!r}"
        return
    assert problem is None, f"fit accepted labels that earn {problem!r}"
    proba = clf.predict_proba(GOOD)
    assert np.isfinite(proba).all() and np.allclose(proba.sum(1), 1.0, atol=1e-5)
    assert set(clf.predict(GOOD)) <= set(clf.classes_)
    labeled = y if unlabeled is None else y[y != unlabeled]
    assert_array_equal(clf.classes_, np.unique(labeled))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_warnings_point_at_the_callers_line():
    """Warnings name the user's line, not a line inside dbn or scikit-learn."""
    from sklearn.exceptions import ConvergenceWarning, DataConversionWarning

    from dbn import DataRangeWarning

    cases = [
        (DataRangeWarning, lambda: BernoulliRBM(2, n_iter=1).fit(GOOD * 2)),
        (DataRangeWarning, lambda: BernoulliRBM(2, n_iter=1).partial_fit(GOOD * 2)),
        (DataRangeWarning,
         lambda: FACTORIES["DBN"](visible_units="bernoulli").fit(GOOD * 2)),
        (DataRangeWarning, lambda: FACTORIES["DBNClassifier"](
            visible_units="bernoulli").fit(GOOD * 2, LABELS)),
        (DataRangeWarning,
         lambda: FACTORIES["DBN"](visible_units="bernoulli").fit_transform(GOOD * 2)),
        (ConvergenceWarning, lambda: FACTORIES["DBNClassifier"]().fit(GOOD, LABELS)),
        (DataConversionWarning, lambda: FACTORIES["DBNRegressor"]().fit(GOOD, LABELS[:, None])),
    ]
    for category, call in cases:
        with pytest.warns(category) as record:
            call()
        assert {w.filename for w in record if w.category is category} == {__file__}


# ------------------------- malformed containers that would reach Numba unchecked


def _malformed_csr(indices, indptr):
    """A CSR matrix whose arrays were set after construction (scipy does not
    bounds-check them then)."""
    M = sp.csr_matrix((len(indptr) - 1, 5))
    M.data = np.ones(len(indices))
    M.indices = np.asarray(indices, dtype=np.int32)
    M.indptr = np.asarray(indptr, dtype=np.int32)
    return M


MALFORMED_CSR = [
    ("index past the last column", _malformed_csr([0, 1, 7], [0, 2, 3]),
     "column indices must be < 5 "),
    ("negative index", _malformed_csr([0, -1, 2], [0, 2, 3]), "column indices must be >= 0"),
    ("decreasing indptr", _malformed_csr([0, 1, 2], [0, 3, 2]), "non-decreasing"),
    ("indptr past the data", _malformed_csr([0, 1], [0, 2, 9]), "index pointer"),
]


@pytest.mark.parametrize("case", MALFORMED_CSR, ids=[c[0] for c in MALFORMED_CSR])
@pytest.mark.parametrize("name", FACTORIES)
def test_malformed_csr_is_refused_before_any_kernel_reads_it(fitted, name, case):
    _, M, match = case
    with pytest.raises(ValueError, match="malformed CSR matrix: .*" + match):
        _fit(name, FACTORIES[name](), M, LABELS[:2])
    method = METHODS[name][0]
    with pytest.raises(ValueError, match="malformed CSR"):
        _call(fitted[name], method, M)


class _LyingArray:
    """An array-like whose slices disagree with the shape it declares."""

    shape = (30, 5)
    dtype = np.dtype(np.float64)

    def __getitem__(self, key):
        return np.ones((key.stop - key.start, 9))


@pytest.mark.parametrize("name", FACTORIES)
def test_lazy_array_with_a_false_shape_is_refused(name):
    with pytest.raises(ValueError, match=r"has shape \(30, 9\), but X declares shape"):
        _fit(name, FACTORIES[name](), _LyingArray())
