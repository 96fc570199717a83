"""Class labels of the classifiers: validation, the unlabeled marker, codes."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_array, column_or_1d


def encode_labels(y, n_rows, unlabeled, name, classes=None):
    """Validate ``y`` and code its labeled rows (against ``classes`` if given,
    as ``partial_fit`` does, else against the labels ``y`` holds).

    Returns
    -------
    classes : ndarray
        The sorted class labels (at least two).
    codes : ndarray of shape (n_rows,), int64
        Index into ``classes`` of each row's label; -1 for unlabeled rows.
    labeled : ndarray of int64
        Indices of the labeled rows (every row unless ``unlabeled`` is set).
    """
    if y is None:
        raise ValueError(f"{name} requires y to be passed, but the target y is None.")
    y = column_or_1d(check_array(y, ensure_2d=False, dtype=None, ensure_all_finite=False),
                     warn=True)
    if len(y) != n_rows:
        raise ValueError(
            f"X and y have inconsistent numbers of samples: {n_rows} and {len(y)}."
        )
    if y.dtype == object and any(v is None for v in y):
        raise ValueError(
            f"y contains None (first at row {next(i for i, v in enumerate(y) if v is None)})"
            "; give unlabeled rows a label value and pass it as unlabeled= (e.g. -1)."
        )
    if unlabeled is not None:
        _check_marker(y, unlabeled)
        labeled_mask = ~_unlabeled_rows(y, unlabeled)
        if not labeled_mask.any():
            raise ValueError(
                f"Every row is unlabeled (y == {unlabeled!r}); fine-tuning needs "
                "labeled rows."
            )
    else:
        labeled_mask = np.ones(n_rows, dtype=bool)
    y_labeled = y[labeled_mask]
    if y_labeled.dtype.kind == "f" and not np.isfinite(y_labeled).all():
        raise ValueError("y contains NaN or infinity.")
    check_classification_targets(y_labeled)
    if type_of_target(y_labeled) not in ("binary", "multiclass"):
        raise ValueError(
            f"{name} supports binary and multiclass targets; got "
            f"{type_of_target(y_labeled)}."
        )
    if classes is not None:
        return _encode_against(classes, y_labeled, labeled_mask, name, unlabeled)
    classes, labeled_codes = np.unique(y_labeled, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(
            f"{name} needs samples of at least 2 classes in the labeled data; got only "
            f"one class ({classes[0]!r})."
        )
    codes = np.full(n_rows, -1, dtype=np.int64)
    codes[labeled_mask] = labeled_codes
    return classes, codes, np.flatnonzero(labeled_mask).astype(np.int64)


def _encode_against(classes, y_labeled, labeled_mask, name, unlabeled=None):
    if np.ndim(classes) != 1:
        raise ValueError(f"classes must be a 1-D array of labels; got shape "
                         f"{np.shape(classes)}.")
    classes = np.unique(np.asarray(classes))
    if unlabeled is not None and _equals(classes, unlabeled).any():
        raise ValueError(
            f"classes={classes.tolist()} holds the unlabeled marker unlabeled={unlabeled!r}"
            "; rows marked unlabeled never form a class: leave it out of classes."
        )
    if len(classes) < 2:
        raise ValueError(f"{name} needs at least 2 classes; got classes={classes.tolist()}.")
    unknown = ~np.isin(y_labeled, classes)
    if unknown.any():
        raise ValueError(f"y holds {y_labeled[unknown][0]!r}, which is not among the "
                         f"classes {classes.tolist()}.")
    codes = np.full(len(labeled_mask), -1, dtype=np.int64)
    codes[labeled_mask] = np.searchsorted(classes, y_labeled)
    return classes, codes, np.flatnonzero(labeled_mask).astype(np.int64)


def _kind(value):
    """'string', 'number' or None (anything else) for one label or marker."""
    if isinstance(value, str | bytes | np.str_ | np.bytes_):
        return "string"
    if isinstance(value, Real | np.bool_):
        return "number"
    return None


def _check_marker(y, unlabeled):
    """Refuse an ``unlabeled`` marker that is not one label value."""
    if np.ndim(unlabeled) != 0:
        raise ValueError(f"unlabeled must be a scalar label value or None; got "
                         f"{unlabeled!r}.")


def _unlabeled_rows(y, unlabeled):
    """Rows whose label is the marker.

    Among string labels a numeric marker also matches its spelling:
    ``np.array(['cat', -1])`` holds the marker as ``'-1'``, and it must mark
    those rows rather than become a class. A marker of a kind the labels
    cannot hold (a string among numbers) marks no row; it can never become
    a class either, since only the labels of ``y`` do.
    """
    rows = _equals(y, unlabeled)
    if y.dtype.kind in "US" and _kind(unlabeled) == "number" and not isinstance(
            unlabeled, bool | np.bool_):
        rows |= _equals(y, str(unlabeled))
    return rows


def _equals(y, value):
    """Elementwise ``y == value``, where a NaN ``value`` matches NaN entries."""
    if isinstance(value, float) and np.isnan(value):
        try:
            return np.isnan(np.asarray(y, dtype=np.float64))
        except (TypeError, ValueError):
            return np.array([isinstance(v, float) and np.isnan(v) for v in y], dtype=bool)
    try:
        return np.asarray(y == value, dtype=bool).reshape(len(y))
    except (TypeError, ValueError):
        return np.array([v == value for v in y], dtype=bool)


def sample_label_codes(classes, n_samples, y, n_steps):
    """Codes of the requested labels (-1 for free ones), after checking the
    arguments of a ``sample`` call."""
    for value, label in ((n_samples, "n_samples"), (n_steps, "n_steps")):
        if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{label} must be an integer >= 1; got {value!r}.")
    if y is None:
        return np.full(n_samples, -1, dtype=np.int64)
    labels = np.asarray(y)
    if labels.ndim == 0:
        labels = np.repeat(labels, n_samples)
    if labels.shape != (n_samples,):
        raise ValueError(f"y must be one label or {n_samples} labels; got shape "
                         f"{labels.shape}.")
    unknown = ~np.isin(labels, classes)
    if unknown.any():
        raise ValueError(f"y holds {labels[unknown][0]!r}, which is not among classes_ "
                         f"{classes.tolist()}.")
    codes = np.searchsorted(classes, labels).astype(np.int64)
    # The kernels index class columns with these codes: classes_ must be the
    # sorted unique labels fit made (not an edited or reassigned array).
    if not (np.all(codes < len(classes)) and np.array_equal(classes[codes], labels)):
        raise ValueError("classes_ is not the sorted array of unique labels that fit "
                         "made; refit the model.")
    return codes
