"""Command line: ``dbn demo`` (also ``python -m dbn demo``)."""

import argparse
import sys


def demo(args):
    """What pretraining buys on scikit-learn's digits (see dbn/_demo.py)."""
    from ._demo import run

    run(seeds=args.seeds, verbose=args.verbose)
    return 0


def main(argv=None):
    from . import __version__

    parser = argparse.ArgumentParser(prog="dbn", description="Deep Belief Nets for scikit-learn")
    parser.add_argument("--version", action="version",
                        version=f"dbn {__version__} (distribution scikit-dbn)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="what pretraining buys on scikit-learn's digits "
                                    "(under a minute on 2 cores)")
    p.add_argument("--seeds", type=int, default=3, help="seeds to average over (default 3)")
    p.add_argument("--verbose", action="count", default=0,
                   help="print every pretraining and fine-tuning epoch")
    p.set_defaults(func=demo)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
