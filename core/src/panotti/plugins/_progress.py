"""Progress from worker processes: a tiny file the worker writes and the plugin polls."""

from __future__ import annotations

import os
import time
from pathlib import Path


class ProgressFile:
    """A picklable progress callback: ``progress(fraction, message)`` in the worker.

    Writes at most every ``interval`` seconds (always the final 1.0), atomically,
    so the reader never sees half a line.
    """

    def __init__(self, path: Path, interval: float = 0.2) -> None:
        self.path = path
        self.interval = interval
        self._last = 0.0

    def __call__(self, fraction: float, message: str = "") -> None:
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
