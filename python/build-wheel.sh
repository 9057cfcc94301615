#!/usr/bin/env bash
# Builds target/wheel/spark_async_udf-<version>-py3-none-any.whl around the shaded jar, with the system
# python3's pip as the only build front-end (its build isolation fetches the setuptools pyproject.toml names):
# no venv is made and the source tree is left as it is, as the build runs on a copy under target/wheel-src/.
# Called by the Maven build (module python, package phase) after dist is built; by hand:
#   python/build-wheel.sh 0.1.0-SNAPSHOT      (PYTHON=/path/to/python3 picks another interpreter)
set -euo pipefail
cd "$(dirname "$0")"
VERSION="${1:?project version}"
PYTHON="${PYTHON:-python3}"
JAR="../dist/target/spark-async-udf-all-${VERSION}.jar"
test -f "$JAR" || { echo "missing $JAR: build dist first (mvn -q install -DskipTests)" >&2; exit 1; }
SOURCES=target/wheel-src
rm -rf "$SOURCES" target/wheel
if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
  # the Java build does not need it: say so and go on (the Python tests, which need the wheel, then fail)
  echo "[python] $PYTHON with pip not found: the PySpark wheel is not built (install python3 and python3-pip)" >&2
  exit 0
fi
mkdir -p "$SOURCES/spark_async_udf/jars" target/wheel
cp pyproject.toml README.md "$SOURCES/"
cp spark_async_udf/*.py spark_async_udf/py.typed "$SOURCES/spark_async_udf/"
cp spark_async_udf_demo.py "$SOURCES/"
cp "$JAR" "$SOURCES/spark_async_udf/jars/"
# offline too: with setuptools >= 77 at hand there is nothing to fetch, else pip's isolated build fetches it
if "$PYTHON" -c 'import setuptools, sys; sys.exit(int(setuptools.__version__.split(".")[0]) < 77)' 2>/dev/null; then
  "$PYTHON" -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w target/wheel "$SOURCES"
else
  "$PYTHON" -m pip wheel -q --disable-pip-version-check --no-deps -w target/wheel "$SOURCES"
fi
ls target/wheel/spark_async_udf-*-py3-none-any.whl >/dev/null
