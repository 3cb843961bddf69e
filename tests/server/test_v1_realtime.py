"""v1 realtime protocol over raw WebSockets: pacing, config locking, limits, closes."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from humeresearch import server

from .conftest import jpeg_bytes, speech_pcm

H = {"X-Hume-Api-Key": "test-key"}


def recv_json(ws) -> dict:
    return json.loads(ws.recv(timeout=10))


def drain(ws) -> list[dict]:
    out = []
    try:
        while True:
            out.append(recv_json(ws))
    except ConnectionClosed:
        return out


@pytest.fixture(scope="module")
def realtime_srv():
    """Real-time pacing (speed 1), to prove rate limiting."""
    with server.start(seed=1) as s:
        yield s


def test_audio_rate_limited_when_faster_than_real_time(realtime_srv):
    pcm = speech_pcm(3.0)
    frames = [pcm[i : i + 3200] for i in range(0, len(pcm), 3200)]  # 100 ms each
    with connect(f"{realtime_srv.ws_url}/v1/expression/audio/realtime") as ws:
        created = recv_json(ws)
        for frame in frames:  # 3 s of audio at once: only ~1 s fits the allowance
            ws.send(frame)
        ws.send(json.dumps({"type": "session.close"}))
        messages = drain(ws)
    closed = messages[-1]
    limited = [m for m in messages if m.get("code") == "rate_limited"]
    assert all(m["retryable"] is True for m in limited)
    accepted_ms = closed["received"]["audio_duration_ms"]
    # every frame is either accepted or rate limited, and acceptance stays within 1 s + elapsed
    assert accepted_ms // 100 + len(limited) == len(frames)
    assert 1000 <= accepted_ms < 3000
    events = httpx.get(
        f"{realtime_srv.url}/v1/expression/run/{created['session_id']}/events"
    ).json()
    assert [e["kind"] for e in events["events"]] == ["rate_limited"] * len(limited)
    assert all("detail" not in e for e in events["events"])


def test_video_rate_limited_beyond_three_frames_per_second(realtime_srv):
    image = jpeg_bytes(seed=2)
    with connect(f"{realtime_srv.ws_url}/v1/expression/video/realtime") as ws:
        recv_json(ws)
        replies = []
        for _ in range(6):
            ws.send(image)
            replies.append(recv_json(ws))
        ws.send(json.dumps({"type": "session.close"}))
        closed = drain(ws)[-1]
    kinds = [r["type"] if r["type"] != "error" else r["code"] for r in replies]
    assert kinds[:3] == ["measurement.result"] * 3  # the bucket holds 3 frames
    assert "rate_limited" in kinds[3:]
    results = [r for r in replies if r["type"] == "measurement.result"]
    assert [r["frame_id"] for r in results] == list(range(len(results)))
    assert closed["received"]["frames"] == len(results)


def test_config_locks_at_first_frame(srv):
    with connect(f"{srv.ws_url}/v1/expression/audio/realtime", additional_headers=H) as ws:
        created = recv_json(ws)
        assert created["measurement_timer_ms"] == 3000
        ws.send(json.dumps({"type": "session.update", "measurement_timer_ms": 5000}))
        updated = recv_json(ws)
        assert updated == {
            "type": "session.updated",
            "audio": {
                "type": "audio/pcm",
                "encoding": "s16le",
                "sample_rate": 16000,
                "channels": 1,
            },
            "measurement_timer_ms": 5000,
        }
        ws.send(json.dumps({"type": "session.update"}))  # replaces: omitted fields back to defaults
        assert recv_json(ws)["measurement_timer_ms"] == 3000
        ws.send(speech_pcm(0.1))
        ws.send(json.dumps({"type": "session.update", "measurement_timer_ms": 4000}))
        messages = drain(ws)
        assert ws.close_code == 1008
    errors = [m for m in messages if m["type"] == "error"]
    assert errors[-1]["code"] == "config_invalid" and errors[-1]["retryable"] is False
    assert messages[-1]["type"] == "session.closed" and messages[-1]["reason"] == "error"
    run = httpx.get(f"{srv.url}/v1/expression/run/{created['session_id']}", headers=H).json()
    assert (
        run["status"] == "errored" and run["close_reason"] == "error" and run["close_code"] == 1008
    )


def test_invalid_update_values(srv):
    for bad in (
        {"type": "session.update", "audio": {"sample_rate": 44100}},
        {"type": "session.update", "measurement_timer_ms": 20000},
        {"type": "session.update", "extra": 1},
    ):
        with connect(f"{srv.ws_url}/v1/expression/audio/realtime", additional_headers=H) as ws:
            recv_json(ws)
            ws.send(json.dumps(bad))
            messages = drain(ws)
        assert messages[0]["code"] == "config_invalid" and messages[-1]["reason"] == "error"


def test_message_limits_and_invalid_messages(srv):
    with connect(f"{srv.ws_url}/v1/expression/audio/realtime", additional_headers=H) as ws:
        created = recv_json(ws)
        ws.send("{not json")
        assert recv_json(ws)["code"] == "message_invalid"
        ws.send(json.dumps({"type": "what"}))
        assert recv_json(ws)["code"] == "message_invalid"
        ws.send(b"")
        assert recv_json(ws)["code"] == "invalid_audio_frame"
        ws.send(b"\x00" * 320_002)  # > 10 s
        assert recv_json(ws)["code"] == "invalid_audio_frame"
        ws.send(b"\x00" * (1_048_576 + 2))
        messages = drain(ws)
        assert ws.close_code == 1009
    assert messages[0]["code"] == "message_too_large" and messages[0]["retryable"] is False
    assert messages[-1]["type"] == "session.closed"
    events = httpx.get(
        f"{srv.url}/v1/expression/run/{created['session_id']}/events", headers=H
    ).json()
    kinds = [e["kind"] for e in events["events"]]
    assert kinds == ["invalid_audio_frame", "invalid_audio_frame", "message_too_large"]
    assert events["events"][-1]["detail"] == {"limit_bytes": 1_048_576}


def test_video_invalid_frames_and_totals(srv):
    image = jpeg_bytes(seed=3)
    with connect(f"{srv.ws_url}/v1/expression/video/realtime", additional_headers=H) as ws:
        recv_json(ws)
        ws.send(json.dumps({"type": "session.update", "face": {"threshold": 0.5}}))
        assert recv_json(ws)["face"] == {"threshold": 0.5, "min_size": 60}
        replies = []
        for frame in (image, b"\x89PNG\r\n\x1a\n" + bytes(10), image, b""):
            ws.send(frame)
            replies.append(recv_json(ws))
        ws.send(b"\xff\xd8\xff" + bytes(2_000_000))
        too_big = drain(ws)
    assert [r.get("code", r["type"]) for r in replies] == [
        "measurement.result",
        "invalid_image_frame",
        "measurement.result",
        "invalid_image_frame",
    ]
    assert [r["frame_id"] for r in replies if r["type"] == "measurement.result"] == [0, 1]
    assert too_big[0]["code"] == "message_too_large"
    closed = too_big[-1]
    assert closed["received"] == {"frames": 2}
    faces = sum(
        f["face_id"] is not None
        for r in replies
        if r["type"] == "measurement.result"
        for f in r["faces"]
    )
    assert closed["produced"] == {"measurements": faces}


def test_stop_sends_server_shutdown():
    s = server.start()
    with connect(f"{s.ws_url}/v1/expression/audio/realtime") as ws:
        created = recv_json(ws)
        s.stop()
        messages = drain(ws)
    assert messages[-1]["type"] == "session.closed" and messages[-1]["reason"] == "server_shutdown"
    assert messages[-1]["session_id"] == created["session_id"]
    assert ws.close_code == 1012


def test_client_drop_marks_run_errored(srv):
    with connect(f"{srv.ws_url}/v1/expression/video/realtime", additional_headers=H) as ws:
        run_id = recv_json(ws)["session_id"]
        live = httpx.get(f"{srv.url}/v1/expression/run/{run_id}", headers=H).json()
        assert live["status"] == "live" and live["ended_at"] is None
        ws.close(code=4000, reason="bye")
    for _ in range(100):
        run = httpx.get(f"{srv.url}/v1/expression/run/{run_id}", headers=H).json()
        if run["status"] != "live":
            break
        time.sleep(0.02)
    assert run["status"] == "errored" and run["close_code"] == 4000 and run["close_reason"] == "bye"
