import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import soundfile
from scipy import signal

from conftest import room_echo, si_sdr
from panotti_noise_reduction import Options, clean_file
from panotti_noise_reduction._stft import StreamingSTFT


@pytest.mark.parametrize(("length", "block"), [(16000, 333), (777, 10000), (32768, 16384)])
def test_stft_reconstructs_its_input_exactly(length: int, block: int) -> None:
    samples = np.random.default_rng(0).standard_normal(length)
    analysis, synthesis = StreamingSTFT(512), StreamingSTFT(512)
    pieces = []
    for start in range(0, length + 1, block):
        chunk = samples[start : start + block]
        spectra = analysis.analyze(chunk)
        if len(chunk) < block:
            spectra = np.concatenate([spectra, analysis.finish()], axis=1)
        pieces.append(synthesis.synthesize(spectra))
    restored = np.concatenate(pieces)[:length]
    assert np.abs(restored - samples).max() < 1e-12


def test_clean_speech_comes_out_essentially_unchanged(speech, write, tmp_path: Path) -> None:
    audio, rate = speech
    result = clean_file(write("clean.wav", audio, rate), tmp_path / "out.wav")
    out, out_rate = soundfile.read(tmp_path / "out.wav")
    assert out_rate == rate and len(out) == len(audio)
    assert si_sdr(audio, out) > 25
    assert result.clipped_samples == 0


@pytest.mark.parametrize("kind", ["white", "hum"])
def test_noisy_speech_improves(speech, write, tmp_path: Path, kind: str) -> None:
    audio, rate = speech
    rng = np.random.default_rng(1)
    time = np.arange(len(audio)) / rate
    noise = (
        rng.standard_normal(len(audio))
        if kind == "white"
        else sum(np.sin(2 * np.pi * 50 * k * time) / k for k in range(1, 6))
    )
    noise *= np.sqrt(np.mean(audio[np.abs(audio) > 1e-4] ** 2) / np.mean(noise**2)) / 10 ** (5 / 20)
    noisy = audio + noise
    clean_file(write("noisy.wav", noisy, rate), tmp_path / "out.wav")
    out, _ = soundfile.read(tmp_path / "out.wav")
    assert si_sdr(audio, out) > si_sdr(audio, noisy) + 3


def test_bleed_is_removed_with_a_stereo_reference_at_another_rate(speech, write, tmp_path: Path) -> None:
    far, rate = speech
    near = np.zeros_like(far)
    near[: 4 * rate] = far[8 * rate : 12 * rate] * 0.8  # the local speaker, first 4 s only
    microphone = near + room_echo(far, rate, 0.060)
    reference = signal.resample_poly(far, 3, 1)  # system track at 48 kHz, in stereo
    reference = np.stack([reference, reference], axis=1)
    result = clean_file(
        write("mic.wav", microphone, rate), tmp_path / "out.wav", write("system.wav", reference, 3 * rate)
    )
    out, _ = soundfile.read(tmp_path / "out.wav")
    assert result.bleed_delay_ms == pytest.approx(60, abs=1)
    far_only = slice(6 * rate, len(far))
    reduction = 10 * np.log10(np.sum(microphone[far_only] ** 2) / np.sum(out[far_only] ** 2))
    assert reduction > 20
    assert si_sdr(near[: 4 * rate], out[: 4 * rate]) > 5  # the local speaker survives double talk


def test_delay_is_found_when_the_first_seconds_are_silent(speech, write, tmp_path: Path) -> None:
    far, rate = speech
    far = np.concatenate([np.zeros(20 * rate), far])
    microphone = room_echo(far, rate, 0.120)
    result = clean_file(write("mic.wav", microphone, rate), tmp_path / "out.wav", write("ref.wav", far, rate))
    assert result.bleed_delay_ms == pytest.approx(120, abs=1)


def test_memory_stays_flat_on_a_long_file(write, tmp_path: Path) -> None:
    rate = 16000
    minutes = 5
    noise = np.random.default_rng(2).standard_normal(minutes * 60 * rate).astype(np.float32) * 0.05
    path = write("long.wav", noise, rate, "PCM_16")
    del noise
    tracemalloc.start()
    clean_file(path, tmp_path / "out.wav")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    whole_file = minutes * 60 * rate * 8  # the track as float64
    assert peak < whole_file / 4, f"peak {peak / 1e6:.1f} MB"


def test_output_keeps_length_rate_and_never_clips(write, tmp_path: Path) -> None:
    rate = 48000
    loud = np.clip(np.random.default_rng(4).standard_normal(rate * 3) * 0.7, -1, 1)
    clean_file(
        write("loud.wav", loud, rate, "PCM_24"), tmp_path / "out.wav", options=Options(max_attenuation_db=0)
    )
    info = soundfile.info(str(tmp_path / "out.wav"))
    out, _ = soundfile.read(tmp_path / "out.wav")
    assert info.samplerate == rate and info.frames == len(loud) and info.subtype == "PCM_24"
    assert np.abs(out).max() <= 1.0


def test_empty_audio_is_refused(write, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no audio"):
        clean_file(write("empty.wav", np.zeros(0), 16000), tmp_path / "out.wav")
