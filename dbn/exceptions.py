"""Warnings and errors specific to dbn."""


class DataRangeWarning(UserWarning):
    """Data fall outside the range that a unit type models (e.g. [0, 1] for Bernoulli).

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from dbn import BernoulliRBM, DataRangeWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = BernoulliRBM(4, n_iter=1, random_state=0).fit(np.arange(12.0).reshape(4, 3))
    >>> any(issubclass(w.category, DataRangeWarning) for w in caught)
    True
    """


class DivergenceError(FloatingPointError, ValueError):
    """Training produced non-finite parameters; a lower learning rate usually cures it.

    Attributes
    ----------
    layer : int or None
        1-based layer that diverged (the RBM's layer while pretraining, the
        weight layer while fine-tuning), or None when not known.
    epoch : int or None
        1-based epoch in which the non-finite values were found.
    learning_rate : float or None
        The learning rate in use.

    Examples
    --------
    >>> import numpy as np
    >>> from dbn import DivergenceError, GaussianRBM
    >>> X = np.random.default_rng(0).standard_normal((200, 5))
    >>> try:
    ...     GaussianRBM(8, learning_rate=1e6, n_iter=5, random_state=0).fit(X)
    ... except DivergenceError as error:
    ...     print(error.learning_rate)
    1000000.0
    """

    def __init__(self, message, *, layer=None, epoch=None, learning_rate=None):
        super().__init__(message)
        self.layer = layer
        self.epoch = epoch
        self.learning_rate = learning_rate


class ModelFileError(ValueError):
    """A model file is empty, truncated, corrupted, foreign or of a newer format.

    Examples
    --------
    >>> import os, tempfile
    >>> import dbn
    >>> path = os.path.join(tempfile.mkdtemp(), "not-a-model.dbn")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(b"hello")
    >>> try:
    ...     dbn.load(path)
    ... except dbn.ModelFileError:
    ...     print("refused")
    refused
    """
