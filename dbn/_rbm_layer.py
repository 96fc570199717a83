"""An RBM as a layer of a stack: the private interface that DBNs, the
persistence code and plotting share (see ``docs/design.md``).

Parameters live in standardised units for GaussianRBM (``mean_``,
``scale_``); these methods convert at the boundary, so that callers see the
data in its own units.
"""

import numpy as np

from ._data import StandardizedRows, iter_blocks


class _RBMLayer:
    """Hidden features, unrolled weights and unit conversions of a fitted RBM."""

    def _standardized(self, source):
        """``source`` in the units the parameters describe (see ``mean_``)."""
        if getattr(self, "mean_", None) is None:
            return source
        return StandardizedRows(source, self.mean_, self.scale_)

    def _to_input_units(self, V):
        """Visible values from the parameters' units back to the data's."""
        if getattr(self, "mean_", None) is None:
            return V
        V *= self.scale_.astype(V.dtype)
        V += self.mean_.astype(V.dtype)
        return V

    def _unrolled_layer(self, dtype=np.float32):
        """``(W, b)`` with ``P(h = 1 | x) = sigmoid(x @ W + b)`` for data ``x`` in
        its own units: the standardisation folded into the weights."""
        weights = self._effective_weights(np.float64)
        bias = self.intercept_hidden_.astype(np.float64)
        if getattr(self, "mean_", None) is not None:
            weights = weights / self.scale_[:, None]
            bias = bias - self.mean_ @ weights
        return np.ascontiguousarray(weights, dtype=dtype), bias.astype(dtype)

    def _unrolled_decoder(self, dtype=np.float32):
        """``(W, b)`` with ``E[x | h] = act(h @ W + b)`` in the data's units
        (``act`` the visible units' mean: sigmoid or identity): the RBM's
        generative direction as a decoder layer."""
        weights = self.components_.astype(np.float64)
        bias = self.intercept_visible_.astype(np.float64)
        if getattr(self, "mean_", None) is not None:
            weights = weights * self.scale_[None, :]
            bias = self.mean_ + self.scale_ * bias
        return np.ascontiguousarray(weights, dtype=dtype), bias.astype(dtype)

    def _variance(self):
        """Per-feature visible variances (Gaussian units), or None."""
        if not (self._real_valued and self.learn_variance):
            return None
        return np.asarray(self.sigma_, dtype=np.float64) ** 2

    def _effective_weights(self, dtype=np.float64):
        """(n_features, n_components) weights acting on the raw visible values:
        ``W / sigma^2`` for Gaussian units with learned variances."""
        weights = self.components_.T.astype(dtype)
        variance = self._variance()
        if variance is not None:
            weights = weights / variance.astype(dtype)[:, None]
        return weights

    def _compute_dtype(self, source):
        """The precision of inference on ``source``: scikit-learn's for the
        data as given, float32 for float32 input and float64 otherwise
        (integer input included, although its rows are read as float32,
        which holds integers up to 2**24 exactly)."""
        dtype = getattr(source, "result_dtype", None)
        if dtype is None:
            dtype = np.float32 if source.dtype == np.float32 else np.float64
        return np.dtype(dtype).type

    def _hidden_probabilities(self, source, dtype=None):
        """Hidden means: probabilities, or ``max(0, x)`` for rectified units."""
        dtype = dtype or self._compute_dtype(source)
        source = self._standardized(source)
        weights = self._effective_weights(dtype)
        bias = self.intercept_hidden_.astype(dtype)
        out = np.empty((source.n_rows, self.components_.shape[0]), dtype=dtype)
        for start, stop, block in iter_blocks(source):
            # In the requested precision: float32 features of float64 data are
            # then the same as those of its float32 copy (and twice as fast).
            out[start:stop] = block.astype(dtype, copy=False) @ weights
        out += bias
        return self._hidden.mean(out)
