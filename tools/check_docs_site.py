"""Check the built documentation site the way a reader sees it: in a real browser.

Usage (after building the site, see docs/development.md)::

    python tools/check_docs_site.py [HTML_DIR] [--chromium PATH] [--search-word WORD]

``HTML_DIR`` defaults to ``docs/_build/html`` in this checkout. The directory is
served on a free localhost port by Python's ``http.server`` (in a thread of
this process), and every ``.html`` page in it is opened in headless Chromium
driven by Playwright. A page fails on:

- a console message of type ``error``, or an uncaught exception in its scripts;
- a request for anything the page loads (stylesheets, scripts, images, fonts,
  search index) that fails or answers HTTP status >= 400;
- a resource loaded from another host: the site must work offline, so such
  requests are blocked and reported rather than fetched;
- an ``<img>`` that did not decode (``naturalWidth == 0`` after loading);
- an internal link (``<a href>`` to the served host) whose target does not
  exist, or whose ``#fragment`` names no element ``id`` (or ``<a name>``) on
  the target page (ids are read from the live DOM after the page loaded).

Then ``search.html?q=WORD`` (default ``contrastive``) must finish Sphinx's
search and list at least one result; the result links are checked like the
other internal links. Links to other hosts are counted but never fetched
(there is no network here). Exit status: 0 all good, 1 problems found (each
printed as ``page: problem``), 2 the tools are missing.

Playwright and Chromium are development tools, not dependencies of ``dbn``::

    pip install playwright          # the Python driver only
    apt-get install -y chromium     # the browser (Debian); or pass --chromium PATH

Do not run ``playwright install``: it downloads a browser build of its own;
this script launches the system Chromium instead.
"""

import argparse
import functools
import http.server
import os
import shutil
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SITE = ROOT / "docs" / "_build" / "html"

# Headless Chromium as root needs --no-sandbox. The rest keep the browser from
# calling Google's services on its own (updates, sync, field trials): on a
# closed network those connections fail and log noise unrelated to the site.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-default-apps", "--disable-extensions",
]

# Every image on the page, lazy ones made eager (a headless page never scrolls
# to them), each awaited with decode(): it settles once the image has loaded
# and decoded, or rejects if it cannot be.
_IMAGES_JS = """async () => {
  const imgs = Array.from(document.images);
  for (const img of imgs) if (img.loading === "lazy") img.loading = "eager";
  return Promise.all(imgs.map(async (img) => {
    let error = null;
    try { await img.decode(); } catch (e) { error = String(e); }
    return {src: img.getAttribute("src"), url: img.currentSrc || img.src,
            width: img.naturalWidth, error: error};
  }));
}"""

# a.href is the resolved absolute URL, so relative links need no resolving here.
_LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"

_IDS_JS = """() => Array.from(document.querySelectorAll('[id]'), e => e.id)
  .concat(Array.from(document.querySelectorAll('a[name]'), a => a.name))"""

# Sphinx's searchtools.js writes the status line (.search-summary) only when
# the search has finished, with or without results.
_SEARCH_DONE_JS = """() => {
  const s = document.querySelector('#search-results .search-summary');
  return s !== null && s.textContent.trim().length > 0;
}"""
_SEARCH_RESULTS_JS = """() => Array.from(
  document.querySelectorAll('#search-results ul.search li a'), a => a.href)"""


def _missing_tools(message):
    print(message, file=sys.stderr)
    print("Install the checker's tools with:\n"
          "    pip install playwright\n"
          "    apt-get install -y chromium\n"
          "(not `playwright install`: this script uses the system Chromium; "
          "another one can be given with --chromium PATH)", file=sys.stderr)
    return 2


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass  # the browser's own view of failures is what gets reported


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # The browser drops connections it no longer needs (a navigation away
        # mid-request); that is not a problem of the site.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(directory):
    """Serve ``directory`` on a free localhost port; return (server, base URL)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}/"


class Checker:
    """Opens pages in one browser and collects what each one did wrong."""

    def __init__(self, browser, base, timeout_s):
        self.context = browser.new_context()
        self.base = base
        self.origin = urllib.parse.urlsplit(base).netloc
        self.timeout_ms = timeout_s * 1000
        self.problems = defaultdict(list)   # page name -> ["problem", ...]
        self.ids = {}                       # site path -> set of element ids
        self.links = []                     # (page name, absolute href)
        self.images = 0
        self.requests = 0

    def _same_host(self, url):
        return urllib.parse.urlsplit(url).netloc == self.origin

    def open(self, name, url):
        """Load one page, record its problems; return the Playwright page."""
        page = self.context.new_page()
        problems = self.problems[name]
        reported = set()  # resource URLs already reported for this page

        def route(r):
            url = r.request.url
            if not url.startswith(("http:", "https:")) or self._same_host(url):
                r.continue_()
                return
            # Not fetched: there is no network here, and a site that needs
            # one to render is broken for offline readers anyway.
            reported.add(url)
            problems.append(f"loads a resource from another host: {url}")
            r.abort("blockedbyclient")

        def on_request(request):
            self.requests += 1

        def on_failed(request):
            if request.url not in reported:
                reported.add(request.url)
                problems.append(f"request failed ({request.failure}): {request.url}")

        def on_response(response):
            if response.status >= 400 and response.url not in reported:
                reported.add(response.url)
                problems.append(f"HTTP {response.status}: {response.url}")

        def on_console(msg):
            if msg.type != "error":
                return
            # Chromium logs "Failed to load resource" for every failed request;
            # the request itself is already reported above.
            if msg.location.get("url") in reported and "Failed to load resource" in msg.text:
                return
            where = msg.location.get("url", "")
            line = msg.location.get("lineNumber")
            where = f" ({where}:{line})" if where and line is not None else ""
            problems.append(f"console error: {msg.text}{where}")

        page.route("**/*", route)
        page.on("request", on_request)
        page.on("requestfailed", on_failed)
        page.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", lambda exc: problems.append(f"uncaught exception: {exc}"))

        try:
            page.goto(url, wait_until="load", timeout=self.timeout_ms)
            # Scripts may load more after "load" (MathJax fetches its fonts and
            # components); wait until the network has been quiet for 500 ms.
            page.wait_for_load_state("networkidle", timeout=self.timeout_ms)
        except Exception as exc:  # a timeout or a navigation error
            problems.append(f"did not finish loading: {exc}")
            return page

        for img in page.evaluate(_IMAGES_JS):
            self.images += 1
            if img["width"] == 0:
                why = f" ({img['error']})" if img["error"] else ""
                problems.append(f"image did not decode: {img['src']}{why}")
        self.links.extend((name, href) for href in page.evaluate(_LINKS_JS))
        self.ids[urllib.parse.urlsplit(page.url).path] = set(page.evaluate(_IDS_JS))
        return page

    def check_links(self):
        """Check every collected link; return (internal checked, external hosts' URLs)."""
        external = set()
        status = {}  # site path -> HTTP status, for targets that are not visited pages
        internal = 0
        for name, href in self.links:
            parts = urllib.parse.urlsplit(href)
            if parts.scheme not in ("http", "https"):
                continue  # mailto:, javascript: and the like
            if parts.netloc != self.origin:
                external.add(href)
                continue
            internal += 1
            path = parts.path + ("index.html" if parts.path.endswith("/") else "")
            if path not in self.ids:
                # Not a page we opened (a download, a source file, a page
                # outside the tree): ask the server whether it exists.
                if path not in status:
                    status[path] = self._head(self.base.rstrip("/") + path)
                if status[path] >= 400:
                    self.problems[name].append(f"broken link (HTTP {status[path]}): {href}")
                continue
            fragment = urllib.parse.unquote(parts.fragment)
            # "#" and "#top" scroll to the top of any page (HTML standard).
            if fragment and fragment.lower() != "top" and fragment not in self.ids[path]:
                self.problems[name].append(f"broken anchor (no id {fragment!r} on {path}): {href}")
        return internal, external

    def _head(self, url):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="HEAD")) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", nargs="?", type=Path, default=DEFAULT_SITE,
                        help="built HTML directory (default: docs/_build/html)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium",
                        help="Chromium executable (default: chromium on PATH)")
    parser.add_argument("--search-word", default="contrastive",
                        help="a word the site contains, for the search page check")
    parser.add_argument("--timeout", type=float, default=30,
                        help="seconds allowed for one page to load (default 30)")
    args = parser.parse_args(argv)

    site = args.site.resolve()
    if not (site / "index.html").is_file():
        print(f"{site}: no index.html; build the site first (docs/development.md)",
              file=sys.stderr)
        return 2
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return _missing_tools("Playwright (the Python package) is not installed.")
    if not os.access(args.chromium, os.X_OK):
        return _missing_tools(f"No Chromium executable at {args.chromium}.")

    start = time.monotonic()
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    server, base = serve(site)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium,
                                         headless=True, args=CHROMIUM_ARGS)
            checker = Checker(browser, base, args.timeout)
            for name in pages:
                checker.open(name, base + urllib.parse.quote(name)).close()

            search = f"search.html?q={urllib.parse.quote(args.search_word)}"
            page = checker.open(search, base + search)
            results = []
            try:
                page.wait_for_function(_SEARCH_DONE_JS, timeout=checker.timeout_ms)
                results = page.evaluate(_SEARCH_RESULTS_JS)
            except Exception as exc:
                checker.problems[search].append(f"search did not finish: {exc}")
            else:
                if not results:
                    checker.problems[search].append(
                        f"no search results for {args.search_word!r}")
            checker.links.extend((search, href) for href in results)
            page.close()
            browser.close()
        internal, external = checker.check_links()
    finally:
        server.shutdown()
        server.server_close()

    bad = {name: probs for name, probs in sorted(checker.problems.items()) if probs}
    for name, probs in bad.items():
        for problem in probs:
            print(f"{name}: {problem}")
    print(f"pages checked: {len(pages)} ({len(bad)} with problems)\n"
          f"resources requested: {checker.requests}\n"
          f"images: {checker.images}\n"
          f"internal links: {internal} checked\n"
          f"external links: {len(external)} distinct (not fetched)\n"
          f"search {args.search_word!r}: {len(results)} results\n"
          f"time: {time.monotonic() - start:.1f} s")
    print("FAILED" if bad else "OK")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
