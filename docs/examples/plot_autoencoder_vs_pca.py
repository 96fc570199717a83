"""
Deep autoencoder codes against PCA
==================================

:class:`dbn.DBNAutoencoder` pretrains a stack of RBMs, unrolls it into an
encoder and a mirrored decoder and fine-tunes both on reconstruction (Hinton
& Salakhutdinov 2006). Its 2-D codes of held-out digits are drawn beside
PCA's two components, with the reconstruction error of each.
"""

import os
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from dbn import DBNAutoencoder
from dbn.plotting import plot_codes

warnings.filterwarnings("ignore", category=ConvergenceWarning)
quick = os.environ.get("DBN_DOCS_QUICK") == "1"
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, random_state=0)

ae = DBNAutoencoder((256, 64, 2), pretrain_epochs=5 if quick else 20,
                    max_iter=10 if quick else 100, random_state=0).fit(X_train)
pca = PCA(2).fit(X_train)
mse_ae = -ae.score(X_test)
mse_pca = ((pca.inverse_transform(pca.transform(X_test)) - X_test) ** 2).mean()
print(f"test MSE per pixel: autoencoder {mse_ae:.4f}, PCA(2) {mse_pca:.4f}")

fig, axes = plt.subplots(1, 2, figsize=(9, 4))
plot_codes(ae.transform(X_test), y_test, ax=axes[0],
           title=f"DBNAutoencoder 64-256-64-2 (MSE {mse_ae:.4f})")
plot_codes(pca.transform(X_test), y_test, ax=axes[1], title=f"PCA(2) (MSE {mse_pca:.4f})")
fig.tight_layout()
