"""
Samples from an RBM and from a DBN
==================================

An RBM is a generative model: Gibbs sampling from random starting points
draws images from the distribution it learned. A :class:`dbn.DBN` samples
with Gibbs in its top RBM, then passes the result down through the lower
layers' weights.
"""

import os

from sklearn.datasets import load_digits

from dbn import DBN, BernoulliRBM
from dbn.plotting import plot_samples

quick = os.environ.get("DBN_DOCS_QUICK") == "1"
X, _ = load_digits(return_X_y=True)
X = X / 16.0
epochs = 5 if quick else 30

rbm = BernoulliRBM(n_components=128, n_iter=epochs, learning_rate=0.05, batch_size=20,
                   random_state=0).fit(X)
fig = plot_samples(rbm.sample(30, n_steps=1000, random_state=0), image_shape=(8, 8))
_ = fig.suptitle("BernoulliRBM(128): 30 samples, 1000 Gibbs sweeps")

# %%
# The two-layer DBN: Gibbs sampling in the top RBM, then a down-pass.

stack = DBN((128, 64), pretrain_epochs=epochs, random_state=0).fit(X)
fig = plot_samples(stack.sample(30, n_steps=1000, random_state=0), image_shape=(8, 8))
_ = fig.suptitle("DBN((128, 64)): 30 samples")
