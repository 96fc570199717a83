"""Supervised fine-tuning of an unrolled net: the epoch loop and when to stop.

:func:`fine_tune` runs backprop over minibatches of the labeled rows with the
optimizer, L2 penalty, dropout, frozen layers, learning-rate schedule and
early stopping given by a :class:`FineTuneSettings`; it updates the layer
arrays in place and returns the monitors the estimators publish.
"""

import time
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from .._stack.pretraining import auto_batch_size
from .._utils.lazy import lazy_import
from .._utils.threads import blas_threads_for
from .._utils.warnings import warn
from ..exceptions import DivergenceError
from .feedforward import FeedForward, batch_loss, predict_block
from .optimizers import AdamOptimizer, SGDOptimizer

_kernels = lazy_import("dbn._kernels.rbm")


@dataclass(frozen=True)
class FineTuneSettings:
    """Everything the loop needs from an estimator's parameters."""

    name: str
    hidden_activation: str
    output_activation: str
    solver: str
    learning_rate: float
    momentum: float
    nesterov: bool
    beta_1: float
    beta_2: float
    epsilon: float
    batch_size: object
    max_iter: int
    alpha: float
    dropout: float
    input_dropout: float
    frozen_layers: int
    early_stopping: bool
    validation_fraction: float
    stratify: bool
    n_iter_no_change: int
    tol: float
    adaptive: bool
    shuffle: bool
    verbose: int
    #: partial_fit: one epoch that continues a run, with no convergence warning.
    incremental: bool = False

    @classmethod
    def from_params(cls, params, name, hidden_activation, output_activation, solver,
                    learning_rate, stratify):
        """Settings from a net's ``get_params(deep=False)`` and what the fit
        resolved (activations, solver and learning rate, stratified split)."""
        return cls(
            name=name, hidden_activation=hidden_activation,
            output_activation=output_activation, solver=solver, learning_rate=learning_rate,
            momentum=params["momentum"], nesterov=params["nesterovs_momentum"],
            beta_1=params["beta_1"], beta_2=params["beta_2"], epsilon=params["epsilon"],
            batch_size=params["batch_size"], max_iter=params["max_iter"],
            alpha=params["alpha"], dropout=params["dropout"],
            input_dropout=params["input_dropout"], frozen_layers=params["frozen_layers"],
            early_stopping=params["early_stopping"],
            validation_fraction=params["validation_fraction"], stratify=stratify,
            n_iter_no_change=params["n_iter_no_change"], tol=params["tol"],
            adaptive=params["learning_rate"] == "adaptive", shuffle=params["shuffle"],
            verbose=params["verbose"])


def choose_solver(solver, learning_rate_init, pretrained_start, is_classifier):
    """The solver and learning rate that 'auto' stands for.

    SGD at 0.1 (Hinton & Salakhutdinov's fine-tuning) suits a classifier
    whose hidden layers start pretrained; from Glorot's initialisation a
    deep sigmoid net trained that way can saturate and stay at chance on
    small data, so it gets scikit-learn's Adam at 1e-3 instead.
    """
    if solver == "auto":
        solver = "sgd" if pretrained_start and is_classifier else "adam"
    rate = learning_rate_init
    if rate == "auto":
        rate = 0.1 if solver == "sgd" else 1e-3
    return solver, float(rate)


class PlateauStopper:
    """When to lower the learning rate or stop, from a value to minimise.

    ``n_iter_no_change`` epochs without an improvement of at least ``tol``
    over the best value so far count as a plateau. With ``adaptive``, the
    first ``MAX_LOWERINGS`` plateaus lower the learning rate (by ``FACTOR``,
    as scikit-learn's ``learning_rate='adaptive'``) and the next one stops;
    otherwise the first plateau stops.
    """

    FACTOR = 5.0
    MAX_LOWERINGS = 3

    def __init__(self, tol, n_iter_no_change, adaptive):
        self.tol = tol
        self.patience = n_iter_no_change
        self.adaptive = adaptive
        self.best = np.inf
        self.waited = 0
        self.lowerings = 0

    def update(self, value):
        """Returns 'continue', 'lower' or 'stop'."""
        if value < self.best - self.tol:
            self.waited = 0
        else:
            self.waited += 1
        self.best = min(self.best, value)
        if self.waited < self.patience:
            return "continue"
        self.waited = 0
        if self.adaptive and self.lowerings < self.MAX_LOWERINGS:
            self.lowerings += 1
            return "lower"
        return "stop"


def split_rows(labeled, targets, rng, settings):
    """Training and validation rows (all labeled rows train without early stopping)."""
    if not settings.early_stopping:
        return labeled, None
    stratify = None
    if settings.stratify:
        codes = targets[labeled].argmax(1) if targets.shape[1] > 1 else targets[labeled, 0]
        counts = np.bincount(codes.astype(np.int64))
        n_val = int(np.ceil(settings.validation_fraction * len(labeled)))
        # Stratify when every class can appear on both sides.
        if counts.min() >= 2 and min(n_val, len(labeled) - n_val) >= len(counts):
            stratify = codes
    seed = int(rng.integers(0, 2**31 - 1))
    train, val = train_test_split(labeled, test_size=settings.validation_fraction,
                                  random_state=seed, stratify=stratify)
    if len(val) < 1 or len(train) < 1:
        raise ValueError(
            f"validation_fraction={settings.validation_fraction} leaves no rows for "
            f"training or validation among {len(labeled)} labeled rows."
        )
    return np.sort(train), np.sort(val)


def validation_score(source, rows, targets, coefs, intercepts, settings, score_outputs):
    """``score_outputs`` of the net's outputs for the held-out ``rows``."""
    block = np.empty((len(rows), source.n_features), dtype=np.float32)
    source.read(rows, block)
    out = predict_block(block, coefs, intercepts, settings.hidden_activation,
                        settings.output_activation, np.float32)
    return score_outputs(out, block if targets is None else targets[rows])


def divergence_error(name, epoch, coefs, intercepts, learning_rate):
    """The error that names the layer that went non-finite and the cure."""
    bad = [i for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True))
           if not (np.isfinite(W).all() and np.isfinite(b).all())]
    L = len(coefs)
    if bad:
        layer = bad[0] + 1
        where = (f"the weights of layer {layer} of {L} "
                 f"({'output layer' if layer == L else 'hidden layer'}) became NaN or "
                 "infinite")
    else:
        layer = None
        where = "the training loss became NaN or infinite"
    return DivergenceError(
        f"{name} diverged while fine-tuning in epoch {epoch}: {where} with "
        f"learning_rate_init={learning_rate}. Lower it (e.g. to {learning_rate / 10:g}).",
        layer=layer, epoch=epoch, learning_rate=learning_rate,
    )


def make_optimizer(params, settings, state=None):
    """The optimizer ``settings.solver`` names, over the arrays ``params``.

    ``state`` (from an optimizer's ``state()``) continues an earlier run; it
    must belong to the same solver and match ``params`` array for array.
    """
    if state is not None:
        if not isinstance(state, dict) or state.get("solver") != settings.solver:
            found = state.get("solver") if isinstance(state, dict) else state
            raise ValueError(f"{settings.name}: the optimizer state to continue is for "
                             f"solver {found!r}, not {settings.solver!r}; call fit to "
                             "start afresh.")
        moments = {k: v for k, v in state.items() if k != "solver"}
    else:
        moments = {}
    if settings.solver == "adam":
        return AdamOptimizer(params, learning_rate=settings.learning_rate,
                             beta_1=settings.beta_1, beta_2=settings.beta_2,
                             epsilon=settings.epsilon, **moments)
    return SGDOptimizer(params, learning_rate=settings.learning_rate,
                        momentum=settings.momentum, nesterov=settings.nesterov, **moments)


class Backprop:
    """A net's minibatch buffers, gradients and optimizer: epochs of backprop.

    The layer arrays are updated in place. ``optimizer_state`` (an
    optimizer's ``state()``) continues an earlier run (``partial_fit``).
    """

    def __init__(self, coefs, intercepts, settings, n_rows, n_targets, optimizer_state=None):
        # The output kernels index targets and outputs with one width.
        if n_targets != coefs[-1].shape[1]:
            raise ValueError(
                f"{settings.name}: the targets have {n_targets} column(s) but the net has "
                f"{coefs[-1].shape[1]} output(s); call fit to start afresh."
            )
        s = settings
        self.settings = s
        self.batch_size = min(auto_batch_size(s.batch_size, n_rows), n_rows)
        self.net = FeedForward(coefs, intercepts, s.hidden_activation, s.output_activation,
                               self.batch_size, s.dropout, s.input_dropout)
        self.params = [*coefs, *intercepts]
        self.n_layers = len(coefs)
        self.trainable = [layer >= s.frozen_layers for layer in range(self.n_layers)] * 2
        self.grads = [*self.net.coef_grads, *self.net.intercept_grads]
        self.optimizer = make_optimizer(self.params, s, optimizer_state)
        # The L2 term alpha * W / (batch rows) applies to weights, not biases.
        self.optimizer.bind(self.grads, self.trainable,
                            [s.alpha] * self.n_layers + [0.0] * self.n_layers)
        self.target_buf = np.empty((self.batch_size, n_targets), dtype=np.float32)

    def epoch(self, source, targets, rows, rng, loss_weights=None):
        """One pass over ``rows``: the summed loss and the summed reported loss.

        ``targets`` None: each row is its own target (an autoencoder).
        """
        s, net, target_buf = self.settings, self.net, self.target_buf
        total, reported = 0.0, 0.0
        for batch in source.batches(self.batch_size, rng, s.shuffle, rows=rows):
            n = batch.shape[0]
            source.read(batch, net.input_buffer)
            if targets is None:
                # Before input dropout, which works in place.
                np.copyto(target_buf[:n], net.input_buffer[:n])
            else:
                _kernels.gather_dense(targets, batch, target_buf)
            output = net.forward(n, rng, train=True)
            if loss_weights is not None:
                reported += batch_loss(output, target_buf[:n], s.output_activation,
                                       loss_weights) * n
            total += net.backward(n, target_buf[:n], s.frozen_layers)
            self.optimizer.step(1.0 / n)
        return total, reported

    def flops_per_batch(self):
        """Floating-point operations of one full minibatch's products (forward,
        weight gradients, backward deltas)."""
        return 6.0 * self.batch_size * sum(W.size for W in self.net.coefs)

    def penalty(self, n_rows):
        """The epoch's mean L2 term, as scikit-learn's MLP reports it.

        Each step adds alpha * W / (batch rows) to the gradient, so each
        batch's loss holds 0.5 * alpha * ||W||^2 / (batch rows); an epoch's
        mean over rows holds that term once per batch. Frozen layers are not
        optimised and carry no penalty.
        """
        s = self.settings
        n_batches = -(-n_rows // self.batch_size)
        return 0.5 * s.alpha * n_batches / n_rows * sum(
            float(np.sum(W * W)) for W in self.params[s.frozen_layers:self.n_layers])


def fine_tune(source, targets, labeled, coefs, intercepts, rng, settings, score_outputs,
              loss_weights=None, on_epoch=None, optimizer_state=None, loss_curve=()):
    """Backprop through the unrolled net; returns the fitted monitors.

    ``targets`` None trains the net to reproduce its input (an autoencoder:
    each row is its own target, read once into the batch buffers).
    The loss that stops training (and lowers the learning rate with
    ``adaptive``) is the one optimised; ``loss_weights`` only change the
    units in which ``loss_curve_`` reports it. ``on_epoch(epoch, coefs,
    intercepts)``, if given, sees the layers after every epoch (read only:
    the benchmarks' learning curves).

    ``fit`` and ``partial_fit`` both train through here: ``partial_fit`` runs
    one epoch (``settings.incremental``) that continues an earlier run from
    its ``optimizer_state`` and ``loss_curve``. The result holds the
    optimizer's final state under ``"optimizer_state"``.
    """
    s = settings
    name = s.name
    train_rows, val_rows = split_rows(labeled, targets, rng, s)
    n_train = len(train_rows)
    n_targets = source.n_features if targets is None else targets.shape[1]
    if coefs and coefs[0].shape[0] != source.n_features:
        raise ValueError(f"{name}: the net's first layer takes {coefs[0].shape[0]} inputs "
                         f"but the data have {source.n_features} features; call fit "
                         "(warm_start=False) to start afresh.")
    backprop = Backprop(coefs, intercepts, s, n_train, n_targets, optimizer_state)
    optimizer, params = backprop.optimizer, backprop.params
    report_scale = 1.0 if loss_weights is None else float(np.mean(loss_weights))

    stopper = PlateauStopper(s.tol, s.n_iter_no_change, adaptive=s.adaptive)
    loss_curve, val_scores, epoch_times = list(loss_curve), [], []
    best_score, best_params = -np.inf, None
    n_iter = first_iter = len(loss_curve)
    if s.verbose and not s.incremental:
        print(f"[{name}] fine-tuning {n_train} rows with {s.solver} at learning rate "
              f"{s.learning_rate:g}, up to {s.max_iter} epochs", flush=True)
    with np.errstate(over="ignore", invalid="ignore"), \
            blas_threads_for(backprop.flops_per_batch()):
        for epoch in range(first_iter, first_iter + s.max_iter):
            start = time.perf_counter()
            total, reported = backprop.epoch(source, targets, train_rows, rng, loss_weights)
            n_iter = epoch + 1
            penalty = backprop.penalty(n_train)
            loss = total / n_train + penalty
            if not np.isfinite(loss) or not all(np.isfinite(p).all() for p in params):
                raise divergence_error(name, n_iter, coefs, intercepts, s.learning_rate)
            if loss_weights is None:
                loss_curve.append(loss)
            else:
                loss_curve.append(reported / n_train + report_scale * penalty)
            message = f"[{name}] epoch {n_iter}: loss {loss_curve[-1]:.5f}"
            if s.early_stopping:
                score = validation_score(source, val_rows, targets, coefs, intercepts, s,
                                         score_outputs)
                val_scores.append(score)
                message += f", validation score {score:.5f}"
                if score > best_score:
                    best_score = score
                    best_params = [p.copy() for p in params]
                action = stopper.update(-score)
            else:
                action = stopper.update(loss)
            epoch_times.append(time.perf_counter() - start)
            if on_epoch is not None:
                on_epoch(n_iter, coefs, intercepts)
            if s.verbose:
                left = (first_iter + s.max_iter - n_iter) * float(np.mean(epoch_times[-5:]))
                print(f"{message}, {epoch_times[-1]:.2f} s, at most ~{left:.0f} s left",
                      flush=True)
            if action == "stop":
                break
            if action == "lower":
                optimizer.learning_rate /= PlateauStopper.FACTOR
                if s.verbose:
                    print(f"[{name}] no improvement in {s.n_iter_no_change} epochs: "
                          f"learning rate lowered to {optimizer.learning_rate:g}",
                          flush=True)
        else:
            if not s.incremental:
                warn(
                    f"{name}: fine-tuning reached max_iter={s.max_iter} epochs without "
                    "converging; raise max_iter or use early_stopping=True.",
                    ConvergenceWarning,
                )
    if s.early_stopping and best_params is not None:
        for p, best in zip(params, best_params, strict=True):
            p[...] = best
    return {
        "loss_curve_": loss_curve,
        "loss_": loss_curve[-1],
        "best_loss_": None if s.early_stopping else float(np.min(loss_curve)),
        "validation_scores_": val_scores if s.early_stopping else None,
        "best_validation_score_": best_score if s.early_stopping else None,
        "n_iter_": n_iter,
        "optimizer_state": optimizer.state(),
    }
