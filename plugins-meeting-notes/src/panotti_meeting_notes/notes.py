"""Meeting notes: the pydantic model (the source of truth) and its Markdown form."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

UNASSIGNED = "unassigned"


class Point(BaseModel):
    """Something said, with where it was said."""

    text: str
    timestamp: str | None = None
    """``HH:MM:SS`` in the transcript, when known."""


class Topic(BaseModel):
    """Discussion points about one subject."""

    title: str
    points: list[Point] = Field(default_factory=list)


class ActionItem(BaseModel):
    """A task someone agreed to do."""

    owner: str = UNASSIGNED
    """A speaker or attendee, or ``unassigned``: never invented."""
    task: str
    due: str | None = None
    """ISO date when it could be resolved, otherwise the words used ("next week")."""
    timestamp: str | None = None


class NotesBody(BaseModel):
    """What the notes say about the meeting's content (what a model is asked to write)."""

    executive_summary: list[str] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    decisions: list[Point] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    open_questions: list[Point] = Field(default_factory=list)
    risks: list[Point] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)


class MeetingNotes(NotesBody):
    """Everything the notes say; the JSON sidecar is this model."""

    title: str
    date: datetime | None = None
    duration: str | None = None
    attendees: list[str] = Field(default_factory=list)
    """From the recording's metadata (or the transcript's header) only."""
    engine: str = ""


def _stamp(point: Point | ActionItem) -> str:
    return f" _[{point.timestamp}]_" if point.timestamp else ""


def to_markdown(notes: MeetingNotes) -> str:
    """The notes as a Markdown document."""
    lines = [f"# {notes.title}", "", "## Meeting information", ""]
    lines.append(f"- **Date:** {notes.date:%Y-%m-%d %H:%M}" if notes.date else "- **Date:** unknown")
    lines.append(f"- **Duration:** {notes.duration or 'unknown'}")
    lines.append(f"- **Attendees:** {', '.join(notes.attendees) if notes.attendees else 'not recorded'}")
    lines += ["", "## Executive summary", ""]
    lines += [f"{sentence}" for sentence in notes.executive_summary] or ["(nothing to summarise)"]
    lines += ["", "## Key discussion points", ""]
    for topic in notes.topics:
        lines.append(f"### {topic.title}")
        lines += [f"- {point.text}{_stamp(point)}" for point in topic.points]
        lines.append("")
    sections: list[tuple[str, list[Point]]] = [
        ("Decisions", notes.decisions),
        ("Open questions", notes.open_questions),
        ("Risks", notes.risks),
    ]
    lines += ["## Action items", ""]
    if notes.action_items:
        lines += ["| owner | task | due | at |", "|---|---|---|---|"]
        for item in notes.action_items:
            task = item.task.replace("|", "\\|")
            lines.append(f"| {item.owner} | {task} | {item.due or '—'} | {item.timestamp or '—'} |")
    else:
        lines.append("None recorded.")
    lines.append("")
    for heading, points in sections:
        lines += [f"## {heading}", ""]
        lines += [f"- {point.text}{_stamp(point)}" for point in points] or ["None recorded."]
        lines.append("")
    lines += ["## Next steps", ""]
    lines += [f"- {step}" for step in notes.next_steps] or ["None recorded."]
    lines += ["", f"<sub>Notes by {notes.engine}.</sub>", ""]
    return "\n".join(lines)


def resolve_date(text: str | None) -> date | None:
    """An ISO date in ``text``, if it is one."""
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None
