"""Numba kernels of the classification RBM (Larochelle & Bengio, 2008).

The model's hidden units see ``A[r, j] + U[j, k]``: the input's part ``A =
x W^T + c`` (a BLAS product) plus the weight from class ``k``. Everything that
loops over (row, class, hidden unit) triples is fused here, in float64
accumulators, without temporaries. Pure functions over arrays.
"""

import math

import numpy as np

from .common import (
    ONE,
    SOFTPLUS_BLOCK,
    ZERO,
    exp_neg_abs32,
    fast,
    jit,
    sigmoid,
    sigmoid32,
)

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


# ---------------------------------------------------------------- training
# The training step of ``dbn._generative.class_rbm_step``: float32 buffers,
# one exponential per (row, class, hidden unit), float64 only where sums of
# many terms are kept (the class logits).


@fast
def class_terms(A, c, UT, d, n, want_sigmoids, L, S):
    """For rows ``r < n``: ``L[r, k] = d[k] + sum_j softplus(A[r, j] + c[j] +
    UT[k, j])`` (float64: ``softmax(L[r])`` is ``p(y | x_r)``) and, if
    ``want_sigmoids``, ``S[r, k, j] = sigmoid(...)`` of the same argument
    from the same exponential."""
    H = A.shape[1]
    K = UT.shape[0]
    for r in range(n):
        for k in range(K):
            total = np.float64(d[k])
            for start in range(0, H, SOFTPLUS_BLOCK):
                stop = min(start + SOFTPLUS_BLOCK, H)
                positive = ZERO
                product = ONE
                for j in range(start, stop):
                    x = A[r, j] + c[j] + UT[k, j]
                    e = exp_neg_abs32(x)
                    inverse = ONE / (ONE + e)
                    if want_sigmoids:
                        S[r, k, j] = inverse if x > ZERO else e * inverse
                    positive += max(x, ZERO)
                    product *= ONE + e
                total += np.float64(positive) + math.log(np.float64(product))
            L[r, k] = total


@jit
def discriminative_rows(S, L, codes, n, weight, left, gUT, gd, P):
    """The gradient of ``weight * sum_r log p(y_r | x_r)`` over the labeled
    rows ``r < n`` (``codes[r] >= 0``), from :func:`class_terms`' ``S`` and
    ``L``: ``left[r] = weight * sum_k e[r, k] S[r, k]`` with ``e[r, k] = [k ==
    y_r] - p(k | x_r)`` (0 for unlabeled rows; the caller turns ``left`` into
    the gradients of ``W`` and ``c``), ``gUT[k] += weight * sum_r e[r, k]
    S[r, k]``, ``gd += weight * sum_r e[r]``. Returns ``sum_r log p(y_r | x_r)``
    and the number of labeled rows. ``P`` is float64 scratch of length K."""
    H = S.shape[2]
    K = S.shape[1]
    total = 0.0
    count = 0
    for r in range(n):
        row = left[r]
        for j in range(H):
            row[j] = ZERO
        y = codes[r]
        if y < 0:
            continue
        top = L[r, 0]
        for k in range(1, K):
            top = max(top, L[r, k])
        norm = 0.0
        for k in range(K):
            P[k] = math.exp(L[r, k] - top)
            norm += P[k]
        total += L[r, y] - top - math.log(norm)
        count += 1
        for k in range(K):
            e = ((1.0 if k == y else 0.0) - P[k] / norm) * weight
            gd[k] += e
            e32 = np.float32(e)
            s = S[r, k]
            g = gUT[k]
            for j in range(H):
                term = e32 * s[j]
                row[j] += term
                g[j] += term
    return total, count


@fast
def class_hidden_rows(A, c, UT, codes, n, uniforms, samples, record, weights, sign,
                      left, gUT, gd):
    """``p = sigmoid(A[r] + c + UT[codes[r]])`` for rows ``r < n``, a binary
    sample of it into ``samples[r]``, and with ``record``: ``left[r] +=
    sign * weights[r] * p`` and the class terms ``gUT[codes[r]] += sign *
    weights[r] * p``, ``gd[codes[r]] += sign * weights[r]``."""
    H = A.shape[1]
    for r in range(n):
        k = codes[r]
        u = UT[k]
        a = A[r]
        h = samples[r]
        z = uniforms[r]
        w = np.float32(sign * weights[r])
        if record and w != ZERO:
            row = left[r]
            g = gUT[k]
            gd[k] += sign * weights[r]
            for j in range(H):
                p = sigmoid32(a[j] + c[j] + u[j])
                h[j] = ONE if z[j] < p else ZERO
                row[j] += w * p
                g[j] += w * p
        else:
            for j in range(H):
                p = sigmoid32(a[j] + c[j] + u[j])
                h[j] = ONE if z[j] < p else ZERO


@jit
def sample_class_rows(L, n, uniforms, codes):
    """A class per row ``r < n`` from ``softmax(L[r])`` (inverse CDF)."""
    K = L.shape[1]
    for r in range(n):
        top = L[r, 0]
        for k in range(1, K):
            top = max(top, L[r, k])
        norm = 0.0
        for k in range(K):
            norm += math.exp(L[r, k] - top)
        target = uniforms[r] * norm
        acc = 0.0
        chosen = K - 1
        for k in range(K):
            acc += math.exp(L[r, k] - top)
            if target < acc:
                chosen = k
                break
        codes[r] = chosen


@fast
def add_bias_rows(Z, bias, n, sigmoid_units):
    """``Z[r] = sigmoid(Z[r] + bias)`` (or ``Z[r] + bias``) for rows ``r < n``."""
    m = Z.shape[1]
    for r in range(n):
        z = Z[r]
        if sigmoid_units:
            for j in range(m):
                z[j] = sigmoid32(z[j] + bias[j])
        else:
            for j in range(m):
                z[j] += bias[j]


@jit
def weighted_difference_sums(X, n, weights, out, acc):
    """``out += sum_r weights[r] * (X[r] - X[n + r])`` over rows ``r < n``
    (the visible biases' gradient: data rows, then their reconstructions),
    accumulated in the float64 scratch ``acc``."""
    V = X.shape[1]
    acc[:] = 0.0
    for r in range(n):
        w = weights[r]
        if w == 0.0:
            continue
        pos = X[r]
        neg = X[n + r]
        for i in range(V):
            acc[i] += w * (pos[i] - neg[i])
    for i in range(V):
        out[i] += acc[i]


@fast
def momentum_step32(param, velocity, grad, scale, learning_rate, momentum, weight_decay):
    """:func:`momentum_step` for float32 arrays of one shape (C-contiguous)."""
    p = param.reshape(-1)
    v = velocity.reshape(-1)
    g = grad.reshape(-1)
    lr = np.float32(learning_rate)
    mom = np.float32(momentum)
    sc = np.float32(scale)
    decay = np.float32(weight_decay)
    for i in range(p.size):
        step = mom * v[i] + lr * (sc * g[i] - decay * p[i])
        v[i] = step
        p[i] += step


@fast
def momentum_step32_transposed(param, velocity, gradT, scale, learning_rate, momentum,
                               weight_decay):
    """:func:`momentum_step32` for a (H, K) ``param`` whose gradient is held
    transposed, (K, H)."""
    H, K = param.shape
    lr = np.float32(learning_rate)
    mom = np.float32(momentum)
    sc = np.float32(scale)
    decay = np.float32(weight_decay)
    for j in range(H):
        p = param[j]
        v = velocity[j]
        for k in range(K):
            step = mom * v[k] + lr * (sc * gradT[k, j] - decay * p[k])
            v[k] = step
            p[k] += step
