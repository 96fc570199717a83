"""An RBM as a layer of a stack: the private interface that DBNs, the
persistence code and plotting share (see ``docs/design.md``), and what a
model file of a fitted RBM must hold.

Parameters live in standardised units for GaussianRBM (``mean_``,
``scale_``); these methods convert at the boundary, so that callers see the
data in its own units.
"""

import numpy as np

from .._data import StandardizedRows, iter_blocks
from .._utils.schema import FloatArray, Positive, rows
from .training import TrainingState


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
        # Blocks in the requested precision (standardised in it too): float32
        # features of float64 data are then the same as those of its float32
        # copy (and twice as fast).
        for start, stop, block in iter_blocks(source, dtype=dtype):
            out[start:stop] = block @ weights
        out += bias
        return self._hidden.mean(out)

    _fitted_marker = "components_"

    def _fitted_schema(self, n_in):
        """What a loaded RBM must hold (see ``dbn._utils.schema``)."""
        # The fitted shapes, which set_params after fitting does not change.
        H = rows(vars(self).get("components_"), self.n_components)
        yield FloatArray("components_", (H, n_in))
        yield FloatArray("intercept_hidden_", (H,))
        yield FloatArray("intercept_visible_", (n_in,))
        if self._real_valued:
            yield FloatArray("sigma_", (n_in,))
            for name in ("mean_", "scale_"):
                if vars(self).get(name) is not None:
                    yield FloatArray(name, (n_in,))
            yield Positive("sigma_")
            yield Positive("scale_")
        elif any(vars(self).get(name) is not None for name in ("mean_", "scale_")):
            yield "mean_ and scale_ belong to a GaussianRBM's standardisation"
        state = vars(self).get("_training_state")
        if state is None:
            return
        if not isinstance(state, TrainingState):
            yield "_training_state is not an RBM training state"
        # The state that partial_fit hands to the Numba kernels.
        if not isinstance(state.rng, np.random.Generator):
            yield "_training_state.rng is not a numpy Generator"
        kept = [("velocity", (n_in + 1, H + 1)), ("hidden_mean", (H,)),
                ("base_visible_bias", (n_in,)), ("log_variance_velocity", (n_in,)),
                ("chains", (rows(state.chains, self.batch_size), H + 1))]
        for name, shape in kept:
            if getattr(state, name) is not None:
                yield FloatArray(f"_training_state.{name}", shape, getattr(state, name))

    # Attributes in which older model files kept the training state.
    _LEGACY_STATE = {"_velocity": "velocity", "_rng": "rng", "_hidden_mean": "hidden_mean",
                     "_base_visible_bias": "base_visible_bias", "_chains": "chains",
                     "_log_variance_velocity": "log_variance_velocity"}

    def _upgrade_loaded(self):
        """Older model files hold the training state as loose attributes; gather
        them (what is missing starts afresh on partial_fit)."""
        if "_training_state" in vars(self):
            return
        found = {new: vars(self).pop(old) for old, new in self._LEGACY_STATE.items()
                 if old in vars(self)}
        if {"velocity", "rng", "hidden_mean", "base_visible_bias"} <= set(found):
            self._training_state = TrainingState(**found)
