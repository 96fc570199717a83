"""Unit types, chosen once: everything that differs between kinds of units.

An RBM layer's units decide how a unit's input becomes its mean and its
sample, what the layer adds to the free energy and the partition function,
how contrastive divergence updates its float32 buffers in place, and which
activation the unrolled net uses. CD (``cd``), likelihoods and sampling
(``likelihood``), the RBM estimators and the unrolled nets look all of that
up here, so a new unit type is one new class in :data:`UNITS`.

Every unit type has one name: 'bernoulli' (binary, sigmoid mean), 'gaussian'
(real-valued: visible with variance ``var``, or hidden linear units with
unit-variance noise, the code layer of Hinton & Salakhutdinov 2006) and
'relu' (noisy rectified, Nair & Hinton 2010, hidden only).
"""

import numpy as np
from scipy.special import expit

from .._kernels.codes import HALF_SQUARE, SOFTPLUS, STEPPED_SOFTPLUS
from .._utils.lazy import lazy_import

_kernels = lazy_import("dbn._kernels.rbm")



class Units:
    """The interface; see the subclasses."""

    name = ""
    #: Finitely many states: the layer can be enumerated for an exact log Z.
    discrete = False
    #: The activation of the layer once the stack is unrolled into a net.
    activation = ""
    #: Default CD learning rate relative to binary units (Hinton's guide).
    learning_rate_factor = 1.0

    # float64/float32 numpy: likelihood, sampling and inference
    def mean(self, pre):
        """Mean of each unit given its total input ``pre`` (in place)."""
        raise NotImplementedError

    def sample(self, pre, rng, var=None):
        """A sample of each unit given its total input (``pre``'s precision)."""
        raise NotImplementedError

    # float32 buffers of CD, in place on rows start..stop, columns :n_cols
    def mean_rows(self, buf, start, stop, n_cols, negate=False):
        raise NotImplementedError


class Bernoulli(Units):
    """Binary units: mean ``sigmoid(x)``, free-energy term ``softplus(x)``."""

    name = "bernoulli"
    discrete = True
    activation = "sigmoid"
    #: Data these units model lie in this interval.
    value_range = (0.0, 1.0)

    def mean(self, pre):
        return expit(pre, out=pre)

    def sample(self, pre, rng, var=None):
        return (rng.random(pre.shape, dtype=pre.dtype) < expit(pre)).astype(pre.dtype)

    # as hidden units
    #: Free-energy term of a hidden unit (a flag of the Numba kernels).
    free_energy_kind = SOFTPLUS

    @property
    def as_visible(self):
        """The units that model this layer's states in the RBM above."""
        return self

    def free_energy_term(self, pre):
        """``sum_j softplus(pre[:, j])`` per row."""
        return _hidden_term(pre, self.free_energy_kind)

    # as visible units
    def hidden_input(self, V, var):
        return V

    def visible_term(self, V, b, var):
        """The visible layer's part of the free energy: ``-b.v``."""
        return -(V @ b)

    def summed_log_partition(self, m, b, var):
        """log of the sum over v of ``exp(v.m)`` per row, ``m`` = ``b + W h``."""
        return np.logaddexp(0.0, m).sum(axis=1)

    def log_normaliser(self, var):
        return 0.0

    def base_log_partition(self, base_bias, var):
        """log Z of independent units with biases ``base_bias``."""
        return float(np.logaddexp(0.0, base_bias).sum())

    def initial_bias(self, means):
        """Visible biases that reproduce the data's column means."""
        p = np.clip(means, 1e-4, 1.0 - 1e-4)
        return np.log(p / (1.0 - p))

    def mean_rows(self, buf, start, stop, n_cols, negate=False):
        _kernels.sigmoid_rows(buf, start, stop, n_cols, negate)

    def sample_hidden_rows(self, buf, start, stop, n_cols, rng, scratch, samples, negate):
        """Means (negated if asked) stay in ``buf``, samples go to ``samples``."""
        rng.random(out=scratch, dtype=np.float32)
        _kernels.sigmoid_sample_rows(buf, start, stop, n_cols, scratch, samples, negate)

    def sample_visible_rows(self, buf, start, stop, n_cols, rng, scratch, std=None):
        """Samples replace the inputs in ``buf``."""
        rng.random(out=scratch, dtype=np.float32)
        _kernels.sample_rows_inplace(buf, start, stop, n_cols, scratch)


class Gaussian(Units):
    """Real-valued units. Visible: variance ``var`` (1 unless learned), mean
    ``x``, free-energy term ``|v - b|^2 / 2 var``, input ``v / var``. Hidden:
    linear units with unit-variance noise, mean ``x``, free-energy term
    ``-(x^2 / 2 + log(2 pi) / 2)``; they need binary visible units (a
    Gaussian-Gaussian RBM has no normalisable density for large weights)."""

    name = "gaussian"
    activation = "identity"
    learning_rate_factor = 0.1
    value_range = None

    def mean(self, pre):
        return pre

    def sample(self, pre, rng, var=None):
        std = 1.0 if var is None else np.sqrt(var)
        return pre + std * rng.standard_normal(pre.shape, dtype=pre.dtype)

    def hidden_input(self, V, var):
        return V / var

    def visible_term(self, V, b, var):
        d = V - b
        return 0.5 * np.sum(d * d / var, axis=1)

    def summed_log_partition(self, m, b, var):
        """log of the integral over v of ``exp(-|v - b|^2/2var + v.(m - b)/var)``,
        without the normaliser (see :meth:`log_normaliser`)."""
        return 0.5 * np.sum((m * m - b * b) / var, axis=1)

    def log_normaliser(self, var):
        return 0.5 * np.sum(np.log(2 * np.pi * var))

    def base_log_partition(self, base_bias, var):
        return float(self.log_normaliser(var))

    def initial_bias(self, means):
        return means

    def mean_rows(self, buf, start, stop, n_cols, negate=False):
        # The input is the mean.
        _kernels.linear_rows(buf, start, stop, n_cols, negate)

    # as hidden units
    free_energy_kind = HALF_SQUARE

    @property
    def as_visible(self):
        return self

    def free_energy_term(self, pre):
        return _hidden_term(pre, self.free_energy_kind)

    def sample_hidden_rows(self, buf, start, stop, n_cols, rng, scratch, samples, negate):
        rng.standard_normal(out=scratch, dtype=np.float32)
        _kernels.linear_sample_rows(buf, start, stop, n_cols, scratch, samples, negate)

    def sample_visible_rows(self, buf, start, stop, n_cols, rng, scratch, std=None):
        rng.standard_normal(out=scratch, dtype=np.float32)
        if std is None:
            _kernels.add_noise_rows(buf, start, stop, n_cols, scratch)
        else:
            _kernels.add_scaled_noise_rows(buf, start, stop, n_cols, scratch, std)


class ReLU(Units):
    """Noisy rectified hidden units: mean ``max(0, x)``, samples
    ``max(0, x + N(0, sigmoid(x)))``, free-energy term the sum of the stepped
    sigmoid units they approximate."""

    name = "relu"
    activation = "relu"
    learning_rate_factor = 0.1
    free_energy_kind = STEPPED_SOFTPLUS

    @property
    def as_visible(self):
        # Real-valued states: the RBM above models them with Gaussian units.
        return GAUSSIAN

    def mean(self, pre):
        return np.maximum(pre, 0, out=pre)

    def sample(self, pre, rng, var=None):
        noise = rng.standard_normal(pre.shape, dtype=pre.dtype)
        return np.maximum(pre + np.sqrt(expit(pre)) * noise, 0)

    def free_energy_term(self, pre):
        return _hidden_term(pre, self.free_energy_kind)

    def mean_rows(self, buf, start, stop, n_cols, negate=False):
        _kernels.relu_rows(buf, start, stop, n_cols, negate)

    def sample_hidden_rows(self, buf, start, stop, n_cols, rng, scratch, samples, negate):
        rng.standard_normal(out=scratch, dtype=np.float32)
        _kernels.relu_sample_rows(buf, start, stop, n_cols, scratch, samples, negate)


def _hidden_term(pre, kind):
    pre = np.ascontiguousarray(pre, dtype=np.float64)
    out = np.empty(pre.shape[0])
    _kernels.hidden_free_energy_rows(pre, kind, out)
    return out


BERNOULLI, GAUSSIAN, RELU = Bernoulli(), Gaussian(), ReLU()
#: Every unit type by its name.
UNITS = {units.name: units for units in (BERNOULLI, GAUSSIAN, RELU)}


def units(name_or_units):
    """The unit type named ``name_or_units`` (or the unit type itself)."""
    if isinstance(name_or_units, Units):
        return name_or_units
    return UNITS[name_or_units]
