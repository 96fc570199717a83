"""Command line: ``dbn demo`` (also ``python -m dbn demo``)."""

import argparse
import sys
import time


def demo(args):
    """Train a DBNClassifier on scikit-learn's digits; compare with no pretraining."""
    import warnings

    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split

    from . import DBNClassifier

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0
    )
    print(f"digits: {len(X_train)} training and {len(X_test)} test images of 8x8 "
          "pixels, scaled to [0, 1]")
    results = {}
    for label, epochs in (("pretrained DBN", 20), ("same net, no pretraining", 0)):
        print(f"\n== {label}: DBNClassifier(hidden_layer_sizes=(500, 500), "
              f"pretrain_epochs={epochs})", flush=True)
        model = DBNClassifier(pretrain_epochs=epochs, random_state=args.random_state,
                              verbose=args.verbose)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        results[label] = (model.score(X_test, y_test), time.perf_counter() - start)
    print()
    for label, (accuracy, seconds) in results.items():
        print(f"{label:>26}: test accuracy {accuracy:.4f} ({seconds:.1f} s)")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="dbn", description="Deep Belief Nets for scikit-learn")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="train on scikit-learn's digits and print test accuracy")
    p.add_argument("--random-state", type=int, default=0)
    p.add_argument("--verbose", type=int, default=1)
    p.set_defaults(func=demo)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
