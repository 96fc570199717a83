"""Training an RBM: its state, the epochs of CD-k / PCD-k and their monitors.

The RBM estimators validate the data, build a :class:`CDSettings` from their
parameters and a :class:`TrainingState` (fresh, or resumed from what a
previous fit kept), call :func:`train` and publish the result. Nothing here
knows an estimator class.
"""

import time
from dataclasses import dataclass, field, fields

import numpy as np

from .._utils.lazy import lazy_import
from .._utils.random import copy_generator, make_generator
from ..exceptions import DivergenceError
from . import likelihood as _likelihood
from .cd import CDWorkspace, mean_field_reconstruction, pack_params

_kernels = lazy_import("dbn._kernels.rbm")

# Rows of the training data on which the per-epoch reconstruction error is
# measured: spread evenly over the data, fixed for the whole fit, no RNG used.
MONITOR_ROWS = 1000


@dataclass(frozen=True)
class CDSettings:
    """How an RBM is trained (from an estimator's parameters)."""

    name: str
    visible: object
    hidden: object
    learning_rate: float
    batch_size: int
    cd_steps: int
    persistent: bool
    momentum: float
    initial_momentum: float
    momentum_warmup: int
    weight_decay: float
    sparsity_target: float
    sparsity_cost: float
    shuffle: bool
    verbose: int


@dataclass
class TrainingState:
    """Everything training changes.

    During a fit it lives apart from the estimator, so that a failed fit
    leaves the estimator as it was. Afterwards the estimator publishes
    ``params``, ``log_variance``, ``n_iter`` and ``history`` as its public
    attributes and keeps the rest (the optimizer's and sampler's state) as
    ``_training_state``; :func:`resume` rebuilds a full state from both, so
    that edits to the public attributes count.
    """

    velocity: np.ndarray
    rng: np.random.Generator
    hidden_mean: np.ndarray
    base_visible_bias: np.ndarray
    chains: np.ndarray | None = None
    log_variance_velocity: np.ndarray | None = None
    # Working copies of what the estimator publishes:
    params: np.ndarray | None = None
    log_variance: np.ndarray | None = None
    n_iter: int = 0
    history: dict = field(
        default_factory=lambda: {"reconstruction_error": [], "epoch_time": []}
    )

    #: The fields an estimator keeps (and a model file stores).
    KEPT = ("velocity", "rng", "hidden_mean", "base_visible_bias", "chains",
            "log_variance_velocity")

    def kept(self):
        """This state without the published working copies."""
        return TrainingState(**{name: getattr(self, name) for name in self.KEPT})

    @classmethod
    def field_names(cls):
        return {f.name for f in fields(cls)}


def initial_state(settings, n_features, n_components, means, random_state, learn_variance):
    """A fresh state: small random weights, visible biases from the data's means."""
    rng = make_generator(random_state)
    H = n_components
    weights = 0.01 * rng.standard_normal((n_features, H), dtype=np.float32)
    visible_bias = settings.visible.initial_bias(means)
    params = pack_params(weights, np.zeros(H), visible_bias)
    chains = None
    if settings.persistent:
        chains = _fresh_chains(settings.batch_size, H)
    log_variance = None
    if learn_variance:
        # Unit variances to start with: the data are standardised.
        log_variance = np.zeros(n_features)
    return TrainingState(
        params=params,
        velocity=np.zeros_like(params),
        rng=rng,
        hidden_mean=np.full(H, settings.sparsity_target),
        chains=chains,
        log_variance=log_variance,
        log_variance_velocity=None if log_variance is None else np.zeros(n_features),
        base_visible_bias=np.asarray(visible_bias, dtype=np.float64),
    )


def _fresh_chains(batch_size, n_hidden):
    # Chains start with every hidden unit off, i.e. from the independent
    # model given by the visible biases.
    chains = np.zeros((batch_size, n_hidden + 1), dtype=np.float32)
    chains[:, n_hidden] = 1.0
    return chains


def resume(kept, settings, params, log_variance, n_iter, history, random_state):
    """A full state from the published ``params`` (and ``log_variance``,
    ``n_iter``, ``history``) and the ``kept`` part of the last one (None for
    a model without it): copies, so that a failed call changes nothing."""
    V, H = params.shape[0] - 1, params.shape[1] - 1
    velocity = getattr(kept, "velocity", None)
    if velocity is None or velocity.shape != params.shape:
        velocity = np.zeros_like(params)
    chains = getattr(kept, "chains", None)
    if settings.persistent and (chains is None or chains.shape != (settings.batch_size, H + 1)):
        chains = _fresh_chains(settings.batch_size, H)
    rng = getattr(kept, "rng", None)
    if rng is None:
        rng = make_generator(random_state)
    hidden_mean = getattr(kept, "hidden_mean", None)
    if hidden_mean is None or hidden_mean.shape != (H,):
        hidden_mean = np.full(H, settings.sparsity_target)
    velocity_z = None
    if log_variance is not None:
        velocity_z = getattr(kept, "log_variance_velocity", None)
        velocity_z = np.zeros(V) if velocity_z is None else velocity_z.copy()
    base = getattr(kept, "base_visible_bias", None)
    return TrainingState(
        base_visible_bias=params[:V, H].astype(np.float64) if base is None else base,
        log_variance=log_variance,
        log_variance_velocity=velocity_z,
        params=params,
        velocity=velocity.copy(),
        rng=copy_generator(rng),
        hidden_mean=hidden_mean.copy(),
        chains=None if chains is None or not settings.persistent else chains.copy(),
        n_iter=n_iter,
        history={k: list(v) for k, v in (history or {
            "reconstruction_error": [], "epoch_time": []}).items()},
    )


def train(settings, state, source, n_epochs, held_out=None):
    """``n_epochs`` epochs of CD over ``source``, updating ``state`` in place.

    ``held_out`` is a float32 block of held-out rows for the free-energy gap.
    """
    V = source.n_features
    H = state.params.shape[1] - 1
    batch_rows = min(settings.batch_size, source.n_rows)
    workspace = CDWorkspace(V, H, batch_rows, settings.visible, settings.hidden)
    monitor = monitor_block(source)
    # A diverging run is caught by the finiteness check after each epoch,
    # which names the cure; numpy's overflow warnings would only be noise.
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(n_epochs):
            _run_epoch(settings, source, state, workspace, monitor, held_out,
                       epochs_left=n_epochs - epoch - 1)
    return state


def _run_epoch(s, source, state, workspace, monitor, held_out, epochs_left):
    start = time.perf_counter()
    momentum = s.initial_momentum if state.n_iter < s.momentum_warmup else s.momentum
    buffer = workspace.vis
    for rows in source.batches(workspace.batch_size, state.rng, s.shuffle):
        source.read(rows, buffer)
        workspace.step(
            state.params,
            state.velocity,
            rows.shape[0],
            state.rng,
            cd_steps=s.cd_steps,
            chains=state.chains,
            learning_rate=s.learning_rate,
            momentum=momentum,
            weight_decay=s.weight_decay,
            sparsity_target=s.sparsity_target,
            sparsity_cost=s.sparsity_cost,
            hidden_mean=state.hidden_mean,
            log_variance=state.log_variance,
            log_variance_velocity=state.log_variance_velocity,
        )
    state.n_iter += 1
    finite = np.isfinite(state.params).all() and (
        state.log_variance is None or np.isfinite(state.log_variance).all())
    if not finite:
        raise DivergenceError(
            f"{s.name} diverged in epoch {state.n_iter}: the weights "
            f"became NaN or infinite with learning_rate={s.learning_rate}. "
            f"Lower the learning rate (e.g. to {s.learning_rate / 10:g}).",
            epoch=state.n_iter, learning_rate=s.learning_rate,
        )
    elapsed = time.perf_counter() - start
    variance = None if state.log_variance is None else np.exp(state.log_variance)
    recon = mean_field_reconstruction(monitor, state.params, s.visible, s.hidden, variance)
    error = _kernels.squared_error(recon, monitor) / monitor.size
    history = state.history
    history["reconstruction_error"].append(float(error))
    history["epoch_time"].append(elapsed)
    params = likelihood_params(state.params, s.visible, s.hidden, variance)
    message = f"reconstruction error {error:.5f}"
    if s.visible.discrete:
        pl = sampled_pseudo_likelihood(monitor, params)
        history.setdefault("pseudo_likelihood", []).append(pl)
        message += f", pseudo-likelihood {pl:.3f}"
    if held_out is not None:
        gap = float(np.mean(_likelihood.free_energy(held_out.astype(np.float64), params))
                    - np.mean(_likelihood.free_energy(monitor.astype(np.float64), params)))
        history.setdefault("free_energy_gap", []).append(gap)
        message += f", free-energy gap {gap:+.3f}"
    if s.verbose:
        times = history["epoch_time"]
        left = epochs_left * float(np.mean(times[-5:]))
        print(f"[{s.name}] epoch {state.n_iter}: {message}, "
              f"{elapsed:.2f} s, ~{left:.0f} s left", flush=True)


def likelihood_params(P, visible, hidden, variance=None):
    """:class:`~dbn._rbm.likelihood.RBMParams` (float64) of the augmented matrix ``P``."""
    V, H = P.shape[0] - 1, P.shape[1] - 1
    return _likelihood.RBMParams(
        P[:V, :H].astype(np.float64), P[:V, H].astype(np.float64),
        P[V, :H].astype(np.float64), visible=visible, hidden=hidden, variance=variance)


def sampled_pseudo_likelihood(block, params):
    """Pseudo-likelihood estimate ``V * mean_r log P(v_ri | v_r,-i)`` with one
    fixed feature per row (row r flips feature r mod V): cheap enough for an
    every-epoch monitor and comparable across epochs, since no RNG is drawn.
    For Bernoulli visible units (the only ones it is computed for)."""
    X = block.astype(np.float64)
    gap = np.empty(len(X))
    _kernels.flipped_free_energy_gaps(params.up(X) + params.c, X, params.W, params.b,
                                      params.hidden.free_energy_kind, gap)
    return float(X.shape[1] * np.mean(-np.logaddexp(0.0, -gap)))


def monitor_block(source):
    """A fixed float32 sample of training rows for the per-epoch monitors."""
    n = min(source.n_rows, MONITOR_ROWS)
    rows = source.monitor_rows(n)
    block = np.empty((n, source.n_features), dtype=np.float32)
    source.read(rows, block)
    return block
