"""The notebooks' demo score service (spark_async_udf_demo, a module of its own beside the runtime package)."""

import json
import urllib.error
import urllib.request

import pytest

from spark_async_udf_demo import ScoreService, score_of


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_score_of_is_a_fixed_score_per_id():
    assert [score_of(i) for i in (0, 1, 2, 1000)] == [0.0, 91.9, 83.8, 0.0]


def test_the_service_answers_scores_and_counts_its_answers():
    with ScoreService(latency_ms=1) as service:
        assert service.url.startswith("http://127.0.0.1:")
        assert get(service.url + "score?id=7")[::2] == (200, {"id": 7, "score": score_of(7)})
        assert get(service.url + "nothing")[0] == 404
        assert service.answers == {200: 1, 404: 1}
        assert service.peak_in_flight == 1


def test_failing_ids_are_refused_and_faults_carry_retry_after():
    with ScoreService(latency_ms=0, unavailable=1.0, failing_ids=[3]) as service:
        assert get(service.url + "score?id=3")[::2] == (400, {"error": "no record for id 3"})
        status, headers, body = get(service.url + "score?id=4")
        assert (status, headers["Retry-After"], body) == (503, "0", {"error": "busy"})
    with ScoreService(latency_ms=0, throttled=1.0) as service:
        status, headers, _ = get(service.url + "score?id=4")
        assert (status, headers["Retry-After"]) == (429, "1")


def test_a_reset_closes_the_connection_without_an_answer():
    with ScoreService(latency_ms=0, resets=1.0) as service:
        with pytest.raises((ConnectionError, urllib.error.URLError)):
            urllib.request.urlopen(service.url + "score?id=1", timeout=10)
        assert service.answers == {"reset": 1}
