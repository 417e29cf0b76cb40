"""The offline engine: extractive TextRank summary, topic segmentation and rules."""

from __future__ import annotations

import itertools
from datetime import datetime

import numpy as np

from ._rules import RuleExtractor, clock
from ._text import Sentence, sentences, textrank, tfidf
from .notes import MeetingNotes, Point, Topic
from .reader import TranscriptText

ENGINE = "local (TextRank over TF-IDF + rules)"
_MIN_WORDS = 6


def _topic_bounds(vectors: object, count: int, topics: int) -> list[int]:
    """Cut points where neighbouring windows share the fewest words (TextTiling-like)."""
    if topics <= 1 or count < 2 * topics:
        return [0, count]
    window = max(3, count // (topics * 4))
    matrix = vectors  # sparse rows
    cohesion = []
    for gap in range(window, count - window):
        left = np.asarray(matrix[gap - window : gap].sum(axis=0)).ravel()  # type: ignore[index]
        right = np.asarray(matrix[gap : gap + window].sum(axis=0)).ravel()  # type: ignore[index]
        denominator = np.linalg.norm(left) * np.linalg.norm(right) or 1.0
        cohesion.append((float(left @ right) / denominator, gap))
    cuts: list[int] = []
    for _, gap in sorted(cohesion):
        if all(abs(gap - other) >= window * 2 for other in cuts):
            cuts.append(gap)
        if len(cuts) == topics - 1:
            break
    return [0, *sorted(cuts), count]


def _title(terms: list[str], weights: np.ndarray, used: set[str]) -> str:
    order = [
        terms[i]
        for i in np.argsort(-weights)
        if weights[i] > 0 and terms[i] not in used and len(terms[i]) > 2
    ]
    chosen = order[:3] or ["General"]
    used.update(chosen[:1])
    return ", ".join(word.capitalize() for word in chosen)


def summarise(
    transcript: TranscriptText,
    *,
    title: str | None = None,
    attendees: list[str] | None = None,
    date: datetime | None = None,
) -> MeetingNotes:
    """Notes from a transcript, offline and deterministic."""
    found = sentences(transcript)
    vectors, terms = tfidf([sentence.text for sentence in found])
    scores = textrank(vectors)
    eligible = [s for s in found if len(s.text.split()) >= _MIN_WORDS and not s.text.endswith("?")]
    ranked = sorted(eligible, key=lambda s: -scores[s.index])
    summary_size = min(5, max(2, len(found) // 40))
    summary = sorted(ranked[:summary_size], key=lambda s: s.index)

    duration = transcript.duration_seconds or max((s.start or 0.0 for s in found), default=0.0)
    topic_count = (
        int(np.clip(round(duration / 480), 1, 8)) if duration else int(np.clip(len(found) // 30, 1, 8))
    )
    bounds = _topic_bounds(vectors, len(found), topic_count)
    topics: list[Topic] = []
    used: set[str] = set()
    for begin, end in itertools.pairwise(bounds):
        block: list[Sentence] = [s for s in found[begin:end] if len(s.text.split()) >= _MIN_WORDS]
        if not block:
            continue
        weights = np.asarray(vectors[begin:end].sum(axis=0)).ravel()
        best = sorted(sorted(block, key=lambda s: -scores[s.index])[:3], key=lambda s: s.index)
        topics.append(
            Topic(
                title=_title(terms, weights, used),
                points=[Point(text=s.text, timestamp=clock(s.start)) for s in best],
            )
        )

    names = list(dict.fromkeys([*(attendees or transcript.attendees), *transcript.speakers]))
    meeting_date = date or transcript.date
    rules = RuleExtractor(found, names, meeting_date)
    actions = rules.action_items()
    next_steps = [
        f"{item.owner}: {item.task}" + (f" (due {item.due})" if item.due else "") for item in actions
    ] + [text for text in rules.next_step_sentences() if not any(text.endswith(a.task) for a in actions)]
    return MeetingNotes(
        title=title or transcript.title or "Meeting notes",
        date=meeting_date,
        duration=clock(duration) if duration else None,
        attendees=list(attendees if attendees is not None else transcript.attendees),
        executive_summary=[s.text for s in summary],
        topics=topics,
        decisions=rules.decisions(),
        action_items=actions,
        open_questions=rules.open_questions(),
        risks=rules.risks(),
        next_steps=next_steps,
        engine=ENGINE,
    )
