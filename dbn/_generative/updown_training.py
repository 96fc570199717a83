"""Training a generative DBN's untied weights with up-down (contrastive
wake-sleep, Hinton, Osindero & Teh 2006): the epoch loop over labeled
minibatches, the CD schedule at the top, the divergence check and the
``log p(y | x)`` monitor. ``GenerativeDBNClassifier`` validates, calls and
publishes; :mod:`~dbn._generative.updown` is one step.
"""

import dataclasses
import time

import numpy as np
from scipy.special import log_softmax

from .._data import iter_blocks, to_dense
from ..exceptions import DivergenceError
from . import class_rbm as top_model
from . import updown as _updown

#: Labeled rows whose log p(y | x) is monitored after each epoch.
MONITOR_ROWS = 2000
#: Rows per block of the recognition pass over a subset.
_UP_ROWS = 4096


@dataclasses.dataclass(frozen=True)
class UpDownSettings:
    """What up-down needs from a ``GenerativeDBNClassifier``'s parameters."""

    name: str
    n_epochs: int
    batch_size: int
    cd_schedule: list  # CD steps at the top, spread over the epochs
    learning_rate: float
    momentum: float
    weight_decay: float
    generative_weight: float | None  # None: the top's generative term alone
    shuffle: bool
    verbose: int


def up(source, params, rows=None):
    """Recognition probabilities of the top RBM's visible layer (``pen``) for
    ``rows`` of ``source`` (all rows by default)."""
    if rows is None:
        parts = [_updown.up_pass(to_dense(block), params) for _, _, block in
                 iter_blocks(source)]
        return np.concatenate(parts)
    out = []
    for start in range(0, len(rows), _UP_ROWS):
        chunk = rows[start:start + _UP_ROWS]
        block = np.empty((len(chunk), source.n_features), dtype=np.float32)
        source.read(chunk, block)
        out.append(_updown.up_pass(block, params))
    return np.concatenate(out)


def train(settings, source, codes, labeled, params, rng):
    """Up-down on ``params`` in place over the ``labeled`` rows; returns the history."""
    s = settings
    B = min(s.batch_size, len(labeled))
    buffer = np.empty((B, source.n_features), dtype=np.float32)
    velocity = {}
    history = {"log_conditional": [], "epoch_time": []}
    monitor = labeled[:MONITOR_ROWS]
    schedule = s.cd_schedule
    for epoch in range(s.n_epochs):
        start = time.perf_counter()
        k = schedule[epoch * len(schedule) // s.n_epochs]
        for batch in source.batches(B, rng, s.shuffle, rows=labeled):
            n = len(batch)
            source.read(batch, buffer)
            _updown.updown_step(buffer[:n].astype(np.float64), codes[batch], params,
                                velocity, rng, k, s.learning_rate, s.momentum,
                                s.weight_decay, s.generative_weight)
        arrays = [*params.R, *params.r, *params.G, *params.g, *params.top.arrays()]
        if not all(np.isfinite(a).all() for a in arrays):
            raise DivergenceError(
                f"{s.name} diverged in up-down epoch {epoch + 1}: the parameters became "
                f"NaN or infinite with updown_learning_rate={s.learning_rate}. "
                f"Lower it (e.g. to {s.learning_rate / 10:g}).",
                epoch=epoch + 1, learning_rate=s.learning_rate)
        logits = top_model.logits(up(source, params, rows=monitor), params.top)
        picked = log_softmax(logits, axis=1)[np.arange(len(monitor)), codes[monitor]]
        history["log_conditional"].append(float(picked.mean()))
        history["epoch_time"].append(time.perf_counter() - start)
        if s.verbose:
            print(f"[{s.name}] up-down epoch {epoch + 1} (CD-{k} at the top): mean log "
                  f"p(y|x) {history['log_conditional'][-1]:.4f}, "
                  f"{history['epoch_time'][-1]:.2f} s", flush=True)
    return history
