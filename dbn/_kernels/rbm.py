"""Numba kernels for the elementwise work of RBM training and scoring.

Matrix products are left to BLAS (numpy ``@``); these kernels fuse what comes
between them (sigmoid, Bernoulli sampling, parameter updates, row gathering) so
that no temporary arrays are made per minibatch. They are pure functions over
arrays and know nothing of estimators. All are compiled lazily on first call
and cached on disk (``cache=True``), so ``import dbn`` compiles nothing.
"""


import math

import numpy as np

from .codes import SOFTPLUS, STEPPED_SOFTPLUS
from .common import ONE, SOFTPLUS_BLOCK, ZERO, exp_neg_abs32, fast, jit, sigmoid32, softplus


@fast
def sigmoid_rows(act, row_start, row_stop, n_cols, negate):
    """Sigmoid in place on ``act[row_start:row_stop, :n_cols]``.

    ``act`` is a C-contiguous float32 buffer (wider than ``n_cols`` when it
    carries a bias column). With ``negate`` the probabilities are stored with
    a minus sign, which is how negative-phase statistics enter the stacked
    gradient product.
    """
    sign = -ONE if negate else ONE
    for r in range(row_start, row_stop):
        row = act[r]
        for j in range(n_cols):
            row[j] = sign * sigmoid32(row[j])


@fast
def sigmoid_sample_rows(act, row_start, row_stop, n_cols, uniforms, samples, negate):
    """Sigmoid in place plus Bernoulli samples, on ``act[row_start:row_stop, :n_cols]``.

    Row ``row_start + k`` uses ``uniforms[k]`` and writes its 0/1 sample to
    ``samples[k]``; ``samples`` may be ``act`` itself (chain states replace
    their probabilities) when ``row_start`` is 0.
    """
    sign = -ONE if negate else ONE
    for k in range(row_stop - row_start):
        row = act[row_start + k]
        u = uniforms[k]
        out = samples[k]
        for j in range(n_cols):
            p = sigmoid32(row[j])
            row[j] = sign * p
            out[j] = ONE if u[j] < p else ZERO


@fast
def sample_rows_inplace(act, row_start, row_stop, n_cols, uniforms):
    """Replace pre-activations by Bernoulli samples of their sigmoid."""
    for k in range(row_stop - row_start):
        row = act[row_start + k]
        u = uniforms[k]
        for j in range(n_cols):
            row[j] = ONE if u[j] < sigmoid32(row[j]) else ZERO


@fast
def momentum_update(params, velocity, grad, scale, learning_rate, momentum,
                    weight_decay, n_visible, n_hidden):
    """One momentum step on the augmented parameter matrix, in place.

    ``params`` is (n_visible + 1, n_hidden + 1): the weights in the top-left
    block, hidden biases in the last row, visible biases in the last column.
    ``grad`` is the summed positive-minus-negative statistic in the same
    layout; ``scale`` turns the sum into a mean. L2 weight decay applies to
    the weights only, never to the biases.
    """
    lr = np.float32(learning_rate)
    mom = np.float32(momentum)
    sc = np.float32(scale)
    decay = np.float32(weight_decay)
    for i in range(n_visible + 1):
        p = params[i]
        v = velocity[i]
        g = grad[i]
        d = decay if i < n_visible else ZERO
        for j in range(n_hidden):
            step = mom * v[j] + lr * (g[j] * sc - d * p[j])
            v[j] = step
            p[j] += step
        # Visible-bias column: no decay.
        step = mom * v[n_hidden] + lr * g[n_hidden] * sc
        v[n_hidden] = step
        p[n_hidden] += step
    # The corner entry belongs to no parameter; keep it exactly zero.
    params[n_visible, n_hidden] = ZERO
    velocity[n_visible, n_hidden] = ZERO


@jit
def sparsity_adjust(grad, hidden_mean, visible_sum, n_rows, target, cost,
                    n_visible, n_hidden):
    """Add the sparsity penalty of Hinton's practical guide to ``grad``.

    The penalty pulls the running mean activation ``hidden_mean`` of each
    hidden unit towards ``target``; its derivative ``cost * (q - target)`` is
    applied to the hidden bias and, weighted by the visible activity, to the
    unit's incoming weights.
    """
    for j in range(n_hidden):
        d = cost * (hidden_mean[j] - target)
        grad[n_visible, j] -= d * n_rows
        for i in range(n_visible):
            grad[i, j] -= d * visible_sum[i]


@jit
def gather_dense(X, rows, out):
    """Copy rows ``rows`` of ``X`` into ``out`` (casting to out's dtype)."""
    m = X.shape[1]
    for k in range(rows.shape[0]):
        r = rows[k]
        for j in range(m):
            out[k, j] = X[r, j]


@jit
def gather_csr(data, indices, indptr, rows, n_cols, out):
    """Densify rows ``rows`` of a CSR matrix with ``n_cols`` columns into ``out``.

    Only the first ``n_cols`` columns of ``out`` are written, so a bias column
    beside them survives.
    """
    m = n_cols
    for k in range(rows.shape[0]):
        for j in range(m):
            out[k, j] = 0.0
        r = rows[k]
        for p in range(indptr[r], indptr[r + 1]):
            out[k, indices[p]] += data[p]


@jit
def _welford_row(row, count, mean, m2):
    # Welford's update: stable for columns whose mean dwarfs their spread.
    inverse = 1.0 / count
    for j in range(row.shape[0]):
        delta = row[j] - mean[j]
        mean[j] += delta * inverse
        m2[j] += delta * (row[j] - mean[j])


@jit
def accumulate_moments_dense(X, count, mean, m2):
    """Add the rows of ``X`` to running column means and sums of squared
    deviations (float64) over ``count`` rows so far; return the new count."""
    row = np.empty(X.shape[1])
    for r in range(X.shape[0]):
        for j in range(X.shape[1]):
            row[j] = X[r, j]
        count += 1
        _welford_row(row, count, mean, m2)
    return count


@jit
def accumulate_moments_csr(data, indices, indptr, n_cols, count, mean, m2):
    """``accumulate_moments_dense`` for CSR rows, densified one row at a time:
    the same operations in the same order, so CSR and dense copies of the same
    data give bit-identical statistics."""
    row = np.zeros(n_cols)
    for r in range(indptr.shape[0] - 1):
        for p in range(indptr[r], indptr[r + 1]):
            row[indices[p]] += data[p]
        count += 1
        _welford_row(row, count, mean, m2)
        for p in range(indptr[r], indptr[r + 1]):
            row[indices[p]] = 0.0
    return count


@jit
def squared_error(a, b):
    """Sum of squared differences of two equally shaped 2-D arrays."""
    n, m = a.shape
    total = 0.0
    for r in range(n):
        for j in range(m):
            d = float(a[r, j]) - float(b[r, j])
            total += d * d
    return total


@jit
def pseudo_likelihood_rows(V, weights, visible_bias, hidden_bias, kind, out):
    """Full log pseudo-likelihood of each row of ``V`` (float64 throughout).

    ``out[r] = sum_i log P(v_i | v_-i)``, where for Bernoulli visible units
    ``P(v_i | v_-i) = sigmoid(F(v with bit i flipped) - F(v))`` and ``F`` is
    the free energy, whose hidden term ``kind`` names (see
    :func:`hidden_term`). Flipping bit i moves each hidden
    pre-activation by
    ``W[i, j] * (1 - 2 v_i)``, so a row costs O(n_visible * n_hidden) and its
    score depends on nothing but the row itself.
    """
    n, n_visible = V.shape
    n_hidden = hidden_bias.shape[0]
    pre = np.empty(n_hidden)
    soft = np.empty(n_hidden)
    for r in range(n):
        for j in range(n_hidden):
            pre[j] = hidden_bias[j]
        for i in range(n_visible):
            vi = V[r, i]
            if vi != 0.0:
                for j in range(n_hidden):
                    pre[j] += vi * weights[i, j]
        for j in range(n_hidden):
            soft[j] = hidden_term(pre[j], kind)
        total = 0.0
        for i in range(n_visible):
            delta = 1.0 - 2.0 * V[r, i]
            # F(flipped) - F(v)
            gap = -visible_bias[i] * delta
            for j in range(n_hidden):
                y = pre[j] + weights[i, j] * delta
                gap -= hidden_term(y, kind) - soft[j]
            total -= softplus(-gap)
        out[r] = total


# ---------------------------------------------------------------- other units


@fast
def relu_rows(act, row_start, row_stop, n_cols, negate):
    """Mean-field rectified units in place: ``max(0, x)`` (negated if asked)."""
    sign = -ONE if negate else ONE
    for r in range(row_start, row_stop):
        row = act[r]
        for j in range(n_cols):
            x = row[j]
            row[j] = sign * (x if x > ZERO else ZERO)


@fast
def relu_sample_rows(act, row_start, row_stop, n_cols, normals, samples, negate):
    """Noisy rectified units (Nair & Hinton, 2010) on ``act[row_start:row_stop]``.

    The mean-field value ``max(0, x)`` replaces the pre-activation in ``act``
    (negated if asked) and ``samples[k]`` receives
    ``max(0, x + sqrt(sigmoid(x)) * normal)``.
    """
    sign = -ONE if negate else ONE
    for k in range(row_stop - row_start):
        row = act[row_start + k]
        z = normals[k]
        out = samples[k]
        for j in range(n_cols):
            x = row[j]
            noisy = x + np.sqrt(sigmoid32(x)) * z[j]
            out[j] = noisy if noisy > ZERO else ZERO
            row[j] = sign * (x if x > ZERO else ZERO)


@fast
def linear_rows(act, row_start, row_stop, n_cols, negate):
    """Mean of linear units: the input itself (negated in place if asked)."""
    if negate:
        for r in range(row_start, row_stop):
            row = act[r]
            for j in range(n_cols):
                row[j] = -row[j]


@fast
def linear_sample_rows(act, row_start, row_stop, n_cols, normals, samples, negate):
    """Linear units with unit-variance Gaussian noise (the code layer of
    Hinton & Salakhutdinov 2006): ``samples[k] = x + normal``; the mean ``x``
    stays in ``act`` (negated if asked)."""
    sign = -ONE if negate else ONE
    for k in range(row_stop - row_start):
        row = act[row_start + k]
        z = normals[k]
        out = samples[k]
        for j in range(n_cols):
            x = row[j]
            out[j] = x + z[j]
            row[j] = sign * x


@fast
def add_noise_rows(act, row_start, row_stop, n_cols, normals):
    """Gaussian visible units with unit variance: ``act += normal`` (a sample)."""
    for k in range(row_stop - row_start):
        row = act[row_start + k]
        z = normals[k]
        for j in range(n_cols):
            row[j] += z[j]


@jit
def _steppedsoftplus(x):
    """``sum_{k>=1} softplus(x - k + 0.5)``: the free-energy term of a rectified
    unit, seen as the sum of binary units with shared weights and biases offset
    by 0.5, 1.5, ... (the stepped sigmoid units that noisy ReLUs approximate).

    Terms whose argument exceeds 30 equal their argument to within e^-30; they
    are summed in closed form, so the cost stays O(1) for any x.
    """
    total = 0.0
    # Indices k with x - k + 0.5 > 29.5... form an arithmetic series, summed in
    # closed form; the rest (about 60 terms) are added one by one, counting y
    # down from below 30 so that the loop ends even where x - k == x in
    # floating point (|x| > 2^53).
    y = x - 0.5
    if x > 30.5:
        # np.floor stays in float64 (math.floor would go through int64 and
        # overflow for x > 2^63).
        n_linear = np.floor(x - 29.5)
        last = x - n_linear + 0.5
        total += 0.5 * n_linear * (y + last)
        y = min(max((x - 29.5) - n_linear + 29.0, 29.0), 30.0)
    # At most ~61 terms remain; the bound guarantees the loop ends for any x.
    for _ in range(64):
        total += softplus(y)
        y -= 1.0
        if y < -30.0:
            break
    return total


_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)


@jit
def hidden_term(x, kind):
    """``log`` of the integral (or sum) over one hidden unit's states of
    ``exp(h x)`` times its base measure: softplus for binary units, the
    stepped softplus for rectified ones, ``x^2 / 2 + log(2 pi) / 2`` for
    linear units with unit-variance Gaussian noise."""
    if kind == SOFTPLUS:
        return softplus(x)
    if kind == STEPPED_SOFTPLUS:
        return _steppedsoftplus(x)
    return 0.5 * x * x + _HALF_LOG_2PI


@jit
def hidden_free_energy_rows(pre_hidden, kind, out):
    """``out[r] = sum_j hidden_term(pre_hidden[r, j], kind)``."""
    n, m = pre_hidden.shape
    for r in range(n):
        s = 0.0
        for j in range(m):
            s += hidden_term(float(pre_hidden[r, j]), kind)
        out[r] = s


@jit
def flipped_free_energy_gaps(pre_hidden, X, W, visible_bias, kind, out):
    """``out[r] = F(x'_r) - F(x_r)`` where ``x'_r`` is row ``r`` with feature
    ``r mod n_visible`` replaced by ``1 - x``: the pseudo-likelihood monitor's
    free-energy differences for Bernoulli visible units, from one up pass.

    ``pre_hidden`` holds ``x_r W + c``. With ``s = 1 - 2 x_ri`` the flip
    moves the visible term ``-b.x`` by ``-s b_i`` and the hidden inputs by
    ``s W_i``, so no second product is needed.
    """
    n, m = pre_hidden.shape
    n_visible = X.shape[1]
    for r in range(n):
        i = r % n_visible
        s = 1.0 - 2.0 * X[r, i]
        if kind == SOFTPLUS:
            hidden = _softplus_differences(pre_hidden[r], W[i], s)
        else:
            hidden = 0.0
            for j in range(m):
                a = pre_hidden[r, j]
                hidden += hidden_term(a + s * W[i, j], kind) - hidden_term(a, kind)
        out[r] = -s * visible_bias[i] - hidden


@fast
def _softplus_differences(a, w, s):
    """``sum_j softplus(a_j + s w_j) - softplus(a_j)``, vectorised.

    ``softplus(x) = max(x, 0) + log(1 + exp(-|x|))``: the linear parts in
    float64, the bounded parts (at most log 2 each, so float32 loses nothing
    that matters to a monitor) as one ``log`` of a ratio of products per
    block of terms.
    """
    m = a.shape[0]
    total = 0.0
    for start in range(0, m, SOFTPLUS_BLOCK):
        stop = min(start + SOFTPLUS_BLOCK, m)
        flipped, kept = 1.0, 1.0
        for j in range(start, stop):
            x0 = a[j]
            x1 = x0 + s * w[j]
            total += max(x1, 0.0) - max(x0, 0.0)
            flipped *= 1.0 + exp_neg_abs32(np.float32(x1))
            kept *= 1.0 + exp_neg_abs32(np.float32(x0))
        total += math.log(flipped / kept)
    return total


# ------------------------------------------------- learned Gaussian variances


@fast
def scale_columns_rows(act, row_start, row_stop, n_cols, factors):
    """``act[r, i] *= factors[i]`` for rows in [row_start, row_stop)."""
    for r in range(row_start, row_stop):
        row = act[r]
        for i in range(n_cols):
            row[i] *= factors[i]


@fast
def add_scaled_noise_rows(act, row_start, row_stop, n_cols, normals, std):
    """Gaussian samples of per-feature standard deviation ``std``: ``act += std * z``."""
    for k in range(row_stop - row_start):
        row = act[row_start + k]
        z = normals[k]
        for i in range(n_cols):
            row[i] += std[i] * z[i]


@jit
def log_variance_gradient(vis_scaled, means, n, variance, visible_bias, model_is_mean, out):
    """Summed CD statistic for the log-variances ``z_i = log sigma_i^2``.

    ``d(-E)/dz_i = exp(-z_i) * ((v_i - b_i)^2 / 2 - v_i * (W h)_i)``, data rows
    minus model rows. ``vis_scaled`` holds ``v / sigma^2`` (rows [0, n) data,
    [n, 2n) model); ``means`` holds ``b + W h`` for data rows and its negation
    for model rows, as the stacked layout produces them. When the model rows
    are mean-field values rather than samples (the last step of CD), the
    expectation of ``(v_i - b_i)^2 / 2`` under the Gaussian also holds
    ``sigma_i^2 / 2``, which is added here; without it CD's variances grow
    without bound.
    """
    n_vis = out.shape[0]
    for i in range(n_vis):
        out[i] = 0.0
    for r in range(2 * n):
        sign = 1.0 if r < n else -1.0
        for i in range(n_vis):
            v = vis_scaled[r, i] * variance[i]
            b = visible_bias[i]
            wh = sign * means[r, i] - b
            d = v - b
            out[i] += sign * (0.5 * d * d - v * wh)
    if model_is_mean:
        for i in range(n_vis):
            out[i] -= 0.5 * n * variance[i]
    for i in range(n_vis):
        out[i] /= variance[i]
