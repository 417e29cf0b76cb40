"""Noise power estimation from the recording itself: minimum statistics, block by block."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import minimum_filter1d
from scipy.signal import lfilter

from ._stft import Float

SMOOTHING = 0.85
"""One-pole smoothing of the power spectrum, per frame (about 16 ms)."""
WINDOW_SECONDS = 1.5
"""The noise floor is the minimum over this long: longer than pauses between words."""
BIAS = 1.87
"""The mean of that minimum is this many times lower than the noise power: measured by
simulating exponentially distributed (noise-like) power with the smoothing and window above."""


class NoiseTracker:
    """Tracks the noise power per frequency bin as the minimum of the smoothed power.

    Follows stationary and slowly varying noise (fan, hiss, hum, rumble)
    without a noise clip: speech pauses reveal the floor within
    ``WINDOW_SECONDS``. Vectorised over whole blocks of frames.
    """

    def __init__(self, bins: int, hop_seconds: float) -> None:
        self.window = max(2, round(WINDOW_SECONDS / hop_seconds))
        self._smoothing_state = np.zeros((bins, 1))
        self._history: Float = np.zeros((bins, 0))
        self._primed = False

    def update(self, power: Float) -> Float:
        """Noise power estimate (bins x frames) for a block of power spectra."""
        if power.shape[1] == 0:
            return power
        if not self._primed:
            # Start from the first frame's level instead of zero, so the first second is not passed raw.
            self._smoothing_state = (power[:, :1] * SMOOTHING).astype(np.float64)
            self._primed = True
        smoothed, self._smoothing_state = lfilter(
            [1 - SMOOTHING], [1, -SMOOTHING], power, axis=1, zi=self._smoothing_state
        )
        joined = np.concatenate([self._history, smoothed], axis=1)
        size = min(self.window, joined.shape[1])
        minimum = minimum_filter1d(joined, size=size, axis=1, origin=(size - 1) // 2, mode="nearest")
        self._history = joined[:, -(self.window - 1) :] if self.window > 1 else joined[:, :0]
        result: Float = minimum[:, -power.shape[1] :] * BIAS
        return result
