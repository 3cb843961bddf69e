"""The HTTP layer against the local server's fault injection."""

from __future__ import annotations

import asyncio
import logging
import socket

import httpx
import pytest

from humeresearch.clients import ApiError, TransportError
from humeresearch.clients._http import AsyncHttpClient, HttpClient, RetryPolicy, resolve_key

from .conftest import KEY

JOB = {"text": ["I am glad."]}


def client(url: str, waits: list[float], **kw) -> HttpClient:
    return HttpClient(url, api_key=KEY, sleep=waits.append, **kw)


@pytest.mark.parametrize("kind", ["429", "503", "500", "drop_before", "drop_after", "truncate"])
def test_idempotent_calls_retry(faulty, kind):
    srv = faulty(f"GET /v0/batch/jobs={kind}:#1")
    waits: list[float] = []
    with client(srv.url, waits) as http:
        assert http.request("GET", "/v0/batch/jobs", idempotent=True).json() == []
    assert srv.counters()["requests"]["GET /v0/batch/jobs"] == 2
    assert len(waits) == 1
    if kind in ("429", "503"):
        assert waits == [1.0]  # Retry-After honoured
    else:
        assert 0.25 <= waits[0] <= 0.5  # jittered first backoff


def test_retry_after_param_and_attempt_cap(faulty):
    srv = faulty("GET /v0/batch/jobs=429:1@3")
    waits: list[float] = []
    with client(srv.url, waits, retry=RetryPolicy(attempts=3)) as http:
        with pytest.raises(ApiError) as info:
            http.request("GET", "/v0/batch/jobs", idempotent=True)
    assert info.value.status == 429 and info.value.retry_after == 3.0
    assert waits == [3.0, 3.0]
    assert srv.counters()["requests"]["GET /v0/batch/jobs"] == 3


@pytest.mark.parametrize("kind", ["429", "503", "500"])
def test_job_creation_never_retried_on_status(faulty, kind):
    srv = faulty(f"POST /v0/batch/jobs={kind}:#1")
    waits: list[float] = []
    with client(srv.url, waits) as http:
        with pytest.raises(ApiError) as info:
            http.request("POST", "/v0/batch/jobs", idempotent=False, json=JOB)
    assert info.value.status == int(kind) and waits == []
    counters = srv.counters()
    assert counters["requests"]["POST /v0/batch/jobs"] == 1
    assert counters["jobs_by_content"] == {}


@pytest.mark.parametrize(
    ("kind", "acted"), [("drop_before", 0), ("drop_after", 1), ("truncate", 1)]
)
def test_job_creation_lost_answer_is_ambiguous(faulty, kind, acted):
    srv = faulty(f"POST /v0/batch/jobs={kind}:#1")
    with client(srv.url, []) as http:
        with pytest.raises(TransportError) as info:
            http.request("POST", "/v0/batch/jobs", idempotent=False, json=JOB)
    assert info.value.sent and info.value.ambiguous
    assert sum(srv.counters()["jobs_by_content"].values()) == acted


def test_connection_refused_is_not_sent():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with HttpClient(f"http://127.0.0.1:{port}", sleep=lambda s: None) as http:
        with pytest.raises(TransportError) as info:
            http.request("POST", "/v0/batch/jobs", idempotent=False, json=JOB)
    assert info.value.sent is False and "not sent" in str(info.value)


def test_key_only_in_headers_never_shown(srv, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    seen: list[httpx.Request] = []
    with HttpClient(srv.url, api_key=KEY, headers={}) as http:
        http._client.event_hooks["request"].append(seen.append)
        http.request("GET", "/v0/batch/jobs", idempotent=True, params={"limit": 1})
        assert KEY not in repr(http) and "api_key=set" in repr(http)
    assert seen[0].headers["X-Hume-Api-Key"] == KEY
    assert KEY not in str(seen[0].url)
    with HttpClient(srv.url, api_key="wrong-" + KEY) as http:
        with pytest.raises(ApiError) as info:
            http.request("GET", "/v0/batch/jobs", idempotent=True)
    assert info.value.status == 401
    assert KEY not in str(info.value) and KEY not in repr(info.value)
    assert KEY not in caplog.text
    monkeypatch.setenv("HUME_API_KEY", KEY)
    assert resolve_key(None).reveal() == KEY and KEY not in repr(resolve_key(None))
    with HttpClient(srv.url) as http:  # from the environment
        assert http.request("GET", "/v0/batch/jobs", idempotent=True).status_code == 200
    monkeypatch.delenv("HUME_API_KEY")
    assert resolve_key(None) is None


def test_v1_error_body(srv):
    with HttpClient(srv.url, api_key=KEY) as http:
        with pytest.raises(ApiError) as info:
            http.request("GET", "/v1/expression/run/nope", idempotent=True)
    err = info.value
    assert (err.status, err.code) == (404, "not_found") and len(err.request_id) == 32


def test_async_retries_and_no_retry_for_creation(faulty):
    srv = faulty("GET /v0/batch/jobs=503:#1@0,POST /v0/batch/jobs=503:#1@0")

    async def main():
        async with AsyncHttpClient(srv.url, api_key=KEY) as http:
            jobs = (await http.request("GET", "/v0/batch/jobs", idempotent=True)).json()
            with pytest.raises(ApiError):
                await http.request("POST", "/v0/batch/jobs", idempotent=False, json=JOB)
            return jobs

    assert asyncio.run(main()) == []
    assert srv.counters()["requests"] == {"GET /v0/batch/jobs": 2, "POST /v0/batch/jobs": 1}
