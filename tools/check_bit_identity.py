"""Prove that a refactoring changed no result: fit every estimator, save or compare.

Usage (same machine, same thread count for both steps):

    python tools/check_bit_identity.py --save     # before the change
    python tools/check_bit_identity.py           # after it: exit 1 on any difference

Each case fits an estimator with a fixed seed and records what a user can
observe: public fitted attributes, the outputs of transform/predict/sample/
score methods, and the model after further ``partial_fit`` calls (which
exercises the saved training state). Private attribute names may change
freely; none of these values may change by a single bit.
"""

import argparse
import os
import sys
import warnings

import numpy as np

# The checkout this script lives in, not whatever ``dbn`` is installed.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DEFAULT_PATH = os.path.join("build", "bit_identity_reference.npz")


def _data():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X[:600], y[:600], X[600:700], y[600:700]


def _fitted_arrays(prefix, est, out):
    for name, value in sorted(vars(est).items()):
        if not name.endswith("_") or name.startswith("_"):
            continue
        if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
            out[f"{prefix}.{name}"] = value
        elif isinstance(value, list) and value and all(
                isinstance(v, np.ndarray) for v in value):
            for i, v in enumerate(value):
                out[f"{prefix}.{name}[{i}]"] = v
        elif isinstance(value, list) and value and all(
                isinstance(v, int | float) for v in value):
            out[f"{prefix}.{name}"] = np.asarray(value, dtype=np.float64)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[f"{prefix}.{name}"] = np.asarray(value, dtype=np.float64)
        elif isinstance(value, dict):
            for key, v in value.items():
                if key != "epoch_time":
                    out[f"{prefix}.{name}.{key}"] = np.asarray(v, dtype=np.float64)
        elif isinstance(value, list) and name == "rbms_":
            for i, rbm in enumerate(value):
                if rbm is not None:
                    _fitted_arrays(f"{prefix}.rbms_[{i}]", rbm, out)


def _rbm_cases(X, Xt, out):
    from sklearn.preprocessing import StandardScaler

    from dbn import BernoulliRBM, GaussianRBM

    B, Bt = X / 16.0, Xt / 16.0
    cases = {
        "bernoulli": (BernoulliRBM(32, n_iter=4, batch_size=50, random_state=0), B, Bt),
        "bernoulli_pcd_k2_sparse": (BernoulliRBM(
            24, n_iter=3, persistent=True, cd_steps=2, sparsity_cost=0.1,
            batch_size=40, random_state=1), B, Bt),
        "bernoulli_relu": (BernoulliRBM(16, hidden_units="relu", learning_rate=0.01,
                                        n_iter=3, random_state=2), B, Bt),
        "gaussian_raw": (GaussianRBM(24, n_iter=4, random_state=3), X, Xt),
        "gaussian_variance": (GaussianRBM(12, learn_variance=True, n_iter=3,
                                          random_state=4), X, Xt),
        "gaussian_unstandardised_pcd": (GaussianRBM(
            12, standardize=False, persistent=True, n_iter=3, random_state=5),
            StandardScaler().fit_transform(X), StandardScaler().fit_transform(Xt)),
    }
    for name, (rbm, data, held) in cases.items():
        rbm.fit(data, X_val=held[:50])
        _fitted_arrays(name, rbm, out)
        out[f"{name}.transform"] = rbm.transform(held)
        out[f"{name}.reconstruct"] = rbm.reconstruct(held)
        out[f"{name}.free_energy"] = rbm.free_energy(held)
        out[f"{name}.score_samples"] = rbm.score_samples(held)
        out[f"{name}.sample"] = rbm.sample(5, n_steps=20, random_state=7)
        out[f"{name}.gibbs"] = rbm.gibbs(held[:5])
        out[f"{name}.ais"] = np.asarray(rbm.log_partition(
            "ais", n_chains=8, n_betas=200, random_state=8))
        rbm.partial_fit(data)
        rbm.partial_fit(data)
        _fitted_arrays(f"{name}.partial", rbm, out)


def _net_cases(X, y, Xt, out):
    import scipy.sparse as sp
    from sklearn.frozen import FrozenEstimator

    from dbn import DBN, DBNClassifier, DBNRegressor

    B, Bt = X / 16.0, Xt / 16.0
    dbn = DBN((32, 16), pretrain_epochs=3, random_state=0).fit(B)
    _fitted_arrays("dbn", dbn, out)
    out["dbn.transform"] = dbn.transform(Bt)
    out["dbn.sample"] = dbn.sample(4, n_steps=20, random_state=1)
    stream = DBN((16, 8), pretrain_epochs=1, random_state=3)
    for start in range(0, len(B), 200):
        stream.partial_fit(B[start:start + 200])
    _fitted_arrays("dbn_partial", stream, out)
    out["dbn_partial.transform"] = stream.transform(Bt)
    raw_dbn = DBN((16,), hidden_units="relu", pretrain_epochs=2, random_state=2).fit(X)
    _fitted_arrays("dbn_raw_relu", raw_dbn, out)
    out["dbn_raw_relu.transform"] = raw_dbn.transform(Xt)

    target = 3.0 * X[:, 20] + 100.0 * X[:, 40] + 7.0
    nets = {
        "clf": (DBNClassifier((32, 16), pretrain_epochs=3, max_iter=5, random_state=0),
                B, y, Bt),
        "clf_random_init": (DBNClassifier((32,), pretrain_epochs=0, max_iter=5,
                                          random_state=1), B, y, Bt),
        "clf_early_stopping": (DBNClassifier(
            (32,), pretrain_epochs=2, max_iter=15, early_stopping=True,
            n_iter_no_change=3, random_state=2), B, y, Bt),
        "clf_adam_dropout_binary": (DBNClassifier(
            (16,), pretrain_epochs=2, solver="adam", dropout=0.3, input_dropout=0.1,
            max_iter=4, random_state=3), B, y % 2, Bt),
        "clf_transfer_frozen": (DBNClassifier(
            (32, 16, 8), pretrained=FrozenEstimator(dbn), frozen_layers=1,
            pretrain_epochs=2, max_iter=4, random_state=4), B, y, Bt),
        "clf_sparse": (DBNClassifier((16,), pretrain_epochs=2, max_iter=3,
                                     random_state=5), sp.csr_matrix(B), y,
                       sp.csr_matrix(Bt)),
        "clf_raw_relu": (DBNClassifier((16,), hidden_units="relu", pretrain_epochs=2,
                                       max_iter=4, random_state=6), X, y, Xt),
        "reg": (DBNRegressor((32,), pretrain_epochs=2, max_iter=10, random_state=0),
                X, target, Xt),
        "reg_multi": (DBNRegressor((16,), pretrain_epochs=1, max_iter=5, random_state=1),
                      B, np.c_[target, -target], Bt),
    }
    for name, (est, data, labels, held) in nets.items():
        est.fit(data, labels)
        _fitted_arrays(name, est, out)
        out[f"{name}.predict"] = np.asarray(est.predict(held), dtype=np.float64)
        if hasattr(est, "predict_proba"):
            out[f"{name}.predict_proba"] = est.predict_proba(held)
    # Incremental training: partial_fit alone, then after fit, then warm_start.
    steps = DBNClassifier((16,), pretrain_epochs=1, max_iter=2, random_state=7)
    for _ in range(2):
        steps.partial_fit(B, y, classes=np.arange(10))
    _fitted_arrays("clf_partial", steps, out)
    steps.fit(B, y).partial_fit(B, y)
    _fitted_arrays("clf_fit_partial", steps, out)
    warm = DBNRegressor((16,), pretrain_epochs=1, max_iter=3, warm_start=True,
                        random_state=8).fit(X, target)
    warm.set_params(max_iter=2).fit(X, target)
    _fitted_arrays("reg_warm", warm, out)
    out["reg_warm.predict"] = warm.predict(Xt)


def _autoencoder_cases(X, Xt, out):
    from dbn import DBNAutoencoder

    B, Bt = X / 16.0, Xt / 16.0
    cases = {
        "ae": (DBNAutoencoder((32, 8), pretrain_epochs=2, max_iter=4, random_state=0),
               B, Bt),
        "ae_relu_raw": (DBNAutoencoder((16, 4), hidden_units="relu", pretrain_epochs=2,
                                       max_iter=3, random_state=1), X, Xt),
        "ae_bernoulli_code": (DBNAutoencoder((16,), code_units="bernoulli",
                                             pretrain_epochs=1, max_iter=3,
                                             random_state=2), B, Bt),
    }
    cases["ae_frozen_raw"] = (DBNAutoencoder((16, 4), frozen_layers=1, pretrain_epochs=1,
                                             max_iter=3, random_state=3), X, Xt)
    cases["ae_warm_raw"] = (DBNAutoencoder((16, 4), warm_start=True, pretrain_epochs=1,
                                           max_iter=2, random_state=4), X, Xt)
    for name, (est, data, held) in cases.items():
        est.fit(data)
        if est.warm_start:
            est.set_params(max_iter=2).fit(data[::2])
        _fitted_arrays(name, est, out)
        out[f"{name}.transform"] = est.transform(held)
        out[f"{name}.inverse_transform"] = est.inverse_transform(est.transform(held))
        out[f"{name}.score"] = np.asarray(est.score(held))


def _generative_cases(X, y, Xt, out):
    from dbn import GenerativeDBNClassifier, RBMClassifier

    B, Bt = X / 16.0, Xt / 16.0
    partly = y.astype(str)
    partly[::3] = "?"
    cases = {
        "rbmc_hybrid": (RBMClassifier(32, n_iter=3, random_state=0), B, y, Bt),
        "rbmc_discriminative": (RBMClassifier(16, objective="discriminative", n_iter=2,
                                              random_state=1), B, y, Bt),
        "rbmc_gaussian_semi": (RBMClassifier(16, unlabeled="?", n_iter=2,
                                             random_state=2), X, partly, Xt),
        "gdbn": (GenerativeDBNClassifier((32, 16), top_components=32, pretrain_epochs=2,
                                         updown_epochs=2, random_state=0), B, y, Bt),
        "gdbn_gaussian_no_updown": (GenerativeDBNClassifier(
            (16,), top_components=16, pretrain_epochs=2, updown_epochs=0,
            random_state=1), X, y, Xt),
    }
    for name, (est, data, labels, held) in cases.items():
        est.fit(data, labels)
        _fitted_arrays(name, est, out)
        out[f"{name}.predict_proba"] = est.predict_proba(held)
        out[f"{name}.sample"] = est.sample(4, n_steps=50, random_state=3)


def fit_all():
    from threadpoolctl import threadpool_info

    warnings.simplefilter("ignore")
    X, y, Xt, _ = _data()
    out = {}
    _rbm_cases(X, Xt, out)
    _net_cases(X, y, Xt, out)
    _autoencoder_cases(X, Xt, out)
    _generative_cases(X, y, Xt, out)
    threads = {i["internal_api"]: i["num_threads"] for i in threadpool_info()}
    return out, threads


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", action="store_true", help="write the reference")
    parser.add_argument("--path", default=DEFAULT_PATH)
    args = parser.parse_args()
    arrays, threads = fit_all()
    if args.save:
        os.makedirs(os.path.dirname(args.path) or ".", exist_ok=True)
        np.savez(args.path, **arrays)
        print(f"saved {len(arrays)} arrays to {args.path} (threads: {threads})")
        return 0
    reference = np.load(args.path)
    problems = []
    for name in sorted(set(reference.files) | set(arrays)):
        if name not in arrays:
            problems.append(f"{name}: missing now")
        elif name not in reference.files:
            problems.append(f"{name}: new (not in the reference)")
        else:
            a, b = reference[name], arrays[name]
            if a.shape != b.shape or a.dtype != b.dtype:
                problems.append(f"{name}: {a.dtype}{a.shape} -> {b.dtype}{b.shape}")
            elif not np.array_equal(a, b, equal_nan=True):
                diff = np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))
                problems.append(f"{name}: differs (max |difference| {diff:.3g})")
    for line in problems:
        print(line)
    import dbn

    print(f"compared {len(reference.files)} reference arrays with {len(arrays)} "
          f"(dbn from {os.path.dirname(dbn.__file__)}, threads: {threads}): "
          f"{'IDENTICAL' if not problems else 'DIFFERENT'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
