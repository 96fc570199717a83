"""Warnings and errors specific to dbn."""


class DataRangeWarning(UserWarning):
    """Data fall outside the range that a unit type models (e.g. [0, 1] for Bernoulli)."""


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
    """

    def __init__(self, message, *, layer=None, epoch=None, learning_rate=None):
        super().__init__(message)
        self.layer = layer
        self.epoch = epoch
        self.learning_rate = learning_rate


class ModelFileError(ValueError):
    """A model file is empty, truncated, corrupted, foreign or of a newer format."""
