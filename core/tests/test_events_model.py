import pytest
from pydantic import BaseModel, ValidationError

from panotti.events import Event, EventPriority


class Payload(BaseModel):
    size: int


class SizeMeasured(Event[Payload]):
    event_name = "size.measured"


@pytest.mark.parametrize("name", ["recording", "Recording.Ended", "recording..ended", "recording.", "a b.c"])
def test_event_names_must_be_dotted_lower_case(name: str) -> None:
    with pytest.raises(ValidationError, match="dotted lower case"):
        Event.create(name)


def test_create_starts_a_correlation_and_derive_continues_it() -> None:
    parent = Event.create("recording.ended", {"a": 1}, source_plugin=None, priority=EventPriority.HIGH)
    child = parent.derive("example.completed", {"b": 2}, source_plugin="example")

    assert parent.context.causation_id is None
    assert child.correlation_id == parent.correlation_id
    assert child.context.causation_id == parent.id
    assert child.context.source_plugin == "example"
    assert child.priority is EventPriority.HIGH
    assert child.id != parent.id


def test_untyped_data_must_be_json_serialisable() -> None:
    with pytest.raises(ValidationError, match="JSON"):
        Event.create("a.b", {"when": object()})


def test_typed_event_validates_payload_and_round_trips_through_json() -> None:
    event = SizeMeasured.create(data={"size": "3"})
    assert event.name == "size.measured" and event.data == Payload(size=3)
    assert SizeMeasured.model_validate_json(event.to_json()) == event
    with pytest.raises(ValidationError, match="size"):
        SizeMeasured.create(data={"size": "big"})
    with pytest.raises(ValidationError, match=r"named 'size\.measured'"):
        SizeMeasured(name="other.name", data=Payload(size=1))


def test_priorities_are_ordered() -> None:
    assert EventPriority.LOW < EventPriority.NORMAL < EventPriority.HIGH < EventPriority.CRITICAL


def test_timestamps_are_utc() -> None:
    assert Event.create("a.b").context.timestamp.utcoffset().total_seconds() == 0
