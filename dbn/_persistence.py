"""Model files that loading can never turn into code execution.

A model file is a ZIP archive holding

* ``dbn-model.json``: the format name and version, the version of dbn that
  wrote it, and the estimator as a tree of tagged JSON nodes (class name,
  parameters, fitted attributes);
* ``arrays/<i>.npy``: every numpy array of that tree in numpy's ``.npy``
  format, read back with ``allow_pickle=False``.

Loading builds only the classes of :data:`_ESTIMATORS` and numpy's random
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

from ._autoencoder import DBNAutoencoder
from ._classifier import DBNClassifier
from ._dbn import DBN
from ._generative_dbn import GenerativeDBNClassifier
from ._net import _BaseDBNNet
from ._optimizers import state_problem
from ._rbm import BernoulliRBM, GaussianRBM
from ._rbm_classifier import RBMClassifier
from ._rbm_training import TrainingState
from ._regressor import DBNRegressor
from .exceptions import ModelFileError

FORMAT_NAME = "dbn-model"
FORMAT_VERSION = 1
_MANIFEST = "dbn-model.json"
# A manifest holds parameters and small attributes only (arrays live in .npy
# members); anything larger is not one of ours and is not worth decompressing.
_MAX_MANIFEST_BYTES = 64 * 2**20

_ESTIMATORS = {
    cls.__name__: cls
    for cls in (BernoulliRBM, GaussianRBM, DBN, DBNClassifier, DBNRegressor,
                DBNAutoencoder, RBMClassifier, GenerativeDBNClassifier, FrozenEstimator)
}
_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# What zipfile and zlib raise for damaged archives: bad CRC or headers,
# undecodable data, members claiming encryption or unknown compression.
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
           NotImplementedError, ValueError)


def _library_version():
    from . import __version__

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
        if _ESTIMATORS.get(name) is not type(est):
            raise TypeError(
                f"cannot save {where}: {name} is not a dbn estimator (dbn.save writes "
                f"{', '.join(sorted(_ESTIMATORS))}); use pickle or joblib for others."
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
    >>> (dbn.load(path).predict(X / 16) == clf.predict(X / 16)).all()
    np.True_
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
                with self.zf.open(member) as f:
                    self.arrays[index] = np.lib.format.read_array(f, allow_pickle=False)
            except KeyError:
                self.fail(f"array member {member} is missing")
            except _DAMAGE as exc:
                self.fail(f"array member {member} cannot be read ({exc})")
        return self.arrays[index]

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
        cls = _ESTIMATORS.get(name)
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
        _gather_legacy_training_state(est)
        problem = _inconsistency(est)
        if problem:
            self.fail(f"{name} {problem}")
        return est


def _inconsistency(est):
    """What makes a loaded estimator unusable (invalid parameters, fitted arrays
    of the wrong kind or shape), or None. Guards against edited files."""
    if isinstance(est, FrozenEstimator):
        return None
    fitted = "rbms_" if isinstance(est, DBN) else (
        "coefs_" if isinstance(est, _BaseDBNNet) else
        "top_" if isinstance(est, GenerativeDBNClassifier) else "components_")
    if fitted not in vars(est):
        return None  # unfitted: parameters are validated by fit, as always
    try:
        est._validate_params()
    except ValueError as exc:
        return f"has an invalid parameter ({exc})"
    n_in = vars(est).get("n_features_in_")
    if not isinstance(n_in, int) or n_in < 1:
        return "has no valid n_features_in_"
    if isinstance(est, RBMClassifier):
        return _classification_rbm_inconsistency(est, n_in)
    if isinstance(est, GenerativeDBNClassifier):
        return _generative_dbn_inconsistency(est, n_in)
    if isinstance(est, DBN):
        rbms = est.rbms_
        if not isinstance(rbms, list) or not rbms or not all(
                isinstance(r, BernoulliRBM | GaussianRBM) and "components_" in vars(r)
                for r in rbms):
            return "rbms_ is not a list of fitted RBMs"
        widths = [n_in] + [r.components_.shape[0] for r in rbms]
        if [r.n_features_in_ for r in rbms] != widths[:-1]:
            return "rbms_ do not stack (layer widths differ)"
        return None
    if isinstance(est, BernoulliRBM | GaussianRBM):
        # The fitted shapes, which set_params after fitting does not change.
        H = _rows(vars(est).get("components_"), est.n_components)
        shapes = [("components_", (H, n_in)),
                  ("intercept_hidden_", (H,)),
                  ("intercept_visible_", (n_in,))]
        if isinstance(est, GaussianRBM):
            shapes.append(("sigma_", (n_in,)))
            shapes += [(name, (n_in,)) for name in ("mean_", "scale_")
                       if vars(est).get(name) is not None]
            problem = _bad_array(est, shapes) or _not_positive(est, ("sigma_", "scale_"))
            if problem:
                return problem
        problem = _bad_array(est, shapes)
        state = vars(est).get("_training_state")
        if problem or state is None:
            return problem
        if not isinstance(state, TrainingState):
            return "_training_state is not an RBM training state"
        # The state that partial_fit hands to the Numba kernels.
        if not isinstance(state.rng, np.random.Generator):
            return "_training_state.rng is not a numpy Generator"
        kept = [("velocity", (n_in + 1, H + 1)), ("hidden_mean", (H,)),
                ("base_visible_bias", (n_in,)), ("log_variance_velocity", (n_in,)),
                ("chains", (_rows(state.chains, est.batch_size), H + 1))]
        return _bad_array(est, [(f"_training_state.{name}", shape, getattr(state, name))
                                for name, shape in kept if getattr(state, name) is not None])
    coefs, intercepts = vars(est).get("coefs_"), vars(est).get("intercepts_")
    if not (isinstance(coefs, list) and isinstance(intercepts, list) and coefs
            and len(coefs) == len(intercepts)):
        return "coefs_ and intercepts_ are not lists of equal length"
    n_out = vars(est).get("n_outputs_")
    widths = [n_in] + [W.shape[1] if isinstance(W, np.ndarray) and W.ndim == 2 else -1
                       for W in coefs]
    if widths[-1] != n_out:
        return "coefs_ do not end in n_outputs_ outputs"
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        problem = _bad_array(None, [(f"coefs_[{i}]", (widths[i], widths[i + 1]), W),
                                    (f"intercepts_[{i}]", (widths[i + 1],), b)])
        if problem:
            return problem
    problem = _target_inconsistency(est, n_out)
    if problem:
        return problem
    partial = vars(est).get("_partial_state")
    if partial is not None:
        # The optimizer moments partial_fit hands to the Numba kernels.
        if not (isinstance(partial, dict) and set(partial) == {"optimizer", "rng"}
                and isinstance(partial["rng"], np.random.Generator)):
            return "_partial_state is not an optimizer state and a numpy Generator"
        problem = state_problem(partial["optimizer"], [*coefs, *intercepts])
        if problem:
            return f"_partial_state optimizer {problem}"
    if isinstance(est, DBNAutoencoder):
        acts = vars(est).get("activations_")
        if not (isinstance(acts, list) and len(acts) == len(coefs) and len(coefs) % 2 == 0
                and set(acts) <= {"sigmoid", "relu", "identity"}):
            return "activations_ is not one known activation per layer of an even count"
    return None


def _target_inconsistency(est, n_out):
    """Whether the classes or the target scaling fit the output layer."""
    if isinstance(est, DBNClassifier):
        classes = vars(est).get("classes_")
        if not (isinstance(classes, np.ndarray) and classes.ndim == 1 and len(classes) >= 2):
            return "classes_ is not an array of at least 2 labels"
        if _not_sorted_labels(classes):
            return "classes_ is not sorted and unique"
        if (1 if len(classes) == 2 else len(classes)) != n_out:
            return f"classes_ ({len(classes)} labels) do not match the {n_out} outputs"
    if isinstance(est, DBNRegressor):
        problem = _bad_array(est, [("_y_mean", (n_out,)), ("_y_scale", (n_out,))])
        return problem or _not_positive(est, ("_y_scale",))
    return None


def _classification_rbm_inconsistency(est, n_in):
    classes = vars(est).get("classes_")
    if not isinstance(classes, np.ndarray) or classes.ndim != 1 or len(classes) < 2:
        return "classes_ is not an array of at least 2 labels"
    if vars(est).get("visible_units_") not in ("bernoulli", "gaussian"):
        return "visible_units_ is neither 'bernoulli' nor 'gaussian'"
    if _not_sorted_labels(classes):
        return "classes_ is not sorted and unique"
    # The fitted shapes, which set_params after fitting does not change.
    H, K = _rows(vars(est).get("components_"), est.n_components), len(classes)
    shapes = [("components_", (H, n_in)), ("class_components_", (H, K)),
              ("intercept_hidden_", (H,)), ("intercept_visible_", (n_in,)),
              ("intercept_class_", (K,))]
    if est.visible_units_ == "gaussian":
        shapes += [("mean_", (n_in,)), ("scale_", (n_in,))]
    return _bad_array(est, shapes) or _not_positive(est, ("scale_",))


def _generative_dbn_inconsistency(est, n_in):
    top = vars(est).get("top_")
    if not isinstance(top, RBMClassifier) or "components_" not in vars(top):
        return "top_ is not a fitted RBMClassifier"
    problem = _inconsistency(top)
    if problem:
        return f"top_ {problem}"
    widths = [n_in] + [W.shape[1] if isinstance(W, np.ndarray) and W.ndim == 2 else -1
                       for W in vars(est).get("recognition_coefs_", [])]
    lists = [vars(est).get(name) for name in ("recognition_coefs_", "recognition_intercepts_",
                                               "generative_coefs_", "generative_intercepts_")]
    if not all(isinstance(x, list) and len(x) == len(widths) - 1 >= 1 for x in lists):
        return "the recognition and generative layers are not lists of equal length"
    if widths[-1] != top.n_features_in_ or len(top.classes_) != len(est.classes_):
        return "the top RBM does not fit the layers below or the classes"
    for i in range(len(widths) - 1):
        a, b = widths[i], widths[i + 1]
        problem = _bad_array(None, [
            (f"recognition_coefs_[{i}]", (a, b), lists[0][i]),
            (f"recognition_intercepts_[{i}]", (b,), lists[1][i]),
            (f"generative_coefs_[{i}]", (b, a), lists[2][i]),
            (f"generative_intercepts_[{i}]", (a,), lists[3][i])])
        if problem:
            return problem
    return None


def _rows(value, default):
    """The row count of a 2-D array ``value``, else ``default``."""
    return value.shape[0] if isinstance(value, np.ndarray) and value.ndim == 2 else default


def _bad_array(est, expected):
    for entry in expected:
        name, shape = entry[0], entry[1]
        value = entry[2] if len(entry) == 3 else vars(est).get(name)
        # float32/float64 in native byte order: what the Numba kernels compile for.
        if not (isinstance(value, np.ndarray) and value.dtype in _FLOATS
                and value.dtype.isnative and value.shape == shape
                and np.isfinite(value).all()):
            return f"{name} is not a finite float32 or float64 array of shape {shape}"
    return None


_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _not_positive(est, names):
    """The first of ``names`` (optional attributes) holding a value <= 0, or None."""
    for name in names:
        value = vars(est).get(name)
        if value is not None and not np.all(np.asarray(value) > 0):
            return f"{name} holds values that are not positive"
    return None


def _not_sorted_labels(classes):
    """Whether ``classes`` is not the strictly increasing array fit makes."""
    try:
        return not bool(np.all(classes[1:] > classes[:-1]))
    except TypeError:
        return True


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
    >>> type(loaded).__name__, (loaded.components_ == rbm.components_).all()
    ('BernoulliRBM', np.True_)
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


# Attributes in which files written before dbn kept an RBM's training state.
_LEGACY_STATE = {"_velocity": "velocity", "_rng": "rng", "_hidden_mean": "hidden_mean",
                 "_base_visible_bias": "base_visible_bias", "_chains": "chains",
                 "_log_variance_velocity": "log_variance_velocity"}


def _gather_legacy_training_state(est):
    """Files from before the training state was one object hold it as loose
    attributes; gather them (what is missing starts afresh on partial_fit)."""
    if not isinstance(est, BernoulliRBM | GaussianRBM) or "_training_state" in vars(est):
        return
    found = {new: vars(est).pop(old) for old, new in _LEGACY_STATE.items()
             if old in vars(est)}
    if {"velocity", "rng", "hidden_mean", "base_visible_bias"} <= set(found):
        est._training_state = TrainingState(**found)
