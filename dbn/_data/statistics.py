"""The one statistics pass per layer input: column moments (Welford, in a
fixed order), the global range, and what they decide (standardisation,
unit-interval checks)."""


import numpy as np
import scipy.sparse as sp

from .._utils.lazy import lazy_import
from .._utils.warnings import warn
from ..exceptions import DataRangeWarning
from .sources import iter_blocks

_kernels = lazy_import("dbn._kernels.rbm")


def _check_training_range(lo, hi, estimator_name):
    """Training runs in float32: refuse values that float32 cannot hold.

    Also catches NaN or infinity in lazily read data, which is only seen here.
    """
    limit = float(np.finfo(np.float32).max)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"Input X contains NaN or infinity ({estimator_name}).")
    if max(-lo, hi) > limit:
        raise ValueError(
            f"{estimator_name} trains in float32, but X has values of magnitude "
            f"{max(-lo, hi):.3g}, beyond float32's range ({limit:.3g}). Scale the "
            "features first (e.g. sklearn.preprocessing.StandardScaler or MinMaxScaler)."
        )


def training_statistics(source, estimator_name):
    """Column means and standard deviations and the global min and max of data
    about to be trained on, after refusing values that float32 cannot hold."""
    means, stds, lo, hi = column_statistics(source)
    _check_training_range(lo, hi, estimator_name)
    return means, stds, lo, hi


def column_statistics(source):
    """Column means and standard deviations (float64) and the global min and
    max, in one chunked pass.

    The moments are accumulated row by row in a fixed order (Welford), so a
    dense array, its float32 copy and its CSR form give identical values.
    """
    n_features = source.n_features
    count = 0
    mean = np.zeros(n_features)
    m2 = np.zeros(n_features)
    lo, hi = np.inf, -np.inf
    for _start, _stop, block in iter_blocks(source):
        if sp.issparse(block):
            block = block.tocsr()
            count = _kernels.accumulate_moments_csr(
                block.data, block.indices, block.indptr, n_features, count, mean, m2)
            values = block.data
            if block.nnz < block.shape[0] * block.shape[1]:
                lo, hi = min(lo, 0.0), max(hi, 0.0)
        else:
            count = _kernels.accumulate_moments_dense(block, count, mean, m2)
            values = block
        if values.size:
            lo = min(lo, float(values.min()))
            hi = max(hi, float(values.max()))
    return mean, np.sqrt(m2 / count), lo, hi


def standardizing_scale(means, stds, n_rows):
    """The scale that standardises each column: its standard deviation, or 1
    for a constant column, where a standard deviation of rounding size (as
    scikit-learn's StandardScaler judges it) would only amplify noise."""
    eps = np.finfo(np.float64).eps
    var = stds**2
    constant = var <= n_rows * eps * var + (n_rows * means * eps) ** 2
    return np.where(constant | (stds == 0), 1.0, stds)


def in_unit_interval(lo, hi):
    """Whether data ranging over [lo, hi] lie in [0, 1], up to rounding.

    MinMaxScaler's output can reach 1.0000000000000002; that is [0, 1] data.
    """
    slack = 1e-6
    return lo >= -slack and hi <= 1.0 + slack


def warn_if_outside_unit_interval(lo, hi, estimator_name):
    """Bernoulli visible units model values in [0, 1]; say so when data leave it."""
    if not in_unit_interval(lo, hi):
        warn(
            f"{estimator_name} has Bernoulli visible units, which expect values in "
            f"[0, 1], but X ranges over [{lo:.4g}, {hi:.4g}]. Scale the features "
            f"first, e.g. with sklearn.preprocessing.MinMaxScaler, or use Gaussian "
            f"visible units for real-valued data (GaussianRBM, or "
            f"visible_units='gaussian' on the DBN estimators).",
            DataRangeWarning,
        )
