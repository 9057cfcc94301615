"""jar_path() and configure(), on a builder that records what is set (no Spark)."""

from pathlib import Path

import pytest

import spark_async_udf as au

from fakes import Builder


@pytest.fixture
def jars(tmp_path, monkeypatch):
    """An installed package's folder with jars/ in it: jar_path() looks beside the module. No spark-defaults.conf
    unless a test writes one (SPARK_CONF_DIR names an empty folder)."""
    monkeypatch.setattr(au, "__file__", str(tmp_path / "__init__.py"))
    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path / "no-conf"))
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    (tmp_path / "jars").mkdir()
    return tmp_path / "jars"


def test_jar_path_finds_the_bundled_jar(jars):
    (jars / "spark-async-udf-all-0.1.0-SNAPSHOT.jar").write_bytes(b"PK")
    (jars / "other.jar").write_bytes(b"PK")
    assert au.jar_path() == str(jars / "spark-async-udf-all-0.1.0-SNAPSHOT.jar")


def test_jar_path_takes_the_last_version_when_there_are_several(jars):
    for version in ("0.1.0", "0.2.0", "0.1.5"):
        (jars / f"spark-async-udf-all-{version}.jar").write_bytes(b"PK")
    assert Path(au.jar_path()).name == "spark-async-udf-all-0.2.0.jar"


def test_jar_path_says_how_to_get_the_jar_when_there_is_none(jars):
    with pytest.raises(FileNotFoundError, match=r"carries no jar in .*jars: install the wheel .*mvn package"):
        au.jar_path()


def test_configure_sets_the_jar_and_the_extension(jars):
    (jars / "spark-async-udf-all-1.0.jar").write_bytes(b"PK")
    builder = Builder()
    assert au.configure(builder) is builder
    assert builder.conf == {"spark.jars": str(jars / "spark-async-udf-all-1.0.jar"),
                            "spark.sql.extensions": "io.asyncudf.sql.AsyncUdfExtensions"}


def test_configure_keeps_the_jars_and_extensions_passed_once_each(jars):
    (jars / "spark-async-udf-all-1.0.jar").write_bytes(b"PK")
    builder = au.configure(Builder(), jars=["/opt/a.jar", " /opt/b.jar,/opt/a.jar", ""],
                           extensions=["com.example.Ext", au.EXTENSION])
    assert builder.conf["spark.jars"] == str(jars / "spark-async-udf-all-1.0.jar") + ",/opt/a.jar,/opt/b.jar"
    assert builder.conf["spark.sql.extensions"] == "com.example.Ext," + au.EXTENSION
    au.configure(builder, jars=["/opt/a.jar"])
    assert builder.conf["spark.jars"].split(",") == [str(jars / "spark-async-udf-all-1.0.jar"), "/opt/a.jar",
                                                     "/opt/b.jar"]


def test_configure_keeps_the_jars_and_extensions_set_before(jars):
    (jars / "spark-async-udf-all-1.0.jar").write_bytes(b"PK")
    builder = Builder().config("spark.jars", "/opt/udfs.jar").config("spark.sql.extensions", "com.example.Ext")
    au.configure(builder)
    assert builder.conf["spark.jars"] == "/opt/udfs.jar," + str(jars / "spark-async-udf-all-1.0.jar")
    assert builder.conf["spark.sql.extensions"] == "com.example.Ext," + au.EXTENSION


def test_configure_refuses_a_string_where_a_list_belongs(jars):
    (jars / "spark-async-udf-all-1.0.jar").write_bytes(b"PK")
    with pytest.raises(TypeError, match="sequences of strings"):
        au.configure(Builder(), jars="/opt/a.jar")
    with pytest.raises(TypeError, match="sequences of strings"):
        au.configure(Builder(), extensions="com.example.Ext")


def test_configure_without_a_jar_fails_before_setting_anything(jars):
    builder = Builder()
    with pytest.raises(FileNotFoundError):
        au.configure(builder)
    assert builder.conf == {}


def test_configure_keeps_the_jars_and_extensions_of_spark_defaults(jars, tmp_path, monkeypatch):
    (jars / "spark-async-udf-all-1.0.jar").write_bytes(b"PK")
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "spark-defaults.conf").write_text(
        "# a cluster's defaults\n"
        "spark.jars            /opt/delta.jar,/opt/iceberg.jar\n"
        "spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension\n"
        "! another comment\n"
        "spark.executor.memory: 4g\n")
    monkeypatch.setenv("SPARK_CONF_DIR", str(conf))
    builder = au.configure(Builder())
    assert builder.conf["spark.jars"] == "/opt/delta.jar,/opt/iceberg.jar," + str(jars / "spark-async-udf-all-1.0.jar")
    assert builder.conf["spark.sql.extensions"] == "io.delta.sql.DeltaSparkSessionExtension," + au.EXTENSION
    assert "spark.executor.memory" not in builder.conf


def test_a_key_set_on_the_builder_replaces_spark_defaults_as_spark_submit_does(jars, tmp_path, monkeypatch):
    (jars / "spark-async-udf-all-1.0.jar").write_bytes(b"PK")
    (tmp_path / "spark-defaults.conf").write_text("spark.jars /opt/delta.jar\n")
    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path))
    builder = au.configure(Builder().config("spark.jars", "/opt/udfs.jar"))
    assert builder.conf["spark.jars"] == "/opt/udfs.jar," + str(jars / "spark-async-udf-all-1.0.jar")


def test_spark_home_conf_is_read_when_there_is_no_spark_conf_dir(jars, tmp_path, monkeypatch):
    (jars / "spark-async-udf-all-1.0.jar").write_bytes(b"PK")
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "spark-defaults.conf").write_text("spark.sql.extensions com.example.Ext\n")
    monkeypatch.delenv("SPARK_CONF_DIR", raising=False)
    monkeypatch.setenv("SPARK_HOME", str(tmp_path))
    assert au.configure(Builder()).conf["spark.sql.extensions"] == "com.example.Ext," + au.EXTENSION


def test_spark_defaults_are_read_as_java_properties(jars, tmp_path, monkeypatch):
    (jars / "spark-async-udf-all-1.0.jar").write_bytes(b"PK")
    (tmp_path / "spark-defaults.conf").write_bytes(
        b"# caf\xe9: a Latin-1 comment\n"
        b"spark.jars   /opt/a.jar,\\\n"
        b"             /opt/b.jar\n"
        b"spark.sql.extensions = com.example.Ext\n")
    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path))
    builder = au.configure(Builder())
    assert builder.conf["spark.jars"] == "/opt/a.jar,/opt/b.jar," + str(jars / "spark-async-udf-all-1.0.jar")
    assert builder.conf["spark.sql.extensions"] == "com.example.Ext," + au.EXTENSION
