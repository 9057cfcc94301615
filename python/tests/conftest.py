import os

import pytest
from pyspark.sql import SparkSession

import spark_async_udf as au
from service import Service

MODE = os.environ.get("SPARK_ASYNC_UDF_TEST_MODE", "classic")


@pytest.fixture(scope="session")
def service():
    running = Service()
    yield running
    running.close()


@pytest.fixture(scope="session")
def spark(service):
    """A classic local session, or with SPARK_ASYNC_UDF_TEST_MODE=connect a Spark Connect session to a
    local Connect server PySpark starts with the same conf."""
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
    examples = os.environ.get("SPARK_ASYNC_UDF_EXAMPLES_JAR")
    if examples:
        builder.config("spark.jars", builder._options["spark.jars"] + "," + examples)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN") if MODE == "classic" else None
    yield session
    session.stop()
