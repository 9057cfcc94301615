"""check(), rows() and progress() on stand-ins for a session (no Spark): what they read, ask and answer."""

import re

import pytest

import spark_async_udf as au


class Conf:
    def __init__(self, values):
        self.values = values

    def get(self, key, default=None):
        return self.values.get(key, default)


class Session:
    """A session as check() and rows() use it: conf.get(key, default) and sql(query)."""

    def __init__(self, conf=None):
        self.conf = Conf(conf or {})
        self.queries = []

    def sql(self, query):
        self.queries.append(query)
        return "the DataFrame of " + query


class DataFrame:
    def __init__(self):
        self.views = []

    def createOrReplaceTempView(self, name):  # noqa: N802 (PySpark's name)
        self.views.append(name)


def test_check_passes_a_session_with_the_extension_and_the_connections():
    au.check(Session({"spark.sql.extensions": "com.example.Ext," + au.EXTENSION,
                      "spark.asyncudf.connection.scores.url": "https://scores/"}), "scores")


def test_check_names_a_missing_extension_and_how_to_set_it():
    with pytest.raises(RuntimeError, match=r"no io\.asyncudf\.sql\.AsyncUdfExtensions: set spark\.sql\.extensions="):
        au.check(Session({"spark.asyncudf.connection.scores.url": "https://scores/"}), "scores")


def test_check_names_a_missing_connection():
    with pytest.raises(RuntimeError, match=r"'absent' is not defined: set spark\.asyncudf\.connection\.absent\.url"):
        au.check(Session({"spark.sql.extensions": au.EXTENSION}), "absent")


@pytest.mark.parametrize(("partition_by", "order_by", "clauses"), [
    (None, None, ""),
    ("patient_id", None, " PARTITION BY patient_id"),
    (["a", "b % 2"], None, " PARTITION BY (a, b % 2)"),
    (None, "effective DESC", " WITH SINGLE PARTITION ORDER BY effective DESC"),
    (["k"], ["t", "id DESC"], " PARTITION BY k ORDER BY (t, id DESC)"),
    ([], [], ""),
])
def test_rows_runs_the_table_function_over_a_view_of_the_dataframe(partition_by, order_by, clauses):
    spark, df = Session(), DataFrame()
    out = au.rows(spark, "risk_rows", df, partition_by=partition_by, order_by=order_by)
    [view] = df.views
    assert re.fullmatch(r"_asyncudf_rows_[0-9a-f]{32}", view)
    assert spark.queries == ["SELECT * FROM risk_rows(TABLE(" + view + ")" + clauses + ")"]
    assert out == "the DataFrame of " + spark.queries[0]


def test_rows_uses_a_new_view_each_call():
    spark, df = Session(), DataFrame()
    au.rows(spark, "f", df)
    au.rows(spark, "f", df)
    assert len(set(df.views)) == 2


@pytest.mark.parametrize("name", ["risk_rows; DROP TABLE x", "a.b", "", "1f"])
def test_rows_refuses_a_name_that_is_not_a_plain_identifier(name):
    spark, df = Session(), DataFrame()
    with pytest.raises(ValueError, match="plain identifier"):
        au.rows(spark, name, df)
    assert (spark.queries, df.views) == ([], [])


def test_progress_is_for_classic_sessions_only():
    with pytest.raises(NotImplementedError, match="Spark Connect client cannot reach"):
        au.progress(Session())


class Duration:
    def __init__(self, millis):
        self.millis = millis

    def toMillis(self):  # noqa: N802 (java.time.Duration through py4j)
        return self.millis


class Run:
    """An io.asyncudf.JobProgress as py4j shows it: getters."""

    def __init__(self, eta):
        self._eta = eta

    def name(self):
        return "async_http_request"

    def running(self):
        return self._eta is not None

    def rowsDone(self):  # noqa: N802
        return 60

    def totalRows(self):  # noqa: N802
        return 120

    def totalKnown(self):  # noqa: N802
        return True

    def partitionsDone(self):  # noqa: N802
        return 1

    def partitions(self):
        return 3

    def rowsPerSecond(self):  # noqa: N802
        return 250.5

    def inFlightChunks(self):  # noqa: N802
        return 4

    def retries(self):
        return 2

    def failedRows(self):  # noqa: N802
        return 1

    def elapsed(self):
        return Duration(1500)

    def eta(self):
        return self._eta

    def toString(self):  # noqa: N802
        return "async_http_request: 60 of 120 rows"


class ClassicSession(Session):
    """A classic session's py4j view of the driver JVM, with AsyncUdf.progress()."""

    def __init__(self, runs):
        super().__init__()
        self._jvm = type("Jvm", (), {})()
        self._jvm.io = type("Io", (), {})()
        self._jvm.io.asyncudf = type("Package", (), {})()
        self._jvm.io.asyncudf.AsyncUdf = type("AsyncUdf", (), {"progress": staticmethod(lambda: runs)})


def test_progress_reads_each_run_as_a_dict():
    runs = au.progress(ClassicSession([Run(eta=None), Run(eta=Duration(2250))]))
    assert runs[0] == {
        "name": "async_http_request", "running": False, "rows_done": 60, "total_rows": 120, "total_known": True,
        "partitions_done": 1, "partitions": 3, "rows_per_second": 250.5, "in_flight_chunks": 4, "retries": 2,
        "failed_rows": 1, "elapsed_seconds": 1.5, "eta_seconds": None, "line": "async_http_request: 60 of 120 rows",
    }
    assert (runs[1]["running"], runs[1]["eta_seconds"]) == (True, 2.25)
