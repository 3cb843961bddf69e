"""The official v1 SDK (``hume-expression-measurement==0.1.0``) against the local server, unchanged.

Audio and video uploads, both realtime sockets with the SDK's helpers
(``iter_wav_frames``, ``stream_video``), and runs list/get/events with paging.
Every response is parsed by the SDK's own pydantic types.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from .conftest import jpeg_bytes, speech_pcm, wav_bytes

hem = pytest.importorskip(
    "hume_expression_measurement",
    reason="optional sdk-compat group: pip install hume-expression-measurement==0.1.0",
)
pytestmark = [pytest.mark.sdk, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

from hume_expression_measurement import (  # noqa: E402
    AsyncExpressionMeasurementClient,
    ExpressionMeasurementClient,
)
from hume_expression_measurement.environment import ExpressionMeasurementClientEnvironment  # noqa: E402
from hume_expression_measurement.types import (  # noqa: E402
    AudioFileConfig,
    AudioMeasurementResult,
    AudioSessionClosed,
    AudioSessionCreated,
    AudioSessionUpdate,
    AudioSessionUpdated,
    Error,
    SessionClose,
    UtteranceEnd,
    UtteranceStart,
    VideoFileConfig,
    VideoFileConfigFace,
    VideoSessionCreated,
)


def env(srv):
    return ExpressionMeasurementClientEnvironment(base=srv.url, production=srv.ws_url)


@pytest.fixture()
def client(srv):
    return ExpressionMeasurementClient(api_key="test-key", environment=env(srv), max_retries=0)


def test_audio_upload_wav_and_headerless(client):
    pcm = speech_pcm(10.0, seed=1)
    wav = client.audio.measure(file=wav_bytes(pcm))
    assert len(wav.request_id) == 32 and int(wav.request_id, 16) >= 0
    assert wav.received.audio_duration_ms == 10_000
    assert wav.measurements, "10 s of speech-like audio yields measurements"
    assert [m.measurement_id for m in wav.measurements] == list(range(len(wav.measurements)))
    for m in wav.measurements:
        assert 0 <= m.audio_start_ms < m.audio_end_ms
        assert m.audio_end_ms - m.audio_start_ms <= 10_000 + 1_000
        probs = [s.probability for s in m.expressions]
        assert probs == sorted(probs, reverse=True)
    # headerless samples give identical measurements for identical audio
    raw = client.audio.measure(file=("x.pcm", pcm, "application/octet-stream"))
    assert [m.dict() for m in raw.measurements] == [m.dict() for m in wav.measurements]
    assert raw.run_id != wav.run_id
    slow = client.audio.measure(
        file=wav_bytes(pcm), config=AudioFileConfig(measurement_timer_ms=5000)
    )
    assert len(slow.measurements) <= len(wav.measurements)


def test_audio_upload_errors_parse_as_sdk_errors(client):
    from hume_expression_measurement.errors import BadRequestError, UnsupportedMediaTypeError

    with pytest.raises(BadRequestError) as info:
        client.audio.measure(file=wav_bytes(speech_pcm(1.0), rate=8000))
    assert info.value.body.code == "audio_decode_failed"
    with pytest.raises(UnsupportedMediaTypeError) as info:
        client.audio.measure(file=b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(100))
    assert info.value.body.code == "unsupported_media_type"
    with pytest.raises(BadRequestError) as info:
        client.audio.measure(file=wav_bytes(speech_pcm(1.0)), config={"timer_ms": 5000})
    assert info.value.body.code == "config_invalid"
    assert "timer_ms" in info.value.body.message


def test_video_upload_face_state(client):
    images = [jpeg_bytes(seed=i) for i in range(3)]
    out = client.video.measure(
        file=images, config=VideoFileConfig(face=VideoFileConfigFace(return_face_state=True))
    )
    assert out.received.frames == 3
    assert [m.frame_id for m in out.measurements] == [0, 1, 2]
    assert out.face_state
    for m in out.measurements:
        for face in m.faces:
            assert len(face.bbox) == 4 and face.confidence >= 0.9
    again = client.video.measure(file=images[:1], config=VideoFileConfig(face_state=out.face_state))
    assert again.face_state is None
    from hume_expression_measurement.errors import UnsupportedMediaTypeError

    with pytest.raises(UnsupportedMediaTypeError):
        client.video.measure(file=[images[0], b"\x89PNG\r\n\x1a\n" + bytes(64)])


def test_audio_realtime_with_wav_helper(client, tmp_path):
    from hume_expression_measurement.audio_helpers import iter_wav_frames

    path = tmp_path / "speech.wav"
    path.write_bytes(wav_bytes(speech_pcm(8.0, seed=2)))
    messages = []
    with client.audio.connect() as socket:
        created = socket.recv()
        assert isinstance(created, AudioSessionCreated)
        socket.send_audio_session_update(
            AudioSessionUpdate(type="session.update", measurement_timer_ms=3000)
        )
        assert isinstance(socket.recv(), AudioSessionUpdated)
        for frame in iter_wav_frames(str(path), frame_ms=100):
            socket.send_audio_frame(frame)
            time.sleep(0.1 / 50 * 1.5)  # the test server runs pacing 50x faster than real time
        socket.send_audio_frame(b"\x00")  # odd length: invalid_audio_frame, session continues
        socket.send_audio_session_close(SessionClose(type="session.close"))
        for message in socket:
            messages.append(message)
            if isinstance(message, AudioSessionClosed):
                break
    closed = messages[-1]
    assert isinstance(closed, AudioSessionClosed) and closed.reason == "client_request"
    assert closed.session_id == created.session_id
    assert closed.received.audio_duration_ms == 8000
    assert closed.received.frames == 80
    results = [m for m in messages if isinstance(m, AudioMeasurementResult)]
    assert closed.produced.measurements == len(results) > 0
    assert closed.produced.utterances == sum(isinstance(m, UtteranceStart) for m in messages)
    assert sum(isinstance(m, UtteranceEnd) for m in messages) == closed.produced.utterances
    errors = [m for m in messages if isinstance(m, Error)]
    assert [e.code for e in errors] == ["invalid_audio_frame"] and errors[0].retryable
    # the upload endpoint gives identical measurements for identical audio
    upload = client.audio.measure(file=path.read_bytes())
    assert [m.dict() for m in upload.measurements] == [
        {k: v for k, v in r.dict().items() if k != "type"} for r in results
    ]

    run = client.runs.get(created.session_id)
    assert (run.status, run.mode, run.endpoint, run.close_reason) == (
        "ended",
        "realtime",
        "audio",
        "client_request",
    )
    assert run.metered_seconds == pytest.approx(10.0)  # 8 s of audio, billed at least 10 s
    events = client.runs.list_events(created.session_id)
    assert [e.kind for e in events.events] == ["invalid_audio_frame"]


def test_video_realtime_with_stream_video_helper(srv):
    from hume_expression_measurement.video_helpers import VideoFrame, stream_video

    images = [jpeg_bytes(seed=i) for i in range(4)]
    images[2] = b"\x89PNG\r\n\x1a\n" + bytes(64)  # the documented flow: the 3rd frame is a PNG

    async def frames():
        for i, data in enumerate(images):
            yield VideoFrame(data=data, timestamp_ms=i * 333.0)

    async def main():
        client = AsyncExpressionMeasurementClient(api_key="test-key", environment=env(srv))
        async with client.video.connect() as socket:
            stream = stream_video(socket, frames())
            replies = [reply async for reply in stream]
            return replies, stream.closed

    replies, closed = asyncio.run(main())
    assert [r.timestamp_ms for r in replies] == [0.0, 333.0, 666.0, 999.0]
    assert replies[2].error is not None and replies[2].error.code == "invalid_image_frame"
    assert [r.result.frame_id for r in replies if r.result is not None] == [0, 1, 2]
    assert closed.reason == "client_request" and closed.received.frames == 3
    measured = sum(
        f.face_id is not None for r in replies if r.result is not None for f in r.result.faces
    )
    assert closed.produced.measurements == measured


def test_video_realtime_session_created_and_bad_update(client):
    with client.video.connect() as socket:
        created = socket.recv()
        assert isinstance(created, VideoSessionCreated)
        assert created.face.threshold == pytest.approx(0.9) and created.face.min_size == 60
        socket._send({"type": "session.update", "image": {"type": "image/png"}})
        error = socket.recv()
        closed = socket.recv()
    assert error.code == "config_invalid" and error.retryable is False
    assert closed.reason == "error"


def test_runs_list_get_events_with_paging(client):
    for _ in range(3):
        client.audio.measure(file=wav_bytes(speech_pcm(1.0)))
    first = client.runs.list(page_size=2, endpoint="audio", mode="file")
    assert len(first.runs) == 2 and first.next_cursor
    seen = [r.run_id for r in first.runs]
    cursor = first.next_cursor
    while cursor:
        page = client.runs.list(page_size=2, endpoint="audio", mode="file", cursor=cursor)
        seen += [r.run_id for r in page.runs]
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) >= 3
    starts = [client.runs.get(r).started_at for r in seen]
    assert starts == sorted(starts, reverse=True)
    run = client.runs.get(seen[0])
    assert run.config.measurement_timer_ms == 3000 and run.config.schema_ == "v4"
    assert run.status == "ended" and run.metered_seconds == pytest.approx(10.0)
    # started_after is inclusive, started_before exclusive: together they split without overlap
    pivot = run.started_at
    after = client.runs.list(page_size=200, started_after=pivot).runs
    before = client.runs.list(page_size=200, started_before=pivot).runs
    ids_after, ids_before = {r.run_id for r in after}, {r.run_id for r in before}
    assert run.run_id in ids_after and not ids_after & ids_before
    all_ids = {r.run_id for r in client.runs.list(page_size=200).runs}
    assert ids_after | ids_before == all_ids
    from hume_expression_measurement.errors import NotFoundError

    with pytest.raises(NotFoundError):
        client.runs.get("00000000-0000-4000-8000-000000000000")


def test_run_events_paging(client):
    with client.audio.connect() as socket:
        created = socket.recv()
        for _ in range(5):
            socket.send_audio_frame(b"\x01\x02\x03")
            assert socket.recv().code == "invalid_audio_frame"
        socket.send_audio_session_close(SessionClose(type="session.close"))
        assert socket.recv().type == "session.closed"
    seqs, cursor = [], None
    while True:
        page = client.runs.list_events(created.session_id, page_size=2, cursor=cursor)
        assert len(page.events) <= 2
        seqs += [e.seq for e in page.events]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seqs == [1, 2, 3, 4, 5]
    assert page.at_cap is False and page.gaps is False
    run = client.runs.get(created.session_id)
    assert run.metered_seconds == 0.0 and run.bytes_received == 0  # nothing was taken in


def test_bad_credentials(srv):
    from hume_expression_measurement.errors import UnauthorizedError

    bad = ExpressionMeasurementClient(api_key="nope", environment=env(srv), max_retries=0)
    with pytest.raises(UnauthorizedError) as info:
        bad.runs.list()
    assert info.value.body.request_id is not None and len(info.value.body.request_id) == 32
    from hume_expression_measurement.core.api_error import ApiError

    with pytest.raises(ApiError) as info, bad.audio.connect():
        pass
    assert info.value.status_code == 401

    import httpx

    # v1 also accepts an access token as Authorization: Bearer (exactly one credential)
    ok = httpx.get(f"{srv.url}/v1/expression/run", headers={"Authorization": "Bearer test-key"})
    assert ok.status_code == 200
    both = httpx.get(
        f"{srv.url}/v1/expression/run",
        headers={"Authorization": "Bearer test-key", "X-Hume-Api-Key": "test-key"},
    )
    assert both.status_code == 401 and set(both.json()) == {"message"}
