"""Math rendered as MathML at build time: no script, no network.

Sphinx's default HTML math renderer (``sphinx.ext.mathjax``) loads MathJax
from a CDN, so a reader offline sees raw LaTeX and the browser logs a failed
request (``tools/check_docs_site.py`` fails on it). Browsers render MathML
themselves (MathML Core: Chromium 109+, Firefox, Safari), so converting the
LaTeX once, here, with the pure-Python ``latex2mathml``, gives pages that
need nothing else. ``conf.py`` selects it with ``html_math_renderer``.

A formula that ``latex2mathml`` cannot convert is a build warning (an error
under ``-W``) naming its source, and is shown as its LaTeX.
"""

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)


def _mathml(translator, node, latex, display):
    try:
        return convert(latex, display=display)
    except Exception as exc:  # latex2mathml raises many kinds on bad input
        logger.warning("cannot convert math to MathML (%s): %s", exc, latex,
                       location=node)
        return f"<code>{translator.encode(latex)}</code>"


def visit_math(self, node):
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate"))
    self.body.append(_mathml(self, node, node.astext(), "inline"))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node):
    self.body.append(self.starttag(node, "div", CLASS="math notranslate"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    # As in sphinx.ext.mathjax: blank lines separate equations, and "\\"
    # breaks an equation into aligned lines.
    for part in node.astext().split("\n\n"):
        if part.strip():
            if r"\\" in part:
                part = r"\begin{split}" + part + r"\end{split}"
            self.body.append(_mathml(self, node, part, "block"))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer("mathml",
                               inline_renderers=(visit_math, None),
                               block_renderers=(visit_displaymath, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
