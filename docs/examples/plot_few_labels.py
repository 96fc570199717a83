"""
Pretraining with few labels
===========================

``DBNClassifier(unlabeled=-1)`` pretrains on every row and fine-tunes on the
labeled ones. Here only a few training digits keep their label; the
pretrained net is compared with the same net from random init
(``pretrain_epochs=0``) and scikit-learn's ``MLPClassifier``, which see the
labeled rows only. Means over 3 draws of the labeled rows.
"""

import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from dbn import DBNClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)
quick = os.environ.get("DBN_DOCS_QUICK") == "1"
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.3,
                                                    stratify=y, random_state=0)
sizes = [50, 200] if quick else [30, 100, 300, len(y_train)]
seeds = range(1 if quick else 3)
scores = {"pretrained": [], "random init": [], "MLPClassifier": []}
for n in sizes:
    per_seed = {name: [] for name in scores}
    for seed in seeds:
        keep = np.random.default_rng(seed).permutation(len(y_train))[:n]
        y_partial = np.full_like(y_train, -1)
        y_partial[keep] = y_train[keep]
        models = {
            "pretrained": DBNClassifier((256, 256), unlabeled=-1, random_state=seed),
            "random init": DBNClassifier((256, 256), pretrain_epochs=0, unlabeled=-1,
                                         random_state=seed),
            "MLPClassifier": MLPClassifier((256, 256), max_iter=300, random_state=seed),
        }
        for name, model in models.items():
            if name == "MLPClassifier":
                model.fit(X_train[keep], y_train[keep])
            else:
                model.fit(X_train, y_partial)
            per_seed[name].append(model.score(X_test, y_test))
    for name in scores:
        scores[name].append(np.mean(per_seed[name]))
    print(f"{n:5d} labels: " + ", ".join(f"{name} {scores[name][-1]:.3f}" for name in scores))

fig, ax = plt.subplots(figsize=(5, 3.5))
for name, values in scores.items():
    ax.plot(sizes, values, marker="o", label=name)
ax.set_xscale("log")
ax.set_xlabel("labeled training digits")
ax.set_ylabel("test accuracy")
ax.legend()
fig.tight_layout()
