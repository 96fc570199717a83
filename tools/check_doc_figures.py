"""Figures in the documentation that cannot drift from the results files.

Two rules, over ``README.md``, ``docs/*.md``, ``docs/index.rst`` and the
prose (comments and docstrings) of the gallery's ``docs/examples/*.py``:

1. **Attributed figures are in their file.** A page marks where its figures
   come from with an HTML comment (invisible on GitHub and in the site)::

       <!-- figures from: bench_scale.md bench_memory.md -->
       ... every number here must be in one of those files ...
       <!-- end figures -->

   (the scope also ends at the next ``figures from`` marker or the end of the
   page). Figures published elsewhere (a paper's, a data set's own table)
   sit in a scope opened by ``<!-- figures cited from: <the source> -->``,
   which names the source and is not checked against our files. Every
   number in a results scope, in prose, tables and output blocks (fenced as
   ``text``, ``console`` or nothing; not inline code or code blocks, which
   hold parameters), must
   appear in one of the named files in ``benchmarks/results/``: the same
   number, read the same way (``60,000`` = ``60000``, ``0.90`` = ``0.9``;
   a signed figure with the file's sign, an unsigned one as a magnitude),
   not a rounding of it, and not a number of the file's stamp line (its
   date and versions). Markers stand on lines of their own. A figure derived from the file
   (a difference, a rounding) must be written into the file by its
   benchmark, or left out.
2. **Measured-looking figures are attributed.** Outside those scopes and
   outside inline code, a number that reads as a measurement (three or more
   decimals, a ``±``, a ratio such as ``1.09x`` or "three times faster", a
   percentage, a duration such as ``27 s`` or ``3 minutes``, a value such as
   ``9e-6``; not a bound such as "below 2e-7") is an error. Pages that are records in
   their own right (``docs/test-thresholds.md``, ``docs/defaults-record.md``)
   are exempt from this rule.

``python tools/check_doc_figures.py --sync-tables`` first copies, into each
scope, every table of a named file whose header row the page repeats (after
a benchmark is rerun). ``python tools/check_doc_figures.py`` prints each violation as
``page:line: message`` and exits 1 if there is any; ``tests/test_doc_figures.py``
runs it in the suite.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
#: Pages whose figures are their own record (the thresholds table is the
#: output of the tests' metric runs, not of a benchmark).
RECORDS = {"docs/test-thresholds.md", "docs/defaults-record.md"}

_OPEN = re.compile(r"<!--\s*figures from:\s*(.*?)\s*-->")
_CITED = re.compile(r"<!--\s*figures cited from:\s*(.*?)\s*-->")
_CLOSE = re.compile(r"<!--\s*end figures\s*-->")
_STAMP = re.compile(r"_\d{4}-\d\d-\d\d \d\d:\d\d · .* · .*_\s*\Z")
CITED = ["cited"]
_NUMBER = re.compile(r"(?<![\w.])[-+−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|"
                     r"(?<![\w.])[-+−]?\d+(?:\.\d+)?")
_MEASURED = re.compile(
    r"\d\.\d{3,}"                       # 0.9116
    r"|±"                               # mean ± std
    r"|(?<![\w.])\d+(?:\.\d+)?[x×](?!\w)"  # 1.09x
    r"|(?<![\w.])\d+(?:\.\d+)? ?%(?! hold-out)"  # 73% (a 20% hold-out is a setting)
    r"|(?<![\w.])\d+(?:\.\d+)? ?(?:s|ms|min|minutes?|seconds?|hours?)\b"  # 27 s
    r"|(?<![\w.])\d+(?:\.\d+)? ?(?:[KMG]i?B|GFLOP/s)(?!\w)"  # 149 MB, 145 GFLOP/s
    r"|(?<![\w.])\d+(?:\.\d+)? percent\b"
    r"|\b(?:twice|(?:two|three|four|five|six|seven|eight|nine|ten|twenty|a hundred)"
    r" times) (?:as|faster|slower|more|less|fewer|larger|smaller)\b"  # three times faster
    r"|(?<![\w.])(?:[2-9]|\d\.\d+)e-?\d+\b"  # 2.6e-6 (1e-5 reads as a setting)
)
# Words before a figure that make it a bound or a tolerance, not a result.
_BOUND = re.compile(r"(?:<|≤|below|within|allows?|tolerance of|tested to|up to) ?\Z")
# What is not prose: inline code, link targets, image and link addresses,
# HTML comments, and references such as "issue 13" or "(2008)".
_NOT_PROSE = re.compile(r"`[^`]*`|\]\([^)]*\)|<!--.*?-->|</?[A-Za-z][^>]*>|https?://\S+")


def _pages():
    yield ROOT / "README.md"
    yield from sorted((ROOT / "docs").glob("*.md"))
    yield ROOT / "docs" / "index.rst"
    yield from sorted((ROOT / "docs" / "examples").glob("*.py"))


def _prose_lines(path, text):
    """The lines of a page that a reader sees as text. A gallery script's
    prose is its comment lines and docstrings; its code holds parameters."""
    lines = text.splitlines()
    if path.suffix != ".py":
        return lines
    prose, in_docstring = [], False
    for line in lines:
        stripped = line.strip()
        quotes = stripped.count('"""')
        if in_docstring or quotes:
            prose.append(stripped.replace('"""', " "))
            in_docstring = in_docstring != (quotes % 2 == 1)
        elif stripped.startswith("#"):
            prose.append(stripped.lstrip("#"))
        else:
            prose.append("")
    return prose


def _canonical(token, signed=True):
    """The number a token denotes, as a comparable key (None if none).

    A signed token (``-0.0006``, ``+1.5``) keeps its sign; an unsigned one
    (``a loss of 0.0006``) is keyed by its magnitude, so prose may state a
    difference without its sign but never with the wrong one."""
    token = token.replace(",", "").replace("−", "-")
    has_sign = token[:1] in "+-"
    try:
        value = float(token)
    except ValueError:
        return None
    if signed and has_sign:
        return repr(value)
    return "|" + repr(abs(value))


_file_numbers = {}


def _numbers_in(name):
    """Every number written in a results file, signed and as a magnitude."""
    if name not in _file_numbers:
        path = RESULTS / name
        if not path.exists():
            _file_numbers[name] = None
            return None
        text = path.read_text(encoding="utf-8")
        # The stamp line (date, machine, versions) holds no results: a
        # "1.9x" must not match scikit-learn 1.9.1.
        text = re.sub(r"\A_[^\n]*_\n", "", text)
        found = {_canonical(t) for t in _NUMBER.findall(text)}
        found |= {_canonical(t, signed=False) for t in _NUMBER.findall(text)}
        _file_numbers[name] = found - {None}
    return _file_numbers[name]


def check_page(path):
    """The violations of one page, as (page, line number, message) triples."""
    path = pathlib.Path(path)
    relative = (path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT)
                else path.as_posix())
    problems = []
    sources = None          # None outside a scope, CITED in a cited one
    cited_at = None         # where the open cited scope began
    in_fence, fence = False, None
    for number, line in enumerate(_prose_lines(path, path.read_text(encoding="utf-8")), 1):
        if line.lstrip().startswith(("```", "~~~")):
            # Output blocks (no language, text, console) hold figures; code
            # blocks hold parameters. Markers shown inside a block are text.
            fence = None if in_fence else line.strip().lstrip("`~").strip()
            in_fence = not in_fence
            continue
        # A marker quoted in inline code (as on the development page) is text.
        markers = "" if in_fence else re.sub(r"`[^`]*`", " ", line)
        marker = _OPEN.search(markers) or _CITED.search(markers) or _CLOSE.search(markers)
        if marker and markers.replace(marker.group(0), "").strip():
            # Text beside a marker would escape both rules.
            problems.append((number, "a figures marker must stand on a line of its own"))
        if (opened := _OPEN.search(markers)) or (cited := _CITED.search(markers)):
            if opened:
                sources, cited_at = opened.group(1).replace(",", " ").split(), None
                missing = [n for n in sources if _numbers_in(n) is None]
                problems.extend((number, f"names {n}, which is not in benchmarks/results/")
                                for n in missing)
            else:
                sources, cited_at = CITED, number
            if not sources or (sources is CITED and not cited.group(1)):
                problems.append((number, "a figures marker must name its source"))
            continue
        if _CLOSE.search(markers):
            sources, cited_at = None, None
            continue
        if in_fence and fence not in ("", "text", "console"):
            continue
        if _STAMP.match(line):
            continue  # a results file's stamp, quoted with its table
        if sources is CITED:
            # Published figures (a paper, a data set's own table): quoted,
            # with their source named, and not checked against our files.
            continue
        if sources:
            text = line if in_fence else _NOT_PROSE.sub(" ", line)
            text = re.sub(r"bench_\w+\.(?:md|json|png|py)|benchmarks/\S+", " ", text)
            for token in _NUMBER.findall(text):
                key = _canonical(token)
                if not any(key in (_numbers_in(n) or ()) for n in sources):
                    problems.append((number, f"{token!r} is not in {', '.join(sources)}"))
        elif relative not in RECORDS:
            prose = _NOT_PROSE.sub(" ", line)
            for match in _MEASURED.finditer(prose):
                if _BOUND.search(prose[:match.start()]):
                    continue  # "absolute error below 2e-7": a tested bound
                problems.append((number, f"measured-looking {match.group(0)!r} is not "
                                         "attributed to a results file"))
    if cited_at is not None:
        # An unclosed cited scope would exempt the rest of the page.
        problems.append((cited_at, "a 'figures cited from' passage needs its "
                                   "<!-- end figures -->"))
    return [(relative, n, message) for n, message in problems]


def _tables(lines):
    """(start, stop) line spans of the Markdown tables in ``lines``."""
    spans, start = [], None
    for i, line in enumerate([*lines, ""]):
        if line.startswith("|") and start is None:
            start = i
        elif not line.startswith("|") and start is not None:
            spans.append((start, i))
            start = None
    return spans


def _header(line):
    return tuple(cell.strip() for cell in line.strip().strip("|").split("|"))


def sync_tables(path):
    """Copy into ``path`` every table of a named results file whose header row
    it repeats, in the scope that names the file. Returns the tables updated."""
    lines = path.read_text(encoding="utf-8").splitlines()
    sources, updated = None, 0
    spans = dict(_tables(lines))
    output, i = [], 0
    while i < len(lines):
        line = lines[i]
        opened = _OPEN.search(line)
        if opened:
            sources, seen = opened.group(1).replace(",", " ").split(), {}
        elif _CLOSE.search(line) or _CITED.search(line):
            sources = None
        if i in spans and sources:
            stop = spans[i]
            for name in sources:
                path_of = RESULTS / name
                if not path_of.exists():
                    continue
                source_lines = path_of.read_text(encoding="utf-8").splitlines()
                # A file may repeat a header (one table per data set): the
                # page's k-th table with that header is the file's k-th.
                same = [(start, end) for start, end in _tables(source_lines)
                        if _header(source_lines[start]) == _header(line)]
                k = seen.get((name, _header(line)), 0)
                if k < len(same):
                    seen[(name, _header(line))] = k + 1
                    table = source_lines[same[k][0]:same[k][1]]
                    updated += table != lines[i:stop]
                    output.extend(table)
                    break
            else:
                output.extend(lines[i:stop])
            i = stop
            continue
        output.append(line)
        i += 1
    if updated:
        path.write_text("\n".join(output) + "\n", encoding="utf-8")
    return updated


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--sync-tables"]:
        for page in _pages():
            if (n := sync_tables(page)):
                print(f"{page.relative_to(ROOT)}: {n} tables copied from their results files")
    problems = [p for page in _pages() for p in check_page(page)]
    for page, number, message in problems:
        print(f"{page}:{number}: {message}")
    if problems:
        print(f"{len(problems)} figures in the documentation do not match a results file.")
        return 1
    print("every attributed figure is in its results file; no unattributed measurements.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
