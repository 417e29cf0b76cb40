"""A streaming short-time Fourier transform: blocks in, blocks out, state carried between."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Float = NDArray[np.float64]
Complex = NDArray[np.complex128]


def frame_length(sample_rate: int) -> int:
    """About 32 ms, a power of two: 512 at 16 kHz, 1024 at 32 to 48 kHz."""
    return int(2 ** round(np.log2(0.032 * sample_rate)))


class StreamingSTFT:
    """Analysis and synthesis with a square-root Hann window at 50 % overlap.

    The window pair reconstructs perfectly, so unmodified spectra give back
    the input exactly (delayed by ``latency`` samples, which
    :meth:`synthesize` removes). Feed any block length; frames are kept
    aligned across blocks.
    """

    def __init__(self, n_fft: int) -> None:
        self.n_fft = n_fft
        self.hop = n_fft // 2
        self.window = np.sqrt(np.hanning(n_fft + 1)[:-1])  # periodic Hann, square-rooted
        self._pending = np.zeros(self.hop)  # first half-frame of padding: frames start before sample 0
        self._overlap = np.zeros(n_fft - self.hop)
        self._to_skip = self.hop  # synthesis output that corresponds to the padding

    @property
    def bins(self) -> int:
        """Number of frequency bins."""
        return self.n_fft // 2 + 1

    def analyze(self, samples: Float) -> Complex:
        """Spectra (bins x frames) of every complete frame the new samples finish."""
        data = np.concatenate([self._pending, samples])
        count = max(0, (len(data) - self.n_fft) // self.hop + 1)
        if count == 0:
            self._pending = data
            return np.zeros((self.bins, 0), dtype=np.complex128)
        frames = np.lib.stride_tricks.sliding_window_view(data, self.n_fft)[:: self.hop][:count]
        self._pending = data[count * self.hop :]
        return np.fft.rfft(frames * self.window, axis=1).T

    def finish(self) -> Complex:
        """Spectra of the last frames, padding the input with zeros, so every sample is covered."""
        remaining = len(self._pending)
        if remaining == 0:
            return np.zeros((self.bins, 0), dtype=np.complex128)
        frames = -(-remaining // self.hop)
        return self.analyze(np.zeros((frames - 1) * self.hop + self.n_fft - remaining))

    def synthesize(self, spectra: Complex) -> Float:
        """Time samples for the given spectra (bins x frames), in input order."""
        count = spectra.shape[1]
        if count == 0:
            return np.zeros(0)
        frames = np.fft.irfft(spectra.T, n=self.n_fft, axis=1) * self.window
        length = (count - 1) * self.hop + self.n_fft
        output = np.zeros(length)
        output[: len(self._overlap)] += self._overlap
        for offset in range(2):  # 50 % overlap: even and odd frames never overlap among themselves
            chosen = frames[offset::2]
            if len(chosen):
                start = offset * self.hop
                spread = np.zeros(((count - offset + 1) // 2) * self.n_fft)
                spread[: chosen.size] = chosen.reshape(-1)
                output[start : start + spread.size] += spread[: length - start]
        ready = count * self.hop
        self._overlap = output[ready:].copy()
        result = output[:ready]
        if self._to_skip:
            skipped = min(self._to_skip, len(result))
            result = result[skipped:]
            self._to_skip -= skipped
        return result
