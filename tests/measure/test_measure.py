"""measure() end to end against the local server: plan, v1, v0, resume, budget, secrets."""

from __future__ import annotations

import numpy as np
import pytest

import humeresearch as hr
from humeresearch.measure import Cancel, Text, ledger_table, measure
from humeresearch.media import frame_times

from .conftest import KEY

pytestmark = pytest.mark.filterwarnings("ignore:.*not decoded by the simulator")


def run(inputs, srv, project, **kwargs):
    kwargs.setdefault("progress", False)
    return measure(inputs, project=project, base_url=srv.url, api_key=KEY, **kwargs)


def test_dry_run_matches_hand_computed_billing(study, serve, tmp_path):
    srv = serve()
    plan = run(study, srv, tmp_path, dry_run=True, budget_seconds=25)
    # a.wav 6 s -> one run billed at the 10 s minimum; b.wav 12 s -> 12 s;
    # talk.mp4: audio 4 s -> 10 s, plus 12 frames (3 fps x 4 s) in one request -> 4 s -> 10 s
    assert plan["input"].str.rsplit("/", n=1).str[-1].tolist() == ["a.wav", "b.wav", "talk.mp4"]
    assert plan["media"].tolist() == ["audio", "audio", "video"]
    assert plan["duration"].round(2).tolist() == [6.0, 12.0, 4.0]
    assert plan["frames"].tolist() == [0, 0, 12]
    assert plan["requests"].tolist() == [1, 1, 2]
    assert plan["metered_seconds"].tolist() == [10.0, 12.0, 20.0]
    assert plan["within_budget"].tolist() == [True, True, False]  # 10, 22, 42
    assert plan["state"].tolist() == ["new"] * 3
    assert srv.counters()["requests"] == {}  # nothing sent
    assert not (tmp_path / "ledger.sqlite").exists()


def test_v1_end_to_end_one_clock(study, serve, tmp_path):
    srv = serve()
    events = []
    m = run(study, srv, tmp_path, progress=events.append)
    video = str(study / "sub" / "talk.mp4")
    spans = m.spans()
    assert sorted(spans["source"].str.rsplit("/", n=1).str[-1].unique()) == [
        "a.wav",
        "b.wav",
        "talk.mp4",
    ]
    talk = spans[spans["source"] == video]
    assert set(talk["model"]) == {"audio", "video"}
    frames = talk[talk["model"] == "video"].drop_duplicates("frame").sort_values("frame")
    assert frames["begin"].round(3).tolist() == [round(t, 3) for t in frame_times(video)]
    assert talk[talk["model"] == "audio"]["end"].max() <= 4.0 + 1e-6
    summary = m.provenance["measure"]["summary"]
    assert summary["billed_seconds"] == 42.0 and summary["failed"] == {}
    assert summary["measured"] == 3 and summary["extra_billed_runs"] == []
    assert m.provenance["measure"]["api"] == "v1"
    assert m.provenance["measure"]["base_url"] == srv.url
    hashes = {r["content_hash"] for r in m.provenance["measure"]["inputs"]}
    assert {r["content_hash"] for r in m.provenance["inputs"]} == hashes
    counters = srv.counters()
    assert sorted(counters["uploads_by_content"].values()) == [1, 1, 1, 1]
    assert hr.read_parquet(tmp_path / "measurements.parquet").long().equals(m.long())
    finals = [e for e in events if e["state"] == "done"]
    assert len(finals) == 3 and all(e["elapsed"] >= 0 for e in finals)
    ledger = ledger_table(tmp_path)
    assert ledger["state"].tolist() == ["done"] * 3
    assert sorted(ledger["billed_seconds"]) == [10.0, 12.0, 20.0]


def test_v0_files_urls_texts(study, serve, tmp_path):
    srv = serve()
    inputs = [
        study / "a.wav",
        str(study / "sub" / "*.mp4"),
        "https://example.org/clip.mp4",
        Text("I am so glad. This is sad.", name="greeting"),
    ]
    m = run(inputs, srv, tmp_path, api="v0", concurrency=2)
    sources = set(m.spans()["source"])
    assert {"greeting", "https://example.org/clip.mp4", str(study / "a.wav")} <= sources
    assert str(study / "sub" / "talk.mp4") in sources
    assert sorted(srv.counters()["jobs_by_content"].values()) == [1, 1, 1, 1]
    assert m.provenance["measure"]["summary"]["measured"] == 4
    v1 = run([Text("x", name="x")], srv, tmp_path / "v1", api="v1")
    assert "v1 measures local media only" in v1.provenance["measure"]["summary"]["failed"]["x"]


def test_resume_after_cancel_sends_nothing_twice(study, serve, tmp_path):
    srv = serve()
    token = Cancel()

    def stop_after_first(event):
        if event["state"] == "done":
            token.cancel()

    first = run(study, srv, tmp_path, concurrency=1, progress=stop_after_first, cancel=token)
    assert first.provenance["measure"]["summary"]["measured"] == 1
    assert ledger_table(tmp_path)["state"].tolist().count("done") == 1
    second = run(study, srv, tmp_path)
    summary = second.provenance["measure"]["summary"]
    assert summary["skipped"] == 1 and summary["measured"] == 2
    assert sorted(srv.counters()["uploads_by_content"].values()) == [1, 1, 1, 1]
    third = run(study, srv, tmp_path)
    assert third.provenance["measure"]["summary"]["skipped"] == 3
    assert sum(srv.counters()["uploads_by_content"].values()) == 4
    assert third.long().equals(second.long())


def test_v0_job_reattached_after_interruption(serve, tmp_path):
    srv = serve(processing_delay=0.6)
    token = Cancel()
    events = []

    def stop_when_waiting(event):
        events.append(event)
        if event["state"] == "waiting":
            token.cancel()

    texts = [Text("Hello there.", name="t1")]
    cfg = {"models": {"language": {}}}
    first = run(
        texts, srv, tmp_path, api="v0", config=cfg, progress=stop_when_waiting, cancel=token
    )
    assert len(first) == 0 and ledger_table(tmp_path)["state"].tolist() == ["submitted"]
    job_id = ledger_table(tmp_path)["remote_id"][0]
    events.clear()
    second = run(texts, srv, tmp_path, api="v0", config=cfg, progress=events.append)
    assert ("reattached", job_id) in [(e["state"], e["job_id"]) for e in events]
    assert set(second.spans()["source"]) == {"t1"}
    assert list(srv.counters()["jobs_by_content"].values()) == [1]


def test_budget_leaves_the_rest_planned(study, serve, tmp_path):
    srv = serve()
    m = run(study, srv, tmp_path, budget_seconds=25)
    ledger = ledger_table(tmp_path)
    assert ledger["state"].tolist() == ["done", "done", "planned"]
    assert m.provenance["measure"]["summary"]["pending"] == 1
    assert sum(srv.counters()["uploads_by_content"].values()) == 2


def test_no_byte_under_project_holds_the_key(study, serve, tmp_path):
    srv = serve(faults="POST /v1/expression/audio/file=drop_after:#1,GET /v0=500:#2")
    run(study, srv, tmp_path / "v1")
    run([study / "a.wav", Text("Hello.")], srv, tmp_path / "v0", api="v0")
    run(study / "nothing-*.wav", srv, tmp_path / "v0", api="v0")
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "ledger.sqlite" for p in files) and len(files) > 8
    for path in files:
        assert KEY.encode() not in path.read_bytes(), path
        assert KEY.encode("utf-16-le") not in path.read_bytes(), path


def test_bad_usage(tmp_path):
    with pytest.raises(ValueError, match="api must be one of"):
        measure([], api="v2", project=tmp_path)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="concurrency"):
        measure([], project=tmp_path, concurrency=0)
    with pytest.raises(FileNotFoundError, match="no such file"):
        measure(["/no/such/file.wav"], project=tmp_path, dry_run=True)
    plan = measure([Text("hi")], api="v0", project=tmp_path, dry_run=True)
    assert np.isnan(plan["duration"][0]) and plan["requests"][0] == 1
    assert list(tmp_path.iterdir()) == []


def test_sync_call_inside_a_running_loop(serve, tmp_path):
    import asyncio

    srv = serve()

    async def cell():  # a Jupyter cell: an event loop is already running
        return run([Text("Inside a loop.", name="nb")], srv, tmp_path, api="v0")

    m = asyncio.run(cell())
    assert set(m.spans()["source"]) == {"nb"}


def test_v0_stream_mode_through_measure(study, serve, tmp_path):
    from humeresearch.clients import LanguageConfig, ProsodyConfig, StreamConfig

    srv = serve()
    cfg = StreamConfig(prosody=ProsodyConfig(), language=LanguageConfig(granularity="sentence"))
    inputs = [study / "b.wav", Text("One sentence. Another one.", name="t")]
    m = run(inputs, srv, tmp_path, api="v0", config=cfg)
    spans = m.spans()
    assert set(spans["model"]) == {"prosody", "language"}
    wav = spans[spans["model"] == "prosody"]
    assert wav["end"].max() <= 12.0 and wav["begin"].min() >= 0.0
    assert len(wav) == 6  # 1.5 s of tone in every 2 s, cut into <= 5 s payloads at pauses
    assert srv.counters()["jobs_by_content"] == {}  # no batch job
    again = run(inputs, srv, tmp_path, api="v0", config=cfg)
    assert again.provenance["measure"]["summary"]["skipped"] == 2
    assert again.spans()["begin"].equals(spans["begin"])
