"""Deferred imports: Numba and the kernel modules load on first use.

``import dbn`` then costs what scikit-learn's own import costs; the first
kernel call pays for importing Numba and loading the cached machine code.
"""

import importlib.util
import sys


def lazy_import(name):
    """The module ``name``, executed only when one of its attributes is first read.

    The standard library's recipe (``importlib.util.LazyLoader``): the module
    object is registered at once, so every importer shares it, and it turns
    into the ordinary module on first attribute access.
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
