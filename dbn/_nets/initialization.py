"""Where a net's hidden layers come from before fine-tuning: taken from
``pretrained=`` (transfer), pretrained here as a stack of RBMs, or drawn
from Glorot's initialisation (the random-init baseline)."""

import dataclasses

import numpy as np

from .._rbm.units import GAUSSIAN, units
from .._stack.pretraining import PretrainSettings, layer_seeds, layer_sizes, pretrain_stack
from .._stack.transfer import n_transferred_layers, pretrained_layers
from .feedforward import forward_hidden, glorot_uniform

#: An autoencoder's output units: the mean of the first RBM's visible units.
OUTPUT_ACTIVATION = {"bernoulli": "sigmoid", "gaussian": "identity"}


def initial_hidden_layers(params, name, source, sizes, seeds, rng, visible_units,
                          statistics, code_top=True):
    """Hidden layers ``(coefs, intercepts)`` for ``sizes`` and the RBM behind
    each (None for a layer that starts from Glorot's initialisation).

    ``params`` are the net's parameters (``get_params(deep=False)``).
    ``code_top=False``: the top layer gets the hidden units of the others,
    not an autoencoder's code units.
    """
    activation = units(params["hidden_units"]).activation
    transferred, rbms = pretrained_layers(params["pretrained"], source.n_features, sizes,
                                          params["hidden_units"])
    coefs = [W for W, _ in transferred]
    intercepts = [b for _, b in transferred]
    rest = len(sizes) - len(transferred)
    if rest and params["pretrain_epochs"] > 0:
        data = None
        if transferred:
            data = forward_hidden(source, coefs, intercepts, activation)
        settings = PretrainSettings.from_params(params, name, source.n_rows, visible_units)
        if not code_top:
            settings = dataclasses.replace(settings, top_hidden_units=None)
        new = pretrain_stack(settings, source, sizes, seeds,
                             start_layer=len(transferred), data=data, statistics=statistics)
        rbms.extend(new)
        for rbm in new:
            W, b = rbm._unrolled_layer(np.float32)
            coefs.append(W)
            intercepts.append(b)
    elif rest:
        fan_in = coefs[-1].shape[1] if coefs else source.n_features
        for size in sizes[len(transferred):]:
            W, b = glorot_uniform(fan_in, size, activation, rng)
            coefs.append(W)
            intercepts.append(b)
            rbms.append(None)
            fan_in = size
    return coefs, intercepts, rbms


def autoencoder_layers(params, name, source, statistics, visible_units, rng):
    """An autoencoder's unrolled net before fine-tuning: encoder layers as
    :func:`initial_hidden_layers` makes them (the top one, the code layer,
    with ``code_units``), then a decoder mirroring them, each layer from its
    RBM's generative direction (Glorot's initialisation where there is none).

    Returns the layers, the RBM behind each encoder layer and the activation
    of every layer but the output.
    """
    sizes = layer_sizes(params["hidden_layer_sizes"])
    transferred = n_transferred_layers(params["pretrained"])
    # The code layer's RBM is trained here, with linear hidden units.
    linear_code_rbm = (params["code_units"] == "gaussian" and params["pretrain_epochs"] > 0
                       and transferred < len(sizes))
    if linear_code_rbm and len(sizes) == 1 and visible_units == "gaussian":
        raise ValueError(
            f"{name} with one hidden layer and Gaussian visible units (real-valued "
            f"data, visible_units={params['visible_units']!r}) cannot pretrain "
            "code_units='gaussian': the top RBM needs binary units below linear "
            "ones. Add a layer, e.g. hidden_layer_sizes="
            f"(256, {sizes[0]}), or set code_units='bernoulli'."
        )
    seeds = layer_seeds(rng, len(sizes))
    hidden = units(params["hidden_units"]).activation
    if (linear_code_rbm and len(sizes) > 1
            and units(params["hidden_units"]).as_visible is GAUSSIAN):
        # Rectified units below the code layer are real-valued: a linear code
        # RBM above them (Gaussian-Gaussian) has no density to learn. The
        # layers below it are made as usual (without linear units at their
        # top), the code layer from Glorot's initialisation.
        coefs, intercepts, rbms = initial_hidden_layers(
            params, name, source, sizes[:-1], seeds[:-1], rng, visible_units, statistics,
            code_top=False)
        W, b = glorot_uniform(sizes[-2], sizes[-1], "identity", rng)
        coefs.append(W)
        intercepts.append(b)
        rbms.append(None)
    else:
        coefs, intercepts, rbms = initial_hidden_layers(
            params, name, source, sizes, seeds, rng, visible_units, statistics)
    code = units(params["code_units"]).activation
    if transferred >= len(sizes):
        # Every layer came from ``pretrained``: the code layer is one of its
        # hidden layers, with their units.
        code = hidden
    out_act = OUTPUT_ACTIVATION[visible_units]
    widths = [source.n_features, *sizes]
    for layer in range(len(sizes) - 1, -1, -1):
        rbm = rbms[layer]
        if rbm is not None:
            W, b = rbm._unrolled_decoder(np.float32)
        else:
            W, b = glorot_uniform(widths[layer + 1], widths[layer],
                                  out_act if layer == 0 else hidden, rng)
        coefs.append(W)
        intercepts.append(b)
    encoder = [hidden] * (len(sizes) - 1) + [code]
    return coefs, intercepts, rbms, tuple(encoder + [hidden] * (len(sizes) - 1))


def input_layer_for_standardized_rows(W, b, mean, scale):
    """The first layer that gives standardised inputs ``(x - mean) / scale``
    the pre-activations ``x @ W + b`` gave ``x`` (float64 arithmetic)."""
    W = W.astype(np.float64)
    return (np.ascontiguousarray(W * scale[:, None], dtype=np.float32),
            (b + mean @ W).astype(np.float32))


def input_layer_for_data_units(W, b, mean, scale):
    """The inverse of :func:`input_layer_for_standardized_rows`: the first
    layer taking ``x`` in the data's units again."""
    W = W.astype(np.float64) / scale[:, None]
    return np.ascontiguousarray(W, dtype=np.float32), (b - mean @ W).astype(np.float32)
