"""Noise tracking and the suppression gain, frame by frame (vectorised over frequency).

Noise: the speech-presence-probability MMSE estimator of Gerkmann and Hendriks
(2012), which follows stationary and slowly varying noise within a fraction
of a second and hardly leaks speech into the estimate. It starts from a
minimum-statistics estimate of the first block, so no noise-only lead-in is
needed, and is capped by a multiple of that minimum-statistics estimate.
Gain: decision-directed a priori SNR (Ephraim and Malah) and a Wiener gain
raised to ``GAIN_EXPONENT`` (gentler than plain Wiener, which keeps speech
intact), never below the floor set by the maximum attenuation.
"""

from __future__ import annotations

import numpy as np

from ._noise import NoiseTracker
from ._stft import Float

DECISION_DIRECTED = 0.96
PRIOR_SNR_SPEECH = 10 ** (15 / 10)  # the fixed a priori SNR assumed when speech is present
NOISE_SMOOTHING = 0.8
PRESENCE_SMOOTHING = 0.9
GAIN_EXPONENT = 0.5
CEILING = 2.0
"""The noise estimate never exceeds this many times the minimum-statistics estimate: where a
recording has (almost) no noise, speech cannot leak into the estimate and be suppressed."""


class Suppressor:
    """Per-bin gains for blocks of power spectra, carrying state from block to block."""

    def __init__(self, bins: int, hop_seconds: float, max_attenuation_db: float) -> None:
        self.floor = 10 ** (-max_attenuation_db / 20)
        self._minimum = NoiseTracker(bins, hop_seconds)
        self._noise: Float | None = None
        self._presence = np.zeros(bins)
        self._previous_clean = np.zeros(bins)  # |S(t-1)|^2 / interference(t-1)

    def gains(self, power: Float, extra_interference: Float | float = 0.0) -> tuple[Float, Float]:
        """Gains and the noise estimate (both bins x frames) for a block of power spectra.

        ``extra_interference`` (such as predicted residual echo) is removed
        too, but kept out of the noise estimate.
        """
        frames = power.shape[1]
        gains = np.empty_like(power)
        noise_out = np.empty_like(power)
        if frames == 0:
            return gains, noise_out
        ceiling = self._minimum.update(power) * CEILING + 1e-12
        if self._noise is None:
            self._noise = ceiling[:, -1] / CEILING
        extra = np.broadcast_to(extra_interference, power.shape)
        noise, presence, previous = self._noise, self._presence, self._previous_clean
        ratio = PRIOR_SNR_SPEECH / (1 + PRIOR_SNR_SPEECH)
        odds = 1 + PRIOR_SNR_SPEECH
        floor = self.floor
        for frame in range(frames):
            current = power[:, frame]
            # Noise update: the posterior expectation of the noise power given speech presence.
            posterior_noise = current / noise
            speech = 1.0 / (1.0 + odds * np.exp(-np.minimum(posterior_noise * ratio, 50.0)))
            presence = PRESENCE_SMOOTHING * presence + (1 - PRESENCE_SMOOTHING) * speech
            speech = np.where(presence > 0.99, np.minimum(speech, 0.99), speech)
            noise = NOISE_SMOOTHING * noise + (1 - NOISE_SMOOTHING) * (
                (1 - speech) * current + speech * noise
            )
            noise = np.minimum(noise, ceiling[:, frame])
            noise_out[:, frame] = noise
            # Gain from the decision-directed a priori SNR against noise and extra interference.
            interference = noise + extra[:, frame]
            posterior = current / interference
            prior = DECISION_DIRECTED * previous + (1 - DECISION_DIRECTED) * np.maximum(posterior - 1.0, 0.0)
            gain = prior / (1.0 + prior)
            previous = gain * gain * posterior
            gains[:, frame] = np.maximum(gain**GAIN_EXPONENT, floor)
        self._noise, self._presence, self._previous_clean = noise, presence, previous
        return gains, noise_out
