"""Checking audio files before any work starts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import soundfile

from ._errors import RecordingError


@dataclass(frozen=True, slots=True)
class AudioInfo:
    """What the header of an audio file says."""

    path: Path
    frames: int
    sample_rate: int
    channels: int

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.frames / self.sample_rate if self.sample_rate else 0.0


def probe(path: str | Path, *, role: str = "audio") -> AudioInfo:
    """Read an audio file's header; ``RecordingError`` names the file and what is wrong.

    ``role`` says which track it is (``microphone``, ``system``) in messages.
    """
    file = Path(path)
    if not file.exists():
        raise RecordingError(f"{role} file {file} does not exist")
    if not file.is_file():
        raise RecordingError(f"{role} file {file} is not a file")
    try:
        info = soundfile.info(str(file))
    except (RuntimeError, soundfile.LibsndfileError) as error:
        raise RecordingError(f"{role} file {file} is not readable audio: {error}") from None
    if info.frames <= 0:
        raise RecordingError(f"{role} file {file} contains no audio samples")
    return AudioInfo(file, int(info.frames), int(info.samplerate), int(info.channels))
