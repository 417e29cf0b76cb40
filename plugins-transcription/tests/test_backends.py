import jiwer
import pytest

from conftest import SAMPLE_SYSTEM_TEXT, verbose_json
from panotti_transcription import BackendError, TranscriptionSettings, transcribe_tracks


def test_local_backend_transcribes_real_speech(tiny_model: str, sample_recording) -> None:
    settings = TranscriptionSettings(model=tiny_model, language="en")
    transcript = transcribe_tracks([(sample_recording.system, "Sam")], settings, recording_id="r")
    text = " ".join(segment.text for segment in transcript.segments)
    error_rate = jiwer.wer(
        jiwer.RemovePunctuation()(SAMPLE_SYSTEM_TEXT.lower()), jiwer.RemovePunctuation()(text.lower())
    )
    assert error_rate < 0.35, text
    first = transcript.segments[0]
    assert first.speaker == "Sam" and first.words and first.words[0].confidence is not None
    assert transcript.segments[-1].start > 20  # "Let's ask Priya next week" starts at 21 s


def test_remote_backend_through_the_openai_client(openai_server, short_wav) -> None:
    openai_server.answer(200, verbose_json("we ship on friday"))
    settings = TranscriptionSettings(backend="remote", base_url=openai_server.api, api_key="sk-test-123")
    transcript = transcribe_tracks([(short_wav, "Me")], settings, recording_id="r")
    assert [s.text for s in transcript.segments] == ["we ship on friday"]
    assert [w.text for w in transcript.segments[0].words] == ["we", "ship", "on", "friday"]
    request = openai_server.requests[0]
    assert request.path == "/v1/audio/transcriptions"
    assert b"RIFF" in request.body and b'name="model"' in request.body
    assert request.headers["authorization"] == "Bearer sk-test-123"
    assert "multipart/form-data" in request.headers["content-type"]


def test_remote_backend_retries_5xx_and_429(openai_server, short_wav) -> None:
    openai_server.answer(503, {"error": {"message": "overloaded"}})
    openai_server.answer(429, {"error": {"message": "slow down"}}, retry_after="0")
    openai_server.answer(200, verbose_json("finally"))
    settings = TranscriptionSettings(backend="remote", base_url=openai_server.api, max_retries=3)
    transcript = transcribe_tracks([(short_wav, "Me")], settings, recording_id="r")
    assert transcript.segments[0].text == "finally" and len(openai_server.requests) == 3


def test_remote_backend_gives_up_with_a_clear_error(openai_server, short_wav) -> None:
    openai_server.answer(401, {"error": {"message": "invalid api key"}})
    settings = TranscriptionSettings(backend="remote", base_url=openai_server.api, api_key="sk-secret-999")
    with pytest.raises(BackendError, match="401") as raised:
        transcribe_tracks([(short_wav, "Me")], settings, recording_id="r")
    assert "sk-secret-999" not in str(raised.value)


def test_remote_backend_timeout(openai_server, short_wav) -> None:
    for _ in range(2):
        openai_server.answer(200, verbose_json("late"), delay=1.5)
    settings = TranscriptionSettings(
        backend="remote", base_url=openai_server.api, timeout_seconds=0.3, max_retries=1
    )
    with pytest.raises(BackendError, match="did not answer in time"):
        transcribe_tracks([(short_wav, "Me")], settings, recording_id="r")


def test_unknown_local_model_is_a_backend_error(short_wav, tmp_path) -> None:
    settings = TranscriptionSettings(model=str(tmp_path / "no-such-model"))
    with pytest.raises(BackendError, match="cannot load model"):
        transcribe_tracks([(short_wav, "Me")], settings, recording_id="r")
