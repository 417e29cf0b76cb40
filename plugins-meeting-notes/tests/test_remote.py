import json

import pytest

from conftest import DRAFT, FIXTURES, chat_reply
from panotti_meeting_notes import NotesError, RemoteEngine, read_transcript


def engine(server, **options) -> RemoteEngine:
    settings = {
        "model": "test-model",
        "base_url": server.api,
        "api_key": "sk-remote-secret",
        "timeout": 5.0,
        "max_retries": 2,
        "context_tokens": 16000,
        "max_output_tokens": 1000,
        "max_concurrent_requests": 2,
    }
    return RemoteEngine(**{**settings, **options})


TRANSCRIPT = read_transcript(FIXTURES / "product_sync.md")


def test_structured_output_and_owners_never_invented(chat_server) -> None:
    chat_server.answer(200, chat_reply(json.dumps(DRAFT)))
    notes = engine(chat_server).summarise(TRANSCRIPT)
    request = chat_server.requests[0].json()
    assert request["response_format"]["type"] == "json_schema"
    assert (
        request["messages"][0]["role"] == "system"
        and "[00:01:32] Maria:" in request["messages"][1]["content"]
    )
    assert chat_server.requests[0].headers["authorization"] == "Bearer sk-remote-secret"
    assert [item.owner for item in notes.action_items] == ["Tom", "unassigned"]
    assert notes.attendees == ["Maria", "Tom", "Priya"] and notes.title == "Product sync: onboarding launch"
    assert notes.decisions[0].timestamp == "00:03:20"


def test_falls_back_to_json_mode_then_to_text(chat_server) -> None:
    refused = {
        "error": {"message": "response_format json_schema is not supported", "type": "invalid_request_error"}
    }
    chat_server.answer(400, refused)
    chat_server.answer(400, refused)
    chat_server.answer(200, chat_reply("Here are the notes:\n```json\n" + json.dumps(DRAFT) + "\n```"))
    notes = engine(chat_server).summarise(TRANSCRIPT)
    kinds = [r.json().get("response_format", {}).get("type") for r in chat_server.requests]
    assert kinds == ["json_schema", "json_object", None]
    assert "schema" in chat_server.requests[2].json()["messages"][0]["content"]
    assert notes.executive_summary == DRAFT["executive_summary"]


def test_retries_on_429_and_5xx(chat_server) -> None:
    chat_server.answer(429, {"error": {"message": "rate limited"}}, retry_after="0")
    chat_server.answer(502, {"error": {"message": "bad gateway"}})
    chat_server.answer(200, chat_reply(json.dumps(DRAFT)))
    notes = engine(chat_server).summarise(TRANSCRIPT)
    assert len(chat_server.requests) == 3 and notes.action_items


def test_timeout_is_a_clear_error(chat_server) -> None:
    for _ in range(2):
        chat_server.answer(200, chat_reply(json.dumps(DRAFT)), delay=1.0)
    with pytest.raises(NotesError, match="did not answer in time"):
        engine(chat_server, timeout=0.2, max_retries=1).summarise(TRANSCRIPT)


def test_reply_cut_by_length_is_never_used(chat_server) -> None:
    chat_server.answer(200, chat_reply(json.dumps(DRAFT)[:80], finish_reason="length"))
    with pytest.raises(NotesError, match="length limit"):
        engine(chat_server).summarise(TRANSCRIPT)


def test_auth_error_names_the_status_not_the_key(chat_server) -> None:
    chat_server.answer(401, {"error": {"message": "Incorrect API key provided"}})
    with pytest.raises(NotesError, match="401") as raised:
        engine(chat_server).summarise(TRANSCRIPT)
    assert "sk-remote-secret" not in str(raised.value)


def test_long_transcript_is_map_reduced_on_speaker_turns(chat_server) -> None:
    long = read_transcript(FIXTURES / "incident_review.md")
    long.utterances = long.utterances * 12  # about 20,000 characters
    for _ in range(30):
        chat_server.answer(200, chat_reply(json.dumps(DRAFT)))
    notes = engine(chat_server, context_tokens=3000, max_output_tokens=500).summarise(long)
    prompts = [r.json()["messages"][1]["content"] for r in chat_server.requests]
    maps = [p for p in prompts if "This is part" in p]
    assert len(maps) >= 3 and len(prompts) == len(maps) + 1
    assert "Merge them" in prompts[-1]
    for prompt in maps:  # every turn whole, none lost
        body = prompt.split("Transcript:\n", 1)[1]
        assert all(line.startswith("[") for line in body.splitlines())
    total_turns = sum(len(p.split("Transcript:\n", 1)[1].splitlines()) for p in maps)
    assert total_turns == len(long.utterances)
    assert chat_server.most_in_flight <= 2
    assert notes.action_items
