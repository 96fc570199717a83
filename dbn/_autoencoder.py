"""DBNAutoencoder: a pretrained stack unrolled into an encoder and a mirrored
decoder, fine-tuned on reconstruction error (Hinton & Salakhutdinov, 2006)."""

import copy
import dataclasses

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array, check_is_fitted

from ._atomic import atomic_fit
from ._data import (
    StandardizedRows,
    iter_blocks,
    standardizing_scale,
    training_statistics,
    validate_rows,
)
from ._finetuning import fine_tune
from ._net import _NET_ATTRS, _NET_DOC, _BaseDBNNet
from ._network import glorot_uniform, predict_block
from ._pretraining import (
    layer_seeds,
    layer_sizes,
    resolve_visible_units,
)
from ._random import make_generator
from ._threads import uses_threads
from ._transfer import (
    n_transferred_layers,
)
from ._units import GAUSSIAN, units

#: The decoder's output units: the mean of the first RBM's visible units.
OUTPUT_ACTIVATION = {"bernoulli": "sigmoid", "gaussian": "identity"}


class DBNAutoencoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, _BaseDBNNet):
    __doc__ = (
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
"""
        + _NET_DOC.format(
            sizes="(1000, 500, 250, 30)", solver="auto", dropout=0.0, max_iter=100,
            alpha="1e-5",
            solver_doc="'auto' is 'adam': a reconstruction loss sums over\n"
            "        every input feature, so its gradients are far larger than a\n"
            "        classifier's and SGD at 0.1 diverges.")
        + """    code_units : {'gaussian', 'bernoulli'}, default='gaussian'
        Units of the code layer (the last of ``hidden_layer_sizes``):
        'gaussian' are linear units with unit-variance noise in the top RBM
        and a linear code layer in the net, as in the paper; 'bernoulli' makes
        the code layer like the others. Gaussian code units need binary units
        below them to be pretrained: a one-layer autoencoder of real-valued
        data that pretrains takes 'bernoulli', and above rectified units
        (``hidden_units='relu'``) the linear code layer is not pretrained but
        starts, with its decoder mirror, from Glorot's initialisation
        (``rbms_[-1]`` is None), the layers below it being pretrained.

    Attributes
    ----------
"""
        + _NET_ATTRS.replace(
            "rbms_ : list of (BernoulliRBM, GaussianRBM or None)",
            "rbms_ : list of (BernoulliRBM, GaussianRBM or None), one per encoder layer")
        + """    activations_ : list of str
        Activation of every layer of the unrolled net, encoder then decoder.

    Notes
    -----
    ``coefs_`` and ``intercepts_`` hold the encoder's layers, bottom up, then
    the decoder's, top down: ``len(hidden_layer_sizes)`` of each. The code
    layer's RBM learns with a 10 times smaller 'auto' learning rate than
    binary layers (0.01), since linear units are unbounded; the paper used
    0.001 over 50 epochs, which learns too little in 20 epochs on small data
    (measured on digits: reconstruction error 0.030 at 0.001, 0.011 at 0.01,
    0.029 at 0.1). ``frozen_layers`` freezes the bottom encoder layers
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
    )

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

    def _fit(self, X, y=None, on_epoch=None):
        sizes = layer_sizes(self.hidden_layer_sizes)
        if self.frozen_layers > len(sizes):
            raise ValueError(
                f"frozen_layers={self.frozen_layers} exceeds the {len(sizes)} encoder "
                f"layer(s) of hidden_layer_sizes={tuple(sizes)}."
            )
        if self.warm_start and hasattr(self, "coefs_"):
            return self._fit_warm(X, on_epoch)
        source = validate_rows(self, X, reset=True)
        name = type(self).__name__
        statistics = training_statistics(source, name)
        visible_units = resolve_visible_units(self.visible_units, *statistics[2:])
        transferred = n_transferred_layers(self.pretrained)
        # The code layer's RBM is trained here, with linear hidden units.
        linear_code_rbm = (self.code_units == "gaussian" and self.pretrain_epochs > 0
                           and transferred < len(sizes))
        if linear_code_rbm and len(sizes) == 1 and visible_units == "gaussian":
            raise ValueError(
                f"{name} with one hidden layer and Gaussian visible units (real-valued "
                f"data, visible_units={self.visible_units!r}) cannot pretrain "
                "code_units='gaussian': the top RBM needs binary units below linear "
                "ones. Add a layer, e.g. hidden_layer_sizes="
                f"(256, {sizes[0]}), or set code_units='bernoulli'."
            )
        rng = make_generator(self.random_state)
        seeds = layer_seeds(rng, len(sizes))
        if (linear_code_rbm and len(sizes) > 1
                and units(self.hidden_units).as_visible is GAUSSIAN):
            # Rectified units below the code layer are real-valued: a linear
            # code RBM above them (Gaussian-Gaussian) has no density to learn.
            coefs, intercepts, rbms = self._layers_below_a_linear_code(
                source, sizes, seeds, rng, visible_units, statistics)
        else:
            coefs, intercepts, rbms = self._initial_layers(source, sizes, seeds, rng,
                                                           visible_units, statistics)
        hidden = self._hidden_activation
        code = units(self.code_units).activation
        if transferred >= len(sizes):
            # Every layer came from ``pretrained``: the code layer is one of its
            # hidden layers, with their units.
            code = hidden
        out_act = OUTPUT_ACTIVATION[visible_units]
        widths = [source.n_features, *sizes]
        for layer in range(len(sizes) - 1, -1, -1):
            rbm = rbms[layer]
            if rbm is not None:
                W, b = rbm._unrolled_decoder(np.float32)
            else:
                W, b = glorot_uniform(widths[layer + 1], widths[layer],
                                      out_act if layer == 0 else hidden, rng)
            coefs.append(W)
            intercepts.append(b)
        encoder = [hidden] * (len(sizes) - 1) + [code]
        activations = encoder + [hidden] * (len(sizes) - 1) + [out_act]
        settings = dataclasses.replace(
            self._fine_tune_settings(out_act, any(r is not None for r in rbms)),
            hidden_activation=tuple(activations[:-1]))
        return self._fine_tune_and_publish(source, statistics, visible_units, coefs,
                                           intercepts, rbms, activations, rng, settings,
                                           on_epoch)

    def _fit_warm(self, X, on_epoch):
        """``warm_start``: fine-tune the fitted net further (a fresh optimizer),
        as scikit-learn's MLP does."""
        solver = self._continued_solver(incremental=False)
        source = validate_rows(self, X, reset=False)
        statistics = training_statistics(source, type(self).__name__)
        visible_units = next(kind for kind, act in OUTPUT_ACTIVATION.items()
                             if act == self.out_activation_)
        coefs, intercepts = copy.deepcopy((self.coefs_, self.intercepts_))
        settings = dataclasses.replace(
            self._fine_tune_settings(self.out_activation_, solver=solver),
            hidden_activation=tuple(self.activations_[:-1]))
        return self._fine_tune_and_publish(
            source, statistics, visible_units, coefs, intercepts, self.rbms_,
            self.activations_, make_generator(self.random_state), settings, on_epoch,
            loss_curve=self.loss_curve_)

    def _architecture(self):
        return {**super()._architecture(), "code_units": self.code_units}

    def _fine_tune_and_publish(self, source, statistics, visible_units, coefs, intercepts,
                               rbms, activations, rng, settings, on_epoch, loss_curve=()):
        out_act = activations[-1]
        training_source, hook, scaling = source, on_epoch, None
        if visible_units == "gaussian":
            # Fine-tune on standardised features, input and reconstruction
            # alike, so that the loss weighs every column the same whatever its
            # units (as the GaussianRBM below does); fold the scaling back in after.
            scaling = (statistics[0], standardizing_scale(*statistics[:2], source.n_rows))
            training_source = StandardizedRows(source, *scaling)
            frozen = [(coefs[k], intercepts[k]) for k in range(self.frozen_layers)]
            coefs, intercepts = _standardized_ends(coefs, intercepts, *scaling)
            if on_epoch is not None:
                def hook(epoch, coefs, intercepts):
                    on_epoch(epoch, *_data_unit_ends(coefs, intercepts, *scaling))
        all_rows = np.arange(source.n_rows, dtype=np.int64)
        result = fine_tune(training_source, None, all_rows, coefs, intercepts, rng, settings,
                           _negative_mse, on_epoch=hook, loss_curve=loss_curve)
        if scaling is not None:
            coefs, intercepts = _data_unit_ends(coefs, intercepts, *scaling)
            # Frozen layers never moved: keep their exact values, not a round trip.
            for k, (W, b) in enumerate(frozen):
                coefs[k], intercepts[k] = W, b
        self.rbms_ = rbms
        self.coefs_ = coefs
        self.intercepts_ = intercepts
        self.activations_ = activations
        self.n_layers_ = len(coefs) + 1
        self.n_outputs_ = source.n_features
        self.out_activation_ = out_act
        self.solver_ = settings.solver
        self._built_with = self._architecture()
        result.pop("optimizer_state")
        for key, value in result.items():
            setattr(self, key, value)
        return self

    def _layers_below_a_linear_code(self, source, sizes, seeds, rng, visible_units,
                                    statistics):
        """Encoder layers when the code RBM cannot be pretrained: the layers
        below it as :meth:`_initial_layers` makes them (from ``pretrained``
        or pretrained here, without linear units at their top), the code layer
        from Glorot's initialisation."""
        coefs, intercepts, rbms = self._initial_layers(
            source, sizes[:-1], seeds[:-1], rng, visible_units, statistics, code_top=False)
        W, b = glorot_uniform(sizes[-2], sizes[-1], "identity", rng)
        coefs.append(W)
        intercepts.append(b)
        rbms.append(None)
        return coefs, intercepts, rbms

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
            dense = block.toarray() if hasattr(block, "toarray") else block
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
    W, b = coefs[0].astype(np.float64), intercepts[0].astype(np.float64)
    coefs[0] = np.ascontiguousarray(W * scale[:, None], dtype=np.float32)
    intercepts[0] = (b + center @ W).astype(np.float32)
    W, b = coefs[-1].astype(np.float64), intercepts[-1].astype(np.float64)
    coefs[-1] = np.ascontiguousarray(W / scale, dtype=np.float32)
    intercepts[-1] = ((b - center) / scale).astype(np.float32)
    return coefs, intercepts


def _data_unit_ends(coefs, intercepts, center, scale):
    """The inverse of :func:`_standardized_ends`: the net in the data's units."""
    coefs, intercepts = list(coefs), list(intercepts)
    W = coefs[0].astype(np.float64) / scale[:, None]
    intercepts[0] = (intercepts[0].astype(np.float64) - center @ W).astype(np.float32)
    coefs[0] = np.ascontiguousarray(W, dtype=np.float32)
    coefs[-1] = np.ascontiguousarray(coefs[-1].astype(np.float64) * scale, dtype=np.float32)
    intercepts[-1] = (intercepts[-1].astype(np.float64) * scale + center).astype(np.float32)
    return coefs, intercepts


def _negative_mse(out, target):
    """Early stopping's score: higher is better."""
    target = target.toarray() if hasattr(target, "toarray") else target
    return -float(np.mean((np.asarray(target, dtype=np.float64) - out) ** 2))
