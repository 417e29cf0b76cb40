"""The system-audio reference: reading it aligned, finding its delay, modelling the echo path."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile
from scipy.signal import resample_poly

from ._stft import Complex, Float

_RESAMPLE_MARGIN = 256
SPEECH_BAND = (100.0, 4000.0)
"""Frequencies (Hz) the delay estimate listens to."""


def to_mono(block: Float) -> Float:
    """Average the channels of a (frames x channels) block."""
    return block.mean(axis=1) if block.ndim == 2 else block


class AlignedReader:
    """Any span of a track as mono samples at ``rate``, shifted later by ``delay`` samples.

    Sample ``n`` of the result is sample ``n - delay`` of the (resampled)
    track; outside the track it is zero. Only the span asked for is read.
    """

    def __init__(self, path: Path, rate: int, delay: int = 0) -> None:
        self._file = soundfile.SoundFile(str(path))
        self.source_rate = self._file.samplerate
        self.rate = rate
        self.delay = delay
        ratio = Fraction(rate, self.source_rate)
        self._up, self._down = ratio.numerator, ratio.denominator
        self.length = math.ceil(self._file.frames * rate / self.source_rate)

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def _source(self, start: int, stop: int) -> Float:
        """Source samples [start, stop), zero outside the file."""
        result = np.zeros(stop - start)
        first, last = max(start, 0), min(stop, self._file.frames)
        if last > first:
            self._file.seek(first)
            data = self._file.read(last - first, dtype="float64", always_2d=True)
            result[first - start : first - start + len(data)] = to_mono(data)
        return result

    def read(self, start: int, count: int) -> Float:
        """``count`` samples from position ``start`` (at ``rate``, after the delay)."""
        begin = start - self.delay
        if self._up == self._down:
            return self._source(begin, begin + count)
        # Resample a slightly wider span, starting on a sample where input and output align.
        low = math.floor((begin * self._down / self._up - _RESAMPLE_MARGIN) / self._down) * self._down
        high = math.ceil((begin + count) * self._down / self._up) + _RESAMPLE_MARGIN
        resampled = resample_poly(self._source(low, high), self._up, self._down)
        offset = begin - low * self._up // self._down
        return np.asarray(resampled[offset : offset + count], dtype=np.float64)


def estimate_delay(
    microphone: Path, reference: Path, rate: int, max_delay_seconds: float, block_seconds: float = 2.0
) -> tuple[int, float]:
    """Delay (samples at ``rate``) of the reference's echo in the microphone, and a confidence.

    GCC-PHAT accumulated over the whole recording, only on blocks where the
    reference is active: a silent first minute does not matter. Positive:
    the echo arrives after the reference. Confidence is the peak over the
    mean of the correlation (above ~5 means a clear echo).
    """
    size = 2 ** math.ceil(math.log2(max(block_seconds, 4 * max_delay_seconds) * rate))
    hop = size // 2
    window = np.hanning(size)
    reader = AlignedReader(reference, rate)
    accumulated = np.zeros(size // 2 + 1, dtype=np.complex128)
    used = 0
    try:
        with soundfile.SoundFile(str(microphone)) as mic:
            position = 0
            for block in mic.blocks(blocksize=size, overlap=size - hop, dtype="float64", always_2d=True):
                near = to_mono(block)
                if len(near) < size:
                    near = np.pad(near, (0, size - len(near)))
                far = reader.read(position, size)
                position += hop
                if np.sqrt(np.mean(far**2)) < 1e-3 or np.sqrt(np.mean(near**2)) < 1e-4:
                    continue
                cross = np.fft.rfft(near * window) * np.conj(np.fft.rfft(far * window))
                accumulated += cross / np.maximum(np.abs(cross), 1e-12)
                used += 1
    finally:
        reader.close()
    if used == 0:
        return 0, 0.0
    # Only the speech band: elsewhere PHAT would give noise-only bins as much say as speech.
    frequencies = np.fft.rfftfreq(size, 1 / rate)
    accumulated[(frequencies < SPEECH_BAND[0]) | (frequencies > SPEECH_BAND[1])] = 0
    correlation = np.fft.irfft(accumulated, n=size)
    limit = int(max_delay_seconds * rate)
    lags = np.concatenate([np.arange(0, limit + 1), np.arange(-limit, 0)])
    values = np.abs(np.concatenate([correlation[: limit + 1], correlation[-limit:]]))
    best = int(np.argmax(values))
    confidence = float(values[best] / (values.mean() + 1e-12))
    return int(lags[best]), confidence


def _taps_view(history: Complex, spectra: Complex, taps: int) -> tuple[Complex, Complex]:
    """(bins x frames x taps) views of the last ``taps`` reference frames, and the new history."""
    joined = np.concatenate([history, spectra], axis=1)
    view = np.lib.stride_tricks.sliding_window_view(joined, taps, axis=1)[:, :, ::-1]
    return view[:, -spectra.shape[1] :, :], joined[:, -(taps - 1) :] if taps > 1 else joined[:, :0]


class EchoPathEstimator:
    """Least-squares multi-tap transfer per frequency bin, from reference to microphone.

    The statistics are summed over the whole recording, each frame weighted
    by how well the estimate so far explains it (iteratively reweighted
    least squares with Cauchy weights): frames where the local speaker talks
    over the far end (double talk) leave large residuals and count little,
    without a double-talk detector. The weights come from the estimate of
    the earlier blocks, never from a fit to the frame itself, which would
    favour frames where noise happens to look like the reference.
    """

    def __init__(self, bins: int, taps: int) -> None:
        self.taps = taps
        self._history = np.zeros((bins, taps - 1), dtype=np.complex128)
        self._gram = np.zeros((bins, taps, taps), dtype=np.complex128)
        self._cross = np.zeros((bins, taps), dtype=np.complex128)
        self._blocks = 0

    def add(self, microphone: Complex, reference: Complex) -> None:
        """Add a block of spectra (bins x frames) of both tracks."""
        if microphone.shape[1] == 0:
            return
        view, self._history = _taps_view(self._history, reference, self.taps)
        if self._blocks:
            residual = np.abs(microphone - np.einsum("ktl,kl->kt", view, self.solve())) ** 2
            scale = np.median(residual, axis=1, keepdims=True) + 1e-12
            weight = 1.0 / (1.0 + residual / (4.0 * scale))
        else:
            weight = np.ones(microphone.shape)
        weighted = view.conj() * weight[:, :, None]
        self._gram += np.einsum("ktl,ktm->klm", weighted, view)
        self._cross += np.einsum("ktl,kt->kl", weighted, microphone)
        self._blocks += 1

    def solve(self) -> Complex:
        """The transfer (bins x taps); zeros when the reference was never heard."""
        return _solve(self._gram, self._cross)


def _solve(gram: Complex, cross: Complex) -> Complex:
    taps = gram.shape[-1]
    power = np.einsum("kll->k", gram).real / taps
    # Ridge loading against the loudest bins too: where the far end has (almost) no energy, the
    # path is unknowable and must come out as zero, not as a huge fit to noise.
    load = 1e-3 * power + 1e-2 * float(np.median(power)) + 1e-12
    regularised = gram + load[:, None, None] * np.eye(taps)
    solved = np.linalg.solve(regularised, cross[..., None])[..., 0]
    return np.asarray(solved, dtype=np.complex128)


class EchoPredictor:
    """The echo in the microphone, predicted from the reference through the estimated path."""

    def __init__(self, transfer: Complex) -> None:
        self.transfer = transfer
        self.taps = transfer.shape[1]
        self._history = np.zeros((transfer.shape[0], self.taps - 1), dtype=np.complex128)

    def predict(self, reference: Complex) -> Complex:
        """Echo spectra (bins x frames) for a block of reference spectra."""
        if reference.shape[1] == 0:
            return reference
        view, self._history = _taps_view(self._history, reference, self.taps)
        predicted: Complex = np.einsum("ktl,kl->kt", view, self.transfer)
        return predicted
