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


#: Loss kinds of :func:`output_delta_loss`, by output activation.
LOSS_KINDS = {"softmax": 0, "sigmoid": 1, "identity": 2}
_EPS32 = float(np.finfo(np.float32).eps)


@jit
def output_delta_loss(delta, out, target, scale, kind):
    """``delta = (out - target) * scale`` and, in the same pass, the summed loss.

    The delta is the exact gradient of softmax + cross-entropy, logistic +
    binary cross-entropy and identity + half squared error alike.

    ``kind`` 0: cross-entropy of a softmax output, 1: binary cross-entropy of a
    logistic output, 2: half squared error; probabilities are clipped to
    [eps, 1 - eps] of float32 as :func:`dbn._nets.feedforward.batch_loss`
    does. Terms with a zero target weight cost no logarithm, so one-hot targets
    take one per row. Sums in float64.
    """
    n, m = delta.shape
    s = np.float32(scale)
    total = 0.0
    for r in range(n):
        d = delta[r]
        o = out[r]
        t = target[r]
        for j in range(m):
            d[j] = (o[j] - t[j]) * s
        if kind == 0:
            for j in range(m):
                if t[j] != ZERO:
                    total -= t[j] * math.log(max(float(o[j]), _EPS32))
        elif kind == 1:
            for j in range(m):
                p = min(max(float(o[j]), _EPS32), 1.0 - _EPS32)
                tj = float(t[j])
                if tj != 0.0:
                    total -= tj * math.log(p)
                if tj != 1.0:
                    total -= (1.0 - tj) * math.log1p(-p)
        else:
            for j in range(m):
                e = float(o[j]) - float(t[j])
                total += 0.5 * e * e
    return total


@fast
def sgd_update(params, velocities, grads, l2, l2_scale, learning_rate, momentum, nesterov):
    """Momentum SGD step in place over every array of a net at once.

    ``params``, ``velocities`` and ``grads`` are equally long tuples of flat
    float32 views of equal lengths (checked by the caller); array ``k`` adds
    ``l2[k] * l2_scale * param`` to its gradient (L2 on weights, 0 on biases).
    One call per minibatch, whatever the depth: per-call overhead, not
    arithmetic, is what small nets pay for.
    """
    lr = np.float32(learning_rate)
    mom = np.float32(momentum)
    for k in range(len(params)):
        param = params[k]
        velocity = velocities[k]
        grad = grads[k]
        decay = np.float32(l2[k] * l2_scale)
        if nesterov:
            for i in range(param.shape[0]):
                g = grad[i] + decay * param[i]
                v = mom * velocity[i] - lr * g
                velocity[i] = v
                param[i] += mom * v - lr * g
        else:
            for i in range(param.shape[0]):
                g = grad[i] + decay * param[i]
                v = mom * velocity[i] - lr * g
                velocity[i] = v
                param[i] += v


@fast
def adam_update(params, first, second, grads, l2, l2_scale, step_size, beta1, beta2,
                epsilon):
    """Adam step in place over every array of a net at once (tuples of flat
    views as in :func:`sgd_update`); ``step_size`` includes the bias correction."""
    b1 = np.float32(beta1)
    b2 = np.float32(beta2)
    lr = np.float32(step_size)
    eps = np.float32(epsilon)
    for k in range(len(params)):
        param = params[k]
        m1 = first[k]
        m2 = second[k]
        grad = grads[k]
        decay = np.float32(l2[k] * l2_scale)
        for i in range(param.shape[0]):
            g = grad[i] + decay * param[i]
            a = b1 * m1[i] + (ONE - b1) * g
            b = b2 * m2[i] + (ONE - b2) * g * g
            m1[i] = a
            m2[i] = b
            param[i] -= lr * a / (np.sqrt(b) + eps)
