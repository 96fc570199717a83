"""Sphinx-gallery scraper for figures made without pyplot.

``dbn.plotting`` returns :class:`matplotlib.figure.Figure` objects that pyplot
does not manage (no window, no display needed), so sphinx-gallery's own
matplotlib scraper cannot see them. This one saves every such figure that a
code block leaves in the example's namespace, once.
"""

from matplotlib.figure import Figure
from sphinx_gallery.scrapers import figure_rst

_saved = {}


def unmanaged_figures(block, block_vars, gallery_conf):
    seen = _saved.setdefault(block_vars["src_file"], set())
    paths = []
    for value in list(block_vars["example_globals"].values()):
        if isinstance(value, Figure) and value.canvas.manager is None and id(value) not in seen:
            seen.add(id(value))
            path = next(block_vars["image_path_iterator"])
            value.savefig(path, dpi=100)
            paths.append(path)
    return figure_rst(paths, gallery_conf["src_dir"])
