"""Exactly once under injected faults: drops after the server acted, truncated bodies, 429, 5xx."""

from __future__ import annotations

import pytest

from humeresearch.measure import Text, ledger_table, measure

from .conftest import KEY

pytestmark = pytest.mark.filterwarnings("ignore:.*not decoded by the simulator")

V1_FAULTS = ",".join(
    [
        "POST /v1/expression/audio/file=drop_after:0.15",
        "POST /v1/expression/audio/file=truncate:0.1",
        "POST /v1/expression/audio/file=429:0.1@0.05",
        "POST /v1/expression/audio/file=500:0.05",
        "POST /v1/expression/audio/file=drop_before:0.05",
        "GET /v1/expression/run=503:0.2@0.05",
    ]
)
V0_FAULTS = ",".join(
    [
        "POST /v0/batch/jobs=drop_after:0.15",
        "POST /v0/batch/jobs=truncate:0.1",
        "POST /v0/batch/jobs=429:0.1@0.05",
        "POST /v0/batch/jobs=503:0.05@0.05",
        "GET /v0/batch/jobs=500:0.1",
        "GET /v0/batch/jobs=truncate:0.05",
    ]
)


def _faults(srv, route: str, kinds: tuple[str, ...]) -> int:
    return sum(f["kind"] in kinds and f["route"] == route for f in srv.counters()["faults"])


def test_v1_uploads_exactly_once_plus_reported_ambiguous(many_wavs, serve, tmp_path):
    srv = serve(faults=V1_FAULTS, seed=3)
    m = measure(
        many_wavs, project=tmp_path, base_url=srv.url, api_key=KEY, concurrency=4, progress=False
    )
    summary = m.provenance["measure"]["summary"]
    assert summary["failed"] == {} and summary["measured"] == 30
    ambiguous = _faults(srv, "POST /v1/expression/audio/file", ("drop_after", "truncate"))
    assert ambiguous >= 3  # the seed gives several
    uploads = srv.counters()["uploads_by_content"]
    assert len(uploads) == 30 and sum(uploads.values()) == 30 + ambiguous
    extra = summary["extra_billed_runs"]
    assert len(extra) == ambiguous and summary["extra_billed_seconds"] == 10.0 * ambiguous
    ledger = ledger_table(tmp_path)
    per_input = ledger.set_index("input")["extra_runs"].map(len)
    hashes = dict(zip(ledger["input"], ledger["content_hash"], strict=True))
    assert per_input.sum() == ambiguous and len(hashes) == 30
    assert sorted(m.spans()["source"].unique()) == sorted(ledger["input"])


def test_v0_jobs_exactly_once(many_wavs, serve, tmp_path):
    srv = serve(faults=V0_FAULTS + ",fail_job:#4", seed=7)
    inputs = [
        *sorted(many_wavs.glob("*.wav"))[:20],
        *(Text(f"Text number {i}.") for i in range(10)),
    ]
    cfg = {"models": {"language": {}, "prosody": {}}}
    m = measure(
        inputs, api="v0", config=cfg, project=tmp_path, base_url=srv.url, api_key=KEY,
        concurrency=6, progress=False,
    )  # fmt: skip
    summary = m.provenance["measure"]["summary"]
    assert _faults(srv, "POST /v0/batch/jobs", ("drop_after", "truncate")) >= 3
    jobs = srv.counters()["jobs_by_content"]
    assert len(jobs) == 30 and set(jobs.values()) == {1}
    assert summary["measured"] == 29 and len(summary["failed"]) == 1
    (reason,) = summary["failed"].values()
    assert "FAILED" in reason
    # a later call retries the failed job only
    again = measure(
        inputs, api="v0", config=cfg, project=tmp_path, base_url=srv.url, api_key=KEY,
        progress=False,
    )  # fmt: skip
    assert again.provenance["measure"]["summary"]["skipped"] == 29
    assert sum(srv.counters()["jobs_by_content"].values()) == 31
