"""Build the sdist and the wheel, check their metadata, install the wheel.

    python tools/check_release.py [--skip-demo]

Needs ``build``, ``twine`` and ``readme-renderer[md]`` (``pip install build
twine "readme-renderer[md]"``). Steps, each failing the script with a
message:

1. ``python -m build`` makes ``scikit_dbn-<version>.tar.gz`` and
   ``scikit_dbn-<version>-py3-none-any.whl`` in a new directory.
2. ``twine check --strict``: the long description renders (as Markdown) and
   the metadata is what the index accepts.
3. The metadata holds what a user reads on the index: name ``scikit-dbn``,
   the version of ``dbn/__init__.py``, the BSD-3-Clause license expression
   and file, ``Requires-Python``, a classifier for each tested Python
   (``docs/development.md``), project URLs, the runtime dependencies exactly as
   ``pyproject.toml`` declares them; the
   wheel holds every module of ``dbn`` and nothing from ``tests/`` or
   ``benchmarks/``; the sdist holds the license, changelog, citation and
   tests.
4. The wheel installs into a fresh virtual environment, outside the
   checkout, and ``dbn --version`` (which must print the version) and
   ``dbn demo --seeds 1`` run there. The temporary directory is removed.
"""

import argparse
import email
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
TESTED_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
URL_LABELS = ("Homepage", "Documentation", "Source", "Issues", "Changelog")


def fail(message):
    sys.exit(f"check_release: {message}")


def run(*command, cwd=None):
    print("+", " ".join(map(str, command)), flush=True)
    subprocess.run(command, cwd=cwd, check=True)


def package_version():
    text = (ROOT / "dbn" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"$', text, re.M).group(1)


def check_metadata(wheel, version):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        info = f"scikit_dbn-{version}.dist-info"
        metadata = email.message_from_bytes(zf.read(f"{info}/METADATA"))
        entry_points = zf.read(f"{info}/entry_points.txt").decode()
    expected = {"Name": "scikit-dbn", "Version": version,
                "License-Expression": "BSD-3-Clause",
                "Description-Content-Type": "text/markdown"}
    for field, value in expected.items():
        if metadata.get(field) != value:
            fail(f"wheel metadata {field} is {metadata.get(field)!r}, not {value!r}")
    if "LICENSE" not in metadata.get_all("License-File", []):
        fail("wheel metadata names no License-File LICENSE")
    if f"{info}/licenses/LICENSE" not in names:
        fail("the wheel does not carry LICENSE")
    if not metadata.get("Requires-Python"):
        fail("wheel metadata has no Requires-Python")
    classifiers = metadata.get_all("Classifier", [])
    for python in TESTED_PYTHONS:
        if f"Programming Language :: Python :: {python}" not in classifiers:
            fail(f"no classifier for Python {python}, which is tested")
    urls = [u.split(",")[0] for u in metadata.get_all("Project-URL", [])]
    missing = [label for label in URL_LABELS if label not in urls]
    if missing:
        fail(f"wheel metadata lacks project URLs {missing}")
    requires = {r for r in metadata.get_all("Requires-Dist", []) if "extra ==" not in r}
    declared = set(_declared_dependencies())
    if requires != declared:
        fail(f"wheel metadata requires {sorted(requires)}, pyproject.toml declares "
             f"{sorted(declared)}")
    if "dbn = dbn.__main__:main" not in entry_points:
        fail("the wheel installs no 'dbn' command")
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "dbn").rglob("*.py")}
    absent = sorted(modules - set(names))
    if absent:
        fail(f"the wheel lacks {absent}")
    stray = [n for n in names if n.startswith(("tests/", "benchmarks/", "docs/", "tools/"))]
    if stray:
        fail(f"the wheel carries files that are not the package: {stray[:5]}")


def _declared_dependencies():
    import tomllib

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return [d.replace(" ", "") for d in tomllib.loads(text)["project"]["dependencies"]]


def check_sdist(sdist):
    with tarfile.open(sdist) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    for required in ("LICENSE", "README.md", "CHANGELOG.md", "CITATION.cff", "SECURITY.md",
                     "pyproject.toml", "dbn/__init__.py", "tests/conftest.py"):
        if required not in names:
            fail(f"the sdist lacks {required}")


def install_and_run(wheel, work, version, demo):
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", str(wheel))
    # Outside the checkout, so that the installed package is what runs.
    out = subprocess.run([env_dir / "bin" / "dbn", "--version"], cwd=work, check=True,
                         capture_output=True, text=True).stdout
    print(out.strip())
    if version not in out.split():
        fail(f"the installed 'dbn --version' printed {out.strip()!r}, not version {version}")
    if demo:
        run(env_dir / "bin" / "dbn", "demo", "--seeds", "1", cwd=work)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-demo", action="store_true",
                        help="install the wheel and run 'dbn --version' only")
    args = parser.parse_args(argv)
    version = package_version()
    work = pathlib.Path(tempfile.mkdtemp(prefix="dbn-release-"))
    try:
        check(work, version, demo=not args.skip_demo)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def check(work, version, demo):
    dist = work / "dist"
    run(sys.executable, "-m", "build", "--outdir", dist, ROOT)
    sdist = dist / f"scikit_dbn-{version}.tar.gz"
    wheel = dist / f"scikit_dbn-{version}-py3-none-any.whl"
    for artifact in (sdist, wheel):
        if not artifact.exists():
            fail(f"python -m build made {sorted(p.name for p in dist.iterdir())}, "
                 f"not {artifact.name}")
    run(sys.executable, "-m", "twine", "check", "--strict", sdist, wheel)
    check_metadata(wheel, version)
    check_sdist(sdist)
    install_and_run(wheel, work, version, demo)
    print(f"check_release: {sdist.name} and {wheel.name} are complete; the wheel installs "
          "and runs.")


if __name__ == "__main__":
    sys.exit(main())
