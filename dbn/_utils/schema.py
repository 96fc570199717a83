"""What a loaded estimator must hold: the declarations estimators make and
the one function that checks them.

Every estimator a model file can hold declares, on its class,

* ``_fitted_marker``: the attribute that exists once it is fitted;
* ``_fitted_schema(self, n_in)``: a generator of requirements on its fitted
  attributes (``n_in`` is its validated ``n_features_in_``), built from the
  classes below, or a string naming a problem outright. The shapes come from
  the parameters and from attributes declared before: the generator resumes
  only when everything it yielded so far holds.

:func:`check` walks the declarations of a loaded estimator. It guards the
Numba kernels against edited files: an array of the wrong shape, dtype or
byte order never reaches them. ``dbn._model_files.persistence`` calls it and knows no
estimator by name.
"""

import dataclasses

import numpy as np

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
#: FloatArray's default: read the value from the attribute it names.
_FROM_ATTRIBUTE = object()


@dataclasses.dataclass(frozen=True)
class FloatArray:
    """A finite float32/float64 array in native byte order of ``shape``.

    ``value`` overrides reading attribute ``name`` (list items, nested state).
    """

    name: str
    shape: tuple
    value: object = _FROM_ATTRIBUTE

    def problem(self, est):
        value = vars(est).get(self.name) if self.value is _FROM_ATTRIBUTE else self.value
        # float32/float64 in native byte order: what the Numba kernels compile for.
        if not (isinstance(value, np.ndarray) and value.dtype in _FLOATS
                and value.dtype.isnative and value.shape == self.shape
                and np.isfinite(value).all()):
            return (f"{self.name} is not a finite float32 or float64 array of shape "
                    f"{self.shape}")
        return None


@dataclasses.dataclass(frozen=True)
class Positive:
    """Attribute ``name`` (optional: None passes) holds only values > 0."""

    name: str

    def problem(self, est):
        value = vars(est).get(self.name)
        if value is not None and not np.all(np.asarray(value) > 0):
            return f"{self.name} holds values that are not positive"
        return None


@dataclasses.dataclass(frozen=True)
class Labels:
    """``classes_``: a strictly increasing 1-D array of at least two labels."""

    name: str = "classes_"

    def problem(self, est):
        classes = vars(est).get(self.name)
        if not (isinstance(classes, np.ndarray) and classes.ndim == 1 and len(classes) >= 2):
            return f"{self.name} is not an array of at least 2 labels"
        try:
            increasing = bool(np.all(classes[1:] > classes[:-1]))
        except TypeError:
            increasing = False
        return None if increasing else f"{self.name} is not sorted and unique"


@dataclasses.dataclass(frozen=True)
class Rule:
    """Any other requirement: ``problem()`` returns what is wrong, or None."""

    problem_of: object

    def problem(self, est):
        return self.problem_of()


@dataclasses.dataclass(frozen=True)
class Fitted:
    """A nested estimator (``value``) that must itself pass :func:`check`."""

    name: str
    value: object

    def problem(self, est):
        problem = check(self.value)
        return None if problem is None else f"{self.name} {problem}"


def rows(value, default):
    """The row count of a 2-D array ``value``, else ``default`` (so a declared
    shape can be read off an attribute that a later requirement checks)."""
    return value.shape[0] if isinstance(value, np.ndarray) and value.ndim == 2 else default


def check(est):
    """What makes a loaded estimator unusable (invalid parameters, fitted arrays
    of the wrong kind or shape), or None."""
    marker = getattr(type(est), "_fitted_marker", None)
    if marker is None or marker not in vars(est):
        return None  # unfitted (or a wrapper): fit validates, as always
    try:
        est._validate_params()
    except ValueError as exc:
        return f"has an invalid parameter ({exc})"
    n_in = vars(est).get("n_features_in_")
    if not isinstance(n_in, int) or n_in < 1:
        return "has no valid n_features_in_"
    # One declaration at a time: a later one may read what an earlier one checked.
    for requirement in est._fitted_schema(n_in):
        problem = requirement if isinstance(requirement, str) else requirement.problem(est)
        if problem:
            return problem
    return None
