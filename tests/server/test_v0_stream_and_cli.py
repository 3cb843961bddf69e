"""v0 stream envelope over a raw WebSocket, and the ``serve`` command line."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import textwrap

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from .conftest import jpeg_bytes, speech_pcm, wav_bytes

H = {"X-Hume-Api-Key": "test-key"}


def ask(ws, message) -> dict:
    ws.send(message if isinstance(message, str) else json.dumps(message))
    return json.loads(ws.recv(timeout=10))


def test_stream_envelope(srv):
    with connect(f"{srv.ws_url}/v0/stream/models", additional_headers=H) as ws:
        assert ask(ws, "{nope")["code"] == "E0100"
        assert ask(ws, "[1, 2]")["code"] == "E0101"
        assert ask(ws, {"models": {"face": {}}})["code"] == "E0101"  # no data
        details = ask(ws, {"job_details": True, "payload_id": "a"})
        assert details["payload_id"] == "a" and len(details["job_details"]["job_id"]) == 32
        again = ask(ws, {"job_details": True})
        assert again["job_details"] == details["job_details"]  # one job id per connection
        assert ask(ws, {"reset_stream": True}) == {}
        text = ask(
            ws,
            {
                "data": "Such a nice day.",
                "models": {"language": {}},
                "raw_text": True,
                "payload_id": "t",
            },
        )
        assert text["payload_id"] == "t" and text["language"]["predictions"][0]["text"]
        image = base64.b64encode(jpeg_bytes(seed=8)).decode()
        face = ask(ws, {"data": image, "models": {"face": {}}})
        for item in face["face"].get("predictions", []):
            assert set(item) >= {"bbox", "face_id", "emotions", "prob"}
        too_long = ask(ws, {"data": "y" * 10_001, "models": {"language": {}}, "raw_text": True})
        assert too_long["code"] == "E0205"
    # the replies read back through humeresearch.read
    import humeresearch as hr

    spans = hr.read([text, face]).spans()
    words = spans.loc[spans["model"] == "language", "text"].tolist()
    assert words == [p["text"] for p in text["language"]["predictions"]]
    assert (spans["model"] == "face").sum() == len(face["face"].get("predictions", []))


def test_stream_limits(srv):
    six_seconds = base64.b64encode(wav_bytes(speech_pcm(6.0))).decode()
    with connect(f"{srv.ws_url}/v0/stream/models", additional_headers=H) as ws:
        reply = ask(ws, {"data": six_seconds, "models": {"prosody": {}}, "payload_id": "long"})
    assert reply["code"] == "E0203" and reply["payload_id"] == "long"


def test_stream_auth(srv):
    with pytest.raises(InvalidStatus) as info, connect(f"{srv.ws_url}/v0/stream/models"):
        pass
    assert info.value.response.status_code == 401
    with connect(f"{srv.ws_url}/v0/stream/models?apikey=test-key") as ws:
        assert "job_details" in ask(ws, {"job_details": True})


def test_duplicate_slashes_are_collapsed(srv):
    # a base URL ending in "/" makes the v0 SDK ask for "//v0/stream/models"
    with connect(f"{srv.ws_url}//v0/stream/models", additional_headers=H) as ws:
        assert "job_details" in ask(ws, {"job_details": True})
    assert httpx.get(f"{srv.url}//v0/batch/jobs", headers=H).status_code == 200


_SERVE = textwrap.dedent(
    """
    import argparse, sys
    from humeresearch.server.cli import add_parser, run
    parser = argparse.ArgumentParser(prog="humeresearch")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(sys.argv[1:])
    raise SystemExit(run(args))
    """
)


def test_cli_serve_starts_answers_and_stops():
    env = {**os.environ, "HUME_API_KEY": "cli-key"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _SERVE,
            "serve",
            "--port",
            "0",
            "--seed",
            "4",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    try:
        line = proc.stdout.readline()
        assert "SIMULATED" in line and "API key required" in line
        assert "cli-key" not in line
        url = line.split()[2]
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{url}/v0/batch/jobs").status_code == 401
        assert httpx.get(f"{url}/v0/batch/jobs", headers={"X-Hume-Api-Key": "cli-key"}).json() == []
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "cli-key" not in out + err


def test_cli_refuses_remote_bind():
    proc = subprocess.run(
        [sys.executable, "-c", _SERVE, "serve", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "loopback" in proc.stderr
