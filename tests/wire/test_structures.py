"""The v0 and v1 structures decode the real outputs and the simulator's outputs."""

from __future__ import annotations

import json

import msgspec
import numpy as np
import pytest

from humeresearch import define, simulate
from humeresearch.wire import v0, v1


@pytest.mark.parametrize("job", ["interreviewer", "interviewiq", "humegradio"])
def test_v0_predictions_decode(fixtures, job):
    data = (fixtures / f"{job}_predictions.json").read_bytes()
    entries = msgspec.json.decode(data, type=v0.PREDICTIONS)
    raw = json.loads(data)
    assert len(entries) == len(raw)
    for entry, doc in zip(entries, raw, strict=True):
        assert entry.source.type == doc["source"]["type"]
        for fp, fdoc in zip(entry.results.predictions, doc["results"]["predictions"], strict=True):
            assert list(fp.models) == list(fdoc["models"])
            for model, block in fp.models.items():
                groups = fdoc["models"][model]["grouped_predictions"]
                assert [g.id for g in block.grouped_predictions] == [g["id"] for g in groups]
                first = block.grouped_predictions[0].predictions[0]
                expected = groups[0]["predictions"][0]["emotions"]
                assert [(s.name, s.score) for s in first.emotions] == [
                    (s["name"], s["score"]) for s in expected
                ]


def test_v0_stream_reply_decodes(fixtures):
    reply = json.loads((fixtures / "stream_face_response.json").read_bytes())
    preds = msgspec.convert(reply["face"]["predictions"], list[v0.Prediction])
    assert preds[0].bbox is not None and preds[0].box is None
    assert preds[0].face_id == reply["face"]["predictions"][0]["face_id"]
    assert set(reply) - set(define.V0_STREAM_MODELS) <= set(v0.STREAM_REPLY_KEYS)


def test_model_tables_cover_the_v0_models():
    assert tuple(v0.SCORE_LISTS) == define.V0_MODELS == tuple(v0.MODEL_FIELDS)
    fields = set(v0.Prediction.__struct_fields__)
    for model in define.V0_MODELS:
        assert {a for a, _ in v0.SCORE_LISTS[model]} <= fields
        assert set(v0.MODEL_FIELDS[model]) <= fields
        assert {fam for _, fam in v0.SCORE_LISTS[model]} <= set(define.FAMILIES)


def test_v1_audio_decodes_a_simulated_response():
    t = np.arange(4 * 16_000) / 16_000
    tone = 0.3 * np.sin(2 * np.pi * 220 * t) * (t > 0.5)
    pcm = np.round(tone * 32767).astype("<i2").tobytes()
    response = simulate.v1_audio(pcm)
    decoded = msgspec.convert(response["measurements"], list[v1.AudioMeasurement])
    assert [m.measurement_id for m in decoded] == list(range(len(decoded))) and decoded
    first = response["measurements"][0]
    assert decoded[0].audio_start_ms == first["audio_start_ms"]
    assert [s.name for s in decoded[0].expressions] == [s["name"] for s in first["expressions"]]


def test_v1_video_measurement_by_hand():
    msg = {
        "type": "measurement.result",
        "frame_id": 3,
        "faces": [{"face_id": 0, "bbox": [1, 2, 5, 8]}],
    }
    m = msgspec.convert(msg, v1.VideoMeasurement)
    assert (m.frame_id, m.faces[0].face_id, m.faces[0].bbox) == (3, 0, [1.0, 2.0, 5.0, 8.0])
    assert m.faces[0].expressions is None
    assert "measurement.result" in v1.SERVER_MESSAGES and "session.close" in v1.CLIENT_MESSAGES


def test_request_defaults():
    # hume-v0.md section 4.5: the echo of a request that omitted "models"
    assert list(v0.MODEL_DEFAULTS) == ["burst", "facemesh", "face", "language", "ner", "prosody"]
    assert set(v0.MODEL_DEFAULTS) == set(define.V0_MODELS)
    assert v0.MODEL_DEFAULTS["face"]["fps_pred"] == 3
    assert v0.MODEL_DEFAULTS["face"]["prob_threshold"] == 0.99
    assert v0.MODEL_DEFAULTS["prosody"]["granularity"] == "utterance"
    assert v0.MODEL_DEFAULTS["language"]["granularity"] == "word"
    assert set(v0.STREAM_MODEL_DEFAULTS) <= set(define.V0_STREAM_MODELS)
    stream_face = v0.STREAM_MODEL_DEFAULTS["face"]
    assert stream_face == {k: v for k, v in v0.MODEL_DEFAULTS["face"].items() if k != "save_faces"}
    assert v0.TRANSCRIPTION_DEFAULTS["confidence_threshold"] == 0.5
    echo = simulate.v0_default_models(None)
    assert echo == v0.MODEL_DEFAULTS and echo["face"] is not v0.MODEL_DEFAULTS["face"]
