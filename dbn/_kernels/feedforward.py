"""Numba kernels for the elementwise work of a feed-forward net (fine-tuning).

Like ``dbn._kernels.rbm``: pure functions over C-contiguous float32 buffers, fused so
that a layer's bias, activation and dropout take one pass and no temporary.
"""

import math

import numpy as np

from .common import ONE, ZERO, fast, jit, sigmoid32


@fast
def bias_sigmoid(Z, bias):
    """``Z = sigmoid(Z + bias)`` in place."""
    n, m = Z.shape
    for r in range(n):
        row = Z[r]
        for j in range(m):
            row[j] = sigmoid32(row[j] + bias[j])


@fast
def bias_relu(Z, bias):
    """``Z = max(Z + bias, 0)`` in place."""
    n, m = Z.shape
    for r in range(n):
        row = Z[r]
        for j in range(m):
            x = row[j] + bias[j]
            row[j] = x if x > ZERO else ZERO


@fast
def bias_identity(Z, bias):
    """``Z += bias`` in place."""
    n, m = Z.shape
    for r in range(n):
        row = Z[r]
        for j in range(m):
            row[j] += bias[j]


@jit
def bias_softmax(Z, bias):
    """Row-wise softmax of ``Z + bias`` in place (max-shifted, never overflows)."""
    n, m = Z.shape
    for r in range(n):
        row = Z[r]
        top = -np.inf
        for j in range(m):
            row[j] += bias[j]
            if row[j] > top:
                top = row[j]
        total = 0.0
        for j in range(m):
            e = math.exp(row[j] - top)
            row[j] = e
            total += e
        for j in range(m):
            row[j] = row[j] / total


@fast
def dropout(A, uniforms, keep, mask):
    """Inverted dropout in place: keep each unit with probability ``keep``.

    ``mask`` receives ``1 / keep`` for kept units and 0 for dropped ones; the
    backward pass multiplies by the same mask.
    """
    n, m = A.shape
    scale = ONE / np.float32(keep)
    k = np.float32(keep)
    for r in range(n):
        a = A[r]
        u = uniforms[r]
        mk = mask[r]
        for j in range(m):
            s = scale if u[j] < k else ZERO
            mk[j] = s
            a[j] *= s


@fast
def sigmoid_backward(delta, A):
    """``delta *= A * (1 - A)``: back through a sigmoid whose output is ``A``."""
    n, m = delta.shape
    for r in range(n):
        d = delta[r]
        a = A[r]
        for j in range(m):
            d[j] *= a[j] * (ONE - a[j])


@fast
def sigmoid_backward_dropout(delta, A_dropped, mask):
    """Back through sigmoid then dropout; ``A_dropped`` is the masked output."""
    n, m = delta.shape
    for r in range(n):
        d = delta[r]
        a = A_dropped[r]
        mk = mask[r]
        for j in range(m):
            s = mk[j]
            # Where the unit was kept, a / s is the sigmoid's own output.
            unmasked = a[j] / s if s > ZERO else ZERO
            d[j] *= s * unmasked * (ONE - unmasked)


@fast
def identity_backward(delta, A):
    """Back through a linear layer: ``delta`` is unchanged."""


@fast
def identity_backward_dropout(delta, A_dropped, mask):
    """Back through a linear layer then dropout: ``delta *= mask``."""
    n, m = delta.shape
    for r in range(n):
        d = delta[r]
        mk = mask[r]
        for j in range(m):
            d[j] *= mk[j]


@fast
def relu_backward(delta, A):
    """``delta *= (A > 0)``: back through a rectifier (dropout included)."""
    n, m = delta.shape
    for r in range(n):
        d = delta[r]
        a = A[r]
        for j in range(m):
            if not a[j] > ZERO:
                d[j] = ZERO


@fast
def relu_backward_dropout(delta, A_dropped, mask):
    """Back through a rectifier then dropout."""
    n, m = delta.shape
    for r in range(n):
        d = delta[r]
        a = A_dropped[r]
        mk = mask[r]
        for j in range(m):
            d[j] = d[j] * mk[j] if a[j] > ZERO else ZERO


@fast
def output_delta(delta, out, target, scale):
    """``delta = (out - target) * scale``: the gradient of softmax + cross-entropy,
    logistic + binary cross-entropy and identity + squared error alike."""
    n, m = delta.shape
    s = np.float32(scale)
    for r in range(n):
        d = delta[r]
        o = out[r]
        t = target[r]
        for j in range(m):
            d[j] = (o[j] - t[j]) * s


@fast
def sgd_update(param, velocity, grad, learning_rate, momentum, nesterov, l2):
    """Momentum SGD step in place (flat views); ``l2`` adds ``l2 * param``."""
    lr = np.float32(learning_rate)
    mom = np.float32(momentum)
    decay = np.float32(l2)
    for i in range(param.shape[0]):
        g = grad[i] + decay * param[i]
        v = mom * velocity[i] - lr * g
        velocity[i] = v
        if nesterov:
            param[i] += mom * v - lr * g
        else:
            param[i] += v


@fast
def adam_update(param, m1, m2, grad, step_size, beta1, beta2, epsilon, l2):
    """Adam step in place (flat views); ``step_size`` includes bias correction."""
    b1 = np.float32(beta1)
    b2 = np.float32(beta2)
    lr = np.float32(step_size)
    eps = np.float32(epsilon)
    decay = np.float32(l2)
    for i in range(param.shape[0]):
        g = grad[i] + decay * param[i]
        a = b1 * m1[i] + (ONE - b1) * g
        b = b2 * m2[i] + (ONE - b2) * g * g
        m1[i] = a
        m2[i] = b
        param[i] -= lr * a / (np.sqrt(b) + eps)
