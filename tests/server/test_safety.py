"""A server safe to leave running (issue 13, items 11, 12, 13) and the ``serve`` command line."""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
import zipfile

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from humeresearch import server

from ._procs import ROOT

H = {"X-Hume-Api-Key": "test-key"}


def _wait(url: str, job_id: str, headers: dict) -> dict:
    for _ in range(600):
        job = httpx.get(f"{url}/v0/batch/jobs/{job_id}", headers=headers).json()
        if job["state"]["status"] in ("COMPLETED", "FAILED"):
            return job
        time.sleep(0.05)
    raise AssertionError("the job did not end")


def test_artifact_member_names_never_leave_the_target(srv):
    """Item 11: uploaded names with ``..``, backslashes or drive letters give safe members."""
    from .conftest import jpeg_bytes

    names = ["../../../../outside/x.jpg", "..\\..\\evil\\y.jpg", "C:z.jpg", "/abs/w.jpg"]
    files = [("file", (n, jpeg_bytes(seed=i), "image/jpeg")) for i, n in enumerate(names)]
    r = httpx.post(
        srv.url + "/v0/batch/jobs",
        files=files,
        data={"json": json.dumps({"models": {"face": {}}})},
        headers=H,
    )
    job = _wait(srv.url, r.json()["job_id"], H)
    assert [f["filename"] for f in job["request"]["files"]] == names  # echoed as sent
    data = httpx.get(f"{srv.url}/v0/batch/jobs/{job['job_id']}/artifacts", headers=H).content
    members = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len(members) == len(names)
    for name in members:
        parts = name.split("/")
        assert not name.startswith("/") and "\\" not in name and ":" not in name, name
        assert ".." not in parts and "." not in parts and "" not in parts, name
        assert parts[1] == "csv" and parts[-1] == "face.csv"
    assert members[0] == "file-0-.._.._.._.._outside_x.jpg/csv/_/_/_/_/outside/x.jpg/face.csv"


def test_data_directory_is_private(tmp_path):
    """Item 12: the data directory is created 0700, the database files 0600."""
    data = tmp_path / "store"
    with server.start(data_dir=data) as srv:
        httpx.post(srv.url + "/v0/batch/jobs", json={"text": ["hi"]})
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        files = sorted(p.name for p in data.iterdir())
        assert "humeresearch-server.sqlite3" in files
        for path in data.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("127.0.0.1", 200),
        ("127.0.0.1:8000", 200),
        ("localhost:1234", 200),
        ("[::1]:9", 200),
        ("evil.example", 403),
        ("evil.example:8000", 403),
        ("x.localhost", 403),
        ("10.0.0.1", 403),
    ],
)
def test_only_loopback_host_headers_are_answered(srv, host, status):
    """Item 13: DNS rebinding (a foreign Host resolving to 127.0.0.1) gets 403."""
    r = httpx.get(srv.url + "/v0/batch/jobs", headers={**H, "Host": host})
    assert r.status_code == status
    if status == 403:
        assert "loopback" in r.json()["message"]


def test_allow_remote_answers_any_host():
    with server.start(allow_remote=True) as s:
        assert (
            httpx.get(s.url + "/v0/batch/jobs", headers={"Host": "lab.example"}).status_code == 200
        )
        foreign = {"Origin": "https://evil.example", "Host": "lab.example"}
        assert (
            httpx.post(s.url + "/v0/batch/jobs", json={"text": ["x"]}, headers=foreign).status_code
            == 403
        )


def test_foreign_origins_cannot_change_state():
    """Item 13: without a key, a foreign page can neither create jobs nor open a WebSocket."""
    with server.start() as s:
        evil = {"Origin": "https://evil.example"}
        files = {"file": ("a.txt", b"hello there", "text/plain")}
        assert httpx.post(s.url + "/v0/batch/jobs", files=files, headers=evil).status_code == 403
        r = httpx.post(s.url + "/v1/expression/audio/file", files=files, headers={"Origin": "null"})
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
        assert s.counters()["jobs_by_content"] == {}
        assert httpx.get(s.url + "/v0/batch/jobs", headers=evil).status_code == 200  # read only
        local = {"Origin": "http://localhost:3000"}
        assert httpx.post(s.url + "/v0/batch/jobs", files=files, headers=local).status_code == 200
        assert httpx.post(s.url + "/v0/batch/jobs", files=files).status_code == 200  # no Origin
        for path in ("/v0/stream/models", "/v1/expression/audio/realtime"):
            with pytest.raises(InvalidStatus) as info:
                connect(s.ws_url + path, origin="https://evil.example").close()
            assert info.value.response.status_code == 403
        with connect(s.ws_url + "/v0/stream/models") as ws:  # no Origin: a program
            ws.send(json.dumps({"job_details": True}))
            assert "job_details" in json.loads(ws.recv(timeout=10))


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("http://localhost:9/cb", True),
        ("http://127.0.0.1:9/cb", True),
        ("http://[::1]:9/cb", True),
        ("http://evil.localhost/cb", False),
        ("http://localhost.evil.example/cb", False),
        ("http://169.254.169.254/cb", False),
    ],
)
def test_callback_hosts_are_literal_loopback(srv, url, ok):
    """Item 13: names ending in .localhost would be resolved through DNS: refused."""
    body = {"text": ["hi"], "callback_url": url}
    r = httpx.post(srv.url + "/v0/batch/jobs", json=body, headers=H)
    assert (r.status_code == 200) is ok, r.text


_SERVE = textwrap.dedent(
    """
    import argparse, sys
    for name in sys.argv[1].split(","):
        if name:
            sys.modules[name] = None  # the extra is not installed
    from humeresearch.server.cli import add_parser, run
    parser = argparse.ArgumentParser(prog="humeresearch")
    add_parser(parser.add_subparsers(dest="command"))
    raise SystemExit(run(parser.parse_args(sys.argv[2:])))
    """
)


def _serve(blocked: str, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _SERVE, blocked, "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        **kwargs,
    )


def test_serve_without_the_extra_has_help_and_exits_2():
    proc = _serve("starlette,uvicorn", "--help")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "--api-key-file" in out and "process list" in out
    proc = _serve("starlette,uvicorn", "--port", "0")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and 'pip install "humeresearch[server]"' in err
    code = (
        "import sys; sys.modules['uvicorn'] = None\n"
        "import humeresearch.server as s\n"
        "try:\n    s.start()\nexcept ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert 'pip install "humeresearch[server]"' in out.stdout, out.stderr


def test_key_file_and_no_secret_in_any_log_line(tmp_path):
    """Item 12: the key is read from --api-key-file; ``?apikey=`` never reaches the log."""
    secret = "s3cret-key-1234"
    key_file = tmp_path / "key.txt"
    key_file.write_text(secret + "\n")
    env = {k: v for k, v in os.environ.items() if k != "HUME_API_KEY"}
    proc = _serve(
        "", "--port", "0", "--api-key-file", str(key_file), "--log-level", "info", env=env
    )
    try:
        line = proc.stdout.readline()
        assert "API key required" in line and secret not in line
        url = line.split()[2]
        ws_url = url.replace("http://", "ws://")
        assert httpx.get(f"{url}/v0/batch/jobs").status_code == 401
        assert httpx.get(f"{url}/v0/batch/jobs?apiKey={secret}").status_code == 200
        with connect(f"{ws_url}/v0/stream/models?apikey={secret}") as ws:
            ws.send(json.dumps({"job_details": True}))
            ws.recv(timeout=10)
        with pytest.raises(InvalidStatus):
            connect(f"{ws_url}/v0/stream/models?apikey=wrong-{secret}").close()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "WebSocket /v0/stream/models?apikey=***" in err  # the access line, redacted
    assert secret not in out + err
