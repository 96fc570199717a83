"""Real-valued data: Gaussian visible units against their peers, in one run.

* breast cancer (standardised), 5-fold stratified CV accuracy:
  GaussianRBM(256) -> LogisticRegression, against scikit-learn's BernoulliRBM(256)
  on min-max scaled data -> LogisticRegression, and LogisticRegression alone.
* DBNRegressor() defaults with alpha 1e-4, 5e-4 (the default) and 1e-3: diabetes
  CV R^2 over 5 seeds against the training fit of a two-pixel digits target
  (pixels / 16 with the default layers; raw pixels with one layer of 64).
* diabetes, 5-fold CV R^2: DBNRegressor on the raw features (its Gaussian RBM
  standardises them itself) against MLPRegressor of the same hidden sizes and
  Ridge, both on standardised features.

Usage: python benchmarks/bench_units.py
"""

import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import machine_info, save, table  # noqa: E402


def cv(model, X, y, splitter):
    from sklearn.model_selection import cross_val_score

    start = time.perf_counter()
    scores = cross_val_score(model, X, y, cv=splitter)
    return float(np.mean(scores)), time.perf_counter() - start


def main():
    import argparse

    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    from sklearn.datasets import load_breast_cancer, load_diabetes
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.model_selection import KFold, StratifiedKFold
    from sklearn.neural_network import BernoulliRBM as SkRBM
    from sklearn.neural_network import MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    from dbn import DBNRegressor, GaussianRBM

    warnings.simplefilter("ignore")
    X, y = load_breast_cancer(return_X_y=True)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    lr = LogisticRegression(max_iter=2000)
    models = {
        "GaussianRBM(256) -> LogisticRegression (standardised)": make_pipeline(
            StandardScaler(), GaussianRBM(256, random_state=0), lr),
        "sklearn BernoulliRBM(256) -> LogisticRegression (min-max)": make_pipeline(
            MinMaxScaler(), SkRBM(256, random_state=0), lr),
        "LogisticRegression (standardised)": make_pipeline(StandardScaler(), lr),
    }
    rows, data = [], {"machine": machine_info()}
    for name, model in models.items():
        score, seconds = cv(model, X, y, folds)
        rows.append([name, f"{score:.4f}", f"{seconds:.1f}"])
        data[name] = score
    text = "### breast cancer, 5-fold CV accuracy\n\n" + table(
        ["model", "accuracy", "seconds"], rows)

    X, y = load_diabetes(return_X_y=True)
    folds = KFold(5, shuffle=True, random_state=0)
    rows = []
    ridge, _ = cv(make_pipeline(StandardScaler(), Ridge()), X, y, folds)
    rows.append(["Ridge (standardised)", "", f"{ridge:.4f}"])
    for sizes in [(32,), (100,), (500, 500)]:
        ours, _ = cv(DBNRegressor(sizes, random_state=0), X, y, folds)
        peer, _ = cv(make_pipeline(StandardScaler(), MLPRegressor(
            hidden_layer_sizes=sizes, max_iter=2000, random_state=0)), X, y, folds)
        rows.append(["DBNRegressor (raw features)", str(sizes), f"{ours:.4f}"])
        rows.append(["MLPRegressor (standardised)", str(sizes), f"{peer:.4f}"])
        data[f"diabetes {sizes}"] = {"dbn": ours, "mlp": peer, "ridge": ridge}
    text += "\n\n### diabetes, 5-fold CV R^2\n\n" + table(
        ["model", "hidden layers", "R^2"], rows)
    text += "\n\n" + regressor_alpha(X, y, folds, ridge, data)
    print(text)
    save("bench_units", text, data)


def regressor_alpha(X, y, folds, ridge, data, seeds=5):
    """DBNRegressor() defaults but alpha: diabetes CV R^2 against the training fit
    of a linear function of two digits pixels (the two limits alpha sits between)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from dbn import DBNRegressor

    raw, labels = load_digits(return_X_y=True)
    # The case: raw pixels (Gaussian units) and one layer of 64.
    R = train_test_split(raw, random_state=0)[0]
    raw_target = 3.0 * R[:, 20] + 100.0 * R[:, 40] + 7.0
    D = train_test_split(raw / 16.0, labels, test_size=0.2, stratify=labels,
                         random_state=0)[0]
    target = 3.0 * D[:, 20] + 100.0 * D[:, 40] + 7.0
    rows = []
    for alpha in (1e-4, 5e-4, 1e-3):
        diabetes = [cv(DBNRegressor(alpha=alpha, random_state=s), X, y, folds)[0]
                    for s in range(seeds)]
        fit = [DBNRegressor(alpha=alpha, random_state=s).fit(D, target).score(D, target)
               for s in range(seeds)]
        small = [DBNRegressor((64,), alpha=alpha, random_state=s).fit(R, raw_target)
                 .score(R, raw_target) for s in range(seeds)]
        rows.append([f"{alpha:g}", f"{np.mean(diabetes):.4f}", f"{min(diabetes):.4f}",
                     f"{max(diabetes):.4f}", f"{np.mean(fit):.4f}", f"{min(fit):.4f}",
                     f"{min(small):.4f}"])
        data[f"DBNRegressor alpha={alpha:g}"] = {
            "diabetes": diabetes, "two_pixel_fit": fit, "two_pixel_raw_64": small}
    return (f"### DBNRegressor() but alpha, {seeds} seeds\n\n"
            f"Diabetes 5-fold CV R^2 on the raw features (Ridge on standardised ones: "
            f"{ridge:.4f}) and the training R^2 on a linear function of two digits "
            "pixels (3 * X[:, 20] + 100 * X[:, 40] + 7): pixels / 16 with the default "
            "(500, 500) layers, and raw pixels with hidden_layer_sizes=(64,).\n\n"
            + table(["alpha", "diabetes mean", "min", "max", "two-pixel fit mean", "min",
                     "raw pixels (64,) min"], rows))


if __name__ == "__main__":
    main()
