"""Noise-reduction benchmark: panotti-plugin-noise-reduction against noisereduce, side by side.

    pip install ./core ./plugins-noise-reduction noisereduce pesq pystoi
    python bench/noise_reduction/run.py [--seconds 20] [--long 10,60]

Material is made here (see material.py; speech from espeak-ng). For each noise type, SNR
(0, 5, 10 dB) and sample rate (16 and 48 kHz): SI-SDR improvement, wideband PESQ and STOI
before and after, for this plugin (with the system track as reference when there is one)
and for noisereduce in its stationary and non-stationary modes (defaults). Then the clean
input, the bleed reduction in far-end-only stretches, and real-time factor and peak RSS on
long files, each tool in its own process.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import noisereduce
import numpy as np
import soundfile
from material import NOISES, mixture, talk
from pesq import pesq
from pystoi import stoi
from scipy.signal import resample_poly

from panotti_noise_reduction import clean_file

SYSTEMS = ["panotti", "nr-stationary", "nr-nonstationary"]


def si_sdr(reference: np.ndarray, estimate: np.ndarray) -> float:
    reference = reference - reference.mean()
    estimate = estimate - estimate.mean()
    target = np.dot(estimate, reference) / np.dot(reference, reference) * reference
    return float(10 * np.log10(np.sum(target**2) / max(np.sum((estimate - target) ** 2), 1e-20)))


def wideband_pesq(reference: np.ndarray, estimate: np.ndarray, rate: int) -> float:
    if rate != 16000:
        reference, estimate = resample_poly(reference, 16000, rate), resample_poly(estimate, 16000, rate)
    try:
        return float(pesq(16000, reference, estimate, "wb"))
    except Exception:
        return float("nan")


def run_system(
    name: str, noisy: np.ndarray, reference: np.ndarray | None, rate: int, folder: Path
) -> np.ndarray:
    if name == "panotti":
        soundfile.write(folder / "in.wav", noisy, rate, subtype="FLOAT")
        ref_path = None
        if reference is not None:
            ref_path = folder / "ref.wav"
            soundfile.write(ref_path, reference, rate, subtype="FLOAT")
        clean_file(folder / "in.wav", folder / "out.wav", ref_path)
        return soundfile.read(folder / "out.wav")[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(noisereduce.reduce_noise(y=noisy, sr=rate, stationary=name == "nr-stationary"))


def quality_table(seconds: float) -> tuple[list[dict[str, object]], dict[str, float]]:
    rows: list[dict[str, object]] = []
    bleed: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for rate in (16000, 48000):
            for kind in NOISES:
                for snr in (0, 5, 10):
                    mix = mixture(kind, snr, rate, seconds, seed=snr + 11)
                    clean, noisy = mix["clean"], mix["noisy"]
                    assert clean is not None and noisy is not None
                    row: dict[str, object] = {"rate": rate, "noise": kind, "snr": snr}
                    row["si_sdr_in"] = si_sdr(clean, noisy)
                    row["pesq_in"] = wideband_pesq(clean, noisy, rate)
                    row["stoi_in"] = stoi(clean, noisy, rate)
                    for system in SYSTEMS:
                        out = run_system(system, noisy, mix["reference"], rate, folder)[: len(clean)]
                        row[f"d_si_sdr_{system}"] = si_sdr(clean, out) - row["si_sdr_in"]  # type: ignore[operator]
                        row[f"pesq_{system}"] = wideband_pesq(clean, out, rate)
                        row[f"stoi_{system}"] = stoi(clean, out, rate)
                        far_only = mix["far_only"]
                        if system == "panotti" and far_only is not None:
                            bleed.append(
                                10 * np.log10(np.sum(noisy[far_only] ** 2) / np.sum(out[far_only] ** 2))
                            )
                    rows.append(row)
                    print(
                        f"  {rate // 1000} kHz {kind:<7} {snr:>2} dB done: ΔSI-SDR "
                        + " ".join(f"{row[f'd_si_sdr_{s}']:+.1f}" for s in SYSTEMS),
                        file=sys.stderr,
                        flush=True,
                    )
            clean = talk(rate, seconds, seed=5)
            row = {"rate": rate, "noise": "clean", "snr": None}
            for system in SYSTEMS:
                out = run_system(system, clean, None, rate, folder)[: len(clean)]
                row[f"si_sdr_clean_{system}"] = si_sdr(clean, out)
            rows.append(row)
    return rows, {"bleed_min": min(bleed), "bleed_mean": float(np.mean(bleed))}


_CHILD = """
import sys, time, warnings, json
from pathlib import Path
system, path = sys.argv[1], Path(sys.argv[2])
started = time.perf_counter()
if system == "panotti":
    from panotti_noise_reduction import clean_file
    clean_file(path, path.with_name("out.wav"))
else:
    import noisereduce, soundfile
    audio, rate = soundfile.read(path, dtype="float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = noisereduce.reduce_noise(y=audio, sr=rate, stationary=system == "nr-stationary")
    soundfile.write(path.with_name("out.wav"), out, rate, subtype="PCM_16")
seconds = time.perf_counter() - started
# VmHWM, not getrusage: ru_maxrss survives exec and would report the parent's size.
status = Path("/proc/self/status").read_text()
peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_kb / 1024}))
"""


def long_file(minutes: int, rate: int, folder: Path) -> Path:
    """Noisy speech, ``minutes`` long, written block by block (PCM 16)."""
    path = folder / f"long-{minutes}min-{rate}.wav"
    chunk = mixture("pink", 5, rate, 60.0, seed=1)["noisy"]
    assert chunk is not None
    with soundfile.SoundFile(str(path), "w", samplerate=rate, channels=1, subtype="PCM_16") as sink:
        for _ in range(minutes):
            sink.write(chunk)
    return path


def speed_table(lengths: list[int]) -> list[dict[str, object]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for minutes in lengths:
            path = long_file(minutes, 16000, folder)
            for system in SYSTEMS:
                if system == "nr-nonstationary" and minutes > 10:
                    continue  # minutes of runtime and gigabytes; its 10-minute row shows the trend
                done = subprocess.run(
                    [sys.executable, "-c", _CHILD, system, str(path)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                measured = json.loads(done.stdout.strip().splitlines()[-1])
                rows.append(
                    {
                        "minutes": minutes,
                        "system": system,
                        "realtime": minutes * 60 / measured["seconds"],
                        "peak_rss_mb": measured["peak_rss_mb"],
                    }
                )
                print(f"  {minutes} min {system} done", file=sys.stderr, flush=True)
    return rows


def mean(values: list[float]) -> float:
    finite = [value for value in values if value == value]
    return float(np.mean(finite)) if finite else float("nan")


def report(rows: list[dict[str, object]], bleed: dict[str, float], speed: list[dict[str, object]]) -> str:
    lines = []
    lines.append("### Quality per condition (ΔSI-SDR in dB; PESQ-WB and STOI after processing)\n")
    lines.append(
        "| rate | noise | SNR | SI-SDR in | ΔSI-SDR panotti | ΔSI-SDR nr-stat | ΔSI-SDR nr-nonstat"
        " | PESQ in | PESQ panotti | PESQ nr-stat | PESQ nr-nonstat"
        " | STOI in | STOI panotti | STOI nr-stat | STOI nr-nonstat |"
    )
    lines.append("|" + "---|" * 15)
    noisy_rows = [row for row in rows if row["noise"] != "clean"]
    for row in noisy_rows:
        cells = [
            f"{int(row['rate']) // 1000} kHz",
            str(row["noise"]),
            f"{row['snr']} dB",
            f"{row['si_sdr_in']:.1f}",
        ]  # type: ignore[call-overload]
        cells += [f"{row[f'd_si_sdr_{s}']:+.1f}" for s in SYSTEMS]
        cells += [f"{row['pesq_in']:.2f}"] + [f"{row[f'pesq_{s}']:.2f}" for s in SYSTEMS]
        cells += [f"{row['stoi_in']:.3f}"] + [f"{row[f'stoi_{s}']:.3f}" for s in SYSTEMS]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("\n### Average ΔSI-SDR per noise type (both rates, all SNRs)\n")
    lines.append("| noise | panotti | nr-stationary | nr-nonstationary | panotti lowest |")
    lines.append("|---|---|---|---|---|")
    for kind in NOISES:
        chosen = [row for row in noisy_rows if row["noise"] == kind]
        averages = [mean([float(row[f"d_si_sdr_{s}"]) for row in chosen]) for s in SYSTEMS]  # type: ignore[arg-type]
        lowest = min(float(row["d_si_sdr_panotti"]) for row in chosen)  # type: ignore[arg-type]
        lines.append(
            f"| {kind} | {averages[0]:+.2f} | {averages[1]:+.2f} | {averages[2]:+.2f} | {lowest:+.2f} |"
        )
    lines.append("\n### Clean input (SI-SDR of the output against the input, dB; higher keeps more)\n")
    lines.append("| rate | panotti | nr-stationary | nr-nonstationary |")
    lines.append("|---|---|---|---|")
    for row in rows:
        if row["noise"] == "clean":
            values = " | ".join(f"{row[f'si_sdr_clean_{s}']:.1f}" for s in SYSTEMS)
            lines.append(f"| {int(row['rate']) // 1000} kHz | {values} |")  # type: ignore[call-overload]
    lines.append(
        f"\nBleed (system track as reference), energy removed in far-end-only stretches:"
        f" {bleed['bleed_mean']:.1f} dB on average, {bleed['bleed_min']:.1f} dB at worst.\n"
    )
    lines.append("### Speed and memory (16 kHz, noisy speech, each run in its own process)\n")
    lines.append("| length | system | × real time | peak RSS (MB) |")
    lines.append("|---|---|---|---|")
    for row in speed:
        lines.append(
            f"| {row['minutes']} min | {row['system']} | {row['realtime']:.0f} | {row['peak_rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each quality condition")
    parser.add_argument("--long", default="10,60", help="minutes of the speed files, comma separated")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    arguments = parser.parse_args()
    started = time.perf_counter()
    rows, bleed = quality_table(arguments.seconds)
    speed = speed_table([int(part) for part in arguments.long.split(",") if part])
    text = report(rows, bleed, speed)
    print(text)
    print(f"\n(benchmark took {time.perf_counter() - started:.0f} s; {resource.getpagesize()} B pages)")
    if arguments.markdown:
        arguments.markdown.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
