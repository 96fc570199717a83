"""Greedy layerwise pretraining: each RBM of a stack learns the layer below.

The estimators (``DBN`` and the fine-tuned nets) validate their data, build a
:class:`PretrainSettings` from their parameters and call
:func:`pretrain_stack`; nothing here knows an estimator class.
"""

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from .._data import DenseRows, as_row_source, in_unit_interval, training_statistics
from .._rbm.estimators import BernoulliRBM, GaussianRBM
from .._rbm.units import GAUSSIAN, units
from .._utils.threads import N_JOBS_CONSTRAINT
from ..exceptions import DivergenceError

#: Parameters shared by every estimator that pretrains a stack.
PRETRAIN_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "pretrain_epochs": [Interval(Integral, 0, None, closed="left")],
    "visible_units": [StrOptions({"auto", "bernoulli", "gaussian"})],
    "hidden_units": [StrOptions({"bernoulli", "relu"})],
    "pretrain_learning_rate": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
    "pretrain_batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "cd_steps": [Interval(Integral, 1, None, closed="left")],
    "persistent": ["boolean"],
    "pretrain_momentum": [Interval(Real, 0, 1, closed="left")],
    "pretrain_weight_decay": [Interval(Real, 0, None, closed="left")],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "n_jobs": N_JOBS_CONSTRAINT,
}


def layer_sizes(hidden_layer_sizes):
    """``hidden_layer_sizes`` as a list of positive ints (or a clear error)."""
    sizes = (
        [hidden_layer_sizes]
        if isinstance(hidden_layer_sizes, Integral)
        else list(hidden_layer_sizes)
    )
    if not sizes:
        raise ValueError("hidden_layer_sizes must name at least one hidden layer.")
    for s in sizes:
        if not isinstance(s, Integral) or isinstance(s, bool) or s < 1:
            raise ValueError(
                f"hidden_layer_sizes must hold positive integers; got {hidden_layer_sizes!r}."
            )
    return [int(s) for s in sizes]


def auto_batch_size(batch_size, n_rows):
    """'auto': about 100 updates per epoch, between 10 and 100 rows per batch,
    and at least 10 updates per epoch on data sets under 100 rows.

    Small data sets then still get enough updates per epoch for an epoch
    budget to mean the same thing (20 rows in batches of 10 gave a (500, 500)
    net 200 updates in 100 epochs, too few to leave chance on some seeds),
    and large ones keep BLAS-friendly batches.
    """
    if batch_size == "auto":
        return max(1, min(int(np.clip(n_rows // 100, 10, 100)), n_rows // 10))
    return int(batch_size)


def resolve_visible_units(visible_units, lo, hi):
    """'auto': Bernoulli units for data in [0, 1], Gaussian ones for any other range."""
    if visible_units != "auto":
        return visible_units
    return "bernoulli" if in_unit_interval(lo, hi) else "gaussian"


def layer_seeds(rng, n):
    """One seed per layer, drawn from the estimator's generator."""
    return [int(s) for s in rng.integers(0, 2**31 - 1, size=n)]


def hidden_features(rbm, X):
    """Hidden means of ``rbm`` for ``X`` as float32 (input of the next layer)."""
    return rbm._hidden_probabilities(as_row_source(X), dtype=np.float32)


@dataclass(frozen=True)
class PretrainSettings:
    """How every RBM of a stack is trained (from an estimator's parameters)."""

    name: str
    visible_units: str
    hidden_units: str
    learning_rate: object
    batch_size: int
    n_epochs: int
    cd_steps: int
    persistent: bool
    momentum: float
    weight_decay: float
    verbose: int
    #: Hidden units of the top layer when they differ (the linear code layer
    #: of an autoencoder), else None.
    top_hidden_units: object = None
    #: Visit the rows in a new random order every epoch (each RBM's
    #: ``shuffle``); False keeps the data's order.
    shuffle: bool = True

    @classmethod
    def from_params(cls, params, name, n_rows, visible_units):
        """Settings from the ``pretrain_*`` parameters of a DBN estimator (and
        its ``shuffle``, which applies to pretraining as to fine-tuning)."""
        return cls(
            name=name,
            visible_units=visible_units,
            hidden_units=params["hidden_units"],
            learning_rate=params["pretrain_learning_rate"],
            batch_size=auto_batch_size(params["pretrain_batch_size"], n_rows),
            n_epochs=params["pretrain_epochs"],
            cd_steps=params["cd_steps"],
            persistent=params["persistent"],
            momentum=params["pretrain_momentum"],
            weight_decay=params["pretrain_weight_decay"],
            verbose=max(int(params["verbose"]), 0),
            top_hidden_units=params.get("code_units"),
            shuffle=bool(params.get("shuffle", True)),
        )


def rbm_for_layer(settings, layer, n_components, seed, top=False):
    """The RBM of ``layer``: its visible units are the data's (layer 0) or
    the layer below's (binary for sigmoid units, real for rectified ones);
    its hidden units ``top_hidden_units`` for the ``top`` layer if set."""
    s = settings
    hidden_name = s.top_hidden_units if top and s.top_hidden_units else s.hidden_units
    hidden = units(hidden_name)
    visible = units(s.visible_units) if layer == 0 else units(s.hidden_units).as_visible
    learning_rate = s.learning_rate
    if learning_rate == "auto":
        # Gaussian visible, rectified and linear hidden units each want
        # ~10x smaller steps than binary ones (Hinton's practical guide).
        learning_rate = 0.1 * visible.learning_rate_factor * hidden.learning_rate_factor
        if visible is GAUSSIAN:
            # A linear visible unit's reconstruction sums over every hidden
            # unit, so a step moves it by about rate * n_components / batch:
            # 0.01 diverged with 1,000 hidden units on batches of 1 (tiny data).
            # Unbounded rectified units above feed that back once more, so
            # their steps shrink with small batches once again.
            batch = min(s.batch_size, 10)
            cap = batch / n_components * hidden.learning_rate_factor
            if hidden.learning_rate_factor < 1:
                cap *= batch / 10
            learning_rate = min(learning_rate, cap)
    cls = GaussianRBM if visible is GAUSSIAN else BernoulliRBM
    return cls(
        n_components=n_components,
        hidden_units=hidden_name,
        learning_rate=learning_rate,
        batch_size=s.batch_size,
        n_iter=s.n_epochs,
        cd_steps=s.cd_steps,
        persistent=s.persistent,
        momentum=s.momentum,
        weight_decay=s.weight_decay,
        shuffle=s.shuffle,
        random_state=seed,
        verbose=s.verbose,
    )


def pretrain_stack(settings, source, sizes, seeds, start_layer=0, data=None, X_val=None,
                   statistics=None):
    """Train RBMs for ``sizes[start_layer:]``, bottom up; returns them.

    ``data`` is the input of layer ``start_layer`` (the row source itself
    for layer 0, else the float32 features of the layer below); ``X_val``
    held-out rows (a row source) whose free-energy gap every layer monitors;
    ``statistics`` the source's ``training_statistics`` if already known.
    """
    layer_input = source if data is None else DenseRows(data)
    if data is not None or statistics is None:
        statistics = training_statistics(layer_input, settings.name)
    rbms = [rbm_for_layer(settings, layer, sizes[layer], seeds[layer],
                          top=layer == len(sizes) - 1)
            for layer in range(start_layer, len(sizes))]
    for rbm in rbms:
        rbm._validate_params()
    train_layers(settings.name, rbms, layer_input, statistics, settings.learning_rate,
                 settings.verbose, first_layer=start_layer, n_layers=len(sizes), X_val=X_val)
    return rbms


def train_layers(name, rbms, layer_input, statistics, learning_rate, verbose, *,
                 first_layer=0, n_layers=None, n_epochs=None, incremental=False, X_val=None):
    """Train ``rbms`` bottom up, each on the hidden features of the one below
    (the first on ``layer_input``, whose ``training_statistics`` are
    ``statistics``): ``n_epochs`` each (their own ``n_iter`` by default),
    continuing their training state when ``incremental``. A divergence names
    the layer (counted from ``first_layer`` out of ``n_layers``) and the
    estimator's ``pretrain_learning_rate`` (``learning_rate``)."""
    n_layers = n_layers or first_layer + len(rbms)
    for offset, rbm in enumerate(rbms):
        layer = first_layer + offset
        fan_in, size = layer_input.n_features, rbm.n_components
        if verbose:
            print(f"[{name}] pretraining layer {layer + 1}/{n_layers}: "
                  f"{fan_in} -> {size} units, {n_epochs or rbm.n_iter} epochs", flush=True)
        try:
            rbm._fit_rows(layer_input, statistics, n_epochs=n_epochs or rbm.n_iter,
                          incremental=incremental, held_source=X_val)
        except DivergenceError as exc:
            raise DivergenceError(
                f"{name} diverged while pretraining layer {layer + 1} of "
                f"{n_layers} ({type(rbm).__name__}, {fan_in} -> {size} "
                f"units) in epoch {exc.epoch}: the weights became NaN or infinite "
                f"with learning rate {rbm.learning_rate:g} (pretrain_learning_rate="
                f"{learning_rate!r}). Set pretrain_learning_rate lower, "
                f"e.g. to {rbm.learning_rate / 10:g}.",
                layer=layer + 1, epoch=exc.epoch, learning_rate=rbm.learning_rate,
            ) from exc
        if offset < len(rbms) - 1:
            layer_input = DenseRows(hidden_features(rbm, layer_input))
            statistics = training_statistics(layer_input, name)
            if X_val is not None:
                X_val = DenseRows(hidden_features(rbm, X_val))
