import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from panotti import ConfigError
from panotti.cli import cli
from panotti.plugins import discover
from panotti_example import ExampleCompleted, ExamplePlugin


def test_plugin_is_found_through_its_entry_point() -> None:
    found = {plugin.name: plugin for plugin in discover()}
    assert found["example"].distribution == "panotti-plugin-example"
    assert found["example"].manifest.host_api == ">=1.0,<2"
    assert found["example"].example_config is not None


async def test_reports_levels_of_both_tracks(panotti_harness, sample_recording) -> None:
    await panotti_harness.load("example", {"silence_threshold_dbfs": -45})
    ended = await panotti_harness.publish_recording(sample_recording.microphone, sample_recording.system)

    done = await panotti_harness.wait_for("example.completed", correlation_id=ended.correlation_id)

    assert isinstance(done, ExampleCompleted)
    assert done.context.causation_id == ended.id
    assert done.context.source_plugin == "example"
    microphone, system = done.data.tracks
    assert microphone.role == "microphone" and system.role == "system"
    assert microphone.duration_seconds == pytest.approx(24.0)
    assert microphone.sample_rate == 16000 and microphone.channels == 1
    assert -40 < microphone.rms_dbfs < -15 and microphone.peak_dbfs < 0
    assert 0 < system.silence_ratio < 1
    report = json.loads(Path(done.data.report_path).read_text())
    assert report["recording_id"] == "test-recording"
    assert Path(done.data.report_path).is_relative_to(panotti_harness.paths.data_dir)


async def test_corrupt_file_gives_failed_event_naming_it(panotti_harness, tmp_path) -> None:
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    await panotti_harness.load(ExamplePlugin, name="example")
    ended = await panotti_harness.publish_recording(broken)

    events = await panotti_harness.settle(ended)

    failed = [event for event in events if event.name == "example.failed"]
    assert len(failed) == 1 and str(broken) in failed[0].data.reason
    assert not [event for event in events if event.name == "example.completed"]


async def test_invalid_settings_name_the_field(panotti_harness) -> None:
    with pytest.raises(ConfigError, match="silence_threshold_dbfs"):
        await panotti_harness.load("example", {"silence_threshold_dbfs": 5})
    with pytest.raises(ConfigError, match="unknown_key"):
        await panotti_harness.load("example", {"unknown_key": 1})


def test_levels_command_comes_through_the_hook(sample_recording, tmp_path) -> None:
    result = CliRunner().invoke(
        cli, ["--config-dir", str(tmp_path), "levels", str(sample_recording.microphone)]
    )
    assert result.exit_code == 0, result.output
    assert "24.00 s, 16000 Hz, 1 ch" in result.output
