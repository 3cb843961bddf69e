"""v0 stream replies: the real sample, generated replies, errors, offsets, many layouts."""

from __future__ import annotations

import json
import math

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humeresearch as hr
from humeresearch._contract import validate

from .v0_strategies import burst_prediction, face_prediction, language_prediction, score_list

FAMILY = {
    "emotions": "emotion",
    "facs": "facs",
    "descriptions": "description",
    "sentiment": "sentiment",
    "toxicity": "toxicity",
}


def test_real_stream_sample(real):
    raw = json.loads((real / "stream_face_response.json").read_text())
    m = hr.read(real / "stream_face_response.json")
    assert m.provenance["inputs"][0]["format"] == "v0-stream"
    s = m.spans()
    validate(s, "spans")
    assert s[["source", "file", "model", "track", "span_id"]].values.tolist() == [
        ["stream_face_response", "payload:0", "face", "0", 0]
    ]
    pred = raw["face"]["predictions"][0]
    assert s["frame"][0] == 0 and math.isnan(s["begin"][0]) and math.isnan(s["end"][0])
    assert [s[f"box_{k}"][0] for k in "xywh"] == [pred["bbox"][k] for k in "xywh"]
    assert s["prob"][0] == pred["prob"]
    long = m.long()
    assert dict(zip(long["name"].astype(str), long["score"])) == {
        e["name"]: e["score"] for e in pred["emotions"]
    }
    assert set(long["family"].astype(str)) == {"emotion"} and len(long) == 48


def _messages():
    face = {
        "frame": 0,
        "time": None,
        "bbox": {"x": 1, "y": 2, "w": 3, "h": 4},
        "prob": 0.9,
        "face_id": "0",
        "emotions": [{"name": "Joy", "score": 0.5}],
    }
    prosody = {"time": {"begin": 0.5, "end": 1.5}, "emotions": [{"name": "Awe", "score": 0.25}]}
    return [
        {"payload_id": "p0", "face": {"predictions": [face, {**face, "face_id": "1"}]}},
        {"payload_id": "p1", "error": "prosody on an image", "code": "E0102"},
        {"payload_id": "p2", "face": {"warning": "No faces detected.", "code": "W0103"}},
        {
            "payload_id": "p3",
            "prosody": {"predictions": [prosody]},
            "face": {"predictions": [face]},
        },
        {"job_details": {"job_id": "abc"}},
        {"warning": "something odd", "code": "W0105"},
    ]


def test_errors_and_warnings_go_to_the_errors_table():
    m = hr.read(_messages())
    e = m.errors()
    validate(e, "errors")
    assert e[["file", "level", "message", "code"]].values.tolist() == [
        ["p1", "stream", "prosody on an image", "E0102"],
        ["p2", "stream", "face: No faces detected.", "W0103"],
        ["payload:5", "stream", "something odd", "W0105"],
    ]
    assert set(e["source"]) == {"stream"}
    assert m.provenance["inputs"][0]["job_ids"] == ["abc"]
    s = m.spans()
    assert s[["file", "model", "track", "span_id"]].values.tolist() == [
        ["p0", "face", "0", 0],
        ["p0", "face", "1", 0],
        ["p3", "face", "0", 0],
        ["p3", "prosody", "unknown", 0],
    ]


@pytest.mark.parametrize("form", ["list", "dict"])
def test_offsets_put_payloads_on_one_clock(form):
    msgs = _messages()
    offsets = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] if form == "list" else {"p0": 0.0, "p3": 3.0}
    m = hr.read(msgs, offsets=offsets, source="rec1")
    s = m.spans().sort_values(["model", "track", "span_id"])
    assert set(s["file"]) == {"rec1"} and set(s["source"]) == {"rec1"}
    face0 = s[(s["model"] == "face") & (s["track"] == "0")]
    assert face0["span_id"].tolist() == [0, 1]
    assert face0["begin"].tolist() == [0.0, 3.0]  # null image time = the payload's offset
    assert face0["payload_id"].tolist() == ["p0", "p3"]
    pros = s[s["model"] == "prosody"]
    assert pros[["begin", "end"]].values.tolist() == [[3.5, 4.5]]
    assert m.errors()["message"].tolist()[0] == "payload p1: prosody on an image"


def test_offsets_must_match_the_replies():
    with pytest.raises(ValueError, match="6 replies"):
        hr.read(_messages(), offsets=[0.0, 1.0])
    with pytest.raises(ValueError, match="'p3'"):
        hr.read(_messages(), offsets={"p0": 0.0})
    with pytest.raises(ValueError, match="finite"):
        hr.read(_messages(), offsets={"p0": 0.0, "p3": float("nan")})


def test_jsonl_array_and_folder_forms(tmp_path):
    msgs = _messages()
    as_list = hr.read(orjson.dumps(msgs))
    jsonl = b"\n".join(orjson.dumps(x) for x in msgs) + b"\n"
    as_lines = hr.read(jsonl)
    for a in (as_list, as_lines):
        assert a.spans()["file"].tolist() == ["p0", "p0", "p3", "p3"]
        assert len(a.errors()) == 3
    folder = tmp_path / "session7"
    folder.mkdir()
    for i, x in enumerate(msgs):  # natural order: reply_10 would come after reply_9
        (folder / f"reply_{i}.json").write_bytes(orjson.dumps(x))
    m = hr.read(folder)
    assert m.provenance["inputs"][0]["format"] == "v0-stream"
    assert set(m.spans()["source"]) == {"session7"}
    assert m.spans()["file"].tolist() == ["p0", "p0", "p3", "p3"]


def test_bad_replies_name_the_place():
    bad = [{"face": {"predictions": [{"frame": 0, "emotions": [{"name": "Joy", "score": "x"}]}]}}]
    with pytest.raises(
        hr.FormatError, match=r"\[0\]\.face\.predictions\[0\]\.emotions\[0\]\.score"
    ):
        hr.read(bad)
    jsonl = b'{"face": {"predictions": []}}\n{"face": oops}\n'
    with pytest.raises(hr.FormatError, match="line 2"):
        hr.read(jsonl)
    with pytest.raises(hr.FormatError, match="whole frame"):
        hr.read([{"face": {"predictions": [{"frame": 1.5, "emotions": []}]}}])


# -- generated replies: every score exactly once ------------------------------------------

stream_face = face_prediction().flatmap(
    lambda d: st.sampled_from(["0", "1", "unknown", 7]).map(
        lambda fid: {
            **{k: v for k, v in d.items() if k != "box"},
            "bbox": d["box"],
            "face_id": fid,
            "frame": float(d["frame"]),
        }
    )
)
stream_language = language_prediction().map(lambda d: {k: v for k, v in d.items() if k != "time"})
reply = st.fixed_dictionaries(
    {},
    optional={
        "payload_id": st.sampled_from(["a", "b", "c"]),
        "face": st.one_of(
            st.lists(stream_face, max_size=3).map(lambda p: {"predictions": p}),
            st.just({"warning": "No faces detected.", "code": "W0103"}),
        ),
        "burst": st.lists(burst_prediction(), max_size=2).map(lambda p: {"predictions": p}),
        "language": st.lists(stream_language, max_size=3).map(lambda p: {"predictions": p}),
        "prosody": st.lists(
            st.fixed_dictionaries(
                {
                    "time": st.just({"begin": 1.0, "end": 2.0}),
                    "emotions": score_list(["Joy", "Awe"]),
                }
            ),
            max_size=2,
        ).map(lambda p: {"predictions": p}),
        "error": st.just("boom"),
    },
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(reply, max_size=5), st.booleans())
def test_generated_replies_every_score_once(msgs, with_offsets):
    offsets = [float(i) for i in range(len(msgs))] if with_offsets else None
    m = hr.read(json.dumps(msgs).encode(), offsets=offsets, format="v0-stream")
    expected = []
    n_errors = 0
    for i, msg in enumerate(msgs):
        n_errors += ("error" in msg) + ("warning" in msg.get("face", {}))
        for model in ("face", "burst", "language", "prosody"):
            for p in msg.get(model, {}).get("predictions", []):
                for key, family in FAMILY.items():
                    for sc in p.get(key) or []:
                        track = str(p.get("face_id", "unknown")) if model == "face" else "unknown"
                        expected.append((model, track, family, sc["name"], sc["score"], i))
    long = m.long()
    assert len(long) == len(expected)
    got = sorted(
        zip(
            long["model"].astype(str),
            long["track"].astype(str),
            long["family"].astype(str),
            long["name"].astype(str),
            long["score"],
        )
    )
    assert got == sorted(e[:5] for e in expected)
    assert len(m.errors()) == n_errors
    s = m.spans()
    if with_offsets and len(s):
        assert set(s["file"]) == {"stream"}
        # span ids run 0..n-1 within each (model, track) block
        for _, g in s.groupby(["model", "track"], observed=True, sort=False):
            assert g["span_id"].tolist() == list(range(len(g)))
        burst = s[s["model"] == "burst"]
        assert np.all(burst["end"].to_numpy() >= burst["begin"].to_numpy())
