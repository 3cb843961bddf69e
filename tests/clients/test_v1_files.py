"""The v1 file client against the local server, with media made by PyAV."""

from __future__ import annotations

import json

import httpx
import pytest

from humeresearch.clients import ApiError, AudioConfig, V1Client, VideoConfig, pack_frames
from humeresearch.media import load_audio, video_frames
from tests.media.conftest import make_video

from .conftest import KEY


@pytest.fixture(scope="module")
def video() -> bytes:
    return make_video(seconds=4.0)


def config_parts(requests: list[httpx.Request]) -> list[dict | None]:
    """The JSON ``config`` part of each captured multipart request."""
    out = []
    for r in requests:
        body = r.read()
        boundary = r.headers["content-type"].split("boundary=")[1].encode()
        parts = [p for p in body.split(b"--" + boundary) if b'name="config"' in p]
        out.append(
            json.loads(parts[0].split(b"\r\n\r\n", 1)[1].rsplit(b"\r\n", 1)[0]) if parts else None
        )
    return out


def test_audio_from_video_track(srv, video, tmp_path):
    path = tmp_path / "talk.mp4"
    path.write_bytes(video)
    with V1Client(srv.url, api_key=KEY) as v1:
        response = v1.measure_audio(path, config=AudioConfig(measurement_timer_ms=5000))
        run = v1.run(response["run_id"])
        raw = v1.measure_audio(load_audio(video).pcm)  # headerless samples
    expected_ms = round(load_audio(video).duration * 1000)
    assert response["received"]["audio_duration_ms"] == expected_ms
    assert run["config"]["measurement_timer_ms"] == 5000 and run["endpoint"] == "audio"
    assert run["metered_seconds"] >= 10.0  # billed at least 10 s
    assert raw["received"]["audio_duration_ms"] == expected_ms
    for m in response["measurements"]:
        assert 0 <= m["audio_start_ms"] < m["audio_end_ms"] <= expected_ms + 1000


def test_video_frames_packed_with_face_state(srv, video):
    frames = list(video_frames(video))
    assert len(frames) == 12
    with V1Client(srv.url, api_key=KEY) as v1:
        captured: list[httpx.Request] = []
        v1.http._client.event_hooks["request"].append(captured.append)
        batches = v1.measure_frames(frames, config=VideoConfig(threshold=0.5), max_frames=5)
    assert [(b.first, b.count) for b in batches] == [(0, 5), (5, 5), (10, 2)]
    assert [b.response["received"]["frames"] for b in batches] == [5, 5, 2]
    configs = config_parts(captured)
    assert configs[0] == {"face": {"threshold": 0.5, "return_face_state": True}}
    for k in (1, 2):
        assert configs[k]["face_state"] == batches[k - 1].response["face_state"]
        assert configs[k]["face"] == {"threshold": 0.5, "return_face_state": True}
    assert [m["frame_id"] for m in batches[1].response["measurements"]] == list(range(5))


def test_video_in_one_request_when_it_fits(srv, video):
    frames = list(video_frames(video))
    with V1Client(srv.url, api_key=KEY) as v1:
        batches = v1.measure_frames(frames)
        run = v1.run(batches[0].response["run_id"])
    assert len(batches) == 1 and batches[0].response["received"]["frames"] == 12
    assert run["metered_seconds"] == pytest.approx(10.0)  # 12 / 3 = 4 s, at least 10 s


def test_pack_frames_limits():
    assert pack_frames([1_900_000] * 30) == [(0, 13), (13, 13), (26, 4)]
    assert pack_frames([]) == []
    with pytest.raises(ValueError, match="exceeds the 2 MB limit"):
        V1Client("http://127.0.0.1:9").measure_frames([b"\xff\xd8\xff" + bytes(2_000_000)])


def test_uploads_never_retried(faulty, video):
    srv = faulty("POST /v1/expression/audio/file=503:#1@0")
    with V1Client(srv.url, api_key=KEY, sleep=lambda s: None) as v1:
        with pytest.raises(ApiError) as info:
            v1.measure_audio(load_audio(video))
    assert info.value.status == 503
    counters = srv.counters()
    assert counters["requests"]["POST /v1/expression/audio/file"] == 1
    assert counters["uploads_by_content"] == {}


def test_server_rejects_nothing_the_config_accepts(srv, video):
    frames = list(video_frames(video, fps=1))
    with V1Client(srv.url, api_key=KEY) as v1:
        ok = v1.measure_images(frames, config=VideoConfig(threshold=0.0, min_size=1))
        assert ok["received"]["frames"] == 4
        with pytest.raises(ApiError) as info:
            v1.measure_images([b"not a jpeg"])
    assert info.value.code == "unsupported_media_type"


def test_runs_and_events_paging():
    from humeresearch import server

    with server.start(api_key=KEY) as s, V1Client(s.url, api_key=KEY) as v1:
        ids = [v1.measure_audio(bytes(3200 * (i + 1)))["run_id"] for i in range(5)]
        page = v1.runs(page_size=2)
        assert [r["run_id"] for r in page["runs"]] == ids[::-1][:2] and page["next_cursor"]
        assert [r["run_id"] for r in v1.iter_runs(page_size=2)] == ids[::-1]
        assert [r["run_id"] for r in v1.iter_runs(endpoint="audio", mode="file")] == ids[::-1]
        assert list(v1.iter_runs(endpoint="video")) == []
        assert list(v1.iter_events(ids[0])) == []
        with pytest.raises(ValueError, match="mode must be one of"):
            v1.runs(mode="batch")  # type: ignore[arg-type]
