"""Shared paragraphs of the public estimators' numpydoc docstrings.

A docstring holds a placeholder ``%(key)s`` on a line of its own, at the
indentation its paragraph needs (4 spaces for a class docstring's
parameters), and the class is decorated with :func:`fill_doc`, which puts
``docdict[key]`` in its place when the module is imported (as MNE-Python's
``docdict`` and ``fill_doc`` do)::

    @fill_doc
    class Estimator(BaseEstimator):
        \"\"\"One line.

        Parameters
        ----------
        %(n_jobs)s
        \"\"\"

Every entry is written here without its indentation: a parameter or
attribute entry is a complete numpydoc block, ``name : type, default=...``
and its description indented by 4 spaces; :func:`fill_doc` indents every
line after the first by the placeholder's own indentation. An unknown key
raises ``KeyError`` at import, naming the placeholder.

Where estimators document one parameter with different defaults, this
module holds one clearly named entry per default, written by a small
helper so that the description is still written once (``max_iter`` and
``max_iter_regressor``); where the description differs too, one entry per
estimator, side by side (``solver_classifier``, ``solver_regressor``, ...).
Parameters only one estimator has stay in its docstring. The figures behind
the defaults are in ``docs/benchmarks.md`` ("Measurements behind the
defaults"), not in docstrings.
"""

import re
import textwrap

__all__ = ["docdict", "fill_doc"]

docdict = {}

# ---------------------------------------------------------------- every estimator

docdict["random_state"] = """
random_state : int, RandomState instance or None, default=None
    Seeds the initial weights, the shuffling and the Gibbs sampling. An
    int gives identical results run to run.
"""

docdict["net_random_state"] = """
random_state : int, RandomState instance or None, default=None
    Seeds the initial weights, the shuffling, the Gibbs sampling of
    pretraining, dropout and the ``early_stopping`` split. An int gives
    identical results run to run.
"""

docdict["n_jobs"] = """
n_jobs : int, default=None
    Threads of the BLAS, OpenMP and Numba pools during each call (fit,
    transform, predict, ...), restored afterwards. None keeps the
    process's own: all cores, or joblib's share of them inside a worker,
    so that ``GridSearchCV(n_jobs=...)`` does not oversubscribe the cores.
    -1 means all cores. Fine-tuning whose minibatch products are small
    (under 16 million floating-point operations per minibatch, e.g. a
    64-256-256-10 net in batches of 14) uses one BLAS thread whatever
    ``n_jobs`` says: there a second thread costs more than it gives.
"""

docdict["n_features_in_"] = """
n_features_in_ : int
    Number of features seen during fit.
"""

docdict["feature_names_in_"] = """
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Names of features seen during fit; defined only when ``X`` has string
    column names.
"""

# ---------------------------------------------------------------- classifiers

docdict["classes_"] = """
classes_ : ndarray of shape (n_classes,)
    The class labels, sorted (the ``unlabeled`` marker is never one).
"""

docdict["visible_units_"] = """
visible_units_ : {'bernoulli', 'gaussian'}
    The input units, with 'auto' resolved from the training data.
"""

#: How ``unlabeled`` matches labels (encode_labels), for every classifier.
_UNLABELED_MATCHING = """
    Give it a type the labels of y hold (a string for string labels, a
    number for numeric ones; among string labels a number also matches
    its spelling, ``-1`` as ``'-1'``): a marker that equals no label marks
    no row. The marker never becomes a class.
"""

docdict["unlabeled_net"] = """
unlabeled : scalar or None, default=None
    Target value that marks a row as unlabeled: such rows are used for
    pretraining only, never for fine-tuning.""" + _UNLABELED_MATCHING

docdict["unlabeled_rbm_classifier"] = """
unlabeled : scalar or None, default=None
    Target value that marks a row as unlabeled; such rows train the
    generative term ``log p(x)`` only.""" + _UNLABELED_MATCHING

docdict["unlabeled_generative_dbn"] = """
unlabeled : scalar or None, default=None
    Target value marking unlabeled rows: they pretrain the lower layers
    only.""" + _UNLABELED_MATCHING

# ------------------------------------- single RBMs (BernoulliRBM, GaussianRBM, RBMClassifier)

docdict["n_components"] = """
n_components : int, default=256
    Number of hidden units.
"""


def _rbm_learning_rate(default):
    return f"""
learning_rate : float, default={default}
    Step size for weights and biases; gradients are averaged over the
    minibatch.
"""


docdict["rbm_learning_rate"] = _rbm_learning_rate("0.1")
docdict["rbm_learning_rate_gaussian"] = _rbm_learning_rate("0.01")

docdict["rbm_batch_size"] = """
batch_size : int, default=100
    Rows per minibatch (and number of persistent chains when
    ``persistent=True``).
"""

docdict["rbm_n_iter"] = """
n_iter : int, default=10
    Number of epochs (passes over the training data) in :meth:`fit`.
"""

docdict["rbm_cd_steps"] = """
cd_steps : int, default=1
    Number k of alternating Gibbs steps in CD-k / PCD-k.
"""

docdict["rbm_persistent"] = """
persistent : bool, default=False
    Use persistent contrastive divergence (Tieleman, 2008): the negative
    phase continues Markov chains from one update to the next instead of
    restarting them at the data.
"""

docdict["rbm_momentum"] = """
momentum : float, default=0.9
    Momentum after the first ``momentum_warmup`` epochs.
"""

docdict["rbm_initial_momentum"] = """
initial_momentum : float, default=0.5
    Momentum during the first ``momentum_warmup`` epochs (Hinton's
    practical guide: 0.5, then 0.9).
"""

docdict["rbm_momentum_warmup"] = """
momentum_warmup : int, default=5
    Number of epochs that use ``initial_momentum``.
"""

docdict["rbm_weight_decay"] = """
weight_decay : float, default=1e-4
    L2 penalty on the weights (not the biases).
"""

docdict["rbm_sparsity_target"] = """
sparsity_target : float, default=0.05
    Desired mean activation of each hidden unit; used only when
    ``sparsity_cost > 0``.
"""

docdict["rbm_sparsity_cost"] = """
sparsity_cost : float, default=0.0
    Strength of the sparsity penalty (0 switches it off).
"""

docdict["rbm_shuffle"] = """
shuffle : bool, default=True
    Shuffle the rows at every epoch. Lazily sliced inputs (e.g. h5py data
    sets) are read in contiguous slices and shuffled batch by batch.
"""

docdict["rbm_verbose"] = """
verbose : int, default=0
    Print one line per epoch when positive.
"""

docdict["rbm_components_"] = """
components_ : ndarray of shape (n_components, n_features), float32
    Weight matrix.
"""

docdict["rbm_intercept_hidden_"] = """
intercept_hidden_ : ndarray of shape (n_components,), float32
    Hidden biases.
"""

docdict["rbm_n_iter_"] = """
n_iter_ : int
    Number of epochs trained so far (``fit`` restarts the count; each
    ``partial_fit`` call adds one).
"""

docdict["rbm_history_"] = """
history_ : dict of lists
    Per-epoch monitors: ``"reconstruction_error"`` (mean squared error per
    feature of the mean-field reconstruction of up to 1000 training rows)
    and ``"epoch_time"`` (seconds).
"""

docdict["rbm_h_samples_"] = """
h_samples_ : ndarray of shape (batch_size, n_components), float32, or None
    Hidden states of the persistent chains (scikit-learn's name), with
    ``persistent=True``: the model samples that the next update's negative
    phase continues from (sampled states: 0/1 for Bernoulli hidden units).
    A minibatch of fewer rows (the last of an epoch, or data smaller than
    ``batch_size``) advances only the first chains; chains start with
    every unit off. A read-only view that ``dbn.save`` and pickling keep
    with the model. None with ``persistent=False``: CD-k restarts its
    negative phase at the data at every update, so no model samples
    persist between updates.
    (scikit-learn's ``BernoulliRBM`` always trains with persistent CD;
    ``persistent=True`` is the corresponding setting.)
"""

# ------------------- stacks pretrained greedily (DBN, the three nets, GenerativeDBNClassifier)

docdict["stack_hidden_units"] = """
hidden_units : {'bernoulli', 'relu'}, default='bernoulli'
    Binary (sigmoid) or noisy rectified hidden units in every RBM; the
    fine-tuned net then uses sigmoid or ReLU layers.
"""

docdict["pretrain_learning_rate"] = """
pretrain_learning_rate : float or 'auto', default='auto'
    'auto' is 0.1, divided by 10 for a layer with Gaussian visible units
    and by 10 for rectified hidden units; with Gaussian visible units it is
    also at most ``min(batch size, 10) / n_hidden`` (a tenth of that for
    rectified units), so that wide layers on tiny batches do not diverge.
"""

docdict["pretrain_batch_size"] = """
pretrain_batch_size : int or 'auto', default='auto'
    'auto' is ``n_samples // 100`` clipped to [10, 100] and at most
    ``n_samples // 10``: about 100 updates per epoch on small data sets
    (at least 10 below 100 rows), batches of 100 on large ones.
"""

docdict["stack_cd_steps"] = """
cd_steps : int, default=1
    k of CD-k: Gibbs steps per update in each layer's pretraining.
"""

docdict["stack_persistent"] = """
persistent : bool, default=False
    Pretrain with persistent contrastive divergence (PCD-k, see
    :class:`BernoulliRBM`) instead of CD-k.
"""

docdict["pretrain_momentum"] = """
pretrain_momentum : float, default=0.9
    Final momentum (0.5 for the first five epochs of every layer).
"""

docdict["pretrain_weight_decay"] = """
pretrain_weight_decay : float, default=1e-4
    L2 penalty on the RBMs' weights (not the biases) during pretraining.
"""

docdict["stack_verbose"] = """
verbose : int, default=0
    Print a line per layer and per epoch when positive.
"""

# ------------------------------ fine-tuned nets (DBNClassifier, DBNRegressor, DBNAutoencoder)


def _net_hidden_layer_sizes(default):
    return f"""
hidden_layer_sizes : int or tuple of int, default={default}
    Hidden units per layer, bottom first; each hidden layer is pretrained
    as an RBM.
"""


docdict["net_hidden_layer_sizes"] = _net_hidden_layer_sizes("(500, 500)")
docdict["net_hidden_layer_sizes_autoencoder"] = _net_hidden_layer_sizes(
    "(1000, 500, 250, 30)")

docdict["net_visible_units"] = """
visible_units : {'auto', 'bernoulli', 'gaussian'}, default='auto'
    Units of the first layer's visible layer: 'bernoulli' for data in
    [0, 1], 'gaussian' for real-valued data (unit-variance units; the RBM
    standardises the data internally and the unrolled first layer takes
    the data in its own units). 'auto' picks 'bernoulli' when the training
    data lie in [0, 1] and 'gaussian' otherwise. Upper layers see the
    layer below.
"""

docdict["net_pretrain_epochs"] = """
pretrain_epochs : int, default=20
    Epochs of contrastive divergence per layer; 0 skips pretraining and
    initialises the hidden layers with Glorot's scheme (the random-init
    baseline).
"""

docdict["pretrained"] = """
pretrained : fitted DBN, DBNClassifier, DBNRegressor or FrozenEstimator, default=None
    Initialise the hidden layers from this estimator instead of
    pretraining them ("pretrain on data set A, fine-tune on B"). Its hidden
    layer sizes must be the first entries of ``hidden_layer_sizes``; further
    layers are pretrained on top. It is never modified. ``clone`` (and so
    ``GridSearchCV``) turns a fitted estimator parameter into an unfitted
    one: wrap it as ``FrozenEstimator(fitted_dbn)`` to keep it fitted.
"""

docdict["frozen_layers"] = """
frozen_layers : int, default=0
    The bottom ``frozen_layers`` hidden layers keep their (pretrained)
    weights during fine-tuning.
"""

docdict["solver_classifier"] = """
solver : {'auto', 'sgd', 'adam'}, default='auto'
    'sgd' is momentum SGD (Nesterov's by default). 'auto' is 'sgd' when the
    hidden layers start pretrained (Hinton & Salakhutdinov's fine-tuning)
    and 'adam' when they start from random init (``pretrain_epochs=0``),
    where SGD at 0.1 can saturate a deep sigmoid net on small data.
"""

docdict["solver_regressor"] = """
solver : {'auto', 'sgd', 'adam'}, default='adam'
    'sgd' is momentum SGD (Nesterov's by default). 'auto' is 'adam' (SGD at
    0.1 can diverge on an identity output).
"""

docdict["solver_autoencoder"] = """
solver : {'auto', 'sgd', 'adam'}, default='auto'
    'sgd' is momentum SGD (Nesterov's by default). 'auto' is 'adam': a
    reconstruction loss sums over every input feature, so its gradients
    are far larger than a classifier's and SGD at 0.1 diverges.
"""

docdict["learning_rate_init"] = """
learning_rate_init : float or 'auto', default='auto'
    'auto' is 0.1 for 'sgd' and 0.001 for 'adam'.
"""

docdict["net_learning_rate"] = """
learning_rate : {'constant', 'adaptive'}, default='adaptive'
    'adaptive' divides the learning rate by 5 when the training loss (or
    the validation score with ``early_stopping``) has not improved by
    ``tol`` for ``n_iter_no_change`` epochs, up to 3 times; the next such
    plateau stops training. 'constant' stops at the first plateau.
"""

docdict["net_momentum"] = """
momentum : float, default=0.9
    Momentum of 'sgd'.
"""

docdict["nesterovs_momentum"] = """
nesterovs_momentum : bool, default=True
    Use Nesterov's momentum in 'sgd'.
"""

docdict["beta_1_beta_2"] = """
beta_1, beta_2 : float, default=0.9, 0.999
    Decay rates of the first and second moment estimates of 'adam'.
"""

docdict["epsilon"] = """
epsilon : float, default=1e-8
    Numerical stability term of 'adam'.
"""

docdict["net_batch_size"] = """
batch_size : int or 'auto', default='auto'
    'auto' is ``n_samples // 100`` clipped to [10, 100] and at most
    ``n_samples // 10`` (labeled rows here), as for pretraining.
"""


def _max_iter(default):
    return f"""
max_iter : int, default={default}
    Fine-tuning epochs at most.
"""


docdict["max_iter"] = _max_iter(100)
docdict["max_iter_regressor"] = _max_iter(200)


def _alpha(default):
    return f"""
alpha : float, default={default}
    L2 penalty, scaled like scikit-learn's MLP (``alpha / batch size`` per step).
"""


docdict["alpha_classifier"] = _alpha("1e-4")
docdict["alpha_regressor"] = _alpha("5e-4")
docdict["alpha_autoencoder"] = _alpha("1e-5")


def _dropout(default):
    return f"""
dropout : float, default={default}
    Probability of dropping each hidden unit during fine-tuning.
"""


docdict["dropout"] = _dropout(0.2)
docdict["dropout_autoencoder"] = _dropout(0.0)

docdict["input_dropout"] = """
input_dropout : float, default=0.0
    Probability of dropping each input feature during fine-tuning.
"""

docdict["early_stopping"] = """
early_stopping : bool, default=False
    Hold out ``validation_fraction`` of the labeled rows, stop when its
    score stops improving and keep the best epoch's weights.
"""

docdict["validation_fraction"] = """
validation_fraction : float, default=0.1
    Share of the labeled rows held out with ``early_stopping``.
"""

docdict["n_iter_no_change"] = """
n_iter_no_change : int, default=10
    Epochs without an improvement of at least ``tol`` that make a plateau
    (see ``learning_rate``).
"""

docdict["tol"] = """
tol : float, default=1e-4
    Smallest improvement of the loss (or validation score) that counts.
"""

docdict["net_shuffle"] = """
shuffle : bool, default=True
    Visit the rows in a new random order every epoch, in each layer's
    pretraining and in fine-tuning. False keeps the data's order;
    ``random_state`` still seeds the weights, Gibbs sampling and dropout.
"""

docdict["warm_start"] = """
warm_start : bool, default=False
    Like scikit-learn's MLP: ``fit`` continues from the fitted net (no
    pretraining, a fresh optimizer, ``max_iter`` more epochs, the loss
    curve and ``n_iter_`` continued) instead of starting afresh. The
    classes (the regressor's target scaling) and ``hidden_layer_sizes``,
    ``visible_units`` and ``hidden_units`` must be those of the fitted net.
"""


def _net_rbms(layer):
    return f"""
rbms_ : list of (BernoulliRBM, GaussianRBM or None)
    One entry per {layer} layer: the RBM that initialised it (pretrained
    here or taken from ``pretrained``), or None where the layer started
    from Glorot's random initialisation.
"""


docdict["net_rbms_"] = _net_rbms("hidden")
docdict["net_rbms_autoencoder"] = _net_rbms("encoder")

docdict["coefs_"] = """
coefs_ : list of ndarray of shape (fan_in, fan_out), float32
    Weight matrix of each layer, in the order the input passes them.
"""

docdict["intercepts_"] = """
intercepts_ : list of ndarray of shape (fan_out,), float32
    Bias vector of each layer, in the same order.
"""

docdict["loss_curve_"] = """
loss_curve_ : list of float
    Training loss per fine-tuning epoch, including the L2 term as the
    updates apply it (``0.5 * alpha * ||W||^2`` per batch, as scikit-learn's
    MLP reports it; frozen layers excluded). DBNRegressor reports half the
    mean squared error over rows and targets in the targets' own units, as
    MLPRegressor does (it trains on standardised targets).
"""

docdict["loss_"] = """
loss_ : float
    Training loss of the last epoch.
"""

docdict["best_loss_"] = """
best_loss_ : float or None
    Lowest loss in ``loss_curve_``; None with early stopping.
"""

docdict["validation_scores_"] = """
validation_scores_ : list of float or None
    Held-out score per epoch with early stopping, else None.
"""

docdict["best_validation_score_"] = """
best_validation_score_ : float or None
    Best held-out score with early stopping (its epoch's weights are
    kept), else None.
"""

docdict["net_n_iter_"] = """
n_iter_ : int
    Fine-tuning epochs run.
"""

docdict["solver_"] = """
solver_ : {'sgd', 'adam'}
    The solver fine-tuning used ('auto' resolved once, by the first call
    to ``fit`` or ``partial_fit``).
"""

docdict["n_layers_"] = """
n_layers_ : int
    Number of layers, input and output included.
"""

docdict["n_outputs_"] = """
n_outputs_ : int
    Number of output units.
"""

docdict["out_activation_"] = """
out_activation_ : str
    Activation of the output layer.
"""

#: The Notes paragraph of the classifier and regressor on scikit-learn's MLP.
docdict["notes_mlp_differences"] = """
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

docdict = {key: textwrap.dedent(entry).strip("\n") for key, entry in docdict.items()}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def fill_doc(obj):
    """Decorator: replace every ``%(key)s`` in ``obj.__doc__`` by ``docdict[key]``.

    Every line of an entry after its first gets the indentation of the line
    that holds the placeholder. An unknown key raises ``KeyError`` naming the
    placeholder and ``obj``.
    """
    doc = obj.__doc__
    if doc:
        obj.__doc__ = _fill(doc, getattr(obj, "__qualname__", repr(obj)))
    return obj


def _fill(doc, owner):
    def substitute(match):
        key = match.group(1)
        if key not in docdict:
            raise KeyError(
                f"{owner}: unknown docstring placeholder %({key})s; the shared "
                "entries are the keys of dbn._utils.docstrings.docdict."
            )
        line_start = doc.rfind("\n", 0, match.start()) + 1
        indent = re.match(r"[ \t]*", doc[line_start:]).group()
        first, *rest = docdict[key].split("\n")
        return "\n".join([first, *((indent + line) if line else line for line in rest)])

    return _PLACEHOLDER.sub(substitute, doc)
