"""Rule-based detection of action items, owners, due dates, decisions, questions and risks."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from ._text import Sentence
from .notes import UNASSIGNED, ActionItem, Point

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DUE = re.compile(
    r"\b(?:by|before|until|on|due|for)?\s*(?:the\s+)?("
    r"\d{4}-\d{2}-\d{2}|tomorrow|today|tonight|(?:next\s+)?(?:" + "|".join(WEEKDAYS) + r")"
    r"|next\s+week|end\s+of\s+(?:the\s+)?(?:day|week|month)|this\s+week|next\s+month)\b",
    re.IGNORECASE,
)
_SELF = re.compile(
    r"^(?:(?:ok(?:ay)?|sure|yes|yeah|so|and|then|alright)[,\s]+)*"
    r"(?:i(?:'ll| will| am going to|'m going to| can| shall)|let me)\s+(.+)$",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    r"^(?:(?P<name>[A-Z][a-z]+),\s*)?(?:can|could|would|will)\s+you\s+(?:please\s+)?(?P<task>.+?)\??$",
    re.IGNORECASE,
)
_PLEASE = re.compile(r"^(?:(?P<name>[A-Z][a-z]+),\s*)?please\s+(?P<task>.+)$", re.IGNORECASE)
_WHO = re.compile(r"\bwho(?:'s| is)?\s+(?:will|can|is going to|wants to)\s+(?P<task>.+?)\??$", re.IGNORECASE)
_ACCEPT = re.compile(
    r"^(?:(?:ok(?:ay)?|sure|yes|yeah|absolutely|of course)\b[,.!\s]*)*"
    r"(?:i can(?: do (?:that|it))?|i(?:'ll| will)(?: do (?:that|it)| take (?:that|it|care of it))?"
    r"|will do|on it|i can take (?:that|it)|leave it (?:to|with) me)\b",
    re.IGNORECASE,
)
_TEAM = re.compile(r"\b(?:we|someone|somebody)\s+(?:need|needs|have|has|should)\s+to\s+(.+)$", re.IGNORECASE)
_AGENDA = re.compile(r"\b(?:today|in this (?:meeting|call)|on the agenda)\b.*\b(?:we|need)\b", re.IGNORECASE)
_DECISION = re.compile(
    r"\b(?:we(?:'ve| have)?\s+(?:decided|agreed)|(?:the\s+)?decision\s+(?:is|was)|let'?s\s+go\s+with|"
    r"we(?:'ll| will)\s+go\s+with|agreed\s+to|(?:it'?s|it is)\s+decided|final\s+answer\s+is)\b",
    re.IGNORECASE,
)
_RISK = re.compile(
    r"\b(?:risk|risky|concern(?:ed)?|worr(?:y|ied)|blocker|blocked|bottleneck|might\s+not|may\s+not|"
    r"could\s+(?:delay|slip|fail)|delay(?:ed)?|behind\s+schedule|cannot\s+deliver|can'?t\s+deliver|"
    r"won'?t\s+make|short\s+on|over\s+budget)\b",
    re.IGNORECASE,
)
_NEXT = re.compile(r"\b(?:next\s+steps?|follow\s+up|following\s+up|circle\s+back|reconvene)\b", re.IGNORECASE)
_ANSWER = re.compile(
    r"^(?:yes|no|yeah|nope|sure|i think|i believe|we do|we don'?t|it is|it'?s|probably|maybe)\b",
    re.IGNORECASE,
)


def clock(seconds: float | None) -> str | None:
    """``HH:MM:SS`` or ``None``."""
    if seconds is None:
        return None
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def resolve_due(phrase: str, meeting: datetime | None) -> str:
    """An ISO date for the phrase when the meeting date allows, else the phrase."""
    lowered = " ".join(phrase.lower().split())
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", lowered):
        return lowered
    if meeting is None:
        return lowered
    today: date = meeting.date()
    if lowered in {"today", "tonight", "end of day", "end of the day"}:
        return today.isoformat()
    if lowered == "tomorrow":
        return (today + timedelta(days=1)).isoformat()
    if lowered in {"end of week", "end of the week", "this week"}:
        return (today + timedelta(days=(4 - today.weekday()) % 7)).isoformat()
    if lowered == "next week":
        monday = today + timedelta(days=7 - today.weekday())
        return f"week of {monday.isoformat()}"
    if lowered in {"end of month", "end of the month"}:
        following = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
        return (following - timedelta(days=1)).isoformat()
    if lowered == "next month":
        return f"month of {(today.replace(day=28) + timedelta(days=4)).replace(day=1).isoformat()[:7]}"
    name = lowered.removeprefix("next ").strip()
    if name in WEEKDAYS:
        ahead = (WEEKDAYS.index(name) - today.weekday()) % 7 or 7
        if lowered.startswith("next "):
            ahead += 7 if ahead < 7 else 0
        return (today + timedelta(days=ahead)).isoformat()
    return lowered


def _due_in(text: str, meeting: datetime | None) -> str | None:
    match = _DUE.search(text)
    return resolve_due(match.group(1), meeting) if match else None


def _clean_task(task: str) -> str:
    task = task.strip().rstrip(".!?").strip()
    return task[:1].upper() + task[1:] if task else task


class RuleExtractor:
    """Walks the sentences once and collects what the rules find."""

    def __init__(self, sentences: list[Sentence], known_names: list[str], meeting: datetime | None) -> None:
        self.sentences = sentences
        self.known = {name.lower(): name for name in known_names}
        self.meeting = meeting

    def _owner(self, name: str | None) -> str:
        if name and name.lower() in self.known:
            return self.known[name.lower()]
        return UNASSIGNED

    def _next_turn(self, index: int) -> Sentence | None:
        current = self.sentences[index]
        for following in self.sentences[index + 1 : index + 6]:
            if following.turn != current.turn:
                return following
        return None

    def action_items(self) -> list[ActionItem]:
        """Tasks with owner, due date and timestamp."""
        items: list[ActionItem] = []
        claimed: set[int] = set()
        for index, sentence in enumerate(self.sentences):
            text = sentence.text
            if index in claimed:
                continue
            owner: str | None = None
            task: str | None = None
            if (
                (request := _WHO.search(text))
                or (request := _REQUEST.match(text))
                or (request := _PLEASE.match(text))
            ):
                task = request.group("task")
                named = request.groupdict().get("name")
                answer = self._next_turn(index)
                accepted = answer is not None and _ACCEPT.match(answer.text) is not None
                if accepted and answer is not None:
                    claimed.add(answer.index)
                if named:
                    owner = self._owner(named)
                elif accepted and answer is not None:
                    owner = self._owner(answer.speaker)
                else:
                    owner = UNASSIGNED
            elif (own := _SELF.match(text)) and not _ACCEPT.fullmatch(text.rstrip(".!")):
                task, owner = own.group(1), self._owner(sentence.speaker)
            elif (assigned := self._assigned(text)) is not None:
                owner, task = assigned
            elif (team := _TEAM.search(text)) and not _AGENDA.search(text):
                task, owner = team.group(1), UNASSIGNED
            if task and len(task.split()) >= 2:
                items.append(
                    ActionItem(
                        owner=owner or UNASSIGNED,
                        task=_clean_task(task),
                        due=_due_in(text, self.meeting),
                        timestamp=clock(sentence.start),
                    )
                )
        return items

    def _assigned(self, text: str) -> tuple[str, str] | None:
        for lowered, name in self.known.items():
            match = re.search(
                rf"\b{re.escape(lowered)}\s+(?:will|is going to|needs to|should|is taking)\s+(.+)$",
                text,
                re.IGNORECASE,
            )
            if match:
                return name, match.group(1)
        return None

    def decisions(self) -> list[Point]:
        """What was decided."""
        return [
            Point(text=s.text, timestamp=clock(s.start)) for s in self.sentences if _DECISION.search(s.text)
        ]

    def risks(self) -> list[Point]:
        """Risks, concerns and blockers mentioned."""
        return [Point(text=s.text, timestamp=clock(s.start)) for s in self.sentences if _RISK.search(s.text)]

    def open_questions(self) -> list[Point]:
        """Questions nobody answered or took on, and anything called an open question."""
        found = []
        for index, sentence in enumerate(self.sentences):
            text = sentence.text
            if "open question" in text.lower():
                found.append(Point(text=text, timestamp=clock(sentence.start)))
                continue
            if not text.endswith("?") or _WHO.search(text) or _REQUEST.match(text):
                continue
            answer = self._next_turn(index)
            if answer is None or not (_ANSWER.match(answer.text) or _ACCEPT.match(answer.text)):
                found.append(Point(text=text, timestamp=clock(sentence.start)))
        return found

    def next_step_sentences(self) -> list[str]:
        """Sentences that talk about next steps or follow-ups."""
        return [s.text for s in self.sentences if _NEXT.search(s.text)]
