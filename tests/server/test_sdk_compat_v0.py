"""The official v0 SDK (``hume==0.13.13``) against the local server, unchanged.

Batch: start jobs from URLs/text and from local files, list, details, predictions,
artifacts; stream socket: face, language and prosody payloads, reset and job details.
Every response is parsed by the SDK's own types; predictions and artifacts read back
through ``humeresearch.read``.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from .conftest import jpeg_bytes, speech_pcm, wav_bytes

hume = pytest.importorskip("hume", reason="optional sdk-compat group: pip install hume==0.13.13")
pytestmark = [pytest.mark.sdk, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

from hume import HumeClient  # noqa: E402
from hume.expression_measurement.batch import (  # noqa: E402
    Face,
    InferenceBaseRequest,
    Language,
    Models,
    Prosody,
)
from hume.expression_measurement.stream import Config, StreamFace, StreamLanguage  # noqa: E402

NO_RETRY = {"max_retries": 0}


@pytest.fixture()
def client(srv):
    return HumeClient(api_key="test-key", base_url=srv.url)


def wait_done(batch, job_id: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        job = batch.get_job_details(job_id)
        if job.state.status in ("COMPLETED", "FAILED") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_start_from_urls_and_text_then_details_predictions_artifacts(client, tmp_path):
    import humeresearch as hr

    batch = client.expression_measurement.batch
    job_id = batch.start_inference_job(
        urls=["https://example.invalid/clips/interview.mp4"],
        text=["I am delighted to be here. It went rather well."],
        models=Models(
            face=Face(fps_pred=3.0), language=Language(granularity="sentence"), prosody=Prosody()
        ),
        notify=False,
        request_options=NO_RETRY,
    )
    assert len(job_id) == 36
    job = wait_done(batch, job_id)
    assert job.state.status == "COMPLETED"
    assert job.job_id == job_id
    # defaults are echoed as the effective config
    assert job.request.models.face.prob_threshold == pytest.approx(0.99)
    assert job.request.models.language.granularity == "sentence"
    assert job.request.models.burst is None  # only listed models run
    assert (
        job.state.ended_timestamp_ms
        >= job.state.started_timestamp_ms
        >= job.state.created_timestamp_ms
    )

    predictions = batch.get_job_predictions(job_id)
    assert [p.source.type for p in predictions] == ["url", "text"]
    assert job.state.num_predictions == sum(len(p.results.predictions) for p in predictions)
    url_models = predictions[0].results.predictions[0].models
    assert url_models.face is not None and url_models.language is not None
    text_models = predictions[1].results.predictions[0].models
    assert text_models.face is None and text_models.language is not None

    path = tmp_path / "artifacts.zip"
    batch.get_and_write_job_artifacts(job_id, file_name=str(path))
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    assert any(n.startswith("url-0-interview.mp4/csv/interview.mp4/") for n in names), names

    # what the server returned reads back through humeresearch.read
    raw = [p.dict() for p in predictions]
    spans = hr.read(raw).spans()
    assert set(spans["model"].astype(str)) >= {"face", "language"}


def test_start_from_local_files_multipart(client, tmp_path):
    batch = client.expression_measurement.batch
    image = tmp_path / "webcam.jpg"
    image.write_bytes(jpeg_bytes(seed=1))
    audio = tmp_path / "speech.wav"
    audio.write_bytes(wav_bytes(speech_pcm(4.0)))
    with open(image, "rb") as f1, open(audio, "rb") as f2:
        job_id = batch.start_inference_job_from_local_file(
            file=[f1, f2],
            json=InferenceBaseRequest(models=Models(face=Face(), prosody=Prosody())),
            request_options=NO_RETRY,
        )
    job = wait_done(batch, job_id)
    assert job.state.status == "COMPLETED"
    assert [f.filename for f in job.request.files] == ["webcam.jpg", "speech.wav"]
    import hashlib

    assert job.request.files[0].md_5_sum == hashlib.md5(image.read_bytes()).hexdigest()
    predictions = batch.get_job_predictions(job_id)
    assert [p.source.type for p in predictions] == ["file", "file"]
    assert predictions[0].source.filename == "webcam.jpg"
    assert predictions[0].results.predictions[0].models.face is not None


def test_raw_client_multipart_without_config(client, srv):
    """The generated raw client sends a plain ``json`` field holding ``null``."""
    raw = client.expression_measurement.batch.with_raw_response
    response = raw.start_inference_job_from_local_file(
        file=[jpeg_bytes(seed=2)], request_options=NO_RETRY
    )
    job_id = response.data
    job = wait_done(client.expression_measurement.batch, job_id)
    assert job.state.status == "COMPLETED"
    # no config: every model runs, and the bare-bytes part is named "upload"
    assert job.request.models.prosody is not None
    assert job.request.files[0].filename == "upload"


def test_list_jobs_filters_and_order(client):
    batch = client.expression_measurement.batch
    ids = [
        batch.start_inference_job(text=[f"sentence number {i}."], request_options=NO_RETRY)
        for i in range(3)
    ]
    for job_id in ids:
        wait_done(batch, job_id)
    created = {
        j.job_id: j.state.created_timestamp_ms for j in (batch.get_job_details(i) for i in ids)
    }
    t0 = min(created.values())
    listed = batch.list_jobs(
        limit=100,
        status=["COMPLETED", "FAILED"],
        when="created_after",
        timestamp_ms=t0,
        sort_by="created",
        direction="asc",
    )
    got = [j.job_id for j in listed]
    expected = sorted((i for i in created), key=lambda i: (created[i], i))
    assert [g for g in got if g in created] == expected
    assert all(j.state.created_timestamp_ms >= t0 for j in listed)
    desc = batch.list_jobs(limit=2)
    assert len(desc) == 2
    assert desc[0].state.created_timestamp_ms >= desc[1].state.created_timestamp_ms
    assert batch.list_jobs(status="QUEUED", when="created_after", timestamp_ms=t0) == []


def test_unknown_job_and_bad_key(client, srv):
    from hume.core.api_error import ApiError

    with pytest.raises(ApiError) as info:
        client.expression_measurement.batch.get_job_details("00000000-0000-4000-8000-000000000000")
    assert info.value.status_code == 404
    bad = HumeClient(api_key="wrong", base_url=srv.url)
    with pytest.raises(ApiError) as info:
        bad.expression_measurement.batch.list_jobs(request_options=NO_RETRY)
    assert info.value.status_code == 401
    # hume 0.13.13 maps only the legacy websockets exception to ApiError; with websockets>=14
    # the handshake refusal surfaces as InvalidStatus. Either way the status is 401.
    from websockets.exceptions import InvalidStatus

    with (
        pytest.raises((ApiError, InvalidStatus)) as info,
        bad.expression_measurement.stream.connect(),
    ):
        pass
    err = info.value
    assert (err.status_code if isinstance(err, ApiError) else err.response.status_code) == 401


def test_stream_socket_face_language_prosody(client, tmp_path):
    image = tmp_path / "frame.jpg"
    image.write_bytes(jpeg_bytes(seed=4))
    audio = tmp_path / "clip.wav"
    audio.write_bytes(wav_bytes(speech_pcm(3.0)))
    with client.expression_measurement.stream.connect() as socket:
        face = socket.send_file(str(image), config=Config(face=StreamFace()), payload_id="p-face")
        assert face.payload_id == "p-face"
        assert face.face is not None
        items = face.face.predictions or []
        for item in items:
            assert item.bbox is not None and item.face_id is not None
        language = socket.send_text(
            "What a lovely day it is.", config=Config(language=StreamLanguage())
        )
        assert language.language is not None and language.language.predictions
        assert language.language.predictions[0].text
        prosody = socket.send_file(str(audio), config=Config(prosody={}))
        assert prosody.prosody is not None
        details = socket.get_job_details()
        assert len(details.job_details.job_id) == 32
        reset = socket.reset()
        assert getattr(reset, "error", None) is None
        too_long = socket.send_text("x" * 10_001, config=Config(language=StreamLanguage()))
        assert too_long.code is not None and too_long.error


def test_artifacts_zip_reads_back(client, srv):
    import httpx

    import humeresearch as hr

    batch = client.expression_measurement.batch
    job_id = batch.start_inference_job(
        urls=["https://example.invalid/a.mp4"], models=Models(face=Face()), request_options=NO_RETRY
    )
    wait_done(batch, job_id)
    data = b"".join(batch.get_job_artifacts(job_id))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "url-0-a.mp4/csv/a.mp4/face.csv" in zf.namelist()
    preds = httpx.get(
        f"{srv.url}/v0/batch/jobs/{job_id}/predictions", headers={"X-Hume-Api-Key": "test-key"}
    ).json()
    from_json = hr.read(preds).long()
    from_zip = hr.read(data).long()
    assert len(from_zip) == len(from_json) > 0
