"""configure() and connection() on a builder, without starting Spark."""

import os

import pytest

import spark_async_udf as au


class Builder:
    def __init__(self, **options):
        self._options = dict(options)

    def config(self, key, value):
        self._options[key] = value
        return self


def test_configure_merges_with_what_is_set():
    builder = au.configure(Builder(**{"spark.jars": "/opt/other.jar", "spark.sql.extensions": "com.example.Ext"}))
    assert builder._options["spark.jars"] == "/opt/other.jar," + au.jar_path()
    assert builder._options["spark.sql.extensions"] == "com.example.Ext," + au.EXTENSION
    au.configure(builder)
    assert builder._options["spark.jars"].count(au.jar_path()) == 1


def test_the_jar_is_in_the_package():
    assert os.path.basename(au.jar_path()).startswith("spark-async-udf-all-")
    assert os.path.getsize(au.jar_path()) > 1_000_000


def test_connection_sets_keys_and_names_secrets_only_by_variable():
    builder = au.connection(Builder(), "scores", url="https://scores/", auth="oauth2", token_url="https://login/token",
                            client_id="etl", client_secret_env="SCORES_SECRET", max_in_flight=64,
                            retry_max_attempts=3, tls_insecure=False, headers={"X-Team": "data"})
    assert builder._options == {
        "spark.asyncudf.connection.scores.url": "https://scores/",
        "spark.asyncudf.connection.scores.auth": "oauth2",
        "spark.asyncudf.connection.scores.auth.tokenUrl": "https://login/token",
        "spark.asyncudf.connection.scores.auth.clientId": "etl",
        "spark.asyncudf.connection.scores.auth.clientSecretEnv": "SCORES_SECRET",
        "spark.asyncudf.connection.scores.header.X-Team": "data",
        "spark.asyncudf.connection.scores.maxInFlight": "64",
        "spark.asyncudf.connection.scores.retry.maxAttempts": "3",
        "spark.asyncudf.connection.scores.tls.insecure": "false",
    }


def test_connection_refuses_an_auth_without_its_keys():
    with pytest.raises(ValueError, match="auth='bearer' needs token_env"):
        au.connection(Builder(), "x", url="https://x/", auth="bearer")
    with pytest.raises(ValueError, match="identifier"):
        au.connection(Builder(), "no-dash", url="https://x/")
