"""DBNClassifier: a pretrained net fine-tuned on labeled rows (unlabeled rows
only pretrain)."""

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from .._utils.atomic import atomic_fit
from .._utils.docstrings import fill_doc
from .._utils.labels import encode_labels
from .._utils.schema import Labels
from .._utils.threads import uses_threads
from .base import _BaseDBNNet
from .feedforward import log_probabilities
from .mlp import as_sklearn_mlp


@fill_doc
class DBNClassifier(ClassifierMixin, _BaseDBNNet):
    """Deep Belief Net classifier: RBM pretraining, then backprop fine-tuning.

    Pretrains a stack of RBMs greedily (on all rows, labeled or not), unrolls
    it into a sigmoid MLP with a softmax output layer (one logistic unit for
    two classes) and fine-tunes the whole net on the labeled rows.

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
    %(solver_classifier)s
    %(learning_rate_init)s
    %(net_learning_rate)s
    %(net_momentum)s
    %(nesterovs_momentum)s
    %(beta_1_beta_2)s
    %(epsilon)s
    %(net_batch_size)s
    %(max_iter)s
    %(alpha_classifier)s
    %(dropout)s
    %(input_dropout)s
    %(early_stopping)s
    %(validation_fraction)s
    %(n_iter_no_change)s
    %(tol)s
    %(net_shuffle)s
    %(warm_start)s
    %(unlabeled_net)s
    %(net_random_state)s
    %(stack_verbose)s
    %(n_jobs)s

    Attributes
    ----------
    %(classes_)s
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
    The defaults train each layer with 20 CD-1 epochs at learning rate 0.1,
    momentum 0.5 -> 0.9 and Hinton's weight cost, then fine-tune with
    Nesterov SGD at 0.1 and dropout 0.2 on the hidden units; with
    ``pretrain_epochs=0``, ``solver='auto'`` fine-tunes with Adam at 1e-3
    instead. They were chosen on digits and Fashion-MNIST
    (``benchmarks/bench_dbn.py``, ``benchmarks/bench_head_start.py``); the
    measurements are in "Measurements behind the defaults" on the
    documentation's benchmarks page.

    A multilabel indicator ``y`` is refused (ValueError): wrap the
    classifier in :class:`sklearn.multioutput.MultiOutputClassifier` (one
    net per label).

    %(notes_mlp_differences)s

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

    def _output_schema(self, n_out):
        yield Labels()
        n_classes = len(self.classes_)
        if (1 if n_classes == 2 else n_classes) != n_out:
            yield f"classes_ ({n_classes} labels) do not match the {n_out} outputs"
        if vars(self).get("out_activation_") != ("sigmoid" if n_out == 1 else "softmax"):
            yield "out_activation_ does not fit the output layer of a classifier"

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
        mlp = as_sklearn_mlp(self, MLPClassifier)
        mlp.out_activation_ = "logistic" if self.out_activation_ == "sigmoid" else "softmax"
        mlp._label_binarizer = LabelBinarizer().fit(self.classes_)
        mlp.classes_ = self.classes_
        return mlp


def _is_multilabel(y):
    try:
        return y is not None and type_of_target(y) == "multilabel-indicator"
    except (ValueError, TypeError):
        return False  # encode_labels names what is wrong with such a y
