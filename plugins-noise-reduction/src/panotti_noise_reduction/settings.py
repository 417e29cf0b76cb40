"""Settings of the noise-reduction plugin (``plugins/noise_reduction.yaml``, under ``config:``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from panotti import PluginSettings

from ._process import Options


class NoiseReductionSettings(PluginSettings):
    """How the microphone track is cleaned."""

    output_dir: Path | None = None
    """Where cleaned tracks go; default ``<data dir>/outputs/noise_reduction``."""
    max_attenuation_db: float = Field(default=18.0, ge=0.0, le=40.0)
    """The most any time-frequency bin is turned down, in dB (0 to 40). Higher removes more noise
    and risks more artefacts; 0 disables noise suppression."""
    highpass_hz: float = Field(default=0.0, ge=0.0, le=300.0)
    """High-pass cut-off in Hz for rumble (0 to 300; 0 turns it off)."""
    remove_bleed: bool = True
    """Remove the far end's voice leaking from the speakers when the system track exists."""
    echo_suppression: float = Field(default=1.0, ge=0.0, le=4.0)
    """How hard the residual echo is suppressed after cancellation (0 to 4)."""
    max_delay_seconds: float = Field(default=0.5, gt=0.0, le=2.0)
    """Longest delay between the system track and its echo that is searched (up to 2 s)."""

    def options(self) -> Options:
        """The picklable options the worker process gets."""
        return Options(
            max_attenuation_db=self.max_attenuation_db,
            highpass_hz=self.highpass_hz,
            remove_bleed=self.remove_bleed,
            echo_suppression=self.echo_suppression,
            max_delay_seconds=self.max_delay_seconds,
        )
