"""
The head start of pretraining
=============================

The same (256, 256) sigmoid net, fine-tuned one epoch at a time
(``partial_fit``) from RBM-pretrained weights and from random (Glorot)
weights, scored on held-out digits after every epoch. The pretrained net
starts where the random one arrives after several epochs; with every label
available both end up close (see :doc:`/pretraining`).
"""

import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from dbn import DBNClassifier

quick = os.environ.get("DBN_DOCS_QUICK") == "1"
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.3,
                                                    stratify=y, random_state=0)
epochs = 8 if quick else 30
curves = {}
for name, pretrain_epochs in [("pretrained", 20), ("random init", 0)]:
    clf = DBNClassifier((256, 256), pretrain_epochs=pretrain_epochs, random_state=0)
    scores = []
    for _ in range(epochs):
        clf.partial_fit(X_train, y_train, classes=np.arange(10))
        scores.append(clf.score(X_test, y_test))
    curves[name] = scores
    print(f"{name}: epoch 1 {scores[0]:.3f}, epoch {epochs} {scores[-1]:.3f}")

fig, ax = plt.subplots(figsize=(5, 3.5))
for name, scores in curves.items():
    ax.plot(np.arange(1, epochs + 1), scores, marker="o", markersize=3, label=name)
ax.set_xlabel("fine-tuning epoch")
ax.set_ylabel("test accuracy")
ax.set_title("digits, (256, 256) sigmoid net")
ax.legend()
fig.tight_layout()
