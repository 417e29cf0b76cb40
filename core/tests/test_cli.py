import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner, Result

from conftest import Site
from panotti.cli import cli
from panotti.plugins import discover

PRODUCER = """
from pathlib import Path
from pydantic import SecretStr
from panotti import PluginBase, PluginSettings, RecordingEnded, handles

class Settings(PluginSettings):
    api_key: SecretStr = SecretStr("")
    \"\"\"A key that must never be printed.\"\"\"
    fail: bool = False
    \"\"\"Emit a failure instead of a result.\"\"\"

class Plugin(PluginBase[Settings]):
    Settings = Settings

    @handles(RecordingEnded)
    async def on_ended(self, event):
        if self.settings.fail:
            reason = "could not read " + str(event.data.microphone_path)
            await self.publish("producer.failed", {"reason": reason})
            return
        self.report_progress(0.5, "halfway")
        out = self.recording_dir(event.data.recording_id) / "result.txt"
        out.write_text(event.data.metadata.title or "untitled")
        await self.publish("producer.completed", {"result_path": str(out)})
"""


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    path = tmp_path / "mic.wav"
    soundfile.write(path, np.zeros(1600, dtype="float32"), 16000)
    return path


def run(site: Site, *args: str) -> Result:
    # Plugins installed beside core (the integration session) stay out of these tests.
    for found in discover():
        config = site.paths.plugin_file(found.name)
        if found.name not in site.names and not config.exists():
            config.parent.mkdir(parents=True, exist_ok=True)
            config.write_text("enabled: false\n")
    return CliRunner().invoke(
        cli, ["--config-dir", str(site.paths.config_dir), "--data-dir", str(site.paths.data_dir), *args]
    )


def test_process_runs_plugins_and_reports_outputs(site: Site, wav: Path) -> None:
    name = site.add("producer", code=PRODUCER, config="")
    result = run(site, "process", str(wav), "--title", "Weekly sync", "--id", "weekly-1", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["recording_id"] == "weekly-1" and name in summary["plugins"]
    produced = {item["name"]: item for item in summary["events"]}
    result_path = Path(produced["producer.completed"]["data"]["result_path"])
    assert result_path.read_text() == "Weekly sync"
    assert result_path.is_relative_to(site.paths.data_dir / "outputs" / name / "weekly-1")
    assert summary["failures"] == []


def test_process_exits_1_when_a_plugin_reports_failure(site: Site, wav: Path) -> None:
    site.add("producer", code=PRODUCER, config="config:\n  fail: true\n")
    result = run(site, "process", str(wav), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["failures"][0]["name"] == "producer.failed"


def test_process_continues_when_another_plugin_is_broken(site: Site, wav: Path) -> None:
    site.add("producer", code=PRODUCER, config="")
    broken = site.add("broken", code="raise SyntaxError('oops')")
    result = run(site, "process", str(wav), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert {"name": broken, "state": "import-failed"} in [
        {"name": p["name"], "state": p["state"]} for p in summary["plugin_problems"]
    ]
    assert [item["name"] for item in summary["events"] if item["plugin"] == site.name("producer")] == [
        "producer.completed"
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "does not exist"),
        (b"", "not readable audio"),
        (b"RIFF1234WAVEfmt garbage", "not readable audio"),
    ],
)
def test_process_refuses_unusable_audio_naming_the_file(
    site: Site, tmp_path: Path, content: bytes | None, expected: str
) -> None:
    path = tmp_path / "input.wav"
    if content is not None:
        path.write_bytes(content)
    result = run(site, "process", str(path))
    assert result.exit_code == 2
    assert expected in result.output and "input.wav" in result.output


def test_process_refuses_a_wav_without_samples(site: Site, tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    soundfile.write(path, np.zeros(0, dtype="float32"), 16000)
    result = run(site, "process", str(path))
    assert result.exit_code == 2 and "no audio samples" in result.output


def test_process_refuses_a_hostile_recording_id(site: Site, wav: Path) -> None:
    result = run(site, "process", str(wav), "--id", "../../x")
    assert result.exit_code == 2 and "recording id" in result.output
    assert not (site.paths.data_dir / ".." / "x").exists()


def test_plugins_list_check_info_and_init(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    name = site.add("producer", code=PRODUCER, config="config:\n  api_key: ${PANOTTI_TEST_SECRET}\n")
    broken = site.add("broken", code="raise ImportError('missing wheel')")
    monkeypatch.setenv("PANOTTI_TEST_SECRET", "sk-live-123456")

    listed = {row["name"]: row for row in json.loads(run(site, "plugins", "list", "--json").stdout)}
    assert (
        listed[name]["state"] == "active"
        and listed[name]["distribution"] == "panotti-plugin-producer-" + site.suffix
    )

    checked = run(site, "plugins", "check", "--json")
    assert checked.exit_code == 3
    assert {row["name"]: row["state"] for row in json.loads(checked.stdout)}[broken] == "import-failed"

    info = run(site, "plugins", "info", name)
    assert info.exit_code == 0, info.output
    assert "sk-live-123456" not in info.output and "**********" in info.output
    assert "on_ended <- recording.ended" in info.output and "never be printed" in info.output

    target = site.paths.plugin_file(name)
    target.unlink()
    assert run(site, "plugins", "init", name).exit_code == 0
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert run(site, "plugins", "init", name).exit_code == 2  # refuses to overwrite
    assert run(site, "plugins", "info", "nope").exit_code == 2


def test_events_list_show_replay_prune(site: Site, wav: Path) -> None:
    site.add("producer", code=PRODUCER, config="")
    summary = json.loads(run(site, "process", str(wav), "--id", "r1", "--json").stdout)
    correlation = summary["correlation_id"]

    listed = [
        json.loads(line)
        for line in run(site, "events", "list", "--correlation", correlation, "--json").stdout.splitlines()
    ]
    names = [event["name"] for event in listed]
    assert names[:2] == ["recording.started", "recording.ended"] and "producer.completed" in names

    shown = json.loads(run(site, "events", "show", listed[1]["id"][:10], "--json").stdout)  # a prefix will do
    assert shown["id"] == listed[1]["id"]
    assert shown["deliveries"][0]["status"] == "delivered"
    assert run(site, "events", "show", "no-such-id").exit_code == 2

    subscriber = f"{site.name('producer')}:on_ended@recording.ended"
    replayed = run(
        site,
        "events",
        "replay",
        "--name",
        "recording.ended",
        "--correlation",
        correlation,
        "--subscriber",
        subscriber,
    )
    assert replayed.exit_code == 0 and "replayed 1 deliveries" in replayed.output

    assert "pruned 0 events" in run(site, "events", "prune", "--older-than", "1").output
    assert "pruned" in run(site, "events", "prune", "--older-than", "0").output
    remaining = run(site, "events", "list", "--json").stdout.splitlines()
    assert len(remaining) < len(listed) + 1
