"""The v1 realtime client: paced audio and video, rate limits, new sessions on one clock."""

from __future__ import annotations

import pytest

pytest.importorskip("av")
pytest.importorskip("websockets")

import humeresearch as hr
from humeresearch import server
from humeresearch.clients import RealtimeResult, V1Client, V1RealtimeClient
from humeresearch.media import video_frames

from .conftest import KEY, bursty, within


def _spans(m):
    s = m.spans(model="audio").sort_values(["begin", "end"])
    return list(zip(s["begin"].round(3), s["end"].round(3), strict=True))


def test_audio_realtime_equals_upload_and_paces():
    audio, segments = bursty(12.0, seed=4)
    with server.start(api_key=KEY, realtime_speed=10) as srv:
        upload = hr.read(V1Client(srv.url, api_key=KEY).measure_audio(audio), source="r")
        result = V1RealtimeClient(srv.url, api_key=KEY, speed=10).audio(audio, source="r")
        (session,) = result.sessions
        run = V1Client(srv.url, api_key=KEY).run(session.session_id)
    assert session.reason == "client_request" and session.accepted_seconds == 12.0
    assert _spans(result.read()) == _spans(upload)
    assert within(_spans(upload), segments)
    assert run["mode"] == "realtime" and run["bytes_received"] == len(audio.pcm)
    assert not [m for m in session.messages if m.get("code") == "rate_limited"]


def test_rate_limited_frames_are_sent_again():
    audio, _ = bursty(8.0, seed=5)
    # the client paces at 8x, the server takes audio at 2x: it runs ahead even on a loaded machine
    with server.start(api_key=KEY, realtime_speed=2) as srv:
        upload = hr.read(V1Client(srv.url, api_key=KEY).measure_audio(audio), source="r")
        result = V1RealtimeClient(srv.url, api_key=KEY, speed=8).audio(audio, source="r")
    (session,) = result.sessions
    limited = [m for m in session.messages if m.get("code") == "rate_limited"]
    assert limited  # the client ran ahead of the server ...
    assert session.accepted_seconds == session.sent_seconds == 8.0  # ... and lost nothing
    assert _spans(result.read()) == _spans(upload)


def test_server_shutdown_opens_a_new_session_with_its_offset(tmp_path):
    audio, segments = bursty(30.0, seed=6)
    faults = "WS /v1/expression/audio/realtime=shutdown:#1@80"  # after 8 s of audio
    with server.start(api_key=KEY, realtime_speed=20, faults=faults) as srv:
        result = V1RealtimeClient(srv.url, api_key=KEY, speed=20).audio(audio, source="r")
    first, second = result.sessions
    assert first.reason == "server_shutdown" and second.reason == "client_request"
    assert second.offset == pytest.approx(first.accepted_seconds) and first.accepted_seconds == 8.0
    assert first.accepted_seconds + second.accepted_seconds == 30.0
    m = RealtimeResult.load(result.save(tmp_path / "rt.json")).read()
    got = _spans(m)
    assert within(got, segments) and max(e for _, e in got) <= 30.0
    late = [s for s in got if s[0] >= 8.0]
    assert late and min(b for b, _ in late) >= 8.0  # second session's spans moved by 8 s
    assert m.spans()["span_id"].is_unique


def test_video_realtime_maps_frames_to_their_times(tmp_path):
    from tests.media.conftest import make_video

    frames = list(video_frames(make_video(seconds=4.0)))
    assert len(frames) == 12
    with server.start(api_key=KEY, realtime_speed=10) as srv:
        fast = V1RealtimeClient(srv.url, api_key=KEY, speed=30)  # 3x over the rate
        result = fast.video(frames, source="cam")
        paced = V1RealtimeClient(srv.url, api_key=KEY, speed=10).video(frames, source="cam")
    for r in (result, paced):
        (session,) = r.sessions
        assert sorted(session.frame_times.values()) == [f.time for f in frames]
        spans = r.read().spans(model="video")
        assert sorted(spans.drop_duplicates("frame")["begin"].round(6)) == [
            round(f.time, 6) for f in frames
        ]
    assert [m for m in result.sessions[0].messages if m.get("code") == "rate_limited"]


def test_video_realtime_continues_after_shutdown():
    from tests.media.conftest import make_video

    frames = list(video_frames(make_video(seconds=4.0)))
    faults = "WS /v1/expression/video/realtime=shutdown:#1@5"
    with server.start(api_key=KEY, realtime_speed=10, faults=faults) as srv:
        result = V1RealtimeClient(srv.url, api_key=KEY, speed=10).video(frames, source="cam")
    assert [s.reason for s in result.sessions] == ["server_shutdown", "client_request"]
    times = [t for s in result.sessions for t in s.frame_times.values()]
    assert sorted(times) == [f.time for f in frames]
    spans = result.read().spans(model="video")
    assert spans["frame"].nunique() == 12


def test_runs_and_events_page_with_cursors(srv):
    v1 = V1Client(srv.url, api_key=KEY)
    audio, _ = bursty(2.0, seed=7)
    ids = {v1.measure_audio(audio)["run_id"] for _ in range(5)}
    listed = [r["run_id"] for r in v1.iter_runs(page_size=2, mode="file", endpoint="audio")]
    assert ids <= set(listed) and len(listed) == len(set(listed))
    assert v1.runs(page_size=2)["next_cursor"]
