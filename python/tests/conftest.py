"""The fixtures of the Spark suite (test_*.py here): a local service and a session. The unit tests in unit/
use neither, so pyspark is imported only when a session starts."""

import os

import pytest

import spark_async_udf as au

from service import Service

MODE = os.environ.get("SPARK_ASYNC_UDF_TEST_MODE", "classic")


@pytest.fixture(scope="session")
def service():
    running = Service()
    yield running
    running.close()


@pytest.fixture(scope="session")
def spark(service, tmp_path_factory):
    """A classic local session, or with SPARK_ASYNC_UDF_TEST_MODE=connect a Spark Connect session to a
    local Connect server PySpark starts with the same conf. The examples' jar (the functions risk_score and
    risk_rows) comes from a spark-defaults.conf, as a cluster's own jars do: configure() must keep it."""
    from pyspark.sql import SparkSession

    conf_dir = tmp_path_factory.mktemp("conf")
    examples = os.environ.get("SPARK_ASYNC_UDF_EXAMPLES_JAR")
    (conf_dir / "spark-defaults.conf").write_text(f"spark.jars {examples}\n" if examples else "")
    conf_dir_before = os.environ.get("SPARK_CONF_DIR")
    os.environ["SPARK_CONF_DIR"] = str(conf_dir)
    builder = SparkSession.builder.remote("local[2]") if MODE == "connect" else SparkSession.builder.master("local[2]")
    builder = au.configure(builder.appName("spark-async-udf-python-" + MODE)
                           .config("spark.ui.enabled", "false")
                           .config("spark.sql.shuffle.partitions", "2"))
    au.connection(builder, "local", url=service.url, max_connections=32, retry_initial_backoff="1ms")
    au.connection(builder, "scores_svc", url=service.url)
    builder.config("spark.asyncudf.functions.risk_score.factory", "io.asyncudf.example.RiskScoreFunction")
    builder.config("spark.asyncudf.functions.risk_score.url", service.url)
    builder.config("spark.asyncudf.functions.risk_rows.factory", "io.asyncudf.example.RiskScoreRows")
    builder.config("spark.asyncudf.functions.risk_rows.url", service.url)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN") if MODE == "classic" else None
    yield session
    session.stop()
    if conf_dir_before is None:
        del os.environ["SPARK_CONF_DIR"]
    else:
        os.environ["SPARK_CONF_DIR"] = conf_dir_before
