"""Slow, obviously correct NumPy references for the kernels and for RBM maths.

Everything here is float64 and written for clarity, never for speed; tests
compare the fast code against it.
"""

import itertools

import numpy as np
from scipy.special import expit as sigmoid


def softplus(x):
    return np.logaddexp(0.0, x)


def free_energy(V, W, b, c):
    """F(v) = -b.v - sum_j softplus(c_j + v.W[:, j]); W is (n_visible, n_hidden)."""
    V = np.atleast_2d(np.asarray(V, dtype=np.float64))
    return -V @ b - softplus(V @ W + c).sum(axis=1)


def all_states(n):
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))


def log_partition(W, b, c):
    """log Z by summing exp(-F(v)) over every visible state."""
    F = free_energy(all_states(len(b)), W, b, c)
    return np.logaddexp.reduce(-F)


def log_likelihood(V, W, b, c):
    return -free_energy(V, W, b, c) - log_partition(W, b, c)


def exact_gradient(V, W, b, c):
    """Mean log-likelihood gradient: data statistics minus model statistics."""
    V = np.asarray(V, dtype=np.float64)
    H_data = sigmoid(V @ W + c)
    states = all_states(len(b))
    logp = -free_energy(states, W, b, c)
    p = np.exp(logp - np.logaddexp.reduce(logp))
    H_model = sigmoid(states @ W + c)
    dW = V.T @ H_data / len(V) - (states * p[:, None]).T @ H_model
    db = V.mean(0) - p @ states
    dc = H_data.mean(0) - p @ H_model
    return dW, db, dc


def pseudo_likelihood(V, W, b, c):
    """sum_i log P(v_i | v_-i) by flipping each bit and comparing free energies."""
    V = np.atleast_2d(np.asarray(V, dtype=np.float64))
    F = free_energy(V, W, b, c)
    total = np.zeros(len(V))
    for i in range(V.shape[1]):
        flipped = V.copy()
        flipped[:, i] = 1.0 - flipped[:, i]
        total += -softplus(-(free_energy(flipped, W, b, c) - F))
    return total


def bars_and_stripes(side=3):
    """All side x side images with whole rows on (stripes) or whole columns on (bars)."""
    patterns = set()
    for bits in itertools.product([0, 1], repeat=side):
        rows = np.repeat(np.array(bits)[:, None], side, axis=1)
        patterns.add(tuple(rows.ravel()))
        patterns.add(tuple(rows.T.ravel()))
    return np.array(sorted(patterns), dtype=np.float64)


def rbm_parts(rbm):
    """(W as (n_visible, n_hidden), visible bias, hidden bias) in float64."""
    return (
        rbm.components_.T.astype(np.float64),
        rbm.intercept_visible_.astype(np.float64),
        rbm.intercept_hidden_.astype(np.float64),
    )
