"""Speech-to-text backends: faster-whisper on this machine, or an OpenAI-compatible server."""

from __future__ import annotations

import io
from functools import cache
from typing import Any, Protocol

import numpy as np
import soundfile
from numpy.typing import NDArray

from ._audio import RATE
from .transcript import Segment, Word


class BackendError(Exception):
    """The backend could not transcribe (bad model, server error, timeout); the message says why."""


class Backend(Protocol):
    """Turns 16 kHz mono audio into segments (times relative to the audio)."""

    name: str

    def transcribe(
        self, audio: NDArray[np.float32], speaker: str, language: str | None
    ) -> tuple[list[Segment], str]:
        """Segments and the language."""
        ...


@cache
def _whisper_model(model: str, compute_type: str, cpu_threads: int) -> Any:
    try:
        from faster_whisper import WhisperModel
    except ImportError as error:
        raise BackendError(
            "the local backend needs faster-whisper: pip install 'panotti-plugin-transcription[local]'"
        ) from error
    try:
        return WhisperModel(model, device="cpu", compute_type=compute_type, cpu_threads=cpu_threads)
    except Exception as error:  # faster-whisper raises many kinds for a bad name or folder
        raise BackendError(f"cannot load model {model!r}: {error}") from error


class LocalBackend:
    """faster-whisper, int8 on the CPU, with voice activity detection and word timestamps."""

    def __init__(
        self, model: str, *, compute_type: str = "int8", cpu_threads: int = 0, vad: bool = True
    ) -> None:
        self.model_name = model
        self.name = f"faster-whisper ({model}, {compute_type})"
        self._model = _whisper_model(model, compute_type, cpu_threads)
        self.vad = vad

    def transcribe(
        self, audio: NDArray[np.float32], speaker: str, language: str | None
    ) -> tuple[list[Segment], str]:
        found, info = self._model.transcribe(
            audio,
            language=language,
            vad_filter=self.vad,
            word_timestamps=True,
            beam_size=5,
            condition_on_previous_text=False,
        )
        segments = [
            Segment(
                start=float(item.start),
                end=float(item.end),
                speaker=speaker,
                text=item.text.strip(),
                words=[
                    Word(
                        start=float(w.start),
                        end=float(w.end),
                        text=w.word.strip(),
                        confidence=float(w.probability),
                    )
                    for w in item.words or []
                ],
            )
            for item in found
            if item.text.strip()
        ]
        return segments, str(info.language)


class RemoteBackend:
    """The ``/audio/transcriptions`` endpoint of OpenAI or any compatible server."""

    def __init__(
        self,
        *,
        model: str,
        api_key: str | None,
        base_url: str | None,
        timeout: float,
        max_retries: int,
    ) -> None:
        import openai

        self.name = f"remote ({model})"
        self.model = model
        self._openai = openai
        self._client = openai.OpenAI(
            api_key=api_key or "not-needed", base_url=base_url, timeout=timeout, max_retries=max_retries
        )

    def transcribe(
        self, audio: NDArray[np.float32], speaker: str, language: str | None
    ) -> tuple[list[Segment], str]:
        if len(audio) < RATE // 10:
            return [], language or ""
        buffer = io.BytesIO()
        soundfile.write(buffer, audio, RATE, format="WAV", subtype="PCM_16")
        options: dict[str, Any] = {"language": language} if language else {}
        try:
            reply = self._client.audio.transcriptions.create(
                model=self.model,
                file=("audio.wav", buffer.getvalue(), "audio/wav"),
                response_format="verbose_json",
                timestamp_granularities=["segment", "word"],
                **options,
            )
        except self._openai.APIStatusError as error:
            raise BackendError(f"server answered {error.status_code}: {_short(error.message)}") from None
        except self._openai.APITimeoutError:
            raise BackendError("the server did not answer in time") from None
        except self._openai.APIConnectionError as error:
            raise BackendError(f"cannot reach the server: {error}") from None
        data = reply.model_dump() if hasattr(reply, "model_dump") else dict(reply)
        words = [
            Word(start=float(w["start"]), end=float(w["end"]), text=str(w["word"]).strip())
            for w in data.get("words") or []
        ]
        segments = []
        for item in data.get("segments") or [
            {"start": 0.0, "end": len(audio) / RATE, "text": data.get("text", "")}
        ]:
            start, end = float(item["start"]), float(item["end"])
            text = str(item.get("text", "")).strip()
            if text:
                inside = [w for w in words if start <= w.start < end]
                segments.append(Segment(start=start, end=end, speaker=speaker, text=text, words=inside))
        return segments, str(data.get("language") or language or "")


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[:limit] + "…"
