#!/usr/bin/env bash
# Installs the wheel that the Maven build (mvn package, or build-wheel.sh) left in target/wheel/ into every
# python/.venv-<line>, which setup-venvs.sh creates or keeps. For run-tests.sh and the notebook tests.
set -euo pipefail
cd "$(dirname "$0")"
shopt -s nullglob
wheels=(target/wheel/spark_async_udf-*.whl)
[ ${#wheels[@]} -eq 1 ] || { echo "expected one wheel in python/target/wheel/, found ${#wheels[@]}: run mvn package first" >&2; exit 1; }
./setup-venvs.sh
for venv in .venv-*/; do
  "${venv}bin/pip" install -q --disable-pip-version-check --no-deps --force-reinstall "${wheels[0]}"
done
