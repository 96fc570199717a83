"""The fine-tuned nets' shared core: pretrain, unroll into an MLP, fine-tune.

``_BaseDBNNet._fit`` validates the data, asks its subclass for targets, builds
the hidden layers (from ``pretrained=``, by :func:`~dbn._pretraining.pretrain_stack`
or from Glorot's initialisation), adds the output layer, hands everything to
:func:`~dbn._finetuning.fine_tune` and publishes the fitted attributes.
"""

import copy
import dataclasses
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._data import iter_blocks, training_statistics, validate_rows
from ._finetuning import FineTuneSettings, choose_solver, fine_tune
from ._network import glorot_uniform, predict_block
from ._pretraining import (
    PRETRAIN_CONSTRAINTS,
    PretrainSettings,
    layer_seeds,
    layer_sizes,
    pretrain_stack,
    resolve_visible_units,
)
from ._random import make_generator
from ._transfer import forward_hidden, pretrained_layers, pretrained_rbms
from ._units import units

#: scikit-learn's MLP names of the hidden activations (for ``to_mlp``).
SKLEARN_ACTIVATION = {"sigmoid": "logistic", "relu": "relu"}


class _BaseDBNNet(BaseEstimator):
    """Pretrain, unroll into an MLP, fine-tune with backprop (shared core)."""

    _parameter_constraints: dict = {
        **PRETRAIN_CONSTRAINTS,
        "pretrained": "no_validation",
        "frozen_layers": [Interval(Integral, 0, None, closed="left")],
        "solver": [StrOptions({"auto", "sgd", "adam"})],
        "learning_rate_init": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
        "learning_rate": [StrOptions({"constant", "adaptive"})],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "nesterovs_momentum": ["boolean"],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "warm_start": ["boolean"],
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
        return units(self.hidden_units).activation

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
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
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
        warm_start=False,
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
        self.pretrained = pretrained
        self.frozen_layers = frozen_layers
        self.solver = solver
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
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
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.n_jobs = n_jobs

    # ---------------------------------------------------------------- fit

    #: Parameters that shape the net built by the first ``fit``/``partial_fit``
    #: call; ``partial_fit`` refuses to continue once they change.
    _ARCHITECTURE_PARAMS = ("hidden_layer_sizes", "visible_units", "hidden_units")

    def _fit(self, X, y, on_epoch=None):
        """Start afresh: pretrain (or transfer), unroll, fine-tune ``max_iter`` epochs."""
        return self._train(X, y, incremental=False, on_epoch=on_epoch)

    def _partial_fit(self, X, y, classes=None):
        """One epoch of fine-tuning over ``(X, y)``; the first call builds the net.

        The first call pretrains the stack on its own rows (``pretrain_epochs``
        epochs per layer; or takes ``pretrained=``) and fixes everything the
        data decide (input units, classes, batch size 'auto', target scaling)
        and the solver. The optimizer's state and the generator carry over
        from call to call (and through ``dbn.save``/``dbn.load``);
        ``early_stopping`` and ``learning_rate='adaptive'`` do not apply.
        """
        return self._train(X, y, incremental=True, classes=classes)

    def _train(self, X, y, *, incremental, classes=None, on_epoch=None):
        """The one training path of ``fit`` and ``partial_fit``.

        ``fit`` (and the first ``partial_fit``) builds a new net and discards
        everything earlier calls left; a later ``partial_fit`` continues the
        net, optimizer and generator of the calls before it. Both then hand
        the layers to :func:`~dbn._finetuning.fine_tune`.
        """
        # warm_start: fit continues the fitted net (not its optimizer), as
        # scikit-learn's MLP does; partial_fit continues both.
        resume = (incremental or self.warm_start) and hasattr(self, "coefs_")
        source = validate_rows(self, X, reset=not resume)
        kwargs = (self._partial_targets_kwargs(classes, refit=resume)
                  if incremental or resume else {})
        targets, labeled, fitted_targets = self._prepare_targets(y, source.n_rows, **kwargs)
        optimizer_state, loss_curve = None, ()
        if resume:
            solver = self._continued_solver(incremental)
            rbms = self.rbms_
            state = vars(self).get("_partial_state")
            # Copies, so that a call that fails leaves the estimator as it was.
            coefs, intercepts = copy.deepcopy(self._training_layers())
            if state is None or not incremental:  # the fitted net, a fresh optimizer
                rng = make_generator(self.random_state)
            else:
                optimizer_state, rng = copy.deepcopy((state["optimizer"], state["rng"]))
            settings = self._fine_tune_settings(self.out_activation_, solver=solver)
            loss_curve = self.loss_curve_
        else:
            coefs, intercepts, rbms, rng, settings = self._build(source, targets)
        source = self._fine_tuning_rows(source, coefs, intercepts, fitted_targets, resume)
        if incremental:
            settings = dataclasses.replace(settings, max_iter=1, early_stopping=False,
                                           adaptive=False, incremental=True)
        result = fine_tune(source, targets, labeled, coefs, intercepts, rng, settings,
                           self._score_outputs, self._loss_weights(fitted_targets),
                           on_epoch=on_epoch, optimizer_state=optimizer_state,
                           loss_curve=loss_curve)
        optimizer_state = result.pop("optimizer_state")
        # Only now, with everything computed, does the estimator change.
        self._publish(fitted_targets, rbms, coefs, intercepts, settings, result)
        if incremental:
            self._partial_state = {"optimizer": optimizer_state, "rng": rng}
        return self

    def _continued_solver(self, incremental):
        """The solver that continues the fitted net, once the parameters that
        shaped the net are checked to be unchanged since it was built.

        ``partial_fit`` continues the optimizer too, so its solver may not
        change; ``fit`` with ``warm_start`` starts a fresh optimizer, of the
        solver now set.
        """
        call = "partial_fit" if incremental else "fit with warm_start=True"
        cure = "call fit" if incremental else "call fit with warm_start=False"
        built = vars(self).get("_built_with", {})
        for param, value in self._architecture().items():
            if param in built and built[param] != value:
                raise ValueError(
                    f"{type(self).__name__}.{call} continues the net built with "
                    f"{param}={built[param]!r}, but {param} is now {value!r}; {cure} to "
                    "start afresh with the new value (or set it back)."
                )
        if self.frozen_layers > len(self.coefs_) - 1:
            raise ValueError(
                f"frozen_layers={self.frozen_layers} exceeds the {len(self.coefs_) - 1} "
                "hidden layer(s) of the fitted net."
            )
        fitted = vars(self).get("solver_")
        if fitted is None:  # fitted before solver_ existed: resolve as fit did
            fitted = self._fine_tune_settings(
                self.out_activation_, self._pretrained_start(self.rbms_)).solver
        if self.solver in ("auto", fitted):
            return fitted
        if not incremental:
            return self.solver
        raise ValueError(
            f"{type(self).__name__}.partial_fit continues a net trained with "
            f"solver={fitted!r}, but solver is now {self.solver!r}; call fit to start "
            "afresh with the new solver (or set it back)."
        )

    def _architecture(self):
        return {"hidden_layer_sizes": tuple(layer_sizes(self.hidden_layer_sizes)),
                "visible_units": self.visible_units, "hidden_units": self.hidden_units}

    def _pretrained_start(self, rbms):
        """Whether fine-tuning starts from pretrained (or transferred) hidden layers."""
        return any(rbm is not None for rbm in rbms) or self.pretrained is not None

    def _build(self, source, targets):
        """The unrolled net before fine-tuning: hidden layers from ``pretrained=``,
        greedy pretraining or Glorot's initialisation, and a Glorot output layer.

        Returns the layers, the RBMs behind them, the generator that
        fine-tuning continues with and the fine-tuning settings.
        """
        sizes = layer_sizes(self.hidden_layer_sizes)
        if self.frozen_layers > len(sizes):
            raise ValueError(
                f"frozen_layers={self.frozen_layers} exceeds the {len(sizes)} hidden "
                f"layer(s) of hidden_layer_sizes={tuple(sizes)}."
            )
        statistics = training_statistics(source, type(self).__name__)
        visible_units = resolve_visible_units(self.visible_units, *statistics[2:])
        rng = make_generator(self.random_state)
        seeds = layer_seeds(rng, len(sizes))
        coefs, intercepts, rbms = self._initial_layers(source, sizes, seeds, rng,
                                                       visible_units, statistics)
        out_act = self._output_activation_for(targets)
        W_out, b_out = glorot_uniform(sizes[-1], targets.shape[1], out_act, rng)
        coefs.append(W_out)
        intercepts.append(b_out)
        settings = self._fine_tune_settings(out_act, self._pretrained_start(rbms))
        return coefs, intercepts, rbms, rng, settings

    def _publish(self, fitted_targets, rbms, coefs, intercepts, settings, result):
        for key, value in fitted_targets.items():
            setattr(self, key, value)
        self.rbms_ = rbms
        self.coefs_ = coefs
        self.intercepts_ = intercepts
        self.n_layers_ = len(coefs) + 1
        self.n_outputs_ = coefs[-1].shape[1]
        self.out_activation_ = settings.output_activation
        self.solver_ = settings.solver
        for key, value in result.items():
            setattr(self, key, value)
        if not settings.incremental or "_built_with" not in vars(self):
            self._built_with = self._architecture()
        # fit starts afresh; partial_fit sets its own state after this.
        vars(self).pop("_partial_state", None)

    def _partial_targets_kwargs(self, classes, refit=False):
        """Extra arguments of ``_prepare_targets`` in ``partial_fit`` (subclasses)."""
        return {}

    def _training_layers(self):
        """The layers in the units fine-tuning trains them in (subclasses may differ)."""
        return self.coefs_, self.intercepts_

    def _fine_tuning_rows(self, source, coefs, intercepts, fitted, resume):
        """The rows fine-tuning reads: ``source`` itself here.

        A subclass may hand fine-tuning transformed rows (DBNRegressor
        standardises them); it then rewrites ``coefs[0]`` and ``intercepts[0]``
        in the lists (fresh ones, or ``_training_layers()`` copies when
        ``resume``) to take them, and adds what it fixed to ``fitted``, the
        attributes published with the fit.
        """
        return source

    def _initial_layers(self, source, sizes, seeds, rng, visible_units, statistics,
                        code_top=True):
        """Hidden layers from ``pretrained``, greedy pretraining, or Glorot.

        Also returns the RBM behind each hidden layer (None for a layer that
        starts from Glorot's initialisation), aligned with the layers.
        ``code_top=False``: the top layer gets the hidden units of the others,
        not an autoencoder's code units.
        """
        transferred = pretrained_layers(self.pretrained, source.n_features, sizes,
                                        self.hidden_units)
        coefs = [W for W, _ in transferred]
        intercepts = [b for _, b in transferred]
        rbms = []
        if transferred:
            theirs = copy.deepcopy(pretrained_rbms(self.pretrained))
            rbms = (theirs + [None] * len(transferred))[: len(transferred)]
        rest = len(sizes) - len(transferred)
        if rest and self.pretrain_epochs > 0:
            data = None
            if transferred:
                data = forward_hidden(source, coefs, intercepts, self._hidden_activation)
            settings = PretrainSettings.from_params(
                self.get_params(deep=False), type(self).__name__, source.n_rows,
                visible_units)
            if not code_top:
                settings = dataclasses.replace(settings, top_hidden_units=None)
            new = pretrain_stack(settings, source, sizes, seeds,
                                 start_layer=len(transferred), data=data, statistics=statistics)
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

    def _fine_tune_settings(self, output_activation, pretrained_start=False, solver=None):
        """Fine-tuning settings from the parameters; ``solver`` overrides the
        resolution of 'auto' (the solver a net was built with)."""
        solver, rate = choose_solver(solver or self.solver, self.learning_rate_init,
                                     pretrained_start, self._is_classifier_net)
        return FineTuneSettings(
            name=type(self).__name__,
            hidden_activation=self._hidden_activation,
            output_activation=output_activation,
            solver=solver,
            learning_rate=rate,
            momentum=self.momentum,
            nesterov=self.nesterovs_momentum,
            beta_1=self.beta_1,
            beta_2=self.beta_2,
            epsilon=self.epsilon,
            batch_size=self.batch_size,
            max_iter=self.max_iter,
            alpha=self.alpha,
            dropout=self.dropout,
            input_dropout=self.input_dropout,
            frozen_layers=self.frozen_layers,
            early_stopping=self.early_stopping,
            validation_fraction=self.validation_fraction,
            stratify=self._is_classifier_net,
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            adaptive=self.learning_rate == "adaptive",
            shuffle=self.shuffle,
            verbose=self.verbose,
        )

    def _loss_weights(self, fitted_targets):
        return None

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





def copy_net(net, mlp):
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



_NET_DOC = """
    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default={sizes}
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
        and by 10 for rectified hidden units; with Gaussian visible units it is
        also at most ``min(batch size, 10) / n_hidden`` (a tenth of that for
        rectified units), so that wide layers on tiny batches do not diverge.
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
        Momentum of 'sgd'.
    nesterovs_momentum : bool, default=True
    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of the first and second moment estimates of 'adam'.
    epsilon : float, default=1e-8
        Numerical stability term of 'adam'.
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
        Visit the rows in a new random order every epoch, in each layer's
        pretraining and in fine-tuning. False keeps the data's order;
        ``random_state`` still seeds the weights, Gibbs sampling and dropout.
    warm_start : bool, default=False
        Like scikit-learn's MLP: ``fit`` continues from the fitted net (no
        pretraining, a fresh optimizer, ``max_iter`` more epochs, the loss
        curve and ``n_iter_`` continued) instead of starting afresh. The
        classes (the regressor's target scaling) and ``hidden_layer_sizes``,
        ``visible_units`` and ``hidden_units`` must be those of the fitted net.
    random_state : int, RandomState instance or None, default=None
    verbose : int, default=0
        Progress per layer and per epoch.
    n_jobs : int, default=None
        Threads of the BLAS, OpenMP and Numba pools during each call (fit,
        transform, predict, ...), restored afterwards. None keeps the
        process's own: all cores, or joblib's share of them inside a worker,
        so that ``GridSearchCV(n_jobs=...)`` does not oversubscribe the cores.
        -1 means all cores.
"""

#: The Notes paragraph of the classifier and regressor on scikit-learn's MLP.
_MLP_DIFFERENCES = """
    Compared with scikit-learn's MLP, ``warm_start``, ``partial_fit`` and
    Adam's ``beta_1``, ``beta_2`` and ``epsilon`` behave as there. ``fit``
    takes no ``sample_weight``: pretraining learns from all rows alike, and
    weighting minibatch gradients is not the same as repeating rows (the
    equivalence scikit-learn's estimator checks ask for, which its own MLP
    fails); repeat or subsample rows instead. There is no 'lbfgs' solver
    and no 'invscaling' schedule: fine-tuning works in minibatches and
    'adaptive' lowers the rate on plateaus. For full-batch L-BFGS from the
    fine-tuned weights, use ``to_mlp().set_params(solver='lbfgs',
    warm_start=True).fit(X, y)``.
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
    solver_ : {'sgd', 'adam'}
        The solver fine-tuning used ('auto' resolved once, by the first call
        to ``fit`` or ``partial_fit``).
    n_layers_ : int
    n_outputs_ : int
    out_activation_ : str
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Only when ``X`` has string column names.
"""
