"""Stochastic optimizers for fine-tuning, as small classes updating in place."""

import numpy as np

from ._lazy import lazy_import

_nn_kernels = lazy_import("dbn._nn_kernels")


class SGDOptimizer:
    """Momentum SGD (optionally Nesterov's) over a list of float32 arrays.

    Parameters
    ----------
    params : list of ndarray
        Updated in place.
    learning_rate : float
    momentum : float
    nesterov : bool
    """

    def __init__(self, params, learning_rate=0.1, momentum=0.9, nesterov=True):
        self.params = params
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocities = [np.zeros_like(p) for p in params]

    def update(self, grads, l2_factors, trainable):
        """Apply one step; ``l2_factors[i]`` scales the L2 term of ``params[i]``."""
        for i, (p, g, v) in enumerate(zip(self.params, grads, self.velocities, strict=True)):
            if trainable[i]:
                _nn_kernels.sgd_update(p.reshape(-1), v.reshape(-1), g.reshape(-1),
                                       self.learning_rate, self.momentum, self.nesterov,
                                       l2_factors[i])


class AdamOptimizer:
    """Adam (Kingma & Ba, 2014) over a list of float32 arrays."""

    def __init__(self, params, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.params = params
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.first = [np.zeros_like(p) for p in params]
        self.second = [np.zeros_like(p) for p in params]

    def update(self, grads, l2_factors, trainable):
        self.t += 1
        step = (
            self.learning_rate
            * np.sqrt(1 - self.beta_2**self.t)
            / (1 - self.beta_1**self.t)
        )
        for i, p in enumerate(self.params):
            if trainable[i]:
                _nn_kernels.adam_update(p.reshape(-1), self.first[i].reshape(-1),
                                        self.second[i].reshape(-1), grads[i].reshape(-1),
                                        step, self.beta_1, self.beta_2, self.epsilon,
                                        l2_factors[i])
