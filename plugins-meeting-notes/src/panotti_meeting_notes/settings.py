"""Settings of the two notes plugins."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr

from panotti import PluginSettings


class _ModelSettings(PluginSettings):
    model: str = "gpt-4o-mini"
    """The chat model's name on the server."""
    timeout_seconds: float = Field(default=120.0, gt=0.0, le=3600.0)
    """Seconds to wait for one request."""
    max_retries: int = Field(default=4, ge=0, le=10)
    """Retries with exponential backoff on timeouts, 429 (honouring Retry-After) and 5xx."""
    context_tokens: int = Field(default=16000, ge=2000, le=2_000_000)
    """The model's context window; longer transcripts are split on speaker turns (map-reduce)."""
    max_output_tokens: int = Field(default=2000, ge=200, le=100_000)
    """Longest reply; a reply cut at this limit is reported as a failure, never used."""
    max_concurrent_requests: int = Field(default=4, ge=1, le=32)
    """Parts of a long transcript summarised at once."""
    temperature: float = Field(default=0.2, ge=0.0, le=2.0)
    """Sampling temperature."""


class LocalNotesSettings(_ModelSettings):
    """``meeting_notes_local``: offline, no model; optionally a local OpenAI-compatible server."""

    output_dir: Path | None = None
    """Where notes go; default ``<data dir>/outputs/meeting_notes_local``."""
    server_url: str | None = None
    """A local OpenAI-compatible server (Ollama: ``http://127.0.0.1:11434/v1``) to use instead of the
    built-in extractive engine; unset for the built-in engine."""
    model: str = "llama3.1"
    """With ``server_url``: the model's name on that server."""


class RemoteNotesSettings(_ModelSettings):
    """``meeting_notes_remote``: OpenAI or any compatible server."""

    output_dir: Path | None = None
    """Where notes go; default ``<data dir>/outputs/meeting_notes_remote``."""
    base_url: str | None = None
    """The API root, e.g. ``https://api.openai.com/v1`` (the default when unset)."""
    api_key: SecretStr | None = None
    """The API key: ``${OPENAI_API_KEY}`` or ``${file:~/.secrets/openai}``, never the key itself."""
