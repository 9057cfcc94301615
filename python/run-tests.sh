#!/usr/bin/env bash
# Builds the wheel (the shaded jar inside) and tests it on PySpark 4.1 and 4.0, each classic and through
# Spark Connect (a local Connect server PySpark starts with the jar and the extension).
# Called by the Maven build (module python, integration-test phase) after dist and examples are built.
set -euo pipefail
cd "$(dirname "$0")"
VERSION="${1:?project version}"
./build-wheel.sh "$VERSION"

export SPARK_ASYNC_UDF_EXAMPLES_JAR="$PWD/../examples/target/examples-${VERSION}.jar"
for venv in .venv-4.1 .venv-4.0; do
  for mode in classic connect; do
    echo "pytest: $("$venv/bin/python" -c 'import pyspark; print("PySpark", pyspark.__version__)'), $mode"
    # from tests/, so the installed wheel is imported, not the source tree
    (cd tests && PYSPARK_PYTHON="$PWD/../$venv/bin/python" SPARK_ASYNC_UDF_TEST_MODE=$mode \
      "../$venv/bin/python" -m pytest -q -p no:cacheprovider -W ignore::UserWarning .)
  done
done
