"""v0 batch REST over plain HTTP: request variants, lifecycle, listing, callbacks, persistence."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
import time

import httpx
import pytest

from humeresearch import server

from .conftest import jpeg_bytes, speech_pcm, wav_bytes

H = {"X-Hume-Api-Key": "test-key"}


def wait_done(url: str, job_id: str, headers=H, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = httpx.get(f"{url}/v0/batch/jobs/{job_id}", headers=headers).json()
        if job["state"]["status"] in ("COMPLETED", "FAILED") or time.monotonic() > deadline:
            return job
        time.sleep(0.02)


def expected_hash(config, files) -> str:
    doc = {
        "config": config if config is not None else {},
        "files": [hashlib.sha256(f).hexdigest() for f in files],
    }
    return hashlib.sha256(
        json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


@pytest.mark.parametrize("variant", ["field", "file_part", "octet_named_upload", "null", "absent"])
def test_multipart_json_part_variants(srv, variant):
    image = jpeg_bytes(seed=11)
    cfg = {"models": {"face": {}}}
    text = json.dumps(cfg)
    files: list = [("file", ("webcam.jpg", image, "image/jpeg"))]
    data = {}
    if variant == "field":
        data = {"json": text}
    elif variant == "file_part":
        files.append(("json", ("upload", text.encode(), "application/octet-stream")))
    elif variant == "octet_named_upload":
        files.append(("json", text.encode()))  # httpx names a bare-bytes part "upload"
    elif variant == "null":
        data = {"json": "null"}
    r = httpx.post(f"{srv.url}/v0/batch/jobs", data=data, files=files, headers=H)
    assert r.status_code == 200, r.text
    job = wait_done(srv.url, r.json()["job_id"])
    assert job["state"]["status"] == "COMPLETED"
    assert job["request"]["files"] == [
        {
            "filename": "webcam.jpg",
            "content_type": "image/jpeg",
            "md5sum": hashlib.md5(image).hexdigest(),
        }
    ]
    models = set(job["request"]["models"])
    if variant in ("null", "absent"):
        assert models == {"face", "burst", "prosody", "language", "ner", "facemesh"}
        sent = None
    else:
        assert models == {"face"}
        sent = cfg
    digest = expected_hash(sent, [image])
    assert srv.counters()["jobs_by_content"][digest] >= 1


def test_json_job_defaults_lifecycle_and_readback(srv):
    import humeresearch as hr

    body = {"text": ["I love this.", "This is awful."], "models": {"language": {"sentiment": {}}}}
    r = httpx.post(f"{srv.url}/v0/batch/jobs", json=body, headers=H)
    job = wait_done(srv.url, r.json()["job_id"])
    lang = job["request"]["models"]["language"]
    assert lang == {
        "granularity": "word",
        "identify_speakers": False,
        "sentiment": {},
        "toxicity": None,
    }
    state = job["state"]
    assert set(state) == {
        "status",
        "created_timestamp_ms",
        "started_timestamp_ms",
        "ended_timestamp_ms",
        "num_predictions",
        "num_errors",
    }
    preds = httpx.get(f"{srv.url}/v0/batch/jobs/{job['job_id']}/predictions", headers=H).json()
    assert [p["source"] for p in preds] == [{"type": "text"}, {"type": "text"}]
    assert state["num_predictions"] == sum(len(p["results"]["predictions"]) for p in preds)
    long = hr.read(preds).long()
    assert set(long["family"].astype(str)) >= {"emotion", "sentiment"}
    # the same request is counted twice under the same content hash
    httpx.post(f"{srv.url}/v0/batch/jobs", json=body, headers=H)
    assert srv.counters()["jobs_by_content"][expected_hash(body, [])] == 2


def test_unreadable_media_gives_file_error(srv):
    junk = b"\x00\x01garbage" * 10
    r = httpx.post(
        f"{srv.url}/v0/batch/jobs", files={"file": ("broken.mp4", junk, "video/mp4")}, headers=H
    )
    job = wait_done(srv.url, r.json()["job_id"])
    assert job["state"]["status"] == "COMPLETED"
    preds = httpx.get(f"{srv.url}/v0/batch/jobs/{job['job_id']}/predictions", headers=H).json()
    errors = [e for p in preds for e in (p.get("results") or {}).get("errors", [])]
    source_errors = [p["error"] for p in preds if p.get("error")]
    assert job["state"]["num_errors"] == len(errors) + len(source_errors)


def test_bad_requests(srv):
    def post(**kw):
        return httpx.post(f"{srv.url}/v0/batch/jobs", **{"headers": H, **kw})

    assert post(json={}).status_code == 400
    assert (
        post(content=b"{not json", headers={**H, "content-type": "application/json"}).status_code
        == 400
    )
    r = post(json={"text": ["x"], "models": {"facey": {}}})
    assert r.status_code == 400 and "facey" in r.json()["message"]
    r = post(json={"text": ["x"], "callback_url": "http://example.com/hook"})
    assert r.status_code == 400 and "loopback" in r.json()["message"]
    r = post(data={"jsn": "{}"}, files={"file": ("a.jpg", b"x")})
    assert r.status_code == 400 and "jsn" in r.json()["message"]
    r = httpx.get(f"{srv.url}/v0/batch/jobs/nope", headers=H)
    assert r.status_code == 404 and r.json() == {"message": "job not found"}
    assert httpx.get(f"{srv.url}/v0/batch/jobs?status=DONE", headers=H).status_code == 400
    assert httpx.get(f"{srv.url}/v0/batch/jobs?limit=x", headers=H).status_code == 400


def test_auth_variants(srv):
    assert httpx.get(f"{srv.url}/v0/batch/jobs").status_code == 401
    r = httpx.get(f"{srv.url}/v0/batch/jobs", headers={"X-Hume-Api-Key": "wrong"})
    assert r.status_code == 401 and r.json()["fault"]["detail"]["errorcode"].endswith(
        "InvalidApiKey"
    )
    assert httpx.get(f"{srv.url}/v0/batch/jobs?apiKey=test-key").status_code == 200
    assert httpx.get(f"{srv.url}/v0/batch/jobs?apikey=test-key").status_code == 200
    assert "test-key" not in repr(srv) and "test-key" not in repr(srv.settings)
    assert "test-key" not in json.dumps(httpx.get(f"{srv.url}/_debug/counters", headers=H).json())


def test_lifecycle_states_with_processing_delay():
    with server.start(processing_delay=1.2) as s:
        r = httpx.post(f"{s.url}/v0/batch/jobs", json={"text": ["slow job"]})
        job_id = r.json()["job_id"]
        seen = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            job = httpx.get(f"{s.url}/v0/batch/jobs/{job_id}").json()
            if not seen or seen[-1] != job["state"]["status"]:
                seen.append(job["state"]["status"])
            if job["state"]["status"] == "COMPLETED":
                break
            time.sleep(0.05)
        # in order, ending COMPLETED (a loaded machine may poll too late to see QUEUED)
        order = ["QUEUED", "IN_PROGRESS", "COMPLETED"]
        assert seen[-1] == "COMPLETED" and seen == [x for x in order if x in seen]
        st = job["state"]
        assert st["ended_timestamp_ms"] - st["created_timestamp_ms"] >= 1200
        assert st["created_timestamp_ms"] < st["started_timestamp_ms"] < st["ended_timestamp_ms"]
        r = httpx.get(f"{s.url}/v0/batch/jobs/{job_id}/predictions")
        assert r.status_code == 200
        queued = httpx.post(f"{s.url}/v0/batch/jobs", json={"text": ["another"]}).json()["job_id"]
        early = httpx.get(f"{s.url}/v0/batch/jobs/{queued}/artifacts")
        # unfinished (QUEUED, or already IN_PROGRESS on a loaded machine): no results yet
        message = early.json()["message"]
        assert early.status_code == 400 and ("QUEUED" in message or "IN_PROGRESS" in message)


def test_list_filters_sort_and_direction():
    with server.start() as s:
        ids = []
        for i in range(4):
            ids.append(
                httpx.post(f"{s.url}/v0/batch/jobs", json={"text": [f"t{i}"]}).json()["job_id"]
            )
            time.sleep(0.01)
        for job_id in ids:
            wait_done(s.url, job_id, headers={})
        jobs = {j: httpx.get(f"{s.url}/v0/batch/jobs/{j}").json() for j in ids}
        created = {j: jobs[j]["state"]["created_timestamp_ms"] for j in ids}
        listed = httpx.get(
            f"{s.url}/v0/batch/jobs", params={"sort_by": "created", "direction": "asc"}
        ).json()
        assert [j["job_id"] for j in listed] == sorted(ids, key=lambda j: (created[j], j))
        default = httpx.get(f"{s.url}/v0/batch/jobs", params={"limit": 2}).json()
        assert [j["job_id"] for j in default] == sorted(
            ids, key=lambda j: (created[j], j), reverse=True
        )[:2]
        pivot = created[ids[2]]
        after = httpx.get(
            f"{s.url}/v0/batch/jobs", params={"when": "created_after", "timestamp_ms": pivot}
        ).json()
        before = httpx.get(
            f"{s.url}/v0/batch/jobs", params={"when": "created_before", "timestamp_ms": pivot}
        ).json()
        assert {j["job_id"] for j in after} == {j for j in ids if created[j] >= pivot}
        assert {j["job_id"] for j in before} == {j for j in ids if created[j] < pivot}
        ended = httpx.get(f"{s.url}/v0/batch/jobs", params={"sort_by": "ended"}).json()
        ends = [j["state"]["ended_timestamp_ms"] for j in ended]
        assert ends == sorted(ends, reverse=True)
        statuses = httpx.get(f"{s.url}/v0/batch/jobs?status=FAILED&status=QUEUED").json()
        assert statuses == []


class _Hook(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        _Hook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_callback_posts_job_and_predictions_to_loopback(srv):
    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=hook.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{hook.server_address[1]}/done"
        r = httpx.post(
            f"{srv.url}/v0/batch/jobs",
            json={"text": ["callback me"], "callback_url": url},
            headers=H,
        )
        job_id = r.json()["job_id"]
        deadline = time.monotonic() + 10
        while not _Hook.received and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(_Hook.received) == 1
        got = _Hook.received[0]
        assert got["job_id"] == job_id and got["state"]["status"] == "COMPLETED"
        preds = httpx.get(f"{srv.url}/v0/batch/jobs/{job_id}/predictions", headers=H).json()
        assert got["predictions"] == preds
    finally:
        hook.shutdown()


def test_jobs_and_runs_survive_a_restart(tmp_path):
    image = jpeg_bytes(seed=5)
    with server.start(data_dir=tmp_path, processing_delay=0.0) as s1:
        done = httpx.post(f"{s1.url}/v0/batch/jobs", files={"file": ("a.jpg", image)}).json()[
            "job_id"
        ]
        wait_done(s1.url, done, headers={})
        preds1 = httpx.get(f"{s1.url}/v0/batch/jobs/{done}/predictions").json()
        run_id = httpx.post(
            f"{s1.url}/v1/expression/audio/file",
            files={"file": ("a.wav", wav_bytes(speech_pcm(1.0)))},
        ).json()["run_id"]
    with server.start(data_dir=tmp_path, processing_delay=30.0) as s2:
        pending = httpx.post(f"{s2.url}/v0/batch/jobs", json={"text": ["finish me later"]}).json()[
            "job_id"
        ]
        assert httpx.get(f"{s2.url}/v0/batch/jobs/{pending}").json()["state"]["status"] == "QUEUED"
        assert httpx.get(f"{s2.url}/v0/batch/jobs/{done}/predictions").json() == preds1
    with server.start(data_dir=tmp_path, processing_delay=0.0) as s3:
        assert httpx.get(f"{s3.url}/v1/expression/run/{run_id}").json()["status"] == "ended"
        job = wait_done(s3.url, pending, headers={})
        assert job["state"]["status"] == "COMPLETED"  # resumed after the restart
        listed = {j["job_id"] for j in httpx.get(f"{s3.url}/v0/batch/jobs").json()}
        assert {done, pending} <= listed


def test_refuses_non_loopback_bind():
    with pytest.raises(ValueError, match="loopback"):
        server.start(host="0.0.0.0")
    with pytest.raises(ValueError, match="loopback"):
        server.start(host="192.168.1.10")
