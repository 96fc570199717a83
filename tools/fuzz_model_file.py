"""Damage a model file at every byte and every length; count how loading ends.

    python tools/fuzz_model_file.py

Every variant must either raise dbn.ModelFileError or load a model identical
to the original (bytes the format does not rely on, such as ZIP timestamps).
Anything else is printed and makes the script exit with status 1.
"""

import collections
import io
import sys
import warnings
from pathlib import Path

from sklearn.datasets import load_digits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dbn  # noqa: E402
from tests.state import same_state  # noqa: E402


def main():
    warnings.simplefilter("ignore")
    X, y = load_digits(return_X_y=True)
    model = dbn.DBNClassifier((4,), pretrain_epochs=1, max_iter=1, random_state=0)
    model.fit(X[:200] / 16, y[:200])
    buffer = io.BytesIO()
    dbn.save(model, buffer)
    original = buffer.getvalue()
    reference = dbn.load(io.BytesIO(original))
    outcomes = collections.Counter()
    variants = [(f"byte {i} ^ {flip:#x}", _flip(original, i, flip))
                for i in range(len(original)) for flip in (0x5A, 0x01)]
    variants += [(f"first {n} bytes", original[:n]) for n in range(len(original))]
    for name, content in variants:
        try:
            loaded = dbn.load(io.BytesIO(content))
        except dbn.ModelFileError:
            outcomes["ModelFileError"] += 1
            continue
        except Exception as exc:  # noqa: BLE001 - counting is the point
            outcomes[f"other error ({type(exc).__name__})"] += 1
            print(f"{name}: {type(exc).__name__}: {exc}")
            continue
        diff = same_state(reference, loaded)
        outcomes["loaded, identical" if diff is None else "loaded, CHANGED"] += 1
        if diff:
            print(f"{name}: {diff}")
    print(f"model file of {len(original)} bytes, {len(variants)} damaged variants")
    for outcome, count in outcomes.most_common():
        print(f"  {outcome}: {count}")
    bad = sum(c for o, c in outcomes.items() if o not in ("ModelFileError", "loaded, identical"))
    return 1 if bad else 0


def _flip(content, i, flip):
    damaged = bytearray(content)
    damaged[i] ^= flip
    return bytes(damaged)


if __name__ == "__main__":
    sys.exit(main())
