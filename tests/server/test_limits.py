"""Hostile sizes and values (issue 13, items 8, 9, 10, 14): refused at once, memory bounded.

Peak memory is measured on a server in a subprocess (VmHWM from /proc).
"""

from __future__ import annotations

import io
import json
import sqlite3
import time
import zipfile

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from humeresearch import server
from humeresearch.server._limits import (
    V0_MAX_BODY,
    V0_MAX_JSON_BODY,
    V0_MAX_TEXT_CHARS,
    V0_STREAM_MAX_MESSAGE,
    WS_MAX_SIZE,
)

from ._procs import MiB, chunked_post, declared_post, peak_rss_mb, server_process

H = {"X-Hume-Api-Key": "test-key"}


def _wait(url: str, job_id: str, headers: dict | None = None, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = httpx.get(f"{url}/v0/batch/jobs/{job_id}", headers=headers).json()
        if job["state"]["status"] in ("COMPLETED", "FAILED"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not end")


def _bomb(member: str, size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(member, b"word " * (size // 5))
    return buf.getvalue()


def test_oversized_bodies_are_refused_before_they_are_read():
    """Item 9: a declared Content-Length over the limit gets 413 at once; a chunked body is
    read only up to the limit; memory grows by at most the limit."""
    with server_process() as (proc, url):
        base = peak_rss_mb(proc.pid)
        response, seconds = declared_post(
            url, "/v0/batch/jobs", length=300 * MiB, ctype="application/json"
        )
        assert response.startswith(b"HTTP/1.1 413") and seconds < 2
        assert peak_rss_mb(proc.pid) - base < 5
        response, sent = chunked_post(
            url, "/v0/batch/jobs", total=300 * MiB, ctype="application/json"
        )
        assert response.startswith(b"HTTP/1.1 413") and b"8388608-byte limit" in response
        assert sent < V0_MAX_JSON_BODY + 16 * MiB  # it stopped reading near the limit
        assert peak_rss_mb(proc.pid) - base < 30
        head = b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\n'
        response, sent = chunked_post(
            url,
            "/v0/batch/jobs",
            total=300 * MiB,
            ctype="multipart/form-data; boundary=zz",
            head=head,
        )
        assert response.startswith(b"HTTP/1.1 413") and sent < V0_MAX_BODY + 16 * MiB
        grown = peak_rss_mb(proc.pid) - base
        assert grown < 1.5 * V0_MAX_BODY / MiB, grown  # before: +567 MB for 300 MB


def test_text_jobs_cannot_take_the_machine_down():
    """Item 8: text over the cap is refused at creation (413); text hidden in uploads and
    archives is reported per file; the server's peak memory stays bounded."""
    with server_process() as (proc, url):
        ok = httpx.post(f"{url}/v0/batch/jobs", json={"text": ["A fine day."]}, timeout=30)
        _wait(url, ok.json()["job_id"])
        base = peak_rss_mb(proc.pid)
        big = "word " * (1_000_000 // 5)  # 1 MB: 4.5 GB of memory before the fix
        r = httpx.post(f"{url}/v0/batch/jobs", json={"text": [big]}, timeout=30)
        assert r.status_code == 413 and str(V0_MAX_TEXT_CHARS) in r.json()["message"]
        r = httpx.post(f"{url}/v0/batch/jobs", json={"text": ["a"] * 101}, timeout=30)
        assert r.status_code == 400 and "at most 100" in r.json()["message"]
        r = httpx.post(
            f"{url}/v0/batch/jobs", json={"urls": [f"https://x.org/{i}.mp4" for i in range(101)]}
        )
        assert r.status_code == 400
        files = [
            ("file", ("notes.txt", big.encode() * 5, "text/plain")),
            ("file", ("bomb.zip", _bomb("inside.txt", 200 * MiB), "application/zip")),
        ]
        r = httpx.post(f"{url}/v0/batch/jobs", files=files, timeout=60)
        assert r.status_code == 200, r.text
        job = _wait(url, r.json()["job_id"])
        assert job["state"]["status"] == "COMPLETED"
        assert job["state"]["num_errors"] == 2
        preds = httpx.get(f"{url}/v0/batch/jobs/{job['job_id']}/predictions", timeout=30).json()
        messages = [e["message"] for entry in preds for e in entry["results"]["errors"]]
        assert "per job" in messages[0] and "inflates beyond" in messages[1]
        grown = peak_rss_mb(proc.pid) - base
        assert grown < 400, grown


def test_a_job_failing_while_processing_ends_failed_and_is_never_rerun(tmp_path):
    """Item 8: an exception while storing (the 5 MB case: OverflowError from SQLite) ends
    the job FAILED with a message; a restart does not run it again; a job interrupted by
    stops V0_MAX_ATTEMPTS times ends FAILED instead of being re-run forever."""
    with server.start(data_dir=tmp_path) as srv:

        def overflow(*args, **kwargs):
            raise OverflowError("BLOB longer than INT_MAX bytes")

        srv._state.store.complete_job = overflow
        job_id = httpx.post(srv.url + "/v0/batch/jobs", json={"text": ["hi"]}).json()["job_id"]
        job = _wait(srv.url, job_id)
    assert job["state"]["status"] == "FAILED"
    assert "OverflowError: BLOB longer than INT_MAX bytes" in job["state"]["message"]
    with server.start(data_dir=tmp_path, processing_delay=30.0) as srv:
        again = httpx.get(f"{srv.url}/v0/batch/jobs/{job_id}").json()
        assert again["state"] == job["state"]  # untouched: not re-run
        stuck = httpx.post(srv.url + "/v0/batch/jobs", json={"text": ["x"]}).json()["job_id"]
    with sqlite3.connect(tmp_path / "humeresearch-server.sqlite3") as db:
        db.execute(
            "UPDATE jobs SET status='IN_PROGRESS', started_ms=1, attempts=2 WHERE job_id=?",
            (stuck,),
        )
    with server.start(data_dir=tmp_path) as srv:
        job = _wait(srv.url, stuck)
    assert job["state"]["status"] == "FAILED"
    assert "stopped 2 times" in job["state"]["message"]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"transcription": {"language": 5}}, "request.transcription.language"),
        (
            {"transcription": {"identify_speakers": "yes"}},
            "request.transcription.identify_speakers",
        ),
        ({"models": {"prosody": {"identify_speakers": "yes"}}}, "models.prosody.identify_speakers"),
        ({"models": {"face": {"fps_pred": -1}}}, "models.face.fps_pred"),
        ({"models": {"language": {"granularity": "page"}}}, "models.language.granularity"),
    ],
)
def test_model_options_are_checked_at_creation(srv, config, field):
    """Item 10: a bad option is a 400 naming the field, not a FAILED job."""
    r = httpx.post(srv.url + "/v0/batch/jobs", json={"text": ["hi"], **config}, headers=H)
    assert r.status_code == 400 and field in r.json()["message"], r.text


@pytest.mark.parametrize(
    "query",
    [
        "limit=9223372036854775808",
        "limit=0",
        "timestamp_ms=99999999999999999999999&when=created_after",
        "timestamp_ms=" + "9" * 5000,
        "limit=1e3",
    ],
)
def test_query_values_out_of_range_are_400(srv, query):
    """Item 10: out-of-range integers get 400, not a reset connection."""
    r = httpx.get(f"{srv.url}/v0/batch/jobs?{query}", headers=H)
    assert r.status_code == 400 and "query parameter" in r.json()["message"]
    assert (
        httpx.get(f"{srv.url}/v0/batch/jobs?limit=9223372036854775807", headers=H).status_code
        == 200
    )


def test_v1_cursor_and_page_size_out_of_range_are_400(srv):
    import base64

    cursor = base64.urlsafe_b64encode(json.dumps([2**70, "x"]).encode()).decode().rstrip("=")
    r = httpx.get(f"{srv.url}/v1/expression/run?cursor={cursor}", headers=H)
    assert r.status_code == 400 and r.json()["code"] == "invalid_request"
    r = httpx.get(f"{srv.url}/v1/expression/run?page_size={'9' * 4000}", headers=H)
    assert r.status_code == 400


def test_v0_stream_answers_e0101_over_its_limit_and_closes_only_past_the_hard_cap(srv):
    """Item 14: a 5 MiB message is answered (E0205: text over 10 000 characters), a message
    over the 16 MiB limit gets E0101 and the session goes on; only past the hard cap does the
    connection close (1009)."""
    url = f"{srv.ws_url}/v0/stream/models"
    with connect(url, additional_headers=H, max_size=None) as ws:
        ws.send(json.dumps({"data": "x" * (5 * MiB), "models": {"language": {}}, "raw_text": True}))
        assert json.loads(ws.recv(timeout=30))["code"] == "E0205"
        ws.send(json.dumps({"data": "x" * (V0_STREAM_MAX_MESSAGE + 10), "payload_id": "big"}))
        reply = json.loads(ws.recv(timeout=30))
        assert reply["code"] == "E0101" and str(V0_STREAM_MAX_MESSAGE) in reply["error"]
        ws.send(json.dumps({"job_details": True}))
        assert "job_details" in json.loads(ws.recv(timeout=10))
        ws.send("x" * (WS_MAX_SIZE + 1))
        with pytest.raises(ConnectionClosed) as info:
            ws.recv(timeout=30)
    assert info.value.rcvd is not None and info.value.rcvd.code == 1009
