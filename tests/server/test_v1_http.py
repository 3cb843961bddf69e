"""v1 uploads and runs over plain HTTP: media rules, limits, error bodies, 401 shapes."""

from __future__ import annotations

import re
import struct

import httpx
import pytest

from .conftest import jpeg_bytes, speech_pcm, wav_bytes

H = {"X-Hume-Api-Key": "test-key"}


def audio(srv, data, *, config=None, ctype="audio/wav"):
    files = [("file", ("a", data, ctype))]
    if config is not None:
        files.append(("config", (None, config, "application/json")))
    return httpx.post(f"{srv.url}/v1/expression/audio/file", files=files, headers=H)


def assert_error(r, status, code):
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"type", "code", "message", "request_id"}
    assert body["type"] == "error" and body["code"] == code and body["message"]
    assert re.fullmatch(r"[0-9a-f]{32}", body["request_id"])


def wav_header(*, tag=1, channels=1, rate=16000, bits=16, data=b"\x00\x00" * 100, extra=b""):
    fmt = (
        struct.pack(
            "<HHIIHH", tag, channels, rate, rate * channels * bits // 8, channels * bits // 8, bits
        )
        + extra
    )
    body = (
        b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


@pytest.mark.parametrize(
    "data",
    [
        wav_bytes(speech_pcm(0.5), rate=8000),
        wav_bytes(speech_pcm(0.5), channels=2),
        wav_bytes(b"\x00" * 800, width=1),
        wav_header(tag=0xFFFE, extra=b"\x16\x00" + bytes(22)),
        wav_header(tag=3, bits=32),
        wav_bytes(speech_pcm(1.0))[:-101],  # truncated
        b"",
        b"\x00\x01\x02",  # headerless, odd length
    ],
    ids=["8k", "stereo", "8bit", "extensible", "float", "truncated", "empty", "odd"],
)
def test_audio_decode_failed(srv, data):
    assert_error(audio(srv, data), 400, "audio_decode_failed")


@pytest.mark.parametrize(
    "data",
    [
        b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(200),
        b"fLaC" + bytes(100),
        b"OggS" + bytes(100),
        b"\x00\x00\x00\x18ftypM4A " + bytes(100),
        b"RIFF\x10\x00\x00\x00AVI LIST" + bytes(100),
        # two consecutive MPEG-1 layer III frames (128 kbit/s, 44.1 kHz: 417 bytes each)
        (b"\xff\xfb\x90\x00" + bytes(413)) * 2,
    ],
    ids=["mp3-id3", "flac", "ogg", "m4a", "avi", "mp3-frames"],
)
def test_unsupported_media_type(srv, data):
    assert_error(audio(srv, data), 415, "unsupported_media_type")


def test_headerless_and_wav_agree_and_runs_record(srv):
    pcm = speech_pcm(4.0, seed=7)
    a = audio(srv, wav_bytes(pcm)).json()
    b = audio(srv, pcm, ctype="application/octet-stream").json()
    assert a["measurements"] == b["measurements"] and a["utterances"] == b["utterances"]
    assert a["received"] == {"audio_duration_ms": 4000}
    run = httpx.get(f"{srv.url}/v1/expression/run/{a['run_id']}", headers=H).json()
    assert run["status"] == "ended" and run["mode"] == "file" and run["bytes_received"] == len(pcm)
    assert run["metered_seconds"] == 10.0 and run["close_code"] is None
    assert run["config"] == {
        "schema": "v4",
        "audio": {"type": "audio/pcm", "encoding": "s16le", "sample_rate": 16000, "channels": 1},
        "measurement_timer_ms": 3000,
        "simulated": True,
    }
    assert a["simulated"] is True and b["simulated"] is True  # never mistaken for real output


def test_config_rules(srv):
    pcm = speech_pcm(1.0)
    r = audio(srv, pcm, config='{"timer_ms": 5000}')
    assert_error(r, 400, "config_invalid")
    assert "unknown field `timer_ms`" in r.json()["message"]
    assert_error(audio(srv, pcm, config='{"measurement_timer_ms": 2000}'), 400, "config_invalid")
    assert_error(audio(srv, pcm, config='{"measurement_timer_ms": 10001}'), 400, "config_invalid")
    assert_error(audio(srv, pcm, config="not json"), 400, "config_invalid")
    ok = audio(srv, pcm, config='{"measurement_timer_ms": 10000}')
    assert ok.status_code == 200
    run = httpx.get(f"{srv.url}/v1/expression/run/{ok.json()['run_id']}", headers=H).json()
    assert run["config"]["measurement_timer_ms"] == 10000


def test_body_limits_and_multipart(srv):
    big = b"\x00\x00" * (12_500_001)  # 25 000 002 bytes of samples
    assert_error(audio(srv, big), 413, "audio_too_long")
    r = httpx.post(
        f"{srv.url}/v1/expression/audio/file",
        content=b"--xx\r\nbroken",
        headers={**H, "content-type": "multipart/form-data; boundary=xx"},
    )
    assert_error(r, 400, "message_invalid")
    r = httpx.post(f"{srv.url}/v1/expression/audio/file", json={"file": "x"}, headers=H)
    assert_error(r, 400, "message_invalid")
    r = httpx.post(
        f"{srv.url}/v1/expression/audio/file",
        files={"config": (None, "{}", "application/json")},
        headers=H,
    )
    assert_error(r, 400, "invalid_request")


def sof_only_jpeg(width: int, height: int) -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + bytes(9) + sof + b"\xff\xd9"


def video(srv, images, config=None):
    files = [("file", (f"{i}.jpg", img, "image/jpeg")) for i, img in enumerate(images)]
    if config is not None:
        files.append(("config", (None, config, "application/json")))
    return httpx.post(f"{srv.url}/v1/expression/video/file", files=files, headers=H)


def test_video_rules(srv):
    ok = jpeg_bytes(seed=1)
    r = video(srv, [ok, ok])
    assert r.status_code == 200
    body = r.json()
    assert body["received"] == {"frames": 2} and "face_state" not in body
    assert [m["frame_id"] for m in body["measurements"]] == [0, 1]
    assert_error(video(srv, [ok, b"\x89PNG\r\n\x1a\n" + bytes(50)]), 415, "unsupported_media_type")
    assert_error(video(srv, [ok, ok[:3] + bytes(2_000_001)]), 413, "image_too_large")
    assert_error(video(srv, [sof_only_jpeg(3841, 2160)]), 413, "image_too_large")
    assert video(srv, [sof_only_jpeg(3840, 2160)]).status_code != 413  # exactly at the pixel limit
    assert_error(video(srv, [b"\xff\xd8\xff\xe0" + bytes(30)]), 400, "image_decode_failed")
    assert_error(video(srv, [ok], config='{"face": {"threshold": 2}}'), 400, "config_invalid")
    assert_error(video(srv, [ok], config='{"face": {"size": 2}}'), 400, "config_invalid")
    assert_error(video(srv, [ok], config='{"faces": {}}'), 400, "config_invalid")
    state = video(srv, [ok], config='{"face": {"return_face_state": true, "min_size": 20}}').json()
    assert isinstance(state["face_state"], str)
    run = httpx.get(f"{srv.url}/v1/expression/run/{state['run_id']}", headers=H).json()
    assert run["config"]["face"] == {"threshold": 0.9, "min_size": 20}
    assert run["endpoint"] == "video" and run["metered_seconds"] == 10.0


def test_unauthorised_shapes(srv):
    r = httpx.get(f"{srv.url}/v1/expression/run")
    assert r.status_code == 401 and set(r.json()) == {"message"}
    r = httpx.get(f"{srv.url}/v1/expression/run", headers={"X-Hume-Api-Key": "bad"})
    assert r.status_code == 401 and set(r.json()) == {"message", "request_id"}
    r = httpx.get(f"{srv.url}/v1/expression/run", headers={"Authorization": "Bearer bad"})
    assert r.status_code == 401 and set(r.json()) == {"message"}
    r = httpx.post(f"{srv.url}/v1/expression/audio/file", files={"file": ("a", b"\x00\x00")})
    assert r.status_code == 401


def test_runs_validation_and_unknown_routes(srv):
    base = f"{srv.url}/v1/expression/run"
    assert_error(httpx.get(base, params={"page_size": 0}, headers=H), 400, "invalid_request")
    assert_error(httpx.get(base, params={"page_size": 201}, headers=H), 400, "invalid_request")
    assert_error(httpx.get(base, params={"status": "done"}, headers=H), 400, "invalid_request")
    assert_error(httpx.get(base, params={"cursor": "!!"}, headers=H), 400, "invalid_request")
    assert_error(
        httpx.get(base, params={"started_after": "yesterday"}, headers=H), 400, "invalid_request"
    )
    assert_error(httpx.get(f"{base}/nope", headers=H), 404, "not_found")
    assert_error(httpx.get(f"{base}/nope/events", headers=H), 404, "not_found")
    assert_error(httpx.get(f"{srv.url}/v1/expression/nothing", headers=H), 404, "not_found")
    assert_error(httpx.delete(base, headers=H), 405, "method_not_allowed")
