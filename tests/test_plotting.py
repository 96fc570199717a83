"""Plots render headlessly to PNG and show what they claim."""

import io

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError

from dbn import DBN, BernoulliRBM, DBNClassifier
from dbn.plotting import image_grid, plot_codes, plot_filters, plot_samples, plot_training

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    data = buf.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
    return data


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


def test_filters_samples_and_curves_render(digits):
    X, y = digits
    rbm = BernoulliRBM(16, n_iter=3, random_state=0).fit(X, X_val=X[:100])
    fig = plot_filters(rbm)
    assert len(fig.axes) == 16
    _png(fig)
    _png(plot_samples(rbm.sample(12, n_steps=5, random_state=0)))
    _png(plot_training(rbm))
    dbn = DBN((16, 8), pretrain_epochs=2, random_state=0).fit(X)
    assert len(plot_training(dbn).axes) >= 2
    clf = DBNClassifier((16,), pretrain_epochs=2, max_iter=3, early_stopping=True,
                        random_state=0).fit(X, y)
    _png(plot_training(clf))


def test_image_grid_checks_shapes():
    with pytest.raises(ValueError, match="square"):
        image_grid(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="image_shape"):
        image_grid(np.zeros((2, 10)), image_shape=(3, 3))
    fig = image_grid(np.zeros((3, 10)), image_shape=(2, 5))
    assert len(fig.axes) == 3


def test_plot_filters_of_a_dbn_shows_its_first_layer(digits):
    X, _ = digits
    dbn_model = DBN((9, 4), pretrain_epochs=1, random_state=0).fit(X)
    fig = plot_filters(dbn_model)
    assert len(fig.axes) == 9
    _png(fig)


@pytest.mark.parametrize("call,error,match", [
    (lambda: plot_filters(BernoulliRBM()), NotFittedError, "not fitted"),
    (lambda: plot_filters(DBN()), NotFittedError, "not fitted"),
    (lambda: plot_filters("rbm"), TypeError, "fitted RBM or DBN"),
    (lambda: plot_filters(_tiny_rbm(), n_filters=0), ValueError, "n_filters"),
    (lambda: image_grid(np.ones((3, 4)), n_cols=0), ValueError, "n_cols"),
    (lambda: image_grid(np.ones((3, 4)), scale="log"), ValueError, "scale"),
    (lambda: image_grid(np.ones((3, 5))), ValueError, "square"),
    (lambda: image_grid(np.ones(4)), ValueError, "2-D"),
    (lambda: plot_training(DBN()), ValueError, "no training history"),
], ids=["unfitted rbm", "unfitted dbn", "not an rbm", "n_filters", "n_cols", "scale",
        "not square", "1-D", "no history"])
def test_plot_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


def _tiny_rbm():
    return BernoulliRBM(4, n_iter=1, random_state=0).fit(np.random.default_rng(0).random((8, 16)))


def test_codes_render_one_colour_per_class_and_bad_shapes_are_named(digits):
    X, y = digits
    codes = np.column_stack([X[:, 10], X[:, 20]])
    fig = plot_codes(codes, y, title="two pixels")
    assert len(fig.axes[0].collections) == 10
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        str(c) for c in range(10)]
    _png(fig)
    _png(plot_codes(codes))
    with pytest.raises(ValueError, match="shape"):
        plot_codes(X[:, :3], y)
    with pytest.raises(ValueError, match="labels"):
        plot_codes(codes, y[:5])


def test_class_samples_draw_one_labelled_row_per_class(digits):
    from dbn import RBMClassifier
    from dbn.plotting import plot_class_samples

    X, y = digits
    clf = RBMClassifier(32, n_iter=2, random_state=0).fit(X, y)
    fig = plot_class_samples(clf, n_per_class=3, n_steps=5, random_state=0,
                             class_names={c: f"digit {c}" for c in range(10)})
    assert len(fig.axes) == 30
    assert [ax.get_ylabel() for ax in fig.axes[::3]] == [f"digit {c}" for c in range(10)]
    _png(fig)
    with pytest.raises(ValueError, match="n_per_class"):
        plot_class_samples(clf, n_per_class=0)
    with pytest.raises(TypeError, match="cannot draw samples"):
        plot_class_samples(LogisticRegressionLike())
    with pytest.raises(NotFittedError):
        plot_class_samples(RBMClassifier())


class LogisticRegressionLike:
    classes_ = np.arange(2)
