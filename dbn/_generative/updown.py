"""Up-down fine-tuning of a generative DBN (Hinton, Osindero & Teh, 2006).

The net: binary layers ``x -> h_1 -> ... -> pen`` with untied recognition
(upward) and generative (downward) weights, and a top-level RBM over ``pen``
and the one-hot label (a classification RBM, ``class_rbm``). One step of
the contrastive wake-sleep algorithm on a minibatch:

1. wake: sample the layers bottom-up with the recognition weights;
2. top: CD-k in the top RBM from the wake ``pen`` state and the true label;
3. sleep: from the end of the top chain, sample top-down with the
   generative weights;
4. update the generative weights to reconstruct each wake layer from the
   one above, the top RBM by its CD statistics, and the recognition weights
   to recover each sleep layer from the one below.

Pure functions over float64 arrays held in an :class:`UpDownParams`; the
products go to BLAS. Nothing here knows an estimator. The input layer is
binary, or Gaussian with unit variance on standardised data (its generative
prediction is then the linear mean, the squared-error gradient).
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from .._rbm.units import GAUSSIAN
from . import class_rbm as top_model


@dataclass
class UpDownParams:
    """Per lower layer l (input of width n_l, output n_{l+1}): recognition
    ``R[l]`` (n_l, n_{l+1}) and ``r[l]``; generative ``G[l]`` (n_{l+1}, n_l) and
    ``g[l]``; and the top RBM's parameters."""

    R: list
    r: list
    G: list
    g: list
    top: top_model.ClassRBMParams
    #: Gaussian input units (standardised data): the bottom generative layer
    #: predicts means linearly, and the sleep phase keeps those means.
    gaussian_input: bool = False

    def input_mean(self, pre):
        return pre if self.gaussian_input else expit(pre)


def from_rbms(rbms, top, gaussian_input=False):
    """Untie a greedily trained stack: both directions start from its RBMs
    (in the standardised units of a Gaussian bottom RBM)."""
    def array(a):  # C-contiguous float64, as the in-place updates want
        return np.array(a, dtype=np.float64, order="C")

    return UpDownParams(
        R=[array(rbm.components_.T) for rbm in rbms],
        r=[array(rbm.intercept_hidden_) for rbm in rbms],
        G=[array(rbm.components_) for rbm in rbms],
        g=[array(rbm.intercept_visible_) for rbm in rbms],
        top=top,
        gaussian_input=gaussian_input,
    )


def _bernoulli(p, rng):
    return (rng.random(p.shape) < p).astype(np.float64)


def up_pass(X, p):
    """Recognition probabilities of the ``pen`` layer (deterministic, for inference)."""
    A = np.asarray(X, dtype=np.float64)
    for R, r in zip(p.R, p.r, strict=True):
        A = expit(A @ R + r)
    return A


def down_pass(pen, p):
    """Mean-field generative pass: the input means given ``pen`` probabilities,
    each layer's probabilities standing in for its states. Sampling the layers
    in between adds pixel noise that hides the class: on digits, judged by a
    classifier of real images, mean-field dreams were recognised as their
    clamped class more often (0.95 and 0.88 against 0.83 and 0.81, 2 seeds)."""
    A = pen
    for layer in range(len(p.G) - 1, -1, -1):
        pre = A @ p.G[layer] + p.g[layer]
        A = p.input_mean(pre) if layer == 0 else expit(pre)
    return A


def top_gibbs(pen, codes, top, n_steps, rng):
    """``n_steps`` sweeps of the top RBM from ``pen`` with the label clamped to
    ``codes`` (-1: free); returns the final pen probabilities and states."""
    n = len(pen)
    Kc = top.U.shape[1]
    clamped = codes >= 0
    current = np.where(clamped, codes, rng.integers(0, Kc, n))
    pen_prob = pen
    for _ in range(n_steps):
        hidden = expit(pen @ top.W.T + top.c + top.U[:, current].T)
        h = _bernoulli(hidden, rng)
        if not clamped.all():
            current = np.where(clamped, codes, top_model.draw_classes(h @ top.U + top.d, rng)[0])
        pen_prob = expit(h @ top.W + top.b)
        pen = _bernoulli(pen_prob, rng)
    return pen_prob, pen


def updown_step(X, codes, p, velocity, rng, cd_steps, learning_rate, momentum,
                weight_decay, generative_weight=None):
    """One contrastive wake-sleep update from the minibatch ``(X, codes)``.

    ``generative_weight`` None trains the top RBM by CD-k alone (the paper);
    a number makes its update the hybrid of the classification RBM, the exact
    gradient of ``log p(y | pen)`` at the deterministic up-pass of ``X``
    (what the classifier sees) plus that weight times the CD-k term.
    The sleep phase still starts from the top chain either way.

    ``velocity`` is a dict, empty at first, that keeps the momentum of every
    parameter (and reusable gradient buffers) from one step to the next."""
    n = len(X)
    top = p.top
    Kc = top.U.shape[1]
    # 1. wake
    wake = [X]
    for R, r in zip(p.R, p.r, strict=True):
        wake.append(_bernoulli(expit(wake[-1] @ R + r), rng))
    pen = wake[-1]
    Y = np.zeros((n, Kc))
    Y[np.arange(n), codes] = 1.0
    # 2. top: CD-k from the wake state with the true label
    pos_hidden = expit(pen @ top.W.T + top.c + Y @ top.U.T)
    h = _bernoulli(pos_hidden, rng)
    for _ in range(cd_steps):
        Y_neg = top_model.draw_classes(h @ top.U + top.d, rng)[1]
        pen_neg_prob = expit(h @ top.W + top.b)
        pen_neg = _bernoulli(pen_neg_prob, rng)
        neg_hidden = expit(pen_neg @ top.W.T + top.c + Y_neg @ top.U.T)
        h = _bernoulli(neg_hidden, rng)
    # 3. sleep, from the end of the top chain
    sleep = [pen_neg]
    for layer in range(len(p.G) - 1, -1, -1):
        pre = sleep[-1] @ p.G[layer] + p.g[layer]
        sleep.append(p.input_mean(pre) if layer == 0 else _bernoulli(expit(pre), rng))
    sleep.reverse()  # sleep[l] is layer l's state, as wake[l]
    # 4. updates (mean over the batch, L2 on the weights), momentum on every
    # parameter; the statistics are summed into buffers kept in ``velocity``.
    grads = _gradient_buffers(p, velocity)
    for layer in range(len(p.G)):
        above, below = wake[layer + 1], wake[layer]
        pre = above @ p.G[layer] + p.g[layer]
        error = below - (p.input_mean(pre) if layer == 0 else expit(pre))
        top_model.add_outer(grads[("G", layer)], above, error, accumulate=False)
        grads[("g", layer)][...] = error.sum(0)
        s_above, s_below = sleep[layer + 1], sleep[layer]
        error = s_above - expit(s_below @ p.R[layer] + p.r[layer])
        # R is (n_l, n_{l+1}): the statistic s_below.T @ error.
        top_model.add_outer(grads[("R", layer)], s_below, error, accumulate=False)
        grads[("r", layer)][...] = error.sum(0)
    cd_weight = 1.0 if generative_weight is None else generative_weight
    top_grads = grads["top"]
    top_model.add_outer(top_grads.W, np.concatenate([pos_hidden, -neg_hidden]),
                        np.concatenate([pen, pen_neg]), cd_weight, accumulate=False)
    top_grads.U[...] = cd_weight * (pos_hidden.T @ Y - neg_hidden.T @ Y_neg)
    top_grads.b[...] = cd_weight * (pen - pen_neg).sum(0)
    top_grads.c[...] = cd_weight * (pos_hidden - neg_hidden).sum(0)
    top_grads.d[...] = cd_weight * (Y - Y_neg).sum(0)
    if generative_weight is not None:
        top_model.discriminative_gradient(up_pass(X, p), codes, top, top_grads)
    for key, grad in grads.items():
        if key == "top":
            continue
        decay = weight_decay if key[0] in ("G", "R") else 0.0
        rate = learning_rate
        if p.gaussian_input and key[1] == 0:
            # The bottom layer over Gaussian units takes a tenth of the rate,
            # as its GaussianRBM did in pretraining: at the full rate 30
            # epochs on two standardised features diverged or undid the
            # features (training accuracy back to chance).
            rate *= GAUSSIAN.learning_rate_factor
        top_model.momentum_step(_parameter(p, key), _velocity(velocity, p, key), grad,
                                1.0 / n, rate, momentum, decay)
    for name in ("W", "U", "b", "c", "d"):
        decay = weight_decay if name in ("W", "U") else 0.0
        top_model.momentum_step(getattr(top, name), _velocity(velocity, p, (name, 0)),
                                getattr(top_grads, name), 1.0 / n, learning_rate, momentum,
                                decay)


def _gradient_buffers(p, velocity):
    """Summed statistics of one step, one buffer per parameter, kept in
    ``velocity["gradients"]`` and overwritten by every step."""
    buffers = velocity.get("gradients")
    if buffers is None:
        buffers = {}
        for layer in range(len(p.G)):
            for name in ("G", "g", "R", "r"):
                buffers[(name, layer)] = np.zeros_like(getattr(p, name)[layer])
        buffers["top"] = top_model.zero_like(p.top)
        velocity["gradients"] = buffers
    return buffers


def _velocity(velocity, p, key):
    step = velocity.get(key)
    if step is None:
        step = velocity[key] = np.zeros_like(_parameter(p, key))
    return step


def _parameter(p, key):
    name, layer = key
    if name in ("R", "r", "G", "g"):
        return getattr(p, name)[layer]
    return getattr(p.top, name)
