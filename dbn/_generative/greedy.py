"""The greedy phase of a generative DBN (Hinton, Osindero & Teh 2006): the
lower layers pretrained as a stack of RBMs, then a classification RBM trained
on the top layer's recognition output and the labels. Up-down
(:mod:`~dbn._generative.updown_training`) continues from what this returns.
"""

import copy

import numpy as np

from .._stack.pretraining import PretrainSettings, auto_batch_size, layer_seeds, pretrain_stack
from . import updown as _updown
from . import updown_training
from .rbm_classifier import RBMClassifier

#: Hidden units per input feature up to which Gaussian input units keep the
#: data's standard deviation as their noise level (see narrow_input_noise).
UNITS_PER_GAUSSIAN_FEATURE = 8


def narrow_input_noise(statistics, n_features, n_hidden):
    """Training statistics whose standard deviations make the bottom
    GaussianRBM's unit-variance noise ``std * min(1, sqrt(8 n_features /
    n_hidden))`` in the data's units (it standardises by the stds it is given).

    A unit-variance Gaussian RBM explains standardised data with weights
    that shrink as its hidden layer outgrows the input: on two standardised
    features 500 hidden units each varied by 0.005 in probability from row
    to row, the binary layer above then learned nothing but its biases, and
    the label at the top was at chance, whatever the epochs, learning rate,
    CD-k or PCD. With at most 8 hidden units per feature nothing changes."""
    means, stds, lo, hi = statistics
    factor = min(1.0, np.sqrt(UNITS_PER_GAUSSIAN_FEATURE * n_features / n_hidden))
    return means, stds * factor, lo, hi


def greedy_phase(params, name, source, sizes, statistics, visible, codes, labeled,
                 n_classes, rng):
    """Pretrain the lower stack on all rows and the top classification RBM on
    the ``labeled`` ones; ``params`` are the estimator's parameters.

    Returns the row source in the bottom RBM's units (standardised for
    Gaussian input), the RBMs, the fitted top ``RBMClassifier`` and the
    untied up-down parameters (recognition and generative weights from the
    RBMs, the top RBM's parameters).
    """
    if visible == "gaussian":
        statistics = narrow_input_noise(statistics, source.n_features, sizes[0])
    seeds = layer_seeds(rng, len(sizes) + 1)
    settings = PretrainSettings(
        name=name, visible_units=visible, hidden_units="bernoulli",
        learning_rate=params["pretrain_learning_rate"],
        batch_size=auto_batch_size(params["pretrain_batch_size"], source.n_rows),
        n_epochs=params["pretrain_epochs"], cd_steps=params["cd_steps"],
        persistent=params["persistent"], momentum=params["pretrain_momentum"],
        weight_decay=params["pretrain_weight_decay"],
        verbose=max(int(params["verbose"]), 0), shuffle=params["shuffle"])
    rbms = pretrain_stack(settings, source, sizes, seeds, statistics=statistics)
    updown_params = _updown.from_rbms(rbms, None, gaussian_input=visible == "gaussian")
    # Up-down works in the bottom RBM's units (standardised Gaussian input).
    source = rbms[0]._standardized(source)
    pen = updown_training.up(source, updown_params, rows=labeled)
    rate = params["pretrain_learning_rate"]
    top_rate = 0.1 if rate == "auto" else rate
    if params["verbose"]:
        print(f"[{name}] training the top RBM: {sizes[-1]} + {n_classes} label units "
              f"-> {params['top_components']} units", flush=True)
    top = RBMClassifier(
        params["top_components"], objective=params["top_objective"],
        generative_weight=params["top_generative_weight"], visible_units="bernoulli",
        learning_rate=top_rate,
        batch_size=auto_batch_size(params["pretrain_batch_size"], len(labeled)),
        n_iter=params["pretrain_epochs"], cd_steps=params["cd_steps"],
        momentum=params["pretrain_momentum"], weight_decay=params["pretrain_weight_decay"],
        shuffle=params["shuffle"], random_state=seeds[-1],
        verbose=params["verbose"]).fit(pen, codes[labeled])
    top = copy.deepcopy(top)
    # Up-down fine-tunes the top in float64 with the rest of the net, in
    # place: the published top_ holds the very arrays it updates.
    for name in ("components_", "class_components_", "intercept_visible_",
                 "intercept_hidden_", "intercept_class_"):
        setattr(top, name, np.asarray(getattr(top, name), dtype=np.float64))
    updown_params.top = top._params()
    return source, rbms, top, updown_params
