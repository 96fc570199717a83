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
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "examples/README.rst", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip"]
myst_heading_anchors = 4
myst_enable_extensions = ["dollarmath"]

autosummary_generate = True
autodoc_default_options = {"inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# The gallery configuration holds a scraper function, which Sphinx cannot
# pickle into its environment cache; that only costs a full rebuild.
suppress_warnings = ["config.cache"]

html_theme = "alabaster"
html_title = f"dbn {release}"
html_static_path = []
templates_path = ["_templates"]

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
    "abort_on_example_error": True,
    "matplotlib_animations": False,
    "remove_config_comments": True,
    # Ours first: pyplot's scraper closes its figures, which would make them
    # look unmanaged to ours and be saved twice.
    "image_scrapers": (unmanaged_figures, "matplotlib"),
}
os.environ.setdefault("MPLBACKEND", "Agg")
