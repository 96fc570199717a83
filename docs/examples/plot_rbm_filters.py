"""
RBM filters on digits
=====================

A :class:`dbn.BernoulliRBM` trained with CD-1 on the 8x8 digits (pixels
scaled to [0, 1]). Each hidden unit's weights, drawn as an image, show the
stroke it detects; ``history_`` records the reconstruction error per epoch.
"""

import os

from sklearn.datasets import load_digits

from dbn import BernoulliRBM
from dbn.plotting import plot_filters

quick = os.environ.get("DBN_DOCS_QUICK") == "1"
X, _ = load_digits(return_X_y=True)
X = X / 16.0

rbm = BernoulliRBM(n_components=100, n_iter=5 if quick else 30, learning_rate=0.05,
                   batch_size=20, random_state=0).fit(X)
errors = rbm.history_["reconstruction_error"]
print(f"reconstruction error: epoch 1 {errors[0]:.4f}, last epoch {errors[-1]:.4f}")

fig = plot_filters(rbm, image_shape=(8, 8), n_filters=100)
