"""Training a classification RBM: the epoch loop over minibatches, with its
objective (discriminative, generative or hybrid), semi-supervised rows,
learning-rate schedule, divergence check and monitor.

Works on a :class:`~dbn._generative.class_rbm.ClassRBMParams` in place and
returns the history; ``RBMClassifier`` validates, calls and publishes.
"""

import dataclasses
import time

import numpy as np
from scipy.special import expit

from ..exceptions import DivergenceError
from .class_rbm_step import ClassRBMStep


def _sample_bernoulli(mean, rng):
    return (rng.random(mean.shape) < mean).astype(np.float64)


def _sample_gaussian(mean, rng):
    return mean + rng.standard_normal(mean.shape)


#: The visible units' mean and sample, by kind (Gaussian: standardised, unit variance).
VISIBLE_MEAN = {"bernoulli": expit, "gaussian": lambda pre: pre}
VISIBLE_SAMPLE = {"bernoulli": _sample_bernoulli, "gaussian": _sample_gaussian}

#: Rows of the labeled set whose log p(y | x) the generative objective monitors.
MONITOR_ROWS = 2000


@dataclasses.dataclass(frozen=True)
class ClassRBMSettings:
    """What one training run needs from an ``RBMClassifier``'s parameters."""

    name: str
    objective: str
    generative_weight: float
    unlabeled_weight: float
    learning_rate: float
    learning_rate_schedule: str
    batch_size: int
    n_iter: int
    cd_steps: int
    momentum: float
    weight_decay: float
    shuffle: bool
    verbose: int

    @property
    def discriminative(self):
        return self.objective in ("hybrid", "discriminative")

    @property
    def weight_of_generative(self):
        return {"hybrid": self.generative_weight, "generative": 1.0,
                "discriminative": 0.0}[self.objective]


def train(settings, source, codes, rows, params, visible, rng):
    """Train ``params`` (float32, C-contiguous) in place for
    ``settings.n_iter`` epochs over ``rows`` (label codes ``codes``, -1 for
    unlabeled rows); returns the history."""
    s = settings
    B = min(s.batch_size, len(rows))
    step = ClassRBMStep(params, B, visible,
                        discriminative_weight=1.0 if s.discriminative else 0.0,
                        labeled_weight=s.weight_of_generative,
                        unlabeled_weight=s.unlabeled_weight, cd_steps=s.cd_steps)
    history = {"log_conditional": [], "epoch_time": []}
    for epoch in range(s.n_iter):
        start = time.perf_counter()
        total, n_labeled = 0.0, 0
        batches = source.batches(B, rng, s.shuffle, rows=rows)
        for i, batch in enumerate(batches):
            n = len(batch)
            source.read(batch, step.input_buffer)
            batch_total, batch_labeled = step.gradient(codes[batch], rng)
            total += batch_total
            n_labeled += batch_labeled
            rate = s.learning_rate
            if s.learning_rate_schedule == "linear":
                rate *= 1.0 - (epoch + i / len(batches)) / s.n_iter
            step.update(n, rate, s.momentum, s.weight_decay)
        if not all(np.isfinite(a).all() for a in params.arrays()):
            raise DivergenceError(
                f"{s.name} diverged in epoch {epoch + 1}: the parameters "
                f"became NaN or infinite with learning rate {s.learning_rate:g}. "
                f"Lower learning_rate (e.g. to {s.learning_rate / 10:g}).",
                epoch=epoch + 1, learning_rate=s.learning_rate)
        if not s.discriminative:
            labeled_rows = rows[codes[rows] >= 0][:MONITOR_ROWS]
            total = step.log_conditional(source, labeled_rows, codes)
            n_labeled = len(labeled_rows)
        history["log_conditional"].append(total / max(n_labeled, 1))
        history["epoch_time"].append(time.perf_counter() - start)
        if s.verbose:
            print(f"[{s.name}] epoch {epoch + 1}: mean log p(y|x) "
                  f"{history['log_conditional'][-1]:.4f}, "
                  f"{history['epoch_time'][-1]:.2f} s", flush=True)
    return history
