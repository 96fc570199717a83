"""The release's identity: one version everywhere it is written."""

import importlib.metadata
import pathlib
import re

import pytest

import dbn
from dbn.__main__ import main

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_dbn_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.split()[:2] == ["dbn", dbn.__version__]


def test_installed_distribution_is_scikit_dbn_at_the_package_version():
    assert importlib.metadata.version("scikit-dbn") == dbn.__version__
    assert "dbn" in importlib.metadata.distribution("scikit-dbn").read_text(
        "top_level.txt").split()


@pytest.mark.skipif(not (ROOT / "CITATION.cff").exists(), reason="needs the source checkout")
def test_citation_and_changelog_name_the_package_version():
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^version: (\S+)$", citation, re.M).group(1) == dbn.__version__
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[([^\]]+)\](?: - (\S+))?", changelog, re.M)
    assert releases[0][0] == "Unreleased"
    assert releases[1][0] == dbn.__version__
    released = re.search(r'^date-released: "?([0-9-]+)"?$', citation, re.M).group(1)
    assert releases[1][1] == released
