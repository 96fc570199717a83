"""Command line: ``dbn demo`` (also ``python -m dbn demo``)."""

import argparse
import sys
import time


def demo(args):
    """Train on scikit-learn's digits and print test accuracy."""
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline

    from . import BernoulliRBM

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=args.random_state
    )
    print(f"digits: {len(X_train)} training and {len(X_test)} test images, 8x8 pixels")
    start = time.perf_counter()
    model = make_pipeline(
        BernoulliRBM(n_components=100, n_iter=20, random_state=args.random_state,
                     verbose=args.verbose),
        LogisticRegression(max_iter=1000),
    )
    model.fit(X_train, y_train)
    elapsed = time.perf_counter() - start
    print(f"BernoulliRBM(100) -> LogisticRegression: test accuracy "
          f"{model.score(X_test, y_test):.4f} ({elapsed:.1f} s)")
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
