#!/usr/bin/env bash
# Checks the package (ruff, mypy, the pure-Python unit tests) and tests the wheel that mvn package built (the
# shaded jar inside) on PySpark 4.1 and 4.0, each classic and through Spark Connect (a local Connect server
# PySpark starts with the jar and the extension).
# Called by the Maven build (module python, integration-test phase) after dist and examples are built.
set -euo pipefail
cd "$(dirname "$0")"
VERSION="${1:?project version}"
./install-wheel.sh

echo "ruff and mypy (PySpark 4.1 venv)"
.venv-4.1/bin/ruff check --no-cache .
.venv-4.1/bin/mypy --no-incremental

export SPARK_ASYNC_UDF_EXAMPLES_JAR="$PWD/../examples/target/examples-${VERSION}.jar"
for venv in .venv-4.1 .venv-4.0; do
  echo "pytest: $("$venv/bin/python" -c 'import pyspark; print("PySpark", pyspark.__version__)'), unit tests (no Spark)"
  # the installed wheel is imported, not the sources (-o pythonpath: without pyproject.toml's ".")
  (cd tests && "../$venv/bin/python" -m pytest -q -o pythonpath=tests unit)
  for mode in classic connect; do
    echo "pytest: $("$venv/bin/python" -c 'import pyspark; print("PySpark", pyspark.__version__)'), $mode"
    (cd tests && PYSPARK_PYTHON="$PWD/../$venv/bin/python" SPARK_ASYNC_UDF_TEST_MODE=$mode \
      "../$venv/bin/python" -m pytest -q -o pythonpath=tests -W ignore::UserWarning --ignore=unit .)
  done
done
