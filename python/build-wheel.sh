#!/usr/bin/env bash
# Builds python/target/wheel/spark_async_udf-*.whl around the shaded jar and installs it into every
# python/.venv-<line> (which setup-venvs.sh creates). Needs dist/ built: mvn -q install -DskipTests.
set -euo pipefail
cd "$(dirname "$0")"
VERSION="${1:?project version}"
JAR="../dist/target/spark-async-udf-all-${VERSION}.jar"
test -f "$JAR" || { echo "missing $JAR: build dist first (mvn -q install -DskipTests)" >&2; exit 1; }
./setup-venvs.sh
rm -rf spark_async_udf/jars build target/wheel
mkdir -p spark_async_udf/jars target/wheel
cp "$JAR" spark_async_udf/jars/
.venv-4.1/bin/pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w target/wheel .
rm -rf spark_async_udf/jars build ./*.egg-info
for venv in .venv-*/; do
  "${venv}bin/pip" install -q --disable-pip-version-check --no-deps --force-reinstall target/wheel/spark_async_udf-*.whl
done
