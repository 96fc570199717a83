"""Write Sphinx inventories (objects.inv) for numpy, scipy and scikit-learn.

The documentation builds without network access (CI has none but the
package registries), so intersphinx reads these committed files instead of
downloading the projects' own. They list the installed packages' public
names under the URL scheme of each project's API reference, which is all
the cross-references of this site need. Run after upgrading those packages:

    python docs/_inventories/refresh.py
"""

import importlib
import inspect
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

PROJECTS = {
    # name: (project, version module, modules whose public names are listed, URL pattern)
    "numpy": ("NumPy", "numpy", ["numpy", "numpy.random"],
              "reference/generated/{name}.html#{name}"),
    "scipy": ("SciPy", "scipy", ["scipy.sparse", "scipy.special", "scipy.stats"],
              "reference/generated/{name}.html#{name}"),
    "sklearn": ("scikit-learn", "sklearn",
                ["sklearn.base", "sklearn.pipeline", "sklearn.model_selection",
                 "sklearn.neural_network", "sklearn.linear_model", "sklearn.decomposition",
                 "sklearn.preprocessing", "sklearn.datasets", "sklearn.metrics",
                 "sklearn.utils", "sklearn.exceptions", "sklearn.frozen"],
                "modules/generated/{name}.html#{name}"),
}


# Labels of scikit-learn's user guide that its mixins' docstrings (inherited
# here: ``score``) refer to with :ref:.
SKLEARN_LABELS = {
    "accuracy_score": ("modules/model_evaluation.html#accuracy-score", "Accuracy score"),
    "r2_score": ("modules/model_evaluation.html#r2-score",
                 "R² score, the coefficient of determination"),
}


def entries(modules, pattern):
    for module_name in modules:
        module = importlib.import_module(module_name)
        names = getattr(module, "__all__", None) or [n for n in dir(module)
                                                     if not n.startswith("_")]
        page = pattern.format(name=module_name).split("#")[0]
        yield f"{module_name} py:module 0 {page}#module-{module_name} -"
        for attr in sorted(set(names)):
            try:
                obj = getattr(module, attr, None)
            except ImportError:  # experimental names, imported on request only
                continue
            if obj is None or inspect.ismodule(obj):
                continue
            role = "class" if inspect.isclass(obj) else "function" if callable(obj) else "data"
            full = f"{module_name}.{attr}"
            yield f"{full} py:{role} 1 {pattern.format(name=full)} -"


def main():
    for name, (project, version_module, modules, pattern) in PROJECTS.items():
        version = importlib.import_module(version_module).__version__
        header = (f"# Sphinx inventory version 2\n# Project: {project}\n"
                  f"# Version: {version}\n"
                  "# The remainder of this file is compressed using zlib.\n")
        lines = list(entries(modules, pattern))
        if name == "sklearn":
            lines += [f"{label} std:label -1 {uri} {title}"
                      for label, (uri, title) in SKLEARN_LABELS.items()]
        body = "\n".join(lines) + "\n"
        (HERE / f"{name}.inv").write_bytes(header.encode() + zlib.compress(body.encode()))
        print(f"{name}.inv: {body.count(chr(10))} names ({project} {version})")


if __name__ == "__main__":
    main()
