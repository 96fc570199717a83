"""Random number generation: everything draws from ``numpy.random.Generator``."""

import numbers

import numpy as np


def make_generator(random_state):
    """Turn scikit-learn's ``random_state`` convention into a ``Generator``.

    None gives fresh OS entropy, an int a reproducible stream, a
    ``RandomState`` seeds the generator from its own stream (so shared
    ``RandomState`` objects advance, as scikit-learn users expect), and a
    ``Generator`` is used as is.
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        return np.random.default_rng(int(random_state))
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**63 - 1, dtype=np.int64))
    raise ValueError(
        f"random_state must be None, an int, a numpy RandomState or Generator; "
        f"got {random_state!r}."
    )


def copy_generator(rng):
    """An independent generator in exactly the state of ``rng``."""
    clone = np.random.Generator(type(rng.bit_generator)())
    clone.bit_generator.state = rng.bit_generator.state
    return clone
