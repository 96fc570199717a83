"""Stochastic optimizers for fine-tuning, as small classes updating in place.

The Numba update kernels index the parameter, gradient and moment arrays
with one shared length and do not check bounds, so every array an optimizer
holds is checked against its parameter when it is bound (:func:`_check_like`),
whether it was made here or restored by ``partial_fit`` from an earlier call
or a model file.
"""

import numpy as np

from .._utils.lazy import lazy_import

_kernels = lazy_import("dbn._kernels.feedforward")


def _check_like(arrays, params, what):
    """Refuse moment arrays that do not match their parameters one to one."""
    if not isinstance(arrays, list | tuple) or len(arrays) != len(params):
        raise ValueError(f"the optimizer's {what} do not match the net's {len(params)} "
                         "parameter arrays; call fit to start afresh.")
    for i, (a, p) in enumerate(zip(arrays, params, strict=True)):
        if not (isinstance(a, np.ndarray) and a.shape == p.shape and a.dtype == p.dtype
                and a.flags.c_contiguous and a.flags.writeable):
            raise ValueError(
                f"the optimizer's {what}[{i}] is not a writeable C-contiguous {p.dtype} "
                f"array of shape {p.shape}; call fit to start afresh.")


def _check_params(params):
    for i, p in enumerate(params):
        if not (isinstance(p, np.ndarray) and p.dtype == np.float32
                and p.flags.c_contiguous and p.flags.writeable):
            raise ValueError(f"parameter array {i} is not a writeable C-contiguous float32 "
                             "array.")


class _Optimizer:
    """What both optimizers share: binding gradients, one kernel call per step.

    :meth:`bind` flattens the trainable arrays into tuples of views once per
    run; :meth:`step` then updates every array of the net with a single
    kernel call per minibatch.
    """

    def bind(self, grads, trainable, l2_weights):
        """Gradients ``grads[i]`` of ``params[i]`` (filled in place before each
        step); only arrays with ``trainable[i]`` are updated, array ``i`` with
        L2 weight ``l2_weights[i]`` (scaled per step by :meth:`step`)."""
        _check_like(grads, self.params, "gradients")
        keep = [i for i, t in enumerate(trainable) if t]
        if len(trainable) != len(self.params) or len(l2_weights) != len(self.params):
            raise ValueError("trainable flags and L2 weights must match the parameters "
                             "one to one.")
        self._keep = keep
        self._grads = tuple(grads[i].reshape(-1) for i in keep)
        self._l2 = np.array([l2_weights[i] for i in keep], dtype=np.float64)
        self._flat = [tuple(arrays[i].reshape(-1) for i in keep)
                      for arrays in (self.params, *self._moments())]

    def update(self, grads, l2_factors, trainable):
        """Bind ``grads`` and apply one step; ``l2_factors[i]`` scales the L2
        term of ``params[i]``."""
        self.bind(grads, trainable, l2_factors)
        self.step(1.0)


class SGDOptimizer(_Optimizer):
    """Momentum SGD (optionally Nesterov's) over a list of float32 arrays.

    Parameters
    ----------
    params : list of ndarray
        Updated in place.
    learning_rate : float
    momentum : float
    nesterov : bool
    velocities : list of ndarray, optional
        Velocities of an earlier run to continue (checked against ``params``).
    """

    solver = "sgd"

    def __init__(self, params, learning_rate=0.1, momentum=0.9, nesterov=True,
                 velocities=None):
        _check_params(params)
        self.params = params
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        if velocities is None:
            velocities = [np.zeros_like(p) for p in params]
        _check_like(velocities, params, "velocities")
        self.velocities = velocities

    def _moments(self):
        return (self.velocities,)

    def state(self):
        """The arrays and counters that continue this run (plain data, no object)."""
        return {"solver": self.solver, "velocities": self.velocities}

    def step(self, l2_scale):
        """One step from the bound gradients; the L2 weights are multiplied by
        ``l2_scale`` (e.g. 1 / rows in the minibatch)."""
        if self._keep:
            params, velocities = self._flat
            _kernels.sgd_update(params, velocities, self._grads, self._l2, l2_scale,
                                self.learning_rate, self.momentum, self.nesterov)


class AdamOptimizer(_Optimizer):
    """Adam (Kingma & Ba, 2014) over a list of float32 arrays.

    ``first``, ``second`` and ``t`` continue an earlier run (checked against
    ``params``).
    """

    solver = "adam"

    def __init__(self, params, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 first=None, second=None, t=0):
        _check_params(params)
        self.params = params
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        if not isinstance(t, int | np.integer) or isinstance(t, bool) or t < 0:
            raise ValueError(f"the optimizer's step count {t!r} is not a non-negative "
                             "integer; call fit to start afresh.")
        self.t = int(t)
        first = [np.zeros_like(p) for p in params] if first is None else first
        second = [np.zeros_like(p) for p in params] if second is None else second
        _check_like(first, params, "first moments")
        _check_like(second, params, "second moments")
        self.first = first
        self.second = second

    def _moments(self):
        return (self.first, self.second)

    def state(self):
        return {"solver": self.solver, "first": self.first, "second": self.second,
                "t": self.t}

    def step(self, l2_scale):
        self.t += 1
        step = (
            self.learning_rate
            * np.sqrt(1 - self.beta_2**self.t)
            / (1 - self.beta_1**self.t)
        )
        if self._keep:
            params, first, second = self._flat
            _kernels.adam_update(params, first, second, self._grads, self._l2, l2_scale,
                                 step, self.beta_1, self.beta_2, self.epsilon)


OPTIMIZERS = {cls.solver: cls for cls in (SGDOptimizer, AdamOptimizer)}


def state_problem(state, params):
    """Why ``state`` cannot continue an optimizer over arrays shaped like
    ``params`` (a message), or None. Guards model files."""
    if not isinstance(state, dict) or state.get("solver") not in OPTIMIZERS:
        return "is not the state of a known optimizer"
    moments = {k: v for k, v in state.items() if k != "solver"}
    try:
        OPTIMIZERS[state["solver"]]([np.zeros(p.shape, np.float32) for p in params],
                                    **moments)
    except (TypeError, ValueError) as exc:
        return f"does not match the net ({exc})"
    return None
