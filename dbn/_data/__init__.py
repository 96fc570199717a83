"""Data: validation like scikit-learn's, and row sources that read minibatches
from dense, memory-mapped, sparse or lazy data.

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

``validation`` checks input and wraps it in a source; ``statistics`` makes the
one pass per layer input that picks units and standardisation; ``files``
reads memory-mapped files without making them resident.
"""

from .sources import (
    CHUNK_ROWS,
    DenseRows,
    LazyRows,
    RowSource,
    StandardizedRows,
    as_row_source,
    iter_blocks,
    to_dense,
)
from .statistics import (
    column_statistics,
    in_unit_interval,
    standardizing_scale,
    training_statistics,
    warn_if_outside_unit_interval,
)
from .validation import is_lazy_array, validate_held_out, validate_rows

__all__ = [
    "CHUNK_ROWS", "DenseRows", "LazyRows", "RowSource", "StandardizedRows",
    "as_row_source", "column_statistics", "in_unit_interval", "is_lazy_array",
    "iter_blocks", "standardizing_scale", "to_dense", "training_statistics",
    "validate_held_out", "validate_rows", "warn_if_outside_unit_interval",
]
