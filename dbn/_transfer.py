"""Transfer: hidden layers taken from another fitted estimator ("pretrain on A,
fine-tune on B"), checked against the net that receives them."""

import numpy as np
from sklearn.frozen import FrozenEstimator

from ._data import iter_blocks
from ._network import predict_block


def resolve_pretrained(pretrained):
    """The fitted estimator behind ``pretrained`` (unwrapping FrozenEstimator)."""
    from ._dbn import DBN
    from ._net import _BaseDBNNet

    est = pretrained.estimator if isinstance(pretrained, FrozenEstimator) else pretrained
    if not isinstance(est, DBN | _BaseDBNNet) or hasattr(est, "code_units"):
        # An autoencoder's layers are an encoder and a decoder, not a stack of
        # hidden layers of one kind.
        raise TypeError(
            "pretrained must be a fitted DBN, DBNClassifier or DBNRegressor "
            f"(optionally wrapped in FrozenEstimator); got {type(est).__name__}."
        )
    fitted_attr = "rbms_" if isinstance(est, DBN) else "coefs_"
    if not hasattr(est, fitted_attr):
        raise ValueError(
            f"pretrained {type(est).__name__} is not fitted. If it was fitted "
            "before, it was probably cloned (clone, GridSearchCV and "
            "cross_validate clone every parameter, which drops fitted state): wrap "
            "it as pretrained=sklearn.frozen.FrozenEstimator(fitted_dbn)."
        )
    return est


def pretrained_layers(pretrained, n_features, sizes, hidden_units):
    """Copies of the hidden layers ``(W, b)`` that ``pretrained`` hands over."""
    if pretrained is None:
        return []
    from ._dbn import DBN

    est = resolve_pretrained(pretrained)
    if isinstance(est, DBN):
        layers = [rbm._unrolled_layer(np.float32) for rbm in est.rbms_]
    else:
        layers = list(zip(est.coefs_[:-1], est.intercepts_[:-1], strict=True))
    if est.n_features_in_ != n_features:
        raise ValueError(
            f"pretrained {type(est).__name__} takes {est.n_features_in_} input "
            f"features but X has {n_features}."
        )
    if getattr(est, "hidden_units", "bernoulli") != hidden_units:
        raise ValueError(
            f"pretrained {type(est).__name__} has hidden_units="
            f"{est.hidden_units!r} but this estimator has hidden_units="
            f"{hidden_units!r}; they must match."
        )
    theirs = [W.shape[1] for W, _ in layers]
    if theirs != sizes[: len(theirs)]:
        raise ValueError(
            f"pretrained {type(est).__name__} has hidden layers {tuple(theirs)}, "
            f"which must be the first layers of hidden_layer_sizes={tuple(sizes)}."
        )
    # Copies: fine-tuning updates these in place, and the pretrained
    # estimator's own arrays must stay as they are.
    return [
        (np.array(W, dtype=np.float32, order="C"), np.array(b, dtype=np.float32))
        for W, b in layers
    ]


def n_transferred_layers(pretrained):
    """How many hidden layers ``pretrained`` holds (0 for None)."""
    if pretrained is None:
        return 0
    from ._dbn import DBN

    est = resolve_pretrained(pretrained)
    return len(est.rbms_) if isinstance(est, DBN) else len(est.coefs_) - 1


def pretrained_rbms(pretrained):
    """The RBMs behind ``pretrained``'s hidden layers (None where it had none)."""
    return list(getattr(resolve_pretrained(pretrained), "rbms_", []))


def forward_hidden(source, coefs, intercepts, activation):
    """float32 output of the given hidden layers for all rows (input of the
    layers pretrained on top of transferred ones)."""
    out = []
    for _, _, block in iter_blocks(source):
        block = block.toarray() if hasattr(block, "toarray") else block
        A = np.asarray(block, dtype=np.float32)
        for W, b in zip(coefs, intercepts, strict=True):
            A = predict_block(A, [W], [b], activation, activation, np.float32)
        out.append(A)
    return np.concatenate(out)
