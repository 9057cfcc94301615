"""The Columns the functions build: the SQL function called and its arguments in order, literals and maps from
Python values. Built as Spark Connect Columns, which need no session and no JVM (only PySpark's Connect client
modules); skipped where those are not installed."""

import pytest

import spark_async_udf as au


@pytest.fixture(autouse=True)
def sf(monkeypatch):
    """pyspark.sql.functions building Spark Connect Columns, as on a Connect client before it connects."""
    pytest.importorskip("pyspark.sql.connect.functions", reason="PySpark's Spark Connect client is not installed")
    monkeypatch.setenv("SPARK_CONNECT_MODE_ENABLED", "1")
    from pyspark.sql import functions

    return functions


def call_of(column):
    text = str(column)
    assert text.startswith("Column<'CallFunction("), text
    assert text.endswith(")'>"), text
    return text[len("Column<'CallFunction("):-len(")'>")]


NULL_MAP = "CAST(NULL AS MAP<STRING,STRING>)"


def test_http_request_calls_async_http_request_with_nulls_for_what_is_not_given(sf):
    column = au.http_request("scores", "GET", sf.concat(sf.lit("score?id="), sf.col("id")))
    from pyspark.sql import Column

    assert isinstance(column, Column)
    assert call_of(column) == "'async_http_request', scores, GET, concat(score?id=, id), " \
                              f"{NULL_MAP}, {NULL_MAP}, CAST(NULL AS STRING)"


def test_http_request_turns_dicts_into_string_maps_and_options_into_the_last_argument(sf):
    column = au.http_request("local", sf.lit("POST"), "path", headers={"X-Trace": "py", "X-Count": 3},
                             params={}, body="payload",
                             options={"maxChunkSize": 16, "progress": True, "journal": None})
    assert call_of(column) == (
        "'async_http_request', local, POST, path, map(X-Trace, py, X-Count, 3), CAST(map() AS MAP<STRING,STRING>), "
        "payload, map(maxChunkSize, 16, progress, true, journal, CAST(NULL AS STRING))")


def test_map_columns_are_passed_as_they_are(sf):
    headers = sf.create_map(sf.lit("X-Id"), sf.col("id"))
    assert call_of(au.http_request("local", "GET", "p", headers=headers, params=sf.col("params"))) == \
        "'async_http_request', local, GET, p, map(X-Id, id), params, CAST(NULL AS STRING)"


def test_a_header_value_may_be_a_column_with_one_value_per_row(sf):
    column = au.http_request("local", "GET", "p", headers={"X-Trace": sf.col("id"), "X-App": "etl"})
    assert "map(X-Trace, CAST(id AS STRING), X-App, etl)" in call_of(column)


def test_a_map_value_that_is_neither_text_nor_a_column_is_refused(sf):
    with pytest.raises(TypeError, match=r"headers\['X-Ids'\] must be a string, a number, a boolean or a list"):
        au.http_request("local", "GET", "p", headers={"X-Ids": {"a": 1}})


def test_a_query_timeout_given_as_a_bare_number_is_refused(sf):
    with pytest.raises(TypeError, match="option 'timeout' takes a duration with its unit"):
        au.http_request("svc", "GET", "path", options={"timeout": 30})
    assert "timeout, 30s" in call_of(au.http_request("svc", "GET", "path", options={"timeout": "30s"}))


def test_empty_options_are_no_argument(sf):
    assert call_of(au.fhir_read("fhir", "Patient", "id", options={})) == "'fhir_read', fhir, Patient, id"


@pytest.mark.parametrize("what", ["headers", "params"])
def test_a_map_argument_must_be_a_dict_a_column_or_none(what):
    with pytest.raises(TypeError, match=f"{what} must be a dict, a Column or None, got list"):
        au.http_request("local", "GET", "p", **{what: [("X-Id", "1")]})


def test_the_fhir_and_opensearch_functions(sf):
    assert call_of(au.fhir_read("fhir", "Patient", sf.col("pid"))) == "'fhir_read', fhir, Patient, pid"
    assert call_of(au.fhir_search("fhir", sf.col("type"), "query", {"maxResources": 5})) == \
        "'fhir_search', fhir, type, query, map(maxResources, 5)"
    assert call_of(au.opensearch_get("search", "patients", "id", {"timeout": "5s"})) == \
        "'opensearch_get', search, patients, id, map(timeout, 5s)"


def test_call_applies_a_registered_function_to_columns_and_names(sf):
    assert call_of(au.call("risk_score", "id", sf.col("age") + 1)) == "'risk_score', id, +(age, 1)"
    assert call_of(au.call("now_score")) == "'now_score'"


@pytest.mark.parametrize(("where", "name"), [("headers", "Authorization"), ("params", "access_token")])
def test_a_literal_credential_in_a_request_is_refused(sf, where, name):
    with pytest.raises(ValueError, match=f"{where}\\['{name}'\\] is a credential given as a literal"):
        au.http_request("local", "GET", "p", **{where: {name: "abc"}})
    # a Column is a value per row, not in the plan's text; ordinary parameters named like tokens pass
    au.http_request("local", "GET", "p", headers={"Authorization": sf.col("token")})
    au.http_request("local", "GET", "p", params={"page_token": "abc", "max_tokens": 100})
