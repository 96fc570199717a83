"""Deep Belief Nets: greedy layerwise pretraining, unrolling and fine-tuning."""

import copy
import time
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    RegressorMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d

from . import _likelihood
from ._atomic import atomic_fit
from ._data import (
    DenseRows,
    as_row_source,
    in_unit_interval,
    iter_blocks,
    training_statistics,
    validate_held_out,
    validate_rows,
)
from ._lazy import lazy_import
from ._network import (
    FeedForward,
    batch_loss,
    glorot_uniform,
    log_probabilities,
    predict_block,
)
from ._optimizers import AdamOptimizer, SGDOptimizer
from ._random import make_generator
from ._rbm import BernoulliRBM, GaussianRBM
from ._warnings import warn
from .exceptions import DivergenceError

_kernels = lazy_import("dbn._kernels")

_PRETRAIN_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "pretrain_epochs": [Interval(Integral, 0, None, closed="left")],
    "visible_units": [StrOptions({"auto", "bernoulli", "gaussian"})],
    "hidden_units": [StrOptions({"bernoulli", "relu"})],
    "pretrain_learning_rate": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
    "pretrain_batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "cd_steps": [Interval(Integral, 1, None, closed="left")],
    "persistent": ["boolean"],
    "pretrain_momentum": [Interval(Real, 0, 1, closed="left")],
    "pretrain_weight_decay": [Interval(Real, 0, None, closed="left")],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
}


def _layer_sizes(hidden_layer_sizes):
    sizes = (
        [hidden_layer_sizes]
        if isinstance(hidden_layer_sizes, Integral)
        else list(hidden_layer_sizes)
    )
    if not sizes:
        raise ValueError("hidden_layer_sizes must name at least one hidden layer.")
    for s in sizes:
        if not isinstance(s, Integral) or isinstance(s, bool) or s < 1:
            raise ValueError(
                f"hidden_layer_sizes must hold positive integers; got {hidden_layer_sizes!r}."
            )
    return [int(s) for s in sizes]


def auto_batch_size(batch_size, n_rows):
    """'auto': about 100 updates per epoch, between 10 and 100 rows per batch,
    and at least 10 updates per epoch on data sets under 100 rows.

    Small data sets then still get enough updates per epoch for an epoch
    budget to mean the same thing (20 rows in batches of 10 gave a (500, 500)
    net 200 updates in 100 epochs, too few to leave chance on some seeds),
    and large ones keep BLAS-friendly batches.
    """
    if batch_size == "auto":
        return max(1, min(int(np.clip(n_rows // 100, 10, 100)), n_rows // 10))
    return int(batch_size)


def resolve_visible_units(visible_units, lo, hi):
    """'auto': Bernoulli units for data in [0, 1], Gaussian ones for any other range."""
    if visible_units != "auto":
        return visible_units
    return "bernoulli" if in_unit_interval(lo, hi) else "gaussian"


def _seeds(rng, n):
    return [int(s) for s in rng.integers(0, 2**31 - 1, size=n)]


def _hidden_float32(rbm, X):
    """Hidden means of ``rbm`` for ``X`` as float32 (input of the next layer)."""
    source = as_row_source(X)
    return rbm._hidden_probabilities(source, dtype=np.float32)


class _Pretrainer:
    """Greedy layerwise pretraining of a stack of RBMs (shared by all estimators)."""

    def __init__(self, estimator, n_rows, visible_units):
        self.est = estimator
        self.batch_size = auto_batch_size(estimator.pretrain_batch_size, n_rows)
        self.visible_units = visible_units

    def rbm(self, layer, n_components, seed, n_epochs):
        """The RBM of ``layer``: its visible units are the data's (layer 0) or
        the layer below's (binary for sigmoid units, real for rectified ones)."""
        e = self.est
        gaussian = (self.visible_units == "gaussian" if layer == 0
                    else e.hidden_units == "relu")
        learning_rate = e.pretrain_learning_rate
        if learning_rate == "auto":
            # Gaussian visible and rectified hidden units each want ~10x
            # smaller steps than binary ones (Hinton's practical guide).
            learning_rate = 0.1 * (0.1 if gaussian else 1.0) * (
                0.1 if e.hidden_units == "relu" else 1.0)
        cls = GaussianRBM if gaussian else BernoulliRBM
        return cls(
            n_components=n_components,
            hidden_units=e.hidden_units,
            learning_rate=learning_rate,
            batch_size=self.batch_size,
            n_iter=n_epochs,
            cd_steps=e.cd_steps,
            persistent=e.persistent,
            momentum=e.pretrain_momentum,
            weight_decay=e.pretrain_weight_decay,
            random_state=seed,
            verbose=max(int(e.verbose), 0),
        )

    def fit_stack(self, source, sizes, seeds, start_layer=0, data=None, n_epochs=None,
                  X_val=None):
        """Train RBMs for ``sizes[start_layer:]``, bottom up.

        ``data`` is the input of layer ``start_layer`` (the row source itself
        for layer 0, else the float32 features of the layer below).
        """
        e = self.est
        n_epochs = e.pretrain_epochs if n_epochs is None else n_epochs
        name = type(e).__name__
        rbms = []
        layer_input = source if data is None else DenseRows(data)
        fan_in = source.n_features if data is None else data.shape[1]
        for layer in range(start_layer, len(sizes)):
            if e.verbose:
                print(f"[{name}] pretraining layer {layer + 1}/{len(sizes)}: "
                      f"{fan_in} -> {sizes[layer]} units, {n_epochs} epochs", flush=True)
            rbm = self.rbm(layer, sizes[layer], seeds[layer], n_epochs)
            try:
                rbm.fit(layer_input.X,
                        X_val=None if X_val is None else getattr(X_val, "X", X_val))
            except DivergenceError as exc:
                raise DivergenceError(
                    f"{name} diverged while pretraining layer {layer + 1} of "
                    f"{len(sizes)} ({type(rbm).__name__}, {fan_in} -> {sizes[layer]} "
                    f"units) in epoch {exc.epoch}: the weights became NaN or infinite "
                    f"with learning rate {rbm.learning_rate:g} (pretrain_learning_rate="
                    f"{e.pretrain_learning_rate!r}). Set pretrain_learning_rate lower, "
                    f"e.g. to {rbm.learning_rate / 10:g}.",
                    layer=layer + 1, epoch=exc.epoch, learning_rate=rbm.learning_rate,
                ) from exc
            rbms.append(rbm)
            if layer < len(sizes) - 1:
                layer_input = DenseRows(_hidden_float32(rbm, layer_input))
                if X_val is not None:
                    X_val = _hidden_float32(rbm, X_val)
            fan_in = sizes[layer]
        return rbms


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
    hidden_units : {'bernoulli', 'relu'}, default='bernoulli'
        Binary (sigmoid) or noisy rectified hidden units in every RBM; the
        fine-tuned net then uses sigmoid or ReLU layers.
    pretrain_epochs : int, default=20
        Epochs of contrastive divergence per layer (0 leaves the RBMs at their
        random initialisation).
    pretrain_learning_rate : float or 'auto', default='auto'
        'auto' is 0.1, divided by 10 for a layer with Gaussian visible units
        and by 10 for rectified hidden units.
    pretrain_batch_size : int or 'auto', default='auto'
        'auto' is ``n_samples // 100`` clipped to [10, 100] and at most
        ``n_samples // 10``: about 100 updates per epoch on small data sets
        (at least 10 below 100 rows), batches of 100 on large ones.
    cd_steps : int, default=1
        k of CD-k.
    persistent : bool, default=False
        Persistent contrastive divergence.
    pretrain_momentum : float, default=0.9
        Final momentum (0.5 for the first five epochs of every layer).
    pretrain_weight_decay : float, default=1e-4
    random_state : int, RandomState instance or None, default=None
    verbose : int, default=0
        Print a line per layer and per epoch.

    Attributes
    ----------
    rbms_ : list of BernoulliRBM or GaussianRBM
        The fitted RBMs, bottom first.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when ``X`` has string column names.
    """

    _parameter_constraints: dict = dict(_PRETRAIN_CONSTRAINTS)

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
        random_state=None,
        verbose=0,
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
        self.random_state = random_state
        self.verbose = verbose

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
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
        sizes = _layer_sizes(self.hidden_layer_sizes)
        source = validate_rows(self, X, reset=True)
        _, _, lo, hi = training_statistics(source, type(self).__name__)
        visible_units = resolve_visible_units(self.visible_units, lo, hi)
        rng = make_generator(self.random_state)
        if X_val is not None:
            X_val = validate_held_out(self, X_val)
        self.rbms_ = _Pretrainer(self, source.n_rows, visible_units).fit_stack(
            source, sizes, _seeds(rng, len(sizes)), X_val=X_val)
        return self

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
        V : ndarray of shape (n_samples, n_features_in_)
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

    def transform(self, X):
        """Top-layer hidden probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        H : ndarray of shape (n_samples, hidden_layer_sizes[-1])
            float64 for float64 input, float32 otherwise.
        """
        check_is_fitted(self)
        source = validate_rows(self, X, reset=False)
        H = self.rbms_[0]._hidden_probabilities(source)
        for rbm in self.rbms_[1:]:
            H = rbm._hidden_probabilities(DenseRows(H))
        return H

    @property
    def _n_features_out(self):
        return self.rbms_[-1].components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class _BaseDBNNet(BaseEstimator):
    """Pretrain, unroll into an MLP, fine-tune with backprop (shared core)."""

    _parameter_constraints: dict = {
        **_PRETRAIN_CONSTRAINTS,
        "pretrained": "no_validation",
        "frozen_layers": [Interval(Integral, 0, None, closed="left")],
        "solver": [StrOptions({"auto", "sgd", "adam"})],
        "learning_rate_init": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
        "learning_rate": [StrOptions({"constant", "adaptive"})],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "nesterovs_momentum": ["boolean"],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "input_dropout": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "shuffle": ["boolean"],
    }

    @property
    def _hidden_activation(self):
        return "relu" if self.hidden_units == "relu" else "sigmoid"

    def __init__(
        self,
        hidden_layer_sizes=(500, 500),
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
        pretrained=None,
        frozen_layers=0,
        solver="auto",
        learning_rate_init="auto",
        learning_rate="adaptive",
        momentum=0.9,
        nesterovs_momentum=True,
        batch_size="auto",
        max_iter=100,
        alpha=1e-4,
        dropout=0.0,
        input_dropout=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        shuffle=True,
        random_state=None,
        verbose=0,
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
        self.pretrained = pretrained
        self.frozen_layers = frozen_layers
        self.solver = solver
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.alpha = alpha
        self.dropout = dropout
        self.input_dropout = input_dropout
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose

    # ---------------------------------------------------------------- fit

    def _fit(self, X, y):
        sizes = _layer_sizes(self.hidden_layer_sizes)
        if self.frozen_layers > len(sizes):
            raise ValueError(
                f"frozen_layers={self.frozen_layers} exceeds the {len(sizes)} hidden "
                f"layer(s) of hidden_layer_sizes={tuple(sizes)}."
            )
        source = validate_rows(self, X, reset=True)
        targets, labeled, fitted_targets = self._prepare_targets(y, source.n_rows)
        _, _, lo, hi = training_statistics(source, type(self).__name__)
        visible_units = resolve_visible_units(self.visible_units, lo, hi)
        rng = make_generator(self.random_state)
        layer_seeds = _seeds(rng, len(sizes))
        coefs, intercepts, rbms = self._initial_layers(source, sizes, layer_seeds, rng,
                                                       visible_units)
        W_out, b_out = glorot_uniform(
            sizes[-1], targets.shape[1], self._output_activation_for(targets), rng
        )
        coefs.append(W_out)
        intercepts.append(b_out)
        pretrained_start = any(rbm is not None for rbm in rbms) or self.pretrained is not None
        result = self._fine_tune(source, targets, labeled, coefs, intercepts, rng,
                                 pretrained_start, self._loss_weights(fitted_targets))
        # Only now, with everything computed, does the estimator change.
        for key, value in fitted_targets.items():
            setattr(self, key, value)
        self.rbms_ = rbms
        self.coefs_ = coefs
        self.intercepts_ = intercepts
        self.n_layers_ = len(coefs) + 1
        self.n_outputs_ = targets.shape[1]
        self.out_activation_ = self._output_activation_for(targets)
        for key, value in result.items():
            setattr(self, key, value)
        return self

    def _initial_layers(self, source, sizes, seeds, rng, visible_units):
        """Hidden layers from ``pretrained``, greedy pretraining, or Glorot.

        Also returns the RBM behind each hidden layer (None for a layer that
        starts from Glorot's initialisation), aligned with the layers.
        """
        transferred = self._pretrained_layers(source.n_features, sizes)
        coefs = [W for W, _ in transferred]
        intercepts = [b for _, b in transferred]
        rbms = []
        if transferred:
            theirs = copy.deepcopy(self._pretrained_rbms())
            rbms = (theirs + [None] * len(transferred))[: len(transferred)]
        rest = len(sizes) - len(transferred)
        if rest and self.pretrain_epochs > 0:
            data = None
            if transferred:
                data = self._forward_hidden(source, coefs, intercepts)
            new = _Pretrainer(self, source.n_rows, visible_units).fit_stack(
                source, sizes, seeds, start_layer=len(transferred), data=data)
            rbms.extend(new)
            for rbm in new:
                W, b = rbm._unrolled_layer(np.float32)
                coefs.append(W)
                intercepts.append(b)
        elif rest:
            fan_in = coefs[-1].shape[1] if coefs else source.n_features
            for size in sizes[len(transferred):]:
                W, b = glorot_uniform(fan_in, size, self._hidden_activation, rng)
                coefs.append(W)
                intercepts.append(b)
                rbms.append(None)
                fan_in = size
        return coefs, intercepts, rbms

    def _resolve_pretrained(self):
        est = self.pretrained
        if isinstance(est, FrozenEstimator):
            est = est.estimator
        if not isinstance(est, DBN | _BaseDBNNet):
            raise TypeError(
                "pretrained must be a fitted DBN, DBNClassifier or DBNRegressor "
                f"(optionally wrapped in FrozenEstimator); got {type(est).__name__}."
            )
        fitted_attr = "rbms_" if isinstance(est, DBN) else "coefs_"
        if not hasattr(est, fitted_attr):
            raise ValueError(
                f"pretrained {type(est).__name__} is not fitted. If it was fitted "
                "before, it was probably cloned (clone, GridSearchCV and "
                "cross_validate clone every parameter, which drops fitted state): wrap "
                "it as pretrained=sklearn.frozen.FrozenEstimator(fitted_dbn)."
            )
        return est

    def _pretrained_layers(self, n_features, sizes):
        if self.pretrained is None:
            return []
        est = self._resolve_pretrained()
        if isinstance(est, DBN):
            layers = [rbm._unrolled_layer(np.float32) for rbm in est.rbms_]
        else:
            layers = list(zip(est.coefs_[:-1], est.intercepts_[:-1], strict=True))
        if est.n_features_in_ != n_features:
            raise ValueError(
                f"pretrained {type(est).__name__} takes {est.n_features_in_} input "
                f"features but X has {n_features}."
            )
        if getattr(est, "hidden_units", "bernoulli") != self.hidden_units:
            raise ValueError(
                f"pretrained {type(est).__name__} has hidden_units="
                f"{est.hidden_units!r} but this estimator has hidden_units="
                f"{self.hidden_units!r}; they must match."
            )
        theirs = [W.shape[1] for W, _ in layers]
        if theirs != sizes[: len(theirs)]:
            raise ValueError(
                f"pretrained {type(est).__name__} has hidden layers {tuple(theirs)}, "
                f"which must be the first layers of hidden_layer_sizes={tuple(sizes)}."
            )
        # Copies: fine-tuning updates these in place, and the pretrained
        # estimator's own arrays must stay as they are.
        return [
            (np.array(W, dtype=np.float32, order="C"), np.array(b, dtype=np.float32))
            for W, b in layers
        ]

    def _pretrained_rbms(self):
        est = self._resolve_pretrained()
        return list(getattr(est, "rbms_", []))

    def _forward_hidden(self, source, coefs, intercepts):
        """float32 output of the given hidden layers for all rows (pretraining input)."""
        out = []
        for _, _, block in iter_blocks(source):
            block = block.toarray() if hasattr(block, "toarray") else block
            A = np.asarray(block, dtype=np.float32)
            for W, b in zip(coefs, intercepts, strict=True):
                A = predict_block(A, [W], [b], self._hidden_activation,
                                  self._hidden_activation, np.float32)
            out.append(A)
        return np.concatenate(out)

    def _solver_and_rate(self, pretrained_start):
        """The solver and learning rate that 'auto' stands for.

        SGD at 0.1 (Hinton & Salakhutdinov's fine-tuning) suits a classifier
        whose hidden layers start pretrained; from Glorot's initialisation a
        deep sigmoid net trained that way can saturate and stay at chance on
        small data, so it gets scikit-learn's Adam at 1e-3 instead.
        """
        solver = self.solver
        if solver == "auto":
            solver = "sgd" if pretrained_start and self._is_classifier_net else "adam"
        rate = self.learning_rate_init
        if rate == "auto":
            rate = 0.1 if solver == "sgd" else 1e-3
        return solver, float(rate)

    def _fine_tune(self, source, targets, labeled, coefs, intercepts, rng,
                   pretrained_start, loss_weights=None):
        """Backprop through the unrolled net; returns the fitted monitors.

        The loss that stops training (and lowers the learning rate with
        ``learning_rate='adaptive'``) is the one optimised; ``loss_weights``
        only change the units in which ``loss_curve_`` reports it.
        """
        name = type(self).__name__
        train_rows, val_rows = self._split(labeled, targets, rng)
        n_train = len(train_rows)
        B = min(auto_batch_size(self.batch_size, n_train), n_train)
        n_batches = -(-n_train // B)
        out_act = self._output_activation_for(targets)
        solver, rate = self._solver_and_rate(pretrained_start)
        net = FeedForward(coefs, intercepts, self._hidden_activation, out_act, B,
                          self.dropout, self.input_dropout)
        params = [*coefs, *intercepts]
        L = len(coefs)
        trainable = [layer >= self.frozen_layers for layer in range(L)] * 2
        grads = [*net.coef_grads, *net.intercept_grads]
        if solver == "adam":
            optimizer = AdamOptimizer(params, learning_rate=rate)
        else:
            optimizer = SGDOptimizer(params, learning_rate=rate, momentum=self.momentum,
                                     nesterov=self.nesterovs_momentum)
        target_buf = np.empty((B, targets.shape[1]), dtype=np.float32)
        # scikit-learn's MLP convention: each step adds alpha * W / (batch
        # rows) to the gradient, so each batch's loss holds
        # 0.5 * alpha * ||W||^2 / (batch rows); an epoch's mean over rows then
        # holds that term once per batch. Frozen layers are not optimised and
        # carry no penalty.
        penalised = [W for layer, W in enumerate(coefs) if layer >= self.frozen_layers]
        report_scale = 1.0 if loss_weights is None else float(np.mean(loss_weights))

        stopper = _PlateauStopper(self.tol, self.n_iter_no_change,
                                  adaptive=self.learning_rate == "adaptive")
        loss_curve, val_scores, epoch_times = [], [], []
        best_score, best_params = -np.inf, None
        n_iter = 0
        if self.verbose:
            print(f"[{name}] fine-tuning {n_train} rows with {solver} at learning rate "
                  f"{rate:g}, up to {self.max_iter} epochs", flush=True)
        with np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(self.max_iter):
                start = time.perf_counter()
                total, reported = 0.0, 0.0
                for rows in source.batches(B, rng, self.shuffle, rows=train_rows):
                    n = rows.shape[0]
                    source.read(rows, net.input_buffer)
                    _kernels.gather_dense(targets, rows, target_buf)
                    output = net.forward(n, rng, train=True)
                    total += batch_loss(output, target_buf[:n], out_act) * n
                    if loss_weights is not None:
                        reported += batch_loss(output, target_buf[:n], out_act,
                                               loss_weights) * n
                    net.backward(n, target_buf[:n], self.frozen_layers)
                    optimizer.update(grads, [self.alpha / n] * L + [0.0] * L, trainable)
                n_iter = epoch + 1
                penalty = 0.5 * self.alpha * n_batches / n_train * sum(
                    float(np.sum(W * W)) for W in penalised)
                loss = total / n_train + penalty
                if not np.isfinite(loss) or not all(np.isfinite(p).all() for p in params):
                    raise _fine_tuning_divergence(name, n_iter, coefs, intercepts, rate)
                if loss_weights is None:
                    loss_curve.append(loss)
                else:
                    loss_curve.append(reported / n_train + report_scale * penalty)
                message = f"[{name}] epoch {n_iter}: loss {loss_curve[-1]:.5f}"
                if self.early_stopping:
                    score = self._validation_score(source, val_rows, targets, coefs,
                                                   intercepts, out_act)
                    val_scores.append(score)
                    message += f", validation score {score:.5f}"
                    if score > best_score:
                        best_score = score
                        best_params = [p.copy() for p in params]
                    action = stopper.update(-score)
                else:
                    action = stopper.update(loss)
                epoch_times.append(time.perf_counter() - start)
                if self.verbose:
                    left = (self.max_iter - n_iter) * float(np.mean(epoch_times[-5:]))
                    print(f"{message}, {epoch_times[-1]:.2f} s, at most ~{left:.0f} s left",
                          flush=True)
                if action == "stop":
                    break
                if action == "lower":
                    optimizer.learning_rate /= _PlateauStopper.FACTOR
                    if self.verbose:
                        print(f"[{name}] no improvement in {self.n_iter_no_change} epochs: "
                              f"learning rate lowered to {optimizer.learning_rate:g}",
                              flush=True)
            else:
                warn(
                    f"{name}: fine-tuning reached max_iter={self.max_iter} epochs without "
                    "converging; raise max_iter or use early_stopping=True.",
                    ConvergenceWarning,
                )
        if self.early_stopping and best_params is not None:
            for p, best in zip(params, best_params, strict=True):
                p[...] = best
        return {
            "loss_curve_": loss_curve,
            "loss_": loss_curve[-1],
            "best_loss_": None if self.early_stopping else float(np.min(loss_curve)),
            "validation_scores_": val_scores if self.early_stopping else None,
            "best_validation_score_": best_score if self.early_stopping else None,
            "n_iter_": n_iter,
        }

    def _loss_weights(self, fitted_targets):
        return None

    def _split(self, labeled, targets, rng):
        if not self.early_stopping:
            return labeled, None
        stratify = None
        if self._is_classifier_net:
            codes = targets[labeled].argmax(1) if targets.shape[1] > 1 else targets[labeled, 0]
            counts = np.bincount(codes.astype(np.int64))
            n_val = int(np.ceil(self.validation_fraction * len(labeled)))
            # Stratify when every class can appear on both sides.
            if counts.min() >= 2 and min(n_val, len(labeled) - n_val) >= len(counts):
                stratify = codes
        seed = int(rng.integers(0, 2**31 - 1))
        train, val = train_test_split(labeled, test_size=self.validation_fraction,
                                      random_state=seed, stratify=stratify)
        if len(val) < 1 or len(train) < 1:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} leaves no rows for "
                f"training or validation among {len(labeled)} labeled rows."
            )
        return np.sort(train), np.sort(val)

    def _validation_score(self, source, rows, targets, coefs, intercepts, out_act):
        block = np.empty((len(rows), source.n_features), dtype=np.float32)
        source.read(rows, block)
        out = predict_block(block, coefs, intercepts, self._hidden_activation, out_act,
                            np.float32)
        return self._score_outputs(out, targets[rows])

    # ----------------------------------------------------------- inference

    def _forward(self, X, output_activation=None):
        """Network output; ``output_activation='identity'`` gives the logits."""
        check_is_fitted(self)
        output_activation = output_activation or self.out_activation_
        source = validate_rows(self, X, reset=False)
        dtype = np.float64 if source.dtype == np.float64 else np.float32
        out = np.empty((source.n_rows, self.n_outputs_), dtype=dtype)
        for start, stop, block in iter_blocks(source):
            out[start:stop] = predict_block(block, self.coefs_, self.intercepts_,
                                            self._hidden_activation, output_activation,
                                            dtype)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags



class _PlateauStopper:
    """When to lower the learning rate or stop, from a value to minimise.

    ``n_iter_no_change`` epochs without an improvement of at least ``tol``
    over the best value so far count as a plateau. With ``adaptive``, the
    first ``MAX_LOWERINGS`` plateaus lower the learning rate (by ``FACTOR``,
    as scikit-learn's ``learning_rate='adaptive'``) and the next one stops;
    otherwise the first plateau stops.
    """

    FACTOR = 5.0
    MAX_LOWERINGS = 3

    def __init__(self, tol, n_iter_no_change, adaptive):
        self.tol = tol
        self.patience = n_iter_no_change
        self.adaptive = adaptive
        self.best = np.inf
        self.waited = 0
        self.lowerings = 0

    def update(self, value):
        """Returns 'continue', 'lower' or 'stop'."""
        if value < self.best - self.tol:
            self.waited = 0
        else:
            self.waited += 1
        self.best = min(self.best, value)
        if self.waited < self.patience:
            return "continue"
        self.waited = 0
        if self.adaptive and self.lowerings < self.MAX_LOWERINGS:
            self.lowerings += 1
            return "lower"
        return "stop"

_NET_DOC = """
    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(500, 500)
        Hidden units per layer, bottom first; each hidden layer is pretrained
        as an RBM.
    visible_units : {{'auto', 'bernoulli', 'gaussian'}}, default='auto'
        Units of the first layer's visible layer: 'bernoulli' for data in
        [0, 1], 'gaussian' for real-valued data (unit-variance units; the RBM
        standardises the data internally and the unrolled first layer takes
        the data in its own units). 'auto' picks 'bernoulli' when the training
        data lie in [0, 1] and 'gaussian' otherwise. Upper layers see the
        layer below.
    hidden_units : {{'bernoulli', 'relu'}}, default='bernoulli'
        Binary (sigmoid) or noisy rectified hidden units in every RBM; the
        fine-tuned net then uses sigmoid or ReLU layers.
    pretrain_epochs : int, default=20
        Epochs of contrastive divergence per layer; 0 skips pretraining and
        initialises the hidden layers with Glorot's scheme (the random-init
        baseline).
    pretrain_learning_rate : float or 'auto', default='auto'
        'auto' is 0.1, divided by 10 for a layer with Gaussian visible units
        and by 10 for rectified hidden units.
    pretrain_batch_size : int or 'auto', default='auto'
        'auto' is ``n_samples // 100`` clipped to [10, 100] and at most
        ``n_samples // 10``: about 100 updates per epoch on small data sets
        (at least 10 below 100 rows), batches of 100 on large ones.
    cd_steps : int, default=1
    persistent : bool, default=False
    pretrain_momentum : float, default=0.9
    pretrain_weight_decay : float, default=1e-4
    pretrained : fitted DBN, DBNClassifier, DBNRegressor or FrozenEstimator, default=None
        Initialise the hidden layers from this estimator instead of
        pretraining them ("pretrain on data set A, fine-tune on B"). Its hidden
        layer sizes must be the first entries of ``hidden_layer_sizes``; further
        layers are pretrained on top. It is never modified. ``clone`` (and so
        ``GridSearchCV``) turns a fitted estimator parameter into an unfitted
        one: wrap it as ``FrozenEstimator(fitted_dbn)`` to keep it fitted.
    frozen_layers : int, default=0
        The bottom ``frozen_layers`` hidden layers keep their (pretrained)
        weights during fine-tuning.
    solver : {{'auto', 'sgd', 'adam'}}, default='{solver}'
        'sgd' is momentum SGD (Nesterov's by default). {solver_doc}
    learning_rate_init : float or 'auto', default='auto'
        'auto' is 0.1 for 'sgd' and 0.001 for 'adam'.
    learning_rate : {{'constant', 'adaptive'}}, default='adaptive'
        'adaptive' divides the learning rate by 5 when the training loss (or
        the validation score with ``early_stopping``) has not improved by
        ``tol`` for ``n_iter_no_change`` epochs, up to 3 times; the next such
        plateau stops training. 'constant' stops at the first plateau.
    momentum : float, default=0.9
    nesterovs_momentum : bool, default=True
    batch_size : int or 'auto', default='auto'
        'auto' is ``n_samples // 100`` clipped to [10, 100] and at most
        ``n_samples // 10`` (labeled rows here), as for pretraining.
    max_iter : int, default={max_iter}
        Fine-tuning epochs at most.
    alpha : float, default={alpha}
        L2 penalty, scaled like scikit-learn's MLP (``alpha / batch size`` per step).
    dropout : float, default={dropout}
        Probability of dropping each hidden unit during fine-tuning.
    input_dropout : float, default=0.0
        Probability of dropping each input feature during fine-tuning.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the labeled rows, stop when its
        score stops improving and keep the best epoch's weights.
    validation_fraction : float, default=0.1
    n_iter_no_change : int, default=10
    tol : float, default=1e-4
    shuffle : bool, default=True
    random_state : int, RandomState instance or None, default=None
    verbose : int, default=0
        Progress per layer and per epoch.
"""

_NET_ATTRS = """
    rbms_ : list of (BernoulliRBM, GaussianRBM or None)
        One entry per hidden layer: the RBM that initialised it (pretrained
        here or taken from ``pretrained``), or None where the layer started
        from Glorot's random initialisation.
    coefs_ : list of ndarray of shape (fan_in, fan_out), float32
    intercepts_ : list of ndarray of shape (fan_out,), float32
    loss_curve_ : list of float
        Training loss per fine-tuning epoch, including the L2 term as the
        updates apply it (``0.5 * alpha * ||W||^2`` per batch, as scikit-learn's
        MLP reports it; frozen layers excluded). DBNRegressor reports half the
        mean squared error over rows and targets in the targets' own units, as
        MLPRegressor does (it trains on standardised targets).
    loss_ : float
    best_loss_ : float or None
        None with early stopping.
    validation_scores_ : list of float or None
        Held-out score per epoch with early stopping, else None.
    best_validation_score_ : float or None
    n_iter_ : int
        Fine-tuning epochs run.
    n_layers_ : int
    n_outputs_ : int
    out_activation_ : str
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when ``X`` has string column names.
"""


class DBNClassifier(ClassifierMixin, _BaseDBNNet):
    __doc__ = (
        """Deep Belief Net classifier: RBM pretraining, then backprop fine-tuning.

    Pretrains a stack of RBMs greedily (on all rows, labeled or not), unrolls
    it into a sigmoid MLP with a softmax output layer (one logistic unit for
    two classes) and fine-tunes the whole net on the labeled rows.
"""
        + _NET_DOC.format(
            solver="auto", dropout=0.2, max_iter=100, alpha="1e-4",
            solver_doc="'auto' is 'sgd' when the hidden layers start pretrained\n"
            "        (Hinton & Salakhutdinov's fine-tuning) and 'adam' when they start from\n"
            "        random init (``pretrain_epochs=0``), where SGD at 0.1 can saturate a\n"
            "        deep sigmoid net on small data.")
        + """    unlabeled : scalar or None, default=None
        Target value that marks a row as unlabeled: such rows are used for
        pretraining only, never for fine-tuning or as a class.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
"""
        + _NET_ATTRS
        + """
    Notes
    -----
    Defaults were chosen on digits and Fashion-MNIST (see
    ``benchmarks/bench_dbn.py``, ``benchmarks/bench_head_start.py`` and the
    README): 20 CD-1 epochs per layer at learning rate 0.1 with momentum
    0.5 -> 0.9 and Hinton's weight cost, then Nesterov SGD at 0.1 with dropout
    0.2 on the hidden units. On digits, fewer pretraining epochs or no dropout
    lost about half a point of test accuracy across seeds; 'auto' batch sizes
    keep about 100 updates per epoch on small data sets, without which
    pretraining barely moves the weights there. With ``pretrain_epochs=0``
    'auto' switches to Adam at 1e-3: from Glorot's initialisation, SGD at 0.1
    left a (500, 500) sigmoid net at chance on 50 digits (5 per class), and
    Adam scores 0.84 there (MLPClassifier of the same shape, ReLU: 0.86).
    """
    )

    _parameter_constraints: dict = {
        **_BaseDBNNet._parameter_constraints,
        "unlabeled": "no_validation",
    }
    _is_classifier_net = True

    def __init__(
        self,
        hidden_layer_sizes=(500, 500),
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
        pretrained=None,
        frozen_layers=0,
        solver="auto",
        learning_rate_init="auto",
        learning_rate="adaptive",
        momentum=0.9,
        nesterovs_momentum=True,
        batch_size="auto",
        max_iter=100,
        alpha=1e-4,
        dropout=0.2,
        input_dropout=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        shuffle=True,
        unlabeled=None,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            visible_units=visible_units,
            hidden_units=hidden_units,
            pretrain_epochs=pretrain_epochs,
            pretrain_learning_rate=pretrain_learning_rate,
            pretrain_batch_size=pretrain_batch_size,
            cd_steps=cd_steps,
            persistent=persistent,
            pretrain_momentum=pretrain_momentum,
            pretrain_weight_decay=pretrain_weight_decay,
            pretrained=pretrained,
            frozen_layers=frozen_layers,
            solver=solver,
            learning_rate_init=learning_rate_init,
            learning_rate=learning_rate,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            batch_size=batch_size,
            max_iter=max_iter,
            alpha=alpha,
            dropout=dropout,
            input_dropout=input_dropout,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            shuffle=shuffle,
            random_state=random_state,
            verbose=verbose,
        )
        self.unlabeled = unlabeled

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Pretrain (all rows), unroll and fine-tune (labeled rows).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Values in [0, 1] for the Bernoulli input layer.
        y : array-like of shape (n_samples,)
            Class labels; rows equal to ``unlabeled`` count as unlabeled.

        Returns
        -------
        self : DBNClassifier
        """
        return self._fit(X, y)

    def _prepare_targets(self, y, n_rows):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        y = column_or_1d(check_array(y, ensure_2d=False, dtype=None,
                                     ensure_all_finite=False), warn=True)
        if len(y) != n_rows:
            raise ValueError(
                f"X and y have inconsistent numbers of samples: {n_rows} and {len(y)}."
            )
        if y.dtype == object and any(v is None for v in y):
            raise ValueError(
                f"y contains None (first at row {next(i for i, v in enumerate(y) if v is None)})"
                "; give unlabeled rows a label value and pass it as unlabeled= (e.g. -1)."
            )
        if self.unlabeled is not None:
            labeled_mask = ~_equals(y, self.unlabeled)
            if not labeled_mask.any():
                raise ValueError(
                    f"Every row is unlabeled (y == {self.unlabeled!r}); fine-tuning needs "
                    "labeled rows."
                )
        else:
            labeled_mask = np.ones(n_rows, dtype=bool)
        y_labeled = y[labeled_mask]
        if y_labeled.dtype.kind == "f" and not np.isfinite(y_labeled).all():
            raise ValueError("y contains NaN or infinity.")
        check_classification_targets(y_labeled)
        if type_of_target(y_labeled) not in ("binary", "multiclass"):
            raise ValueError(
                f"{type(self).__name__} supports binary and multiclass targets; got "
                f"{type_of_target(y_labeled)}."
            )
        classes, codes = np.unique(y_labeled, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the "
                f"labeled data; got only one class ({classes[0]!r})."
            )
        labeled = np.flatnonzero(labeled_mask).astype(np.int64)
        width = 1 if len(classes) == 2 else len(classes)
        targets = np.zeros((n_rows, width), dtype=np.float32)
        if width == 1:
            targets[labeled, 0] = codes
        else:
            targets[labeled, codes] = 1.0
        return targets, labeled, {"classes_": classes}

    @staticmethod
    def _output_activation_for(targets):
        return "sigmoid" if targets.shape[1] == 1 else "softmax"

    def _score_outputs(self, out, targets):
        if out.shape[1] == 1:
            return float(np.mean((out[:, 0] > 0.5) == (targets[:, 0] > 0.5)))
        return float(np.mean(out.argmax(1) == targets.argmax(1)))

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        out = self._forward(X)
        if out.shape[1] == 1:
            return np.hstack([1.0 - out, out])
        return out

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed from the logits.

        Finite even where a probability underflows to 0 (``log(0)`` would
        be ``-inf``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        logits = self._forward(X, "identity")
        return log_probabilities(logits, self.out_activation_)

    def predict(self, X):
        """Most probable class of each row.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        out = self._forward(X)
        if out.shape[1] == 1:
            return self.classes_[(out[:, 0] > 0.5).astype(np.int64)]
        return self.classes_[out.argmax(1)]

    def to_mlp(self):
        """The fine-tuned net as a fitted :class:`sklearn.neural_network.MLPClassifier`.

        Returns
        -------
        mlp : MLPClassifier
            Predicts the same classes (probabilities agree to float32 precision).
        """
        from sklearn.neural_network import MLPClassifier
        from sklearn.preprocessing import LabelBinarizer

        check_is_fitted(self)
        mlp = MLPClassifier(hidden_layer_sizes=tuple(W.shape[1] for W in self.coefs_[:-1]),
                            activation=_SKLEARN_ACTIVATION[self._hidden_activation])
        _copy_net(self, mlp)
        mlp.out_activation_ = "logistic" if self.out_activation_ == "sigmoid" else "softmax"
        mlp._label_binarizer = LabelBinarizer().fit(self.classes_)
        mlp.classes_ = self.classes_
        return mlp


class DBNRegressor(RegressorMixin, _BaseDBNNet):
    __doc__ = (
        """Deep Belief Net regressor: RBM pretraining, then backprop fine-tuning.

    Pretrains a stack of RBMs greedily, unrolls it into a sigmoid MLP with an
    identity output layer and fine-tunes it on half squared error. Targets
    are standardised internally (and the scaling folded back into the output
    layer), so their units do not change what learning rate works.
"""
        + _NET_DOC.format(solver="adam", dropout=0.0, max_iter=200, alpha="5e-4",
                          solver_doc="'auto' is 'adam' (SGD at 0.1 can diverge on an\n"
                          "        identity output).")
        + """
    Attributes
    ----------
"""
        + _NET_ATTRS
        + """
    Notes
    -----
    ``max_iter`` defaults to 200 (MLPRegressor's default): with 100 epochs a
    (500, 500) net fitted a linear function of two digits pixels to a
    training R^2 between 0.93 and 0.998 depending on the seed, with 200 above
    0.99 on every seed tried. ``alpha`` defaults to 5e-4: larger values cost
    that fit (minimum 0.990 at 1e-3 over 5 seeds), and on diabetes (442 noisy
    rows, raw features) the mean 5-fold R^2 over 5 seeds is 0.490 to 0.491
    for any alpha from 1e-4 to 1e-3, level with Ridge's 0.490
    (``benchmarks/bench_units.py``).
    """
    )

    _is_classifier_net = False

    def __init__(
        self,
        hidden_layer_sizes=(500, 500),
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
        pretrained=None,
        frozen_layers=0,
        solver="adam",
        learning_rate_init="auto",
        learning_rate="adaptive",
        momentum=0.9,
        nesterovs_momentum=True,
        batch_size="auto",
        max_iter=200,
        alpha=5e-4,
        dropout=0.0,
        input_dropout=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        shuffle=True,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            visible_units=visible_units,
            hidden_units=hidden_units,
            pretrain_epochs=pretrain_epochs,
            pretrain_learning_rate=pretrain_learning_rate,
            pretrain_batch_size=pretrain_batch_size,
            cd_steps=cd_steps,
            persistent=persistent,
            pretrain_momentum=pretrain_momentum,
            pretrain_weight_decay=pretrain_weight_decay,
            pretrained=pretrained,
            frozen_layers=frozen_layers,
            solver=solver,
            learning_rate_init=learning_rate_init,
            learning_rate=learning_rate,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            batch_size=batch_size,
            max_iter=max_iter,
            alpha=alpha,
            dropout=dropout,
            input_dropout=input_dropout,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            shuffle=shuffle,
            random_state=random_state,
            verbose=verbose,
        )

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Pretrain, unroll and fine-tune on ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self : DBNRegressor
        """
        self._fit(X, y)
        # Fold the target scaling into the output layer: predictions come out
        # in the user's units and to_mlp() needs no extra step.
        self.coefs_[-1] *= self._y_scale.astype(np.float32)
        self.intercepts_[-1] = (
            self.intercepts_[-1] * self._y_scale + self._y_mean
        ).astype(np.float32)
        return self

    def _prepare_targets(self, y, n_rows):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        if y.ndim == 2 and y.shape[1] == 1:
            warn(
                "A column-vector y was passed when a 1d array was expected. Please "
                "change the shape of y to (n_samples,), for example using ravel().",
                _data_conversion_warning(),
            )
        if y.shape[0] != n_rows:
            raise ValueError(
                f"X and y have inconsistent numbers of samples: {n_rows} and {y.shape[0]}."
            )
        Y = y.reshape(n_rows, -1)
        # Predictions come from a float32 output layer with the target scale
        # folded in: leave headroom below float32's maximum (3.4e38).
        limit = 1e34
        if np.abs(Y).max() > limit:
            raise ValueError(
                f"y has values of magnitude {np.abs(Y).max():.3g}, too large for the "
                f"float32 output layer of {type(self).__name__} (limit {limit:g}). "
                "Rescale y (e.g. with sklearn.compose.TransformedTargetRegressor)."
            )
        mean = Y.mean(axis=0)
        scale = Y.std(axis=0)
        scale[scale == 0] = 1.0
        targets = ((Y - mean) / scale).astype(np.float32)
        labeled = np.arange(n_rows, dtype=np.int64)
        return targets, labeled, {"_y_mean": mean, "_y_scale": scale, "_y_ndim": y.ndim}

    @staticmethod
    def _output_activation_for(targets):
        return "identity"

    def _loss_weights(self, fitted_targets):
        # Training runs on standardised targets; loss_curve_ is reported as
        # MLPRegressor reports it: half the mean squared error over rows and
        # targets, in the targets' own units.
        scale = fitted_targets["_y_scale"]
        return (scale**2 / len(scale)).astype(np.float32)

    def _score_outputs(self, out, targets):
        # R^2 on the standardised targets (the scaling does not change it).
        ss_res = np.sum((targets - out) ** 2, axis=0)
        ss_tot = np.sum((targets - targets.mean(0)) ** 2, axis=0)
        ss_tot[ss_tot == 0] = 1.0
        return float(np.mean(1.0 - ss_res / ss_tot))

    def predict(self, X):
        """Predicted targets.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        out = self._forward(X)
        return out.ravel() if self._y_ndim == 1 else out

    def to_mlp(self):
        """The fine-tuned net as a fitted :class:`sklearn.neural_network.MLPRegressor`."""
        from sklearn.neural_network import MLPRegressor

        check_is_fitted(self)
        mlp = MLPRegressor(hidden_layer_sizes=tuple(W.shape[1] for W in self.coefs_[:-1]),
                           activation=_SKLEARN_ACTIVATION[self._hidden_activation])
        _copy_net(self, mlp)
        mlp.out_activation_ = "identity"
        return mlp


_SKLEARN_ACTIVATION = {"sigmoid": "logistic", "relu": "relu"}


def _fine_tuning_divergence(name, epoch, coefs, intercepts, learning_rate):
    bad = [i for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True))
           if not (np.isfinite(W).all() and np.isfinite(b).all())]
    L = len(coefs)
    if bad:
        layer = bad[0] + 1
        where = (f"the weights of layer {layer} of {L} "
                 f"({'output layer' if layer == L else 'hidden layer'}) became NaN or "
                 "infinite")
    else:
        layer = None
        where = "the training loss became NaN or infinite"
    return DivergenceError(
        f"{name} diverged while fine-tuning in epoch {epoch}: {where} with "
        f"learning_rate_init={learning_rate}. Lower it (e.g. to {learning_rate / 10:g}).",
        layer=layer, epoch=epoch, learning_rate=learning_rate,
    )


def _copy_net(net, mlp):
    mlp.coefs_ = [W.astype(np.float64) for W in net.coefs_]
    mlp.intercepts_ = [b.astype(np.float64) for b in net.intercepts_]
    mlp.n_features_in_ = net.n_features_in_
    if hasattr(net, "feature_names_in_"):
        mlp.feature_names_in_ = net.feature_names_in_
    mlp.n_layers_ = net.n_layers_
    mlp.n_outputs_ = net.n_outputs_
    mlp.n_iter_ = net.n_iter_
    mlp.loss_ = net.loss_
    mlp.loss_curve_ = list(net.loss_curve_)
    mlp.best_loss_ = net.best_loss_
    mlp.t_ = 0


def _equals(y, value):
    """Elementwise ``y == value``, where a NaN ``value`` matches NaN entries."""
    if isinstance(value, float) and np.isnan(value):
        try:
            return np.isnan(np.asarray(y, dtype=np.float64))
        except (TypeError, ValueError):
            return np.array([isinstance(v, float) and np.isnan(v) for v in y], dtype=bool)
    try:
        return np.asarray(y == value, dtype=bool).reshape(len(y))
    except (TypeError, ValueError):
        return np.array([v == value for v in y], dtype=bool)


def _data_conversion_warning():
    from sklearn.exceptions import DataConversionWarning

    return DataConversionWarning
