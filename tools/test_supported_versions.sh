#!/usr/bin/env bash
# The suite on the oldest versions this package declares: a fresh virtual
# environment with every runtime dependency pinned to the minimum that
# pyproject.toml states (read from it, so the two cannot disagree), then the
# README's test command's pytest.
#
#   bash tools/test_supported_versions.sh [PYTHON] [oldest|newest]
#
# PYTHON defaults to python3. 'oldest' (the default) pins numpy, scipy,
# scikit-learn, numba, joblib and threadpoolctl to their declared minimums;
# 'newest' installs the newest releases the package index offers for that
# Python. Test tools (pytest, hypothesis, matplotlib) are the newest that
# install beside the pins. Exit code 5 (no tests collected) is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${1:-python3}"
which_versions="${2:-oldest}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" -m venv "$work/venv"
# shellcheck disable=SC1091
. "$work/venv/bin/activate"
python -m pip install --quiet --upgrade pip
constraints="$work/constraints.txt"
if [ "$which_versions" = "oldest" ]; then
    # 'numpy>=1.24' in [project] dependencies becomes 'numpy==1.24'.
    python - "$constraints" <<'PY'
import re
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None

text = open("pyproject.toml", encoding="utf-8").read()
if tomllib is not None:
    dependencies = tomllib.loads(text)["project"]["dependencies"]
else:
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M).group(1)
    dependencies = re.findall(r'^\s*"([^"]+)"', block, re.M)
pins = []
for requirement in dependencies:
    match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)", requirement)
    if match is None:
        sys.exit(f"pyproject.toml: cannot read a minimum from {requirement!r}")
    pins.append(f"{match.group(1)}=={match.group(2)}")
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(pins) + "\n")
PY
else
    : > "$constraints"
fi
echo "+ pins: $(tr '\n' ' ' < "$constraints")"
python -m pip install --quiet --constraint "$constraints" ".[test]"
python -m pip list --format=freeze | grep -iE '^(numpy|scipy|scikit-learn|numba|llvmlite|joblib|threadpoolctl|pytest|hypothesis|matplotlib)==' | tr '\n' ' '
echo
python --version
# The tests run from a copy of the checkout without its dbn/ folder, so that
# `import dbn` can only find the installed package (pytest puts the folder
# above tests/ first on sys.path).
mkdir "$work/src"
tar --exclude=./dbn --exclude=./.git --exclude='./build' -cf - . | tar -C "$work/src" -xf -
(cd "$work/src" && python -c "import dbn; print('testing', dbn.__file__)")
set +e
(cd "$work/src" && NUMBA_CACHE_DIR="$work/numba-cache" python -m pytest -q -p no:cacheprovider)
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: failing" >&2
    exit 1
fi
exit "$status"
