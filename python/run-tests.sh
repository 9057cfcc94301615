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
mkdir -p target/pytest

# pytest in one venv ($1) and mode ($2: unit, classic or connect), its output to target/pytest/<venv>-<mode>.log
suite() {
  local venv="$1" mode="$2" log="target/pytest/${1#.}-$2.log"
  echo "pytest: $("$venv/bin/python" -c 'import pyspark; print("PySpark", pyspark.__version__)'), $mode" >"$log"
  # the installed wheel is imported, not the sources (-o pythonpath: without pyproject.toml's ".")
  if [ "$mode" = unit ]; then
    (cd tests && "../$venv/bin/python" -m pytest -q -o pythonpath=tests unit) >>"$log" 2>&1
  else
    (cd tests && PYSPARK_PYTHON="$PWD/../$venv/bin/python" SPARK_ASYNC_UDF_TEST_MODE=$mode \
      "../$venv/bin/python" -m pytest -q -o pythonpath=tests -W ignore::UserWarning --ignore=unit .) >>"$log" 2>&1
  fi
}

# The two PySpark lines side by side, a phase at a time: their sessions mostly wait on JVMs and services, and a
# phase runs one Connect session at most (PySpark's local Connect server listens on a fixed port, 15002).
# The six runs took 1:30 to 1:55 here, against about 2:40 one after the other.
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
failed=0
for phase in "unit unit" "classic connect" "connect classic"; do
  read -r mode41 mode40 <<<"$phase"
  suite .venv-4.1 "$mode41" & first=$!
  suite .venv-4.0 "$mode40" & second=$!
  wait "$first" || failed=1
  wait "$second" || failed=1
  cat "target/pytest/venv-4.1-$mode41.log" "target/pytest/venv-4.0-$mode40.log"
done
exit "$failed"
