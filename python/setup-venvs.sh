#!/usr/bin/env bash
# Creates python/.venv-<line> for every python/requirements-<line>.txt (PySpark 4.1 and 4.0), with exactly
# the pinned requirements; a venv whose requirements file is unchanged is kept as it is.
set -euo pipefail
cd "$(dirname "$0")"
for requirements in requirements-*.txt; do
  line="${requirements#requirements-}"
  venv=".venv-${line%.txt}"
  if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$venv/requirements.txt"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
  fi
done
