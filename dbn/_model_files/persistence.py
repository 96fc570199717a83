"""Model files that loading can never turn into code execution.

A model file is a ZIP archive holding

* ``dbn-model.json``: the format name and version, the version of dbn that
  wrote it, and the estimator as a tree of tagged JSON nodes (class name,
  parameters, fitted attributes);
* ``arrays/<i>.npy``: every numpy array of that tree in numpy's ``.npy``
  format, read back with ``allow_pickle=False``.

Loading builds only dbn's public estimators (and FrozenEstimator) and numpy's random
generators, sets plain data (numbers, strings, lists, dicts, arrays) as their
attributes, and refuses everything else, so a crafted file can at worst fail to
load. The node types are documented in ``docs/model-files.md``.
"""

import io
import json
import os
import re
import tempfile
import zipfile
import zlib

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.frozen import FrozenEstimator

from .._rbm.training import TrainingState
from .._utils.schema import check
from ..exceptions import ModelFileError

FORMAT_NAME = "dbn-model"
FORMAT_VERSION = 1
_MANIFEST = "dbn-model.json"
# A manifest holds parameters and small attributes only (arrays live in .npy
# members); anything larger is not one of ours and is not worth decompressing.
_MAX_MANIFEST_BYTES = 64 * 2**20

_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# What zipfile and zlib raise for damaged archives: bad CRC or headers,
# undecodable data, members claiming encryption or unknown compression.
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
           NotImplementedError, ValueError)


def _estimators():
    """The classes a model file may name: every public dbn estimator (a class
    that declares its fitted attributes, see ``schema``) and scikit-learn's
    FrozenEstimator. Found by the declaration, so that this module imports no
    estimator and a new one needs no edit here."""
    found, todo = {"FrozenEstimator": FrozenEstimator}, [BaseEstimator]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if (cls.__module__.startswith("dbn.") and not cls.__name__.startswith("_")
                and "_fitted_marker" in dir(cls)):
            found[cls.__name__] = cls
    return found


def _library_version():
    from .. import __version__

    return __version__


# ------------------------------------------------------------------ writing


class _Encoder:
    """Turns an estimator into JSON nodes plus a list of arrays."""

    def __init__(self):
        self.arrays = []

    def array(self, value, kind="array"):
        # asarray, not ascontiguousarray: that would make 0-d arrays 1-d.
        self.arrays.append(np.asarray(value, order="C"))
        return {"type": kind, "index": len(self.arrays) - 1}

    def encode(self, value, where):
        # numpy scalars first: np.float64 and np.str_ are also float and str,
        # and must come back as the numpy types they are.
        if isinstance(value, np.generic):
            if value.dtype.kind == "O":
                return self.encode(value.item(), where)
            return self.array(value, kind="scalar")
        if value is None or isinstance(value, bool | str):
            return value
        if isinstance(value, int):
            return {"type": "int", "value": str(value)}
        if isinstance(value, float):
            return {"type": "float", "value": repr(value)}
        if isinstance(value, np.ndarray):
            if value.dtype.kind == "O":
                return {
                    "type": "object_array",
                    "shape": list(value.shape),
                    "items": [self.encode(item, f"{where}[{i}]")
                              for i, item in enumerate(value.ravel())],
                }
            if value.dtype.kind not in "biufcUSMm":
                raise TypeError(f"cannot save {where}: arrays of dtype {value.dtype} "
                                "are not supported.")
            return self.array(value)
        if isinstance(value, list | tuple):
            return {
                "type": type(value).__name__,
                "items": [self.encode(item, f"{where}[{i}]") for i, item in enumerate(value)],
            }
        if isinstance(value, dict):
            for key in value:
                if not isinstance(key, str):
                    raise TypeError(f"cannot save {where}: dict key {key!r} is not a string.")
            return {
                "type": "dict",
                "items": {k: self.encode(v, f"{where}[{k!r}]") for k, v in value.items()},
            }
        if isinstance(value, np.random.Generator):
            return {"type": "generator",
                    "state": self.encode(value.bit_generator.state, f"{where}.state")}
        if isinstance(value, np.random.RandomState):
            return {"type": "random_state",
                    "state": self.encode(value.get_state(legacy=False), f"{where}.state")}
        if isinstance(value, BaseEstimator):
            return self.estimator(value, where)
        if isinstance(value, TrainingState):
            kept = {name: getattr(value, name) for name in TrainingState.KEPT}
            return {"type": "rbm_training_state",
                    "fields": self.encode(kept, f"{where}")}
        raise TypeError(
            f"cannot save {where}: values of type {type(value).__name__} have no "
            "safe representation in a dbn model file."
        )

    def estimator(self, est, where):
        name = type(est).__name__
        if _estimators().get(name) is not type(est):
            raise TypeError(
                f"cannot save {where}: {name} is not a dbn estimator (dbn.save writes "
                f"{', '.join(sorted(_estimators()))}); use pickle or joblib for others."
            )
        params = est.get_params(deep=False)
        attributes = {k: v for k, v in vars(est).items()
                      if k not in params and k not in _UNSAVED_ATTRIBUTES}
        return {
            "type": "estimator",
            "class": name,
            "params": {k: self.encode(v, f"{where}.{k}") for k, v in params.items()},
            "attributes": {k: self.encode(v, f"{where}.{k}") for k, v in attributes.items()},
        }


#: Attributes a model file leaves out (none today: the fine-tuned nets'
#: ``partial_fit`` optimizer state is saved, so a loaded net continues exactly).
_UNSAVED_ATTRIBUTES = frozenset()


def save(estimator, path):
    """Write ``estimator`` to a model file that :func:`load` reads back.

    The file is a ZIP archive of ``.npy`` arrays and JSON parameters (see
    ``docs/model-files.md``); no pickle is involved, so loading it cannot run
    code. Fitted and unfitted estimators are both saved, with everything
    needed to continue training (an RBM's ``partial_fit`` random state, the
    fine-tuned nets' ``partial_fit`` optimizer state and generator), so a
    loaded model's ``partial_fit`` continues exactly as the original's would.

    Parameters
    ----------
    estimator : BernoulliRBM, GaussianRBM, DBN, DBNClassifier, DBNRegressor, DBNAutoencoder,
        RBMClassifier or GenerativeDBNClassifier
        The estimator to save.
    path : str, path-like or writable binary file object
        Where to write. An existing file is replaced only once the new one is
        complete.

    Raises
    ------
    TypeError
        If ``estimator`` is not a dbn estimator or holds a value (e.g. a
        ``random_state`` of an unknown type) with no safe representation.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.datasets import load_digits
    >>> import dbn
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = dbn.RBMClassifier(32, n_iter=2, random_state=0).fit(X / 16, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.dbn")
    >>> dbn.save(clf, path)
    >>> bool((dbn.load(path).predict(X / 16) == clf.predict(X / 16)).all())
    True
    """
    encoder = _Encoder()
    tree = encoder.estimator(estimator, "estimator")
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "dbn_version": _library_version(),
        "estimator": tree,
    }
    if hasattr(path, "write"):
        _write_archive(path, manifest, encoder.arrays)
        return
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".dbn-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            _write_archive(f, manifest, encoder.arrays)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _write_archive(file, manifest, arrays):
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(_MANIFEST, json.dumps(manifest, allow_nan=False, indent=1))
        for i, array in enumerate(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            zf.writestr(f"arrays/{i}.npy", buffer.getvalue())


# ------------------------------------------------------------------ reading


class _Decoder:
    def __init__(self, zf, source):
        self.zf = zf
        self.source = source
        self.arrays = {}

    def fail(self, problem):
        raise ModelFileError(f"{self.source} is not a valid dbn model file: {problem}.")

    def array(self, index):
        if not isinstance(index, int) or isinstance(index, bool):
            self.fail(f"array reference {index!r} is not an integer")
        if index not in self.arrays:
            member = f"arrays/{index}.npy"
            try:
                self._check_array_size(member)
                with self.zf.open(member) as f:
                    self.arrays[index] = np.lib.format.read_array(f, allow_pickle=False)
            except KeyError:
                self.fail(f"array member {member} is missing")
            except _DAMAGE as exc:
                self.fail(f"array member {member} cannot be read ({exc})")
        return self.arrays[index]

    # Deflate expands at most ~1032-fold; a member claiming more is damaged.
    _MAX_EXPANSION = 1100

    def _check_array_size(self, member):
        """Refuse a member whose .npy header declares more data than the member
        holds, before numpy allocates it: a crafted 1 KB file must not ask
        for terabytes."""
        info = self.zf.getinfo(member)
        if info.file_size > max(info.compress_size, 1) * self._MAX_EXPANSION:
            self.fail(f"array member {member} claims {info.file_size} bytes from "
                      f"{info.compress_size} compressed")
        with self.zf.open(member) as f:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                self.fail(f"array member {member} has .npy version {version}")
            header = f.tell()
        if dtype.hasobject:
            self.fail(f"array member {member} holds Python objects")
        declared = dtype.itemsize
        for extent in shape:
            declared *= int(extent)
        if declared != info.file_size - header:
            self.fail(f"array member {member} declares shape {shape} of {dtype} "
                      f"({declared} bytes) but holds {info.file_size - header}")

    def decode(self, node):
        if node is None or isinstance(node, bool | str):
            return node
        if not isinstance(node, dict) or not isinstance(node.get("type"), str):
            self.fail(f"unexpected value {node!r:.60}")
        kind = node["type"]
        try:
            if kind == "int":
                return int(node["value"])
            if kind == "float":
                return float(node["value"])
            if kind == "array":
                return self.array(node["index"])
            if kind == "scalar":
                return self.array(node["index"])[()]
            if kind == "object_array":
                items = [self.decode(item) for item in node["items"]]
                out = np.empty(len(items), dtype=object)
                out[:] = items
                return out.reshape([int(n) for n in node["shape"]])
            if kind in ("list", "tuple"):
                items = [self.decode(item) for item in node["items"]]
                return items if kind == "list" else tuple(items)
            if kind == "dict":
                return {str(k): self.decode(v) for k, v in node["items"].items()}
            if kind == "generator":
                return np.random.Generator(self.bit_generator(self.decode(node["state"])))
            if kind == "random_state":
                state = self.decode(node["state"])
                return np.random.RandomState(self.bit_generator(state))
            if kind == "estimator":
                return self.estimator(node)
            if kind == "rbm_training_state":
                return self.training_state(self.decode(node["fields"]))
        except ModelFileError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            self.fail(f"malformed {kind!r} node ({type(exc).__name__}: {exc})")
        self.fail(f"unknown node type {kind!r}")

    def training_state(self, kept):
        if not isinstance(kept, dict) or not set(kept) <= set(TrainingState.KEPT):
            self.fail(f"an RBM training state holds unknown fields {kept!r:.80}")
        missing = {"velocity", "rng", "hidden_mean", "base_visible_bias"} - set(kept)
        if missing:
            self.fail(f"an RBM training state lacks {sorted(missing)}")
        return TrainingState(**kept)

    def bit_generator(self, state):
        name = state.get("bit_generator") if isinstance(state, dict) else None
        if name not in _BIT_GENERATORS:
            self.fail(f"unknown random bit generator {name!r}")
        bit_generator = getattr(np.random, name)()
        bit_generator.state = state
        return bit_generator

    def estimator(self, node):
        name = node["class"]
        cls = _estimators().get(name)
        if cls is None:
            self.fail(f"{name!r} is not a dbn estimator")
        params = {k: self.decode(v) for k, v in node["params"].items()}
        unknown = set(params) - set(cls._get_param_names())
        if unknown:
            self.fail(f"{name} has no parameter(s) {sorted(unknown)} in this version "
                      f"of dbn ({_library_version()})")
        est = cls(**params)
        for key, value in node["attributes"].items():
            if not _ATTRIBUTE_NAME.match(key) or key.startswith("__") or hasattr(cls, key):
                self.fail(f"{name} attribute name {key!r} is not allowed")
            setattr(est, key, self.decode(value))
        upgrade = getattr(est, "_upgrade_loaded", None)
        if upgrade is not None:
            upgrade()
        problem = check(est)
        if problem:
            self.fail(f"{name} {problem}")
        return est


def load(path):
    """Read an estimator written by :func:`save`.

    Only dbn's estimators, numpy arrays (read with ``allow_pickle=False``),
    numbers, strings, lists, dicts and numpy random generators are built, so a
    malicious file cannot run code.

    Parameters
    ----------
    path : str, path-like or readable binary file object
        A file written by :func:`save`.

    Returns
    -------
    estimator : BernoulliRBM, GaussianRBM, DBN, DBNClassifier, DBNRegressor, DBNAutoencoder,
        RBMClassifier or GenerativeDBNClassifier
        Equal to the saved one: same parameters, same fitted attributes, same
        predictions.

    Raises
    ------
    dbn.ModelFileError
        (a ``ValueError``) if the file is empty, truncated, corrupted, not a
        dbn model file, or written in a newer format than this dbn reads.
    FileNotFoundError
        If ``path`` does not exist.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.datasets import load_digits
    >>> import dbn
    >>> X, _ = load_digits(return_X_y=True)
    >>> rbm = dbn.BernoulliRBM(16, n_iter=2, random_state=0).fit(X / 16)
    >>> path = os.path.join(tempfile.mkdtemp(), "rbm.dbn")
    >>> dbn.save(rbm, path)
    >>> loaded = dbn.load(path)
    >>> type(loaded).__name__, bool((loaded.components_ == rbm.components_).all())
    ('BernoulliRBM', True)
    """
    source = repr(os.fspath(path)) if not hasattr(path, "read") else "the file object"
    try:
        zf = zipfile.ZipFile(path)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except _DAMAGE as exc:
        raise ModelFileError(
            f"{source} is not a dbn model file: it is empty, truncated, or not a ZIP "
            f"archive ({exc})."
        ) from None
    with zf:
        decoder = _Decoder(zf, source)
        manifest = _read_manifest(zf, decoder)
        try:
            return decoder.decode(manifest["estimator"])
        except RecursionError:
            decoder.fail("its values are nested too deeply")


def _read_manifest(zf, decoder):
    try:
        info = zf.getinfo(_MANIFEST)
    except KeyError:
        decoder.fail(f"the archive has no {_MANIFEST} (it was not written by dbn.save)")
    if info.file_size > _MAX_MANIFEST_BYTES:
        decoder.fail(f"{_MANIFEST} is implausibly large ({info.file_size} bytes)")
    try:
        manifest = json.loads(zf.read(info).decode("utf-8"))
    except (*_DAMAGE, RecursionError) as exc:
        decoder.fail(f"{_MANIFEST} cannot be read ({exc})")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        decoder.fail(f"{_MANIFEST} does not declare format {FORMAT_NAME!r}")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        decoder.fail(f"format_version {version!r} is not a positive integer")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{decoder.source} was written by dbn {manifest.get('dbn_version', '?')} in "
            f"model format {version}; this dbn ({_library_version()}) reads formats up "
            f"to {FORMAT_VERSION}. Upgrade dbn to load it."
        )
    if "estimator" not in manifest:
        decoder.fail("the manifest holds no estimator")
    return manifest
