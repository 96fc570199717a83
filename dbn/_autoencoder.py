"""DBNAutoencoder: a pretrained stack unrolled into an encoder and a mirrored
decoder, fine-tuned on reconstruction error (Hinton & Salakhutdinov, 2006)."""

import dataclasses

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array, check_is_fitted

from ._atomic import atomic_fit
from ._data import iter_blocks, training_statistics, validate_rows
from ._finetuning import fine_tune
from ._net import _NET_ATTRS, _NET_DOC, _BaseDBNNet
from ._network import glorot_uniform, predict_block
from ._pretraining import layer_seeds, layer_sizes, resolve_visible_units
from ._random import make_generator
from ._threads import uses_threads
from ._transfer import n_transferred_layers
from ._units import units

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
    squared error for Gaussian ones (real-valued data, in its own units).
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
        below them, so a one-layer autoencoder of real-valued data takes
        'bernoulli'.

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
    the training loss per row: cross-entropy summed over features, or half the
    squared error summed over features.

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
        source = validate_rows(self, X, reset=True)
        name = type(self).__name__
        statistics = training_statistics(source, name)
        visible_units = resolve_visible_units(self.visible_units, *statistics[2:])
        if len(sizes) == 1 and visible_units == "gaussian" and self.code_units == "gaussian":
            raise ValueError(
                f"{name} with one hidden layer on real-valued data (Gaussian visible "
                "units) cannot have Gaussian code units: the top RBM needs binary "
                "units below linear ones. Add a layer, e.g. hidden_layer_sizes="
                f"(256, {sizes[0]}), or set code_units='bernoulli'."
            )
        rng = make_generator(self.random_state)
        seeds = layer_seeds(rng, len(sizes))
        coefs, intercepts, rbms = self._initial_layers(source, sizes, seeds, rng,
                                                       visible_units, statistics)
        hidden = self._hidden_activation
        code = units(self.code_units).activation
        if n_transferred_layers(self.pretrained) >= len(sizes):
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
        all_rows = np.arange(source.n_rows, dtype=np.int64)
        result = fine_tune(source, None, all_rows, coefs, intercepts, rng, settings,
                           _negative_mse, on_epoch=on_epoch)
        self.rbms_ = rbms
        self.coefs_ = coefs
        self.intercepts_ = intercepts
        self.activations_ = activations
        self.n_layers_ = len(coefs) + 1
        self.n_outputs_ = source.n_features
        self.out_activation_ = out_act
        self.solver_ = settings.solver
        result.pop("optimizer_state")
        for key, value in result.items():
            setattr(self, key, value)
        return self

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


def _negative_mse(out, target):
    """Early stopping's score: higher is better."""
    target = target.toarray() if hasattr(target, "toarray") else target
    return -float(np.mean((np.asarray(target, dtype=np.float64) - out) ** 2))
