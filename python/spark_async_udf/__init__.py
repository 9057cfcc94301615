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

PySpark is not a dependency (it comes from the cluster or your environment): it is imported only when
a Column is built.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Union

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

__all__ = [
    "EXTENSION",
    "ColumnOrName",
    "OptionValue",
    "RunProgress",
    "call",
    "check",
    "configure",
    "connection",
    "connection_keys",
    "fhir_read",
    "fhir_search",
    "http_request",
    "jar_path",
    "opensearch_get",
    "progress",
    "rows",
]

__version__ = "0.1.0"

#: The session extension the SQL functions come from.
EXTENSION = "io.asyncudf.sql.AsyncUdfExtensions"

#: A Column, or the name of a column.
ColumnOrName = Union["Column", str]
#: The value of an option or a connection key; it is sent as a string (``True`` as ``"true"``).
OptionValue = Union[str, int, float, bool, Sequence[str]]

_CONNECTION = "spark.asyncudf.connection."
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_AUTH_KINDS = ("none", "basic", "bearer", "oauth2")
_STRING_MAP = "map<string,string>"


def jar_path() -> str:
    """The path of the bundled ``spark-async-udf-all`` jar.

    :raises FileNotFoundError: if this installation carries no jar (a source checkout that was not built)
    """
    directory = Path(__file__).parent / "jars"
    jars = sorted(directory.glob("spark-async-udf-all-*.jar"))
    if not jars:
        raise FileNotFoundError(
            f"spark_async_udf carries no jar in {directory}: install the wheel that the project's build"
            " (mvn package) leaves in python/target/wheel/, not the bare sources")
    return str(jars[-1])


def _comma_list(values: Iterable[str]) -> str:
    """``values`` without blanks and repeats, comma-separated, in their order."""
    items: list[str] = []
    for value in values:
        for item in value.split(","):
            if item.strip() and item.strip() not in items:
                items.append(item.strip())
    return ",".join(items)


def configure(
    builder: SparkSession.Builder, jars: Sequence[str] = (), extensions: Sequence[str] = ()
) -> SparkSession.Builder:
    """Adds the bundled jar and ``jars`` to ``spark.jars``, and ``extensions`` and this library's
    extension to ``spark.sql.extensions``, of a ``SparkSession.Builder``, keeping what is set there
    already (each value once). A key not set on the builder keeps the value the driver would otherwise
    start with, which a value set on the builder replaces: under spark-submit or the pyspark shell what
    they were given (``--jars``, ``--conf``, ``spark-defaults.conf``), else what ``spark-defaults.conf``
    gives it (in ``SPARK_CONF_DIR``, else ``SPARK_HOME/conf``). So a cluster's Delta or Iceberg jar and
    extension are kept.
    Returns the builder. Setting either key after this call replaces this library's value, so set other
    jars and extensions before it or pass them here, e.g. ``configure(builder, jars=["/opt/udfs.jar"])``.

    Works for classic builders and for ``SparkSession.builder.remote("local[...]")``, whose local
    Connect server gets the conf. On a cluster you do not start yourself (Databricks, a remote
    Connect server), install the jar there and set ``spark.sql.extensions`` in its conf instead.
    """
    if isinstance(jars, str) or isinstance(extensions, str):
        raise TypeError("jars and extensions are sequences of strings, such as ['/opt/udfs.jar'], not a string")
    jar = jar_path()
    launched = _launch_conf()
    builder.config("spark.jars", _comma_list([*_set_before(builder, "spark.jars", launched), jar, *jars]))
    builder.config("spark.sql.extensions",
                   _comma_list([*_set_before(builder, "spark.sql.extensions", launched), *extensions, EXTENSION]))
    return builder


def _set_before(builder: SparkSession.Builder, key: str, launched: Mapping[str, str]) -> list[str]:
    """What ``key`` is set to on ``builder``, else in the conf the driver JVM starts with (``launched``), as a
    list. PySpark's builders (classic and Connect) have no public way to read their options; without this
    read, configure() would drop the jars and extensions set before it."""
    options = getattr(builder, "_options", None)
    value = options.get(key) if isinstance(options, dict) else None
    if isinstance(value, str):
        return [value]
    value = launched.get(key)
    return [value] if value else []


def _launch_conf() -> dict[str, str]:
    """The conf a builder's values replace: when spark-submit or the pyspark shell started the driver JVM
    (``PYSPARK_GATEWAY_PORT`` is set), the JVM's ``spark.*`` properties, which spark-submit merged from
    ``--jars``, ``--conf``, ``--properties-file`` and ``spark-defaults.conf``; else the
    ``spark-defaults.conf`` spark-submit reads when PySpark starts the JVM itself."""
    if os.environ.get("PYSPARK_GATEWAY_PORT"):
        from pyspark import SparkConf, SparkContext

        SparkContext._ensure_initialized()  # joins the running JVM's gateway; starts no JVM
        return dict(SparkConf().getAll())
    return _spark_defaults()


def _spark_defaults() -> dict[str, str]:
    """The properties of the ``spark-defaults.conf`` spark-submit reads: in ``SPARK_CONF_DIR``, else in
    ``SPARK_HOME/conf`` (PySpark's own installation when SPARK_HOME is unset). Read as Java's Properties
    reads it, less its rarer escapes (``\\uXXXX``): ``key value``, ``key=value`` or ``key: value`` a line,
    ``#`` and ``!`` lines comments, a line ending in a backslash continued on the next, ``\\\\`` one
    backslash; undecodable bytes replaced, as Spark reads the file. No file gives nothing."""
    conf_dir = os.environ.get("SPARK_CONF_DIR")
    if not conf_dir:
        home = os.environ.get("SPARK_HOME")
        if not home:
            try:
                from pyspark.find_spark_home import _find_spark_home

                with contextlib.redirect_stderr(io.StringIO()):  # it prints before exiting when it finds none
                    home = _find_spark_home()  # type: ignore[no-untyped-call]
            except (ImportError, SystemExit):
                return {}
        conf_dir = os.path.join(home, "conf")
    try:
        text = Path(conf_dir, "spark-defaults.conf").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    properties: dict[str, str] = {}
    logical = ""
    for raw in text.splitlines():
        line = raw.lstrip()
        if not logical and (not line or line[0] in "#!"):
            continue
        trailing = len(line) - len(line.rstrip("\\"))
        if trailing % 2:  # an odd number of backslashes continues the line
            logical += line[:-1]
            continue
        logical += line
        split = re.match(r"([^=:\s]+)\s*[=:\s]\s*(.*)", logical.strip())
        logical = ""
        if split:
            properties[split.group(1)] = split.group(2).strip().replace("\\\\", "\\")
    return properties


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _option_string(value: OptionValue, what: str = "an option") -> str:
    """An option value as the library reads it: booleans as ``true``/``false``, a list of strings
    (``masked_headers``, ``credential_origins``) comma-separated.

    :raises TypeError: for anything else (a dict, a Column, None), which would otherwise be sent as its Python text
    """
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return _comma_list(value)
    # the type only: the value may be a secret
    raise TypeError(f"{what} must be a string, a number, a boolean or a list of strings, got {type(value).__name__}")


_DURATION_KEYS = frozenset({"connectTimeout", "requestTimeout", "idleConnectionTimeout", "retry.initialBackoff",
                            "retry.maxBackoff", "retry.maxRetryAfter", "timeout"})


def _duration_checked(key: str, value: OptionValue, argument: str) -> str:
    """``value`` as its option string, refused when ``key`` takes a duration and ``value`` is a bare number.

    :raises TypeError: for a number where a duration with its unit is needed (the JVM would read ``30`` as 30 ms)
    """
    if key in _DURATION_KEYS and isinstance(value, (int, float)) and not isinstance(value, bool):
        raise TypeError(f"{argument} takes a duration with its unit, such as '30s' or '500ms', got {value!r} "
                        "(a bare number would be read as milliseconds)")
    return _option_string(value, argument)


def _connection_key(keyword: str) -> str:
    """A keyword argument of :func:`connection` as its key: ``retry_max_attempts`` is ``retry.maxAttempts``."""
    for group in ("retry", "tls"):
        if keyword.startswith(group + "_"):
            return group + "." + _camel(keyword[len(group) + 1:])
    return _camel(keyword)


def connection(
    builder: SparkSession.Builder,
    name: str,
    url: str | Sequence[str],
    auth: str | None = None,
    user: str | None = None,
    password_env: str | None = None,
    token_env: str | None = None,
    token_url: str | None = None,
    client_id: str | None = None,
    client_secret_env: str | None = None,
    scope: str | None = None,
    headers: Mapping[str, str] | None = None,
    secret_headers_env: Mapping[str, str] | None = None,
    **options: OptionValue,
) -> SparkSession.Builder:
    """Defines connection ``name``: the keys ``spark.asyncudf.connection.<name>.*``. Returns the builder.

    Secrets are never passed as values: ``password_env``, ``token_env`` and ``client_secret_env``
    name environment variables that the driver reads when a query is analysed, and so do the values
    of ``secret_headers_env`` (``{"X-Api-Key": "SCORES_KEY"}``: the header ``X-Api-Key`` with the
    variable's value, sent only to the connection's origin and masked wherever the library writes
    it). ``headers`` are plain values in the Spark conf, for what is not secret. Other keyword
    arguments set further keys, snake_case to camelCase: ``max_in_flight=64`` sets ``maxInFlight``
    (``max_in_flight="adaptive"``: a limit that finds the service's capacity),
    ``requests_per_second=500`` (per executor), ``cluster_requests_per_second=2000`` (the whole job),
    ``request_timeout="30s"``, ``retry_max_attempts=4`` (dots for the ``retry.`` and ``tls.`` keys),
    ``tls_trusted_certificates_file="/etc/ca.pem"``. Durations are strings with a unit (``"30s"``,
    ``"500ms"``).

    :raises ValueError: for a name that is not an identifier, or an auth kind without its keys
    :raises TypeError: for a duration given as a bare number
    """
    for key, value in connection_keys(name, url, auth=auth, user=user, password_env=password_env,
                                      token_env=token_env, token_url=token_url, client_id=client_id,
                                      client_secret_env=client_secret_env, scope=scope, headers=headers,
                                      secret_headers_env=secret_headers_env, **options).items():
        builder.config(key, value)
    return builder


def connection_keys(
    name: str,
    url: str | Sequence[str],
    auth: str | None = None,
    user: str | None = None,
    password_env: str | None = None,
    token_env: str | None = None,
    token_url: str | None = None,
    client_id: str | None = None,
    client_secret_env: str | None = None,
    scope: str | None = None,
    headers: Mapping[str, str] | None = None,
    secret_headers_env: Mapping[str, str] | None = None,
    **options: OptionValue,
) -> dict[str, str]:
    """The Spark conf that :func:`connection` sets, as a dict (same arguments, no builder): for a
    cluster's Spark config, ``spark.conf.set`` on a running session, or a ``SparkConf``. A connection
    with credentials (``auth``, ``secret_headers_env``) must be in the conf the session starts with:
    set on a running session, its queries fail at analysis.

    :raises ValueError: for a name that is not an identifier, or an auth kind without its keys
    :raises TypeError: for a duration given as a bare number
    """
    if not _NAME.fullmatch(name or ""):
        raise ValueError(f"a connection name must be an identifier (letters, digits, _), got {name!r}")
    if not url:
        raise ValueError(f"connection {name!r} needs a url")
    keys: dict[str, str] = {"url": _option_string(url, "url")}
    if auth is not None:
        if auth not in _AUTH_KINDS:
            raise ValueError(f"connection {name!r}: auth must be none, basic, bearer or oauth2, got {auth!r}")
        keys["auth"] = auth
    if auth == "basic" and not (user and password_env):
        raise ValueError(f"connection {name!r}: auth='basic' needs user and password_env")
    if auth == "bearer" and not token_env:
        raise ValueError(f"connection {name!r}: auth='bearer' needs token_env")
    if auth == "oauth2" and not (token_url and client_id and client_secret_env):
        raise ValueError(f"connection {name!r}: auth='oauth2' needs token_url, client_id and client_secret_env")
    if auth is None:
        if (user or password_env) and not (user and password_env):
            raise ValueError(f"connection {name!r}: basic auth needs both user and password_env")
        if (client_id or client_secret_env or scope) and not token_url:
            raise ValueError(f"connection {name!r}: oauth2 needs token_url, client_id and client_secret_env")
        if token_url and not (client_id and client_secret_env):
            raise ValueError(f"connection {name!r}: oauth2 needs token_url, client_id and client_secret_env")
    auth_keys = {"auth.user": user, "auth.passwordEnv": password_env, "auth.tokenEnv": token_env,
                 "auth.tokenUrl": token_url, "auth.clientId": client_id,
                 "auth.clientSecretEnv": client_secret_env, "auth.scope": scope}
    keys.update({key: _option_string(value, key) for key, value in auth_keys.items() if value is not None})
    for header, value in (headers or {}).items():
        if _is_credential(header):
            raise ValueError(f"connection {name!r}: {header!r} is a credential; a plain header's value shows in the "
                             "Spark UI and the event log and goes to every host a request names. Pass it as "
                             f"secret_headers_env={{{header!r}: 'ENV_VAR'}}, an environment variable of the driver")
        keys["header." + header] = _option_string(value, f"header {header!r}")
    for header, variable in (secret_headers_env or {}).items():
        keys["secretHeader." + header + "Env"] = str(variable)
    for keyword, option in options.items():
        if _is_credential(keyword) and _connection_key(keyword) != "credentialOrigins":
            raise ValueError(f"connection {name!r}: {keyword!r} is not a connection key, and its value would show in "
                             "the Spark UI and the event log; pass a credential as "
                             "secret_headers_env={'Header-Name': 'ENV_VAR'}, an environment variable of the driver")
        key = _connection_key(keyword)
        keys[key] = _duration_checked(key, option, keyword)
    return {_CONNECTION + name + "." + key: value for key, value in keys.items()}


_CREDENTIAL_NAMES = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key",
                               "apikey", "access-key", "x-auth-token", "auth", "passwd", "pwd"})
_CREDENTIAL_PARTS = ("password", "secret", "token", "credential", "signature", "api-key")


def _is_credential(header: str) -> bool:
    """Whether the JVM side refuses ``header`` as a plain header (its list of credential names)."""
    name = header.lower().replace("_", "-")
    return name in _CREDENTIAL_NAMES or any(part in name for part in _CREDENTIAL_PARTS)


#: Query parameters that carry credentials, by exact name (``page_token`` or ``max_tokens`` are ordinary ones).
_CREDENTIAL_PARAMETERS = frozenset({"api_key", "apikey", "api-key", "access_token", "client_secret", "password",
                                    "secret", "token", "auth_token", "signature"})


def _is_credential_parameter(name: str) -> bool:
    return name.lower() in _CREDENTIAL_PARAMETERS


def check(spark: SparkSession, *connections: str) -> None:
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


def _string_entries(value: Mapping[str, OptionValue | Column | None],
                    what: str) -> list[tuple[str, str | Column | None]]:
    """The entries of a ``map<string,string>`` argument: keys as strings, values as strings or Columns (a
    value per row); ``None`` stays null.

    :raises TypeError: for something other than a dict, or a value that is not a string, number, boolean or Column
    """
    from pyspark.sql import Column

    if not isinstance(value, Mapping):
        raise TypeError(f"{what} must be a dict, a Column or None, got {type(value).__name__}")
    if what in ("headers", "params"):
        refused = _is_credential if what == "headers" else _is_credential_parameter
        for key, item in value.items():
            if refused(str(key)) and item is not None and not isinstance(item, Column):
                raise ValueError(f"{what}[{str(key)!r}] is a credential given as a literal: its value would show "
                                 "in the query plan (the Spark UI's SQL tab, the event log); give the connection "
                                 f"secret_headers_env={{{str(key)!r}: 'ENV_VAR'}}, or pass a Column")
    return [(str(key), item if item is None or isinstance(item, Column) else _option_string(item, f"{what}[{key!r}]"))
            for key, item in value.items()]


def _column(value: ColumnOrName) -> Column:
    from pyspark.sql import Column
    from pyspark.sql import functions as F

    return value if isinstance(value, Column) else F.col(value)


def _literal(value: str | Column) -> Column:
    from pyspark.sql import Column
    from pyspark.sql import functions as F

    return value if isinstance(value, Column) else F.lit(value)


def _string_map(value: Mapping[str, OptionValue | Column | None] | Column | None, what: str) -> Column:
    from pyspark.sql import Column
    from pyspark.sql import functions as F

    if value is None:
        return F.lit(None).cast(_STRING_MAP)
    if isinstance(value, Column):
        return value
    entries = _string_entries(value, what)
    if not entries:
        return F.create_map().cast(_STRING_MAP)
    pairs: list[Column] = []
    for key, item in entries:
        if item is None:
            pairs += [F.lit(key), F.lit(None).cast("string")]
        elif isinstance(item, Column):
            pairs += [F.lit(key), item.cast("string")]
        else:
            pairs += [F.lit(key), F.lit(item)]
    return F.create_map(*pairs)


def _options(options: Mapping[str, OptionValue] | None) -> list[Column]:
    """The optional last argument of the SQL functions: none for no options.

    :raises TypeError: for a duration given as a bare number
    """
    if not options:
        return []
    if isinstance(options, Mapping):
        for key, value in options.items():
            if value is not None:
                _duration_checked(str(key), value, f"option {key!r}")
    return [_string_map(options, "options")]


def http_request(
    conn: str,
    method: str | Column,
    path: ColumnOrName,
    headers: Mapping[str, str | Column] | Column | None = None,
    params: Mapping[str, str | Column] | Column | None = None,
    body: ColumnOrName | None = None,
    options: Mapping[str, OptionValue] | None = None,
) -> Column:
    """``async_http_request(conn, method, path, headers, params, body [, options])`` as a Column of
    ``struct<status_code int, text string, headers map<string,string>, error struct>``.

    ``conn`` is a connection name; ``method`` a string such as ``"GET"`` (or a Column); ``path``
    and ``body`` are Columns or column names; ``headers`` and ``params`` dicts (a value may be a Column:
    one value per row) or map Columns; a credential header does not belong here, where its value is in the
    query plan (the Spark UI's SQL tab): give the connection a ``secret_headers_env``;
    ``options`` a dict such as ``{"maxChunkSize": 32, "maxConcurrentChunks": 16, "timeout": "30s"}``;
    ``{"journal": "s3://bucket/journals/scores"}`` keeps the answers there and answers rows already in it
    without a request (see docs/journal.md).

    :raises TypeError: for ``headers``, ``params`` or ``options`` that are not dicts (or map Columns)
    """
    from pyspark.sql import functions as F

    body_column = F.lit(None).cast("string") if body is None else _column(body)
    return F.call_function("async_http_request", F.lit(conn), _literal(method), _column(path),
                           _string_map(headers, "headers"), _string_map(params, "params"), body_column,
                           *_options(options))


def fhir_read(conn: str, type: str | Column, id: ColumnOrName,  # noqa: A002
              options: Mapping[str, OptionValue] | None = None) -> Column:
    """``fhir_read(conn, type, id)``: ``struct<status int, resource string, error struct>``; ``type``
    is a resource type such as ``"Patient"`` (or a Column), ``id`` a string Column or the name of a string
    column (a literal id is ``F.lit("123")``: a plain string names a column)."""
    from pyspark.sql import functions as F

    return F.call_function("fhir_read", F.lit(conn), _literal(type), _column(id), *_options(options))


def fhir_search(conn: str, type: str | Column, query: ColumnOrName,  # noqa: A002
                options: Mapping[str, OptionValue] | None = None) -> Column:
    """``fhir_search(conn, type, query)``: ``struct<resources array<string>, error struct>``; more than
    ``options["maxResources"]`` matches (default 1000) is that row's error, never a cut list."""
    from pyspark.sql import functions as F

    return F.call_function("fhir_search", F.lit(conn), _literal(type), _column(query), *_options(options))


def opensearch_get(conn: str, index: str | Column, id: ColumnOrName,  # noqa: A002
                   options: Mapping[str, OptionValue] | None = None) -> Column:
    """``opensearch_get(conn, index, id)``: ``struct<found boolean, source string, error struct>``."""
    from pyspark.sql import functions as F

    return F.call_function("opensearch_get", F.lit(conn), _literal(index), _column(id), *_options(options))


def call(name: str, *cols: ColumnOrName) -> Column:
    """A function registered from Java (``ColumnUdf.register``) or by the server's
    ``spark.asyncudf.functions.<name>.factory``, applied to ``cols`` (Columns or column names)."""
    from pyspark.sql import functions as F

    return F.call_function(name, *[_column(c) for c in cols])


def rows(spark: SparkSession, name: str, df: DataFrame, partition_by: str | Sequence[str] | None = None,
         order_by: str | Sequence[str] | None = None) -> DataFrame:
    """``df`` through the table function ``name``: a DataFrame helper registered from Java
    (``DataFrameUdf.register``) or by the server's ``spark.asyncudf.functions.<name>.factory`` (an
    ``AsyncTableFunctionFactory``), any number of output rows per chunk of input rows. Runs
    ``SELECT * FROM name(TABLE(view))`` over a temporary view of ``df`` (one per call, left in the
    session), so the same code runs on classic PySpark and Spark Connect. The view is left because
    dropping it would also uncache ``df`` when it is cached (Spark uncaches a dropped view's plan), and
    a cached input often holds the answers of an earlier call.

    ``partition_by`` and ``order_by`` (SQL expressions over ``df``'s columns, such as ``"patient_id"``
    or ``"effective DESC"``) arrange the rows the helper sees, as the ``TABLE`` argument's
    ``PARTITION BY`` and ``ORDER BY`` do: rows with equal keys in one task and together, each key's
    rows in ``order_by`` order. ``order_by`` alone sorts all rows in one task (``WITH SINGLE PARTITION``).

    :raises ValueError: if ``name`` is not a plain identifier
    """
    if not _NAME.fullmatch(name or ""):
        raise ValueError("a table function name must be a plain identifier (letters, digits, _), got " + repr(name))
    view = "_asyncudf_rows_" + uuid.uuid4().hex
    df.createOrReplaceTempView(view)
    return spark.sql(_rows_query(name, view, partition_by, order_by))


def _rows_query(name: str, view: str, partition_by: str | Sequence[str] | None,
                order_by: str | Sequence[str] | None) -> str:
    """The query of :func:`rows`: ``SELECT * FROM name(TABLE(view) [PARTITION BY ...] [ORDER BY ...])``."""
    partition = _sql_list(partition_by)
    order = _sql_list(order_by)
    if partition:
        clauses = " PARTITION BY " + partition
    elif order:
        clauses = " WITH SINGLE PARTITION"
    else:
        clauses = ""
    if order:
        clauses += " ORDER BY " + order
    return "SELECT * FROM " + name + "(TABLE(" + view + ")" + clauses + ")"


def _sql_list(expressions: str | Sequence[str] | None) -> str:
    """One expression as it is; several in parentheses, as the TABLE argument's clauses need them."""
    if not expressions:
        return ""
    if isinstance(expressions, str):
        return expressions
    return expressions[0] if len(expressions) == 1 else "(" + ", ".join(expressions) + ")"


class RunProgress(TypedDict):
    """One run in :func:`progress`."""

    name: str
    running: bool
    rows_done: int
    total_rows: int
    total_known: bool
    partitions_done: int
    partitions: int
    rows_per_second: float
    in_flight_chunks: int
    retries: int
    failed_rows: int
    elapsed_seconds: float
    eta_seconds: float | None
    line: str


def _driver_jvm(spark: SparkSession) -> Any:  # noqa: ANN401
    """The py4j view of the driver JVM of a classic session, or None for a Spark Connect session.

    PySpark has no public API to call a JVM class (``SparkSession._jvm`` is its internal route, there
    since 3.x), and the progress numbers are in the library's JVM objects, not in any Spark conf or
    SQL result, so this one private attribute is read here and nowhere else.
    """
    return getattr(spark, "_jvm", None)


def progress(spark: SparkSession) -> list[RunProgress]:
    """The numbers of the progress line of async calls run with progress on (``.progress(true)`` or
    ``spark.asyncudf.progress=true``): the last runs that ended, oldest first, then the running ones, each a
    dict with ``name``, ``running``, ``rows_done``, ``total_rows`` (-1 when unknown), ``total_known``,
    ``partitions_done``, ``partitions``, ``rows_per_second``, ``in_flight_chunks``, ``retries``,
    ``failed_rows``, ``elapsed_seconds``, ``eta_seconds`` (None when unknown) and ``line``.

    Classic sessions only: under Spark Connect the numbers live on the server's driver (its log shows them).

    :raises NotImplementedError: for a Spark Connect session
    """
    jvm = _driver_jvm(spark)
    if jvm is None:
        raise NotImplementedError("progress() reads the driver JVM's numbers, which a Spark Connect client cannot"
                                  " reach; the server logs them (logger io.asyncudf.progress)")
    return [_run_progress(run) for run in jvm.io.asyncudf.AsyncUdf.progress()]


def _run_progress(run: Any) -> RunProgress:  # noqa: ANN401
    """One ``io.asyncudf.JobProgress`` (a py4j proxy, untyped) as a dict."""
    eta = run.eta()
    return {
        "name": str(run.name()), "running": bool(run.running()), "rows_done": int(run.rowsDone()),
        "total_rows": int(run.totalRows()), "total_known": bool(run.totalKnown()),
        "partitions_done": int(run.partitionsDone()), "partitions": int(run.partitions()),
        "rows_per_second": float(run.rowsPerSecond()), "in_flight_chunks": int(run.inFlightChunks()),
        "retries": int(run.retries()), "failed_rows": int(run.failedRows()),
        "elapsed_seconds": run.elapsed().toMillis() / 1000.0,
        "eta_seconds": None if eta is None else eta.toMillis() / 1000.0, "line": str(run.toString()),
    }
