"""Partition functions, likelihoods and sampling of RBMs (float64, pure functions).

An RBM is described by :class:`RBMParams`: weights ``W`` (n_visible,
n_hidden), visible and hidden biases, optional per-feature visible variances
(Gaussian units with learned variances), and its unit types (``units``),
which supply every term that depends on them. The energy is

    E(v, h) = vis(v) - c.h - (v / var) W h,   vis(v) = -b.v            (Bernoulli)
                                              vis(v) = |v - b|^2 / 2var (Gaussian)

and the free energy ``F(v) = vis(v) - sum_j g(c_j + (v / var) W_j)`` with
``g = softplus`` for binary hidden units or the stepped softplus of rectified
units. Everything here works on those arrays and knows nothing of estimators.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from .units import BERNOULLI

#: Enumeration is refused above this many units in the enumerated layer.
MAX_EXACT_UNITS = 25


@dataclass(frozen=True)
class RBMParams:
    W: np.ndarray
    b: np.ndarray
    c: np.ndarray
    visible: object = BERNOULLI
    hidden: object = BERNOULLI
    variance: np.ndarray | None = None

    @property
    def var(self):
        return np.ones_like(self.b) if self.variance is None else self.variance

    def up(self, V):
        """Hidden input without the bias: ``(v / var) W`` for Gaussian units."""
        return self.visible.hidden_input(V, self.var) @ self.W


def free_energy(V, p):
    return p.visible.visible_term(V, p.b, p.var) - p.hidden.free_energy_term(p.up(V) + p.c)


def _states(n, start, stop):
    """Rows ``start..stop-1`` of the 2^n binary states, as float64."""
    idx = np.arange(start, stop, dtype=np.int64)[:, None]
    return ((idx >> np.arange(n - 1, -1, -1, dtype=np.int64)) & 1).astype(np.float64)


def exact_log_partition(p, chunk=1 << 15):
    """log Z by enumerating the smaller enumerable layer.

    Binary hidden units can be enumerated for any visible units (the
    visible sum or Gaussian integral is closed form); binary visible units
    can be enumerated for any hidden units (through the free energy).
    """
    V, H = p.W.shape
    candidates = []
    if p.hidden.discrete:
        candidates.append(("hidden", H))
    if p.visible.discrete:
        candidates.append(("visible", V))
    if not candidates:
        raise ValueError(
            f"log Z cannot be computed exactly for {p.visible.name} visible and "
            f"{p.hidden.name} hidden units (neither layer is discrete); use method='ais'."
        )
    layer, size = min(candidates, key=lambda t: t[1])
    if size > MAX_EXACT_UNITS:
        raise ValueError(
            f"Exact log Z would enumerate 2^{size} states of the {layer} layer; it is "
            f"refused above {MAX_EXACT_UNITS} units. Use method='ais'."
        )
    parts = []
    for start in range(0, 1 << size, chunk):
        stop = min(start + chunk, 1 << size)
        S = _states(size, start, stop)
        if layer == "visible":
            parts.append(logsumexp(-free_energy(S, p)))
            continue
        m = p.b + S @ p.W.T
        parts.append(logsumexp(S @ p.c + p.visible.summed_log_partition(m, p.b, p.var)))
    log_z = logsumexp(parts)
    if layer == "hidden" and not p.visible.discrete:
        log_z += p.visible.log_normaliser(p.var)
    return float(log_z)


def beta_schedule(n_betas):
    """Inverse temperatures in the proportions of Salakhutdinov & Murray (2008):
    coarse up to 0.5, finer to 0.9, finest to 1 (1/29, 8/29 and 20/29 of them)."""
    n1 = max(n_betas // 29, 2)
    n2 = max(8 * n_betas // 29, 2)
    n3 = max(n_betas - n1 - n2, 2)
    return np.concatenate([
        np.linspace(0.0, 0.5, n1, endpoint=False),
        np.linspace(0.5, 0.9, n2, endpoint=False),
        np.linspace(0.9, 1.0, n3),
    ])


def base_log_partition(p, base_bias):
    """log Z of the base-rate model: no weights, visible bias ``base_bias``."""
    H = p.W.shape[1]
    hidden = H * p.hidden.free_energy_term(np.zeros((1, 1)))[0]
    return float(p.visible.base_log_partition(base_bias, p.var) + hidden)


def sample_visible(mean_input, p, rng):
    """Draw v given its input ``b + W h`` (a mean for Gaussian units)."""
    return p.visible.sample(mean_input, rng, p.var)


def sample_hidden(pre, p, rng):
    return p.hidden.sample(pre, rng)


def ais_log_partition(p, base_bias, n_chains, n_betas, rng):
    """Annealed importance sampling estimate of log Z.

    The path runs through RBMs with weights ``beta W``, hidden biases
    ``beta c`` and visible biases ``(1 - beta) base_bias + beta b``, from the
    base-rate model (beta = 0, exactly normalised) to the model (beta = 1);
    each step adds the log ratio of unnormalised probabilities and moves the
    chains with one Gibbs sweep at the new temperature.

    Returns
    -------
    log_z : float
    log_weights : ndarray of shape (n_chains,)
        Final log importance weights (their spread measures the estimate's).
    """
    betas = beta_schedule(n_betas)
    V, H = p.W.shape
    v = p.visible.sample(np.broadcast_to(base_bias, (n_chains, V)), rng, p.var)
    log_w = np.zeros(n_chains)
    for k in range(1, len(betas)):
        b0, b1 = betas[k - 1], betas[k]
        x = p.up(v) + p.c
        bias0 = (1 - b0) * base_bias + b0 * p.b
        bias1 = (1 - b1) * base_bias + b1 * p.b
        term = p.hidden.free_energy_term
        log_w += (p.visible.visible_term(v, bias0, p.var) - term(b0 * x)) - (
            p.visible.visible_term(v, bias1, p.var) - term(b1 * x))
        h = sample_hidden(b1 * x, p, rng)
        v = sample_visible(bias1 + b1 * (h @ p.W.T), p, rng)
    log_z = base_log_partition(p, base_bias) + logsumexp(log_w) - np.log(n_chains)
    return float(log_z), log_w


def ais_spread(log_w):
    """Standard error of the log Z estimate from the importance weights (delta method)."""
    w = np.exp(log_w - log_w.max())
    return float(np.std(w) / (np.mean(w) * np.sqrt(len(w))))


def gibbs_chain(v, p, n_steps, rng):
    """Run ``n_steps`` sweeps (h | v, then v | h) from ``v``; returns the last v."""
    for _ in range(n_steps):
        h = sample_hidden(p.up(v) + p.c, p, rng)
        v = sample_visible(p.b + h @ p.W.T, p, rng)
    return v
