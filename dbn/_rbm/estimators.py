"""Restricted Boltzmann Machine estimators: BernoulliRBM and GaussianRBM."""

from sklearn.utils._param_validation import StrOptions

from .._utils.docstrings import fill_doc
from .base import _BaseRBM
from .units import GAUSSIAN


@fill_doc
class BernoulliRBM(_BaseRBM):
    """Bernoulli Restricted Boltzmann Machine trained with CD-k or persistent CD.

    Binary visible and hidden units. A drop-in replacement for
    :class:`sklearn.neural_network.BernoulliRBM` (same attribute names) with
    minibatch CD-k, persistent contrastive divergence, momentum, weight decay
    and a sparsity target, trained in float32 with BLAS products and Numba
    kernels.

    Parameters
    ----------
    %(n_components)s
    hidden_units : {'bernoulli', 'relu', 'gaussian'}, default='bernoulli'
        Binary hidden units, noisy rectified linear units (Nair & Hinton,
        2010): mean ``max(0, x)``, sampled as ``max(0, x + N(0, sigmoid(x)))``,
        or linear units with unit-variance Gaussian noise: mean ``x``, sampled
        as ``x + N(0, 1)`` (the code layer of Hinton & Salakhutdinov's deep
        autoencoder, 2006; use a learning rate about 10 times smaller).
    %(rbm_learning_rate)s
    %(rbm_batch_size)s
    %(rbm_n_iter)s
    %(rbm_cd_steps)s
    %(rbm_persistent)s
    %(rbm_momentum)s
    %(rbm_initial_momentum)s
    %(rbm_momentum_warmup)s
    %(rbm_weight_decay)s
    %(rbm_sparsity_target)s
    %(rbm_sparsity_cost)s
    %(rbm_shuffle)s
    %(random_state)s
    %(rbm_verbose)s
    %(n_jobs)s

    Attributes
    ----------
    %(rbm_components_)s
    %(rbm_intercept_hidden_)s
    intercept_visible_ : ndarray of shape (n_features,), float32
        Visible biases.
    %(rbm_n_iter_)s
    %(n_features_in_)s
    %(feature_names_in_)s
    %(rbm_history_)s
    %(rbm_h_samples_)s

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


@fill_doc
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
    %(n_components)s
    hidden_units : {'bernoulli', 'relu'}, default='bernoulli'
        Binary or noisy rectified linear hidden units, as in
        :class:`BernoulliRBM` (Gaussian hidden units need binary visible
        units).
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
    %(rbm_learning_rate_gaussian)s
    %(rbm_batch_size)s
    %(rbm_n_iter)s
    %(rbm_cd_steps)s
    %(rbm_persistent)s
    %(rbm_momentum)s
    %(rbm_initial_momentum)s
    %(rbm_momentum_warmup)s
    %(rbm_weight_decay)s
    %(rbm_sparsity_target)s
    %(rbm_sparsity_cost)s
    %(rbm_shuffle)s
    %(random_state)s
    %(rbm_verbose)s
    %(n_jobs)s

    Attributes
    ----------
    %(rbm_components_)s
    %(rbm_intercept_hidden_)s
    intercept_visible_ : ndarray of shape (n_features,), float32
        Visible biases; they start at the data's column means.
    %(rbm_n_iter_)s
    %(n_features_in_)s
    %(feature_names_in_)s
    %(rbm_history_)s
    %(rbm_h_samples_)s
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
