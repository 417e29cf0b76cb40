"""Settings of the transcription plugin (``plugins/transcription.yaml``, under ``config:``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr

from panotti import PluginSettings


class TranscriptionSettings(PluginSettings):
    """Which engine transcribes, and how."""

    max_concurrent_tasks: int = Field(default=1, ge=1, le=16)
    """Recordings transcribed at once (each loads its own model copy)."""
    output_dir: Path | None = None
    """Where transcripts go; default ``<data dir>/outputs/transcription``."""
    backend: Literal["local", "remote"] = "local"
    """``local``: faster-whisper on this machine; ``remote``: an OpenAI-compatible server."""
    model: str = "base.en"
    """Local: a faster-whisper model name (downloaded once by faster-whisper) or a model folder."""
    compute_type: str = "int8"
    """Local: CTranslate2 compute type (int8 is fastest on a CPU)."""
    cpu_threads: int = Field(default=0, ge=0, le=64)
    """Local: threads for inference; 0 lets CTranslate2 decide."""
    vad: bool = True
    """Local: skip silence with voice activity detection."""
    language: str | None = None
    """Language code such as ``en``; unset to detect it."""
    chunk_seconds: float = Field(default=300.0, ge=30.0, le=3600.0)
    """Long tracks are transcribed in pieces of about this length (memory stays bounded)."""
    base_url: str | None = None
    """Remote: the server's API root, e.g. ``http://127.0.0.1:8000/v1``; unset for OpenAI."""
    remote_model: str = "whisper-1"
    """Remote: the model name the server knows."""
    api_key: SecretStr | None = None
    """Remote: the API key; use ``${OPENAI_API_KEY}`` or ``${file:PATH}``, never the key itself."""
    timeout_seconds: float = Field(default=120.0, gt=0.0, le=3600.0)
    """Remote: seconds to wait for one request."""
    max_retries: int = Field(default=3, ge=0, le=10)
    """Remote: retries with exponential backoff on timeouts, 429 and 5xx answers."""
