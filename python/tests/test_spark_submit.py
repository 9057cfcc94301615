"""configure() in a script that spark-submit runs: the driver JVM is already up, started with spark-submit's conf."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import MODE

APP = textwrap.dedent("""
    from pyspark.sql import SparkSession

    import spark_async_udf as au

    spark = au.configure(SparkSession.builder.config("spark.ui.enabled", "false")).getOrCreate()
    print("JARS=" + spark.conf.get("spark.jars"))
    print("EXTENSIONS=" + spark.conf.get("spark.sql.extensions"))
    spark.stop()
""")


@pytest.mark.skipif(MODE == "connect", reason="spark-submit starts a classic driver")
@pytest.mark.skipif(not os.environ.get("SPARK_ASYNC_UDF_EXAMPLES_JAR"), reason="run-tests.sh names the examples' jar")
def test_configure_keeps_the_jars_and_extensions_spark_submit_was_given(tmp_path):
    examples = os.environ["SPARK_ASYNC_UDF_EXAMPLES_JAR"]
    (tmp_path / "app.py").write_text(APP)
    # an extension on the command line (Spark warns that it cannot load it, and goes on)
    (tmp_path / "spark-defaults.conf").write_text("spark.driver.memory 1g\n")
    env = dict(os.environ, SPARK_CONF_DIR=str(tmp_path), PYSPARK_PYTHON=sys.executable)
    submit = Path(sys.executable).parent / "spark-submit"
    done = subprocess.run(
        [str(submit), "--master", "local[1]", "--jars", examples,
         "--conf", "spark.sql.extensions=com.example.ClusterExtension", str(tmp_path / "app.py")],
        env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    printed = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    jars = printed["JARS"].split(",")
    assert any(jar.endswith(Path(examples).name) for jar in jars), jars
    assert any("spark-async-udf-all" in jar for jar in jars), jars
    assert printed["EXTENSIONS"].split(",")[-1] == "io.asyncudf.sql.AsyncUdfExtensions"
    assert "com.example.ClusterExtension" in printed["EXTENSIONS"].split(",")
