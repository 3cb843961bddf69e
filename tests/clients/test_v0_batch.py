"""The v0 batch client against the local server."""

from __future__ import annotations

import hashlib
import io
import time
import zipfile

import pytest

from humeresearch.clients import (
    BatchConfig,
    FaceConfig,
    LanguageConfig,
    TransportError,
    V0BatchClient,
)
from tests.media.conftest import make_video

from .conftest import KEY

pytestmark = pytest.mark.filterwarnings("ignore:.*not decoded by the simulator")

TEXT_CFG = BatchConfig(language=LanguageConfig(granularity="sentence", sentiment=True))


@pytest.fixture(scope="module")
def video() -> bytes:
    return make_video(seconds=1.0)


def test_text_job_end_to_end(srv, tmp_path):
    seen = []
    with V0BatchClient(srv.url, api_key=KEY) as v0:
        job_id = v0.start_job(config=TEXT_CFG, text=["I am so glad. This is sad."])
        job = v0.wait(job_id, progress=seen.append)
        raw = tmp_path / "predictions.json"
        entries = v0.predictions(job_id, path=raw)
        zipped = v0.artifacts(job_id, path=tmp_path / "artifacts.zip")
    assert job["state"]["status"] == "COMPLETED" and seen[-1] == job
    assert job["request"]["models"]["language"]["granularity"] == "sentence"
    assert job["request"]["text"] == ["I am so glad. This is sad."]
    assert entries[0]["source"] == {"type": "text"}
    language = entries[0]["results"]["predictions"][0]["models"]["language"]
    assert language["grouped_predictions"][0]["predictions"][0]["sentiment"]
    assert raw.read_bytes().startswith(b"[")
    assert zipfile.ZipFile(io.BytesIO(zipped)).namelist()
    assert (tmp_path / "artifacts.zip").read_bytes() == zipped


def test_file_job_keeps_filename_and_md5(srv, video):
    with V0BatchClient(srv.url, api_key=KEY) as v0:
        job_id = v0.start_job(
            config=BatchConfig(face=FaceConfig(fps_pred=3)), files=[("clip.mp4", video)]
        )
        job = v0.wait(job_id)
        entries = v0.predictions(job_id)
    files = job["request"]["files"]
    assert files[0]["filename"] == "clip.mp4"
    assert files[0]["md5sum"] == hashlib.md5(video).hexdigest()
    assert entries[0]["source"]["md5sum"] == hashlib.md5(video).hexdigest()
    assert "face" in entries[0]["results"]["predictions"][0]["models"]


def test_file_job_from_path(srv, video, tmp_path):
    path = tmp_path / "talk.mp4"
    path.write_bytes(video)
    with V0BatchClient(srv.url, api_key=KEY) as v0:
        job = v0.job(v0.start_job(files=[path]))
    assert job["request"]["files"][0]["filename"] == "talk.mp4"
    assert job["request"]["models"] is not None  # every model, defaults echoed


def test_list_filters_and_paging():
    from humeresearch import server

    with server.start(api_key=KEY) as s, V0BatchClient(s.url, api_key=KEY) as v0:
        ids = []
        for i in range(5):
            ids.append(v0.start_job(config=TEXT_CFG, text=[f"text {i}"]))
            time.sleep(0.003)
        for job_id in ids:
            v0.wait(job_id)
        assert [j["job_id"] for j in v0.jobs(limit=2)] == ids[::-1][:2]
        assert [j["job_id"] for j in v0.jobs(direction="asc", sort_by="created")] == ids
        assert len(v0.jobs(status=["COMPLETED", "FAILED"])) == 5
        assert v0.jobs(status="QUEUED") == []
        assert [j["job_id"] for j in v0.iter_jobs(page_size=2)] == ids[::-1]
        created = v0.job(ids[2])["state"]["created_timestamp_ms"]
        assert [j["job_id"] for j in v0.iter_jobs(created_after_ms=created)] == ids[:1:-1]
        with pytest.raises(ValueError, match="status must be one of"):
            v0.jobs(status="DONE")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="give urls, text or files"):
            v0.start_job(config=TEXT_CFG)


@pytest.mark.parametrize(("kind", "arrived"), [("drop_after", 1), ("drop_before", 0)])
def test_ambiguous_creation_resolved_by_listing(faulty, kind, arrived):
    srv = faulty(f"POST /v0/batch/jobs={kind}:#2")  # the second job creation
    text = ["Exactly once, please."]
    with V0BatchClient(srv.url, api_key=KEY) as v0:
        v0.start_job(config=TEXT_CFG, text=["another input"])
        t0 = int(time.time() * 1000) - 1
        with pytest.raises(TransportError) as info:
            v0.start_job(config=TEXT_CFG, text=text)
        assert info.value.sent
        found = v0.find_jobs(created_after_ms=t0, text=text)
        assert len(found) == arrived
        if not found:
            v0.start_job(config=TEXT_CFG, text=text)
        assert len(v0.find_jobs(created_after_ms=t0, text=text)) == 1
    assert sorted(srv.counters()["jobs_by_content"].values()) == [1, 1]


def test_find_jobs_matches_files_and_urls(srv, video):
    t0 = int(time.time() * 1000) - 1
    with V0BatchClient(srv.url, api_key=KEY) as v0:
        a = v0.start_job(files=[("a.mp4", video)])
        b = v0.start_job(urls=["https://example.org/b.mp4"])
        assert [j["job_id"] for j in v0.find_jobs(created_after_ms=t0, files=[("x", video)])] == [a]
        assert [
            j["job_id"]
            for j in v0.find_jobs(created_after_ms=t0, urls=["https://example.org/b.mp4"])
        ] == [b]


def test_failed_job_and_wait_timeout(faulty):
    srv = faulty("fail_job:#1", processing_delay=0.3)
    with V0BatchClient(srv.url, api_key=KEY) as v0:
        job_id = v0.start_job(config=TEXT_CFG, text=["x"])
        with pytest.raises(TimeoutError):
            v0.wait(job_id, timeout=0.05, poll=0.1)
        job = v0.wait(job_id, poll=0.05)
    assert job["state"]["status"] == "FAILED" and job["state"]["message"]
