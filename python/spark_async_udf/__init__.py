"""Async, partition-level UDFs for Apache Spark, from Python.

The work happens in the JVM library ``spark-async-udf`` (its jar is inside this package): chunks of
rows, many non-blocking requests in flight per task, retries with ``Retry-After``, timeouts and an
error struct per row. This module only configures sessions and builds Columns with
:func:`pyspark.sql.functions.call_function`, so the same code runs on classic PySpark and on Spark
Connect.

    from pyspark.sql import SparkSession
    import spark_async_udf as au

    builder = au.configure(SparkSession.builder.master("local[2]"))
    au.connection(builder, "scores", url="https://scores.internal/api/", auth="bearer", token_env="SCORES_TOKEN")
    spark = builder.getOrCreate()
    df.withColumn("r", au.http_request("scores", "GET", concat(lit("score?id="), col("id"))))
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

__all__ = [
    "EXTENSION",
    "progress",
    "jar_path",
    "configure",
    "connection",
    "check",
    "http_request",
    "fhir_read",
    "fhir_search",
    "opensearch_get",
    "call",
    "rows",
]

__version__ = "0.1.0"

#: The session extension the SQL functions come from.
EXTENSION = "io.asyncudf.sql.AsyncUdfExtensions"

_CONNECTION = "spark.asyncudf.connection."
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def jar_path() -> str:
    """The path of the bundled ``spark-async-udf-all`` jar.

    :raises FileNotFoundError: if this installation carries no jar (a source checkout that was not built)
    """
    jars = sorted((Path(__file__).parent / "jars").glob("spark-async-udf-all-*.jar"))
    if not jars:
        raise FileNotFoundError(
            "spark_async_udf carries no jar in " + str(Path(__file__).parent / "jars")
            + ": install the wheel built by the project's build (python/build-wheel.sh), not the bare sources")
    return str(jars[-1])


def _merge(existing: Optional[str], value: str) -> str:
    items = [item.strip() for item in (existing or "").split(",") if item.strip()]
    if value not in items:
        items.append(value)
    return ",".join(items)


def configure(builder: Any) -> Any:
    """Adds the bundled jar to ``spark.jars`` and the extension to ``spark.sql.extensions`` of a
    ``SparkSession.Builder``, keeping what is set there already. Returns the builder.

    Works for classic builders and for ``SparkSession.builder.remote("local[...]")``, whose local
    Connect server gets the conf. On a cluster you do not start yourself (Databricks, a remote
    Connect server), install the jar there and set ``spark.sql.extensions`` in its conf instead.
    """
    options = getattr(builder, "_options", {})
    builder.config("spark.jars", _merge(options.get("spark.jars"), jar_path()))
    builder.config("spark.sql.extensions", _merge(options.get("spark.sql.extensions"), EXTENSION))
    return builder


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def connection(
    builder: Any,
    name: str,
    url: str,
    auth: Optional[str] = None,
    user: Optional[str] = None,
    password_env: Optional[str] = None,
    token_env: Optional[str] = None,
    token_url: Optional[str] = None,
    client_id: Optional[str] = None,
    client_secret_env: Optional[str] = None,
    scope: Optional[str] = None,
    headers: Optional[Mapping[str, str]] = None,
    **options: Any,
) -> Any:
    """Defines connection ``name``: the keys ``spark.asyncudf.connection.<name>.*``. Returns the builder.

    Secrets are never passed as values: ``password_env``, ``token_env`` and ``client_secret_env``
    name environment variables that the driver reads when a query is analysed. Other keyword
    arguments set further keys, snake_case to camelCase: ``max_in_flight=64`` sets ``maxInFlight``
    (``max_in_flight="adaptive"``: a limit that finds the service's capacity),
    ``requests_per_second=500`` (per executor), ``cluster_requests_per_second=2000`` (the whole job),
    ``request_timeout="30s"``, ``retry_max_attempts=4`` (dots for the ``retry.`` and ``tls.`` keys),
    ``tls_trusted_certificates_file="/etc/ca.pem"``.

    :raises ValueError: for a name that is not an identifier, or an auth kind without its keys
    """
    if not _NAME.match(name or ""):
        raise ValueError(f"a connection name must be an identifier (letters, digits, _), got {name!r}")
    if not url:
        raise ValueError(f"connection {name!r} needs a url")
    prefix = _CONNECTION + name + "."
    keys: Dict[str, str] = {"url": url}
    if auth is not None:
        if auth not in ("none", "basic", "bearer", "oauth2"):
            raise ValueError(f"connection {name!r}: auth must be none, basic, bearer or oauth2, got {auth!r}")
        keys["auth"] = auth
    if auth == "basic" and not (user and password_env):
        raise ValueError(f"connection {name!r}: auth='basic' needs user and password_env")
    if auth == "bearer" and not token_env:
        raise ValueError(f"connection {name!r}: auth='bearer' needs token_env")
    if auth == "oauth2" and not (token_url and client_id and client_secret_env):
        raise ValueError(f"connection {name!r}: auth='oauth2' needs token_url, client_id and client_secret_env")
    for key, value in (("auth.user", user), ("auth.passwordEnv", password_env), ("auth.tokenEnv", token_env),
                       ("auth.tokenUrl", token_url), ("auth.clientId", client_id),
                       ("auth.clientSecretEnv", client_secret_env), ("auth.scope", scope)):
        if value is not None:
            keys[key] = str(value)
    for header, value in (headers or {}).items():
        keys["header." + header] = str(value)
    for key, value in options.items():
        for group in ("retry", "tls"):
            if key.startswith(group + "_"):
                key = group + "." + _camel(key[len(group) + 1:])
                break
        else:
            key = _camel(key)
        keys[key] = str(value).lower() if isinstance(value, bool) else str(value)
    for key, value in keys.items():
        builder.config(prefix + key, value)
    return builder


def check(spark: Any, *connections: str) -> None:
    """Raises a clear error when ``spark`` lacks the extension or one of ``connections``.

    Call it once after creating the session: without it, a missing piece shows only when a query
    runs, as Spark's "routine not found" or the library's "unknown connection".

    :raises RuntimeError: naming what is missing and how to set it
    """
    extensions = spark.conf.get("spark.sql.extensions", "") or ""
    if EXTENSION not in extensions:
        raise RuntimeError(
            f"the session has no {EXTENSION}: set spark.sql.extensions={EXTENSION} when it starts "
            "(spark_async_udf.configure(builder) does), and put the jar on its class path")
    for name in connections:
        if not spark.conf.get(_CONNECTION + name + ".url", None):
            raise RuntimeError(f"connection {name!r} is not defined: set {_CONNECTION}{name}.url "
                               "(spark_async_udf.connection(builder, name, url=...))")


ColumnOrName = Union["Column", str]  # noqa: F821


def _functions():
    from pyspark.sql import functions

    return functions


def _column(value: Any):
    from pyspark.sql import Column

    return value if isinstance(value, Column) else _functions().col(value)


def _literal(value: Any):
    from pyspark.sql import Column

    return value if isinstance(value, Column) else _functions().lit(value)


def _string_map(value: Any, what: str):
    from pyspark.sql import Column

    F = _functions()
    if value is None:
        return F.lit(None).cast("map<string,string>")
    if isinstance(value, Column):
        return value
    if isinstance(value, Mapping):
        if not value:
            return F.create_map().cast("map<string,string>")
        pairs = []
        for key, item in value.items():
            pairs += [F.lit(str(key)), F.lit(None).cast("string") if item is None else F.lit(str(item))]
        return F.create_map(*pairs)
    raise TypeError(f"{what} must be a dict, a Column or None, got {type(value).__name__}")


def _options(options: Optional[Mapping[str, Any]]):
    return [] if not options else [_string_map({k: v for k, v in options.items()}, "options")]


def http_request(
    conn: str,
    method: Union[str, "Column"],  # noqa: F821
    path: ColumnOrName,
    headers: Optional[Union[Mapping[str, str], "Column"]] = None,  # noqa: F821
    params: Optional[Union[Mapping[str, str], "Column"]] = None,  # noqa: F821
    body: Optional[ColumnOrName] = None,
    options: Optional[Mapping[str, Any]] = None,
):
    """``async_http_request(conn, method, path, headers, params, body [, options])`` as a Column of
    ``struct<status_code int, text string, headers map<string,string>, error struct>``.

    ``conn`` is a connection name; ``method`` a string such as ``"GET"`` (or a Column); ``path``
    and ``body`` are Columns or column names; ``headers`` and ``params`` dicts or map Columns;
    ``options`` a dict such as ``{"maxChunkSize": 32, "maxConcurrentChunks": 16, "timeout": "30s"}``;
    ``{"journal": "s3://bucket/journals/scores"}`` keeps the answers there and answers rows already in it
    without a request (see docs/journal.md).
    """
    F = _functions()
    body_column = F.lit(None).cast("string") if body is None else _column(body)
    return F.call_function("async_http_request", F.lit(conn), _literal(method), _column(path),
                           _string_map(headers, "headers"), _string_map(params, "params"), body_column,
                           *_options(options))


def fhir_read(conn: str, type: Union[str, "Column"], id: ColumnOrName,  # noqa: A002,F821
              options: Optional[Mapping[str, Any]] = None):
    """``fhir_read(conn, type, id)``: ``struct<status int, resource string, error struct>``; ``type``
    is a resource type such as ``"Patient"`` (or a Column), ``id`` a Column or column name."""
    F = _functions()
    return F.call_function("fhir_read", F.lit(conn), _literal(type), _column(id), *_options(options))


def fhir_search(conn: str, type: Union[str, "Column"], query: ColumnOrName,  # noqa: A002,F821
                options: Optional[Mapping[str, Any]] = None):
    """``fhir_search(conn, type, query)``: ``struct<resources array<string>, error struct>``; more than
    ``options["maxResources"]`` matches (default 1000) is that row's error, never a cut list."""
    F = _functions()
    return F.call_function("fhir_search", F.lit(conn), _literal(type), _column(query), *_options(options))


def opensearch_get(conn: str, index: Union[str, "Column"], id: ColumnOrName,  # noqa: A002,F821
                   options: Optional[Mapping[str, Any]] = None):
    """``opensearch_get(conn, index, id)``: ``struct<found boolean, source string, error struct>``."""
    F = _functions()
    return F.call_function("opensearch_get", F.lit(conn), _literal(index), _column(id), *_options(options))


def call(name: str, *cols: ColumnOrName):
    """A function registered from Java (``ColumnUdf.register``) or by the server's
    ``spark.asyncudf.functions.<name>.factory``, applied to ``cols`` (Columns or column names)."""
    return _functions().call_function(name, *[_column(c) for c in cols])


def rows(spark: Any, name: str, df: Any, partition_by: Union[str, Sequence[str], None] = None,
         order_by: Union[str, Sequence[str], None] = None) -> Any:
    """``df`` through the table function ``name``: a DataFrame helper registered from Java
    (``DataFrameUdf.register``) or by the server's ``spark.asyncudf.functions.<name>.factory`` (an
    ``AsyncTableFunctionFactory``), any number of output rows per chunk of input rows. Runs
    ``SELECT * FROM name(TABLE(view))`` over a temporary view of ``df`` (one per call, left in the
    session), so the same code runs on classic PySpark and Spark Connect.

    ``partition_by`` and ``order_by`` (SQL expressions over ``df``'s columns, such as ``"patient_id"``
    or ``"effective DESC"``) arrange the rows the helper sees, as the ``TABLE`` argument's
    ``PARTITION BY`` and ``ORDER BY`` do: rows with equal keys in one task and together, each key's
    rows in ``order_by`` order. ``order_by`` alone sorts all rows in one task (``WITH SINGLE PARTITION``).

    :raises ValueError: if ``name`` is not a plain identifier
    """
    if not _NAME.match(name or ""):
        raise ValueError("a table function name must be a plain identifier (letters, digits, _), got " + repr(name))
    view = "_asyncudf_rows_" + uuid.uuid4().hex
    df.createOrReplaceTempView(view)
    partition = _sql_list(partition_by)
    order = _sql_list(order_by)
    clauses = (" PARTITION BY " + partition if partition else " WITH SINGLE PARTITION" if order else "") \
        + (" ORDER BY " + order if order else "")
    return spark.sql("SELECT * FROM " + name + "(TABLE(" + view + ")" + clauses + ")")


def _sql_list(expressions: Union[str, Sequence[str], None]) -> str:
    """One expression as it is; several in parentheses, as the TABLE argument's clauses need them."""
    if expressions is None:
        return ""
    if isinstance(expressions, str):
        return expressions
    return expressions[0] if len(expressions) == 1 else "(" + ", ".join(expressions) + ")"


def progress(spark: Any) -> List[Dict[str, Any]]:
    """The numbers of the progress line of async calls run with progress on (``.progress(true)`` or
    ``spark.asyncudf.progress=true``): the last runs that ended, oldest first, then the running ones, each a
    dict with ``name``, ``running``, ``rows_done``, ``total_rows`` (-1 when unknown), ``total_known``,
    ``partitions_done``, ``partitions``, ``rows_per_second``, ``in_flight_chunks``, ``retries``,
    ``failed_rows``, ``elapsed_seconds``, ``eta_seconds`` (None when unknown) and ``line``.

    Classic sessions only: under Spark Connect the numbers live on the server's driver (its log shows them).
    """
    jvm = getattr(spark, "_jvm", None)
    if jvm is None:
        raise NotImplementedError("progress() reads the driver JVM's numbers, which a Spark Connect client cannot"
                                  " reach; the server logs them (logger io.asyncudf.progress)")
    runs = []
    for run in jvm.io.asyncudf.AsyncUdf.progress():
        eta = run.eta()
        runs.append({
            "name": run.name(), "running": run.running(), "rows_done": run.rowsDone(),
            "total_rows": run.totalRows(), "total_known": run.totalKnown(),
            "partitions_done": run.partitionsDone(), "partitions": run.partitions(),
            "rows_per_second": run.rowsPerSecond(), "in_flight_chunks": run.inFlightChunks(),
            "retries": run.retries(), "failed_rows": run.failedRows(),
            "elapsed_seconds": run.elapsed().toMillis() / 1000.0,
            "eta_seconds": None if eta is None else eta.toMillis() / 1000.0, "line": run.toString(),
        })
    return runs
