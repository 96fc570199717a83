"""Restricted Boltzmann Machine estimators."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from . import _likelihood
from ._atomic import atomic_fit
from ._cd import pack_params
from ._data import (
    StandardizedRows,
    iter_blocks,
    standardizing_scale,
    training_statistics,
    validate_held_out,
    validate_rows,
    warn_if_outside_unit_interval,
)
from ._lazy import lazy_import
from ._random import make_generator
from ._rbm_training import CDSettings, initial_state, monitor_block, resume, train
from ._units import BERNOULLI, GAUSSIAN, units

_kernels = lazy_import("dbn._kernels")

class _BaseRBM(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Shared orchestration of the RBMs; subclasses fix the visible unit type."""

    _visible = BERNOULLI
    #: GaussianRBM's extras: visible variances (``sigma_``, ``learn_variance``)
    #: and input standardisation (``mean_``, ``scale_``, ``standardize``).
    _real_valued = False

    @property
    def _hidden(self):
        return units(self.hidden_units)

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "hidden_units": [StrOptions({"bernoulli", "relu"})],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_iter": [Interval(Integral, 0, None, closed="left")],
        "cd_steps": [Interval(Integral, 1, None, closed="left")],
        "persistent": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "initial_momentum": [Interval(Real, 0, 1, closed="left")],
        "momentum_warmup": [Interval(Integral, 0, None, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "sparsity_target": [Interval(Real, 0, 1, closed="neither")],
        "sparsity_cost": [Interval(Real, 0, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        n_components=256,
        *,
        hidden_units="bernoulli",
        learning_rate=0.1,
        batch_size=100,
        n_iter=10,
        cd_steps=1,
        persistent=False,
        momentum=0.9,
        initial_momentum=0.5,
        momentum_warmup=5,
        weight_decay=1e-4,
        sparsity_target=0.05,
        sparsity_cost=0.0,
        shuffle=True,
        random_state=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.hidden_units = hidden_units
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.cd_steps = cd_steps
        self.persistent = persistent
        self.momentum = momentum
        self.initial_momentum = initial_momentum
        self.momentum_warmup = momentum_warmup
        self.weight_decay = weight_decay
        self.sparsity_target = sparsity_target
        self.sparsity_cost = sparsity_cost
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ fit

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, X_val=None):
        """Fit the model to ``X`` with ``n_iter`` epochs of CD-k / PCD-k.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, values in [0, 1]. A ``numpy.memmap``, CSR matrix or
            lazily sliced array-like is read one minibatch at a time.
        y : None
            Ignored.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), default=None
            Held-out rows, never trained on: ``history_["free_energy_gap"]``
            then tracks their mean free energy minus that of training rows
            (Hinton's overfitting monitor: a growing gap means overfitting).

        Returns
        -------
        self : BernoulliRBM
            The fitted estimator.
        """
        return self._fit(X, n_epochs=self.n_iter, incremental=False, X_val=X_val)

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, X_val=None):
        """Train for one epoch over ``X``, continuing from the current state.

        The first call initialises the model from ``X``. Calling
        ``partial_fit(X)`` ``n`` times from scratch gives the same model as
        ``fit(X)`` with ``n_iter=n``. Each call counts as one epoch for the
        momentum schedule.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, values in [0, 1].
        y : None
            Ignored.
        X_val : {array-like, sparse matrix}, default=None
            Held-out rows for the free-energy gap monitor (see :meth:`fit`).

        Returns
        -------
        self : BernoulliRBM
            The updated estimator.
        """
        return self._fit(X, n_epochs=1, incremental=hasattr(self, "components_"),
                         X_val=X_val)

    def _fit(self, X, *, n_epochs, incremental, X_val=None):
        source = validate_rows(self, X, reset=not incremental)
        held_source = None if X_val is None else validate_held_out(self, X_val)
        statistics = training_statistics(source, type(self).__name__)
        return self._fit_rows(source, statistics, n_epochs=n_epochs, incremental=incremental,
                              held_source=held_source)

    def _fit_rows(self, source, statistics, *, n_epochs, incremental=False, held_source=None):
        """Train on a validated row source whose ``training_statistics`` are known.

        The layer interface that greedy pretraining uses (see
        ``docs/design.md``): a DBN validates and scans its data once and hands
        the source to each layer, instead of ``fit`` doing it again.
        """
        means, stds, lo, hi = statistics
        if not incremental:
            self.n_features_in_ = source.n_features
        if self._visible.value_range is not None:
            warn_if_outside_unit_interval(lo, hi, type(self).__name__)
        if incremental:
            center, scale = getattr(self, "mean_", None), getattr(self, "scale_", None)
        elif self._real_valued and self.standardize:
            center, scale = means, standardizing_scale(means, stds, source.n_rows)
        else:
            center = scale = None
        if center is not None:
            # Everything below works on the standardised data; the data's
            # means are then zero.
            source = StandardizedRows(source, center, scale)
            means = np.zeros_like(means)
            if held_source is not None:
                held_source = StandardizedRows(held_source, center, scale)
        held_out = None if held_source is None else monitor_block(held_source)
        settings = self._cd_settings()
        learn_variance = self._real_valued and self.learn_variance
        if incremental:
            state = self._resume_state(settings, learn_variance)
        else:
            state = initial_state(settings, source.n_features, self.n_components, means,
                                  self.random_state, learn_variance)
        train(settings, state, source, n_epochs, held_out)
        self._publish(state)
        if self._real_valued:
            self.mean_, self.scale_ = center, scale
        return self

    def _cd_settings(self):
        return CDSettings(
            name=type(self).__name__, visible=self._visible, hidden=self._hidden,
            learning_rate=self.learning_rate, batch_size=self.batch_size,
            cd_steps=self.cd_steps, persistent=self.persistent, momentum=self.momentum,
            initial_momentum=self.initial_momentum, momentum_warmup=self.momentum_warmup,
            weight_decay=self.weight_decay, sparsity_target=self.sparsity_target,
            sparsity_cost=self.sparsity_cost, shuffle=self.shuffle,
            verbose=max(int(self.verbose), 0),
        )

    def _resume_state(self, settings, learn_variance):
        params = pack_params(
            self.components_.T, self.intercept_hidden_, self.intercept_visible_
        )
        H = self.n_components
        if params.shape[1] != H + 1:
            raise ValueError(
                f"n_components={H} does not match the fitted model's "
                f"{params.shape[1] - 1} hidden units; call fit to start anew."
            )
        log_variance = None
        if learn_variance:
            log_variance = 2.0 * np.log(getattr(self, "sigma_", np.ones(params.shape[0] - 1)))
        return resume(getattr(self, "_training_state", None), settings, params, log_variance,
                      getattr(self, "n_iter_", 0), getattr(self, "history_", None),
                      self.random_state)

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

    # ------------------------------------------------ likelihood and sampling

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

    def log_likelihood(self, X, method="exact", **kwargs):
        """Log-probability (log-density for Gaussian units) of each row.

        ``log P(v) = -F(v) - log Z`` with ``log Z`` from :meth:`log_partition`
        (``method`` and ``kwargs`` are passed on).

        Returns
        -------
        ll : ndarray of shape (n_samples,)
        """
        return -self.free_energy(X) - self.log_partition(method, **kwargs)

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

    def _publish(self, state):
        V = state.params.shape[0] - 1
        H = state.params.shape[1] - 1
        self.components_ = np.ascontiguousarray(state.params[:V, :H].T)
        self.intercept_hidden_ = state.params[V, :H].copy()
        self.intercept_visible_ = state.params[:V, H].copy()
        self.n_iter_ = state.n_iter
        self.history_ = state.history
        if self._real_valued:
            self.sigma_ = (
                np.ones(V) if state.log_variance is None
                else np.exp(0.5 * state.log_variance)
            )
        self._training_state = state.kept()

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

    # ------------------------------------------------------------ inference

    def transform(self, X):
        """Hidden-unit probabilities ``P(h = 1 | v = X)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to transform.

        Returns
        -------
        h : ndarray of shape (n_samples, n_components)
            float64 for float64 input, float32 otherwise.
        """
        check_is_fitted(self)
        source = validate_rows(self, X, reset=False)
        return self._hidden_probabilities(source)

    def _compute_dtype(self, source):
        return np.float64 if source.dtype == np.float64 else np.float32

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
                dense = block.toarray() if hasattr(block, "toarray") else block
                diff = np.asarray(dense, dtype=np.float64) - visible_bias
                scaled = diff if variance is None else diff / variance
                visible_term = 0.5 * np.einsum("ij,ij->i", diff, scaled)
            else:
                visible_term = -np.asarray(block @ visible_bias, dtype=np.float64).ravel()
            out[start:stop] = visible_term - hidden_term
        return out

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
            dense = block.toarray() if hasattr(block, "toarray") else block
            dense = np.ascontiguousarray(dense, dtype=np.float64)
            _kernels.pseudo_likelihood_rows(
                dense, weights, visible_bias, hidden_bias, self._hidden.stepped_free_energy,
                out[start:stop],
            )
        return out

    @property
    def _n_features_out(self):
        return self.components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class BernoulliRBM(_BaseRBM):
    """Bernoulli Restricted Boltzmann Machine trained with CD-k or persistent CD.

    Binary visible and hidden units. A drop-in replacement for
    :class:`sklearn.neural_network.BernoulliRBM` (same attribute names) with
    minibatch CD-k, persistent contrastive divergence, momentum, weight decay
    and a sparsity target, trained in float32 with BLAS products and Numba
    kernels.

    Parameters
    ----------
    n_components : int, default=256
        Number of hidden units.
    hidden_units : {'bernoulli', 'relu'}, default='bernoulli'
        Binary hidden units, or noisy rectified linear units (Nair & Hinton,
        2010): mean ``max(0, x)``, sampled as ``max(0, x + N(0, sigmoid(x)))``.
    learning_rate : float, default=0.1
        Step size for weights and biases; gradients are averaged over the
        minibatch.
    batch_size : int, default=100
        Rows per minibatch (and number of persistent chains when
        ``persistent=True``).
    n_iter : int, default=10
        Number of epochs (passes over the training data) in :meth:`fit`.
    cd_steps : int, default=1
        Number k of alternating Gibbs steps in CD-k / PCD-k.
    persistent : bool, default=False
        Use persistent contrastive divergence (Tieleman, 2008): the negative
        phase continues Markov chains from one update to the next instead of
        restarting them at the data.
    momentum : float, default=0.9
        Momentum after the first ``momentum_warmup`` epochs.
    initial_momentum : float, default=0.5
        Momentum during the first ``momentum_warmup`` epochs (Hinton's
        practical guide: 0.5, then 0.9).
    momentum_warmup : int, default=5
        Number of epochs that use ``initial_momentum``.
    weight_decay : float, default=1e-4
        L2 penalty on the weights (not the biases).
    sparsity_target : float, default=0.05
        Desired mean activation of each hidden unit; used only when
        ``sparsity_cost > 0``.
    sparsity_cost : float, default=0.0
        Strength of the sparsity penalty (0 switches it off).
    shuffle : bool, default=True
        Shuffle the rows at every epoch. Lazily sliced inputs (e.g. h5py data
        sets) are read in contiguous slices and shuffled batch by batch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the Gibbs sampling. An
        int gives identical results run to run.
    verbose : int, default=0
        Print one line per epoch when positive.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features), float32
        Weight matrix.
    intercept_hidden_ : ndarray of shape (n_components,), float32
        Hidden biases.
    intercept_visible_ : ndarray of shape (n_features,), float32
        Visible biases.
    n_iter_ : int
        Number of epochs trained so far (``fit`` restarts the count; each
        ``partial_fit`` call adds one).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column names.
    history_ : dict of lists
        Per-epoch monitors: ``"reconstruction_error"`` (mean squared error per
        feature of the mean-field reconstruction of up to 1000 training rows)
        and ``"epoch_time"`` (seconds).

    Notes
    -----
    Initialisation follows Hinton's "A Practical Guide to Training Restricted
    Boltzmann Machines" (2010): weights from N(0, 0.01^2), hidden biases 0,
    visible biases ``log(p / (1 - p))`` of the data's column means.

    The data are read minibatch by minibatch: a ``numpy.memmap``, a scipy CSR
    matrix or a lazily sliced array-like is never converted whole. Floating
    input keeps its dtype; other numeric input is converted to float32.
    Training runs in float32; :meth:`transform` computes in float64 for
    float64 input and in float32 otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from dbn import BernoulliRBM
    >>> X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    >>> rbm = BernoulliRBM(n_components=2, n_iter=5, random_state=0).fit(X)
    >>> rbm.transform(X).shape
    (4, 2)
    """


def _check_count(value, name, minimum):
    if not isinstance(value, Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}.")


class GaussianRBM(_BaseRBM):
    """Gaussian-Bernoulli RBM: real-valued visible units of unit variance.

    For real-valued data, which it standardises itself (``standardize=True``):
    the model is fitted to ``v = (X - mean_) / scale_``, in whose units the
    visible units are Gaussian with mean ``b + W h`` and variance 1, the
    hidden units binary (or
    rectified with ``hidden_units='relu'``):
    ``P(h_j = 1 | v) = sigmoid(c_j + W_j.v)``. Same API, training options and
    guarantees as :class:`BernoulliRBM`; the learning rate defaults to 0.01
    because Gaussian units need smaller steps (Hinton's practical guide), and a
    run that still diverges stops with :class:`~dbn.DivergenceError`.

    Parameters
    ----------
    n_components : int, default=256
    hidden_units : {'bernoulli', 'relu'}, default='bernoulli'
    learn_variance : bool, default=False
        Learn a variance per visible unit (Cho et al., 2011, parametrised as
        ``log sigma^2`` and kept within [0.01, 100]); the visible units then
        enter the hidden units as ``v / sigma^2``. Off: every variance is 1.
    standardize : bool, default=True
        Fit the model to each column centred on its mean and divided by its
        standard deviation (constant columns by 1), computed by ``fit`` (or
        the first ``partial_fit`` call) and kept in ``mean_`` and ``scale_``.
        Unit-variance visible units assume this: fitted to unscaled data, such
        as pixel values in [0, 16], the hidden units saturate and the model
        explains little. Every method takes and returns data in its own units;
        set False only for data already standardised.
    learning_rate : float, default=0.01
    batch_size : int, default=100
    n_iter : int, default=10
    cd_steps : int, default=1
    persistent : bool, default=False
    momentum : float, default=0.9
    initial_momentum : float, default=0.5
    momentum_warmup : int, default=5
    weight_decay : float, default=1e-4
    sparsity_target : float, default=0.05
    sparsity_cost : float, default=0.0
    shuffle : bool, default=True
    random_state : int, RandomState instance or None, default=None
    verbose : int, default=0
        See :class:`BernoulliRBM` for each.

    Attributes
    ----------
    components_, intercept_hidden_, intercept_visible_, n_iter_,
    n_features_in_, history_
        As in :class:`BernoulliRBM`; ``intercept_visible_`` starts at the
        data's column means.
    sigma_ : ndarray of shape (n_features,)
        Standard deviation of each visible unit (ones unless ``learn_variance``),
        in the standardised units.
    mean_ : ndarray of shape (n_features,) or None
        Column means of the training data (None when ``standardize=False``).
    scale_ : ndarray of shape (n_features,) or None
        Column standard deviations of the training data, 1 for constant
        columns (None when ``standardize=False``).

    Notes
    -----
    ``score_samples`` returns the negative free energy ``-F(v)``, i.e.
    ``log P(v)`` up to the constant ``log Z``: deterministic, row by row, and
    comparable across rows of one model. (A pseudo-likelihood has no closed
    form for Gaussian visible units.) ``free_energy`` is
    ``|v - b|^2 / 2 - sum_j softplus(c_j + W_j.v)``, which equals
    ``-log`` of the integral of ``exp(-E(v, h))`` over h, up to the Gaussian
    normalisation; with learned variances the quadratic term is
    ``sum_i (v_i - b_i)^2 / (2 sigma_i^2)`` and the hidden input ``W^T (v / sigma^2)``.

    With ``standardize=True``, ``components_``, the intercepts, ``sigma_``,
    ``free_energy`` and ``history_`` describe the standardised data, while
    ``transform``, ``reconstruct``, ``gibbs``, ``sample`` and
    ``log_likelihood`` take and give data in its own units (``log_partition``
    includes the ``sum(log(scale_))`` that the change of units adds).
    """

    _visible = GAUSSIAN
    _real_valued = True
    _parameter_constraints: dict = {
        **_BaseRBM._parameter_constraints,
        "learn_variance": ["boolean"],
        "standardize": ["boolean"],
    }

    def __init__(
        self,
        n_components=256,
        *,
        hidden_units="bernoulli",
        learn_variance=False,
        standardize=True,
        learning_rate=0.01,
        batch_size=100,
        n_iter=10,
        cd_steps=1,
        persistent=False,
        momentum=0.9,
        initial_momentum=0.5,
        momentum_warmup=5,
        weight_decay=1e-4,
        sparsity_target=0.05,
        sparsity_cost=0.0,
        shuffle=True,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            n_components,
            hidden_units=hidden_units,
            learning_rate=learning_rate,
            batch_size=batch_size,
            n_iter=n_iter,
            cd_steps=cd_steps,
            persistent=persistent,
            momentum=momentum,
            initial_momentum=initial_momentum,
            momentum_warmup=momentum_warmup,
            weight_decay=weight_decay,
            sparsity_target=sparsity_target,
            sparsity_cost=sparsity_cost,
            shuffle=shuffle,
            random_state=random_state,
            verbose=verbose,
        )
        self.learn_variance = learn_variance
        self.standardize = standardize
