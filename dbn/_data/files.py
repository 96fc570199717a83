"""Memory-mapped files read without making them resident: rows gathered with
``pread`` and pages handed back to the operating system as training goes."""

import mmap
import os
import weakref

import numpy as np

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
