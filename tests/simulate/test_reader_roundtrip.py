"""Simulated outputs read back through ``humeresearch.read`` with the expected counts."""

from __future__ import annotations

import base64
from collections import Counter

import pytest

import humeresearch as hr
from humeresearch.simulate import (
    Effect,
    Source,
    study,
    v0_artifacts_zip,
    v0_predictions,
    v0_stream_reply,
    v1_audio,
    v1_audio_stream,
    v1_video,
)

from ._helpers import EVERY_MODEL, image, items, pcm16, signal, wav

SCORE_KEYS = ("emotions", "facs", "descriptions", "sentiment", "toxicity")


def _expected(predictions):
    spans, rows = Counter(), Counter()
    for model in ("face", "burst", "prosody", "language", "ner", "facemesh"):
        for gid, p in items(predictions, model):
            spans[(model, gid)] += 1
            rows[model] += sum(len(p.get(k) or []) for k in SCORE_KEYS)
    return spans, rows


def _check(m, predictions):
    spans, rows = _expected(predictions)
    sp = m.spans()
    got = sp.groupby(["model", "track"], observed=True).size()
    assert {(str(k[0]), str(k[1])): int(v) for k, v in got.items()} == dict(spans)
    long = m.long()
    got_rows = long.groupby("model", observed=True).size()
    assert {str(k): int(v) for k, v in got_rows.items()} == dict(rows)
    return sp, long


@pytest.fixture(scope="module")
def mixed():
    sources = [
        Source("file", "talk.wav", data=wav(signal(10.0, [(0.5, 4.0), (4.5, 4.9), (6.0, 9.5)]))),
        Source("file", "face.png", data=image(320, 240, "PNG")),
        Source("url", "https://example.org/v/clip.mp4"),
        Source("text", "text-0", text="We met Maria in Paris. Then we left!"),
        Source("file", "junk.bin", data=b"\x00\x01\x02\x03" * 4),
    ]
    return v0_predictions(sources, models=EVERY_MODEL)


def test_read_v0_predictions(mixed):
    m = hr.read(mixed)
    sp, long = _check(m, mixed)
    text_rows = sp[sp["model"] == "language"]
    assert text_rows["text"].notna().all()
    errors = m.errors()
    assert len(errors) == 1 and errors["file"].iloc[0] == "junk.bin"
    joy = long[(long["model"] == "face") & (long["name"] == "Joy")]["score"].tolist()
    assert joy == [
        s["score"] for _, p in items(mixed, "face") for s in p["emotions"] if s["name"] == "Joy"
    ]


def test_read_study():
    s = study(participants=4, duration=12.0, effects=[Effect("Joy", "treatment", 0.1)], seed=2)
    m = hr.read(s.predictions)
    sp, _ = _check(m, s.predictions)
    assert set(sp["source"].astype(str)) == set(s.design["source"])
    assert set(sp.loc[sp["model"] == "prosody", "track"].astype(str)) == {"spk_0", "spk_1"}
    assert set(sp.loc[sp["model"] == "face", "track"].astype(str)) == {"face_0"}


def test_read_artifacts_zip_matches_json():
    s = study(participants=3, duration=8.0, seed=1)
    from_zip = hr.read(v0_artifacts_zip(s.predictions)).spans()
    spans, _ = _expected(s.predictions)
    got = from_zip.groupby(["model", "track"], observed=True).size()
    assert {(str(k[0]), str(k[1])): int(v) for k, v in got.items()} == dict(spans)


def test_read_v1_outputs():
    audio = v1_audio(pcm16(signal(26.0, [(0.098, 26.0)])))
    sp = hr.read(audio).spans()
    assert sp["span_id"].tolist() == [m["measurement_id"] for m in audio["measurements"]]
    assert sp["end"].tolist() == [m["audio_end_ms"] / 1000 for m in audio["measurements"]]
    video = v1_video([image(640, 480), image(320, 240)])
    vs = hr.read(video).spans()
    assert vs["track"].astype(str).tolist() == ["0", "1"]
    x0, y0, x1, y1 = video["measurements"][1]["faces"][0]["bbox"]
    assert vs["box_w"].iloc[1] == pytest.approx(x1 - x0)
    stream = v1_audio_stream()
    log = [{"type": "session.created", "session_id": "s1"}]
    log += stream.feed(pcm16(signal(8.0, [(0.5, 7.0)]))) + stream.close()
    rt = hr.read(log).spans()
    assert rt["begin"].tolist() == [m["audio_start_ms"] / 1000 for m in stream.measurements]


def test_read_stream_replies():
    replies = [
        v0_stream_reply(
            {"data": base64.b64encode(image(320, 240)).decode(), "models": {"face": {}}}
        ),
        v0_stream_reply({"data": "I love it.", "raw_text": True, "models": {"language": {}}}),
    ]
    sp = hr.read(replies).spans()
    assert sp["model"].astype(str).tolist() == ["face", "language", "language", "language"]
    assert sp["text"].dropna().tolist() == ["I", "love", "it"]
