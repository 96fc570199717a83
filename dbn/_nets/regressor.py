"""DBNRegressor: a pretrained net fine-tuned on half squared error."""

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils.validation import check_array, check_is_fitted

from .._data import StandardizedRows, standardizing_scale
from .._utils.atomic import atomic_fit
from .._utils.docstrings import fill_doc
from .._utils.schema import FloatArray, Positive
from .._utils.threads import uses_threads
from .._utils.warnings import warn
from .base import _BaseDBNNet
from .initialization import input_layer_for_data_units, input_layer_for_standardized_rows
from .mlp import as_sklearn_mlp


@fill_doc
class DBNRegressor(RegressorMixin, _BaseDBNNet):
    """Deep Belief Net regressor: RBM pretraining, then backprop fine-tuning.

    Pretrains a stack of RBMs greedily, unrolls it into a sigmoid MLP with an
    identity output layer and fine-tunes it on half squared error. Inputs and
    targets are standardised for fine-tuning (and the scalings folded back
    into the first and output layers), so their units do not change what
    learning rate or ``alpha`` works.

    Parameters
    ----------
    %(net_hidden_layer_sizes)s
    %(net_visible_units)s
    %(stack_hidden_units)s
    %(net_pretrain_epochs)s
    %(pretrain_learning_rate)s
    %(pretrain_batch_size)s
    %(stack_cd_steps)s
    %(stack_persistent)s
    %(pretrain_momentum)s
    %(pretrain_weight_decay)s
    %(pretrained)s
    %(frozen_layers)s
    %(solver_regressor)s
    %(learning_rate_init)s
    %(net_learning_rate)s
    %(net_momentum)s
    %(nesterovs_momentum)s
    %(beta_1_beta_2)s
    %(epsilon)s
    %(net_batch_size)s
    %(max_iter_regressor)s
    %(alpha_regressor)s
    %(dropout)s
    %(input_dropout)s
    %(early_stopping)s
    %(validation_fraction)s
    %(n_iter_no_change)s
    %(tol)s
    %(net_shuffle)s
    %(warm_start)s
    %(net_random_state)s
    %(stack_verbose)s
    %(n_jobs)s

    Attributes
    ----------
    %(net_rbms_)s
    %(coefs_)s
    %(intercepts_)s
    %(loss_curve_)s
    %(loss_)s
    %(best_loss_)s
    %(validation_scores_)s
    %(best_validation_score_)s
    %(net_n_iter_)s
    %(solver_)s
    %(n_layers_)s
    %(n_outputs_)s
    %(out_activation_)s
    %(n_features_in_)s
    %(feature_names_in_)s

    Notes
    -----
    Fine-tuning reads each input column standardised by its mean and standard
    deviation (those of the data that built the net, kept for later
    ``partial_fit`` and ``warm_start`` calls) and trains the first layer in
    those units. Gradient steps depend on the inputs' centring and scale
    (LeCun et al., *Efficient BackProp*, 1998): Adam moves every weight by
    about the learning rate per step, so weights on uncentred or
    low-variance columns (a pixel that is rarely on) learn slowly and those
    on large-valued columns overshoot. Pretraining still sees the raw inputs
    (Bernoulli units need [0, 1]), and a frozen first layer keeps them. With
    targets standardised too, the fit does not depend on the units of ``X``
    or ``y`` beyond float32 rounding and the choice of visible units, and
    ``alpha`` penalises the weights of standardised inputs, like ridge
    regression on standardised features. ``loss_curve_`` is the optimised
    loss times the targets' variance (divided by their number): half the
    mean squared error in the targets' units plus the L2 term on the same
    scale.

    ``dropout`` defaults to 0.2, as in DBNClassifier: on a few hundred noisy
    rows a (500, 500) net otherwise fits the noise, and a larger ``alpha``
    would also cap how closely it fits strong signal. ``max_iter`` defaults
    to 200, MLPRegressor's default.

    %(notes_mlp_differences)s

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from dbn import DBNRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = DBNRegressor((32,), pretrain_epochs=2, max_iter=20, random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    >>> reg.coefs_[0].shape
    (10, 32)
    """

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
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        batch_size="auto",
        max_iter=200,
        alpha=5e-4,
        dropout=0.2,
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
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
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
            warm_start=warm_start,
            random_state=random_state,
            verbose=verbose,
            n_jobs=n_jobs,
        )

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
    @uses_threads
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
        self._fold_scaling()
        return self

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
    @uses_threads
    def partial_fit(self, X, y):
        """One epoch of fine-tuning over ``(X, y)``, continuing from the last call.

        For data that arrive in chunks (or ``dask_ml.wrappers.Incremental``).
        The first call builds the net: it pretrains the stack on that call's
        rows (``pretrain_epochs`` per layer; pass ``pretrained=`` a DBN
        trained with :meth:`DBN.partial_fit` over the whole stream instead)
        and fixes the input units, an 'auto' batch size and the targets'
        scaling (their mean and standard deviation in that first chunk).
        Every call, the first included, then runs one epoch of backprop, the
        optimizer's state carrying over between calls. ``early_stopping``,
        ``learning_rate='adaptive'`` and ``max_iter`` do not apply. The solver
        ('auto' resolved once) and ``hidden_layer_sizes``, ``visible_units``
        and ``hidden_units`` are those of the first call: changing them later
        raises ValueError until :meth:`fit` starts afresh. :meth:`fit`
        discards the optimizer's state (the next call starts a fresh one from
        the fitted net); :func:`dbn.save` keeps it, so a loaded model
        continues exactly.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self : DBNRegressor
        """
        self._partial_fit(X, y)
        self._fold_scaling()
        return self

    def _fold_scaling(self):
        # Fold the input standardisation into the first layer and the target
        # scaling into the output layer: the net takes and predicts the
        # user's units, and to_mlp() needs no extra step.
        self.coefs_[-1] = self.coefs_[-1] * self._y_scale.astype(np.float32)
        self.intercepts_[-1] = (
            self.intercepts_[-1] * self._y_scale + self._y_mean
        ).astype(np.float32)
        x_mean = vars(self).get("_x_mean")
        if x_mean is not None:
            self.coefs_[0], self.intercepts_[0] = input_layer_for_data_units(
                self.coefs_[0], self.intercepts_[0], x_mean, self._x_scale)

    def _training_layers(self):
        # The layers in the units fine-tuning trains them in: standardised
        # inputs (when fitted so) and standardised targets.
        coefs, intercepts = list(self.coefs_), list(self.intercepts_)
        coefs[-1] = (coefs[-1] / self._y_scale).astype(np.float32)
        intercepts[-1] = ((intercepts[-1] - self._y_mean) / self._y_scale).astype(np.float32)
        x_mean = vars(self).get("_x_mean")
        if x_mean is not None:
            coefs[0], intercepts[0] = input_layer_for_standardized_rows(
                coefs[0], intercepts[0], x_mean, self._x_scale)
        return coefs, intercepts

    def _fine_tuning_rows(self, source, coefs, intercepts, fitted, settings, statistics):
        # Fine-tuning reads the inputs standardised with the first fit's
        # column means and standard deviations, and trains the first layer in
        # those units (see Notes); _fold_scaling folds it back. A frozen first
        # layer does not train, so it keeps taking the raw inputs unchanged.
        if statistics is None:  # continuing the fitted net
            x_mean = vars(self).get("_x_mean")
            if x_mean is None:
                return source, None
            x_scale = self._x_scale
        elif self.frozen_layers > 0:
            fitted.update(_x_mean=None, _x_scale=None)
            return source, None
        else:
            x_mean, std, _, _ = statistics
            x_scale = standardizing_scale(x_mean, std, source.n_rows)
            coefs[0], intercepts[0] = input_layer_for_standardized_rows(
                coefs[0], intercepts[0], x_mean, x_scale)
        fitted.update(_x_mean=x_mean, _x_scale=x_scale)
        # The layers stay in training units; _fold_scaling converts them.
        return StandardizedRows(source, x_mean, x_scale), None

    def _output_schema(self, n_out):
        if vars(self).get("out_activation_") != "identity":
            yield "out_activation_ of a regressor is not 'identity'"
        yield FloatArray("_y_mean", (n_out,))
        yield FloatArray("_y_scale", (n_out,))
        yield Positive("_y_scale")
        if vars(self).get("_x_mean") is not None:
            yield FloatArray("_x_mean", (self.n_features_in_,))
            yield FloatArray("_x_scale", (self.n_features_in_,))
            yield Positive("_x_scale")

    def _partial_targets_kwargs(self, classes, refit=False):
        if not refit:
            return {}
        return {"scaling": (self._y_mean, self._y_scale, self._y_ndim)}

    def _prepare_targets(self, y, n_rows, scaling=None):
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
        if scaling is None:
            mean = Y.mean(axis=0)
            scale = Y.std(axis=0)
            scale[scale == 0] = 1.0
        else:
            mean, scale, ndim = scaling
            if Y.shape[1] != len(mean) or (y.ndim == 1) != (ndim == 1):
                raise ValueError(
                    f"y has {Y.shape[1]} target(s) of shape {y.shape[1:]}, but the net "
                    f"was fitted to {len(mean)}; call fit (warm_start=False) to start "
                    "afresh."
                )
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
        # In float64: the squared scale of targets of 1e20 exceeds float32.
        scale = fitted_targets["_y_scale"]
        return scale**2 / len(scale)

    def _score_outputs(self, out, targets):
        # R^2 on the standardised targets (the scaling does not change it).
        ss_res = np.sum((targets - out) ** 2, axis=0)
        ss_tot = np.sum((targets - targets.mean(0)) ** 2, axis=0)
        ss_tot[ss_tot == 0] = 1.0
        return float(np.mean(1.0 - ss_res / ss_tot))

    @uses_threads
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
        mlp = as_sklearn_mlp(self, MLPRegressor)
        mlp.out_activation_ = "identity"
        return mlp


def _data_conversion_warning():
    from sklearn.exceptions import DataConversionWarning

    return DataConversionWarning
