"""Row sources (the ``RowSource`` protocol): copy one minibatch at a time into
a preallocated float32 buffer, from dense, memory-mapped, sparse or lazy data."""

from typing import Protocol

import numpy as np
import scipy.sparse as sp

from .._utils.lazy import lazy_import
from .files import FAULT_AROUND_BYTES, FileRowReader, MappedPages

_kernels = lazy_import("dbn._kernels.rbm")


# Rows per block when a whole pass over the data is made outside training
# (statistics, transform of lazy data): large enough for BLAS, small enough
# to keep temporaries far below the data's size.
CHUNK_ROWS = 4096


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

    def block(self, start, stop, dtype=None):
        """Rows ``start:stop`` as an array or CSR matrix (for whole passes),
        in ``dtype`` when given."""


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

    def block(self, start, stop, dtype=None):
        if self._pages is not None:
            # The previous block has been used by now.
            self._pages.consumed((stop - start) * self.X.strides[0])
        block = self.X[start:stop]
        return block if dtype is None else block.astype(dtype, copy=False)


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

    def block(self, start, stop, dtype=None):
        block = np.asarray(self.X[start:stop], dtype=dtype)
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


def to_dense(block):
    """A block as a dense array (sparse blocks of any library have ``toarray``)."""
    return block.toarray() if hasattr(block, "toarray") else block


def iter_blocks(source, chunk_rows=CHUNK_ROWS, dtype=None):
    """Yield ``(start, stop, block)`` over the source in contiguous chunks."""
    for start in range(0, source.n_rows, chunk_rows):
        stop = min(start + chunk_rows, source.n_rows)
        yield start, stop, source.block(start, stop, dtype)


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

    def block(self, start, stop, dtype=None):
        block = self.source.block(start, stop)
        if sp.issparse(block):
            block = block.toarray()
        if dtype is None:
            dtype = block.dtype if block.dtype.kind == "f" else np.float32
        # In float32, the same operations as read(): the data, cast, then
        # standardised in float32, whatever their own dtype, so that training
        # and inference see the same values, and so do float32 and float64
        # copies of the data.
        block = block.astype(dtype, copy=False)
        return (block - self.center.astype(dtype)) * (1.0 / self.scale).astype(dtype)

def result_dtype_of(dtype):
    """The precision in which scikit-learn's transformers answer input of
    ``dtype``: float32 for float32, float64 for anything else (integers,
    booleans, float16 and float64 alike)."""
    return np.dtype(np.float32 if np.dtype(dtype) == np.float32 else np.float64)
