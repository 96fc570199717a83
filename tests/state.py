"""Deep comparison of estimator state: parameters, fitted attributes, RNGs."""

import dataclasses

import numpy as np
from sklearn.base import BaseEstimator


def same_state(a, b, where="estimator", ignore=(), atol=0.0):
    """Return None if ``a`` and ``b`` hold identical state, else where they differ.

    Dict keys and attribute names in ``ignore`` (e.g. wall-clock times) are
    skipped. With ``atol > 0``, floating arrays and floats may differ by up to
    ``atol`` (everything else must still be identical).
    """
    if isinstance(a, BaseEstimator) or isinstance(b, BaseEstimator):
        if type(a) is not type(b):
            return f"{where}: {type(a).__name__} != {type(b).__name__}"
        if set(vars(a)) != set(vars(b)):
            return f"{where}: attributes {sorted(set(vars(a)) ^ set(vars(b)))} differ"
        for key in set(vars(a)) - set(ignore):
            diff = same_state(vars(a)[key], vars(b)[key], f"{where}.{key}", ignore, atol)
            if diff:
                return diff
        return None
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        if type(a) is not type(b):
            return f"{where}: {type(a).__name__} != {type(b).__name__}"
        return same_state(vars(a), vars(b), where, ignore, atol)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        same = type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape
        if same and atol > 0 and a.dtype.kind == "f":
            gap = float(np.max(np.abs(a - b), initial=0.0))
            return None if gap <= atol else f"{where}: arrays differ by {gap:.3g} > {atol:g}"
        same = same and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
        return None if same else f"{where}: arrays differ"
    if isinstance(a, np.random.Generator | np.random.RandomState):
        state = (lambda g: g.bit_generator.state) if isinstance(a, np.random.Generator) \
            else (lambda g: g.get_state(legacy=False))
        if type(a) is not type(b):
            return f"{where}: {type(a).__name__} != {type(b).__name__}"
        return same_state(state(a), state(b), where, ignore)
    if isinstance(a, dict):
        if not isinstance(b, dict) or set(a) != set(b):
            return f"{where}: dict keys differ"
        for key in set(a) - set(ignore):
            diff = same_state(a[key], b[key], f"{where}[{key!r}]", ignore, atol)
            if diff:
                return diff
        return None
    if isinstance(a, list | tuple):
        if type(a) is not type(b) or len(a) != len(b):
            return f"{where}: sequences differ"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            diff = same_state(x, y, f"{where}[{i}]", ignore, atol)
            if diff:
                return diff
        return None
    if isinstance(a, float) and isinstance(b, float):
        if (np.isnan(a) and np.isnan(b)) or abs(a - b) <= atol:
            return None
    if type(a) is not type(b) or a != b:
        return f"{where}: {a!r} != {b!r}"
    return None
