"""Numba kernels of the classification RBM (Larochelle & Bengio, 2008).

The model's hidden units see ``A[r, j] + U[j, k]``: the input's part ``A =
x W^T + c`` (a BLAS product) plus the weight from class ``k``. Everything that
loops over (row, class, hidden unit) triples is fused here, in float64
accumulators, without temporaries. Pure functions over arrays.
"""

import math

import numpy as np

from .common import jit, sigmoid

#: Terms of ``log(1 + e)`` multiplied together before one logarithm: each
#: factor is at most 2, so 64 of them stay far from overflow.
_PRODUCT_RUN = 64


@jit
def class_logits(A, U, d, out):
    """``out[r, k] = d[k] + sum_j softplus(A[r, j] + U[j, k])``: minus the free
    energy of (x_r, class k) up to the visible term, which all classes share,
    so that ``softmax(out[r])`` is exactly ``p(y | x_r)``.

    ``softplus(x) = max(x, 0) + log(1 + exp(-|x|))``, the logarithms taken of
    products of up to 64 factors (one ``log`` instead of 64 ``log1p``; the
    error stays at rounding level, ~1e-16 per term)."""
    n, H = A.shape
    K = U.shape[1]
    UT = np.ascontiguousarray(U.T)
    for r in range(n):
        for k in range(K):
            total = float(d[k])
            product = 1.0
            for j in range(H):
                x = float(A[r, j]) + UT[k, j]
                if x > 0:
                    total += x
                product *= 1.0 + math.exp(-abs(x))
                if (j + 1) % _PRODUCT_RUN == 0:
                    total += math.log(product)
                    product = 1.0
            out[r, k] = total + math.log(product)


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


@jit
def class_logits_and_sigmoids(A, UT, d, out, S):
    """:func:`class_logits` (with ``UT = U.T``, contiguous), and ``S[r, k, j] =
    sigmoid(A[r, j] + U[j, k])`` from the same exponential: the hidden units'
    probabilities given each class, which the discriminative gradient needs
    once ``p(y | x)`` is known."""
    n, H = A.shape
    K = UT.shape[0]
    for r in range(n):
        for k in range(K):
            total = float(d[k])
            product = 1.0
            for j in range(H):
                x = float(A[r, j]) + UT[k, j]
                e = math.exp(-abs(x))
                inverse = 1.0 / (1.0 + e)
                if x > 0:
                    total += x
                    S[r, k, j] = inverse
                else:
                    S[r, k, j] = e * inverse
                product *= 1.0 + e
                if (j + 1) % _PRODUCT_RUN == 0:
                    total += math.log(product)
                    product = 1.0
            out[r, k] = total + math.log(product)


@jit
def discriminative_terms_from_sigmoids(S, codes, P, G, GUT):
    """The gradient of ``sum_r log p(y_r | x_r)`` through the hidden units,
    from the sigmoids ``S`` of :func:`class_logits_and_sigmoids`.

    With ``e[r, k] = [k == codes[r]] - P[r, k]``: ``G[r, j] = sum_k e[r, k]
    S[r, k, j]`` (the hidden pre-activation's gradient, which BLAS turns into
    those of ``W`` and ``c``) and ``GUT[k, j] += sum_r e[r, k] S[r, k, j]``
    (the gradient of ``U``, transposed)."""
    n, K, H = S.shape
    for r in range(n):
        for j in range(H):
            G[r, j] = 0.0
    for r in range(n):
        for k in range(K):
            e = (1.0 if codes[r] == k else 0.0) - P[r, k]
            if e == 0.0:
                continue
            for j in range(H):
                s = e * S[r, k, j]
                G[r, j] += s
                GUT[k, j] += s


@jit
def momentum_step(param, velocity, grad, scale, learning_rate, momentum, weight_decay):
    """In one pass over C-contiguous arrays of one shape: ``velocity = momentum
    * velocity + learning_rate * (scale * grad - weight_decay * param)``, then
    ``param += velocity``. ``scale`` turns summed statistics into means."""
    p = param.reshape(-1)
    v = velocity.reshape(-1)
    g = grad.reshape(-1)
    for i in range(p.size):
        step = momentum * v[i] + learning_rate * (scale * g[i] - weight_decay * p[i])
        v[i] = step
        p[i] += step
