"""Figures of what an RBM or DBN learned (optional extra: ``pip install "scikit-dbn[plot]"``).

Every function returns a :class:`matplotlib.figure.Figure` built without
pyplot, so no window opens and nothing depends on a display; save it with
``fig.savefig("filters.png")``.
"""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = ["image_grid", "plot_filters", "plot_samples", "plot_training", "plot_codes",
           "plot_class_samples"]


def _figure(**kwargs):
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - exercised without matplotlib
        raise ImportError(
            "dbn.plotting needs matplotlib: pip install 'scikit-dbn[plot]' (or matplotlib)."
        ) from exc
    return Figure(**kwargs)


def _image_shape(n_features, image_shape):
    if image_shape is not None:
        if int(np.prod(image_shape)) != n_features:
            raise ValueError(
                f"image_shape={tuple(image_shape)} holds {int(np.prod(image_shape))} "
                f"pixels but each row has {n_features} features."
            )
        return tuple(image_shape)
    side = int(round(np.sqrt(n_features)))
    if side * side != n_features:
        raise ValueError(
            f"{n_features} features are not a square image; pass image_shape=(h, w)."
        )
    return side, side


def image_grid(rows, image_shape=None, n_cols=10, title=None, cmap="gray", scale="each"):
    """Show the rows of a 2-D array as a grid of images.

    Parameters
    ----------
    rows : array-like of shape (n_images, n_features)
    image_shape : tuple of int, default=None
        (height, width); None for square images.
    n_cols : int, default=10
    title : str, default=None
    cmap : str, default='gray'
    scale : {'each', 'shared'}, default='each'
        Scale each image to its own range (filters) or all to one (samples).

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from dbn.plotting import image_grid
    >>> fig = image_grid(np.random.default_rng(0).random((6, 64)), n_cols=3, title="noise")
    >>> len(fig.axes)
    6
    """
    rows = np.asarray(rows, dtype=np.float64)
    if rows.ndim != 2 or len(rows) == 0:
        raise ValueError(f"rows must be a non-empty 2-D array; got shape {rows.shape}.")
    if scale not in ("each", "shared"):
        raise ValueError(f"scale must be 'each' or 'shared'; got {scale!r}.")
    if not isinstance(n_cols, Integral) or n_cols < 1:
        raise ValueError(f"n_cols must be a positive integer; got {n_cols!r}.")
    shape = _image_shape(rows.shape[1], image_shape)
    n = len(rows)
    n_cols = max(1, min(n_cols, n))
    n_rows = int(np.ceil(n / n_cols))
    fig = _figure(figsize=(n_cols * 0.9, n_rows * 0.9 + (0.4 if title else 0)))
    vmin, vmax = (rows.min(), rows.max()) if scale == "shared" else (None, None)
    for i, row in enumerate(rows):
        ax = fig.add_subplot(n_rows, n_cols, i + 1)
        ax.imshow(row.reshape(shape), cmap=cmap, vmin=vmin, vmax=vmax,
                  interpolation="nearest")
        ax.set_axis_off()
    if title:
        fig.suptitle(title)
    return fig


def plot_filters(rbm, image_shape=None, n_filters=100, n_cols=10):
    """The first ``n_filters`` rows of ``rbm.components_`` (one image per hidden unit).

    Parameters
    ----------
    rbm : fitted BernoulliRBM, GaussianRBM, DBN, DBNClassifier or DBNRegressor
        For a DBN estimator, its first layer's filters are shown.
    image_shape : tuple of int, default=None
        (height, width); None for square images.
    n_filters : int, default=100
    n_cols : int, default=10

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from dbn import BernoulliRBM
    >>> from dbn.plotting import plot_filters
    >>> X, _ = load_digits(return_X_y=True)
    >>> rbm = BernoulliRBM(20, n_iter=2, random_state=0).fit(X / 16)
    >>> len(plot_filters(rbm, n_filters=20).axes)
    20
    """
    from . import DBN, DBNClassifier, DBNRegressor
    from ._rbm.base import _BaseRBM

    if isinstance(rbm, DBN | DBNClassifier | DBNRegressor):
        check_is_fitted(rbm)
        if not getattr(rbm, "rbms_", None) or rbm.rbms_[0] is None:
            raise ValueError(f"{type(rbm).__name__}'s first layer was not pretrained; it "
                             "has no RBM filters (its first layer is rbm.coefs_[0]).")
        rbm = rbm.rbms_[0]
    if not isinstance(rbm, _BaseRBM):
        raise TypeError(f"plot_filters needs a fitted RBM or DBN estimator; got "
                        f"{type(rbm).__name__}.")
    check_is_fitted(rbm)
    if not isinstance(n_filters, Integral) or n_filters < 1:
        raise ValueError(f"n_filters must be a positive integer; got {n_filters!r}.")
    return image_grid(rbm.components_[:n_filters], image_shape, n_cols,
                      title=f"{type(rbm).__name__} filters", cmap="RdBu_r")


def plot_samples(samples, image_shape=None, n_cols=10):
    """Samples (e.g. from ``rbm.sample`` or ``dbn.sample``) as an image grid.

    Parameters
    ----------
    samples : array-like of shape (n_samples, n_features)
    image_shape : tuple of int, default=None
        (height, width); None for square images.
    n_cols : int, default=10

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from dbn import BernoulliRBM
    >>> from dbn.plotting import plot_samples
    >>> X, _ = load_digits(return_X_y=True)
    >>> rbm = BernoulliRBM(20, n_iter=2, random_state=0).fit(X / 16)
    >>> fig = plot_samples(rbm.sample(10, n_steps=50, random_state=0))
    >>> len(fig.axes)
    10
    """
    return image_grid(samples, image_shape, n_cols, title="samples", scale="shared")


def plot_training(estimator):
    """Training curves: each RBM's per-epoch monitors, then fine-tuning loss.

    Parameters
    ----------
    estimator : fitted RBM, DBN, DBNClassifier, DBNRegressor or DBNAutoencoder
        An RBM shows its ``history_``, a DBN each layer's, and the supervised
        nets their layers' pretraining plus ``loss_curve_`` and
        ``validation_scores_``.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from dbn import DBN
    >>> from dbn.plotting import plot_training
    >>> X, _ = load_digits(return_X_y=True)
    >>> stack = DBN((32, 16), pretrain_epochs=3, random_state=0).fit(X / 16)
    >>> fig = plot_training(stack)
    >>> fig.savefig(__import__("io").BytesIO(), format="png")
    """
    rbms = getattr(estimator, "rbms_", None)
    if rbms is None:
        rbms = [estimator]
    panels = [(f"layer {i + 1}" if len(rbms) > 1 else type(r).__name__, r.history_)
              for i, r in enumerate(rbms) if hasattr(r, "history_")]
    loss = getattr(estimator, "loss_curve_", None)
    n = len(panels) + (1 if loss else 0)
    if n == 0:
        raise ValueError(f"{type(estimator).__name__} has no training history; fit it first.")
    fig = _figure(figsize=(4 * n, 3.2), layout="constrained")
    for i, (label, history) in enumerate(panels):
        ax = fig.add_subplot(1, n, i + 1)
        ax.plot(history["reconstruction_error"], label="reconstruction error")
        ax.set_xlabel("epoch")
        ax.set_title(f"pretraining, {label}")
        other = [k for k in ("pseudo_likelihood", "free_energy_gap") if k in history]
        if other:
            twin = ax.twinx()
            for key, style in zip(other, ("--", ":"), strict=False):
                twin.plot(history[key], style, label=key.replace("_", " "))
            twin.legend(loc="upper right", fontsize="small")
        ax.legend(loc="upper left", fontsize="small")
    if loss:
        ax = fig.add_subplot(1, n, n)
        ax.plot(loss, label="training loss")
        scores = getattr(estimator, "validation_scores_", None)
        if scores:
            twin = ax.twinx()
            twin.plot(scores, "--", color="C1", label="validation score")
            twin.legend(loc="upper right", fontsize="small")
        ax.set_xlabel("epoch")
        ax.set_title("fine-tuning")
        ax.legend(loc="upper left", fontsize="small")
    return fig


def plot_codes(codes, labels=None, ax=None, title=None, class_names=None):
    """2-D codes (e.g. ``DBNAutoencoder((..., 2)).transform(X)``) as a scatter
    plot, coloured by class when ``labels`` are given.

    Parameters
    ----------
    codes : array-like of shape (n_samples, 2)
    labels : array-like of shape (n_samples,), default=None
    ax : matplotlib Axes, default=None
        Draw into this Axes (e.g. one panel of a larger figure) instead of a
        new figure.
    title : str, default=None
    class_names : dict or sequence, default=None
        Legend entry of each label (``class_names[label]``); the labels
        themselves by default.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.decomposition import PCA
    >>> from dbn.plotting import plot_codes
    >>> X, y = load_digits(return_X_y=True)
    >>> fig = plot_codes(PCA(2).fit_transform(X), y, title="PCA")
    >>> len(fig.axes[0].collections)
    10
    """
    codes = np.asarray(codes, dtype=np.float64)
    if codes.ndim != 2 or codes.shape[1] != 2 or len(codes) == 0:
        raise ValueError(f"codes must have shape (n_samples, 2); got {codes.shape}.")
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (len(codes),):
            raise ValueError(f"labels must have shape ({len(codes)},); got {labels.shape}.")
    if ax is None:
        fig = _figure(figsize=(5, 4.5), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    if labels is None:
        ax.scatter(codes[:, 0], codes[:, 1], s=2, alpha=0.5, rasterized=True)
    else:
        for i, label in enumerate(np.unique(labels)):
            pts = codes[labels == label]
            name = label if class_names is None else class_names[label]
            ax.scatter(pts[:, 0], pts[:, 1], s=2, alpha=0.5, color=f"C{i % 10}",
                       label=str(name), rasterized=True)
        ax.legend(markerscale=6, fontsize="x-small", loc="best")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize="medium")
    return fig


def plot_class_samples(classifier, n_per_class=10, image_shape=None, n_steps=1000,
                       random_state=None, class_names=None):
    """Class-conditional samples of a generative classifier, one row per class.

    Parameters
    ----------
    classifier : fitted RBMClassifier or GenerativeDBNClassifier
        Anything with ``classes_`` and ``sample(n_samples, y=..., n_steps=...,
        random_state=...)``.
    n_per_class : int, default=10
        Samples in each row.
    image_shape : tuple of int, default=None
        (height, width); None for square images.
    n_steps : int, default=1000
        Gibbs sweeps of each chain (with the label clamped).
    random_state : int, RandomState instance or None, default=None
    class_names : dict or sequence, default=None
        Row label of each class (``class_names[label]``); the labels
        themselves by default.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from dbn import RBMClassifier
    >>> from dbn.plotting import plot_class_samples
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = RBMClassifier(64, n_iter=2, random_state=0).fit(X / 16, y)
    >>> fig = plot_class_samples(clf, n_per_class=5, n_steps=10, random_state=0)
    >>> len(fig.axes)
    50
    """
    if not hasattr(classifier, "sample") or not hasattr(classifier, "fit"):
        raise TypeError(f"{type(classifier).__name__} cannot draw samples: pass a fitted "
                        "RBMClassifier or GenerativeDBNClassifier.")
    check_is_fitted(classifier, "classes_")
    if not isinstance(n_per_class, Integral) or n_per_class < 1:
        raise ValueError(f"n_per_class must be a positive integer; got {n_per_class!r}.")
    classes = classifier.classes_
    wanted = np.repeat(classes, n_per_class)
    samples = classifier.sample(len(wanted), y=wanted, n_steps=n_steps,
                                random_state=random_state)
    shape = _image_shape(samples.shape[1], image_shape)
    n_rows = len(classes)
    fig = _figure(figsize=(n_per_class * 0.7 + 0.8, n_rows * 0.7 + 0.4))
    vmin, vmax = samples.min(), samples.max()
    for i, image in enumerate(samples):
        ax = fig.add_subplot(n_rows, n_per_class, i + 1)
        ax.imshow(image.reshape(shape), cmap="gray", vmin=vmin, vmax=vmax,
                  interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        if i % n_per_class == 0:
            label = classes[i // n_per_class]
            ax.set_ylabel(str(label if class_names is None else class_names[label]),
                          rotation=0, ha="right", va="center", fontsize="small")
    fig.suptitle(f"{type(classifier).__name__}: {n_per_class} samples per class")
    return fig
