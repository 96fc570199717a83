"""Deep Belief Nets and Restricted Boltzmann Machines as scikit-learn estimators.

Importing ``dbn`` compiles nothing: the Numba kernels compile on first use
and are cached on disk.
"""

from ._generative.generative_dbn import GenerativeDBNClassifier
from ._generative.rbm_classifier import RBMClassifier
from ._model_files.persistence import load, save
from ._nets.autoencoder import DBNAutoencoder
from ._nets.classifier import DBNClassifier
from ._nets.regressor import DBNRegressor
from ._rbm.estimators import BernoulliRBM, GaussianRBM
from ._stack.transformer import DBN
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
