from pathlib import Path

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner

from conftest import si_sdr
from panotti import ConfigError
from panotti.cli import cli
from panotti.plugins import discover
from panotti_noise_reduction import NoiseReductionCompleted


def test_plugin_is_found_through_its_entry_point() -> None:
    found = {plugin.name: plugin for plugin in discover()}
    assert found["noise_reduction"].distribution == "panotti-plugin-noise-reduction"
    assert found["noise_reduction"].example_config is not None


async def test_cleans_the_sample_and_removes_bleed(panotti_harness, sample_recording) -> None:
    await panotti_harness.load("noise_reduction")
    ended = await panotti_harness.publish_recording(
        sample_recording.microphone, sample_recording.system, metadata=sample_recording.metadata
    )
    done = await panotti_harness.wait_for(
        "noise_reduction.*", correlation_id=ended.correlation_id, timeout=120
    )

    assert isinstance(done, NoiseReductionCompleted), done
    assert done.context.causation_id == ended.id
    assert done.data.recording.metadata.title == "Release stand-up"
    stats = done.data.stats
    assert stats.bleed_delay_ms is not None and 30 <= stats.bleed_delay_ms <= 45
    assert stats.bleed_removed_db is not None and stats.bleed_removed_db > 10
    original = soundfile.info(str(sample_recording.microphone))
    cleaned = soundfile.info(done.data.output_path)
    assert (cleaned.frames, cleaned.samplerate) == (original.frames, original.samplerate)
    assert Path(done.data.output_path).is_relative_to(panotti_harness.paths.data_dir)


async def test_missing_or_empty_microphone_is_skipped(panotti_harness, tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    soundfile.write(empty, np.zeros(0), 16000)
    await panotti_harness.load("noise_reduction")
    for path in (empty, tmp_path / "missing.wav"):
        ended = await panotti_harness.publish_recording(path, recording_id=path.stem)
        events = await panotti_harness.settle(ended, timeout=60)
        skipped = [e for e in events if e.name == "noise_reduction.skipped"]
        assert len(skipped) == 1 and str(path) in skipped[0].data.reason


async def test_corrupt_microphone_fails_naming_the_file(panotti_harness, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt nonsense")
    await panotti_harness.load("noise_reduction")
    ended = await panotti_harness.publish_recording(corrupt)
    events = await panotti_harness.settle(ended, timeout=60)
    assert [e.name for e in events if e.name.startswith("noise_reduction")] == ["noise_reduction.failed"]
    assert "corrupt.wav" in events[-1].data.reason


async def test_unreadable_system_track_only_disables_bleed_removal(
    panotti_harness, sample_recording, tmp_path: Path
) -> None:
    broken = tmp_path / "system.wav"
    broken.write_bytes(b"not audio")
    await panotti_harness.load("noise_reduction")
    ended = await panotti_harness.publish_recording(sample_recording.microphone, broken)
    done = await panotti_harness.wait_for(
        "noise_reduction.*", correlation_id=ended.correlation_id, timeout=120
    )
    assert done.name == "noise_reduction.completed"
    assert done.data.reference_path is None and "system.wav" in done.data.warnings[0]


async def test_invalid_settings_name_the_field(panotti_harness) -> None:
    with pytest.raises(ConfigError, match="max_attenuation_db"):
        await panotti_harness.load("noise_reduction", {"max_attenuation_db": 99})


def test_denoise_command(sample_recording, tmp_path: Path) -> None:
    output = tmp_path / "clean.wav"
    plot = tmp_path / "plot.png"
    arguments = [str(sample_recording.microphone), str(output), "--reference", str(sample_recording.system)]
    try:
        import matplotlib  # noqa: F401

        arguments += ["--plot", str(plot)]
    except ImportError:
        plot = None
    result = CliRunner().invoke(cli, ["--config-dir", str(tmp_path), "denoise", *arguments])
    assert result.exit_code == 0, result.output
    assert "bleed delay" in result.output and output.exists()
    if plot is not None:
        assert plot.read_bytes().startswith(b"\x89PNG")
    system, _ = soundfile.read(sample_recording.system)
    assert si_sdr(system, soundfile.read(output)[0]) < 0  # little of the far end is left

    missing = CliRunner().invoke(cli, ["--config-dir", str(tmp_path), "denoise", "nope.wav", str(output)])
    assert missing.exit_code == 2 and "nope.wav" in missing.output
