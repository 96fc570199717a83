"""dbn.save / dbn.load: exact round trips, and files that cannot run code."""

import io
import json
import pickle
import zipfile

import joblib
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression

import dbn
from dbn import (
    DBN,
    BernoulliRBM,
    DBNAutoencoder,
    DBNClassifier,
    DBNRegressor,
    GaussianRBM,
    GenerativeDBNClassifier,
    ModelFileError,
    RBMClassifier,
)

from .state import same_state

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


ESTIMATORS = [
    BernoulliRBM(8, n_iter=2, persistent=True, random_state=0),
    BernoulliRBM(8, n_iter=2, hidden_units="relu", learning_rate=0.01, random_state=1),
    GaussianRBM(8, n_iter=2, learn_variance=True, random_state=0),
    DBN((8, 4), pretrain_epochs=1, random_state=0),
    DBNClassifier((8, 4), pretrain_epochs=1, max_iter=3, random_state=0),
    DBNClassifier((8,), pretrain_epochs=0, max_iter=3, early_stopping=True, random_state=0),
    DBNRegressor((8,), pretrain_epochs=1, max_iter=3, random_state=0),
    DBNAutoencoder((8, 3), pretrain_epochs=1, max_iter=3, random_state=0),
    RBMClassifier(8, n_iter=2, random_state=0),
    GenerativeDBNClassifier((8, 4), top_components=8, pretrain_epochs=1, updown_epochs=2,
                            random_state=0),
]


def _fit(est, X, y):
    return est.fit(X, y) if hasattr(est, "predict") else est.fit(X)


def _outputs(est, X):
    if hasattr(est, "predict_proba"):
        return [est.predict(X), est.predict_proba(X)]
    if hasattr(est, "predict"):
        return [est.predict(X)]
    out = [est.transform(X)]
    if isinstance(est, DBNAutoencoder):
        out.append(est.inverse_transform(out[0]))
    if hasattr(est, "free_energy"):
        out.append(est.free_energy(X))
    return out


def _round_trip(est, tmp_path):
    path = tmp_path / "model.dbn"
    dbn.save(est, path)
    return dbn.load(path)


@pytest.mark.parametrize("est", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_round_trip_gives_identical_state_and_outputs(est, small_digits, tmp_path):
    X, y = small_digits
    fitted = _fit(est, X, y)
    loaded = _round_trip(fitted, tmp_path)
    assert same_state(fitted, loaded) is None, same_state(fitted, loaded)
    for a, b in zip(_outputs(fitted, X), _outputs(loaded, X), strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    # and pickle / joblib keep working for scikit-learn users
    unpickled = pickle.loads(pickle.dumps(fitted))
    assert same_state(fitted, unpickled) is None
    joblib.dump(fitted, tmp_path / "model.joblib")
    assert same_state(fitted, joblib.load(tmp_path / "model.joblib")) is None


@pytest.mark.parametrize("est", ESTIMATORS[:3], ids=lambda e: type(e).__name__)
def test_training_continues_exactly_after_a_round_trip(est, small_digits, tmp_path):
    X, _ = small_digits
    fitted = est.fit(X)
    loaded = _round_trip(fitted, tmp_path)
    fitted.partial_fit(X)
    loaded.partial_fit(X)
    diff = same_state(fitted, loaded, ignore=("epoch_time",))
    assert diff is None, diff


def test_numpy_scalars_and_special_floats_keep_their_types(tmp_path):
    est = BernoulliRBM(random_state=0)
    est.extra_ = {"f64": np.float64(0.1), "f32": np.float32(-0.0), "i": np.int64(-3),
                  "b": np.bool_(True), "s": np.str_("x"), "nan": float("nan"),
                  "inf": -np.inf, "big": 2**70, "tuple": (1, "a", None)}
    loaded = _round_trip(est, tmp_path)
    assert same_state(est, loaded) is None, same_state(est, loaded)
    for key, value in est.extra_.items():
        assert type(loaded.extra_[key]) is type(value), key


def test_unfitted_estimator_round_trips(tmp_path):
    est = DBNClassifier(hidden_layer_sizes=[7, 3], alpha=1e-3, random_state=5)
    loaded = _round_trip(est, tmp_path)
    assert same_state(est, loaded) is None
    assert loaded.get_params()["hidden_layer_sizes"] == [7, 3]
    with pytest.raises(NotFittedError):
        loaded.predict(np.zeros((1, 4)))


def test_string_labels_random_state_objects_and_file_objects(small_digits):
    X, y = small_digits
    labels = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven",
                       "eight", "nine"])[y]
    for classes in (labels, labels.astype(object)):
        est = DBNClassifier((8,), pretrain_epochs=1, max_iter=2,
                            random_state=np.random.RandomState(3)).fit(X, classes)
        buffer = io.BytesIO()
        dbn.save(est, buffer)
        buffer.seek(0)
        loaded = dbn.load(buffer)
        assert same_state(est, loaded) is None, same_state(est, loaded)
        np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
        assert loaded.classes_.dtype == classes.dtype
    rbm = BernoulliRBM(4, n_iter=1, random_state=np.random.default_rng(7))
    buffer = io.BytesIO()
    dbn.save(rbm, buffer)
    buffer.seek(0)
    assert same_state(rbm, dbn.load(buffer)) is None


def test_transfer_estimator_with_frozen_pretrained_dbn_round_trips(small_digits, tmp_path):
    X, y = small_digits
    base = DBN((8,), pretrain_epochs=1, random_state=0).fit(X)
    net = DBNClassifier((8, 4), pretrained=FrozenEstimator(base), frozen_layers=1,
                        pretrain_epochs=1, max_iter=2, random_state=0).fit(X, y)
    loaded = _round_trip(net, tmp_path)
    assert same_state(net, loaded) is None, same_state(net, loaded)
    assert isinstance(loaded.pretrained, FrozenEstimator)
    np.testing.assert_array_equal(loaded.predict_proba(X), net.predict_proba(X))


def test_save_refuses_what_it_cannot_represent(tmp_path):
    with pytest.raises(TypeError, match="LogisticRegression is not a dbn estimator"):
        dbn.save(LogisticRegression(), tmp_path / "x.dbn")
    est = BernoulliRBM(random_state=0)
    est.extra_ = object()
    with pytest.raises(TypeError, match=r"estimator\.extra_.*type object"):
        dbn.save(est, tmp_path / "x.dbn")
    assert not list(tmp_path.iterdir()), "a failed save must leave no file behind"


def test_failed_save_leaves_an_existing_file_intact(small_digits, tmp_path):
    X, _ = small_digits
    path = tmp_path / "model.dbn"
    good = BernoulliRBM(4, n_iter=1, random_state=0).fit(X)
    dbn.save(good, path)
    before = path.read_bytes()
    bad = BernoulliRBM(random_state=0)
    bad.extra_ = object()
    with pytest.raises(TypeError):
        dbn.save(bad, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.dbn"]


# ------------------------------------------------------- damaged and foreign files


@pytest.fixture(scope="module")
def model_bytes(small_digits):
    X, _ = small_digits
    buffer = io.BytesIO()
    dbn.save(BernoulliRBM(4, n_iter=1, random_state=0).fit(X), buffer)
    return buffer.getvalue()


def _rewrite(model_bytes, edit_manifest=None, extra=None, drop=()):
    """A copy of a model file with its manifest edited / members added or dropped."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(model_bytes)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            content = src.read(info)
            if info.filename == "dbn-model.json" and edit_manifest:
                manifest = json.loads(content)
                edit_manifest(manifest)
                content = json.dumps(manifest)
            dst.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def _load_bytes(content, tmp_path):
    path = tmp_path / "bad.dbn"
    path.write_bytes(content)
    return dbn.load(path)


def _newer(manifest):
    manifest["format_version"] = 99
    manifest["dbn_version"] = "9.0"


def _class(name):
    def edit(manifest):
        manifest["estimator"]["class"] = name
    return edit


def _attribute(name):
    def edit(manifest):
        manifest["estimator"]["attributes"][name] = 1
    return edit


def _npz_bytes():
    buffer = io.BytesIO()
    np.savez(buffer, weights=np.ones(3))
    return buffer.getvalue()


def _npy_claiming(shape):
    """An .npy member whose header declares ``shape`` but holds 8 bytes."""
    header = {"descr": "<f8", "fortran_order": False, "shape": shape}
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue() + b"\0" * 8


BAD_FILES = [
    ("empty", lambda m: b"", "empty, truncated, or not a ZIP"),
    ("truncated", lambda m: m[: len(m) // 2], "empty, truncated, or not a ZIP"),
    ("text", lambda m: b"hello, world\n" * 10, "not a ZIP"),
    ("pickle", lambda m: pickle.dumps(BernoulliRBM()), "not a ZIP"),
    ("foreign npz", lambda m: _npz_bytes(), "no dbn-model.json"),
    ("newer format", lambda m: _rewrite(m, _newer), "dbn 9.0 in model format 99.*Upgrade"),
    ("wrong format name", lambda m: _rewrite(m, lambda d: d.update(format="x")),
     "does not declare format"),
    ("unknown class", lambda m: _rewrite(m, _class("os.system")), "not a dbn estimator"),
    ("dunder attribute", lambda m: _rewrite(m, _attribute("__class__")), "not allowed"),
    ("method attribute", lambda m: _rewrite(m, _attribute("transform")), "not allowed"),
    ("missing array", lambda m: _rewrite(m, drop=("arrays/0.npy",)), "arrays/0.npy is missing"),
    ("array larger than its member", lambda m: _rewrite(
        m, drop=("arrays/0.npy",), extra={"arrays/0.npy": _npy_claiming((2**41,))}),
     r"declares shape \(2199023255552,\)"),
    ("array smaller than its member", lambda m: _rewrite(
        m, drop=("arrays/0.npy",), extra={"arrays/0.npy": _npy_claiming((0,))}),
     "holds 8"),
    ("manifest not json", lambda m: _rewrite(m, drop=("dbn-model.json",),
                                             extra={"dbn-model.json": "{"}), "cannot be read"),
]


@pytest.mark.parametrize("name,damage,match", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_damaged_or_foreign_files_get_a_clear_error(name, damage, match, model_bytes,
                                                    tmp_path):
    with pytest.raises(ModelFileError, match=match):
        _load_bytes(damage(model_bytes), tmp_path)


def test_any_damaged_byte_gives_a_clear_error_or_the_same_model(model_bytes):
    original = dbn.load(io.BytesIO(model_bytes))
    rng = np.random.default_rng(0)
    loaded = 0
    for position in rng.choice(len(model_bytes), size=300, replace=False):
        damaged = bytearray(model_bytes)
        damaged[position] ^= int(rng.integers(1, 256))
        try:
            est = dbn.load(io.BytesIO(bytes(damaged)))
        except ModelFileError:
            continue
        # only bytes the format does not rely on (e.g. ZIP timestamps) may change
        assert same_state(original, est) is None, position
        loaded += 1
    assert loaded < 100
    for length in range(0, len(model_bytes), 97):
        with pytest.raises(ModelFileError):
            dbn.load(io.BytesIO(model_bytes[:length]))


_EXPLOITED = []


class _Payload:
    def __reduce__(self):
        return (_EXPLOITED.append, ("code ran",))


def test_a_pickle_inside_a_model_file_is_never_unpickled(model_bytes, tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.array([_Payload()], dtype=object), allow_pickle=True)
    # Overwrite the first array with an object array that would run code.
    content = _rewrite(model_bytes, drop=("arrays/0.npy",),
                       extra={"arrays/0.npy": buffer.getvalue()})
    with pytest.raises(ModelFileError, match="arrays/0.npy cannot be read"):
        _load_bytes(content, tmp_path)
    assert _EXPLOITED == []


def test_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        dbn.load(tmp_path / "nope.dbn")
    with pytest.raises(IsADirectoryError):
        dbn.load(tmp_path)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["type", "value", "index", "items", "class", "params", "attributes",
                         "shape", "state", "n_components", "x"]), inner, max_size=5),
    max_leaves=20,
)
NODE_TYPES = ["int", "float", "array", "scalar", "object_array", "list", "tuple", "dict",
              "generator", "random_state", "estimator", "pickle"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=JSON, kind=st.sampled_from(NODE_TYPES))
def test_any_manifest_gives_an_estimator_or_a_model_file_error(model_bytes, tree, kind):
    def edit(manifest):
        node = dict(tree) if isinstance(tree, dict) else {"items": tree}
        node.setdefault("type", kind)
        manifest["estimator"]["attributes"]["components_"] = node
        manifest["estimator"]["params"]["n_components"] = tree

    try:
        est = dbn.load(io.BytesIO(_rewrite(model_bytes, edit)))
    except ModelFileError as exc:
        assert "not a valid dbn model file" in str(exc)
        return
    assert np.isfinite(est.transform(np.full((2, 64), 0.5))).all()


BROKEN_MODELS = [
    ("negative n_components", lambda m: m["estimator"]["params"].update(
        n_components={"type": "int", "value": "-2"}),
     "invalid parameter"),
    ("components_ a list", lambda m: m["estimator"]["attributes"].update(
        components_={"type": "list", "items": []}),
     "components_ is not a finite float32 or float64 array"),
    ("components_ swapped", lambda m: m["estimator"]["attributes"].update(
        components_=m["estimator"]["attributes"]["intercept_visible_"]), "shape"),
    ("n_features_in_ off", lambda m: m["estimator"]["attributes"].update(
        n_features_in_={"type": "int", "value": "3"}), "shape"),
    ("velocity swapped", lambda m: m["estimator"]["attributes"]["_training_state"]["fields"][
        "items"].update(velocity=m["estimator"]["attributes"]["components_"]),
     "_training_state.velocity"),
    ("rng not a generator", lambda m: m["estimator"]["attributes"]["_training_state"][
        "fields"]["items"].update(rng={"type": "int", "value": "3"}),
     "_training_state.rng"),
    ("unknown training state field", lambda m: m["estimator"]["attributes"][
        "_training_state"]["fields"]["items"].update(params={"type": "int", "value": "3"}),
     "unknown fields"),
    ("training state not a state", lambda m: m["estimator"]["attributes"].update(
        _training_state={"type": "int", "value": "3"}), "not an RBM training state"),
]


def test_files_with_the_former_loose_training_state_still_load(model_bytes, small_digits):
    """Files written before the training state became one object kept it in
    loose attributes; they load into the same model, which trains on alike."""
    def loosen(m):
        attributes = m["estimator"]["attributes"]
        kept = attributes.pop("_training_state")["fields"]["items"]
        for new, node in kept.items():
            attributes["_rng" if new == "rng" else f"_{new}"] = node

    reference = dbn.load(io.BytesIO(model_bytes))
    legacy = dbn.load(io.BytesIO(_rewrite(model_bytes, loosen)))
    assert same_state(reference, legacy) is None
    X, _ = small_digits
    assert same_state(reference.partial_fit(X), legacy.partial_fit(X),
                      ignore=("epoch_time",)) is None


@pytest.mark.parametrize("name,edit,match", BROKEN_MODELS, ids=[c[0] for c in BROKEN_MODELS])
def test_inconsistent_models_are_refused_at_load(model_bytes, name, edit, match):
    with pytest.raises(ModelFileError, match=match):
        dbn.load(io.BytesIO(_rewrite(model_bytes, edit)))


@pytest.mark.parametrize("est", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_load_checks_every_estimator_kind(est, small_digits):
    # every fitted kind passes the consistency check it gets at load...
    X, y = small_digits
    fitted = _fit(est, X, y)
    buffer = io.BytesIO()
    dbn.save(fitted, buffer)
    loaded = dbn.load(io.BytesIO(buffer.getvalue()))
    assert same_state(fitted, loaded) is None
    assert dbn._utils.schema.check(loaded) is None
    # ...and fails it once a fitted array loses its shape
    broken = dbn.load(io.BytesIO(buffer.getvalue()))
    target = broken.rbms_[0] if isinstance(broken, DBN) else broken
    if hasattr(target, "coefs_"):
        target.coefs_[0] = target.coefs_[0][:, :-1]
    elif isinstance(target, GenerativeDBNClassifier):
        target.generative_coefs_[0] = target.generative_coefs_[0][:-1]
        assert dbn._utils.schema.check(broken) is not None
        target = dbn.load(io.BytesIO(buffer.getvalue()))
        broken = target
        target.top_.components_ = target.top_.components_[:, :-1]
    else:
        target.components_ = target.components_[:-1]
    assert dbn._utils.schema.check(broken) is not None


@pytest.mark.parametrize("est, edit", [
    (ESTIMATORS[4], lambda e: setattr(e, "out_activation_", "relu")),
    (ESTIMATORS[6], lambda e: setattr(e, "out_activation_", "sigmoid")),
    (ESTIMATORS[7], lambda e: setattr(e, "out_activation_", "softmax")),
    (ESTIMATORS[9], lambda e: setattr(e, "rbms_", [])),
    (ESTIMATORS[9], lambda e: setattr(e, "visible_units_", "relu")),
    (ESTIMATORS[0], lambda e: setattr(e, "mean_", np.zeros(e.n_features_in_))),
], ids=["classifier-output", "regressor-output", "autoencoder-output", "gdbn-rbms",
        "gdbn-visible", "bernoulli-mean"])
def test_load_refuses_attributes_that_do_not_fit_the_model(est, edit, small_digits):
    """What inference relies on besides the arrays: output units, the layers
    below a generative top, a Bernoulli RBM without standardisation."""
    X, y = small_digits
    fitted = _fit(clone(est), X, y)
    edit(fitted)
    buffer = io.BytesIO()
    dbn.save(fitted, buffer)
    with pytest.raises(dbn.ModelFileError):
        dbn.load(io.BytesIO(buffer.getvalue()))
