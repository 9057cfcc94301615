"""connection() and connection_keys(): the conf keys of a named connection, and the arguments refused (no Spark)."""

import pytest

import spark_async_udf as au

from fakes import Builder


def test_connection_sets_keys_and_names_secrets_only_by_variable():
    builder = Builder()
    assert au.connection(builder, "scores", url="https://scores/", auth="oauth2", token_url="https://login/token",
                         client_id="etl", client_secret_env="SCORES_SECRET", scope="read", max_in_flight=64,
                         retry_max_attempts=3, tls_insecure=False, headers={"X-Team": "data"}) is builder
    assert builder.conf == {
        "spark.asyncudf.connection.scores.url": "https://scores/",
        "spark.asyncudf.connection.scores.auth": "oauth2",
        "spark.asyncudf.connection.scores.auth.tokenUrl": "https://login/token",
        "spark.asyncudf.connection.scores.auth.clientId": "etl",
        "spark.asyncudf.connection.scores.auth.clientSecretEnv": "SCORES_SECRET",
        "spark.asyncudf.connection.scores.auth.scope": "read",
        "spark.asyncudf.connection.scores.header.X-Team": "data",
        "spark.asyncudf.connection.scores.maxInFlight": "64",
        "spark.asyncudf.connection.scores.retry.maxAttempts": "3",
        "spark.asyncudf.connection.scores.tls.insecure": "false",
    }


def test_connection_keys_are_what_connection_sets():
    arguments = {"auth": "basic", "user": "etl", "password_env": "PW", "request_timeout": "30s"}
    builder = au.connection(Builder(), "svc", "https://svc/", **arguments)
    assert au.connection_keys("svc", "https://svc/", **arguments) == builder.conf
    assert builder.conf["spark.asyncudf.connection.svc.auth.passwordEnv"] == "PW"
    assert builder.conf["spark.asyncudf.connection.svc.requestTimeout"] == "30s"


@pytest.mark.parametrize(("keyword", "value", "key", "text"), [
    ("max_in_flight", "adaptive", "maxInFlight", "adaptive"),
    ("requests_per_second", 500, "requestsPerSecond", "500"),
    ("cluster_requests_per_second", 2000.5, "clusterRequestsPerSecond", "2000.5"),
    ("retry_initial_backoff", "1ms", "retry.initialBackoff", "1ms"),
    ("tls_trusted_certificates_file", "/etc/ca.pem", "tls.trustedCertificatesFile", "/etc/ca.pem"),
    ("tls_insecure", True, "tls.insecure", "true"),
    ("retrying", True, "retrying", "true"),
    ("timeout", "5s", "timeout", "5s"),
])
def test_other_keywords_are_camel_case_keys_with_string_values(keyword, value, key, text):
    keys = au.connection_keys("c", url="https://c/", **{keyword: value})
    assert keys == {"spark.asyncudf.connection.c.url": "https://c/", "spark.asyncudf.connection.c." + key: text}


def test_auth_none_is_set_and_needs_nothing():
    assert au.connection_keys("c", "https://c/", auth="none")["spark.asyncudf.connection.c.auth"] == "none"


@pytest.mark.parametrize(("arguments", "message"), [
    ({"name": "no-dash"}, "must be an identifier"),
    ({"name": "1st"}, "must be an identifier"),
    ({"name": ""}, "must be an identifier"),
    ({"url": ""}, "needs a url"),
    ({"auth": "kerberos"}, "auth must be none, basic, bearer or oauth2, got 'kerberos'"),
    ({"auth": "basic", "user": "etl"}, "auth='basic' needs user and password_env"),
    ({"auth": "basic", "password_env": "PW"}, "auth='basic' needs user and password_env"),
    ({"auth": "bearer"}, "auth='bearer' needs token_env"),
    ({"auth": "oauth2", "token_url": "https://login/", "client_id": "etl"}, "auth='oauth2' needs token_url"),
])
def test_connection_refuses_a_bad_name_or_an_auth_without_its_keys(arguments, message):
    arguments = {"name": "svc", "url": "https://svc/", **arguments}
    builder = Builder()
    with pytest.raises(ValueError, match=message):
        au.connection(builder, **arguments)
    assert builder.conf == {}, "nothing is set when an argument is refused"


def test_secret_headers_are_named_by_environment_variable_never_by_value():
    keys = au.connection_keys("svc", "https://svc/", headers={"X-Team": "data"},
                              secret_headers_env={"X-Api-Key": "SVC_KEY"})
    assert keys == {
        "spark.asyncudf.connection.svc.url": "https://svc/",
        "spark.asyncudf.connection.svc.header.X-Team": "data",
        "spark.asyncudf.connection.svc.secretHeader.X-Api-KeyEnv": "SVC_KEY",
    }
    builder = au.connection(Builder(), "svc", "https://svc/", secret_headers_env={"X-Api-Key": "SVC_KEY"})
    assert builder.conf["spark.asyncudf.connection.svc.secretHeader.X-Api-KeyEnv"] == "SVC_KEY"


@pytest.mark.parametrize("keyword", ["request_timeout", "connect_timeout", "idle_connection_timeout",
                                     "retry_initial_backoff", "retry_max_backoff", "retry_max_retry_after"])
def test_a_duration_given_as_a_bare_number_is_refused(keyword):
    builder = Builder()
    with pytest.raises(TypeError, match=f"{keyword} takes a duration with its unit, such as '30s'"):
        au.connection(builder, "svc", "https://svc/", **{keyword: 30})
    assert builder.conf == {}


def test_a_list_of_names_is_comma_separated_and_other_values_are_refused():
    keys = au.connection_keys("svc", "https://svc/", masked_headers=["X-A", "X-B"],
                              credential_origins=("https://a", "https://b"))
    assert keys["spark.asyncudf.connection.svc.maskedHeaders"] == "X-A,X-B"
    assert keys["spark.asyncudf.connection.svc.credentialOrigins"] == "https://a,https://b"
    with pytest.raises(TypeError, match="max_in_flight must be a string, a number, a boolean or a list of strings, "
                                        "got dict"):
        au.connection_keys("svc", "https://svc/", max_in_flight={"limit": 64})


@pytest.mark.parametrize("header", ["Authorization", "X-Api-Key", "x_auth_token", "X-Session-Token"])
def test_a_credential_is_refused_as_a_plain_header(header):
    with pytest.raises(ValueError, match=f"'{header}' is a credential.*secret_headers_env"):
        au.connection_keys("svc", "https://svc/", headers={header: "abc"})


@pytest.mark.parametrize("arguments", [
    {"password_env": "PW"},
    {"user": "etl"},
    {"client_id": "etl", "client_secret_env": "S"},
    {"token_url": "https://login/token", "client_id": "etl"},
])
def test_auth_keys_without_their_kind_are_refused_rather_than_sending_no_auth(arguments):
    with pytest.raises(ValueError, match="needs"):
        au.connection_keys("svc", "https://svc/", **arguments)


def test_a_credential_keyword_is_refused_before_it_reaches_the_conf():
    with pytest.raises(ValueError, match=r"'api_key' is not a connection key.*secret_headers_env"):
        au.connection_keys("svc", "https://svc/", api_key="k-123")
    keys = au.connection_keys("svc", "https://svc/", credentialOrigins=["https://a"])
    assert keys["spark.asyncudf.connection.svc.credentialOrigins"] == "https://a"


def test_a_value_of_the_wrong_type_is_named_by_its_type_only():
    with pytest.raises(TypeError) as refused:
        au.connection_keys("svc", "https://svc/", max_in_flight=b"Basic dTpwdw==")
    assert "dTpwdw" not in str(refused.value)
    assert "got bytes" in str(refused.value)


def test_a_list_of_urls_is_comma_separated_and_a_name_with_a_newline_is_refused():
    keys = au.connection_keys("search", ["http://os1:9200", "http://os2:9200"])
    assert keys["spark.asyncudf.connection.search.url"] == "http://os1:9200,http://os2:9200"
    with pytest.raises(ValueError, match="must be an identifier"):
        au.connection_keys("scores\n", "https://svc/")
