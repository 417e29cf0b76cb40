"""Fixtures: realistic meeting transcripts with hand-written reference notes, and an OpenAI-like server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MEETINGS = ["product_sync", "incident_review", "hiring_plan"]


def reference(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.reference.json").read_text())


def chat_reply(content: str, finish_reason: str = "stop") -> dict[str, Any]:
    """A chat-completions answer as OpenAI sends it."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "test-model",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


DRAFT = {
    "executive_summary": ["The team agreed to launch on March 16."],
    "topics": [{"title": "Launch", "points": [{"text": "Launch on March 16", "timestamp": "00:03:20"}]}],
    "decisions": [{"text": "Launch on March 16 with the old checkout as fallback", "timestamp": "00:03:20"}],
    "action_items": [
        {"owner": "Tom", "task": "Write the rollback plan", "due": "2026-03-06", "timestamp": "00:03:41"},
        {"owner": "Zed the invented", "task": "Order pizza", "due": None, "timestamp": None},
    ],
    "open_questions": [{"text": "How do we measure success?", "timestamp": "00:07:30"}],
    "risks": [{"text": "Payment provider may slip", "timestamp": "00:02:05"}],
    "next_steps": ["Follow up on metrics"],
}


@pytest.fixture
def chat_server(scripted_server):
    """The author kit's scripted server, with its OpenAI API root."""
    scripted_server.api = f"{scripted_server.url}/v1"
    return scripted_server
