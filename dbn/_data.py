"""Row sources: read minibatches from dense, memory-mapped, sparse or lazy data.

Training never materialises a converted copy of the whole data set: a source
copies the rows of one minibatch into a preallocated float32 buffer, casting on
the way. These sources exist:

* ``DenseRows``: any numpy array, including ``numpy.memmap`` (rows gathered
  directly, in any order, and the file's pages handed back to the operating
  system as training goes, so a memory-mapped data set never becomes
  resident as a whole), or a scipy CSR matrix or array (rows densified one
  batch at a time, never the whole matrix);
* ``StandardizedRows``: another source seen through ``(x - mean) / scale``;
* ``LazyRows``: any other 2-D object with ``shape``, ``dtype`` and slicing
  (h5py or zarr data sets, dask arrays...). It is read in contiguous slices,
  so shuffling permutes whole batches rather than single rows.
"""

import mmap
import os
import weakref
from typing import Protocol

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_array, validate_data

from ._lazy import lazy_import
from ._warnings import warn
from .exceptions import DataRangeWarning

_kernels = lazy_import("dbn._kernels")

# Rows per block when a whole pass over the data is made outside training
# (statistics, transform of lazy data): large enough for BLAS, small enough
# to keep temporaries far below the data's size.
CHUNK_ROWS = 4096


# Bytes of a memory-mapped file that may become resident between two releases
# of its pages.
RELEASE_BYTES = 32 * 2**20
# A page fault on a file mapping maps up to this much around the page (Linux's
# fault_around_bytes), so a scattered row costs that much resident memory.
FAULT_AROUND_BYTES = 64 * 2**10


class MappedPages:
    """The file mapping behind a ``numpy.memmap``, whose pages are released
    (``madvise(MADV_DONTNEED)``) after every ``RELEASE_BYTES`` read.

    Read pages stay in the kernel's page cache, but no longer count as the
    process's resident memory; a later read faults them back in. Only shared
    mappings (memmap modes 'r', 'r+', 'w+') qualify: releasing a private
    copy-on-write ('c') page would discard the user's changes to it.
    """

    def __init__(self, mapping):
        self.mapping = mapping
        self.unreleased = 0

    @classmethod
    def behind(cls, X):
        """The releasable mapping under array ``X`` (a memmap or a view of one), or None."""
        if not hasattr(mmap, "MADV_DONTNEED"):
            return None
        over_memmap = False
        base = X
        while base is not None:
            if isinstance(base, np.memmap):
                if base.mode == "c":
                    return None
                over_memmap = True
            elif isinstance(base, mmap.mmap):
                return cls(base) if over_memmap else None
            base = getattr(base, "base", None)
        return None

    def consumed(self, n_bytes):
        self.unreleased += n_bytes
        if self.unreleased >= RELEASE_BYTES:
            self.release()

    def release(self):
        self.unreleased = 0
        try:
            self.mapping.madvise(mmap.MADV_DONTNEED)
        except (OSError, ValueError):
            # A closed mapping or a platform that refuses: keep the pages.
            pass


class FileRowReader:
    """Rows of a C-ordered ``numpy.memmap`` read with ``os.pread``, not mapped.

    Rows gathered in random order through the mapping map the file's pages
    (whole page-cache folios, on recent kernels) into the process, so within
    a few minibatches the whole file counts as resident memory. ``pread``
    copies only the requested rows into the minibatch buffer; the file's
    pages stay in the kernel's page cache, outside the process. The values
    are those of the mapping (shared modes only), so training is unchanged.
    """

    def __init__(self, path, offset, n_features, dtype):
        self.offset = int(offset)
        self.n_features = n_features
        self.dtype = np.dtype(dtype)
        self.row_bytes = n_features * self.dtype.itemsize
        self.fd = os.open(path, os.O_RDONLY)
        self._close = weakref.finalize(self, os.close, self.fd)
        self._row = np.empty(n_features, dtype=self.dtype)

    @classmethod
    def behind(cls, X):
        """A reader for array ``X`` if it is a whole memmap on a file, else None."""
        if not hasattr(os, "preadv") or not X.flags.c_contiguous:
            return None
        # The memmap that owns the mapping: a slice of a memmap is a memmap
        # too, but it keeps its parent's ``offset``.
        base = X
        while base is not None and not (isinstance(base, np.memmap)
                                        and isinstance(base.base, mmap.mmap)):
            base = getattr(base, "base", None)
        if (base is None or base.mode == "c" or getattr(base, "filename", None) is None
                or base.shape != X.shape or base.dtype != X.dtype
                or base.__array_interface__["data"][0] != X.__array_interface__["data"][0]):
            return None
        return cls(base.filename, base.offset, X.shape[1], X.dtype)

    def read(self, rows, out):
        V, fd = self.n_features, self.fd
        direct = self.dtype == out.dtype
        for i, row in enumerate(rows):
            target = out[i, :V] if direct else self._row
            position = self.offset + int(row) * self.row_bytes
            if os.preadv(fd, [target], position) != self.row_bytes:
                raise ValueError(f"the file behind X ended before row {int(row)}; was it "
                                 "truncated while training?")
            if not direct:
                out[i, :V] = target


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


def result_dtype_of(dtype):
    """The precision in which scikit-learn's transformers answer input of
    ``dtype``: float32 for float32, float64 for anything else (integers,
    booleans, float16 and float64 alike)."""
    return np.dtype(np.float32 if np.dtype(dtype) == np.float32 else np.float64)


def _check_csr_structure(X, input_name):
    """scipy builds CSR matrices without bounds-checking their indices; the
    Numba gather would then read and write out of bounds. Check them all."""
    try:
        X.check_format(full_check=True)
    except ValueError as exc:
        raise ValueError(f"{input_name} is a malformed CSR matrix: {exc}") from None
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


class RowSource(Protocol):
    """What training reads data through: rows by index, into float32 buffers.

    ``DenseRows``, ``LazyRows`` and ``StandardizedRows`` follow it;
    nothing inherits from another.
    """

    n_rows: int
    n_features: int
    dtype: np.dtype
    #: The precision that results computed from these rows are given in (see
    #: ``result_dtype_of``; e.g. float64 for integer rows read as float32).
    result_dtype: np.dtype

    def batches(self, batch_size, rng, shuffle, rows=None):
        """Row-index arrays of the minibatches of one epoch (over ``rows`` if given)."""

    def monitor_rows(self, n):
        """``n`` row indices for the per-epoch monitors."""

    def read(self, rows, out):
        """Copy rows ``rows`` into the first ``len(rows)`` rows of ``out``."""

    def block(self, start, stop):
        """Rows ``start:stop`` as an array or CSR matrix (for whole passes)."""


def _row_order_batches(n_rows, batch_size, rng, shuffle, rows):
    """Batches of single rows in random order (for sources with random access)."""
    order = np.arange(n_rows, dtype=np.int64) if rows is None else rows
    if shuffle:
        order = rng.permutation(order)
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


def _spread_rows(n_rows, n):
    """``n`` row indices spread evenly over ``n_rows`` rows."""
    return np.unique(np.linspace(0, n_rows - 1, n).astype(np.int64))


class DenseRows:
    """Rows of a numpy array or memmap (gathered in any order), or of a scipy
    CSR matrix (densified a batch at a time, never as a whole)."""

    def __init__(self, X, result_dtype=None):
        # A CSR matrix's duplicate entries are summed by the gather kernel;
        # the user's matrix is never modified.
        self.X = X
        self.n_rows, self.n_features = X.shape
        self.dtype = X.dtype
        self.result_dtype = (result_dtype_of(X.dtype) if result_dtype is None
                             else np.dtype(result_dtype))
        self._sparse = sp.issparse(X)
        self._pages = None if self._sparse else MappedPages.behind(X)
        if self._pages is not None:
            # Validation has just read every page (the finiteness check).
            self._pages.release()
        self._file = None if self._pages is None else FileRowReader.behind(X)

    def batches(self, batch_size, rng, shuffle, rows=None):
        return _row_order_batches(self.n_rows, batch_size, rng, shuffle, rows)

    def monitor_rows(self, n):
        return _spread_rows(self.n_rows, n)

    def read(self, rows, out):
        X = self.X
        if self._sparse:
            _kernels.gather_csr(X.data, X.indices, X.indptr, rows, self.n_features, out)
        elif self._file is not None:
            self._file.read(rows, out)
        else:
            _kernels.gather_dense(X, rows, out)
            if self._pages is not None:
                self._pages.consumed(len(rows) * max(X.strides[0], FAULT_AROUND_BYTES))

    def block(self, start, stop):
        if self._pages is not None:
            # The previous block has been used by now.
            self._pages.consumed((stop - start) * self.X.strides[0])
        return self.X[start:stop]


class LazyRows:
    """Rows of a lazily sliced array-like, read in contiguous slices."""

    def __init__(self, X):
        self.X = X
        self.n_rows, self.n_features = (int(s) for s in X.shape)
        self.dtype = np.dtype(X.dtype)
        self.result_dtype = result_dtype_of(self.dtype)

    def batches(self, batch_size, rng, shuffle, rows=None):
        # Contiguous batches of sorted rows; shuffling permutes whole batches.
        order = np.arange(self.n_rows, dtype=np.int64) if rows is None else np.sort(rows)
        batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
        if shuffle:
            batches = [batches[i] for i in rng.permutation(len(batches))]
        return batches

    def monitor_rows(self, n):
        # Contiguous, so that monitoring reads one slice.
        return np.arange(n, dtype=np.int64)

    # Rows closer than this share one slice: reading a few unneeded rows costs
    # less than another call into h5py or zarr.
    MAX_GAP = 64

    def read(self, rows, out):
        # ``rows`` are sorted (see batches). One slice per cluster of nearby
        # rows: scattered rows, such as the few labeled ones of a large
        # unlabeled set, cost the rows they hold, not the span between them.
        cuts = [*(np.flatnonzero(np.diff(rows) > self.MAX_GAP) + 1), len(rows)]
        start = 0
        for stop in cuts:
            part = rows[start:stop]
            first = int(part[0])
            block = self.block(first, int(part[-1]) + 1)
            _kernels.gather_dense(block, part - first, out[start:stop])
            start = stop

    def block(self, start, stop):
        block = np.asarray(self.X[start:stop])
        # The Numba gathers trust shapes; a slice that disagrees with the
        # declared shape must not reach them.
        if block.shape != (stop - start, self.n_features):
            raise ValueError(
                f"X[{start}:{stop}] has shape {block.shape}, but X declares shape "
                f"{(self.n_rows, self.n_features)}."
            )
        # Native float32/float64 only: the kernels are compiled for those (an
        # HDF5 dataset may be big-endian or float16).
        if block.dtype not in (np.float32, np.float64) or not block.dtype.isnative:
            wide = block.dtype.kind == "f" and block.dtype.itemsize == 8
            block = block.astype(np.float64 if wide else np.float32)
        if not np.isfinite(block).all():
            raise ValueError(
                f"Input X contains NaN or infinity (in rows {start} to {stop - 1})."
            )
        return block


def as_row_source(X):
    """``X`` itself if it is a row source, else dense rows of the array ``X``."""
    return X if hasattr(X, "read") and hasattr(X, "batches") else DenseRows(np.asarray(X))


def iter_blocks(source, chunk_rows=CHUNK_ROWS):
    """Yield ``(start, stop, block)`` over the source in contiguous chunks."""
    for start in range(0, source.n_rows, chunk_rows):
        stop = min(start + chunk_rows, source.n_rows)
        yield start, stop, source.block(start, stop)


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


class StandardizedRows:
    """A row source seen through ``(x - center) / scale``, applied per read.

    Standardisation happens on the float32 minibatch buffer in place, so no
    standardised copy of the data is ever made.
    """

    def __init__(self, source, center, scale):
        self.source = source
        self.n_rows, self.n_features = source.n_rows, source.n_features
        self.dtype = source.dtype
        self.result_dtype = getattr(source, "result_dtype", result_dtype_of(source.dtype))
        self.center = np.asarray(center, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self._center32 = self.center.astype(np.float32)
        self._inverse32 = (1.0 / self.scale).astype(np.float32)

    def batches(self, batch_size, rng, shuffle, rows=None):
        return self.source.batches(batch_size, rng, shuffle, rows)

    def monitor_rows(self, n):
        return self.source.monitor_rows(n)

    def read(self, rows, out):
        self.source.read(rows, out)
        # ``out`` may be wider than the data (a trailing bias column).
        view = out[:len(rows), :self.n_features]
        view -= self._center32
        view *= self._inverse32

    def block(self, start, stop):
        block = self.source.block(start, stop)
        if sp.issparse(block):
            block = block.toarray()
        dtype = block.dtype if block.dtype.kind == "f" else np.float32
        # The same operations as read(), so that float32 data give the same
        # standardised values in training and in inference.
        return (block - self.center.astype(dtype)) * (1.0 / self.scale).astype(dtype)


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
