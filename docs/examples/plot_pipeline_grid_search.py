"""
Pipeline and GridSearchCV
=========================

RBM features feed scikit-learn's classifiers inside a ``Pipeline``, and
``GridSearchCV`` tunes both. For a pretrained stack shared by every
candidate, wrap it in ``FrozenEstimator``: ``clone`` would otherwise turn
the fitted stack back into an unfitted one and each candidate would pretrain
again.
"""

import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline

from dbn import DBN, BernoulliRBM, DBNClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)
quick = os.environ.get("DBN_DOCS_QUICK") == "1"
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, random_state=0)
epochs = 5 if quick else 20

pipe = Pipeline([("rbm", BernoulliRBM(n_iter=epochs, learning_rate=0.05, batch_size=20,
                                      random_state=0)),
                 ("logistic", LogisticRegression(max_iter=1000))])
grid = {"rbm__n_components": [64, 256], "logistic__C": [1.0, 100.0]}
search = GridSearchCV(pipe, grid, cv=3).fit(X_train, y_train)
print("best:", search.best_params_, f"test accuracy {search.score(X_test, y_test):.3f}")

# %%
# Fine-tuning settings searched over one pretrained stack.

stack = DBN((256, 256), pretrain_epochs=epochs, random_state=0).fit(X_train)
fine = GridSearchCV(DBNClassifier((256, 256), pretrained=FrozenEstimator(stack), max_iter=30,
                                  random_state=0),
                    {"learning_rate_init": [0.03, 0.1], "dropout": [0.0, 0.2]}, cv=3)
fine.fit(X_train, y_train)
print("best:", fine.best_params_, f"test accuracy {fine.score(X_test, y_test):.3f}")

table = fine.cv_results_
labels = [f"lr {p['learning_rate_init']}, dropout {p['dropout']}" for p in table["params"]]
fig, ax = plt.subplots(figsize=(5, 2.8))
ax.barh(labels, table["mean_test_score"], xerr=table["std_test_score"])
ax.set_xlim(np.min(table["mean_test_score"]) - 0.03, 1.0)
ax.set_xlabel("3-fold CV accuracy")
fig.tight_layout()
