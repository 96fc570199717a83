"""Restricted Boltzmann Machine estimators: BernoulliRBM and GaussianRBM."""

from sklearn.utils._param_validation import StrOptions

from ._rbm_base import _BaseRBM
from ._units import GAUSSIAN


class BernoulliRBM(_BaseRBM):
    """Bernoulli Restricted Boltzmann Machine trained with CD-k or persistent CD.

    Binary visible and hidden units. A drop-in replacement for
    :class:`sklearn.neural_network.BernoulliRBM` (same attribute names) with
    minibatch CD-k, persistent contrastive divergence, momentum, weight decay
    and a sparsity target, trained in float32 with BLAS products and Numba
    kernels.

    Parameters
    ----------
    n_components : int, default=256
        Number of hidden units.
    hidden_units : {'bernoulli', 'relu', 'gaussian'}, default='bernoulli'
        Binary hidden units, noisy rectified linear units (Nair & Hinton,
        2010): mean ``max(0, x)``, sampled as ``max(0, x + N(0, sigmoid(x)))``,
        or linear units with unit-variance Gaussian noise: mean ``x``, sampled
        as ``x + N(0, 1)`` (the code layer of Hinton & Salakhutdinov's deep
        autoencoder, 2006; use a learning rate about 10 times smaller).
    learning_rate : float, default=0.1
        Step size for weights and biases; gradients are averaged over the
        minibatch.
    batch_size : int, default=100
        Rows per minibatch (and number of persistent chains when
        ``persistent=True``).
    n_iter : int, default=10
        Number of epochs (passes over the training data) in :meth:`fit`.
    cd_steps : int, default=1
        Number k of alternating Gibbs steps in CD-k / PCD-k.
    persistent : bool, default=False
        Use persistent contrastive divergence (Tieleman, 2008): the negative
        phase continues Markov chains from one update to the next instead of
        restarting them at the data.
    momentum : float, default=0.9
        Momentum after the first ``momentum_warmup`` epochs.
    initial_momentum : float, default=0.5
        Momentum during the first ``momentum_warmup`` epochs (Hinton's
        practical guide: 0.5, then 0.9).
    momentum_warmup : int, default=5
        Number of epochs that use ``initial_momentum``.
    weight_decay : float, default=1e-4
        L2 penalty on the weights (not the biases).
    sparsity_target : float, default=0.05
        Desired mean activation of each hidden unit; used only when
        ``sparsity_cost > 0``.
    sparsity_cost : float, default=0.0
        Strength of the sparsity penalty (0 switches it off).
    shuffle : bool, default=True
        Shuffle the rows at every epoch. Lazily sliced inputs (e.g. h5py data
        sets) are read in contiguous slices and shuffled batch by batch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the Gibbs sampling. An
        int gives identical results run to run.
    verbose : int, default=0
        Print one line per epoch when positive.
    n_jobs : int, default=None
        Threads of the BLAS, OpenMP and Numba pools during each call (fit,
        transform, predict, ...), restored afterwards. None keeps the
        process's own: all cores, or joblib's share of them inside a worker,
        so that ``GridSearchCV(n_jobs=...)`` does not oversubscribe the cores.
        -1 means all cores.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features), float32
        Weight matrix.
    intercept_hidden_ : ndarray of shape (n_components,), float32
        Hidden biases.
    intercept_visible_ : ndarray of shape (n_features,), float32
        Visible biases.
    n_iter_ : int
        Number of epochs trained so far (``fit`` restarts the count; each
        ``partial_fit`` call adds one).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.
    history_ : dict of lists
        Per-epoch monitors: ``"reconstruction_error"`` (mean squared error per
        feature of the mean-field reconstruction of up to 1000 training rows)
        and ``"epoch_time"`` (seconds).
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

    Notes
    -----
    Initialisation follows Hinton's "A Practical Guide to Training Restricted
    Boltzmann Machines" (2010): weights from N(0, 0.01^2), hidden biases 0,
    visible biases ``log(p / (1 - p))`` of the data's column means.

    The data are read minibatch by minibatch: a ``numpy.memmap``, a scipy CSR
    matrix or a lazily sliced array-like is never converted whole. Floating
    input keeps its dtype; other numeric input is converted to float32.
    Training runs in float32; :meth:`transform`, :meth:`reconstruct` and
    :meth:`gibbs` compute and answer in float32 for float32 input and in
    float64 otherwise (integer input included), as scikit-learn does.

    Examples
    --------
    >>> import numpy as np
    >>> from dbn import BernoulliRBM
    >>> X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    >>> rbm = BernoulliRBM(n_components=2, n_iter=5, random_state=0).fit(X)
    >>> rbm.transform(X).shape
    (4, 2)
    """


class GaussianRBM(_BaseRBM):
    """Gaussian-Bernoulli RBM: real-valued visible units of unit variance.

    For real-valued data, which it standardises itself (``standardize=True``):
    the model is fitted to ``v = (X - mean_) / scale_``, in whose units the
    visible units are Gaussian with mean ``b + W h`` and variance 1, the
    hidden units binary (or
    rectified with ``hidden_units='relu'``):
    ``P(h_j = 1 | v) = sigmoid(c_j + W_j.v)``. Same API, training options and
    guarantees as :class:`BernoulliRBM`; the learning rate defaults to 0.01
    because Gaussian units need smaller steps (Hinton's practical guide), and a
    run that still diverges stops with :class:`~dbn.DivergenceError`.

    Parameters
    ----------
    n_components : int, default=256
    hidden_units : {'bernoulli', 'relu'}, default='bernoulli'
    learn_variance : bool, default=False
        Learn a variance per visible unit (Cho et al., 2011, parametrised as
        ``log sigma^2`` and kept within [0.01, 100]); the visible units then
        enter the hidden units as ``v / sigma^2``. Off: every variance is 1.
    standardize : bool, default=True
        Fit the model to each column centred on its mean and divided by its
        standard deviation (constant columns by 1), computed by ``fit`` (or
        the first ``partial_fit`` call) and kept in ``mean_`` and ``scale_``.
        Unit-variance visible units assume this: fitted to unscaled data, such
        as pixel values in [0, 16], the hidden units saturate and the model
        explains little. Every method takes and returns data in its own units;
        set False only for data already standardised.
    learning_rate : float, default=0.01
    batch_size : int, default=100
    n_iter : int, default=10
    cd_steps : int, default=1
    persistent : bool, default=False
    momentum : float, default=0.9
    initial_momentum : float, default=0.5
    momentum_warmup : int, default=5
    weight_decay : float, default=1e-4
    sparsity_target : float, default=0.05
    sparsity_cost : float, default=0.0
    shuffle : bool, default=True
    random_state : int, RandomState instance or None, default=None
    verbose : int, default=0
    n_jobs : int, default=None
        See :class:`BernoulliRBM` for each.

    Attributes
    ----------
    components_, intercept_hidden_, intercept_visible_, n_iter_,
    n_features_in_, history_, h_samples_
        As in :class:`BernoulliRBM`; ``intercept_visible_`` starts at the
        data's column means.
    sigma_ : ndarray of shape (n_features,)
        Standard deviation of each visible unit (ones unless ``learn_variance``),
        in the standardised units.
    mean_ : ndarray of shape (n_features,) or None
        Column means of the training data (None when ``standardize=False``).
    scale_ : ndarray of shape (n_features,) or None
        Column standard deviations of the training data, 1 for constant
        columns (None when ``standardize=False``).

    Notes
    -----
    ``score_samples`` returns the negative free energy ``-F(v)``, i.e.
    ``log P(v)`` up to the constant ``log Z``: deterministic, row by row, and
    comparable across rows of one model. (A pseudo-likelihood has no closed
    form for Gaussian visible units.) ``free_energy`` is
    ``|v - b|^2 / 2 - sum_j softplus(c_j + W_j.v)``, which equals
    ``-log`` of the integral of ``exp(-E(v, h))`` over h, up to the Gaussian
    normalisation; with learned variances the quadratic term is
    ``sum_i (v_i - b_i)^2 / (2 sigma_i^2)`` and the hidden input ``W^T (v / sigma^2)``.

    With ``standardize=True``, ``components_``, the intercepts, ``sigma_``,
    ``free_energy`` and ``history_`` describe the standardised data, while
    ``transform``, ``reconstruct``, ``gibbs``, ``sample`` and
    ``log_likelihood`` take and give data in its own units (``log_partition``
    includes the ``sum(log(scale_))`` that the change of units adds).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from dbn import GaussianRBM
    >>> X, _ = load_diabetes(return_X_y=True)
    >>> rbm = GaussianRBM(n_components=16, n_iter=3, random_state=0).fit(X)
    >>> rbm.transform(X[:2]).shape
    (2, 16)
    """

    _visible = GAUSSIAN
    _real_valued = True
    _parameter_constraints: dict = {
        **_BaseRBM._parameter_constraints,
        # Gaussian hidden units need binary visible ones: with both layers
        # Gaussian the joint density is not normalisable once the weights grow.
        "hidden_units": [StrOptions({"bernoulli", "relu"})],
        "learn_variance": ["boolean"],
        "standardize": ["boolean"],
    }

    def __init__(
        self,
        n_components=256,
        *,
        hidden_units="bernoulli",
        learn_variance=False,
        standardize=True,
        learning_rate=0.01,
        batch_size=100,
        n_iter=10,
        cd_steps=1,
        persistent=False,
        momentum=0.9,
        initial_momentum=0.5,
        momentum_warmup=5,
        weight_decay=1e-4,
        sparsity_target=0.05,
        sparsity_cost=0.0,
        shuffle=True,
        random_state=None,
        verbose=0,
        n_jobs=None,
    ):
        super().__init__(
            n_components,
            hidden_units=hidden_units,
            learning_rate=learning_rate,
            batch_size=batch_size,
            n_iter=n_iter,
            cd_steps=cd_steps,
            persistent=persistent,
            momentum=momentum,
            initial_momentum=initial_momentum,
            momentum_warmup=momentum_warmup,
            weight_decay=weight_decay,
            sparsity_target=sparsity_target,
            sparsity_cost=sparsity_cost,
            shuffle=shuffle,
            random_state=random_state,
            verbose=verbose,
            n_jobs=n_jobs,
        )
        self.learn_variance = learn_variance
        self.standardize = standardize
