"""Deployment through ONNX: ``to_mlp()`` converted by skl2onnx predicts what
the net predicts when run by onnxruntime. Skipped without the ``onnx`` extra
(``pip install "scikit-dbn[onnx]"``)."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits, make_regression

from dbn import DBNClassifier, DBNRegressor

skl2onnx = pytest.importorskip(
    "skl2onnx", reason="ONNX export needs skl2onnx: pip install 'scikit-dbn[onnx]'")
onnxruntime = pytest.importorskip(
    "onnxruntime", reason="ONNX export is checked in onnxruntime: pip install 'scikit-dbn[onnx]'")


def _session(mlp, X, **options):
    model = skl2onnx.to_onnx(mlp, X[:1], options=options or None)
    return onnxruntime.InferenceSession(model.SerializeToString(),
                                        providers=["CPUExecutionProvider"])


def _fit_quietly(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a few epochs: ConvergenceWarning
        return estimator.fit(X, y)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600].astype(np.float32), y[:600]


@pytest.mark.parametrize("labels", ["multiclass", "binary", "strings"])
@pytest.mark.parametrize("hidden_units", ["bernoulli", "relu"])
@pytest.mark.parametrize("hidden_layer_sizes", [(24,), (32, 16)])
@pytest.mark.parametrize("scale", [1 / 16, 1.0])  # [0, 1] pixels, and raw counts
def test_classifier_runs_the_same_in_onnxruntime(digits, labels, hidden_units,
                                                 hidden_layer_sizes, scale):
    X, y = digits
    X = X * np.float32(scale)
    y = {"multiclass": y, "binary": y % 2,
         "strings": np.array(["zero", "one", "two", "three", "four", "five", "six",
                              "seven", "eight", "nine"])[y]}[labels]
    clf = _fit_quietly(DBNClassifier(hidden_layer_sizes, hidden_units=hidden_units,
                                     pretrain_epochs=2, max_iter=5, random_state=0), X, y)
    session = _session(clf.to_mlp(), X, zipmap=False)
    label, proba = session.run(None, {session.get_inputs()[0].name: X})

    expected = clf.predict_proba(X)
    assert proba.shape == expected.shape
    assert_allclose(proba, expected, atol=2e-5)
    # Labels agree except where two classes tie to float32 precision.
    top2 = np.sort(expected, axis=1)[:, -2:]
    clear = np.abs(top2[:, 1] - top2[:, 0]) > 1e-4 if expected.shape[1] > 2 else \
        np.abs(expected[:, 1] - 0.5) > 1e-4
    assert clear.mean() > 0.9
    assert_array_equal(label[clear], clf.predict(X)[clear])


@pytest.mark.parametrize("n_targets", [1, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("y_scale", [1.0, 1e4])
def test_regressor_runs_the_same_in_onnxruntime(n_targets, dtype, y_scale):
    X, y = make_regression(300, 12, n_targets=n_targets, noise=1.0, random_state=1)
    X, y = X.astype(dtype), y * y_scale
    reg = _fit_quietly(DBNRegressor((16, 8), pretrain_epochs=2, max_iter=10, random_state=0),
                       X, y)
    session = _session(reg.to_mlp(), X)
    (out,) = session.run(None, {session.get_inputs()[0].name: X})

    expected = reg.predict(X)
    # skl2onnx (1.20) flattens every MLPRegressor's output to one column,
    # scikit-learn's own included: one row per sample and target, in order.
    assert out.size == expected.size
    out = out.reshape(expected.shape)
    assert_allclose(out, expected, rtol=1e-4, atol=1e-5 * np.abs(expected).max())
