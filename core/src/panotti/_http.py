"""A scripted HTTP server on 127.0.0.1 for tests of plugins that call web APIs."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    """One scripted reply."""

    status: int = 200
    body: Any = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    """What the server received."""

    method: str
    path: str
    headers: dict[str, str]
    """Lower-case names."""
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


class ScriptedServer:
    """Answers each request with the next scripted :class:`Answer` (or ``default``).

    A real server on a free port of 127.0.0.1, so a real client (``openai``,
    ``httpx``) is exercised end to end: retries, timeouts, status codes.
    """

    def __init__(self, default: Answer | None = None) -> None:
        self.default = default or Answer(404, {"error": {"message": "no answer scripted"}})
        self.script: list[Answer] = []
        self.requests: list[Request] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def answer(self, status: int = 200, body: Any = None, delay: float = 0.0, **headers: str) -> None:
        """Script the next reply; header names use ``_`` for ``-`` (``retry_after="1"``)."""
        self.script.append(Answer(status, body, delay, {k.replace("_", "-"): v for k, v in headers.items()}))

    def start(self) -> ScriptedServer:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the port."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next(self, request: Request) -> Answer:
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            return self.script.pop(0) if self.script else self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                headers = {key.lower(): value for key, value in self.headers.items()}
                request = Request(self.command, self.path, headers, self.rfile.read(length))
                answer = server._next(request)
                try:
                    time.sleep(answer.delay)
                    payload = json.dumps(answer.body).encode() if answer.body is not None else b""
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    for key, value in answer.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with server._lock:
                        server.in_flight -= 1

            do_GET = do_POST = _serve

        return Handler
