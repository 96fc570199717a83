"""Warnings that point at the user's line, however deep in dbn they arise."""

import os
import sys
import warnings

import sklearn

# The dbn package (this module is dbn/_utils/warnings.py).
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
# scikit-learn's decorators that sit between a user's call and our methods
# (``_fit_context``, ``set_output``'s wrapper, the mixins' ``fit_transform``).
_SKLEARN = os.path.dirname(os.path.abspath(sklearn.__file__)) + os.sep
_WRAPPERS = tuple(_SKLEARN + name for name in ("base.py", os.path.join("utils", "_set_output.py")))


def _internal(filename):
    return filename.startswith(_PACKAGE) or filename in _WRAPPERS


def warn(message, category):
    """``warnings.warn`` attributed to the first frame outside dbn (and outside
    scikit-learn's method wrappers): the user's call, not a fixed depth."""
    frame, level = sys._getframe(0), 1
    while frame is not None and _internal(os.path.abspath(frame.f_code.co_filename)):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
