"""Fault injection: grammar, every fault kind, determinism, and exactly-once proofs via counters."""

from __future__ import annotations

import hashlib
import json
import time

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from humeresearch import server
from humeresearch.server import FaultRule, parse_faults
from humeresearch.server._faults import KINDS

from .conftest import speech_pcm


def job_hash(config: dict) -> str:
    doc = {"config": config, "files": []}
    return hashlib.sha256(
        json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


# ---------------------------------------------------------------- grammar
def test_parse_spec_examples():
    rules = parse_faults(
        "429:0.1,500:0.05,drop_after:0.02,slow:0.1@2.0,fail_job:0.1,truncate:0.05,ws_close:0.05,shutdown:0.01"
    )
    assert [r.kind for r in rules] == [
        "429",
        "500",
        "drop_after",
        "slow",
        "fail_job",
        "truncate",
        "ws_close",
        "shutdown",
    ]
    assert rules[3] == FaultRule("slow", probability=0.1, param=2.0)
    (rule,) = parse_faults("POST /v0/batch/jobs=drop_after:#2")
    assert rule == FaultRule("drop_after", nth=2, route="POST /v0/batch/jobs")
    assert parse_faults(None) == () and parse_faults("") == ()


@pytest.mark.parametrize("bad", ["boom:0.1", "429", "429:1.5", "429:#0", "slow:0.1@-1", "429:abc"])
def test_parse_rejects_bad_rules(bad):
    with pytest.raises(ValueError):
        parse_faults(bad)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(KINDS)),
            st.one_of(st.integers(1, 50).map(lambda n: f"#{n}"), st.floats(0, 1).map(repr)),
            st.one_of(st.none(), st.floats(0, 100).map(repr)),
        ),
        max_size=6,
    )
)
def test_parse_roundtrip(items):
    spec = ",".join(f"{k}:{w}" + (f"@{p}" if p is not None else "") for k, w, p in items)
    rules = parse_faults(spec)
    assert len(rules) == len(items)
    for rule, (kind, when, param) in zip(rules, items):
        assert rule.kind == kind
        if when.startswith("#"):
            assert rule.nth == int(when[1:]) and rule.probability is None
        else:
            assert rule.probability == float(when) and rule.nth is None
        assert rule.param == (None if param is None else float(param))


# ---------------------------------------------------------------- HTTP faults
def test_429_and_5xx_answer_without_acting(caplog):
    caplog.set_level("WARNING", logger="humeresearch.server")
    spec = "POST /v0/batch/jobs=429:#1@3,POST /v0/batch/jobs=503:#2,POST /v0/batch/jobs=500:#3,/v1/=500:#1"
    with server.start(faults=spec) as s:
        body = {"text": ["retry me"]}
        r1 = httpx.post(f"{s.url}/v0/batch/jobs", json=body)
        assert r1.status_code == 429 and r1.headers["retry-after"] == "3" and "message" in r1.json()
        r2 = httpx.post(f"{s.url}/v0/batch/jobs", json=body)
        assert r2.status_code == 503 and r2.headers["retry-after"] == "1"
        assert httpx.post(f"{s.url}/v0/batch/jobs", json=body).status_code == 500
        assert httpx.post(f"{s.url}/v0/batch/jobs", json=body).status_code == 200
        v1 = httpx.get(f"{s.url}/v1/expression/run")
        assert (
            v1.status_code == 500
            and v1.json()["code"] == "internal_error"
            and v1.json()["type"] == "error"
        )
        c = s.counters()
        assert c["jobs_by_content"] == {job_hash(body): 1}
        assert c["requests"]["POST /v0/batch/jobs"] == 4
        assert [f["kind"] for f in c["faults"]] == ["429", "503", "500", "500"]
    logged = [r.getMessage() for r in caplog.records if r.name == "humeresearch.server"]
    assert sum("injected fault" in m for m in logged) == 4


def test_drop_before_creates_nothing_and_drop_after_creates_once():
    with server.start(
        faults="POST /v0/batch/jobs=drop_before:#1,POST /v0/batch/jobs=drop_after:#2"
    ) as s:
        body = {"text": ["exactly once"]}
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.post(f"{s.url}/v0/batch/jobs", json=body)
        assert s.counters()["jobs_by_content"] == {}
        t0 = int(time.time() * 1000) - 1
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.post(f"{s.url}/v0/batch/jobs", json=body)
        # a good client recovers by listing instead of re-posting
        found = httpx.get(
            f"{s.url}/v0/batch/jobs", params={"when": "created_after", "timestamp_ms": t0}
        ).json()
        assert len(found) == 1 and found[0]["request"]["text"] == ["exactly once"]
        c = s.counters()
        assert c["jobs_by_content"] == {job_hash(body): 1}
        assert [f["kind"] for f in c["faults"]] == ["drop_before", "drop_after"]


def test_sdk_style_retry_duplicates_are_visible_in_counters():
    """A naive client that re-POSTs after a lost response creates the job twice."""
    with server.start(faults="POST /v0/batch/jobs=drop_after:#1") as s:
        body = {"text": ["duplicate me"]}
        for _ in range(2):
            try:
                httpx.post(f"{s.url}/v0/batch/jobs", json=body)
                break
            except httpx.RemoteProtocolError:
                continue
        assert s.counters()["jobs_by_content"][job_hash(body)] == 2


def test_slow_and_truncate():
    with server.start(faults="GET /v0/batch/jobs=slow:#1@0.4,GET /v0/batch/jobs=truncate:#2") as s:
        t = time.monotonic()
        assert httpx.get(f"{s.url}/v0/batch/jobs").status_code == 200
        assert time.monotonic() - t >= 0.4
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"{s.url}/v0/batch/jobs")
        assert httpx.get(f"{s.url}/v0/batch/jobs").status_code == 200


def test_truncated_upload_response_still_ran_once():
    from .conftest import wav_bytes

    with server.start(faults="/v1/expression/audio/file=truncate:#1") as s:
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.post(
                f"{s.url}/v1/expression/audio/file",
                files={"file": ("a", wav_bytes(speech_pcm(1.0)))},
            )
        runs = httpx.get(f"{s.url}/v1/expression/run").json()["runs"]
        assert len(runs) == 1 and runs[0]["status"] == "ended"
        assert list(s.counters()["uploads_by_content"].values()) == [1]


def test_fail_job():
    with server.start(faults="fail_job:#2") as s:
        ids = [
            httpx.post(f"{s.url}/v0/batch/jobs", json={"text": [f"j{i}"]}).json()["job_id"]
            for i in range(3)
        ]
        deadline = time.monotonic() + 10
        states = {}
        while time.monotonic() < deadline:
            states = {i: httpx.get(f"{s.url}/v0/batch/jobs/{i}").json()["state"] for i in ids}
            if all(st_["status"] in ("COMPLETED", "FAILED") for st_ in states.values()):
                break
            time.sleep(0.02)
        assert [states[i]["status"] for i in ids] == ["COMPLETED", "FAILED", "COMPLETED"]
        assert "injected" in states[ids[1]]["message"]
        assert httpx.get(f"{s.url}/v0/batch/jobs/{ids[1]}/predictions").status_code == 400
        assert s.counters()["faults"][0]["job_id"] == ids[1]


# ---------------------------------------------------------------- WebSocket faults
def _drain(ws) -> list[dict]:
    out = []
    try:
        while True:
            out.append(json.loads(ws.recv(timeout=10)))
    except ConnectionClosed:
        return out


def test_ws_close_mid_session_v0_and_v1():
    with server.start(
        faults="WS /v0/stream=ws_close:#1@2,WS /v1/=ws_close:#1@3", realtime_speed=100
    ) as s:
        with connect(f"{s.ws_url}/v0/stream/models") as ws:
            replies = []
            for i in range(3):
                try:
                    ws.send(json.dumps({"job_details": True, "payload_id": str(i)}))
                    replies.append(json.loads(ws.recv(timeout=10)))
                except ConnectionClosed:
                    break
            assert [r["payload_id"] for r in replies] == ["0", "1"]
            assert ws.close_code == 1011
        with connect(f"{s.ws_url}/v1/expression/audio/realtime") as ws:
            run_id = json.loads(ws.recv(timeout=10))["session_id"]
            for _ in range(3):
                ws.send(speech_pcm(0.1))
            messages = _drain(ws)
            assert ws.close_code == 1011
        assert all(m["type"] != "session.closed" for m in messages)
        run = httpx.get(f"{s.url}/v1/expression/run/{run_id}").json()
        assert (run["status"], run["close_code"], run["close_reason"]) == ("errored", 1011, "error")
        assert [f["kind"] for f in s.counters()["faults"]] == ["ws_close", "ws_close"]


def test_shutdown_fault_sends_server_shutdown():
    with server.start(faults="WS /v1/expression/video=shutdown:#1@1") as s:
        with connect(f"{s.ws_url}/v1/expression/video/realtime") as ws:
            ws.recv(timeout=10)
            ws.send(json.dumps({"type": "session.update"}))
            messages = _drain(ws)
            assert ws.close_code == 1012
        assert messages[0]["type"] == "session.updated"
        assert (
            messages[-1]["type"] == "session.closed" and messages[-1]["reason"] == "server_shutdown"
        )


def test_probabilistic_faults_are_seeded():
    def fired(seed: int) -> list[int]:
        with server.start(seed=seed, faults="GET /v0/batch/jobs=500:0.5") as s, httpx.Client() as c:
            return [c.get(f"{s.url}/v0/batch/jobs").status_code for _ in range(24)]

    a, b = fired(7), fired(7)
    assert a == b
    assert set(a) == {200, 500}
    assert fired(8) != a or fired(9) != a
