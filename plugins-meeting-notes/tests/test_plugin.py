import json
from pathlib import Path

from conftest import DRAFT, FIXTURES, chat_reply
from panotti import RecordingData, RecordingMetadata
from panotti.events import Event, EventBus, MemoryStore
from panotti.plugins import Paths, PluginManager, PluginState, discover
from panotti_meeting_notes import MeetingNotesCompleted, read_transcript


def transcript_json(folder: Path) -> Path:
    source = read_transcript(FIXTURES / "product_sync.md")
    path = folder / "transcript.json"
    path.write_text(
        json.dumps(
            {
                "recording_id": "sync",
                "segments": [
                    {"start": u.start, "end": (u.start or 0) + 3, "speaker": u.speaker, "text": u.text}
                    for u in source.utterances
                ],
            }
        )
    )
    return path


def transcription_completed(path: Path) -> Event:
    recording = RecordingData(
        recording_id="sync-0302",
        microphone_path="mic.wav",
        metadata=RecordingMetadata(title="Product sync", attendees=["Maria", "Tom", "Priya"]),
    )
    return Event.create(
        "transcription.completed",
        {
            "recording": recording.model_dump(mode="json"),
            "json_path": str(path),
            "markdown_path": "",
            "webvtt_path": "",
        },
    )


def test_both_entry_points_are_found_and_remote_waits_for_configuration(tmp_path: Path) -> None:
    found = {plugin.name: plugin for plugin in discover()}
    assert found["meeting_notes_local"].distribution == "panotti-plugin-meeting-notes"
    assert found["meeting_notes_remote"].example_config.name == "meeting_notes_remote.yaml.example"
    manager = PluginManager(EventBus(MemoryStore()), Paths(tmp_path / "config", tmp_path / "data"))
    manager.check()
    assert manager.records["meeting_notes_remote"].state is PluginState.DISABLED
    assert "plugins init meeting_notes_remote" in manager.records["meeting_notes_remote"].reason
    assert manager.records["meeting_notes_local"].state is PluginState.READY


async def test_local_plugin_writes_notes_named_after_the_recording(panotti_harness, tmp_path: Path) -> None:
    await panotti_harness.load("meeting_notes_local")
    origin = await panotti_harness.publish(transcription_completed(transcript_json(tmp_path)))
    done = await panotti_harness.wait_for("meeting_notes.*", correlation_id=origin.correlation_id, timeout=60)
    assert isinstance(done, MeetingNotesCompleted), done
    assert done.context.causation_id == origin.id
    markdown = Path(done.data.markdown_path)
    assert markdown.name == "sync-0302_meeting_notes.md" and markdown.read_text().startswith("# Product sync")
    sidecar = json.loads(Path(done.data.json_path).read_text())
    assert sidecar["attendees"] == ["Maria", "Tom", "Priya"] and done.data.action_items == 4


async def test_remote_plugin_reports_failure_and_writes_nothing(
    panotti_harness, chat_server, tmp_path
) -> None:
    chat_server.answer(200, chat_reply(json.dumps(DRAFT)[:50], finish_reason="length"))
    await panotti_harness.load("meeting_notes_remote", {"base_url": chat_server.api, "max_retries": 0})
    origin = await panotti_harness.publish(transcription_completed(transcript_json(tmp_path)))
    events = await panotti_harness.settle(origin, timeout=60)
    assert [e.name for e in events if e.name.startswith("meeting_notes")] == ["meeting_notes.failed"]
    assert "length limit" in events[-1].data.reason
    assert not list((panotti_harness.paths.data_dir).rglob("*_meeting_notes.*"))


async def test_both_plugins_write_their_own_notes(panotti_harness, chat_server, tmp_path) -> None:
    chat_server.answer(200, chat_reply(json.dumps(DRAFT)))
    await panotti_harness.load("meeting_notes_local")
    await panotti_harness.load("meeting_notes_remote", {"base_url": chat_server.api})
    origin = await panotti_harness.publish(transcription_completed(transcript_json(tmp_path)))
    events = await panotti_harness.settle(origin, timeout=60)
    completed = [e for e in events if e.name == "meeting_notes.completed"]
    assert sorted(e.context.source_plugin for e in completed) == [
        "meeting_notes_local",
        "meeting_notes_remote",
    ]
    assert len({e.data.markdown_path for e in completed}) == 2


async def test_local_plugin_can_use_a_local_openai_compatible_server(
    panotti_harness, chat_server, tmp_path
) -> None:
    chat_server.answer(200, chat_reply(json.dumps(DRAFT)))
    await panotti_harness.load("meeting_notes_local", {"server_url": chat_server.api, "model": "llama3.1"})
    origin = await panotti_harness.publish(transcription_completed(transcript_json(tmp_path)))
    done = await panotti_harness.wait_for("meeting_notes.*", correlation_id=origin.correlation_id, timeout=60)
    assert done.name == "meeting_notes.completed" and done.data.engine == "remote (llama3.1)"
    assert chat_server.requests[0].json()["model"] == "llama3.1"
