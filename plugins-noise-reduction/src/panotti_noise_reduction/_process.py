"""Cleaning one file, block by block: high-pass, bleed removal, noise suppression."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile
from scipy.signal import butter, sosfilt, sosfilt_zi

from ._reference import AlignedReader, EchoPathEstimator, EchoPredictor, estimate_delay, to_mono
from ._stft import Float, StreamingSTFT, frame_length
from ._suppress import Suppressor

ECHO_PATH_SECONDS = 0.12
"""Length of the room response the echo model covers (after the delay)."""
DELAY_MARGIN_SECONDS = 0.02
FRAMES_PER_BLOCK = 64

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Options:
    """How to clean (a picklable copy of the plugin's settings)."""

    max_attenuation_db: float = 18.0
    highpass_hz: float = 0.0
    remove_bleed: bool = True
    echo_suppression: float = 1.0
    max_delay_seconds: float = 0.5


@dataclass(frozen=True)
class Result:
    """What the cleaning did, for the completion event."""

    input_path: str
    output_path: str
    reference_path: str | None
    sample_rate: int
    duration_seconds: float
    method: str
    estimated_input_snr_db: float
    attenuation_db: float
    bleed_delay_ms: float | None
    bleed_removed_db: float | None
    runtime_seconds: float
    clipped_samples: int


def _db(numerator: float, denominator: float) -> float:
    return float(10 * math.log10(max(numerator, 1e-20) / max(denominator, 1e-20)))


class _HighPass:
    def __init__(self, cutoff: float, rate: int) -> None:
        self.sos = butter(2, cutoff, btype="highpass", fs=rate, output="sos") if cutoff > 0 else None
        self.state = sosfilt_zi(self.sos) * 0.0 if self.sos is not None else None

    def __call__(self, block: Float) -> Float:
        if self.sos is None:
            return block
        filtered, self.state = sosfilt(self.sos, block, zi=self.state)
        return np.asarray(filtered)


def _estimate_echo_path(
    microphone: Path, reference: AlignedReader, stft_size: int, taps: int, report: Progress
) -> np.ndarray:
    near_stft, far_stft = StreamingSTFT(stft_size), StreamingSTFT(stft_size)
    estimator = EchoPathEstimator(near_stft.bins, taps)
    block = FRAMES_PER_BLOCK * near_stft.hop
    with soundfile.SoundFile(str(microphone)) as mic:
        total = max(mic.frames, 1)
        for position in range(0, mic.frames, block):
            near = to_mono(mic.read(block, dtype="float64", always_2d=True))
            estimator.add(near_stft.analyze(near), far_stft.analyze(reference.read(position, len(near))))
            report(position / total, "estimating the echo path")
    return estimator.solve()


def clean_file(
    microphone: Path,
    output: Path,
    reference: Path | None = None,
    options: Options | None = None,
    progress: Progress | None = None,
) -> Result:
    """Write a cleaned copy of the microphone track; memory stays flat whatever the length.

    With a reference (the system-audio track) the far end's voice leaking
    into the microphone is removed first. Raises ``soundfile.LibsndfileError``
    (or ``RuntimeError``) for unreadable audio, ``ValueError`` for empty audio.
    """
    options = options or Options()
    started = time.perf_counter()
    report = progress or (lambda fraction, message: None)
    with soundfile.SoundFile(str(microphone)) as probe:
        rate, frames, subtype = probe.samplerate, probe.frames, probe.subtype
    if frames == 0:
        raise ValueError(f"{microphone} contains no audio samples")
    stft_size = frame_length(rate)
    hop_seconds = stft_size / 2 / rate
    use_reference = reference is not None and options.remove_bleed
    stages = 3 if use_reference else 1
    predictor: EchoPredictor | None = None
    aligned: AlignedReader | None = None
    delay = None
    if use_reference:
        assert reference is not None
        delay, _confidence = estimate_delay(microphone, reference, rate, options.max_delay_seconds)
        report(1 / stages, "estimating the echo path")
        # Start the echo model a little early: an estimate that is late would miss the direct path,
        # one that is early only spends a tap.
        margin = int(DELAY_MARGIN_SECONDS * rate)
        aligned = AlignedReader(reference, rate, delay - margin)
        taps = max(1, math.ceil((ECHO_PATH_SECONDS + DELAY_MARGIN_SECONDS) / hop_seconds)) + 1
        transfer = _estimate_echo_path(
            microphone, aligned, stft_size, taps, lambda f, m: report((1 + f) / stages, m)
        )
        predictor = EchoPredictor(transfer)

    near_stft, far_stft, out_stft = (
        StreamingSTFT(stft_size),
        StreamingSTFT(stft_size),
        StreamingSTFT(stft_size),
    )
    suppressor = Suppressor(near_stft.bins, hop_seconds, options.max_attenuation_db)
    highpass = _HighPass(options.highpass_hz, rate)
    totals = {"in": 0.0, "out": 0.0, "signal": 0.0, "noise": 0.0, "bleed_in": 0.0, "bleed_out": 0.0}
    clipped = 0
    written = 0
    block = FRAMES_PER_BLOCK * near_stft.hop
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    try:
        with (
            soundfile.SoundFile(str(microphone)) as mic,
            soundfile.SoundFile(
                str(partial),
                "w",
                samplerate=rate,
                channels=1,
                subtype=_subtype(subtype, output),
                format=_format(output),
            ) as sink,
        ):
            position = 0
            finished = False
            while not finished:
                data = mic.read(block, dtype="float64", always_2d=True)
                near = highpass(to_mono(data))
                totals["in"] += float(np.sum(near**2))
                spectra = near_stft.analyze(near)
                far_block = aligned.read(position, len(near)) if aligned is not None else None
                position += len(near)
                finished = len(data) < block
                if finished:
                    spectra = np.concatenate([spectra, near_stft.finish()], axis=1)
                cleaned = _clean_spectra(
                    spectra, far_block, far_stft, predictor, suppressor, totals, finished, options
                )
                samples = out_stft.synthesize(cleaned)
                samples = samples[: max(0, frames - written)]
                peak_mask = np.abs(samples) > 1.0
                clipped += int(peak_mask.sum())
                np.clip(samples, -1.0, 1.0, out=samples)
                sink.write(samples)
                written += len(samples)
                totals["out"] += float(np.sum(samples**2))
                report((stages - 1 + min(position, frames) / frames) / stages, "suppressing noise")
            if written < frames:
                sink.write(np.zeros(frames - written))
        os.replace(partial, output)
    finally:
        if aligned is not None:
            aligned.close()
        if partial.exists():
            partial.unlink()
    return Result(
        input_path=str(microphone),
        output_path=str(output),
        reference_path=str(reference) if reference else None,
        sample_rate=rate,
        duration_seconds=frames / rate,
        method="min-statistics noise estimate + decision-directed Wiener gain"
        + (" + multi-tap echo cancellation with the system track" if use_reference else ""),
        estimated_input_snr_db=round(_db(totals["signal"], totals["noise"]), 2),
        attenuation_db=round(_db(totals["in"], totals["out"]), 2),
        bleed_delay_ms=round(delay / rate * 1000, 2) if delay is not None else None,
        bleed_removed_db=round(_db(totals["bleed_in"], totals["bleed_out"]), 2) if use_reference else None,
        runtime_seconds=round(time.perf_counter() - started, 3),
        clipped_samples=clipped,
    )


def _clean_spectra(
    spectra: np.ndarray,
    far_block: Float | None,
    far_stft: StreamingSTFT,
    predictor: EchoPredictor | None,
    suppressor: Suppressor,
    totals: dict[str, float],
    finished: bool,
    options: Options,
) -> np.ndarray:
    echo_power: Float | float = 0.0
    original_power = np.abs(spectra) ** 2
    if predictor is not None and far_block is not None:
        far = far_stft.analyze(far_block)
        if finished:
            far = np.concatenate([far, far_stft.finish()], axis=1)
        far = far[:, : spectra.shape[1]]
        if far.shape[1] < spectra.shape[1]:
            far = np.pad(far, ((0, 0), (0, spectra.shape[1] - far.shape[1])))
        echo = predictor.predict(far)
        spectra = spectra - echo
        echo_power = np.abs(echo) ** 2
    power = np.abs(spectra) ** 2
    # The linear canceller leaves part of the echo: let the gain remove what it predicts.
    gains, noise = suppressor.gains(power, options.echo_suppression * echo_power)
    cleaned = gains * spectra
    totals["signal"] += float(np.sum(np.maximum(power - noise, 0.0)))
    totals["noise"] += float(np.sum(noise))
    if isinstance(echo_power, np.ndarray):
        bleed_frames = echo_power.sum(axis=0) > 0.5 * original_power.sum(axis=0)
        totals["bleed_in"] += float(original_power[:, bleed_frames].sum())
        totals["bleed_out"] += float((np.abs(cleaned[:, bleed_frames]) ** 2).sum())
    return np.asarray(cleaned)


def _subtype(input_subtype: str, output: Path) -> str:
    fmt = _format(output)
    if soundfile.check_format(fmt, input_subtype):
        return input_subtype
    return str(soundfile.default_subtype(fmt))


def _format(output: Path) -> str:
    suffix = output.suffix.lower().lstrip(".")
    known: dict[str, str] = {str(name).lower(): str(name) for name in soundfile.available_formats()}
    return known.get(suffix, "WAV")
