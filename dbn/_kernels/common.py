"""Numba settings and the scalar helpers every kernel module shares.

Kernel modules import this one, never the estimators; the estimators reach the
kernel modules through :func:`dbn._utils.lazy.lazy_import`, so ``import dbn``
imports no Numba and compiles nothing.
"""

import math

import numpy as np
from numba import njit

jit = njit(cache=True, nogil=True)
# Elementwise loops over float32 buffers: fastmath lets LLVM vectorise them and
# the numpy error model drops the division-by-zero checks that would block it.
# Nothing here relies on NaN semantics: the trainer checks the parameters for
# non-finite values once per epoch instead.
fast = njit(cache=True, nogil=True, fastmath=True, error_model="numpy")

# 2**f on [-0.5, 0.5]: least-squares polynomial of degree 6 (max error 5e-9);
# refit with tools/fit_sigmoid_polynomial.py. Together with building 2**n from the exponent
# bits it gives an exp that LLVM can vectorise, which libm's exp is not.
E0 = np.float32(1.0)
E1 = np.float32(0.6931471824645996)
E2 = np.float32(0.24022650718688965)
E3 = np.float32(0.05550340563058853)
E4 = np.float32(0.009618040174245834)
E5 = np.float32(0.0013395285932347178)
E6 = np.float32(0.0001546531857457012)
LOG2E = np.float32(1.4426950408889634)
EXP2_LIMIT = np.float32(126.0)
HALF = np.float32(0.5)
ONE = np.float32(1.0)
ZERO = np.float32(0.0)


@fast
def sigmoid32(x):
    """Logistic sigmoid in float32 for any finite x.

    Absolute error below 2e-7; relative error below 1e-5 wherever the result
    exceeds 1e-30 (tests/test_kernels.py checks both).
    """
    y = -x * LOG2E
    # Clamping keeps 2**n a normal float32: the result saturates to 0 or 1
    # for |x| > 87 instead of overflowing.
    y = min(max(y, -EXP2_LIMIT), EXP2_LIMIT)
    n = np.floor(y + HALF)
    f = y - n
    poly = E0 + f * (E1 + f * (E2 + f * (E3 + f * (E4 + f * (E5 + f * E6)))))
    scale = np.int32((np.int32(n) + np.int32(127)) << np.int32(23)).view(np.float32)
    return ONE / (ONE + poly * scale)


@fast
def exp_neg_abs32(x):
    """``exp(-|x|)`` in float32, vectorisable (the exponential of :func:`sigmoid32`)."""
    y = -abs(x) * LOG2E
    y = max(y, -EXP2_LIMIT)
    n = np.floor(y + HALF)
    f = y - n
    poly = E0 + f * (E1 + f * (E2 + f * (E3 + f * (E4 + f * (E5 + f * E6)))))
    return poly * np.int32((np.int32(n) + np.int32(127)) << np.int32(23)).view(np.float32)


#: Terms per block of a sum of softplus values taken as one ``log`` of a
#: product of up to 64 factors ``1 + exp(-|x|)`` (each at most 2).
SOFTPLUS_BLOCK = 64


@jit
def sigmoid(x):
    # float64 reference: two branches so exp never overflows.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@jit
def softplus(x):
    # log(1 + exp(x)) without overflow for large x or loss for very negative x.
    if x > 0:
        return x + math.log1p(math.exp(-x))
    return math.log1p(math.exp(x))


@jit
def column_sums(block, out):
    """``out[j] = sum_r block[r, j]``, accumulated in float64, without allocating."""
    n, m = block.shape
    acc = np.zeros(m)
    for r in range(n):
        row = block[r]
        for j in range(m):
            acc[j] += row[j]
    for j in range(m):
        out[j] = acc[j]
