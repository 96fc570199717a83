"""GenerativeDBNClassifier: the DBN of Hinton, Osindero & Teh (2006)."""

from numbers import Integral, Real
from types import SimpleNamespace

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._data import (
    training_statistics,
    validate_rows,
    warn_if_outside_unit_interval,
)
from .._rbm.layer import _RBMLayer
from .._stack.pretraining import (
    auto_batch_size,
    layer_sizes,
    resolve_visible_units,
)
from .._utils.atomic import atomic_fit
from .._utils.docstrings import fill_doc
from .._utils.labels import encode_labels, sample_label_codes
from .._utils.random import make_generator
from .._utils.schema import Fitted, FloatArray, Labels
from .._utils.threads import N_JOBS_CONSTRAINT, uses_threads
from . import class_rbm as top_model
from . import updown as _updown
from . import updown_training
from .greedy import greedy_phase
from .rbm_classifier import RBMClassifier, _LogitsClassifierMixin
from .updown_training import UpDownSettings


@fill_doc
class GenerativeDBNClassifier(_LogitsClassifierMixin, ClassifierMixin, BaseEstimator):
    """Generative Deep Belief Net classifier with up-down fine-tuning.

    The model of Hinton, Osindero & Teh (2006): a stack of binary layers
    ``x -> h_1 -> ... -> pen`` pretrained greedily as RBMs, topped by an
    associative memory, an RBM over ``pen`` and the one-hot label (a
    classification RBM, by default as a hybrid). Up-down fine-tuning
    (contrastive wake-sleep) then unties each lower layer into recognition
    and generative weights and trains all of them, with CD-k at the top. A
    row is classified by a deterministic up-pass to ``pen`` and the exact
    free energy of each label at the top; :meth:`sample` "dreams" inputs of a
    chosen class by Gibbs sampling at the top with the label clamped and a
    down-pass through the generative weights.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(500, 500)
        The lower layers, bottom first; the last is ``pen``, the layer the
        top RBM sees with the label.
    top_components : int, default=500
        Hidden units of the top RBM. The paper used 2,000, which cost four
        times as much per update (see Notes).
    top_objective : {'hybrid', 'generative'}, default='hybrid'
        How the top RBM learns, in its greedy training and during up-down:
        'generative' is the paper's CD-k on ``log p(pen, y)``; 'hybrid'
        adds the exact gradient of ``log p(y | pen)`` (the classification
        RBM's hybrid, Larochelle & Bengio 2008), weighting the CD-k term by
        ``top_generative_weight``. The default departs from the paper
        because with its short schedules the generative top can fail to
        tie the 10 label units to ``pen`` at all (see Notes).
    top_generative_weight : float, default=0.5
        Weight of the CD-k term in the 'hybrid' top objective.
    visible_units : {'auto', 'bernoulli', 'gaussian'}, default='auto'
        Input units: binary for data in [0, 1], unit-variance Gaussian for
        real-valued data (standardised internally, as GaussianRBM does);
        'auto' decides from the training data's range. With more than 8
        units in the first hidden layer per input feature, the Gaussian
        units' noise level is narrowed to ``std * sqrt(8 * n_features /
        hidden_layer_sizes[0])`` (see Notes).
    pretrain_epochs : int, default=40
        CD epochs of each lower RBM, and epochs of the top RBM.
    pretrain_learning_rate : float or 'auto', default='auto'
        'auto' is 0.1, and smaller for Gaussian input units (the bottom
        layer's 'auto' rate of :class:`DBN`).
    %(pretrain_batch_size)s
    %(stack_cd_steps)s
    persistent : bool, default=False
        Pretrain the lower RBMs with persistent contrastive divergence
        (PCD-k, see :class:`BernoulliRBM`); the top RBM learns with CD-k.
    pretrain_momentum : float, default=0.9
        Momentum of greedy pretraining: the lower RBMs' final momentum (0.5
        for their first five epochs), the top RBM's throughout.
    %(pretrain_weight_decay)s
    updown_epochs : int, default=30
        Epochs of up-down fine-tuning; 0 keeps the greedily pretrained stack
        (classifying by the top RBM's free energy all the same).
    top_cd_steps : int or tuple of int, default=1
        CD steps at the top during up-down; a tuple is a schedule over equal
        parts of the epochs (the paper raised k from 3 to 6 to 10:
        ``top_cd_steps=(3, 6, 10)``).
    updown_learning_rate : float, default=0.05
        Step size of every up-down update; a tenth of it for the weights
        and biases of Gaussian input units (as in pretraining).
    updown_momentum : float, default=0.5
        Momentum of the up-down updates.
    updown_weight_decay : float, default=1e-5
        L2 penalty on the weights during up-down.
    batch_size : int or 'auto', default='auto'
        Rows per up-down minibatch ('auto' as ``pretrain_batch_size``).
    %(unlabeled_generative_dbn)s
    shuffle : bool, default=True
        Visit the rows in a new random order in every epoch of pretraining,
        of the top RBM's training and of up-down. False keeps the data's
        order.
    %(random_state)s
    %(stack_verbose)s
    %(n_jobs)s

    Attributes
    ----------
    %(classes_)s
    %(visible_units_)s
    rbms_ : list of BernoulliRBM or GaussianRBM
        The greedily pretrained lower layers (before up-down).
    top_ : RBMClassifier
        The top RBM over ``pen`` and the label, after up-down.
    recognition_coefs_, recognition_intercepts_ : list of ndarray
        Upward weights ``(n_in, n_out)`` and biases of each lower layer.
    generative_coefs_, generative_intercepts_ : list of ndarray
        Downward weights ``(n_out, n_in)`` and biases of each lower layer.
    n_iter_ : int
        Up-down epochs run.
    history_ : dict of lists
        ``"log_conditional"``: mean ``log p(y | x)`` of up to 2,000 labeled
        training rows after each up-down epoch; ``"epoch_time"``.
    %(n_features_in_)s
    %(feature_names_in_)s

    Notes
    -----
    The defaults (500 top units, 40 pretraining epochs, 30 up-down epochs
    at CD-1, a hybrid top) differ from the paper's 2,000 top units, CD-3/6/10
    and generative top. They were chosen on digits; the measurements are in
    "Measurements behind the defaults" on the documentation's benchmarks
    page, and the comparison with the paper's model on its page on
    generative classifiers.

    Real-valued inputs with few features: a unit-variance Gaussian RBM
    explains standardised data with weights that shrink as its hidden layer
    outgrows the input, until the binary layer above learns only its biases
    and the label at the top stays at chance. The narrowed noise of
    ``visible_units`` gives the stack features the top can use, and a tenth
    of ``updown_learning_rate`` on the Gaussian layer keeps up-down from
    undoing them.

    With ``top_objective='generative'`` (the paper's), the top RBM can fail
    to tie the label units to ``pen`` in a short schedule: it then gives
    every input the same ``p(y | x)``, and up-down does not repair that.
    The default hybrid top, trained on ``log p(y | pen)`` as well, avoids
    this.

    References
    ----------
    G. E. Hinton, S. Osindero and Y.-W. Teh, "A fast learning algorithm for
    deep belief nets", Neural Computation 18 (2006), 1527-1554.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from dbn import GenerativeDBNClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = GenerativeDBNClassifier((64,), top_components=128, pretrain_epochs=3,
    ...                               updown_epochs=1, random_state=0).fit(X / 16, y)
    >>> clf.sample(2, y=[3, 7], n_steps=10, random_state=0).shape
    (2, 64)
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "top_components": [Interval(Integral, 1, None, closed="left")],
        "top_objective": [StrOptions({"generative", "hybrid"})],
        "top_generative_weight": [Interval(Real, 0, None, closed="left")],
        "visible_units": [StrOptions({"auto", "bernoulli", "gaussian"})],
        "pretrain_epochs": [Interval(Integral, 1, None, closed="left")],
        "pretrain_learning_rate": [StrOptions({"auto"}),
                                   Interval(Real, 0, None, closed="neither")],
        "pretrain_batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "cd_steps": [Interval(Integral, 1, None, closed="left")],
        "persistent": ["boolean"],
        "pretrain_momentum": [Interval(Real, 0, 1, closed="left")],
        "pretrain_weight_decay": [Interval(Real, 0, None, closed="left")],
        "updown_epochs": [Interval(Integral, 0, None, closed="left")],
        "top_cd_steps": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "updown_learning_rate": [Interval(Real, 0, None, closed="neither")],
        "updown_momentum": [Interval(Real, 0, 1, closed="left")],
        "updown_weight_decay": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "unlabeled": "no_validation",
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "n_jobs": N_JOBS_CONSTRAINT,
    }

    def __init__(
        self,
        hidden_layer_sizes=(500, 500),
        *,
        top_components=500,
        top_objective="hybrid",
        top_generative_weight=0.5,
        visible_units="auto",
        pretrain_epochs=40,
        pretrain_learning_rate="auto",
        pretrain_batch_size="auto",
        cd_steps=1,
        persistent=False,
        pretrain_momentum=0.9,
        pretrain_weight_decay=1e-4,
        updown_epochs=30,
        top_cd_steps=1,
        updown_learning_rate=0.05,
        updown_momentum=0.5,
        updown_weight_decay=1e-5,
        batch_size="auto",
        unlabeled=None,
        shuffle=True,
        random_state=None,
        verbose=0,
        n_jobs=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.top_components = top_components
        self.top_objective = top_objective
        self.top_generative_weight = top_generative_weight
        self.visible_units = visible_units
        self.pretrain_epochs = pretrain_epochs
        self.pretrain_learning_rate = pretrain_learning_rate
        self.pretrain_batch_size = pretrain_batch_size
        self.cd_steps = cd_steps
        self.persistent = persistent
        self.pretrain_momentum = pretrain_momentum
        self.pretrain_weight_decay = pretrain_weight_decay
        self.updown_epochs = updown_epochs
        self.top_cd_steps = top_cd_steps
        self.updown_learning_rate = updown_learning_rate
        self.updown_momentum = updown_momentum
        self.updown_weight_decay = updown_weight_decay
        self.batch_size = batch_size
        self.unlabeled = unlabeled
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose
        self.n_jobs = n_jobs

    def _cd_schedule(self):
        steps = ([self.top_cd_steps] if isinstance(self.top_cd_steps, Integral)
                 else list(self.top_cd_steps))
        if not steps or not all(isinstance(k, Integral) and not isinstance(k, bool) and k >= 1
                                for k in steps):
            raise ValueError(
                "top_cd_steps must be a positive integer or a non-empty sequence of them; "
                f"got {self.top_cd_steps!r}."
            )
        return [int(k) for k in steps]

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
    @uses_threads
    def fit(self, X, y):
        """Pretrain greedily, train the top RBM with the labels, then up-down.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : GenerativeDBNClassifier
        """
        greedy = self._fit_greedy(X, y)
        settings = UpDownSettings(
            name=type(self).__name__, n_epochs=self.updown_epochs,
            batch_size=auto_batch_size(self.batch_size, len(greedy.labeled)),
            cd_schedule=self._cd_schedule(), learning_rate=self.updown_learning_rate,
            momentum=self.updown_momentum, weight_decay=self.updown_weight_decay,
            generative_weight=(self.top_generative_weight if self.top_objective == "hybrid"
                               else None),
            shuffle=self.shuffle, verbose=self.verbose)
        history = updown_training.train(settings, greedy.source, greedy.codes,
                                        greedy.labeled, greedy.params, greedy.rng)
        self.classes_ = greedy.classes
        self.visible_units_ = greedy.visible
        self.rbms_ = greedy.rbms
        self.top_ = greedy.top
        params = greedy.params
        self.recognition_coefs_ = params.R
        self.recognition_intercepts_ = params.r
        self.generative_coefs_ = params.G
        self.generative_intercepts_ = params.g
        self.n_iter_ = self.updown_epochs
        self.history_ = history
        return self

    def _fit_greedy(self, X, y):
        """The greedy phase (see :func:`~dbn._generative.greedy.greedy_phase`)
        on validated data; a namespace of what up-down and publishing need."""
        name = type(self).__name__
        sizes = layer_sizes(self.hidden_layer_sizes)
        self._cd_schedule()  # fail early on a bad top_cd_steps
        source = validate_rows(self, X, reset=True)
        classes, codes, labeled = encode_labels(y, source.n_rows, self.unlabeled, name)
        statistics = training_statistics(source, name)
        visible = resolve_visible_units(self.visible_units, *statistics[2:])
        if visible == "bernoulli":
            warn_if_outside_unit_interval(*statistics[2:], name)
        rng = make_generator(self.random_state)
        source, rbms, top, params = greedy_phase(
            self.get_params(deep=False), name, source, sizes, statistics, visible, codes,
            labeled, len(classes), rng)
        return SimpleNamespace(source=source, classes=classes, codes=codes, labeled=labeled,
                               visible=visible, rbms=rbms, top=top, params=params, rng=rng)

    # ----------------------------------------------------------- inference

    def _params(self):
        return _updown.UpDownParams(self.recognition_coefs_, self.recognition_intercepts_,
                                    self.generative_coefs_, self.generative_intercepts_,
                                    self.top_._params(), self.visible_units_ == "gaussian")

    def _logits(self, X):
        check_is_fitted(self)
        source = self.rbms_[0]._standardized(validate_rows(self, X, reset=False))
        params = self._params()
        return top_model.logits(updown_training.up(source, params), params.top)

    _fitted_marker = "top_"

    def _fitted_schema(self, n_in):
        """What a loaded GenerativeDBNClassifier must hold (see
        ``dbn._utils.schema``)."""
        yield Labels()
        top = vars(self).get("top_")
        if not isinstance(top, RBMClassifier) or "components_" not in vars(top):
            yield "top_ is not a fitted RBMClassifier"
        yield Fitted("top_", top)
        widths = [n_in] + [W.shape[1] if isinstance(W, np.ndarray) and W.ndim == 2 else -1
                           for W in vars(self).get("recognition_coefs_", [])]
        lists = [vars(self).get(name) for name in (
            "recognition_coefs_", "recognition_intercepts_",
            "generative_coefs_", "generative_intercepts_")]
        if not all(isinstance(x, list) and len(x) == len(widths) - 1 >= 1 for x in lists):
            yield "the recognition and generative layers are not lists of equal length"
        if widths[-1] != top.n_features_in_ or len(top.classes_) != len(self.classes_):
            yield "the top RBM does not fit the layers below or the classes"
        if vars(self).get("visible_units_") not in ("bernoulli", "gaussian"):
            yield "visible_units_ is neither 'bernoulli' nor 'gaussian'"
        rbms = vars(self).get("rbms_")
        if not (isinstance(rbms, list) and len(rbms) == len(widths) - 1
                and all(isinstance(r, _RBMLayer) and "components_" in vars(r) for r in rbms)):
            yield "rbms_ is not one fitted RBM per layer below the top"
        for i in range(len(widths) - 1):
            a, b = widths[i], widths[i + 1]
            yield FloatArray(f"recognition_coefs_[{i}]", (a, b), lists[0][i])
            yield FloatArray(f"recognition_intercepts_[{i}]", (b,), lists[1][i])
            yield FloatArray(f"generative_coefs_[{i}]", (b, a), lists[2][i])
            yield FloatArray(f"generative_intercepts_[{i}]", (a,), lists[3][i])

    @uses_threads
    def sample(self, n_samples, y=None, n_steps=1000, random_state=None):
        """Inputs "dreamt" by the model, with the label clamped to ``y``.

        Gibbs sampling runs ``n_steps`` sweeps in the top RBM (``pen`` and the
        top hidden units) with the label fixed; the final ``pen``
        probabilities then pass down through the generative weights
        (mean-field: each lower layer's probabilities, not samples).

        Parameters
        ----------
        n_samples : int
        y : label, array-like of shape (n_samples,) or None, default=None
            One label for all samples, one per sample, or None (the label is
            sampled too).
        n_steps : int, default=1000
        random_state : int, RandomState instance or None, default=None

        Returns
        -------
        X : ndarray of shape (n_samples, `n_features_in_`)
            Means of the input units (probabilities for binary ones), in the
            data's units.
        """
        check_is_fitted(self)
        codes = sample_label_codes(self.classes_, n_samples, y, n_steps)
        rng = make_generator(random_state)
        params = self._params()
        start = (rng.random((n_samples, len(params.top.b))) < 0.5).astype(np.float64)
        pen, _ = _updown.top_gibbs(start, codes, params.top, n_steps, rng)
        return self.rbms_[0]._to_input_units(_updown.down_pass(pen, params))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
