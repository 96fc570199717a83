"""DBNAutoencoder: a pretrained stack unrolled into an encoder and a mirrored
decoder, fine-tuned on reconstruction error (Hinton & Salakhutdinov, 2006)."""

import dataclasses

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array, check_is_fitted

from .._data import (
    StandardizedRows,
    iter_blocks,
    standardizing_scale,
    to_dense,
    training_statistics,
    validate_rows,
)
from .._stack.pretraining import (
    resolve_visible_units,
)
from .._utils.atomic import atomic_fit
from .._utils.docstrings import fill_doc
from .._utils.random import make_generator
from .._utils.threads import uses_threads
from .base import _BaseDBNNet
from .feedforward import predict_block
from .initialization import (
    OUTPUT_ACTIVATION,
    autoencoder_layers,
    input_layer_for_data_units,
    input_layer_for_standardized_rows,
)


@fill_doc
class DBNAutoencoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, _BaseDBNNet):
    """Deep autoencoder: RBM pretraining, unrolling, reconstruction fine-tuning.

    Pretrains a stack of RBMs greedily (the top one, the code layer, with
    linear hidden units by default), unrolls it into an encoder and a
    mirrored decoder (each decoder layer starts from the transposed weights
    and the visible biases of its RBM) and fine-tunes the whole net to
    reproduce its input, as Hinton & Salakhutdinov (2006) did. The loss is
    cross-entropy for Bernoulli visible units (data in [0, 1]) and half the
    squared error for Gaussian ones (real-valued data). With Gaussian visible
    units fine-tuning works on standardised features, as the GaussianRBM
    does: each column is centred on its mean and divided by its standard
    deviation (both from the training data) on the way in, and the
    reconstruction is compared with it in those units, so every column weighs
    alike whatever its units. The scaling is folded into the first and last
    layers afterwards: ``coefs_``, :meth:`transform` and :meth:`inverse_transform`
    work in the data's own units.

    Parameters
    ----------
    %(net_hidden_layer_sizes_autoencoder)s
    code_units : {'gaussian', 'bernoulli'}, default='gaussian'
        Units of the code layer (the last of ``hidden_layer_sizes``):
        'gaussian' are linear units with unit-variance noise in the top RBM
        and a linear code layer in the net, as in the paper; 'bernoulli' makes
        the code layer like the others. Gaussian code units need binary units
        below them to be pretrained: a one-layer autoencoder of real-valued
        data that pretrains takes 'bernoulli', and above rectified units
        (``hidden_units='relu'``) the linear code layer is not pretrained but
        starts, with its decoder mirror, from Glorot's initialisation
        (``rbms_[-1]`` is None), the layers below it being pretrained.
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
    %(solver_autoencoder)s
    %(learning_rate_init)s
    %(net_learning_rate)s
    %(net_momentum)s
    %(nesterovs_momentum)s
    %(beta_1_beta_2)s
    %(epsilon)s
    %(net_batch_size)s
    %(max_iter)s
    %(alpha_autoencoder)s
    %(dropout_autoencoder)s
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
    %(net_rbms_autoencoder)s
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
    activations_ : list of str
        Activation of every layer of the unrolled net, encoder then decoder.

    Notes
    -----
    ``coefs_`` and ``intercepts_`` hold the encoder's layers, bottom up, then
    the decoder's, top down: ``len(hidden_layer_sizes)`` of each. The code
    layer's RBM learns with a 10 times smaller 'auto' learning rate than
    binary layers (0.01), since linear units are unbounded; the paper used
    0.001 over 50 epochs, which learns too little in 20 epochs on small data
    (see "Measurements behind the defaults" on the documentation's
    benchmarks page). ``frozen_layers`` freezes the bottom encoder layers
    only; their mirrors in the decoder keep learning. ``loss_curve_`` reports
    the training loss per row, as optimised: cross-entropy summed over
    features (Bernoulli visible units), or half the squared error summed over
    the standardised features (Gaussian visible units: each column's error
    divided by its standard deviation), plus the L2 term. With
    ``early_stopping``, ``validation_scores_`` are the negative mean squared
    reconstruction error per feature of the held-out rows, in those same
    units (data in [0, 1], or standardised features); :meth:`score` gives it
    in the data's own units.

    References
    ----------
    G. E. Hinton and R. R. Salakhutdinov, "Reducing the dimensionality of
    data with neural networks", Science 313 (2006), 504-507.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from dbn import DBNAutoencoder
    >>> X = load_digits().data / 16
    >>> ae = DBNAutoencoder((64, 2), pretrain_epochs=5, max_iter=20,
    ...                     random_state=0).fit(X)
    >>> ae.transform(X).shape
    (1797, 2)
    >>> ae.inverse_transform(ae.transform(X[:3])).shape
    (3, 64)
    """

    _parameter_constraints: dict = {
        **_BaseDBNNet._parameter_constraints,
        "code_units": [StrOptions({"gaussian", "bernoulli"})],
    }
    _is_classifier_net = False

    def __init__(
        self,
        hidden_layer_sizes=(1000, 500, 250, 30),
        *,
        code_units="gaussian",
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
        alpha=1e-5,
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
        self.code_units = code_units

    # ---------------------------------------------------------------- fit

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
    @uses_threads
    def fit(self, X, y=None):
        """Pretrain the stack, unroll it and fine-tune it to reconstruct ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        self : DBNAutoencoder
        """
        return self._fit(X)

    _FROZEN_LAYERS_NOUN = "encoder"

    def _prepare_targets(self, y, n_rows):
        # No targets: every row reproduces itself.
        return None, np.arange(n_rows, dtype=np.int64), {}

    def _build(self, source, targets):
        """Encoder layers (pretrained, transferred or Glorot), the code layer,
        and a decoder from each RBM's generative direction (mirroring)."""
        statistics = training_statistics(source, type(self).__name__)
        visible_units = resolve_visible_units(self.visible_units, *statistics[2:])
        rng = make_generator(self.random_state)
        coefs, intercepts, rbms, hidden_activations = autoencoder_layers(
            self.get_params(deep=False), type(self).__name__, source, statistics,
            visible_units, rng)
        settings = dataclasses.replace(
            self._fine_tune_settings(OUTPUT_ACTIVATION[visible_units],
                                     any(r is not None for r in rbms)),
            hidden_activation=hidden_activations)
        return coefs, intercepts, rbms, rng, settings, statistics

    def _resumed_settings(self, solver):
        return dataclasses.replace(super()._resumed_settings(solver),
                                   hidden_activation=tuple(self.activations_[:-1]))

    def _fine_tuning_rows(self, source, coefs, intercepts, fitted, settings, statistics):
        # Real-valued data: fine-tune on standardised features, input and
        # reconstruction alike, so that the loss weighs every column the same
        # whatever its units (as the GaussianRBM below does); the layers go
        # back to the data's units after. (A warm start standardises with the
        # statistics of the data it is given.)
        if statistics is None:
            statistics = training_statistics(source, type(self).__name__)
        if settings.output_activation != OUTPUT_ACTIVATION["gaussian"]:
            return source, None
        means, stds, _, _ = statistics
        scaling = (means, standardizing_scale(means, stds, source.n_rows))
        # Frozen layers never move: they get their exact values back, not a
        # round trip through the scaling.
        frozen = [(coefs[k], intercepts[k]) for k in range(self.frozen_layers)]
        coefs[:], intercepts[:] = _standardized_ends(coefs, intercepts, *scaling)

        def to_data_units(coefs, intercepts):
            coefs, intercepts = _data_unit_ends(coefs, intercepts, *scaling)
            for k, (W, b) in enumerate(frozen):
                coefs[k], intercepts[k] = W, b
            return coefs, intercepts

        return StandardizedRows(source, *scaling), to_data_units

    def _score_outputs(self, out, targets):
        return _negative_mse(out, targets)

    def _publish(self, fitted_targets, rbms, coefs, intercepts, settings, result):
        super()._publish(fitted_targets, rbms, coefs, intercepts, settings, result)
        self.activations_ = [*settings.hidden_activation, settings.output_activation]

    # No partial_fit: with real-valued data each chunk would standardise with
    # its own statistics while the optimizer's moments carry over.
    _partial_fit = None

    # An autoencoder's layers are an encoder and a decoder, not a stack of
    # hidden layers of one kind: it is not a ``pretrained=`` source.
    _hidden_stack = None

    def _output_schema(self, n_out):
        acts = vars(self).get("activations_")
        if not (isinstance(acts, list) and len(acts) == len(self.coefs_)
                and len(self.coefs_) % 2 == 0
                and set(acts) <= {"sigmoid", "relu", "identity"}):
            yield "activations_ is not one known activation per layer of an even count"
        if acts[-1] not in OUTPUT_ACTIVATION.values() or self.out_activation_ != acts[-1]:
            yield "out_activation_ is not the last of activations_, 'sigmoid' or 'identity'"

    def _architecture(self):
        return {**super()._architecture(), "code_units": self.code_units}

    # ----------------------------------------------------------- inference

    @property
    def _n_features_out(self):
        return self.coefs_[len(self.coefs_) // 2 - 1].shape[1]

    def _run(self, block, first, stop, dtype):
        acts = self.activations_[first:stop]
        return predict_block(block, self.coefs_[first:stop], self.intercepts_[first:stop],
                             acts[:-1], acts[-1], dtype)

    @uses_threads
    def transform(self, X):
        """Codes of ``X``: the output of the code layer.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        codes : ndarray of shape (n_samples, hidden_layer_sizes[-1])
            float64 for float64 input, float32 otherwise.
        """
        check_is_fitted(self)
        source = validate_rows(self, X, reset=False)
        dtype = np.float64 if source.dtype == np.float64 else np.float32
        half = len(self.coefs_) // 2
        out = np.empty((source.n_rows, self._n_features_out), dtype=dtype)
        for start, stop, block in iter_blocks(source):
            out[start:stop] = self._run(block, 0, half, dtype)
        return out

    @uses_threads
    def inverse_transform(self, X):
        """Reconstructions decoded from codes.

        Parameters
        ----------
        X : array-like of shape (n_samples, hidden_layer_sizes[-1])
            Codes, as :meth:`transform` returns them.

        Returns
        -------
        X_original : ndarray of shape (n_samples, `n_features_in_`)
        """
        check_is_fitted(self)
        codes = check_array(X, dtype=[np.float64, np.float32], input_name="X")
        if codes.shape[1] != self._n_features_out:
            raise ValueError(
                f"X has {codes.shape[1]} features, but {type(self).__name__} decodes "
                f"codes of {self._n_features_out} features."
            )
        half = len(self.coefs_) // 2
        return self._run(codes, half, len(self.coefs_), codes.dtype)

    @uses_threads
    def score(self, X, y=None):
        """Negative mean squared reconstruction error per feature.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        score : float
            ``-mean((X - inverse_transform(transform(X)))**2)``, in the data's
            units whatever the training loss (comparable with PCA's).
        """
        check_is_fitted(self)
        source = validate_rows(self, X, reset=False)
        dtype = np.float64 if source.dtype == np.float64 else np.float32
        total = 0.0
        for _, _, block in iter_blocks(source):
            dense = to_dense(block)
            out = self._run(dense, 0, len(self.coefs_), dtype)
            total += float(np.sum((np.asarray(dense, dtype=np.float64) - out) ** 2))
        return -total / (source.n_rows * source.n_features)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = False
        return tags


def _standardized_ends(coefs, intercepts, center, scale):
    """The net with its first layer taking, and its last layer giving,
    ``(x - center) / scale`` instead of ``x`` (new lists; float64 arithmetic)."""
    coefs, intercepts = list(coefs), list(intercepts)
    coefs[0], intercepts[0] = input_layer_for_standardized_rows(coefs[0], intercepts[0],
                                                                center, scale)
    W, b = coefs[-1].astype(np.float64), intercepts[-1].astype(np.float64)
    coefs[-1] = np.ascontiguousarray(W / scale, dtype=np.float32)
    intercepts[-1] = ((b - center) / scale).astype(np.float32)
    return coefs, intercepts


def _data_unit_ends(coefs, intercepts, center, scale):
    """The inverse of :func:`_standardized_ends`: the net in the data's units."""
    coefs, intercepts = list(coefs), list(intercepts)
    coefs[0], intercepts[0] = input_layer_for_data_units(coefs[0], intercepts[0], center,
                                                         scale)
    coefs[-1] = np.ascontiguousarray(coefs[-1].astype(np.float64) * scale, dtype=np.float32)
    intercepts[-1] = (intercepts[-1].astype(np.float64) * scale + center).astype(np.float32)
    return coefs, intercepts


def _negative_mse(out, target):
    """Early stopping's score: higher is better."""
    target = to_dense(target)
    return -float(np.mean((np.asarray(target, dtype=np.float64) - out) ** 2))
