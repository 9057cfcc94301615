"""The Column functions on a real session: classic PySpark, or Spark Connect (SPARK_ASYNC_UDF_TEST_MODE)."""

import os

import pytest
from pyspark.sql import functions as F

import spark_async_udf as au

from conftest import MODE


def test_the_session_is_the_mode_asked_for(spark):
    assert ("connect" in type(spark).__module__) == (MODE == "connect")


def test_http_request_sends_every_row_once_and_keeps_order(spark, service):
    before = service.requests["items"]
    rows = (spark.range(0, 400, 1, 4)
            .select("id", au.http_request("local", "GET", F.concat(F.lit("/items/"), F.col("id")),
                                          headers={"X-Trace": "py"}, options={"maxChunkSize": 16}).alias("r"))
            .select("id", "r.status_code", "r.text", "r.error")
            .collect())
    assert len(rows) == 400
    for i, row in enumerate(rows):
        assert row.id == i
        assert row.status_code == 200
        assert row.text == f"item-{i} py"
        assert row.error is None
    assert service.requests["items"] - before == 400


def test_a_journal_answers_a_repeated_query_without_a_request(spark, service, tmp_path):
    journal = str(tmp_path / "journal")

    def run():
        return (spark.range(500, 560, 1, 2)
                .select("id", au.http_request("local", "GET", F.concat(F.lit("/items/"), F.col("id")),
                                              options={"journal": journal}).alias("r"))
                .select("id", "r.text").orderBy("id").collect())

    before = service.requests["items"]
    first = run()
    assert service.requests["items"] - before == 60
    again = run()
    assert service.requests["items"] - before == 60, "the second run asked nothing"
    assert again == first
    assert again[3].text == "item-503 None"


def test_retries_and_a_non_2xx_answer_is_a_result(spark):
    rows = (spark.range(0, 10)
            .select(au.http_request("local", "GET", F.concat(F.lit("/flaky/"), F.col("id"))).alias("flaky"),
                    au.http_request("local", "GET", F.lit("/nothing")).alias("missing"))
            .collect())
    assert [row.flaky.status_code for row in rows] == [200] * 10
    assert [row.flaky.text for row in rows] == [f"ok {i}" for i in range(10)]
    assert {(row.missing.status_code, row.missing.text) for row in rows} == {(404, "no such thing")}


def test_a_row_that_cannot_be_sent_gets_its_error_struct(spark):
    rows = (spark.range(0, 4)
            .select("id", au.http_request("local", "GET", F.when(F.col("id") == 2, None)
                                          .otherwise(F.lit("/items/x"))).alias("r"))
            .collect())
    assert [row.r.status_code for row in rows] == [200, 200, None, 200]
    assert rows[2].r.error.message == "async_http_request: method and path must not be null"
    assert rows[2].r.error.attempts == 1


@pytest.mark.skipif(not os.environ.get("SPARK_ASYNC_UDF_EXAMPLES_JAR"), reason="run-tests.sh names the examples' jar")
def test_configure_keeps_the_jars_spark_defaults_conf_gives(spark):
    jars = spark.conf.get("spark.jars").split(",")
    assert os.environ["SPARK_ASYNC_UDF_EXAMPLES_JAR"] in jars
    assert au.jar_path() in jars


def test_a_function_registered_by_a_conf_factory_is_callable(spark):
    rows = spark.range(0, 50, 1, 2).select("id", au.call("risk_score", "id").value.alias("score")).collect()
    assert [(row.id, row.score) for row in rows] == [(i, i / 10) for i in range(50)]


def test_a_table_function_from_a_conf_factory_takes_a_dataframe_and_calls_each_row_once(spark, service):
    before = service.requests["score"]
    patients = spark.range(0, 120, 1, 3).selectExpr("id", "concat('p', id) AS name")
    out = au.rows(spark, "risk_rows", patients).orderBy(F.desc("risk_score")).collect()
    assert [(row.id, row.risk_score) for row in out] == [(i, i / 10) for i in reversed(range(120))]
    assert all(row.error is None for row in out)
    assert service.requests["score"] - before == 120


def test_a_table_function_keeps_its_cached_input_cached(spark, service):
    patients = spark.range(0, 30, 1, 3).selectExpr("id", "concat('p', id) AS name").cache()
    try:
        patients.count()
        before = service.requests["score"]
        assert len(au.rows(spark, "risk_rows", patients).collect()) == 30
        assert service.requests["score"] - before == 30
        assert patients.storageLevel.useMemory, "rows() must not uncache its input"
    finally:
        patients.unpersist()


def test_a_table_function_arranges_its_rows_by_partition_by_and_order_by(spark, service):
    before = service.requests["score"]
    patients = spark.range(0, 60, 1, 3).selectExpr("id", "concat('p', id) AS name")
    ordered = au.rows(spark, "risk_rows", patients, order_by="id DESC").collect()
    assert [row.id for row in ordered] == list(reversed(range(60)))  # one task, in order, no sort after
    by_key = au.rows(spark, "risk_rows", patients, partition_by=["id % 3", "id % 2"],
                     order_by=["id % 5", "id DESC"]).collect()
    assert sorted((row.id, row.risk_score) for row in by_key) == [(i, i / 10) for i in range(60)]
    for key in range(6):
        order = [(row.id % 5, -row.id) for row in by_key if (row.id % 3, row.id % 2) == divmod(key, 2)]
        assert order == sorted(order), "each key's rows in ORDER BY order"
    assert service.requests["score"] - before == 120


def test_a_table_function_name_must_be_an_identifier(spark):
    with pytest.raises(ValueError, match="plain identifier"):
        au.rows(spark, "risk_rows; DROP TABLE x", spark.range(1))


def test_an_unknown_connection_fails_naming_it(spark):
    with pytest.raises(Exception, match="unknown connection 'nope'"):
        spark.range(1).select(au.http_request("nope", "GET", F.lit("/x"))).collect()


def test_check_names_what_is_missing(spark):
    au.check(spark, "local")
    with pytest.raises(RuntimeError, match="connection 'absent' is not defined"):
        au.check(spark, "absent")


@pytest.mark.skipif(MODE == "connect", reason="the progress numbers live in the server's driver under Connect")
def test_progress_numbers_of_a_run_are_readable_from_python(spark):
    spark.conf.set("spark.asyncudf.progress", "true")
    try:
        rows = (spark.range(0, 120, 1, 3)
                .select(au.http_request("local", "GET", F.concat(F.lit("/items/"), F.col("id")),
                                        options={"maxChunkSize": 10}).alias("r"))
                .collect())
    finally:
        spark.conf.unset("spark.asyncudf.progress")
    assert len(rows) == 120
    run = [r for r in au.progress(spark) if r["name"] == "async_http_request"][-1]
    assert run["running"] is False
    assert (run["rows_done"], run["total_rows"], run["partitions_done"], run["failed_rows"]) == (120, 120, 3, 0)
    assert run["line"].startswith("async_http_request: 120 of 120 rows |")
