"""What runs in the worker process: the cleaning, reporting progress through a small file."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ._process import Options, Result, clean_file


class ProgressFile:
    """Progress written to a file at most a few times a second; read by the plugin."""

    def __init__(self, path: Path, interval: float = 0.2) -> None:
        self.path = path
        self.interval = interval
        self._last = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - self._last < self.interval and fraction < 1.0:
            return
        self._last = now
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(f"{fraction:.4f} {message}", encoding="utf-8")
        os.replace(temporary, self.path)

    def read(self) -> tuple[float, str] | None:
        """The last progress written, if any."""
        try:
            fraction, _, message = self.path.read_text(encoding="utf-8").partition(" ")
            return float(fraction), message
        except (OSError, ValueError):
            return None


def clean_in_worker(
    microphone: Path, output: Path, reference: Path | None, options: Options, progress_path: Path
) -> Result:
    """Entry point of the worker process (everything here is picklable)."""
    return clean_file(microphone, output, reference, options, ProgressFile(progress_path))
