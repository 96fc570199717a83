"""The RBM estimators' shared core: parameters, fitting, the layer interface
that DBNs use, and inference of hidden features (see ``docs/design.md``)."""

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

from .._data import (
    StandardizedRows,
    standardizing_scale,
    training_statistics,
    validate_held_out,
    validate_rows,
    warn_if_outside_unit_interval,
)
from .._utils.atomic import atomic_fit
from .._utils.threads import N_JOBS_CONSTRAINT, uses_threads
from .cd import pack_params
from .layer import _RBMLayer
from .probability import _ProbabilityMixin
from .training import CDSettings, initial_state, monitor_block, resume, train
from .units import BERNOULLI, units


class _BaseRBM(_RBMLayer, _ProbabilityMixin, ClassNamePrefixFeaturesOutMixin,
               TransformerMixin, BaseEstimator):
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
        "hidden_units": [StrOptions({"bernoulli", "relu", "gaussian"})],
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
        "n_jobs": N_JOBS_CONSTRAINT,
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
        n_jobs=None,
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
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ fit

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
    @uses_threads
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
    @uses_threads
    def partial_fit(self, X, y=None, X_val=None):
        """Train for one epoch over ``X``, continuing from the current state.

        The first call initialises the model from ``X``. Calling
        ``partial_fit(X)`` ``n`` times from scratch gives the same model as
        ``fit(X)`` with ``n_iter=n``. Each call counts as one epoch for the
        momentum schedule.

        Training parameters such as ``learning_rate``, ``momentum``,
        ``cd_steps`` or ``weight_decay`` may change between calls. Those that
        fix the model or the shape of its training state may not:
        ``n_components``, ``hidden_units``, ``persistent``, ``batch_size``
        with ``persistent=True`` (the number of chains) and, for
        :class:`GaussianRBM`, ``learn_variance`` and ``standardize``; changing
        one raises a ``ValueError`` that names it (call :meth:`fit` to start
        anew).

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
        if incremental:
            self._check_architecture()
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
        self._fitted_architecture = self._architecture()
        return self

    def _architecture(self):
        """The parameters that fix the model and the shapes of its training
        state (besides ``n_components``), which ``partial_fit`` may not change."""
        architecture = {"hidden_units": self.hidden_units,
                        "persistent": bool(self.persistent)}
        if self.persistent:
            # The number of persistent chains.
            architecture["batch_size"] = int(self.batch_size)
        if self._real_valued:
            architecture["learn_variance"] = bool(self.learn_variance)
            architecture["standardize"] = bool(self.standardize)
        return architecture

    def _check_architecture(self):
        """Refuse to continue training a model whose architecture the
        parameters no longer describe (as ``DBN.partial_fit`` refuses a
        changed stack)."""
        fitted_h = self.components_.shape[0]
        if self.n_components != fitted_h:
            raise ValueError(
                f"n_components={self.n_components} differs from the {fitted_h} hidden "
                "units that partial_fit continues; call fit to start anew."
            )
        # Models saved before dbn recorded the architecture are not checked.
        fitted = vars(self).get("_fitted_architecture")
        if not isinstance(fitted, dict):
            return
        for name, value in self._architecture().items():
            if name in fitted and fitted[name] != value:
                what = " (its number of persistent chains)" if name == "batch_size" else ""
                raise ValueError(
                    f"{name}={value!r} differs from the {name}={fitted[name]!r} that the "
                    f"fitted model was trained with{what}, which partial_fit continues; "
                    "call fit to start anew."
                )

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
        log_variance = None
        if learn_variance:
            log_variance = 2.0 * np.log(getattr(self, "sigma_", np.ones(params.shape[0] - 1)))
        return resume(getattr(self, "_training_state", None), settings, params, log_variance,
                      getattr(self, "n_iter_", 0), getattr(self, "history_", None),
                      self.random_state)

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

    # ------------------------------------------------------------ inference

    @uses_threads
    def transform(self, X):
        """Hidden-unit probabilities ``P(h = 1 | v = X)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to transform.

        Returns
        -------
        h : ndarray of shape (n_samples, n_components)
            float32 for float32 input, float64 otherwise (integer input
            included), as scikit-learn's transformers.
        """
        check_is_fitted(self)
        source = validate_rows(self, X, reset=False)
        return self._hidden_probabilities(source)

    @property
    def h_samples_(self):
        """Hidden states of the persistent chains, or None without them.

        scikit-learn's name for the negative phase's persistent state. A
        read-only view of what ``partial_fit`` continues from (see the class
        docstring's ``h_samples_``).
        """
        if "components_" not in vars(self):
            raise AttributeError(
                f"'{type(self).__name__}' object has no attribute 'h_samples_' "
                "(it is not fitted yet)"
            )
        chains = getattr(vars(self).get("_training_state"), "chains", None)
        if chains is None:
            return None
        # The chains carry a trailing column of ones (the bias unit).
        view = chains[:, :-1].view()
        view.flags.writeable = False
        return view

    @property
    def _n_features_out(self):
        return self.components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
