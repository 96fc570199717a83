"""DBNClassifier: a pretrained net fine-tuned on labeled rows (unlabeled rows
only pretrain)."""

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from ._atomic import atomic_fit
from ._labels import encode_labels
from ._net import (
    _MLP_DIFFERENCES,
    _NET_ATTRS,
    _NET_DOC,
    SKLEARN_ACTIVATION,
    _BaseDBNNet,
    copy_net,
)
from ._network import log_probabilities
from ._threads import uses_threads


class DBNClassifier(ClassifierMixin, _BaseDBNNet):
    __doc__ = (
        """Deep Belief Net classifier: RBM pretraining, then backprop fine-tuning.

    Pretrains a stack of RBMs greedily (on all rows, labeled or not), unrolls
    it into a sigmoid MLP with a softmax output layer (one logistic unit for
    two classes) and fine-tunes the whole net on the labeled rows.
"""
        + _NET_DOC.format(
            sizes="(500, 500)", solver="auto", dropout=0.2, max_iter=100, alpha="1e-4",
            solver_doc="'auto' is 'sgd' when the hidden layers start pretrained\n"
            "        (Hinton & Salakhutdinov's fine-tuning) and 'adam' when they start from\n"
            "        random init (``pretrain_epochs=0``), where SGD at 0.1 can saturate a\n"
            "        deep sigmoid net on small data.")
        + """    unlabeled : scalar or None, default=None
        Target value that marks a row as unlabeled: such rows are used for
        pretraining only, never for fine-tuning or as a class. Its type must
        be able to match the labels of y (a string for string labels, a number
        for numeric ones); otherwise fit raises a ValueError.

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

    A multilabel indicator ``y`` is refused (ValueError): wrap the
    classifier in :class:`sklearn.multioutput.MultiOutputClassifier` (one
    net per label).
"""
        + _MLP_DIFFERENCES
        + """
    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from dbn import DBNClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = DBNClassifier((64, 32), pretrain_epochs=3, max_iter=10,
    ...                     random_state=0).fit(X / 16, y)
    >>> clf.predict_proba(X[:2] / 16).shape
    (2, 10)
    >>> [w.shape for w in clf.coefs_]
    [(64, 64), (64, 32), (32, 10)]

    Pretrain on rows without labels (``unlabeled=-1``), or reuse a fitted
    stack (``pretrained=``) and keep its bottom layer fixed:

    >>> import numpy as np
    >>> from dbn import DBN
    >>> y_partial = np.where(np.arange(len(y)) % 10 == 0, y, -1)
    >>> semi = DBNClassifier((64, 32), pretrain_epochs=3, max_iter=10, unlabeled=-1,
    ...                      random_state=0).fit(X / 16, y_partial)
    >>> stack = DBN((64, 32), pretrain_epochs=3, random_state=0).fit(X / 16)
    >>> tuned = DBNClassifier((64, 32), pretrained=stack, frozen_layers=1, max_iter=10,
    ...                       random_state=0).fit(X / 16, y)
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
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
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
        warm_start=False,
        unlabeled=None,
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
        self.unlabeled = unlabeled

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
    @uses_threads
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

    @atomic_fit
    @_fit_context(prefer_skip_nested_validation=True)
    @uses_threads
    def partial_fit(self, X, y, classes=None):
        """One epoch of fine-tuning over ``(X, y)``, continuing from the last call.

        For data that arrive in chunks (or ``dask_ml.wrappers.Incremental``).
        The first call builds the net: it pretrains the stack on that call's
        rows (``pretrain_epochs`` per layer; pass ``pretrained=`` a DBN
        trained with :meth:`DBN.partial_fit` over the whole stream instead)
        and fixes the input units, the classes and an 'auto' batch size.
        Every call, the first included, then runs one epoch of backprop over
        its labeled rows, the optimizer's state carrying over between calls.
        ``early_stopping``, ``learning_rate='adaptive'`` and ``max_iter`` do
        not apply. The solver ('auto' resolved once) and
        ``hidden_layer_sizes``, ``visible_units`` and ``hidden_units`` are
        those of the first call: changing them later raises ValueError until
        :meth:`fit` starts afresh. :meth:`fit` discards the optimizer's state
        (the next call starts a fresh one from the fitted net); :func:`dbn.save`
        keeps it, so a loaded model continues exactly.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Rows equal to ``unlabeled`` are skipped (a call needs at least one
            labeled row).
        classes : array-like of shape (n_classes,), default=None
            Every class of the stream; required on the first call (a chunk
            may lack some), ignored or checked afterwards.

        Returns
        -------
        self : DBNClassifier
        """
        return self._partial_fit(X, y, classes)

    def _partial_targets_kwargs(self, classes, refit=False):
        if not refit:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            return {"classes": classes}
        if classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(f"classes={classes!r} is not the same as on the first call "
                             f"to partial_fit ({self.classes_!r}).")
        return {"classes": self.classes_}

    def _prepare_targets(self, y, n_rows, classes=None):
        if _is_multilabel(y):
            raise ValueError(
                f"{type(self).__name__} does not fit multilabel indicator targets (y of "
                f"shape {np.shape(y)}); wrap it in sklearn.multioutput."
                "MultiOutputClassifier for one net per label."
            )
        classes, codes, labeled = encode_labels(y, n_rows, self.unlabeled, type(self).__name__,
                                                classes=classes)
        width = 1 if len(classes) == 2 else len(classes)
        targets = np.zeros((n_rows, width), dtype=np.float32)
        if width == 1:
            targets[labeled, 0] = codes[labeled]
        else:
            targets[labeled, codes[labeled]] = 1.0
        return targets, labeled, {"classes_": classes}

    @staticmethod
    def _output_activation_for(targets):
        return "sigmoid" if targets.shape[1] == 1 else "softmax"

    def _score_outputs(self, out, targets):
        if out.shape[1] == 1:
            return float(np.mean((out[:, 0] > 0.5) == (targets[:, 0] > 0.5)))
        return float(np.mean(out.argmax(1) == targets.argmax(1)))

    @uses_threads
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

    @uses_threads
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

    @uses_threads
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
                            activation=SKLEARN_ACTIVATION[self._hidden_activation])
        copy_net(self, mlp)
        mlp.out_activation_ = "logistic" if self.out_activation_ == "sigmoid" else "softmax"
        mlp._label_binarizer = LabelBinarizer().fit(self.classes_)
        mlp.classes_ = self.classes_
        return mlp


def _is_multilabel(y):
    try:
        return y is not None and type_of_target(y) == "multilabel-indicator"
    except (ValueError, TypeError):
        return False  # encode_labels names what is wrong with such a y
