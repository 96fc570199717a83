"""Contrastive divergence (CD-k and persistent CD) for RBMs.

The parameters live in one augmented float32 matrix ``P`` of shape
``(n_visible + 1, n_hidden + 1)``::

    P[:V, :H] = W          (weights, visible x hidden)
    P[V, :H]  = c          (hidden biases)
    P[:V, H]  = b          (visible biases)
    P[V, H]   = 0

With a constant column of ones appended to visible and hidden states, every
product ``[v, 1] @ P[:, :H]`` already includes the bias, and the whole
gradient (weights and both biases) is a single product of stacked
positive/negative states::

    [v_data; v_model].T @ [h_data, +1; -h_model, -1]

so a CD-1 update is exactly five BLAS products and a few fused Numba loops,
without any per-batch allocation.
"""

import numpy as np

from .._utils.lazy import lazy_import
from .units import units

_kernels = lazy_import("dbn._kernels.rbm")
_common = lazy_import("dbn._kernels.common")


def pack_params(weights_vh, hidden_bias, visible_bias):
    """Assemble the augmented parameter matrix from its parts (float32 copy)."""
    n_visible, n_hidden = weights_vh.shape
    P = np.zeros((n_visible + 1, n_hidden + 1), dtype=np.float32)
    P[:n_visible, :n_hidden] = weights_vh
    P[n_visible, :n_hidden] = hidden_bias
    P[:n_visible, n_hidden] = visible_bias
    return P


class CDWorkspace:
    """Preallocated buffers and the update step of CD-k / PCD-k.

    Parameters
    ----------
    n_visible, n_hidden, batch_size : int
        Shapes of the model and the largest minibatch.
    visible_units, hidden_units : str or Units
        The layers' unit types (see ``dbn._rbm.units``).
    """

    def __init__(self, n_visible, n_hidden, batch_size, visible_units="bernoulli",
                 hidden_units="bernoulli"):
        V, H, B = n_visible, n_hidden, batch_size
        self.n_visible, self.n_hidden, self.batch_size = V, H, B
        self.visible = units(visible_units)
        self.hidden = units(hidden_units)
        f32 = np.float32
        # Rows [0, n) hold the data, rows [n, 2n) the model's negative states.
        self.vis = np.zeros((2 * B, V + 1), dtype=f32)
        self.vis[:, V] = 1.0
        self.hid = np.zeros((2 * B, H + 1), dtype=f32)
        self.h_sample = np.zeros((B, H + 1), dtype=f32)
        self.h_sample[:, H] = 1.0
        self.u_hid = np.empty((B, H), dtype=f32)
        self.u_vis = np.empty((B, V), dtype=f32)
        self.grad = np.empty((V + 1, H + 1), dtype=f32)
        self.visible_sum = np.empty(V, dtype=np.float64)
        self.hidden_sum = np.empty(H, dtype=np.float64)
        self._layout_rows = -1
        # Learned Gaussian variances (set per step when the model has them).
        self.variance = None
        self.inv_variance = None
        self.std = None
        self.means = None

    def _set_layout(self, n):
        # The sign column of the hidden states weights data rows +1 and
        # model rows -1 in the stacked gradient product.
        if n != self._layout_rows:
            H = self.n_hidden
            self.hid[:n, H] = 1.0
            self.hid[n:2 * n, H] = -1.0
            self._layout_rows = n

    def step(self, P, velocity, n, rng, *, cd_steps, chains, learning_rate,
             momentum, weight_decay, sparsity_target, sparsity_cost,
             hidden_mean, sparsity_decay=0.9, log_variance=None,
             log_variance_velocity=None):
        """One CD-k (or PCD-k when ``chains`` is given) update from ``vis[:n]``.

        ``chains`` is None for CD, or the (B, H + 1) hidden states of the
        persistent chains (updated in place). ``hidden_mean`` is the running
        mean hidden activity used by the sparsity penalty (updated in place).
        """
        V, H = self.n_visible, self.n_hidden
        vis, hid = self.vis, self.hid
        self._set_layout(n)
        if log_variance is not None:
            self.variance = np.exp(log_variance).astype(np.float32)
            self.inv_variance = (1.0 / self.variance).astype(np.float32)
            self.std = np.sqrt(self.variance).astype(np.float32)
            _kernels.scale_columns_rows(vis, 0, n, V, self.inv_variance)
        else:
            self.variance = None
        W_up = P[:, :H]          # (V + 1, H): [v, 1] @ W_up = v W + c
        W_down = P[:V, :].T      # (H + 1, V): [h, 1] @ W_down = h W^T + b

        # Positive phase: hidden means and a sample driven by the data.
        np.matmul(vis[:n], W_up, out=hid[:n, :H])
        self._sample_hidden(0, n, self.h_sample, False, rng)

        # Negative phase: k alternating Gibbs steps from the data's sample
        # (CD) or from the persistent chains (PCD).
        state = self.h_sample if chains is None else chains
        for step in range(cd_steps):
            last = step == cd_steps - 1
            np.matmul(state[:n], W_down, out=vis[n:2 * n, :V])
            if last and chains is None:
                # Mean-field reconstruction: lower variance, no bias.
                self._visible_mean(n, 2 * n)
            else:
                self._sample_visible(n, 2 * n, rng)
            np.matmul(vis[n:2 * n], W_up, out=hid[n:2 * n, :H])
            if last and chains is None:
                self._hidden_mean(n, 2 * n, True)
            else:
                self._sample_hidden(n, 2 * n, state, last, rng)

        if log_variance is not None:
            self._variance_step(P, n, log_variance, log_variance_velocity,
                                learning_rate, momentum, model_is_mean=chains is None)
        np.matmul(vis[:2 * n].T, hid[:2 * n], out=self.grad)
        if sparsity_cost > 0.0:
            _common.column_sums(hid[:n, :H], self.hidden_sum)
            hidden_mean *= sparsity_decay
            hidden_mean += (1.0 - sparsity_decay) * self.hidden_sum / n
            _common.column_sums(vis[:n, :V], self.visible_sum)
            _kernels.sparsity_adjust(self.grad, hidden_mean, self.visible_sum, n,
                                     sparsity_target, sparsity_cost, V, H)
        _kernels.momentum_update(P, velocity, self.grad, 1.0 / n, learning_rate,
                                 momentum, weight_decay, V, H)

    # The unit types do the elementwise work; learned variances add a
    # scaling: the state carried into the up pass is v / sigma^2.
    def _sample_hidden(self, start, stop, samples, negate, rng):
        self.hidden.sample_hidden_rows(self.hid, start, stop, self.n_hidden, rng,
                                       self.u_hid[:stop - start], samples, negate)

    def _hidden_mean(self, start, stop, negate):
        self.hidden.mean_rows(self.hid, start, stop, self.n_hidden, negate)

    def _sample_visible(self, start, stop, rng):
        self.visible.sample_visible_rows(self.vis, start, stop, self.n_visible, rng,
                                         self.u_vis[:stop - start],
                                         None if self.variance is None else self.std)
        if self.variance is not None:
            _kernels.scale_columns_rows(self.vis, start, stop, self.n_visible,
                                        self.inv_variance)

    def _visible_mean(self, start, stop):
        self.visible.mean_rows(self.vis, start, stop, self.n_visible)
        if self.variance is not None:
            _kernels.scale_columns_rows(self.vis, start, stop, self.n_visible,
                                        self.inv_variance)

    # Bounds on the learned variances: beyond them CD's variance updates are
    # known to run away (Cho et al. 2011); standardised data sit far inside.
    LOG_VARIANCE_BOUNDS = (np.log(1e-2), np.log(1e2))

    def _variance_step(self, P, n, log_variance, velocity, learning_rate, momentum,
                       model_is_mean):
        V = self.n_visible
        if self.means is None:
            self.means = np.empty((2 * self.batch_size, V), dtype=np.float32)
            self.log_variance_grad = np.empty(V, dtype=np.float64)
        means = self.means[:2 * n]
        np.matmul(self.hid[:2 * n], P[:V, :].T, out=means)
        _kernels.log_variance_gradient(self.vis, means, n, self.variance, P[:V, -1],
                                       model_is_mean, self.log_variance_grad)
        velocity *= momentum
        velocity += learning_rate * self.log_variance_grad / n
        log_variance += velocity
        np.clip(log_variance, *self.LOG_VARIANCE_BOUNDS, out=log_variance)


def mean_field_reconstruction(X32, P, visible_units="bernoulli", hidden_units="bernoulli",
                              variance=None):
    """Mean-field down-up pass ``E[v | E[h | X]]`` for a float32 block (monitoring)."""
    V, H = P.shape[0] - 1, P.shape[1] - 1
    n = X32.shape[0]
    hid = np.empty((n, H + 1), dtype=np.float32)
    hid[:, H] = 1.0
    up = X32 if variance is None else (X32 / variance).astype(np.float32)
    np.matmul(up, P[:V, :H], out=hid[:, :H])
    hid[:, :H] += P[V, :H]
    units(hidden_units).mean_rows(hid, 0, n, H)
    vis = hid @ P[:V, :].T
    units(visible_units).mean_rows(vis, 0, n, V)
    return vis
