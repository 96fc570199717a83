"""Input validation like scikit-learn's: arrays, CSR matrices, memmaps and
lazy 2-D objects checked once per call and wrapped in a row source."""


import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_array, validate_data

from .sources import DenseRows, LazyRows, result_dtype_of


def is_lazy_array(X):
    """True for 2-D array-likes that slice lazily and that we must not load whole."""
    if isinstance(X, np.ndarray) or sp.issparse(X):
        return False
    return (
        hasattr(X, "shape")
        and hasattr(X, "dtype")
        and hasattr(X, "__getitem__")
        and len(getattr(X, "shape", ())) == 2
    )


def validate_rows(estimator, X, *, reset):
    """Validate ``X`` like scikit-learn does and wrap it in a row source.

    Floating arrays keep their dtype (float32 or float64, no copy); other
    numeric arrays become float32, the training precision, so no float64 copy
    of the data is ever made here. The source's ``result_dtype`` is still
    scikit-learn's for ``X`` (float64 for integer input, see ``result_dtype_of``).
    """
    if is_lazy_array(X):
        return _validate_lazy(estimator, X, reset=reset)
    # Lists and other array-likes without a dtype become float64, as numpy
    # would make them: the same values as a float64 array, so the same model.
    typed = isinstance(X, np.ndarray) or sp.issparse(X)
    given = X.dtype if typed else None
    X = validate_data(
        estimator,
        X,
        accept_sparse="csr",
        dtype=[np.float32, np.float64] if typed else [np.float64, np.float32],
        reset=reset,
    )
    result = result_dtype_of(X.dtype if given is None else given)
    if sp.issparse(X):
        return DenseRows(_check_csr_structure(X, "X"), result_dtype=result)
    return DenseRows(X, result_dtype=result)




def _check_csr_structure(X, input_name):
    """scipy builds CSR matrices without bounds-checking their indices; the
    Numba gather would then read and write out of bounds. Check them all."""
    try:
        X.check_format(full_check=True)
    except ValueError as exc:
        # scipy's wording of the column-index errors changed between
        # releases; say it the same way on every supported scipy.
        reason, indices = str(exc), np.asarray(X.indices)
        if indices.size and indices.min() < 0:
            reason = "column indices must be >= 0"
        elif indices.size and indices.max() >= X.shape[1]:
            reason = f"column indices must be < {X.shape[1]} (its number of columns)"
        raise ValueError(f"{input_name} is a malformed CSR matrix: {reason}") from None
    return X


def validate_held_out(estimator, X_val):
    """Validate held-out rows ``X_val`` against the fitted width; errors name X_val."""
    if is_lazy_array(X_val):
        X_val = np.asarray(X_val)
    X_val = check_array(X_val, accept_sparse="csr", dtype=[np.float32, np.float64],
                        input_name="X_val", estimator=estimator)
    if X_val.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X_val has {X_val.shape[1]} features, but X has "
            f"{estimator.n_features_in_}; held-out rows must have the columns of X."
        )
    if sp.issparse(X_val):
        return DenseRows(_check_csr_structure(X_val, "X_val"))
    return DenseRows(X_val)


def _validate_lazy(estimator, X, *, reset):
    n_rows, n_features = (int(s) for s in X.shape)
    kind = np.dtype(X.dtype).kind
    if kind not in "biuf":
        raise TypeError(
            f"{type(estimator).__name__} needs numeric data; got an array-like of "
            f"dtype {X.dtype}."
        )
    if n_rows < 1 or n_features < 1:
        raise ValueError(
            f"Found array with {n_rows} sample(s) and {n_features} feature(s) "
            f"(shape={X.shape}) while a minimum of 1 is required."
        )
    if reset:
        estimator.n_features_in_ = n_features
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
    elif n_features != estimator.n_features_in_:
        raise ValueError(
            f"X has {n_features} features, but {type(estimator).__name__} is expecting "
            f"{estimator.n_features_in_} features as input."
        )
    return LazyRows(X)
