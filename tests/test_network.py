"""Feed-forward core: backprop against finite differences, kernels against NumPy."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from dbn._kernels import feedforward as K
from dbn._nets.feedforward import FeedForward, batch_loss, glorot_uniform, predict_block
from dbn._nets.optimizers import AdamOptimizer, SGDOptimizer

from . import naive


def _tiny_net(hidden, output, n_out, seed=0, dropout=0.0):
    rng = np.random.default_rng(seed)
    sizes = [5, 4, 3, n_out]
    coefs, intercepts = [], []
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        coefs.append(rng.normal(scale=0.8, size=(a, b)).astype(np.float32))
        intercepts.append(rng.normal(scale=0.3, size=b).astype(np.float32))
    X = rng.random((7, 5)).astype(np.float32)
    if output == "softmax":
        T = np.eye(n_out, dtype=np.float32)[rng.integers(0, n_out, 7)]
    elif output == "sigmoid":
        T = rng.integers(0, 2, size=(7, 1)).astype(np.float32)
    else:
        T = rng.normal(size=(7, n_out)).astype(np.float32)
    return coefs, intercepts, X, T


def _loss64(coefs, intercepts, X, T, hidden, output):
    out = predict_block(X.astype(np.float64), [c.astype(np.float64) for c in coefs],
                        [b.astype(np.float64) for b in intercepts], hidden, output, np.float64)
    return batch_loss(out, T.astype(np.float64), output)


@pytest.mark.parametrize("hidden", ["sigmoid", "relu", "identity"])
@pytest.mark.parametrize("output,n_out", [("softmax", 3), ("sigmoid", 1), ("identity", 2)])
def test_backprop_matches_finite_differences(hidden, output, n_out):
    coefs, intercepts, X, T = _tiny_net(hidden, output, n_out)
    net = FeedForward(coefs, intercepts, hidden, output, batch_size=7)
    net.input_buffer[:] = X
    net.forward(7)
    net.backward(7, T)
    eps = 1e-4
    for params, grads in ((coefs, net.coef_grads), (intercepts, net.intercept_grads)):
        for p, g in zip(params, grads, strict=True):
            numeric = np.zeros(p.shape)
            flat = p.reshape(-1)
            for i in range(flat.size):
                old = flat[i]
                flat[i] = old + eps
                up = _loss64(coefs, intercepts, X, T, hidden, output)
                flat[i] = old - eps
                down = _loss64(coefs, intercepts, X, T, hidden, output)
                flat[i] = old
                numeric.reshape(-1)[i] = (up - down) / (2 * eps)
            assert_allclose(g, numeric, rtol=2e-2, atol=2e-3)


def test_frozen_layers_get_no_gradient_and_upper_layers_are_unchanged():
    coefs, intercepts, X, T = _tiny_net("sigmoid", "softmax", 3)
    full = FeedForward(coefs, intercepts, "sigmoid", "softmax", batch_size=7)
    full.input_buffer[:] = X
    full.forward(7)
    full.backward(7, T)
    part = FeedForward(coefs, intercepts, "sigmoid", "softmax", batch_size=7)
    part.input_buffer[:] = X
    part.forward(7)
    part.coef_grads[0][:] = 123.0
    part.backward(7, T, first_trainable=1)
    assert (part.coef_grads[0] == 123.0).all()
    for layer in (1, 2):
        assert_allclose(part.coef_grads[layer], full.coef_grads[layer])


def test_dropout_keeps_expected_fraction_and_scales():
    rng = np.random.default_rng(0)
    A = np.ones((1000, 50), dtype=np.float32)
    mask = np.empty_like(A)
    K.dropout(A, rng.random(A.shape, dtype=np.float32), 0.8, mask)
    assert abs((mask > 0).mean() - 0.8) < 0.01
    assert_allclose(np.unique(A), [0.0, 1.25])
    assert_allclose(A.mean(), 1.0, atol=0.02)


@pytest.mark.parametrize("hidden", ["sigmoid", "relu", "identity"])
def test_dropout_backward_matches_finite_differences_with_fixed_mask(hidden):
    coefs, intercepts, X, T = _tiny_net(hidden, "softmax", 3, seed=1)
    net = FeedForward(coefs, intercepts, hidden, "softmax", batch_size=7, dropout=0.5)

    def run():
        net.input_buffer[:] = X
        out = net.forward(7, np.random.default_rng(5), train=True)
        return batch_loss(out.astype(np.float64), T, "softmax")

    run()
    net.backward(7, T)
    analytic = net.coef_grads[0].copy()
    eps = 1e-2
    numeric = np.zeros_like(analytic)
    for i in range(analytic.size):
        flat = coefs[0].reshape(-1)
        old = flat[i]
        flat[i] = old + eps
        up = run()
        flat[i] = old - eps
        down = run()
        flat[i] = old
        numeric.reshape(-1)[i] = (up - down) / (2 * eps)
    assert_allclose(analytic, numeric, rtol=5e-2, atol=5e-3)


def test_softmax_kernel_is_stable_for_huge_logits():
    Z = np.array([[1e4, 0.0, -1e4], [3.0, 1.0, 0.0]], dtype=np.float32)
    K.bias_softmax(Z, np.zeros(3, dtype=np.float32))
    assert np.isfinite(Z).all()
    assert_allclose(Z.sum(1), 1.0, rtol=1e-6)
    assert_allclose(Z[1], np.exp([3, 1, 0]) / np.exp([3, 1, 0]).sum(), rtol=1e-6)


def test_sgd_and_adam_kernels_match_reference_formulas():
    rng = np.random.default_rng(0)
    p = rng.normal(size=10).astype(np.float32)
    g = rng.normal(size=10).astype(np.float32)
    ref_p, ref_v = p.astype(np.float64), np.zeros(10)
    sgd = SGDOptimizer([p], learning_rate=0.1, momentum=0.9, nesterov=True)
    for _ in range(3):
        sgd.update([g], [0.01], [True])
        grad = g + 0.01 * ref_p
        ref_v = 0.9 * ref_v - 0.1 * grad
        ref_p = ref_p + 0.9 * ref_v - 0.1 * grad
    assert_allclose(p, ref_p, rtol=1e-5)

    q = rng.normal(size=10).astype(np.float32)
    ref_q, m, v = q.astype(np.float64), np.zeros(10), np.zeros(10)
    adam = AdamOptimizer([q], learning_rate=0.01)
    for t in range(1, 4):
        adam.update([g], [0.0], [True])
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g.astype(np.float64) ** 2
        mhat, vhat = m / (1 - 0.9**t), v / (1 - 0.999**t)
        ref_q = ref_q - 0.01 * mhat / (np.sqrt(vhat) + 1e-8)
    assert_allclose(q, ref_q, rtol=1e-4)


def test_glorot_bounds():
    W, b = glorot_uniform(300, 100, "sigmoid", np.random.default_rng(0))
    bound = np.sqrt(2.0 / 400)
    assert np.abs(W).max() <= bound and np.abs(W).max() > 0.9 * bound
    assert W.dtype == np.float32


def test_predict_block_matches_manual_forward():
    coefs, intercepts, X, _ = _tiny_net("sigmoid", "softmax", 3)
    A = X.astype(np.float64)
    for W, b in zip(coefs[:-1], intercepts[:-1], strict=True):
        A = naive.sigmoid(A @ W + b)
    Z = A @ coefs[-1] + intercepts[-1]
    expected = np.exp(Z) / np.exp(Z).sum(1, keepdims=True)
    got = predict_block(X.astype(np.float64), coefs, intercepts, "sigmoid", "softmax",
                        np.float64)
    assert_allclose(got, expected, rtol=1e-6)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_one_step_updates_every_trainable_array_as_its_own_step_would(solver):
    # The fused kernel walks a tuple of arrays: each must get exactly the
    # update a one-array optimizer gives it, frozen ones none, and the L2
    # weight of its own position.
    rng = np.random.default_rng(1)
    shapes = [(6, 5), (5, 3), (5,), (3,)]
    params = [rng.normal(size=s).astype(np.float32) for s in shapes]
    grads = [rng.normal(size=s).astype(np.float32) for s in shapes]
    trainable, l2 = [True, False, True, True], [0.5, 0.5, 0.0, 0.25]
    Optimizer = SGDOptimizer if solver == "sgd" else AdamOptimizer
    together = Optimizer([p.copy() for p in params], learning_rate=0.05)
    together.bind(grads, trainable, l2)
    alone = [Optimizer([p.copy()], learning_rate=0.05) for p in params]
    for _ in range(3):
        together.step(0.1)
        for k, opt in enumerate(alone):
            if trainable[k]:
                opt.update([grads[k]], [l2[k] * 0.1], [True])
    for k, p in enumerate(together.params):
        expected = alone[k].params[0] if trainable[k] else params[k]
        assert_allclose(p, expected, rtol=1e-6, err_msg=f"array {k}")


def test_optimizer_refuses_gradients_that_do_not_match_its_arrays():
    p = [np.zeros((3, 2), np.float32), np.zeros(2, np.float32)]
    opt = SGDOptimizer(p)
    with pytest.raises(ValueError, match="gradients"):
        opt.bind([np.zeros((2, 3), np.float32), np.zeros(2, np.float32)], [True, True],
                 [0.0, 0.0])
    with pytest.raises(ValueError, match="gradients"):
        opt.bind([np.zeros((3, 2), np.float64), np.zeros(2, np.float32)], [True, True],
                 [0.0, 0.0])
    with pytest.raises(ValueError, match="match the parameters"):
        opt.bind([np.zeros((3, 2), np.float32), np.zeros(2, np.float32)], [True], [0.0])


@pytest.mark.parametrize("output, n_out, soft", [
    ("softmax", 4, False), ("softmax", 4, True), ("sigmoid", 1, False),
    ("sigmoid", 3, True), ("identity", 2, True)])
def test_fused_output_delta_and_loss_match_the_reference(output, n_out, soft):
    rng = np.random.default_rng(2)
    out = rng.random((9, n_out)).astype(np.float32)
    if output == "softmax":
        out /= out.sum(1, keepdims=True)
        out[0, 0] = 0.0  # a probability that underflowed: clipped, finite loss
        T = (rng.dirichlet(np.ones(n_out), 9) if soft
             else np.eye(n_out)[rng.integers(0, n_out, 9)]).astype(np.float32)
    elif output == "sigmoid":
        out[1, 0] = 1.0
        T = (rng.random((9, n_out)) if soft else rng.integers(0, 2, (9, n_out))).astype(
            np.float32)
    else:
        out = rng.normal(size=(9, n_out)).astype(np.float32)
        T = rng.normal(size=(9, n_out)).astype(np.float32)
    delta = np.empty_like(out)
    total = K.output_delta_loss(delta, out, T, 1.0 / 9, K.LOSS_KINDS[output])
    assert_allclose(delta, (out - T) / 9, rtol=1e-6)
    # batch_loss on the same float32 block: the same clipping (float32's eps)
    assert_allclose(total / 9, batch_loss(out, T, output), rtol=1e-5)


@pytest.mark.parametrize("edit", ["bias", "weights", "inputs", "missing"])
def test_warm_start_refuses_a_net_whose_layers_do_not_chain(edit):
    # The kernels index by the layers' shapes without bounds checks: an
    # edited net must be refused before it reaches them (an edited bias
    # once wrote past its array's end).
    import warnings

    from sklearn.datasets import load_digits

    from dbn import DBNClassifier

    X, y = load_digits(return_X_y=True)
    X, y = X[:120] / 16.0, y[:120]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = DBNClassifier((16, 8), pretrain_epochs=1, max_iter=1, random_state=0).fit(X, y)
    clf.set_params(warm_start=True)
    if edit == "bias":
        clf.intercepts_[0] = np.zeros(3, np.float32)
    elif edit == "weights":
        clf.coefs_[1] = np.zeros((5, 8), np.float32)
    elif edit == "inputs":
        clf.coefs_[0] = np.zeros((10, 16), np.float32)
    else:
        clf.intercepts_.pop()
    with pytest.raises(ValueError, match="start afresh"):
        clf.fit(X, y)
