"""The training step of a classification RBM in float32, without allocations.

:class:`ClassRBMStep` holds the minibatch buffers and computes one update of
the objective (discriminative, generative or hybrid, with unlabeled rows)
that :mod:`~dbn._generative.class_rbm` defines in float64 for reference:
the products go to BLAS in float32, everything over (row, class, hidden
unit) triples to the fused kernels of ``dbn._kernels.class_rbm``.

Every term of the weights' gradient is an outer product with an input row:
the discriminative term and the positive generative term with the data row,
the negative term with its reconstruction. So the rows ``[x_1..x_n,
x'_1..x'_n]`` are stacked in ``right`` and their coefficients in ``left``,
and the gradient of ``W`` is the single product ``left.T @ right`` (that of
the hidden biases, the column sums of ``left``), as in the RBMs' CD step.
"""

import numpy as np

from .._utils.lazy import lazy_import

K = lazy_import("dbn._kernels.class_rbm")
_common = lazy_import("dbn._kernels.common")


class ClassRBMStep:
    """Buffers and the update of one minibatch, over float32 parameters.

    Parameters
    ----------
    params : ClassRBMParams
        float32, C-contiguous; updated in place by :meth:`update`.
    batch_size : int
        The largest minibatch.
    visible : {'bernoulli', 'gaussian'}
        The input units (Gaussian: standardised, unit variance).
    discriminative_weight, labeled_weight, unlabeled_weight : float
        Weights of ``log p(y | x)`` and of ``log p(x, y)`` for labeled rows,
        and of ``log p(x)`` for unlabeled rows.
    cd_steps : int
    """

    def __init__(self, params, batch_size, visible, discriminative_weight, labeled_weight,
                 unlabeled_weight, cd_steps):
        for name, a in zip("WUbcd", params.arrays(), strict=True):
            if a.dtype != np.float32 or not a.flags.c_contiguous:
                raise ValueError(f"parameter {name} is not a C-contiguous float32 array")
        self.params = params
        H, V = params.W.shape
        Kc = params.U.shape[1]
        B = batch_size
        f32 = np.float32
        self.batch_size = B
        self.sigmoid_visible = visible == "bernoulli"
        self.discriminative_weight = float(discriminative_weight)
        self.labeled_weight = float(labeled_weight)
        self.unlabeled_weight = float(unlabeled_weight)
        self.cd_steps = cd_steps
        # Rows [0, n): the minibatch; rows [n, 2n): its reconstructions.
        self.right = np.zeros((2 * B, V), dtype=f32)
        self.left = np.zeros((2 * B, H), dtype=f32)
        self.A = np.empty((B, H), dtype=f32)
        self.S = np.empty((B if self.discriminative_weight > 0 else 0, Kc, H), dtype=f32)
        self.L = np.empty((B, Kc))
        self.class_logits = np.empty((B, Kc), dtype=f32)
        self.h = np.empty((B, H), dtype=f32)
        self.uniforms = np.empty((B, H), dtype=f32)
        self.class_uniforms = np.empty(B)
        self.codes = np.empty(B, dtype=np.int64)
        self.neg_codes = np.empty(B, dtype=np.int64)
        self.row_weights = np.empty(B)
        self.scratch_K = np.empty(Kc)
        self.scratch_V = np.empty(V)
        self.UT = np.empty((Kc, H), dtype=f32)
        # Gradients (sums over the minibatch) and velocities.
        self.gW = np.empty((H, V), dtype=f32)
        self.gUT = np.empty((Kc, H), dtype=f32)
        self.gb = np.empty(V, dtype=f32)
        self.gc = np.empty(H, dtype=f32)
        self.gd = np.empty(Kc)
        self.gd32 = np.empty(Kc, dtype=f32)
        self.velocity = [np.zeros_like(a) for a in params.arrays()]

    @property
    def input_buffer(self):
        """Where the caller reads the minibatch's rows (the first ``n`` rows)."""
        return self.right

    def gradient(self, codes, rng):
        """The summed gradient of the objective over the minibatch in
        ``input_buffer[:n]`` (``codes``: label codes, -1 for unlabeled rows),
        into ``gW``, ``gUT``, ``gb``, ``gc``, ``gd``. Returns ``sum log p(y |
        x)`` over the labeled rows and their number (0, 0 without a
        discriminative term)."""
        p = self.params
        n = len(codes)
        if n > self.batch_size:
            raise ValueError(f"a minibatch of {n} rows exceeds the buffers' {self.batch_size}")
        W, U = p.W, p.U
        right, left, A = self.right, self.left, self.A
        np.copyto(self.UT, U.T)
        self.codes[:n] = codes
        labeled = codes >= 0
        row_weights = self.row_weights[:n]
        row_weights[:] = np.where(labeled, self.labeled_weight, self.unlabeled_weight)
        generative = bool(np.any(row_weights > 0))
        discriminative = self.discriminative_weight > 0 and bool(labeled.any())
        need_logits = discriminative or (generative and not labeled.all())
        self.gUT.fill(0.0)
        self.gd.fill(0.0)
        self.gb.fill(0.0)

        np.matmul(right[:n], W.T, out=A[:n])        # x W^T; kernels add c
        if need_logits:
            K.class_terms(A, p.c, self.UT, p.d, n, discriminative, self.L, self.S)
        total, count = 0.0, 0
        if discriminative:
            total, count = K.discriminative_rows(self.S, self.L, self.codes, n,
                                                 self.discriminative_weight, left,
                                                 self.gUT, self.gd, self.scratch_K)
        else:
            left[:n].fill(0.0)
        rows = n
        if generative:
            self._generative(n, labeled, rng)
            rows = 2 * n
        np.matmul(left[:rows].T, right[:rows], out=self.gW)
        _common.column_sums(left[:rows], self.gc)
        return total, count

    def _generative(self, n, labeled, rng):
        p = self.params
        W, U = p.W, p.U
        right, left, A, h = self.right, self.left, self.A, self.h
        codes = self.codes[:n]
        if not labeled.all():
            # Unlabeled rows: their class is drawn from p(y | x).
            rng.random(out=self.class_uniforms[:n])
            drawn = np.empty(n, dtype=np.int64)
            K.sample_class_rows(self.L, n, self.class_uniforms, drawn)
            codes[~labeled] = drawn[~labeled]
        rng.random(out=self.uniforms[:n], dtype=np.float32)
        K.class_hidden_rows(A, p.c, self.UT, self.codes, n, self.uniforms, h, True,
                            self.row_weights, 1.0, left, self.gUT, self.gd)
        negative = right[n:2 * n]
        for step in range(self.cd_steps):
            last = step == self.cd_steps - 1
            np.matmul(h[:n], U, out=self.class_logits[:n])
            self.class_logits[:n] += p.d
            rng.random(out=self.class_uniforms[:n])
            K.sample_class_rows(self.class_logits, n, self.class_uniforms, self.neg_codes)
            np.matmul(h[:n], W, out=negative)
            K.add_bias_rows(negative, p.b, n, self.sigmoid_visible)
            np.matmul(negative, W.T, out=A[:n])
            if last:
                left[n:2 * n].fill(0.0)
            rng.random(out=self.uniforms[:n], dtype=np.float32)
            K.class_hidden_rows(A, p.c, self.UT, self.neg_codes, n, self.uniforms, h, last,
                                self.row_weights, -1.0, left[n:], self.gUT, self.gd)
        K.weighted_difference_sums(right, n, self.row_weights, self.gb, self.scratch_V)

    def log_conditional(self, source, rows, codes):
        """``sum log p(y_r | x_r)`` over ``rows`` of ``source`` (labels
        ``codes[rows]``), in minibatches through the training buffers."""
        p = self.params
        np.copyto(self.UT, p.U.T)
        total = 0.0
        for start in range(0, len(rows), self.batch_size):
            part = rows[start:start + self.batch_size]
            n = len(part)
            source.read(part, self.right)
            np.matmul(self.right[:n], p.W.T, out=self.A[:n])
            K.class_terms(self.A, p.c, self.UT, p.d, n, False, self.L, self.S)
            L = self.L[:n]
            top = L.max(axis=1)
            log_norm = top + np.log(np.exp(L - top[:, None]).sum(axis=1))
            total += float(np.sum(L[np.arange(n), codes[part]] - log_norm))
        return total

    def update(self, n_rows, learning_rate, momentum, weight_decay):
        """Momentum ascent on the mean of the gradient over ``n_rows``; L2 on
        the weights ``W`` and ``U`` only."""
        p, (vW, vU, vb, vc, vd) = self.params, self.velocity
        scale = 1.0 / n_rows
        K.momentum_step32(p.W, vW, self.gW, scale, learning_rate, momentum, weight_decay)
        K.momentum_step32_transposed(p.U, vU, self.gUT, scale, learning_rate, momentum,
                                     weight_decay)
        K.momentum_step32(p.b, vb, self.gb, scale, learning_rate, momentum, 0.0)
        K.momentum_step32(p.c, vc, self.gc, scale, learning_rate, momentum, 0.0)
        np.copyto(self.gd32, self.gd)  # float64 sums, the float32 kernel's type
        K.momentum_step32(p.d, vd, self.gd32, scale, learning_rate, momentum, 0.0)
