"""The documentation quotes only figures its results files hold
(tools/check_doc_figures.py)."""

import importlib.util
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "check_doc_figures.py"

pytestmark = pytest.mark.skipif(not TOOL.exists(), reason="needs the source checkout")


@pytest.fixture(scope="module")
def checker():
    spec = importlib.util.spec_from_file_location("check_doc_figures", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_attributed_figure_is_in_its_results_file(checker):
    problems = [p for page in checker._pages() for p in checker.check_page(page)]
    assert not problems, "\n".join(f"{page}:{line}: {message}"
                                   for page, line, message in problems)


def _problems(checker, tmp_path, text):
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    return [message for _, _, message in checker.check_page(page)]


def test_a_figure_the_file_does_not_hold_is_found(checker, tmp_path):
    # dbn's median seconds in the committed results (whatever the last run gave)
    results = checker.RESULTS / "bench_rbm.md"
    row = next(line for line in results.read_text().splitlines() if line.startswith("| dbn"))
    held = row.split("|")[2].strip()
    assert len(held.split(".")[1]) == 2, held
    off = f"{float(held) + 0.01:.2f}"
    while off in results.read_text():
        off = f"{float(off) + 0.01:.2f}"
    quoted = "<!-- figures from: bench_rbm.md -->\n\nOne CD-1 epoch takes {} s.\n"
    assert _problems(checker, tmp_path, quoted.format(held)) == []
    assert _problems(checker, tmp_path, quoted.format(off)) == [
        f"'{off}' is not in bench_rbm.md"]
    # A rounding is not the file's figure either.
    rounded = held[:-1].rstrip("0").rstrip(".")
    if not re.search(rf"(?<![\d.]){re.escape(rounded)}(?![\d])", results.read_text()):
        assert _problems(checker, tmp_path, quoted.format(rounded)) == [
            f"'{rounded}' is not in bench_rbm.md"]


def test_a_missing_results_file_is_named(checker, tmp_path):
    assert _problems(checker, tmp_path, "<!-- figures from: bench_nothing.md -->\n") == [
        "names bench_nothing.md, which is not in benchmarks/results/"]


def test_measured_looking_figures_need_a_source(checker, tmp_path):
    assert len(_problems(checker, tmp_path, "It scores 0.9116 ± 0.0006 in 27 s.\n")) == 4
    assert len(_problems(checker, tmp_path, "1.09x faster, 73% of the GEMM rate.\n")) == 2
    # Parameters in code, a hold-out fraction and a cited figure are not measurements.
    assert _problems(checker, tmp_path, "```python\nMLP(alpha=0.0001)\n```\n") == []
    assert _problems(checker, tmp_path, "`tol=0.0001` and a 20% hold-out.\n") == []
    cited = ("<!-- figures cited from: Xiao et al. 2017 -->\n\nTheir MLP: 0.883.\n"
             "\n<!-- end figures -->\n")
    assert _problems(checker, tmp_path, cited) == []
    assert _problems(checker, tmp_path, cited + "\nOurs: 0.9116.\n") != []


def test_sync_copies_the_files_table_into_the_page(checker, tmp_path):
    source = (ROOT / "benchmarks" / "results" / "bench_rbm.md").read_text(encoding="utf-8")
    table = [line for line in source.splitlines() if line.startswith("|")]
    stale = [table[0], table[1], table[2].replace(table[2].split("|")[2], " 9.99    ")]
    page = tmp_path / "page.md"
    page.write_text("<!-- figures from: bench_rbm.md -->\n\n" + "\n".join(stale) + "\n",
                    encoding="utf-8")
    assert checker.sync_tables(page) == 1
    assert page.read_text(encoding="utf-8").splitlines()[2:] == table


def test_markers_shown_as_text_open_no_scope(checker, tmp_path):
    shown = "```text\n<!-- figures cited from: anything -->\n```\n\nIt scores 0.9116.\n"
    assert len(_problems(checker, tmp_path, shown)) == 1
    inline = "Write `<!-- figures cited from: X -->` before it.\n\nIt scores 0.9116.\n"
    assert len(_problems(checker, tmp_path, inline)) == 1


def test_a_cited_passage_must_be_closed(checker, tmp_path):
    unclosed = "<!-- figures cited from: Xiao et al. 2017 -->\n\nTheir MLP: 0.883.\n"
    assert _problems(checker, tmp_path, unclosed) == [
        "a 'figures cited from' passage needs its <!-- end figures -->"]
    assert _problems(checker, tmp_path, "<!-- figures from: -->\n") == [
        "a figures marker must name its source"]


def test_holes_a_reviewer_found_stay_closed(checker, tmp_path):
    scope = "<!-- figures from: bench_rbm.md -->\n\n{}\n"
    # The results file's stamp (versions such as scikit-learn 1.9.1) holds no results.
    assert _problems(checker, tmp_path, scope.format("It is 1.9x faster.")) == [
        "'1.9' is not in bench_rbm.md"]
    # A sign the file does not give is wrong; no sign at all states a magnitude.
    head = "<!-- figures from: bench_head_start.md -->\n\n{}\n"
    head_start = (ROOT / "benchmarks" / "results" / "bench_head_start.md").read_text()
    assert "-0.0006" in head_start and "+0.0006" not in head_start
    assert _problems(checker, tmp_path, head.format("a loss of 0.0006")) == []
    assert _problems(checker, tmp_path, head.format("ahead by +0.0006")) == [
        "'+0.0006' is not in bench_head_start.md"]
    # Text beside a marker escapes neither rule.
    assert _problems(checker, tmp_path, "<!-- end figures --> It takes 9.87 s.\n") != []
    assert _problems(checker, tmp_path,
                     "<!-- figures from: bench_rbm.md --> It takes 9.87 s.\n") != []
    # Worded ratios and measured values in e-notation need a source; bounds do not.
    assert _problems(checker, tmp_path, "It runs three times faster.\n") != []
    assert _problems(checker, tmp_path, "Weights differ by 9e-6.\n") != []
    assert _problems(checker, tmp_path, "Absolute error below 2e-7; tol 1e-4.\n") == []


def test_gallery_prose_is_checked_and_its_code_is_not(checker, tmp_path):
    script = tmp_path / "plot_example.py"
    script.write_text('"""\nTitle\n=====\n\nIt scores 0.9116.\n"""\n\n'
                      "model = Model(alpha=0.0001)\n# %%\n# It takes 27 s.\n",
                      encoding="utf-8")
    found = [message for _, _, message in checker.check_page(script)]
    assert len(found) == 2 and all("measured-looking" in m for m in found)
    assert any(page.name == "index.rst" for page in checker._pages())
    assert any(page.suffix == ".py" for page in checker._pages())
