"""Numba kernels against the plain NumPy references in ``naive.py``."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal

from dbn._kernels import rbm as _kernels

from . import naive

f32 = np.float32


def _with_bias_column(a):
    out = np.zeros((a.shape[0], a.shape[1] + 1), dtype=f32)
    out[:, :-1] = a
    out[:, -1] = 7.0  # must never be touched by the kernels
    return out


def test_sigmoid_rows_accuracy_over_all_magnitudes():
    x = np.concatenate([
        np.linspace(-1e4, 1e4, 2001), np.linspace(-100, 100, 20001), [-88.7, 88.7, 0.0]
    ]).astype(f32)
    buf = _with_bias_column(x.reshape(1, -1))
    _kernels.sigmoid_rows(buf, 0, 1, x.size, False)
    expected = naive.sigmoid(x.astype(np.float64))
    got = buf[0, :-1].astype(np.float64)
    assert np.isfinite(got).all()
    assert_allclose(got, expected, atol=2e-7)
    # relative accuracy where the probability is not negligible
    mask = expected > 1e-30
    assert_allclose(got[mask], expected[mask], rtol=1e-5)
    assert buf[0, -1] == 7.0


def test_sigmoid_rows_negates_and_respects_row_range():
    rng = np.random.default_rng(0)
    a = rng.normal(scale=5, size=(6, 9)).astype(f32)
    buf = _with_bias_column(a)
    _kernels.sigmoid_rows(buf, 2, 5, 9, True)
    assert_array_equal(buf[:2, :-1], a[:2])
    assert_array_equal(buf[5:, :-1], a[5:])
    assert_allclose(buf[2:5, :-1], -naive.sigmoid(a[2:5]), atol=2e-7)
    assert (buf[:, -1] == 7.0).all()


def test_sigmoid_sample_rows_matches_threshold_rule():
    rng = np.random.default_rng(1)
    a = rng.normal(scale=3, size=(50, 40)).astype(f32)
    u = rng.random((50, 40), dtype=f32)
    buf = _with_bias_column(a)
    samples = _with_bias_column(np.zeros_like(a))
    _kernels.sigmoid_sample_rows(buf, 0, 50, 40, u, samples, False)
    p = naive.sigmoid(a.astype(np.float64))
    assert_allclose(buf[:, :-1], p, atol=2e-7)
    decided = np.abs(u - p) > 1e-5  # away from ties that rounding could flip
    assert_array_equal(samples[:, :-1][decided], (u < p)[decided].astype(f32))
    assert (samples[:, -1] == 7.0).all()


def test_sample_frequencies_follow_probabilities():
    rng = np.random.default_rng(2)
    n = 200_000
    a = np.full((n, 3), [-2.0, 0.0, 1.5], dtype=f32)
    buf = a.copy()
    _kernels.sample_rows_inplace(buf, 0, n, 3, rng.random((n, 3), dtype=f32))
    assert set(np.unique(buf)) <= {0.0, 1.0}
    assert_allclose(buf.mean(0), naive.sigmoid([-2.0, 0.0, 1.5]), atol=4e-3)


def test_momentum_update_matches_reference():
    rng = np.random.default_rng(3)
    V, H = 5, 4
    P = rng.normal(size=(V + 1, H + 1)).astype(f32)
    P[V, H] = 0
    vel = rng.normal(size=P.shape).astype(f32)
    grad = rng.normal(size=P.shape).astype(f32)
    scale, lr, mom, wd = 0.1, 0.05, 0.9, 0.01
    decay = np.zeros_like(P)
    decay[:V, :H] = wd * P[:V, :H]
    exp_vel = mom * vel + lr * (grad * scale - decay)
    exp_vel[V, H] = 0
    exp_P = P + exp_vel
    _kernels.momentum_update(P, vel, grad, scale, lr, mom, wd, V, H)
    assert_allclose(vel, exp_vel, rtol=1e-5, atol=1e-7)
    assert_allclose(P, exp_P, rtol=1e-5, atol=1e-7)


def test_gather_dense_and_csr_agree_with_fancy_indexing():
    rng = np.random.default_rng(4)
    X = rng.random((30, 7))
    X[X < 0.6] = 0
    rows = rng.permutation(30)[:11].astype(np.int64)
    expected = X[rows].astype(f32)
    out = np.full((11, 8), 9.0, dtype=f32)
    _kernels.gather_dense(X, rows, out)
    assert_array_equal(out[:, :7], expected)
    out[:] = 9.0
    S = sp.csr_matrix(X)
    _kernels.gather_csr(S.data, S.indices, S.indptr, rows, 7, out)
    assert_array_equal(out[:, :7], expected)
    assert (out[:, 7] == 9.0).all()


def test_gather_csr_sums_duplicates_and_unsorted_indices():
    data = np.array([0.25, 0.5, 0.125])
    indices = np.array([2, 0, 2], dtype=np.int32)
    indptr = np.array([0, 3], dtype=np.int32)
    out = np.zeros((1, 3), dtype=f32)
    _kernels.gather_csr(data, indices, indptr, np.array([0], dtype=np.int64), 3, out)
    assert_array_equal(out, [[0.5, 0.0, 0.375]])


@pytest.mark.parametrize("binary", [True, False])
def test_pseudo_likelihood_rows_matches_bit_flipping(binary):
    rng = np.random.default_rng(5)
    V, H = 7, 5
    W = rng.normal(size=(V, H))
    b, c = rng.normal(size=V), rng.normal(size=H)
    X = rng.random((9, V))
    if binary:
        X = (X > 0.5).astype(np.float64)
    out = np.empty(9)
    _kernels.pseudo_likelihood_rows(X, W, b, c, False, out)
    assert_allclose(out, naive.pseudo_likelihood(X, W, b, c), rtol=1e-10)


def test_hidden_free_energy_rows_matches_reference_and_stays_finite():
    rng = np.random.default_rng(6)
    pre = rng.normal(scale=3, size=(4, 6))
    pre[0, 0], pre[1, 1] = 1e4, -1e4
    out = np.empty(4)
    _kernels.hidden_free_energy_rows(pre, False, out)
    assert np.isfinite(out).all()
    assert_allclose(out, naive.softplus(pre).sum(1), rtol=1e-12)


@pytest.mark.parametrize("x", [-1e4, -40.0, -3.0, 0.0, 0.3, 2.5, 29.0, 31.7, 80.2, 1e4])
def test_stepped_softplus_matches_brute_force_sum(x):
    k = np.arange(1, int(max(x, 0)) + 200)
    expected = naive.softplus(x - k + 0.5).sum()
    out = np.empty(1)
    _kernels.hidden_free_energy_rows(np.array([[x]]), True, out)
    assert np.isfinite(out[0])
    assert_allclose(out[0], expected, rtol=1e-10, atol=1e-12)


def test_stepped_softplus_ends_for_huge_inputs():
    out = np.empty(1)
    for x in (1e17, 1e30, 3e38, -3e38):
        _kernels.hidden_free_energy_rows(np.array([[x]]), True, out)
        assert np.isfinite(out[0]) or x > 1e30  # x^2 / 2 overflows only past 1e154
        if abs(x) < 1e150:
            assert_allclose(out[0], max(x, 0) ** 2 / 2, rtol=1e-6)
