"""A local HTTP service for trying the library out (the notebooks use it): ``GET /score?id=N`` answers
``{"id": N, "score": ...}`` after a fixed latency, with optional injected faults.

A module of its own in the wheel, beside the runtime package ``spark_async_udf`` and not part of it.
It runs in the driver's Python process and binds to 127.0.0.1, so executors reach it only when
they run on the same machine (local mode, a single-node cluster). Against a real cluster, point the
connection's ``url`` at a real service instead.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlparse

__all__ = ["ScoreService", "score_of"]


def score_of(ident: int) -> float:
    """The score the service answers for ``ident``."""
    return round((ident * 7919 % 1000) / 10.0, 1)


class ScoreService:
    """The service; ``with ScoreService(latency_ms=20) as service: ... service.url``.

    :param latency_ms: time before every answer
    :param unavailable: share of requests answered 503 (with ``Retry-After: 0``)
    :param throttled: share of requests answered 429 with ``Retry-After: 1``
    :param resets: share of requests whose connection is closed without an answer
    :param failing_ids: ids always answered 400
    :param seed: for the injected faults
    """

    def __init__(self, latency_ms: float = 20, unavailable: float = 0.0, throttled: float = 0.0,
                 resets: float = 0.0, failing_ids: Iterable[int] = (), seed: int | None = 7) -> None:
        self.latency = latency_ms / 1000.0
        #: answers by status code (an int), and ``"reset"`` for connections closed without one
        self.answers: Counter[int | str] = Counter()
        self._failing = set(failing_ids)
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._in_flight = 0
        self.peak_in_flight = 0
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as two writes

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002, ANN401
                pass

            def do_GET(self) -> None:
                service._enter()
                try:
                    time.sleep(service.latency)
                    url = urlparse(self.path)
                    query = parse_qs(url.query)
                    if url.path != "/score" or "id" not in query:
                        self._answer(404, {"error": "no such path"})
                        return
                    ident = int(query["id"][0])
                    draw = service._draw()
                    if ident in service._failing:
                        self._answer(400, {"error": f"no record for id {ident}"})
                    elif draw < resets:
                        service._count("reset")
                        # linger 0: the close sends a TCP reset instead of a FIN
                        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                                   b"\x01\x00\x00\x00\x00\x00\x00\x00")
                        self.close_connection = True
                        self.connection.close()
                    elif draw < resets + unavailable:
                        self._answer(503, {"error": "busy"}, {"Retry-After": "0"})
                    elif draw < resets + unavailable + throttled:
                        self._answer(429, {"error": "slow down"}, {"Retry-After": "1"})
                    else:
                        self._answer(200, {"id": ident, "score": score_of(ident)})
                finally:
                    service._leave()

            def _answer(self, status: int, body: Mapping[str, object],
                        headers: Mapping[str, str] | None = None) -> None:
                service._count(status)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 1024

        self._server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _draw(self) -> float:
        with self._lock:
            return self._random.random()

    def _count(self, what: int | str) -> None:
        with self._lock:
            self.answers[what] += 1

    def _enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def close(self) -> None:
        """Stops serving and closes the socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ScoreService:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
