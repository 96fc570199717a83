"""Fits that either succeed or leave the estimator exactly as it was."""

import functools


def atomic_fit(method):
    """Restore the estimator's attributes if ``method`` raises anything.

    Covers bad input found late, divergence and ``KeyboardInterrupt``. A
    shallow snapshot suffices because fitting builds new arrays and assigns
    them at the end; it never writes into the arrays of a previous fit.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        saved = dict(vars(self))
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            vars(self).clear()
            vars(self).update(saved)
            raise

    return wrapper
