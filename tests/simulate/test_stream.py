"""One v0 streaming reply per client message (hume-v0.md section 10)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from humeresearch.simulate import v0_stream_reply

from ._helpers import image, signal, wav


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_image_face_reply(vocab):
    msg = {
        "data": b64(image(640, 480)),
        "models": {"face": {"identify_faces": True}},
        "payload_id": "p-1",
    }
    reply = v0_stream_reply(msg)
    assert reply["payload_id"] == "p-1"
    (face,) = reply["face"]["predictions"]
    assert set(face) == {
        "frame",
        "time",
        "bbox",
        "prob",
        "face_id",
        "emotions",
    }  # no facs/descriptions keys
    assert face["time"] is None and face["frame"] == 0.0 and type(face["frame"]) is float
    assert face["face_id"] == "0"
    b = face["bbox"]
    assert 0 <= b["x"] and b["x"] + b["w"] <= 640 and 0 <= b["y"] and b["y"] + b["h"] <= 480
    assert [e["name"] for e in face["emotions"]] == list(vocab("v0_emotions_48_csv_order"))
    full = v0_stream_reply({**msg, "models": {"face": {"facs": {}, "descriptions": {}}}})
    item = full["face"]["predictions"][0]
    assert (
        len(item["facs"]) == 36 and len(item["descriptions"]) == 27 and item["face_id"] == "unknown"
    )
    assert v0_stream_reply(msg) == reply


def test_blank_image_warns():
    reply = v0_stream_reply(
        {"data": b64(image(300, 300, "PNG", blank=True)), "models": {"face": {}}}
    )
    assert reply == {"face": {"warning": "No faces detected.", "code": "W0103"}}


def test_audio_reply_follows_the_sound():
    data = wav(signal(4.5, [(0.5, 2.5), (3.0, 3.4)]))
    reply = v0_stream_reply({"data": b64(data), "models": {"prosody": {}, "burst": {}}})
    spans = [
        (round(p["time"]["begin"], 2), round(p["time"]["end"], 2))
        for p in reply["prosody"]["predictions"]
    ]
    assert spans == [(0.5, 2.5), (3.0, 3.4)]
    assert [round(p["time"]["begin"], 2) for p in reply["burst"]["predictions"]] == [3.0]
    silent = v0_stream_reply(
        {"data": b64(wav(np.zeros(16000))), "models": {"prosody": {}, "burst": {}}}
    )
    assert silent["prosody"]["code"] == "W0104" and silent["burst"]["code"] == "W0101"


def test_text_reply_positions():
    text = "I love this. It is great, really!"
    reply = v0_stream_reply(
        {
            "data": text,
            "raw_text": True,
            "models": {"language": {"granularity": "sentence", "sentiment": {}}},
        }
    )
    preds = reply["language"]["predictions"]
    assert [p["text"] for p in preds] == ["I love this.", "It is great, really!"]
    for p in preds:
        assert text[p["position"]["begin"] : p["position"]["end"]] == p["text"]
        assert len(p["sentiment"]) == 9 and "toxicity" not in p and "time" not in p
    passage = v0_stream_reply(
        {"data": b64(text.encode()), "models": {"language": {"granularity": "passage"}}}
    )
    assert [p["text"] for p in passage["language"]["predictions"]] == [text]


def test_facemesh():
    mesh = np.zeros((2, 478, 3)).tolist()
    reply = v0_stream_reply({"data": b64(json.dumps(mesh).encode()), "models": {"facemesh": {}}})
    assert len(reply["facemesh"]["predictions"]) == 2
    empty = v0_stream_reply({"data": b64(b"[]"), "models": {"facemesh": {}}})
    assert empty["facemesh"]["code"] == "W0102"


def test_job_details_and_reset():
    reply = v0_stream_reply({"job_details": True, "payload_id": 7})
    assert reply["payload_id"] == "7" and len(reply["job_details"]["job_id"]) == 32
    assert v0_stream_reply({"reset_stream": True}) == {}


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("{not json", "E0100"),
        ([1, 2], "E0101"),
        ({"models": {"face": {}}}, "E0101"),
        ({"data": "aGk=", "models": {}}, "E0101"),
        ({"data": "aGk=", "models": {"ner": {}}}, "E0101"),
        ({"data": "aGk=", "models": {"language": {"granularity": "conversational_turn"}}}, "E0101"),
        ({"data": "hi", "raw_text": True, "models": {"prosody": {}}}, "E0102"),
        ({"data": "not base64!", "models": {"face": {}}}, "E0201"),
        ({"data": "x" * 10_001, "raw_text": True, "models": {"language": {}}}, "E0205"),
        ({"data": base64.b64encode(b"\x00\x01\x02\xfe").decode(), "models": {"face": {}}}, "E0200"),
    ],
)
def test_errors(message, code):
    if isinstance(message, dict):
        message = {**message, "payload_id": "q"}
    reply = v0_stream_reply(message)
    assert reply["code"] == code and isinstance(reply["error"], str)
    if isinstance(message, dict):
        assert reply["payload_id"] == "q"


def test_limits_and_type_mismatch():
    long_audio = wav(signal(5.5, [(0.5, 5.0)]))
    assert v0_stream_reply({"data": b64(long_audio), "models": {"prosody": {}}})["code"] == "E0203"
    ok = wav(signal(4.9, [(0.5, 4.5)]))
    assert "prosody" in v0_stream_reply({"data": b64(ok), "models": {"prosody": {}}})
    mismatch = v0_stream_reply({"data": b64(image(100, 100)), "models": {"prosody": {}}})
    assert mismatch["code"] == "E0102" and "image" in mismatch["error"]
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (3001, 20)).save(buf, "PNG")
    assert v0_stream_reply({"data": b64(buf.getvalue()), "models": {"face": {}}})["code"] == "E0200"
