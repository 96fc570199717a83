"""Training and inference of the classification RBM (Larochelle & Bengio, 2008).

An RBM over the input ``x`` and the one-hot label ``y``, with energy
``E(x, y, h) = -h.W x - b.x - c.h - d.y - h.U y``. ``p(y | x)`` is exact: a
softmax over ``d_y + sum_j softplus(c_j + U_jy + W_j.x)`` (:func:`class_logits`).
The discriminative gradient of ``log p(y | x)`` is exact too; the generative
one (of ``log p(x, y)``) is CD-k. Parameters are float64 arrays in a
:class:`ClassRBMParams`: the cost lies in the (row, class, hidden unit) loops
of ``dbn._kernels.class_rbm``, which accumulate in float64 anyway, and in the
passes over the weight matrix: with a wide hidden layer (the 2,000 units over
500 of a generative DBN's top) every pass over ``W`` costs about as much as a
minibatch's products, so the gradients go into ``W``-sized buffers in place
(:func:`add_outer`) and the momentum step is one fused pass
(:func:`sgd_step`). Training runs in float32 through
:mod:`~dbn._generative.class_rbm_step`; these float64 functions are its
reference and serve inference and up-down fine-tuning. Nothing here knows an estimator.
"""

from dataclasses import dataclass

import numpy as np

from .._utils.lazy import lazy_import

K = lazy_import("dbn._kernels.class_rbm")


@dataclass
class ClassRBMParams:
    """The parameters (float64), updated in place by :func:`sgd_step`."""

    W: np.ndarray  # (H, V) hidden-visible weights
    U: np.ndarray  # (H, K) hidden-class weights
    b: np.ndarray  # (V,) visible biases
    c: np.ndarray  # (H,) hidden biases
    d: np.ndarray  # (K,) class biases

    def arrays(self):
        return [self.W, self.U, self.b, self.c, self.d]


def initial_params(n_visible, n_hidden, n_classes, visible_bias, rng):
    """Hinton's practical guide: weights from N(0, 0.01^2), zero biases except
    the visible ones (the data's log-odds or means)."""
    return ClassRBMParams(
        W=0.01 * rng.standard_normal((n_hidden, n_visible)),
        U=0.01 * rng.standard_normal((n_hidden, n_classes)),
        b=np.array(visible_bias, dtype=np.float64),
        c=np.zeros(n_hidden),
        d=np.zeros(n_classes),
    )


def hidden_input(X, p):
    """``A = X W^T + c``: the input's part of every hidden unit's input."""
    A = np.asarray(X, dtype=np.float64) @ p.W.T
    A += p.c
    return A


def add_outer(target, left, right, alpha=1.0, accumulate=True):
    """``target += alpha * left.T @ right`` in place (``target = ...`` with
    ``accumulate`` False, then without a temporary) for ``left`` (n, H) and
    ``right`` (n, V). Through numpy's BLAS, as every other product of the
    training loops: alternating two BLAS libraries (scipy's and numpy's each
    bundle their own, with their own threads) in one loop made it several
    times slower."""
    if accumulate:
        target += alpha * (left.T @ right)
        return
    np.matmul(left.T, right, out=target)
    if alpha != 1.0:
        target *= alpha


def logits(X, p):
    """``log p(y | x)`` up to a per-row constant, float64 (exact)."""
    A = hidden_input(X, p)
    out = np.empty((len(A), p.U.shape[1]))
    K.class_logits(A, p.U, p.d, out)
    return out


def discriminative_gradient(X, codes, p, grads, weight=1.0, A=None):
    """Add ``weight`` times the gradient of ``sum_r log p(y_r | x_r)`` to ``grads``
    (a ClassRBMParams of float64 accumulators); returns that sum. ``A`` is
    :func:`hidden_input` of ``X`` if already known."""
    if A is None:
        A = hidden_input(X, p)
    U = p.U
    n, H = A.shape
    Kc = U.shape[1]
    UT = np.ascontiguousarray(U.T)
    L = np.empty((n, Kc))
    P = np.empty_like(L)
    G = np.empty_like(A)
    GUT = np.zeros((Kc, H))
    # The sigmoids of every (row, class, hidden unit) triple, a chunk of rows
    # at a time (at most 2**20 of them, 8 MB).
    chunk = max(1, (1 << 20) // max(Kc * H, 1))
    S = np.empty((min(chunk, n), Kc, H))
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        S_part = S[:stop - start]
        K.class_logits_and_sigmoids(A[start:stop], UT, p.d, L[start:stop], S_part)
        K.softmax_rows(L[start:stop], P[start:stop])
        K.discriminative_terms_from_sigmoids(S_part, codes[start:stop], P[start:stop],
                                             G[start:stop], GUT)
    E = -P
    E[np.arange(len(codes)), codes] += 1.0
    add_outer(grads.W, G, X, weight)
    grads.c += weight * G.sum(0)
    grads.U += weight * GUT.T
    grads.d += weight * E.sum(0)
    top = L.max(1, keepdims=True)
    log_norm = (top + np.log(np.exp(L - top).sum(1, keepdims=True)))[:, 0]
    return float(np.sum(L[np.arange(len(codes)), codes] - log_norm))


def generative_gradient(X, codes, p, grads, rng, visible, cd_steps=1, weight=1.0, A=None):
    """Add ``weight`` times the CD-k estimate of the gradient of
    ``sum_r log p(x_r, y_r)`` to ``grads``. ``codes`` -1 marks unlabeled rows:
    their positive phase draws y from ``p(y | x)``, so they contribute to the
    gradient of ``log p(x)``. ``visible`` is the visible units' mean function
    (sigmoid for binary data, identity for standardised real data). ``A`` is
    :func:`hidden_input` of ``X`` if already known."""
    n = len(X)
    Kc = p.U.shape[1]
    U, W = p.U, p.W
    if A is None:
        A = hidden_input(X, p)
    codes = codes.copy()
    unlabeled = codes < 0
    if unlabeled.any():
        L = np.empty((int(unlabeled.sum()), Kc))
        K.class_logits(np.ascontiguousarray(A[unlabeled]), U, p.d, L)
        codes[unlabeled] = draw_classes(L, rng)[0]
    Y = np.zeros((n, Kc))
    Y[np.arange(n), codes] = 1.0
    h_pos = np.empty_like(A)
    h = np.empty_like(A)
    K.hidden_given_class(A, U, codes, rng.random(A.shape), h_pos, h)
    for _ in range(cd_steps):
        neg_codes, Y_neg = draw_classes(h @ U + p.d, rng)
        X_neg = visible(h @ W + p.b)
        A_neg = hidden_input(X_neg, p)
        h_prob = np.empty_like(A_neg)
        K.hidden_given_class(A_neg, U, neg_codes, rng.random(A_neg.shape), h_prob, h)
    # Positive minus negative statistics in one pass over grads.W.
    add_outer(grads.W, np.concatenate([h_pos, -h_prob]), np.concatenate([X, X_neg]), weight)
    grads.b += weight * (X.sum(0) - X_neg.sum(0))
    grads.c += weight * (h_pos.sum(0) - h_prob.sum(0))
    grads.U += weight * (h_pos.T @ Y - h_prob.T @ Y_neg)
    grads.d += weight * (Y.sum(0) - Y_neg.sum(0))


def draw_classes(logits, rng):
    """A class per row from ``softmax(logits)``: its codes and one-hot rows."""
    P = np.empty_like(logits)
    K.softmax_rows(logits, P)
    codes = np.empty(len(P), dtype=np.int64)
    one_hot = np.empty_like(P)
    K.sample_classes(P, rng.random(len(P)), codes, one_hot)
    return codes, one_hot


def zero_like(p):
    return ClassRBMParams(*[np.zeros(a.shape) for a in p.arrays()])


def zero(grads):
    """Reset accumulators in place (reusing them saves allocating ``W``-sized
    arrays every minibatch)."""
    for a in grads.arrays():
        a.fill(0.0)


def sgd_step(p, velocity, grads, n_rows, learning_rate, momentum, weight_decay):
    """Momentum ascent on the mean gradient over ``n_rows``; L2 on the weights."""
    for name in ("W", "U", "b", "c", "d"):
        param, vel, grad = getattr(p, name), getattr(velocity, name), getattr(grads, name)
        decay = weight_decay if name in ("W", "U") else 0.0
        momentum_step(param, vel, grad, 1.0 / n_rows, learning_rate, momentum, decay)


def momentum_step(param, velocity, grad, scale, learning_rate, momentum, weight_decay):
    """``velocity = momentum * velocity + learning_rate * (scale * grad -
    weight_decay * param)``; ``param += velocity``: in one fused pass when the
    arrays are C-contiguous float64, as they are in training."""
    arrays = (param, velocity, grad)
    if all(a.dtype == np.float64 and a.flags.c_contiguous for a in arrays):
        K.momentum_step(param, velocity, grad, float(scale), float(learning_rate),
                        float(momentum), float(weight_decay))
        return
    velocity *= momentum
    velocity += learning_rate * (scale * grad - weight_decay * param)
    param += velocity


def gibbs_samples(p, n_samples, codes, n_steps, rng, visible, sample_visible):
    """Visible means after ``n_steps`` Gibbs sweeps from random inputs, with the
    class clamped to ``codes`` (or free where ``codes`` is -1)."""
    V = p.W.shape[1]
    Kc = p.U.shape[1]
    U, W = p.U, p.W
    X = sample_visible(np.zeros((n_samples, V)) + p.b, rng)
    clamped = codes >= 0
    current = np.where(clamped, codes, rng.integers(0, Kc, n_samples))
    h = np.empty((n_samples, W.shape[0]))
    h_prob = np.empty_like(h)
    mean = X
    for _ in range(n_steps):
        A = hidden_input(X, p)
        K.hidden_given_class(A, U, current, rng.random(A.shape), h_prob, h)
        if not clamped.all():
            current = np.where(clamped, codes, draw_classes(h @ U + p.d, rng)[0])
        mean = visible(h @ W + p.b)
        X = sample_visible(mean, rng)
    return mean
