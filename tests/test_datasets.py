"""IDX reading: valid files round trip, damaged ones get a clear ValueError."""

import gzip

import numpy as np
import pytest

from dbn.datasets import load_fashion_mnist, read_idx


def _idx(array):
    code = {np.uint8: 0x08, np.int32: 0x0C}[array.dtype.type]
    header = bytes([0, 0, code, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


@pytest.mark.parametrize("array", [np.arange(24, dtype=np.uint8).reshape(2, 3, 4),
                                   np.arange(-3, 3, dtype=np.int32)])
@pytest.mark.parametrize("compressed", [False, True])
def test_idx_round_trip(tmp_path, array, compressed):
    content = _idx(array)
    path = tmp_path / ("x.idx.gz" if compressed else "x.idx")
    path.write_bytes(gzip.compress(content) if compressed else content)
    np.testing.assert_array_equal(read_idx(path), array)


def _damaged(kind):
    good = _idx(np.arange(24, dtype=np.uint8).reshape(2, 3, 4))
    return {
        "empty": (b"", "bad magic"),
        "bad magic": (b"\x01" + good[1:], "bad magic"),
        "header cut": (good[:9], "inside its IDX header"),
        "data cut": (good[:-5], "truncated or damaged"),
        "extra bytes": (good + b"\x00", "truncated or damaged"),
        "int32 odd length": (_idx(np.arange(4, dtype=np.int32))[:-1], "truncated or damaged"),
    }[kind]


@pytest.mark.parametrize("kind", ["empty", "bad magic", "header cut", "data cut",
                                  "extra bytes", "int32 odd length"])
def test_damaged_idx_files_get_a_clear_error(tmp_path, kind):
    content, match = _damaged(kind)
    path = tmp_path / "x.idx"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match):
        read_idx(path)


def test_damaged_gzip_gets_a_clear_error(tmp_path):
    path = tmp_path / "x.idx.gz"
    path.write_bytes(gzip.compress(_idx(np.zeros(100, dtype=np.uint8)))[:-8])
    with pytest.raises(ValueError, match="damaged or truncated gzip"):
        read_idx(path)


def test_missing_fashion_mnist_says_how_to_install_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="apt-get install -y dataset-fashion-mnist"):
        load_fashion_mnist(tmp_path)
