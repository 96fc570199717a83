"""Sphinx configuration: ``python -m sphinx -W -b html docs docs/_build/html``.

The gallery (``docs/examples``) runs every example; ``DBN_DOCS_QUICK=1`` gives
the examples a small data setting (CI). Cross-references to numpy, scipy and
scikit-learn resolve from inventories committed under ``_inventories`` (the
build needs no network); ``python docs/_inventories/refresh.py`` rewrites
them from the installed packages.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE / "_ext"))

from figure_scraper import unmanaged_figures  # noqa: E402

import dbn  # noqa: E402

project = "dbn"
author = "dbn developers"
copyright = "2026, dbn developers"
release = dbn.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "mathml",  # _ext/mathml.py
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "examples/README.rst", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip",
                    # left by builds before write_computation_times was off
                    "sg_execution_times.rst", "auto_examples/sg_execution_times.rst"]
myst_heading_anchors = 4
myst_enable_extensions = ["dollarmath"]

autosummary_generate = True
# Every class page lists its public methods, inherited ones included (the
# estimators get predict_proba, sample, score, ... from private mixins),
# without scikit-learn's metadata-routing setters and Exception's own methods.
autodoc_default_options = {
    "members": True,
    "inherited-members": True,
    "exclude-members": ", ".join([
        "set_fit_request", "set_partial_fit_request", "set_score_request",
        "set_transform_request", "set_predict_request", "set_inverse_transform_request",
        "set_predict_proba_request", "set_output", "get_metadata_routing",
        "with_traceback", "add_note", "args",
    ]),
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# The gallery configuration holds a scraper function, which Sphinx cannot
# pickle into its environment cache; that only costs a full rebuild.
suppress_warnings = ["config.cache"]

html_theme = "alabaster"
html_title = f"dbn {release}"
html_static_path = []
# Math as MathML converted at build time (_ext/mathml.py), not MathJax from a
# CDN: the site must render offline (tools/check_docs_site.py checks it).
html_math_renderer = "mathml"


intersphinx_mapping = {
    name: (url, str(HERE / "_inventories" / f"{name}.inv"))
    for name, url in {
        "numpy": "https://numpy.org/doc/stable/",
        "scipy": "https://docs.scipy.org/doc/scipy/",
        "sklearn": "https://scikit-learn.org/stable/",
    }.items()
}

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "reference_url": {"dbn": None},
    "doc_module": ("dbn",),
    "backreferences_dir": "generated/backreferences",
    "abort_on_example_error": True,
    "matplotlib_animations": False,
    "remove_config_comments": True,
    # The examples' run-time tables (sg_execution_times) load jQuery and
    # DataTables from CDNs, which fail offline; they are not for readers.
    "write_computation_times": False,
    # Ours first: pyplot's scraper closes its figures, which would make them
    # look unmanaged to ours and be saved twice.
    "image_scrapers": (unmanaged_figures, "matplotlib"),
}
os.environ.setdefault("MPLBACKEND", "Agg")
