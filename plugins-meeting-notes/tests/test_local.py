import pytest
from rouge_score import rouge_scorer

from conftest import FIXTURES, MEETINGS, reference
from panotti_meeting_notes import read_transcript, summarise, to_markdown


def matches(found, expected) -> bool:
    task = found.task.lower()
    return (
        found.owner == expected["owner"]
        and all(word in task for word in expected["task"].lower().split())
        and found.due == expected["due"]
    )


@pytest.mark.parametrize("name", MEETINGS)
def test_action_items_with_owners_and_dates(name: str) -> None:
    notes = summarise(read_transcript(FIXTURES / f"{name}.md"))
    expected = reference(name)["action_items"]
    found = notes.action_items
    recalled = [item for item in expected if any(matches(f, item) for f in found)]
    precise = [f for f in found if any(matches(f, item) for item in expected)]
    assert len(recalled) == len(expected), [f.model_dump() for f in found]
    assert len(precise) == len(found)
    assert all(f.timestamp for f in found)


@pytest.mark.parametrize("name", MEETINGS)
def test_decisions_questions_and_risks(name: str) -> None:
    notes = summarise(read_transcript(FIXTURES / f"{name}.md"))
    truth = reference(name)
    for key, found in (
        ("decisions", notes.decisions),
        ("open_questions", notes.open_questions),
        ("risks", notes.risks),
    ):
        for phrase in truth[key]:
            assert any(phrase.lower() in point.text.lower() for point in found), (key, phrase, found)


@pytest.mark.parametrize("name", MEETINGS)
def test_summary_overlaps_the_reference(name: str) -> None:
    notes = summarise(read_transcript(FIXTURES / f"{name}.md"))
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    score = scorer.score(reference(name)["summary"], " ".join(notes.executive_summary))["rouge1"].fmeasure
    assert score > 0.3


def test_metadata_comes_from_the_transcript_header_never_invented() -> None:
    notes = summarise(read_transcript(FIXTURES / "hiring_plan.md"))
    assert notes.title == "Hiring plan" and notes.attendees == ["Lena", "Omar"]
    assert notes.date is not None and notes.date.date().isoformat() == "2026-09-07"
    markdown = to_markdown(notes)
    for heading in (
        "## Meeting information",
        "## Executive summary",
        "## Key discussion points",
        "## Action items",
        "## Decisions",
        "## Open questions",
        "## Risks",
        "## Next steps",
    ):
        assert heading in markdown
    assert (
        "| Lena | Update the job description for the manager role by Friday | 2026-09-11 | 00:01:50 |"
        in markdown
    )


def test_unknown_owner_is_unassigned() -> None:
    from panotti_meeting_notes.reader import TranscriptText, Utterance

    transcript = TranscriptText(
        [
            Utterance("Can you book the room for the retro?", "Ann", 0.0),
            Utterance("The weather is nice.", "Bo", 5.0),
        ],
        attendees=["Ann", "Bo"],
    )
    (item,) = summarise(transcript).action_items
    assert item.owner == "unassigned" and item.task == "Book the room for the retro"
