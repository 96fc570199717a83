"""Deep Belief Nets and Restricted Boltzmann Machines as scikit-learn estimators.

Importing ``dbn`` compiles nothing: the Numba kernels compile on first use
and are cached on disk.
"""

from ._autoencoder import DBNAutoencoder
from ._classifier import DBNClassifier
from ._dbn import DBN
from ._generative_dbn import GenerativeDBNClassifier
from ._persistence import load, save
from ._rbm import BernoulliRBM, GaussianRBM
from ._rbm_classifier import RBMClassifier
from ._regressor import DBNRegressor
from .exceptions import DataRangeWarning, DivergenceError, ModelFileError

__version__ = "0.1.0"

__all__ = [
    "BernoulliRBM",
    "GaussianRBM",
    "GenerativeDBNClassifier",
    "RBMClassifier",
    "DBN",
    "DBNAutoencoder",
    "DBNClassifier",
    "DBNRegressor",
    "DataRangeWarning",
    "DivergenceError",
    "ModelFileError",
    "load",
    "save",
    "__version__",
]
