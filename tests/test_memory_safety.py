"""What reaches the Numba kernels (which do not check bounds) is checked in
Python first: edited model files, reassigned attributes, odd array-likes.

Each case here read or wrote past an array (seen with NUMBA_BOUNDSCHECK=1)
or crashed inside Numba before it was guarded.
"""

import io
import json
import warnings
import zipfile

import numpy as np
import pytest

import dbn
from dbn import DBN, BernoulliRBM, DBNClassifier, DBNRegressor, GaussianRBM, RBMClassifier
from dbn.exceptions import ModelFileError

X = np.random.default_rng(0).random((30, 5))


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _edited(est, edit):
    """``est`` saved, its manifest and arrays changed by ``edit(tree, arrays)``,
    written back: the bytes of a hand-edited model file."""
    buffer = io.BytesIO()
    dbn.save(est, buffer)
    with zipfile.ZipFile(buffer) as zf:
        manifest = json.loads(zf.read("dbn-model.json"))
        arrays = {int(n.split("/")[1][:-4]): np.lib.format.read_array(io.BytesIO(zf.read(n)))
                  for n in zf.namelist() if n.startswith("arrays/")}
    edit(manifest["estimator"], arrays)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("dbn-model.json", json.dumps(manifest))
        for i, a in arrays.items():
            b = io.BytesIO()
            np.lib.format.write_array(b, a)
            zf.writestr(f"arrays/{i}.npy", b.getvalue())
    out.seek(0)
    return out


def _set_attribute(name, value):
    def edit(tree, arrays):
        index = max(arrays) + 1
        arrays[index] = value
        tree["attributes"][name] = {"type": "array", "index": index}
    return edit


def _array_of(tree, name):
    return tree["attributes"][name]["index"]


def test_targets_narrower_than_the_output_layer_never_reach_the_kernels():
    clf = _quiet(DBNClassifier((4,), pretrain_epochs=1, max_iter=2, random_state=0).fit,
                 X, np.arange(30) % 3)
    with pytest.raises(ModelFileError, match="classes_"):
        dbn.load(_edited(clf, _set_attribute("classes_", np.array([0, 1]))))
    # The same reached in memory: refused before the output kernel.
    clf.classes_ = np.array([0, 1])
    with pytest.raises(ValueError, match="targets have 1 column.*3 output"):
        clf.partial_fit(X, np.arange(30) % 2)

    reg = _quiet(DBNRegressor((4,), pretrain_epochs=1, max_iter=2, random_state=0).fit,
                 X, X[:, :3])
    with pytest.raises(ModelFileError, match="_y_mean"):
        dbn.load(_edited(reg, _set_attribute("_y_mean", np.zeros(1))))
    with pytest.raises(ModelFileError, match="_y_scale.*not positive"):
        dbn.load(_edited(reg, _set_attribute("_y_scale", np.array([1.0, 0.0, 1.0]))))


def test_sampling_needs_the_sorted_classes_fit_made():
    clf = _quiet(RBMClassifier(8, n_iter=1, random_state=0).fit, X, np.arange(30) % 2)
    assert clf.sample(2, y=1, n_steps=2).shape == (2, 5)
    with pytest.raises(ModelFileError, match="sorted"):
        dbn.load(_edited(clf, _set_attribute("classes_", np.array([1, 0]))))
    clf.classes_ = np.array(["dog", "cat"])
    with pytest.raises(ValueError, match="classes_ is not the sorted array"):
        clf.sample(2, y="dog", n_steps=2)


def test_a_saved_model_with_parameters_changed_after_fitting_loads():
    clf = _quiet(RBMClassifier(8, n_iter=1, random_state=0).fit, X, np.arange(30) % 2)
    clf.set_params(n_components=16)
    buffer = io.BytesIO()
    dbn.save(clf, buffer)
    buffer.seek(0)
    loaded = dbn.load(buffer)
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))


@pytest.mark.parametrize("name, dtype", [("velocity", ">f4"), ("hidden_mean", np.float16)])
def test_training_state_arrays_of_another_dtype_are_refused_on_load(name, dtype):
    rbm = _quiet(BernoulliRBM(4, n_iter=1, persistent=True, random_state=0).fit, X)

    def edit(tree, arrays):
        index = tree["attributes"]["_training_state"]["fields"]["items"][name]["index"]
        arrays[index] = arrays[index].astype(dtype)
    with pytest.raises(ModelFileError, match=name):
        dbn.load(_edited(rbm, edit))


@pytest.mark.parametrize("name", ["sigma_", "scale_"])
def test_gaussian_scales_must_be_positive(name):
    rbm = _quiet(GaussianRBM(4, n_iter=1, random_state=0).fit, X * 10)

    def edit(tree, arrays):
        arrays[_array_of(tree, name)][0] = 0.0
    with pytest.raises(ModelFileError, match=f"{name}.*not positive"):
        dbn.load(_edited(rbm, edit))


class _LazyArray:
    """An array-like that is not an ndarray (an HDF5 dataset, say)."""

    def __init__(self, array):
        self.array = array
        self.shape = array.shape
        self.dtype = array.dtype
        self.ndim = array.ndim

    def __len__(self):
        return len(self.array)

    def __getitem__(self, key):
        return self.array[key]


@pytest.mark.parametrize("dtype", [">f8", ">f4", np.float16])
def test_lazy_inputs_of_any_float_dtype_train(dtype):
    lazy = _LazyArray(X.astype(dtype))
    rbm = _quiet(BernoulliRBM(4, n_iter=1, random_state=0).fit, lazy)
    native = X.astype(dtype).astype(np.float64 if "8" in str(dtype) else np.float32)
    same = _quiet(BernoulliRBM(4, n_iter=1, random_state=0).fit, _LazyArray(native))
    np.testing.assert_array_equal(rbm.components_, same.components_)


@pytest.mark.parametrize("name, value", [("hidden_units", "relu"),
                                         ("visible_units", "gaussian"),
                                         ("persistent", True)])
def test_dbn_partial_fit_refuses_a_changed_stack(name, value):
    model = DBN((4, 3), pretrain_epochs=1, random_state=0).partial_fit(X)
    with pytest.raises(ValueError, match=f"{name}=.*partial_fit started the stack"):
        model.set_params(**{name: value}).partial_fit(X)


def test_dbn_partial_fit_applies_new_training_settings():
    a = DBN((4, 3), random_state=0).partial_fit(X)
    b = DBN((4, 3), random_state=0).partial_fit(X)
    a.set_params(pretrain_learning_rate=0.5, cd_steps=3).partial_fit(X)
    b.partial_fit(X)
    assert [r.learning_rate for r in a.rbms_] == [0.5, 0.5]
    assert [r.cd_steps for r in a.rbms_] == [3, 3]
    assert not np.array_equal(a.rbms_[0].components_, b.rbms_[0].components_)


def test_partial_fit_classes_must_be_one_dimensional():
    with pytest.raises(ValueError, match="classes must be a 1-D"):
        DBNClassifier((4,), pretrain_epochs=1).partial_fit(X, np.arange(30) % 3,
                                                           classes=[[0, 1, 2]])
