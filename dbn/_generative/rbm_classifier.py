"""RBMClassifier: the classification RBM of Larochelle & Bengio (2008)."""

from numbers import Integral, Real

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._data import (
    StandardizedRows,
    iter_blocks,
    standardizing_scale,
    to_dense,
    training_statistics,
    validate_rows,
    warn_if_outside_unit_interval,
)
from .._rbm.units import BERNOULLI, units
from .._stack.pretraining import resolve_visible_units
from .._utils.atomic import atomic_fit
from .._utils.docstrings import fill_doc
from .._utils.labels import encode_labels, sample_label_codes
from .._utils.random import make_generator
from .._utils.schema import FloatArray, Labels, Positive, rows
from .._utils.threads import N_JOBS_CONSTRAINT, uses_threads
from . import class_rbm as model
from .class_rbm_training import VISIBLE_MEAN, VISIBLE_SAMPLE, ClassRBMSettings, train


class _LogitsClassifierMixin:
    """``predict_proba``, ``predict_log_proba`` and ``predict`` of a classifier
    whose ``_logits(X)`` are exact log-probabilities up to a per-row constant
    (minus the free energy of each label)."""

    @uses_threads
    def predict_proba(self, X):
        """Exact class probabilities ``p(y | x)`` (a softmax over minus the free
        energy of each label).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return softmax(self._logits(X), axis=1)

    @uses_threads
    def predict_log_proba(self, X):
        """``log p(y | x)``, finite where a probability underflows.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        return log_softmax(self._logits(X), axis=1)

    @uses_threads
    def predict(self, X):
        """The most probable class of each row.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        logits = self._logits(X)
        return self.classes_[logits.argmax(1)]


@fill_doc
class RBMClassifier(_LogitsClassifierMixin, ClassifierMixin, BaseEstimator):
    """Classification RBM: one RBM over the input and the label (Larochelle & Bengio, 2008).

    The model is an RBM whose visible layer holds the input ``x`` and a
    one-hot label ``y``: ``E(x, y, h) = -h.W x - b.x - c.h - d.y - h.U y``.
    Its class probabilities are exact, a softmax over
    ``d_y + sum_j softplus(c_j + U_jy + W_j.x)``, and it can be trained
    discriminatively (the exact gradient of ``log p(y | x)``), generatively
    (CD-k on ``log p(x, y)``) or as a hybrid of both; rows marked
    ``unlabeled`` add a generative term for ``log p(x)`` (semi-supervised
    learning). Being generative, it also draws inputs of a chosen class
    (:meth:`sample`).

    Parameters
    ----------
    %(n_components)s
    objective : {'hybrid', 'discriminative', 'generative'}, default='hybrid'
        What the labeled rows train: ``log p(y | x)``, ``log p(x, y)`` or
        ``log p(y | x) + generative_weight * log p(x, y)``.
    generative_weight : float, default=0.5
        Weight of the generative term in 'hybrid' (the paper's alpha).
    %(unlabeled_rbm_classifier)s
    unlabeled_weight : float, default=0.1
        Weight of the unlabeled rows' generative term (relative to a labeled
        row's objective).
    visible_units : {'auto', 'bernoulli', 'gaussian'}, default='auto'
        Binary units for data in [0, 1]; unit-variance Gaussian units for
        real-valued data, which the model standardises itself (``mean_``,
        ``scale_``). 'auto' decides from the training data's range.
    learning_rate : float or 'auto', default='auto'
        The initial step size. 'auto' is 0.1 for Bernoulli visible units and
        0.01 for Gaussian ones, which need smaller steps (as GaussianRBM's
        default).
    learning_rate_schedule : {'constant', 'linear'}, default='constant'
        'linear' lowers the step size after every minibatch, linearly from
        ``learning_rate`` to zero at the end of the last epoch, so that the
        fitted parameters settle instead of being one noisy minibatch step
        (with a constant rate the hold-out accuracy of successive epochs can
        differ by a percentage point or more, most with a generative term).
        'constant' keeps ``learning_rate`` throughout.
    batch_size : int, default=20
        Rows per minibatch.
    n_iter : int, default=30
        Epochs over the training rows.
    cd_steps : int, default=1
        Gibbs steps of the generative term's negative phase (mean-field
        visible values).
    momentum : float, default=0.9
        Momentum of the minibatch updates.
    weight_decay : float, default=0.0
        L2 penalty on ``W`` and ``U``.
    %(rbm_shuffle)s
    %(random_state)s
    %(rbm_verbose)s
    %(n_jobs)s

    Attributes
    ----------
    %(classes_)s
    components_ : ndarray of shape (n_components, n_features)
        ``W``, the hidden-input weights (float64, in standardised units for
        Gaussian visible units).
    class_components_ : ndarray of shape (n_components, n_classes)
        ``U``, the hidden-label weights.
    intercept_hidden_, intercept_visible_, intercept_class_ : ndarray
        ``c``, ``b`` and ``d``.
    %(visible_units_)s
    mean_, scale_ : ndarray of shape (n_features,) or None
        The standardisation of Gaussian visible units (None for binary ones).
    n_iter_ : int
        Epochs run.
    history_ : dict of lists
        ``"log_conditional"``: mean ``log p(y | x)`` of the labeled training
        rows per epoch; ``"epoch_time"``: seconds.
    %(n_features_in_)s
    %(feature_names_in_)s

    Notes
    -----
    ``generative_weight`` defaults to 0.5, not the 0.01 that the paper found
    best on MNIST: it trained with plain per-example SGD, and with
    minibatches and momentum 0.01 was the weakest of the hybrid weights
    tried. Which objective, weight, learning rate and schedule work best
    depends on the data: choose them by cross-validation, with
    ``objective='discriminative'`` and ``learning_rate_schedule='linear'``
    among the candidates. The measurements behind the defaults are in
    "Measurements behind the defaults" on the documentation's benchmarks
    page; those on Fashion-MNIST on its page on generative classifiers.

    References
    ----------
    H. Larochelle and Y. Bengio, "Classification using discriminative
    restricted Boltzmann machines", ICML 2008.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from dbn import RBMClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = RBMClassifier(n_components=64, n_iter=5, random_state=0).fit(X / 16, y)
    >>> clf.predict_proba(X[:2] / 16).shape
    (2, 10)
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "objective": [StrOptions({"hybrid", "discriminative", "generative"})],
        "generative_weight": [Interval(Real, 0, None, closed="left")],
        "unlabeled": "no_validation",
        "unlabeled_weight": [Interval(Real, 0, None, closed="left")],
        "visible_units": [StrOptions({"auto", "bernoulli", "gaussian"})],
        "learning_rate": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
        "learning_rate_schedule": [StrOptions({"constant", "linear"})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_iter": [Interval(Integral, 1, None, closed="left")],
        "cd_steps": [Interval(Integral, 1, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "n_jobs": N_JOBS_CONSTRAINT,
    }

    def __init__(
        self,
        n_components=256,
        *,
        objective="hybrid",
        generative_weight=0.5,
        unlabeled=None,
        unlabeled_weight=0.1,
        visible_units="auto",
        learning_rate="auto",
        learning_rate_schedule="constant",
        batch_size=20,
        n_iter=30,
        cd_steps=1,
        momentum=0.9,
        weight_decay=0.0,
        shuffle=True,
        random_state=None,
        verbose=0,
        n_jobs=None,
    ):
        self.n_components = n_components
        self.objective = objective
        self.generative_weight = generative_weight
        self.unlabeled = unlabeled
        self.unlabeled_weight = unlabeled_weight
        self.visible_units = visible_units
        self.learning_rate = learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.cd_steps = cd_steps
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose
        self.n_jobs = n_jobs

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
    @uses_threads
    def fit(self, X, y):
        """Train on ``(X, y)``; rows whose label equals ``unlabeled`` train ``log p(x)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : RBMClassifier
        """
        name = type(self).__name__
        source = validate_rows(self, X, reset=True)
        classes, codes, labeled = encode_labels(y, source.n_rows, self.unlabeled, name)
        means, stds, lo, hi = training_statistics(source, name)
        visible = resolve_visible_units(self.visible_units, lo, hi)
        if visible == "bernoulli":
            warn_if_outside_unit_interval(lo, hi, name)
            mean, scale = None, None
            visible_bias = BERNOULLI.initial_bias(means)
        else:
            mean, scale = means, standardizing_scale(means, stds, source.n_rows)
            source = StandardizedRows(source, mean, scale)
            visible_bias = np.zeros(source.n_features)
        rng = make_generator(self.random_state)
        params = model.initial_params(source.n_features, self.n_components, len(classes),
                                      visible_bias, rng)
        # Trained in float32, as the RBMs are (the reference math in
        # class_rbm is float64).
        params = model.ClassRBMParams(*[a.astype(np.float32) for a in params.arrays()])
        rows = np.arange(source.n_rows, dtype=np.int64)
        if self.unlabeled_weight == 0 or self.objective == "discriminative":
            rows = labeled  # unlabeled rows would contribute nothing
        rate = self.learning_rate
        if rate == "auto":
            rate = 0.1 * units(visible).learning_rate_factor
        settings = ClassRBMSettings(
            name=name, objective=self.objective, generative_weight=self.generative_weight,
            unlabeled_weight=self.unlabeled_weight, learning_rate=rate,
            learning_rate_schedule=self.learning_rate_schedule, batch_size=self.batch_size,
            n_iter=self.n_iter, cd_steps=self.cd_steps, momentum=self.momentum,
            weight_decay=self.weight_decay, shuffle=self.shuffle, verbose=self.verbose)
        history = train(settings, source, codes, rows, params, visible, rng)
        self.classes_ = classes
        self.components_ = params.W
        self.class_components_ = params.U
        self.intercept_visible_ = params.b
        self.intercept_hidden_ = params.c
        self.intercept_class_ = params.d
        self.visible_units_ = visible
        self.mean_, self.scale_ = mean, scale
        self.n_iter_ = self.n_iter
        self.history_ = history
        return self

    # ----------------------------------------------------------- inference

    def _params(self):
        return model.ClassRBMParams(self.components_, self.class_components_,
                                    self.intercept_visible_, self.intercept_hidden_,
                                    self.intercept_class_)

    def _logits(self, X):
        check_is_fitted(self)
        source = validate_rows(self, X, reset=False)
        if self.mean_ is not None:
            source = StandardizedRows(source, self.mean_, self.scale_)
        out = np.empty((source.n_rows, len(self.classes_)))
        params = self._params()
        for start, stop, block in iter_blocks(source):
            dense = to_dense(block)
            out[start:stop] = model.logits(np.asarray(dense, dtype=np.float64), params)
        return out

    _fitted_marker = "components_"

    def _fitted_schema(self, n_in):
        """What a loaded RBMClassifier must hold (see ``dbn._utils.schema``)."""
        yield Labels()
        if vars(self).get("visible_units_") not in ("bernoulli", "gaussian"):
            yield "visible_units_ is neither 'bernoulli' nor 'gaussian'"
        # The fitted shapes, which set_params after fitting does not change.
        H, K = rows(vars(self).get("components_"), self.n_components), len(self.classes_)
        yield FloatArray("components_", (H, n_in))
        yield FloatArray("class_components_", (H, K))
        yield FloatArray("intercept_hidden_", (H,))
        yield FloatArray("intercept_visible_", (n_in,))
        yield FloatArray("intercept_class_", (K,))
        if self.visible_units_ == "gaussian":
            yield FloatArray("mean_", (n_in,))
            yield FloatArray("scale_", (n_in,))
            yield Positive("scale_")

    @uses_threads
    def sample(self, n_samples, y=None, n_steps=1000, random_state=None):
        """Inputs drawn by Gibbs sampling, with the label clamped to ``y``.

        Parameters
        ----------
        n_samples : int
        y : label, array-like of shape (n_samples,) or None, default=None
            The class of each sample (one label for all, or one per sample);
            None samples the label too.
        n_steps : int, default=1000
            Gibbs sweeps from random inputs.
        random_state : int, RandomState instance or None, default=None

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            The visible means after the last sweep, in the data's units.
        """
        check_is_fitted(self)
        codes = sample_label_codes(self.classes_, n_samples, y, n_steps)
        rng = make_generator(random_state)
        X = model.gibbs_samples(self._params(), n_samples, codes, n_steps, rng,
                                VISIBLE_MEAN[self.visible_units_],
                                VISIBLE_SAMPLE[self.visible_units_])
        if self.mean_ is not None:
            X = X * self.scale_ + self.mean_
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
