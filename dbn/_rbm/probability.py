"""What a fitted RBM says about data as a generative model: free energies,
likelihoods, Gibbs sampling. Mixed into the RBM estimators."""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._data import iter_blocks, to_dense, validate_rows
from .._utils.lazy import lazy_import
from .._utils.random import make_generator
from .._utils.threads import uses_threads
from . import likelihood as _likelihood

_kernels = lazy_import("dbn._kernels.rbm")


class _ProbabilityMixin:
    """Sampling and (log-)likelihoods of a fitted RBM, in the data's units.

    Relies on the estimator's layer interface: ``_likelihood_params``,
    ``_base_rate_bias``, ``_standardized``, ``_to_input_units``,
    ``_effective_weights``, ``_variance``, ``_visible``, ``_hidden`` and
    ``_real_valued``.
    """

    def _likelihood_params(self):
        return _likelihood.RBMParams(
            self.components_.T.astype(np.float64),
            self.intercept_visible_.astype(np.float64),
            self.intercept_hidden_.astype(np.float64),
            visible=self._visible,
            hidden=self._hidden,
            variance=self._variance(),
        )

    def _base_rate_bias(self):
        """Visible biases of the base-rate model (the data's marginals)."""
        base = getattr(getattr(self, "_training_state", None), "base_visible_bias", None)
        return self.intercept_visible_.astype(np.float64) if base is None else base

    @uses_threads
    def reconstruct(self, X):
        """Mean-field reconstruction ``P(v = 1 | h = P(h = 1 | X))``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to reconstruct.

        Returns
        -------
        v : ndarray of shape (n_samples, n_features)
            Visible probabilities after one deterministic down-up pass.
        """
        check_is_fitted(self)
        source = validate_rows(self, X, reset=False)
        hidden = self._hidden_probabilities(source)
        dtype = hidden.dtype
        out = hidden @ self.components_.astype(dtype)
        out += self.intercept_visible_.astype(dtype)
        return self._to_input_units(self._visible.mean(out))

    @uses_threads
    def log_partition(self, method="exact", *, n_chains=100, n_betas=10000,
                      random_state=None, return_std=False):
        """Logarithm of the partition function Z.

        Parameters
        ----------
        method : {'exact', 'ais'}, default='exact'
            'exact' enumerates the smaller discrete layer (refused above 25
            units); 'ais' runs annealed importance sampling (Salakhutdinov &
            Murray, 2008) from the base-rate model whose visible biases are the
            ones this model was initialised with (the data's marginals).
        n_chains : int, default=100
            AIS chains.
        n_betas : int, default=10000
            AIS inverse temperatures, spaced as in Salakhutdinov & Murray.
        random_state : int, RandomState instance or None, default=None
            Seeds AIS.
        return_std : bool, default=False
            Also return the estimate's standard error (from the spread of the
            importance weights over chains; 0 for 'exact').

        Returns
        -------
        log_z : float
        std : float
            Only with ``return_std=True``.
        """
        check_is_fitted(self)
        params = self._likelihood_params()
        if method == "exact":
            log_z, std = _likelihood.exact_log_partition(params), 0.0
        elif method == "ais":
            for name, value in (("n_chains", n_chains), ("n_betas", n_betas)):
                if not isinstance(value, Integral) or value < 2:
                    raise ValueError(f"{name} must be an integer >= 2; got {value!r}.")
            base = self._base_rate_bias()
            log_z, log_w = _likelihood.ais_log_partition(
                params, base, int(n_chains), int(n_betas), make_generator(random_state))
            std = _likelihood.ais_spread(log_w)
        else:
            raise ValueError(f"method must be 'exact' or 'ais'; got {method!r}.")
        if getattr(self, "mean_", None) is not None:
            # Z of the density of the data in its own units: standardising
            # divided each unit's density by its scale.
            log_z += float(np.sum(np.log(self.scale_)))
        return (log_z, std) if return_std else log_z

    @uses_threads
    def log_likelihood(self, X, method="exact", **kwargs):
        """Log-probability (log-density for Gaussian units) of each row.

        ``log P(v) = -F(v) - log Z`` with ``log Z`` from :meth:`log_partition`
        (``method`` and ``kwargs`` are passed on).

        Returns
        -------
        ll : ndarray of shape (n_samples,)
        """
        return -self.free_energy(X) - self.log_partition(method, **kwargs)

    @uses_threads
    def sample(self, n_samples, n_steps=1000, random_state=None):
        """Draw visible states from the model by Gibbs sampling.

        Chains start from the base-rate model (independent visible units at
        the data's marginals) and run ``n_steps`` sweeps.

        Parameters
        ----------
        n_samples : int
        n_steps : int, default=1000
        random_state : int, RandomState instance or None, default=None

        Returns
        -------
        V : ndarray of shape (n_samples, n_features)
            Binary for Bernoulli visible units.
        """
        check_is_fitted(self)
        _check_count(n_samples, "n_samples", 1)
        _check_count(n_steps, "n_steps", 0)
        rng = make_generator(random_state)
        params = self._likelihood_params()
        base = self._base_rate_bias()
        v = _likelihood.sample_visible(np.tile(base, (int(n_samples), 1)), params, rng)
        return self._to_input_units(_likelihood.gibbs_chain(v, params, int(n_steps), rng))

    @uses_threads
    def gibbs(self, v):
        """One Gibbs step from ``v``: sample ``h ~ P(h | v)``, then ``v' ~ P(v | h)``.

        Uses (and advances) the estimator's random generator, like
        scikit-learn's ``BernoulliRBM.gibbs``.

        Parameters
        ----------
        v : {array-like, sparse matrix} of shape (n_samples, n_features)
            Visible states to start from.

        Returns
        -------
        v_new : ndarray of shape (n_samples, n_features)
            Binary visible states (0.0 or 1.0).
        """
        check_is_fitted(self)
        source = self._standardized(validate_rows(self, v, reset=False))
        rng = self._training_state.rng
        dtype = self._compute_dtype(source)
        weights = self._effective_weights(dtype)
        pre_h = np.empty((source.n_rows, weights.shape[1]), dtype=dtype)
        for start, stop, block in iter_blocks(source):
            pre_h[start:stop] = block @ weights
        pre_h += self.intercept_hidden_.astype(dtype)
        h = self._hidden.sample(pre_h, rng)
        pre = h @ self.components_.astype(dtype)
        pre += self.intercept_visible_.astype(dtype)
        return self._to_input_units(self._visible.sample(pre, rng, self._variance()))

    @uses_threads
    def free_energy(self, X):
        """Free energy of each row: ``P(v)`` is proportional to ``exp(-F(v))``.

        ``F(v) = -b.v - sum_j softplus(c_j + W_j.v)`` for Bernoulli visible and
        hidden units; Gaussian visible units replace ``-b.v`` by
        ``|v - b|^2 / 2``; rectified hidden units replace softplus by the sum
        ``sum_k softplus(x - k + 0.5)`` of the stepped sigmoid units they
        approximate.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Visible vectors.

        Returns
        -------
        F : ndarray of shape (n_samples,), float64
        """
        check_is_fitted(self)
        source = self._standardized(validate_rows(self, X, reset=False))
        weights = self._effective_weights(np.float64)
        hidden_bias = self.intercept_hidden_.astype(np.float64)
        visible_bias = self.intercept_visible_.astype(np.float64)
        variance = self._variance()
        out = np.empty(source.n_rows)
        for start, stop, block in iter_blocks(source):
            pre = np.asarray(block @ weights, dtype=np.float64)
            pre += hidden_bias
            hidden_term = self._hidden.free_energy_term(pre)
            # The same terms as the units' (_likelihood), arranged for a
            # block that may be sparse.
            if self._real_valued:
                dense = to_dense(block)
                diff = np.asarray(dense, dtype=np.float64) - visible_bias
                scaled = diff if variance is None else diff / variance
                visible_term = 0.5 * np.einsum("ij,ij->i", diff, scaled)
            else:
                visible_term = -np.asarray(block @ visible_bias, dtype=np.float64).ravel()
            out[start:stop] = visible_term - hidden_term
        return out

    @uses_threads
    def score_samples(self, X):
        """Log pseudo-likelihood of each row, summed over all features.

        ``sum_i log P(v_i | v_-i)``: unlike scikit-learn's stochastic
        one-feature estimate (which it scales by ``n_features``), this is exact
        and deterministic, so a row's score depends on nothing but the row.
        It costs O(n_features * n_components) per row. For
        :class:`GaussianRBM` it is the negative free energy instead (see there).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Visible vectors, values in [0, 1].

        Returns
        -------
        scores : ndarray of shape (n_samples,), float64
        """
        check_is_fitted(self)
        if not self._visible.discrete:
            return -self.free_energy(X)
        source = validate_rows(self, X, reset=False)
        weights = np.ascontiguousarray(self.components_.T, dtype=np.float64)
        hidden_bias = self.intercept_hidden_.astype(np.float64)
        visible_bias = self.intercept_visible_.astype(np.float64)
        out = np.empty(source.n_rows)
        for start, stop, block in iter_blocks(source):
            dense = to_dense(block)
            dense = np.ascontiguousarray(dense, dtype=np.float64)
            _kernels.pseudo_likelihood_rows(
                dense, weights, visible_bias, hidden_bias, self._hidden.free_energy_kind,
                out[start:stop],
            )
        return out


def _check_count(value, name, minimum):
    if not isinstance(value, Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}.")
