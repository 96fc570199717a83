"""Warnings and errors specific to dbn."""


class DataRangeWarning(UserWarning):
    """Data fall outside the range that a unit type models (e.g. [0, 1] for Bernoulli)."""


class DivergenceError(FloatingPointError, ValueError):
    """Training produced non-finite parameters; a lower learning rate usually cures it."""


class ModelFileError(ValueError):
    """A model file is empty, truncated, corrupted, foreign or of a newer format."""
