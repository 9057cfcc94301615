"""The installed wheel (run-tests.sh runs this suite from tests/, so the wheel is imported, not the sources)."""

import os

import spark_async_udf as au


def test_the_jar_is_in_the_package():
    assert os.path.basename(au.jar_path()).startswith("spark-async-udf-all-")
    assert os.path.getsize(au.jar_path()) > 1_000_000


def test_the_package_is_typed_and_carries_no_demo():
    package = os.path.dirname(au.__file__)
    assert os.path.isfile(os.path.join(package, "py.typed"))
    assert not os.path.exists(os.path.join(package, "demo.py"))


def test_the_demo_service_comes_with_the_wheel_beside_the_package():
    import spark_async_udf_demo

    assert os.path.dirname(spark_async_udf_demo.__file__) == os.path.dirname(os.path.dirname(au.__file__))
