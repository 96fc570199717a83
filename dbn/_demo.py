"""``dbn demo``: what pretraining buys, on scikit-learn's digits, in under a minute.

The same sigmoid net is fine-tuned from two starts: from RBMs pretrained on
every training image without labels, and from random (Glorot) init; beside
them scikit-learn's MLPClassifier of the same shape (ReLU, Adam), which is
what a user would pick instead. Both settings use their defaults; each seed
draws its own labeled subset and initial weights.
"""

import time
import warnings

import numpy as np

HIDDEN = (256, 256)


def _labeled_subset(y, per_class, rng):
    return np.sort(np.concatenate([
        rng.choice(np.flatnonzero(y == c), per_class, replace=False) for c in np.unique(y)
    ]))


def _models(seed, pretrained_dbn):
    from sklearn.frozen import FrozenEstimator
    from sklearn.neural_network import MLPClassifier

    from . import DBNClassifier

    return {
        "pretrained DBN": lambda: DBNClassifier(
            HIDDEN, pretrained=FrozenEstimator(pretrained_dbn), random_state=seed),
        "same net, random init": lambda: DBNClassifier(
            HIDDEN, pretrain_epochs=0, random_state=seed),
        f"MLPClassifier({HIDDEN[0]}, {HIDDEN[1]})": lambda: MLPClassifier(
            HIDDEN, max_iter=1000, random_state=seed),
    }


def run(seeds=3, verbose=0, out=print):
    """Run the demo; returns {setting: {model: [accuracy per seed]}}."""
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split

    from . import DBN

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0)
    settings = {"50 (5 per class)": 5, f"{len(X_train)} (all)": None}
    out(f"dbn demo: what pretraining buys on scikit-learn's digits ({len(X_train)} "
        f"training and {len(X_test)} test images, 8x8 pixels)")
    out(f"net 64-{HIDDEN[0]}-{HIDDEN[1]}-10 (sigmoid); pretraining: 20 CD-1 epochs per layer "
        f"on all {len(X_train)} training images, no labels\n")
    scores = {setting: {} for setting in settings}
    start = time.perf_counter()
    for seed in range(seeds):
        t0 = time.perf_counter()
        rng = np.random.default_rng(seed)
        dbn = DBN(HIDDEN, random_state=seed, verbose=verbose).fit(X_train)
        pretrain_s = time.perf_counter() - t0
        for setting, per_class in settings.items():
            rows = (np.arange(len(y_train)) if per_class is None
                    else _labeled_subset(y_train, per_class, rng))
            for name, make in _models(seed, dbn).items():
                model = make()
                if verbose:
                    model.set_params(verbose=verbose)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    model.fit(X_train[rows], y_train[rows])
                scores[setting].setdefault(name, []).append(model.score(X_test, y_test))
        out(f"seed {seed + 1}/{seeds}: pretraining {pretrain_s:.1f} s, 6 fine-tunings "
            f"{time.perf_counter() - t0 - pretrain_s:.1f} s")
    out("")
    out(_table(scores, seeds))
    out(f"\n({time.perf_counter() - start:.0f} s. Every seed draws its own labeled images "
        "and initial weights; the pretrained and random-init nets use their defaults.)")
    return scores


def _table(scores, seeds):
    names = list(next(iter(scores.values())))
    header = ["labels used"] + names
    rows = [[setting] + [f"{np.mean(v):.3f} ± {np.std(v):.3f}" for v in result.values()]
            for setting, result in scores.items()]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [f"test accuracy, mean ± std over {seeds} seeds"]
    for r in [header, *rows]:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines)
