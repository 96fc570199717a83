"""Loaders for data sets found on the local machine (nothing is downloaded)."""

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

__all__ = ["load_fashion_mnist", "read_idx"]

FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """Read an IDX file (optionally gzip-compressed) into a numpy array.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    array : ndarray
        Of the file's element type and shape.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from dbn.datasets import read_idx
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny-idx1-ubyte")
    >>> with open(path, "wb") as f:  # magic: 0, 0, type 0x08 (uint8), 1 dimension
    ...     _ = f.write(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]))
    >>> read_idx(path)
    array([7, 8, 9], dtype=uint8)
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            raw = fh.read()
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise ValueError(f"{path} is a damaged or truncated gzip file ({exc}).") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number).")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path} is truncated inside its IDX header.")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(
            f"{path} is truncated or damaged: its header declares shape {shape} "
            f"({expected} bytes of data) but it holds {len(raw) - header} bytes."
        )
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)


def load_fashion_mnist(directory=None):
    """Fashion-MNIST as ``(X_train, y_train, X_test, y_test)``.

    Images are flattened to 784 columns of uint8 (0-255); divide by 255 for
    values in [0, 1]. Read from ``directory``, else ``$FASHION_MNIST_DIR``,
    else ``/usr/share/datasets/fashion-mnist`` (Debian's package
    ``dataset-fashion-mnist``).

    Parameters
    ----------
    directory : str or path-like, default=None
        Folder holding the four IDX files (gzip-compressed or not).

    Returns
    -------
    X_train : ndarray of shape (60000, 784), dtype uint8
    y_train : ndarray of shape (60000,), dtype uint8
    X_test : ndarray of shape (10000, 784), dtype uint8
    y_test : ndarray of shape (10000,), dtype uint8

    Raises
    ------
    FileNotFoundError
        With the command that installs the data when the files are missing.

    Examples
    --------
    Needs ``apt-get install -y dataset-fashion-mnist``; without it the error
    says so.

    >>> from dbn.datasets import load_fashion_mnist
    >>> try:
    ...     X_train, y_train, X_test, y_test = load_fashion_mnist()
    ... except FileNotFoundError as missing:
    ...     X_train = None
    ...     assert "dataset-fashion-mnist" in str(missing)
    >>> X_train is None or X_train.shape == (60000, 784)
    True
    """
    directory = Path(directory or os.environ.get("FASHION_MNIST_DIR", FASHION_MNIST_DIR))
    names = {
        "X_train": "train-images-idx3-ubyte",
        "y_train": "train-labels-idx1-ubyte",
        "X_test": "t10k-images-idx3-ubyte",
        "y_test": "t10k-labels-idx1-ubyte",
    }
    arrays = {}
    for key, stem in names.items():
        candidates = [directory / (stem + ".gz"), directory / stem]
        found = next((p for p in candidates if p.exists()), None)
        if found is None:
            raise FileNotFoundError(
                f"Fashion-MNIST not found in {directory} (looked for {stem}[.gz]). "
                "Install it with: apt-get install -y dataset-fashion-mnist "
                "(or point FASHION_MNIST_DIR at a folder holding the IDX files)."
            )
        arrays[key] = read_idx(found)
    n_train, n_test = len(arrays["X_train"]), len(arrays["X_test"])
    return (
        arrays["X_train"].reshape(n_train, -1),
        arrays["y_train"].astype(np.int64),
        arrays["X_test"].reshape(n_test, -1),
        arrays["y_test"].astype(np.int64),
    )
