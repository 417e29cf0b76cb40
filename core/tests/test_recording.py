import pytest
from pydantic import ValidationError

from panotti.recording import RecordingData, validate_recording_id


@pytest.mark.parametrize(
    "hostile", ["../../x", "a/b", "a\\b", "..", "", ".hidden", "x" * 200, "a..b", "nul\x00"]
)
def test_hostile_recording_ids_are_refused(hostile: str) -> None:
    with pytest.raises(ValueError, match="recording id"):
        validate_recording_id(hostile)
    with pytest.raises(ValidationError):
        RecordingData(recording_id=hostile, microphone_path="m.wav")


@pytest.mark.parametrize("fine", ["standup-20261125T101500", "a", "Team_Sync.2"])
def test_ordinary_recording_ids_pass(fine: str) -> None:
    assert validate_recording_id(fine) == fine
