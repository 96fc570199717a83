"""
Class-conditional samples of a generative classifier
====================================================

:class:`dbn.GenerativeDBNClassifier` (Hinton, Osindero & Teh 2006) keeps its
generative model after fine-tuning: Gibbs sampling in the top RBM with the
label clamped, then a pass down the generative weights, "dreams" an image
of the requested class. A logistic regression trained on real digits judges
whether each dream looks like its class.
"""

import os
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from dbn import GenerativeDBNClassifier
from dbn.plotting import plot_class_samples

warnings.filterwarnings("ignore")
quick = os.environ.get("DBN_DOCS_QUICK") == "1"
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.2,
                                                    stratify=y, random_state=0)
clf = GenerativeDBNClassifier((256, 256), top_components=512,
                              pretrain_epochs=5 if quick else 20,
                              updown_epochs=2 if quick else 10, random_state=0)
clf.fit(X_train, y_train)
print(f"test accuracy {clf.score(X_test, y_test):.3f}")

judge = LogisticRegression(max_iter=2000).fit(X_train, y_train)
wanted = np.repeat(np.arange(10), 10)
dreams = clf.sample(100, y=wanted, n_steps=1000, random_state=0)
print(f"dreams recognised as their class: {np.mean(judge.predict(dreams) == wanted):.2f}")

fig = plot_class_samples(clf, n_per_class=10, image_shape=(8, 8), random_state=0)
