"""Before/after spectrograms (needs the ``plot`` extra: matplotlib)."""

from __future__ import annotations

from pathlib import Path

import soundfile


def spectrogram_comparison(before: Path, after: Path, image: Path, seconds: float = 30.0) -> None:
    """Write a PNG with the spectrograms of the first ``seconds`` of both files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(2, 1, figsize=(9, 5), sharex=True, constrained_layout=True)
    for axis, path, title in zip(axes, (before, after), ("before", "after"), strict=True):
        info = soundfile.info(str(path))
        data, rate = soundfile.read(str(path), frames=int(seconds * info.samplerate), always_2d=True)
        axis.specgram(data.mean(axis=1) + 1e-9, NFFT=512, Fs=rate, noverlap=384, cmap="magma", vmin=-130)
        axis.set_title(f"{title}: {path.name}")
        axis.set_ylabel("Hz")
        axis.set_ylim(0, min(8000, rate / 2))
    axes[-1].set_xlabel("seconds")
    image.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(image, dpi=72)
    plt.close(figure)
