"""Reliability at scale: 300 inputs under 20 % injected faults of every kind."""

from __future__ import annotations

import numpy as np
import pytest

from humeresearch.measure import Text, ledger_table, measure
from humeresearch.media import Audio

from .conftest import KEY

pytestmark = pytest.mark.filterwarnings("ignore:.*not decoded by the simulator")

N = 300
AMBIGUOUS = ("drop_after", "truncate")


def _rules(route: str) -> list[str]:
    """20 % of the route's requests faulted, spread over every HTTP kind."""
    return [
        f"{route}=429:0.03@0.05",
        f"{route}=500:0.03",
        f"{route}=503:0.02@0.05",
        f"{route}=drop_before:0.03",
        f"{route}=drop_after:0.04",
        f"{route}=slow:0.02@0.3",
        f"{route}=truncate:0.03",
    ]


def _hits(srv, route: str, kinds: tuple[str, ...]) -> int:
    return sum(f["kind"] in kinds and f["route"] == route for f in srv.counters()["faults"])


def _check_every_input_accounted(m, n: int) -> dict:
    summary = m.provenance["measure"]["summary"]
    assert summary["measured"] + len(summary["failed"]) == n and summary["pending"] == 0
    assert all(isinstance(r, str) and r for r in summary["failed"].values())
    return summary


@pytest.mark.slow
def test_v0_300_texts_jobs_exactly_once(serve, tmp_path):
    post, get = "POST /v0/batch/jobs", "GET /v0/batch/jobs"
    faults = ",".join([*_rules(post), *_rules(get), "fail_job:0.03"])
    srv = serve(faults=faults, seed=11)
    texts = [Text(f"Input number {i} is short.", name=f"t{i:03d}") for i in range(N)]
    m = measure(
        texts, api="v0", config={"models": {"language": {}}}, project=tmp_path,
        base_url=srv.url, api_key=KEY, concurrency=16, progress=False,
    )  # fmt: skip
    summary = _check_every_input_accounted(m, N)
    jobs = srv.counters()["jobs_by_content"]
    assert len(jobs) == N and set(jobs.values()) == {1}  # exactly one job per input
    assert _hits(srv, post, AMBIGUOUS) >= 10
    failed_jobs = sum(f["kind"] == "fail_job" for f in srv.counters()["faults"])
    assert failed_jobs >= 3 and len(summary["failed"]) == failed_jobs
    assert all("FAILED" in r for r in summary["failed"].values())
    assert m.spans()["source"].nunique() == N - failed_jobs


@pytest.mark.slow
def test_v1_300_wavs_uploads_at_most_once_plus_reported(serve, tmp_path):
    route = "POST /v1/expression/audio/file"
    faults = ",".join([*_rules(route), *_rules("GET /v1/expression/run")])
    srv = serve(faults=faults, seed=12)
    folder = tmp_path / "wavs"
    folder.mkdir()
    for i in range(N):
        # distinct lengths: a lost answer's run is matched to its input by bytes received
        t = np.arange(8000 + 16 * i) / 16000
        x = np.sin(2 * np.pi * (120 + i) * t) * 9000 * (t > 0.1)
        (folder / f"w{i:03d}.wav").write_bytes(Audio(x.astype("<i2").tobytes()).wav())
    m = measure(
        folder, project=tmp_path / "p", base_url=srv.url, api_key=KEY, concurrency=16,
        progress=False,
    )  # fmt: skip
    summary = _check_every_input_accounted(m, N)
    assert summary["failed"] == {}  # every fault here is retryable
    ambiguous = _hits(srv, route, AMBIGUOUS)
    assert ambiguous >= 10
    uploads = srv.counters()["uploads_by_content"]
    ledger = ledger_table(tmp_path / "p")
    extra = ledger.set_index("content_hash")["extra_runs"].map(len)
    assert len(uploads) == N and sum(uploads.values()) == N + ambiguous
    assert extra.sum() == ambiguous == len(summary["extra_billed_runs"])  # each reported
    # per input: uploads = 1 + the ambiguous faults that hit it (as a multiset: the
    # server hashes the request, the ledger the file)
    assert sorted(uploads.values()) == sorted((1 + extra).tolist())
    assert summary["extra_billed_seconds"] == 10.0 * ambiguous
