"""DBN: a stack of RBMs trained greedily, as an unsupervised transformer."""

import copy

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils.validation import check_is_fitted

from .._data import DenseRows, training_statistics, validate_held_out, validate_rows
from .._rbm import likelihood as _likelihood
from .._rbm.layer import _RBMLayer
from .._utils.atomic import atomic_fit
from .._utils.docstrings import fill_doc
from .._utils.random import make_generator
from .._utils.threads import uses_threads
from .pretraining import (
    PRETRAIN_CONSTRAINTS,
    PretrainSettings,
    layer_seeds,
    layer_sizes,
    pretrain_stack,
    rbm_for_layer,
    resolve_visible_units,
    train_layers,
)
from .transfer import HiddenStack


@fill_doc
class DBN(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Deep Belief Net: a stack of RBMs trained greedily, layer by layer.

    Unsupervised. ``fit`` trains the first RBM on ``X``, the second on the
    first's hidden probabilities, and so on; ``transform`` returns the top
    layer's hidden probabilities.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(256, 256)
        Hidden units of each RBM, bottom first.
    visible_units : {'auto', 'bernoulli', 'gaussian'}, default='auto'
        Units of the first layer's visible layer: 'bernoulli' for data in
        [0, 1], 'gaussian' for real-valued data (unit-variance units, fitted
        to the data standardised internally, see :class:`GaussianRBM`).
        'auto' picks 'bernoulli' when the training data lie in [0, 1] and
        'gaussian' otherwise. Upper layers see the layer below.
    %(stack_hidden_units)s
    pretrain_epochs : int, default=20
        Epochs of contrastive divergence per layer (0 leaves the RBMs at their
        random initialisation).
    %(pretrain_learning_rate)s
    %(pretrain_batch_size)s
    %(stack_cd_steps)s
    %(stack_persistent)s
    %(pretrain_momentum)s
    %(pretrain_weight_decay)s
    shuffle : bool, default=True
        Visit the rows in a new random order in every epoch of every layer.
        False keeps the data's order.
    %(random_state)s
    %(stack_verbose)s
    %(n_jobs)s

    Attributes
    ----------
    rbms_ : list of BernoulliRBM or GaussianRBM
        The fitted RBMs, bottom first.
    %(n_features_in_)s
    %(feature_names_in_)s

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from dbn import DBN
    >>> X, _ = load_digits(return_X_y=True)
    >>> stack = DBN((64, 32), pretrain_epochs=2, random_state=0).fit(X / 16)
    >>> stack.transform(X[:3] / 16).shape
    (3, 32)
    >>> len(stack.rbms_)
    2
    """

    _parameter_constraints: dict = {**PRETRAIN_CONSTRAINTS, "shuffle": ["boolean"]}

    def __init__(
        self,
        hidden_layer_sizes=(256, 256),
        *,
        visible_units="auto",
        hidden_units="bernoulli",
        pretrain_epochs=20,
        pretrain_learning_rate="auto",
        pretrain_batch_size="auto",
        cd_steps=1,
        persistent=False,
        pretrain_momentum=0.9,
        pretrain_weight_decay=1e-4,
        shuffle=True,
        random_state=None,
        verbose=0,
        n_jobs=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.visible_units = visible_units
        self.hidden_units = hidden_units
        self.pretrain_epochs = pretrain_epochs
        self.pretrain_learning_rate = pretrain_learning_rate
        self.pretrain_batch_size = pretrain_batch_size
        self.cd_steps = cd_steps
        self.persistent = persistent
        self.pretrain_momentum = pretrain_momentum
        self.pretrain_weight_decay = pretrain_weight_decay
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose
        self.n_jobs = n_jobs

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
    @uses_threads
    def fit(self, X, y=None, X_val=None):
        """Pretrain the stack greedily on ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Values in [0, 1].
        y : None
            Ignored.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), default=None
            Held-out rows: every layer's ``history_`` then tracks the
            free-energy gap between them and the training rows.

        Returns
        -------
        self : DBN
        """
        sizes = layer_sizes(self.hidden_layer_sizes)
        source = validate_rows(self, X, reset=True)
        statistics = training_statistics(source, type(self).__name__)
        lo, hi = statistics[2:]
        visible_units = resolve_visible_units(self.visible_units, lo, hi)
        rng = make_generator(self.random_state)
        if X_val is not None:
            X_val = validate_held_out(self, X_val)
        settings = PretrainSettings.from_params(
            self.get_params(deep=False), type(self).__name__, source.n_rows, visible_units)
        self.rbms_ = pretrain_stack(settings, source, sizes, layer_seeds(rng, len(sizes)),
                                    X_val=X_val, statistics=statistics)
        self._built_with = self._architecture()
        return self

    #: What shapes the stack (and its training state); partial_fit refuses changes.
    _ARCHITECTURE_PARAMS = ("hidden_layer_sizes", "visible_units", "hidden_units",
                            "persistent")

    def _architecture(self):
        return {name: (tuple(layer_sizes(value)) if name == "hidden_layer_sizes" else value)
                for name, value in self.get_params(deep=False).items()
                if name in self._ARCHITECTURE_PARAMS}

    def _continue_rbms(self, sizes):
        """Copies of the fitted RBMs, with the training settings now set
        (learning rate, CD steps, momentum, weight decay, shuffling, an explicit
        batch size); the parameters that shaped the stack may not change."""
        built = vars(self).get("_built_with", {})
        for name, value in self._architecture().items():
            if name in built and built[name] != value:
                raise ValueError(
                    f"{name}={value!r} differs from the {name}={built[name]!r} that "
                    "partial_fit started the stack with; call fit to start anew."
                )
        if sizes != [rbm.n_components for rbm in self.rbms_]:
            raise ValueError(
                f"hidden_layer_sizes={tuple(sizes)} differs from the layers that "
                f"partial_fit started with {tuple(r.n_components for r in self.rbms_)}"
                "; call fit to start anew."
            )
        # Copies, so that a call that fails leaves the estimator as it was.
        rbms = copy.deepcopy(self.rbms_)
        params = self.get_params(deep=False)
        for rbm in rbms:
            updates = {"cd_steps": params["cd_steps"], "momentum": params["pretrain_momentum"],
                       "weight_decay": params["pretrain_weight_decay"],
                       "shuffle": params["shuffle"]}
            # 'auto' values were fixed by the first call's data.
            if params["pretrain_batch_size"] != "auto":
                updates["batch_size"] = params["pretrain_batch_size"]
            if params["pretrain_learning_rate"] != "auto":
                updates["learning_rate"] = params["pretrain_learning_rate"]
            rbm.set_params(**updates)
        return rbms

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
    @uses_threads
    def partial_fit(self, X, y=None):
        """One epoch of contrastive divergence per layer over ``X``, bottom up.

        For data that arrive in chunks (or ``dask_ml.wrappers.Incremental``):
        every layer learns from each chunk, layer ``k`` from the hidden
        probabilities that layer ``k - 1`` gives the chunk after its own
        update. Unlike :meth:`fit`, which trains a layer to the end before
        the next one starts, all layers learn together, the upper ones from
        features that are still changing; a stream of ``n`` passes gives a
        similar, not the same, model as ``fit`` with ``pretrain_epochs=n``.
        The first call fixes what the data decide (the input units, an 'auto'
        batch size, a Gaussian layer's standardisation); ``pretrain_epochs``
        does not apply. Changing ``hidden_layer_sizes``, ``visible_units``,
        ``hidden_units`` or ``persistent`` between calls raises ValueError;
        a new ``pretrain_learning_rate``, ``cd_steps``, ``pretrain_momentum``,
        ``pretrain_weight_decay``, ``shuffle`` or explicit
        ``pretrain_batch_size`` applies from the next call.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        self : DBN
        """
        first = not hasattr(self, "rbms_")
        sizes = layer_sizes(self.hidden_layer_sizes)
        source = validate_rows(self, X, reset=first)
        statistics = training_statistics(source, type(self).__name__)
        if first:
            visible_units = resolve_visible_units(self.visible_units, *statistics[2:])
            settings = PretrainSettings.from_params(
                self.get_params(deep=False), type(self).__name__, source.n_rows,
                visible_units)
            seeds = layer_seeds(make_generator(self.random_state), len(sizes))
            rbms = [rbm_for_layer(settings, layer, size, seeds[layer],
                                  top=layer == len(sizes) - 1)
                    for layer, size in enumerate(sizes)]
        else:
            rbms = self._continue_rbms(sizes)
        train_layers(type(self).__name__, rbms, source, statistics,
                     self.pretrain_learning_rate, self.verbose, n_epochs=1,
                     incremental=not first)
        self.rbms_ = rbms
        if first:
            self._built_with = self._architecture()
        return self

    @uses_threads
    def sample(self, n_samples, n_steps=1000, random_state=None):
        """Draw visible vectors from the DBN's generative model.

        Gibbs chains run ``n_steps`` sweeps in the top RBM; its visible states
        then pass top-down through the lower layers, each sampled from
        ``P(v | h)`` of its RBM (the directed part of a DBN).

        Parameters
        ----------
        n_samples : int
        n_steps : int, default=1000
        random_state : int, RandomState instance or None, default=None

        Returns
        -------
        V : ndarray of shape (n_samples, `n_features_in_`)
            Binary for Bernoulli visible units.
        """
        check_is_fitted(self)
        rng = make_generator(random_state)
        states = self.rbms_[-1].sample(n_samples, n_steps, random_state=rng)
        for rbm in reversed(self.rbms_[:-1]):
            params = rbm._likelihood_params()
            states = rbm._to_input_units(
                _likelihood.sample_visible(params.b + states @ params.W.T, params, rng))
        return states

    @uses_threads
    def transform(self, X):
        """Top-layer hidden probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        H : ndarray of shape (n_samples, hidden_layer_sizes[-1])
            float32 for float32 input, float64 otherwise (as scikit-learn's
            ``BernoulliRBM``).
        """
        check_is_fitted(self)
        source = validate_rows(self, X, reset=False)
        H = self.rbms_[0]._hidden_probabilities(source)
        for rbm in self.rbms_[1:]:
            H = rbm._hidden_probabilities(DenseRows(H))
        return H

    def _hidden_stack(self):
        """The hidden layers as ``pretrained=`` takes them (None when unfitted)."""
        if not hasattr(self, "rbms_"):
            return None
        return HiddenStack(layers=[rbm._unrolled_layer(np.float32) for rbm in self.rbms_],
                           # The units the RBMs were trained with, whatever
                           # set_params changed since.
                           rbms=list(self.rbms_), hidden_units=self.rbms_[0].hidden_units,
                           n_features_in=self.n_features_in_)

    _fitted_marker = "rbms_"

    def _fitted_schema(self, n_in):
        """What a loaded DBN must hold (see ``dbn._utils.schema``)."""
        rbms = self.rbms_
        # A layer is anything that declares itself a fitted RBM layer.
        if not isinstance(rbms, list) or not rbms or not all(
                isinstance(r, _RBMLayer) and "components_" in vars(r) for r in rbms):
            yield "rbms_ is not a list of fitted RBMs"
        widths = [n_in] + [r.components_.shape[0] for r in rbms]
        if [r.n_features_in_ for r in rbms] != widths[:-1]:
            yield "rbms_ do not stack (layer widths differ)"

    @property
    def _n_features_out(self):
        return self.rbms_[-1].components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
