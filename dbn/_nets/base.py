"""The fine-tuned nets' shared core: pretrain, unroll into an MLP, fine-tune.

``_BaseDBNNet._fit`` validates the data, asks its subclass for targets, builds
the hidden layers (from ``pretrained=``, by :func:`~dbn._stack.pretraining.pretrain_stack`
or from Glorot's initialisation), adds the output layer, hands everything to
:func:`~dbn._nets.finetuning.fine_tune` and publishes the fitted attributes.
"""

import copy
import dataclasses
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._data import iter_blocks, training_statistics, validate_rows
from .._rbm.units import units
from .._stack.pretraining import (
    PRETRAIN_CONSTRAINTS,
    layer_seeds,
    layer_sizes,
    resolve_visible_units,
)
from .._stack.transfer import HiddenStack
from .._utils.random import make_generator
from .._utils.schema import FloatArray
from .feedforward import glorot_uniform, predict_block
from .finetuning import FineTuneSettings, choose_solver, fine_tune
from .initialization import initial_hidden_layers
from .optimizers import state_problem


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

    def _fit(self, X, y=None, on_epoch=None):
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
        the layers to :func:`~dbn._nets.finetuning.fine_tune`.
        """
        # warm_start: fit continues the fitted net (not its optimizer), as
        # scikit-learn's MLP does; partial_fit continues both.
        self._check_frozen_layers()
        resume = (incremental or self.warm_start) and hasattr(self, "coefs_")
        source = validate_rows(self, X, reset=not resume)
        kwargs = (self._partial_targets_kwargs(classes, refit=resume)
                  if incremental or resume else {})
        targets, labeled, fitted_targets = self._prepare_targets(y, source.n_rows, **kwargs)
        optimizer_state, loss_curve, statistics = None, (), None
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
            settings = self._resumed_settings(solver)
            loss_curve = self.loss_curve_
        else:
            coefs, intercepts, rbms, rng, settings, statistics = self._build(source, targets)
        source, to_data_units = self._fine_tuning_rows(source, coefs, intercepts,
                                                       fitted_targets, settings, statistics)
        if incremental:
            settings = dataclasses.replace(settings, max_iter=1, early_stopping=False,
                                           adaptive=False, incremental=True)
        hook = on_epoch
        if on_epoch is not None and to_data_units is not None:
            def hook(epoch, coefs, intercepts):
                on_epoch(epoch, *to_data_units(coefs, intercepts))
        result = fine_tune(source, targets, labeled, coefs, intercepts, rng, settings,
                           self._score_outputs, self._loss_weights(fitted_targets),
                           on_epoch=hook, optimizer_state=optimizer_state,
                           loss_curve=loss_curve)
        if to_data_units is not None:
            coefs, intercepts = to_data_units(coefs, intercepts)
        optimizer_state = result.pop("optimizer_state")
        # Only now, with everything computed, does the estimator change.
        self._publish(fitted_targets, rbms, coefs, intercepts, settings, result)
        if incremental:
            self._partial_state = {"optimizer": optimizer_state, "rng": rng}
        return self

    #: What ``frozen_layers`` counts, in its error message.
    _FROZEN_LAYERS_NOUN = "hidden"

    def _check_frozen_layers(self):
        sizes = layer_sizes(self.hidden_layer_sizes)
        if self.frozen_layers > len(sizes):
            raise ValueError(
                f"frozen_layers={self.frozen_layers} exceeds the {len(sizes)} "
                f"{self._FROZEN_LAYERS_NOUN} layer(s) of hidden_layer_sizes={tuple(sizes)}."
            )

    def _resumed_settings(self, solver):
        """Fine-tuning settings that continue the fitted net with ``solver``."""
        return self._fine_tune_settings(self.out_activation_, solver=solver)

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
        fine-tuning continues with, the fine-tuning settings and the
        statistics of ``source`` (``training_statistics``: one pass per fit).
        """
        sizes = layer_sizes(self.hidden_layer_sizes)
        statistics = training_statistics(source, type(self).__name__)
        visible_units = resolve_visible_units(self.visible_units, *statistics[2:])
        rng = make_generator(self.random_state)
        seeds = layer_seeds(rng, len(sizes))
        coefs, intercepts, rbms = initial_hidden_layers(
            self.get_params(deep=False), type(self).__name__, source, sizes, seeds, rng,
            visible_units, statistics)
        out_act = self._output_activation_for(targets)
        W_out, b_out = glorot_uniform(sizes[-1], targets.shape[1], out_act, rng)
        coefs.append(W_out)
        intercepts.append(b_out)
        settings = self._fine_tune_settings(out_act, self._pretrained_start(rbms))
        return coefs, intercepts, rbms, rng, settings, statistics

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

    def _fine_tuning_rows(self, source, coefs, intercepts, fitted, settings, statistics):
        """The rows fine-tuning reads (``source`` itself here), and a function
        that turns the fine-tuned layers back into the data's units (None:
        they are in them).

        A subclass may hand fine-tuning transformed rows (DBNRegressor and
        DBNAutoencoder standardise them); it then rewrites the layers in the
        lists ``coefs`` and ``intercepts`` (fresh ones, or
        ``_training_layers()`` copies when the call continues a fitted net,
        which ``statistics`` None says: a fresh net comes with the
        statistics ``_build`` made of ``source``) to take them, and adds what
        it fixed to ``fitted``, the attributes published with the fit.
        """
        return source, None

    def _hidden_stack(self):
        """The hidden layers as ``pretrained=`` takes them (None when unfitted)."""
        if not hasattr(self, "coefs_"):
            return None
        return HiddenStack(layers=list(zip(self.coefs_[:-1], self.intercepts_[:-1],
                                           strict=True)),
                           rbms=list(self.rbms_),
                           # The units the net was built with, whatever
                           # set_params changed since.
                           hidden_units=vars(self).get("_built_with", {}).get(
                               "hidden_units", self.hidden_units),
                           n_features_in=self.n_features_in_)

    _fitted_marker = "coefs_"

    def _fitted_schema(self, n_in):
        """What a loaded net must hold (see ``dbn._utils.schema``)."""
        coefs, intercepts = vars(self).get("coefs_"), vars(self).get("intercepts_")
        if not (isinstance(coefs, list) and isinstance(intercepts, list) and coefs
                and len(coefs) == len(intercepts)):
            yield "coefs_ and intercepts_ are not lists of equal length"
        n_out = vars(self).get("n_outputs_")
        widths = [n_in] + [W.shape[1] if isinstance(W, np.ndarray) and W.ndim == 2 else -1
                           for W in coefs]
        if widths[-1] != n_out:
            yield "coefs_ do not end in n_outputs_ outputs"
        for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
            yield FloatArray(f"coefs_[{i}]", (widths[i], widths[i + 1]), W)
            yield FloatArray(f"intercepts_[{i}]", (widths[i + 1],), b)
        yield from self._output_schema(n_out)
        partial = vars(self).get("_partial_state")
        if partial is not None:
            # The optimizer moments partial_fit hands to the Numba kernels.
            if not (isinstance(partial, dict) and set(partial) == {"optimizer", "rng"}
                    and isinstance(partial["rng"], np.random.Generator)):
                yield "_partial_state is not an optimizer state and a numpy Generator"
            problem = state_problem(partial["optimizer"], [*coefs, *intercepts])
            if problem:
                yield f"_partial_state optimizer {problem}"

    def _output_schema(self, n_out):
        """What the output layer's companions (classes, target scaling) must hold."""
        return iter(())

    def _fine_tune_settings(self, output_activation, pretrained_start=False, solver=None):
        """Fine-tuning settings from the parameters; ``solver`` overrides the
        resolution of 'auto' (the solver a net was built with)."""
        solver, rate = choose_solver(solver or self.solver, self.learning_rate_init,
                                     pretrained_start, self._is_classifier_net)
        return FineTuneSettings.from_params(
            self.get_params(deep=False), type(self).__name__, self._hidden_activation,
            output_activation, solver, rate, stratify=self._is_classifier_net)

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
