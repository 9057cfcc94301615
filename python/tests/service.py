"""A small local HTTP service for the tests: ``/items/<id>`` echoes, ``/score?id=N`` answers JSON,
``/flaky/<id>`` answers 503 with ``Retry-After: 0`` the first time per id. Counts requests."""

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Service:
    def __init__(self):
        self.requests = Counter()
        self._seen = set()
        self._lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as two writes

            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urlparse(self.path)
                with service._lock:
                    service.requests[url.path.split("/")[1]] += 1
                    first = url.path not in service._seen
                    service._seen.add(url.path)
                if url.path.startswith("/flaky/") and first:
                    self._answer(503, "busy", {"Retry-After": "0"})
                elif url.path.startswith("/items/"):
                    self._answer(200, "item-" + url.path[len("/items/"):] + " " + str(self.headers.get("X-Trace")))
                elif url.path.startswith("/flaky/"):
                    self._answer(200, "ok " + url.path[len("/flaky/"):])
                elif url.path == "/score":
                    ident = int(parse_qs(url.query)["id"][0])
                    self._answer(200, json.dumps({"score": ident / 10}))
                else:
                    self._answer(404, "no such thing")

            def _answer(self, status, body, headers=None):
                data = body.encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            # the default listen backlog of 5 drops connections when hundreds open at once (tasks keep up to
            # 512 requests in flight): the clients then wait out SYN retransmits and connect timeouts, retry,
            # and the service sees requests twice; real services listen with a backlog in the hundreds
            request_queue_size = 1024
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
