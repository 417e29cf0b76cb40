import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import verbose_json
from panotti import ConfigError, Event
from panotti.cli import cli
from panotti.plugins import discover
from panotti_transcription import TranscriptionCompleted


def test_plugin_is_found_through_its_entry_point() -> None:
    found = {plugin.name: plugin for plugin in discover()}
    assert found["transcription"].distribution == "panotti-plugin-transcription"
    assert found["transcription"].manifest.after == ["noise_reduction"]


async def test_transcribes_both_tracks_with_speaker_labels(
    panotti_harness, sample_recording, tiny_model
) -> None:
    await panotti_harness.load("transcription", {"model": tiny_model, "language": "en"})
    ended = await panotti_harness.publish_recording(
        sample_recording.system, sample_recording.system, metadata=sample_recording.metadata
    )
    done = await panotti_harness.wait_for("transcription.*", correlation_id=ended.correlation_id, timeout=180)
    assert isinstance(done, TranscriptionCompleted), done
    assert done.context.causation_id == ended.id and not done.data.used_cleaned_microphone
    markdown = Path(done.data.markdown_path).read_text()
    assert "# Release stand-up" in markdown and "- Attendees: Alex, Sam" in markdown
    assert "] Alex: " in markdown and "] Sam: " in markdown
    data = json.loads(Path(done.data.json_path).read_text())
    starts = [segment["start"] for segment in data["segments"]]
    assert starts == sorted(starts)
    assert Path(done.data.webvtt_path).read_text().startswith("WEBVTT")


async def test_waits_for_noise_reduction_and_transcribes_once(
    panotti_harness, sample_recording, openai_server, tmp_path
) -> None:
    for _ in range(4):
        openai_server.answer(200, verbose_json("cleaned speech"))

    async def pretend_noise_reduction(event: Event) -> None:
        await panotti_harness.bus.publish(
            event.derive(
                "noise_reduction.completed",
                {
                    "recording": event.data.model_dump(mode="json"),
                    "output_path": str(sample_recording.system),
                },
            )
        )

    panotti_harness.bus.subscribe(
        "recording.ended",
        pretend_noise_reduction,
        subscriber="noise_reduction:on_recording_ended@recording.ended",
    )
    await panotti_harness.load("transcription", {"backend": "remote", "base_url": openai_server.api})
    ended = await panotti_harness.publish_recording(sample_recording.microphone, sample_recording.system)
    events = await panotti_harness.settle(ended, timeout=120)
    completed = [e for e in events if e.name == "transcription.completed"]
    assert len(completed) == 1 and completed[0].data.used_cleaned_microphone
    assert len(openai_server.requests) == 2  # one per track, once


async def test_failure_is_reported_and_nothing_written(
    panotti_harness, tmp_path, openai_server, short_wav
) -> None:
    openai_server.answer(500, {"error": {"message": "internal"}})
    await panotti_harness.load(
        "transcription", {"backend": "remote", "base_url": openai_server.api, "max_retries": 0}
    )
    ended = await panotti_harness.publish_recording(short_wav)
    events = await panotti_harness.settle(ended, timeout=60)
    failed = [e for e in events if e.name == "transcription.failed"]
    assert len(failed) == 1 and "500" in failed[0].data.reason
    assert not (
        panotti_harness.paths.data_dir / "outputs" / "transcription" / "test-recording" / "transcript.md"
    ).exists()


async def test_invalid_settings_name_the_field(panotti_harness) -> None:
    with pytest.raises(ConfigError, match="backend"):
        await panotti_harness.load("transcription", {"backend": "cloud"})


def test_transcribe_command(tiny_model, sample_recording, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "--config-dir",
            str(tmp_path),
            "transcribe",
            str(sample_recording.system),
            "--model",
            tiny_model,
            "--language",
            "en",
            "-o",
            str(tmp_path / "out"),
            "--me",
            "Sam",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Sam: Good morning" in (tmp_path / "out" / "transcript.md").read_text()
    missing = CliRunner().invoke(cli, ["--config-dir", str(tmp_path), "transcribe", "nope.wav"])
    assert missing.exit_code == 2 and "nope.wav" in missing.output
