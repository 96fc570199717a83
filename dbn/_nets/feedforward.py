"""Feed-forward network core: float32 training buffers, forward and backward.

The estimators hand in the parameters (lists of (fan_in, fan_out) weight
matrices and bias vectors); this module runs the products in BLAS and the
elementwise work in the fused kernels of ``dbn._kernels.feedforward``. It knows nothing of
estimators, labels or data formats.
"""

import numpy as np
from scipy.special import expit, logsumexp, softmax

from .._data import iter_blocks, to_dense
from .._utils.lazy import lazy_import

K = lazy_import("dbn._kernels.feedforward")
_common = lazy_import("dbn._kernels.common")

# Forward kernels: bias + activation in place on a (n, m) float32 block.
# Named, not referenced, so that importing this module loads no Numba.
ACTIVATIONS = {
    "sigmoid": "bias_sigmoid",
    "relu": "bias_relu",
    "identity": "bias_identity",
    "softmax": "bias_softmax",
}

# Backward kernels: (without dropout, with dropout), given the layer's output.
DERIVATIVES = {
    "sigmoid": ("sigmoid_backward", "sigmoid_backward_dropout"),
    "relu": ("relu_backward", "relu_backward_dropout"),
    "identity": ("identity_backward", "identity_backward_dropout"),
}


def _kernel(name):
    return getattr(K, name)


def glorot_uniform(fan_in, fan_out, activation, rng):
    """Glorot & Bengio (2010) uniform initialisation, as scikit-learn's MLP does it."""
    factor = 2.0 if activation == "sigmoid" else 6.0
    bound = np.sqrt(factor / (fan_in + fan_out))
    W = rng.uniform(-bound, bound, size=(fan_in, fan_out)).astype(np.float32)
    b = rng.uniform(-bound, bound, size=fan_out).astype(np.float32)
    return W, b


class FeedForward:
    """Preallocated float32 buffers and one minibatch's forward/backward pass.

    Parameters
    ----------
    coefs, intercepts : list of ndarray (float32, C-contiguous)
        Layer weights (fan_in, fan_out) and biases; updated by the optimizer
        in place, read here.
    hidden_activation : {'sigmoid', 'relu', 'identity'} or sequence of them
        One activation for every hidden layer, or one per hidden layer (an
        autoencoder's linear code layer).
    output_activation : {'softmax', 'sigmoid', 'identity'}
    batch_size : int
    dropout, input_dropout : float
        Probability of dropping a hidden unit / an input feature in training.
    """

    def __init__(self, coefs, intercepts, hidden_activation, output_activation,
                 batch_size, dropout=0.0, input_dropout=0.0):
        check_layers(coefs, intercepts)
        self.coefs = coefs
        self.intercepts = intercepts
        self.hidden_activations = hidden_activations(hidden_activation, len(coefs))
        self.output_activation = output_activation
        self.dropout = dropout
        self.input_dropout = input_dropout
        B = batch_size
        f32 = np.float32
        sizes = [coefs[0].shape[0]] + [W.shape[1] for W in coefs]
        self.sizes = sizes
        self.acts = [np.zeros((B, s), dtype=f32) for s in sizes]
        self.deltas = [np.zeros((B, s), dtype=f32) for s in sizes[1:]]
        self.coef_grads = [np.zeros_like(W) for W in coefs]
        self.intercept_grads = [np.zeros_like(b) for b in intercepts]
        self.masks = [None] * len(sizes)
        self.uniforms = [None] * len(sizes)
        for layer, size in enumerate(sizes[:-1]):
            rate = input_dropout if layer == 0 else dropout
            if rate > 0:
                self.masks[layer] = np.empty((B, size), dtype=f32)
                self.uniforms[layer] = np.empty((B, size), dtype=f32)
        # Kernels looked up once, not per minibatch (small nets pay per call).
        last = len(coefs) - 1
        self._activate = [
            _kernel(ACTIVATIONS[output_activation if layer == last
                                else self.hidden_activations[layer]])
            for layer in range(len(coefs))]
        # _backward[layer]: through hidden layer ``layer``'s activation (and
        # its dropout mask when it has one), indexed like self.acts.
        self._backward = [None] + [
            _kernel(DERIVATIVES[name][self.masks[layer + 1] is not None])
            for layer, name in enumerate(self.hidden_activations)]
        self._loss_kind = K.LOSS_KINDS[output_activation]

    @property
    def input_buffer(self):
        return self.acts[0]

    def _drop(self, layer, n, rng):
        rate = self.input_dropout if layer == 0 else self.dropout
        if rate > 0:
            u = self.uniforms[layer][:n]
            rng.random(out=u, dtype=np.float32)
            K.dropout(self.acts[layer][:n], u, 1.0 - rate, self.masks[layer][:n])

    def forward(self, n, rng=None, train=False):
        """Forward pass on ``input_buffer[:n]``; returns the output block."""
        acts, last = self.acts, len(self.coefs) - 1
        if train:
            self._drop(0, n, rng)
        for layer, W in enumerate(self.coefs):
            Z = acts[layer + 1][:n]
            np.matmul(acts[layer][:n], W, out=Z)
            self._activate[layer](Z, self.intercepts[layer])
            if train and layer < last:
                self._drop(layer + 1, n, rng)
        return acts[-1][:n]

    def backward(self, n, target, first_trainable=0):
        """Gradients of the mean loss over the batch, for layers >= first_trainable;
        returns the batch's summed loss (computed in the output delta's pass).

        The output delta ``(output - target) / n`` is the exact gradient for
        softmax + cross-entropy, sigmoid + binary cross-entropy and identity +
        half squared error alike.
        """
        acts, deltas = self.acts, self.deltas
        loss = K.output_delta_loss(deltas[-1][:n], acts[-1][:n], target, 1.0 / n,
                                   self._loss_kind)
        for layer in range(len(self.coefs) - 1, first_trainable - 1, -1):
            delta = deltas[layer][:n]
            np.matmul(acts[layer][:n].T, delta, out=self.coef_grads[layer])
            _common.column_sums(delta, self.intercept_grads[layer])
            if layer > first_trainable:
                below = deltas[layer - 1][:n]
                np.matmul(delta, self.coefs[layer].T, out=below)
                if self.masks[layer] is not None:
                    self._backward[layer](below, acts[layer][:n], self.masks[layer][:n])
                else:
                    self._backward[layer](below, acts[layer][:n])
        return loss


def check_layers(coefs, intercepts):
    """Refuse layers that do not chain (the kernels index by these shapes and
    check no bounds): a restored or user-edited net must be whole."""
    if len(coefs) == 0 or len(coefs) != len(intercepts):
        raise ValueError(f"the net has {len(coefs)} weight matrices and {len(intercepts)} "
                         "bias vectors; call fit (warm_start=False) to start afresh.")
    for layer, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        if not (isinstance(W, np.ndarray) and W.ndim == 2 and isinstance(b, np.ndarray)
                and b.shape == (W.shape[1],)):
            raise ValueError(
                f"layer {layer} of the net has weights of shape {np.shape(W)} and biases "
                f"of shape {np.shape(b)}, which do not match; call fit (warm_start=False) "
                "to start afresh.")
        if layer and W.shape[0] != coefs[layer - 1].shape[1]:
            raise ValueError(
                f"layer {layer} of the net takes {W.shape[0]} inputs but layer {layer - 1} "
                f"has {coefs[layer - 1].shape[1]} units; call fit (warm_start=False) to "
                "start afresh.")


def hidden_activations(hidden_activation, n_layers):
    """One activation name per hidden layer of a net with ``n_layers`` weight layers."""
    if isinstance(hidden_activation, str):
        return [hidden_activation] * (n_layers - 1)
    activations = list(hidden_activation)
    if len(activations) != n_layers - 1:
        raise ValueError(f"{len(activations)} hidden activations for {n_layers - 1} "
                         "hidden layers.")
    return activations


def batch_loss(output, target, output_activation, weights=None):
    """Mean loss over the rows of a block (cross-entropy or half squared error).

    ``weights`` (one per output column) weight the squared errors of an
    identity output, e.g. to report a loss in the targets' original units.
    """
    eps = np.finfo(output.dtype).eps
    if output_activation == "softmax":
        return float(-np.sum(target * np.log(np.maximum(output, eps))) / len(output))
    if output_activation == "sigmoid":
        p = np.clip(output, eps, 1 - eps)
        return float(-np.sum(target * np.log(p) + (1 - target) * np.log1p(-p)) / len(output))
    squared = (output - target) ** 2
    if weights is not None:
        # Weighted in float64: the weights may exceed float32's range (the
        # squared scale of targets of 1e20 is 1e40).
        per_column = np.sum(squared, axis=0, dtype=np.float64)
        return float(0.5 * (per_column @ np.asarray(weights, dtype=np.float64)) / len(output))
    return float(0.5 * np.sum(squared) / len(output))


_INFERENCE = {
    "sigmoid": lambda Z: expit(Z, out=Z),
    "relu": lambda Z: np.maximum(Z, 0, out=Z),
    "identity": lambda Z: Z,
    "softmax": lambda Z: softmax(Z, axis=1),
}


def log_probabilities(logits, output_activation):
    """Log class probabilities from the output layer's pre-activations.

    Computed from the logits rather than as ``log(probabilities)``, so they
    stay finite (e.g. -1e4) where the probabilities underflow to 0.
    """
    if output_activation == "sigmoid":
        z = logits[:, 0]
        # log(1 - sigmoid(z)) = -softplus(z), log(sigmoid(z)) = -softplus(-z)
        return np.column_stack([-np.logaddexp(0, z), -np.logaddexp(0, -z)])
    return logits - logsumexp(logits, axis=1, keepdims=True)


def predict_block(block, coefs, intercepts, hidden_activation, output_activation, dtype):
    """Forward pass of one block in ``dtype`` (inference: no dropout, exact functions).

    ``hidden_activation`` is one name for every hidden layer or one per layer.
    """
    A = block
    last = len(coefs) - 1
    hidden = hidden_activations(hidden_activation, len(coefs))
    for layer, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        Z = np.asarray(A @ W.astype(dtype, copy=False), dtype=dtype)
        Z += b.astype(dtype, copy=False)
        A = _INFERENCE[output_activation if layer == last else hidden[layer]](Z)
    return A
def forward_hidden(source, coefs, intercepts, activation):
    """float32 output of the given hidden layers for all rows (input of the
    layers pretrained on top of transferred ones)."""
    out = []
    for _, _, block in iter_blocks(source):
        block = to_dense(block)
        A = np.asarray(block, dtype=np.float32)
        for W, b in zip(coefs, intercepts, strict=True):
            A = predict_block(A, [W], [b], activation, activation, np.float32)
        out.append(A)
    return np.concatenate(out)
