"""Transfer: hidden layers taken from another fitted estimator ("pretrain on A,
fine-tune on B"), checked against the net that receives them.

The protocol: ``pretrained=`` accepts any fitted object with a
``_hidden_stack()`` method returning a :class:`HiddenStack`. ``DBN`` and the
supervised nets provide one; nothing here knows their classes.
"""

import copy
import dataclasses

import numpy as np
from sklearn.frozen import FrozenEstimator


@dataclasses.dataclass(frozen=True)
class HiddenStack:
    """What a fitted estimator hands over as ``pretrained=``.

    layers : list of (W, b)
        The hidden layers in data units, ``h = act(x @ W + b)``.
    rbms : list
        The fitted RBM behind each layer, or None where a layer has none.
    hidden_units : str
        The units of every hidden layer ('bernoulli' or 'relu').
    n_features_in : int
    """

    layers: list
    rbms: list
    hidden_units: str
    n_features_in: int


def hidden_stack(pretrained):
    """The :class:`HiddenStack` of ``pretrained`` (unwrapping FrozenEstimator)."""
    est = pretrained.estimator if isinstance(pretrained, FrozenEstimator) else pretrained
    provide = getattr(type(est), "_hidden_stack", None)
    if provide is None:
        raise TypeError(
            "pretrained must be a fitted DBN, DBNClassifier or DBNRegressor "
            f"(optionally wrapped in FrozenEstimator); got {type(est).__name__}."
        )
    stack = provide(est)
    if stack is None:
        raise ValueError(
            f"pretrained {type(est).__name__} is not fitted. If it was fitted "
            "before, it was probably cloned (clone, GridSearchCV and "
            "cross_validate clone every parameter, which drops fitted state): wrap "
            "it as pretrained=sklearn.frozen.FrozenEstimator(fitted_dbn)."
        )
    return stack


def pretrained_layers(pretrained, n_features, sizes, hidden_units):
    """Copies of the hidden layers ``(W, b)`` and of the RBMs behind them that
    ``pretrained`` hands over (two empty lists for None)."""
    if pretrained is None:
        return [], []
    stack = hidden_stack(pretrained)
    name = type(getattr(pretrained, "estimator", pretrained)).__name__
    if stack.n_features_in != n_features:
        raise ValueError(
            f"pretrained {name} takes {stack.n_features_in} input "
            f"features but X has {n_features}."
        )
    if stack.hidden_units != hidden_units:
        raise ValueError(
            f"pretrained {name} has hidden_units={stack.hidden_units!r} but this "
            f"estimator has hidden_units={hidden_units!r}; they must match."
        )
    theirs = [W.shape[1] for W, _ in stack.layers]
    if theirs != sizes[: len(theirs)]:
        raise ValueError(
            f"pretrained {name} has hidden layers {tuple(theirs)}, "
            f"which must be the first layers of hidden_layer_sizes={tuple(sizes)}."
        )
    # Copies: fine-tuning updates these in place, and the pretrained
    # estimator's own arrays and RBMs must stay as they are.
    layers = [(np.array(W, dtype=np.float32, order="C"), np.array(b, dtype=np.float32))
              for W, b in stack.layers]
    rbms = copy.deepcopy(list(stack.rbms))
    return layers, (rbms + [None] * len(layers))[: len(layers)]


def n_transferred_layers(pretrained):
    """How many hidden layers ``pretrained`` holds (0 for None)."""
    return 0 if pretrained is None else len(hidden_stack(pretrained).layers)
