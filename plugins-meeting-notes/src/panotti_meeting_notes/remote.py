"""The model engine: OpenAI or any compatible server, structured output with fallbacks, map-reduce."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from ._rules import clock
from .notes import UNASSIGNED, MeetingNotes, NotesBody
from .reader import TranscriptText

SYSTEM_PROMPT = """You write meeting notes from a transcript.
Rules:
- Use only what the transcript says. Never invent people, dates or facts.
- An action item's owner is a speaker or attendee named in the transcript; when nobody took the task,
  the owner is "unassigned".
- Due dates: an ISO date (YYYY-MM-DD) when the meeting date makes it certain, otherwise the words used
  ("next week"); null when no date was mentioned.
- Timestamps are the HH:MM:SS of the transcript line a point comes from.
- executive_summary: 2 to 5 sentences. topics: the key discussion points grouped by subject.
Answer with one JSON object that matches this JSON schema:
{schema}"""

MAP_PROMPT = "This is part {part} of {parts} of a meeting transcript. Write notes for this part only."
REDUCE_PROMPT = (
    "These are notes written for consecutive parts of one meeting, as JSON. Merge them into the notes of "
    "the whole meeting: combine topics about the same subject, keep every action item and decision once."
)


class NotesError(Exception):
    """The model could not produce notes; the message says why (never the API key)."""


_MODES = ("json_schema", "json_object", "text")


def transcript_lines(transcript: TranscriptText) -> list[str]:
    """``[HH:MM:SS] Speaker: text`` per turn."""
    lines = []
    for utterance in transcript.utterances:
        stamp = f"[{clock(utterance.start)}] " if utterance.start is not None else ""
        speaker = f"{utterance.speaker}: " if utterance.speaker else ""
        lines.append(f"{stamp}{speaker}{utterance.text}")
    return lines


def split_on_turns(lines: list[str], budget_characters: int) -> list[list[str]]:
    """Consecutive turns grouped so each group fits the budget; a turn is never cut."""
    chunks: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if chunks[-1] and size + len(line) + 1 > budget_characters:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    return chunks


def _parse_json(text: str) -> dict[str, Any]:
    """The first JSON object in a reply, fenced or not."""
    start = text.find("{")
    while start != -1:
        try:
            value, _ = json.JSONDecoder().raw_decode(text[start:])
            if isinstance(value, dict):
                return value
        except json.JSONDecodeError:
            pass
        start = text.find("{", start + 1)
    raise NotesError("the reply contains no JSON object")


class RemoteEngine:
    """Writes notes with a chat-completions model."""

    def __init__(
        self,
        *,
        model: str,
        base_url: str | None,
        api_key: str | None,
        timeout: float,
        max_retries: int,
        context_tokens: int,
        max_output_tokens: int,
        max_concurrent_requests: int,
        temperature: float = 0.2,
    ) -> None:
        import openai

        self._openai = openai
        self._client = openai.OpenAI(
            api_key=api_key or "not-needed", base_url=base_url, timeout=timeout, max_retries=max_retries
        )
        self.model = model
        self.name = f"remote ({model})"
        self.max_output_tokens = max_output_tokens
        self.max_concurrent_requests = max_concurrent_requests
        self.temperature = temperature
        schema = json.dumps(NotesBody.model_json_schema())
        self._system = SYSTEM_PROMPT.format(schema=schema)
        # Room for the transcript: the context less the prompt and the answer, at ~4 characters a token.
        self.budget_characters = max(2000, (context_tokens - max_output_tokens) * 4 - len(self._system))
        self._mode = 0

    def summarise(
        self,
        transcript: TranscriptText,
        *,
        title: str | None = None,
        attendees: list[str] | None = None,
        date: datetime | None = None,
    ) -> MeetingNotes:
        """Notes for the transcript; long transcripts are summarised part by part, then merged."""
        meeting_date = date or transcript.date
        header = f"Meeting: {title or transcript.title or 'untitled'}; date: {meeting_date or 'unknown'}."
        chunks = split_on_turns(transcript_lines(transcript), self.budget_characters)
        if len(chunks) == 1:
            draft = self._ask(f"{header}\n\nTranscript:\n" + "\n".join(chunks[0]))
        else:
            with ThreadPoolExecutor(self.max_concurrent_requests) as pool:
                parts = list(
                    pool.map(
                        lambda numbered: self._ask(
                            f"{header}\n{MAP_PROMPT.format(part=numbered[0], parts=len(chunks))}\n\n"
                            + "Transcript:\n"
                            + "\n".join(numbered[1])
                        ),
                        enumerate(chunks, start=1),
                    )
                )
            merged = json.dumps([part.model_dump(mode="json") for part in parts])
            draft = self._ask(f"{header}\n{REDUCE_PROMPT}\n\n{merged}")
        names = {name.lower(): name for name in [*(attendees or transcript.attendees), *transcript.speakers]}
        items = [
            item.model_copy(update={"owner": names.get(item.owner.strip().lower(), UNASSIGNED)})
            for item in draft.action_items
        ]
        last = max((u.start or 0.0 for u in transcript.utterances), default=0.0)
        duration = transcript.duration_seconds or last
        return MeetingNotes(
            **draft.model_copy(update={"action_items": items}).model_dump(),
            title=title or transcript.title or "Meeting notes",
            date=meeting_date,
            duration=clock(duration) if duration else None,
            attendees=list(attendees if attendees is not None else transcript.attendees),
            engine=self.name,
        )

    def _ask(self, content: str) -> NotesBody:
        messages = [{"role": "system", "content": self._system}, {"role": "user", "content": content}]
        while True:
            mode = _MODES[self._mode]
            try:
                return self._complete(messages, mode)
            except self._openai.BadRequestError as error:
                if self._mode + 1 >= len(_MODES):
                    raise NotesError(f"the server refused the request: {error.message}") from None
                self._mode += 1  # the server does not support this mode: try the next, and remember

    def _complete(self, messages: list[dict[str, str]], mode: str) -> NotesBody:
        options: dict[str, Any] = {}
        if mode == "json_schema":
            options["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "meeting_notes", "schema": NotesBody.model_json_schema()},
            }
        elif mode == "json_object":
            options["response_format"] = {"type": "json_object"}
        try:
            reply = self._client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=self.temperature,
                max_tokens=self.max_output_tokens,
                **options,
            )
        except self._openai.BadRequestError:
            raise
        except self._openai.APIStatusError as error:
            raise NotesError(f"server answered {error.status_code}: {error.message[:200]}") from None
        except self._openai.APITimeoutError:
            raise NotesError("the server did not answer in time") from None
        except self._openai.APIConnectionError as error:
            raise NotesError(f"cannot reach the server: {error}") from None
        choice = reply.choices[0]
        if choice.finish_reason == "length":
            raise NotesError(
                f"the reply was cut by the length limit ({self.max_output_tokens} tokens);"
                " raise max_output_tokens"
            )
        text = choice.message.content or ""
        try:
            return NotesBody.model_validate(_parse_json(text) if mode == "text" else json.loads(text))
        except (json.JSONDecodeError, ValidationError) as error:
            raise NotesError(f"the reply is not valid notes JSON: {str(error)[:300]}") from None
