"""Numba kernels of the classification RBM (Larochelle & Bengio, 2008).

The model's hidden units see ``A[r, j] + U[j, k]``: the input's part ``A =
x W^T + c`` (a BLAS product) plus the weight from class ``k``. Everything that
loops over (row, class, hidden unit) triples is fused here, in float64
accumulators, without temporaries. Pure functions over arrays.
"""

import math

import numpy as np

from ._numba import jit, sigmoid, softplus


@jit
def class_logits(A, U, d, out):
    """``out[r, k] = d[k] + sum_j softplus(A[r, j] + U[j, k])``: minus the free
    energy of (x_r, class k) up to the visible term, which all classes share,
    so that ``softmax(out[r])`` is exactly ``p(y | x_r)``."""
    n, H = A.shape
    K = U.shape[1]
    for r in range(n):
        for k in range(K):
            total = float(d[k])
            for j in range(H):
                total += softplus(float(A[r, j]) + float(U[j, k]))
            out[r, k] = total


@jit
def softmax_rows(logits, out):
    """Row-wise softmax (max-shifted)."""
    n, K = logits.shape
    for r in range(n):
        top = -np.inf
        for k in range(K):
            top = max(top, logits[r, k])
        total = 0.0
        for k in range(K):
            e = math.exp(logits[r, k] - top)
            out[r, k] = e
            total += e
        for k in range(K):
            out[r, k] /= total


@jit
def discriminative_terms(A, U, codes, P, G, GU):
    """The gradient of ``sum_r log p(y_r | x_r)`` through the hidden units.

    With ``e[r, k] = [k == codes[r]] - P[r, k]`` and ``s = sigmoid(A[r, j] +
    U[j, k])``: ``G[r, j] = sum_k e[r, k] s`` (the hidden pre-activation's
    gradient, which BLAS turns into those of ``W`` and ``c``) and ``GU[j, k] =
    sum_r e[r, k] s``. ``G`` is float32 or float64; ``GU`` accumulates in place.
    """
    n, H = A.shape
    K = U.shape[1]
    for r in range(n):
        for j in range(H):
            G[r, j] = 0.0
    for r in range(n):
        for k in range(K):
            e = (1.0 if codes[r] == k else 0.0) - P[r, k]
            if e == 0.0:
                continue
            for j in range(H):
                s = e * sigmoid(float(A[r, j]) + float(U[j, k]))
                G[r, j] += s
                GU[j, k] += s


@jit
def hidden_given_class(A, U, codes, uniforms, probabilities, samples):
    """``P(h | x, y) = sigmoid(A + U[:, y])`` per row, and a binary sample."""
    n, H = A.shape
    for r in range(n):
        k = codes[r]
        for j in range(H):
            p = sigmoid(float(A[r, j]) + float(U[j, k]))
            probabilities[r, j] = p
            samples[r, j] = 1.0 if uniforms[r, j] < p else 0.0


@jit
def hidden_given_class_probabilities(A, U, class_weights, out):
    """``E_y[P(h | x, y)]`` for a distribution over classes per row
    (``class_weights[r]``, e.g. ``p(y | x)`` for an unlabeled row)."""
    n, H = A.shape
    K = U.shape[1]
    for r in range(n):
        for j in range(H):
            total = 0.0
            for k in range(K):
                w = class_weights[r, k]
                if w != 0.0:
                    total += w * sigmoid(float(A[r, j]) + float(U[j, k]))
            out[r, j] = total


@jit
def sample_classes(P, uniforms, codes, one_hot):
    """A class per row from the probabilities ``P[r]`` (inverse CDF)."""
    n, K = P.shape
    for r in range(n):
        u = uniforms[r]
        acc = 0.0
        chosen = K - 1
        for k in range(K):
            acc += P[r, k]
            if u < acc:
                chosen = k
                break
        codes[r] = chosen
        for k in range(K):
            one_hot[r, k] = 1.0 if k == chosen else 0.0
