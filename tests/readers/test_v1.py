"""v1 file responses and realtime logs, generated from the v1 contract (hume-v1.md)."""

from __future__ import annotations

import json
import uuid
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humeresearch as hr
from humeresearch import vocabularies as voc
from humeresearch._contract import validate

KNOWN = list(voc.V1_AUDIO_EXPRESSIONS_SEEN) + list(voc.V1_VIDEO_EXPRESSIONS_SEEN)
UNKNOWN = ["brand new feeling", "surprise (positive)", "über-joy", "calm, mostly"]
ATTRS = list(voc.V1_AUDIO_VOICE_ATTRIBUTES_SEEN) + ["mumbling (unlisted)"]
DESCS = list(voc.V1_VIDEO_DESCRIPTIONS_SEEN) + ["eyebrow wiggle"]
prob = st.floats(0, 1).map(lambda p: round(p, 4))


def sparse_list(names):
    """A thresholded list: a random subset of names, sorted by probability descending."""
    return st.lists(st.sampled_from(names), unique=True, max_size=6).flatmap(
        lambda ns: st.lists(prob, min_size=len(ns), max_size=len(ns)).map(
            lambda ps: sorted(
                ({"name": n, "probability": p} for n, p in zip(ns, ps)),
                key=lambda s: -s["probability"],
            )
        )
    )


@st.composite
def audio_measurements(draw, max_size=6):
    n = draw(st.integers(0, max_size))
    out, t = [], 0
    for i in range(n):
        t += draw(st.integers(0, 4000))
        length = draw(st.integers(1, 10_000))
        out.append(
            {
                "measurement_id": i,
                "utterance_id": draw(st.integers(0, 3)),
                "audio_start_ms": t,
                "audio_end_ms": t + length,
                "trigger": draw(st.sampled_from(["interval", "speech_ended"])),
                "expressions": draw(sparse_list(KNOWN + UNKNOWN)),
                "voice_attributes": draw(sparse_list(ATTRS)),
            }
        )
    return out


face = st.one_of(
    st.fixed_dictionaries(
        {
            "face_id": st.integers(0, 3),
            "bbox": st.tuples(
                st.floats(0, 500), st.floats(0, 500), st.floats(1, 300), st.floats(1, 300)
            ).map(lambda b: [b[0], b[1], b[0] + b[2], b[1] + b[3]]),
            "confidence": prob,
            "expressions": sparse_list(KNOWN + UNKNOWN),
            "descriptions": sparse_list(DESCS),
        }
    ),
    st.fixed_dictionaries(
        {
            "face_id": st.none(),
            "bbox": st.just([1.0, 2.0, 11.0, 22.0]),
            "confidence": prob,
            "expressions": st.none(),
            "descriptions": st.none(),
        }
    ),
)


@st.composite
def video_measurements(draw, max_size=5):
    n = draw(st.integers(0, max_size))
    out = []
    for i in range(n):
        faces = draw(st.lists(face, max_size=4))
        ids = [f["face_id"] for f in faces]
        # a face id appears once per frame; unmeasured faces (None) may repeat
        faces = [
            f for k, f in enumerate(faces) if f["face_id"] is None or f["face_id"] not in ids[:k]
        ]
        out.append({"frame_id": i, "faces": faces})
    return out


def audio_response(ms):
    return {
        "request_id": "3f9a1c07e2b84d56a0c7e19b5d2f8a64",
        "run_id": str(uuid.UUID(int=1)),
        "received": {"audio_duration_ms": 60000},
        "utterances": [{"utterance_id": 0, "audio_start_ms": 0, "audio_end_ms": 1}],
        "measurements": ms,
    }


def video_response(ms):
    return {
        "request_id": "0" * 32,
        "run_id": str(uuid.UUID(int=2)),
        "received": {"frames": len(ms)},
        "measurements": ms,
    }


def expected_audio(ms, file):
    for m in ms:
        for key, family in (("expressions", "emotion"), ("voice_attributes", "voice_attribute")):
            for s in m[key] or []:
                yield (
                    file,
                    "audio",
                    "unknown",
                    m["measurement_id"],
                    family,
                    s["name"],
                    s["probability"],
                )


def expected_video(ms, file):
    rank: Counter = Counter()
    for m in sorted(ms, key=lambda m: m["frame_id"]):
        for f in m["faces"]:
            track = "unmeasured" if f["face_id"] is None else str(f["face_id"])
            for key, family in (("expressions", "emotion"), ("descriptions", "description")):
                for s in f[key] or []:
                    yield (file, "video", track, rank[track], family, s["name"], s["probability"])
            rank[track] += 1


def got_rows(m):
    long = m.long()
    validate(long, "long")
    return sorted(
        zip(
            long["file"].astype(str),
            long["model"].astype(str),
            long["track"].astype(str),
            long["span_id"],
            long["family"].astype(str),
            long["name"].astype(str),
            long["score"],
        )
    )


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(audio_measurements())
def test_audio_response_every_score_once(ms):
    m = hr.read(json.dumps(audio_response(ms)).encode(), source="talk.wav")
    assert got_rows(m) == sorted(expected_audio(ms, "talk.wav"))
    s = m.spans()
    validate(s, "spans")
    assert s["span_id"].tolist() == [x["measurement_id"] for x in ms]
    np.testing.assert_array_equal(s["begin"], [x["audio_start_ms"] / 1000 for x in ms])
    np.testing.assert_array_equal(s["end"], [x["audio_end_ms"] / 1000 for x in ms])
    if ms:
        assert s["utterance_id"].tolist() == [x["utterance_id"] for x in ms]
        assert s["trigger"].tolist() == [x["trigger"] for x in ms]
        assert set(s["api"]) == {"v1"} and set(s["track"]) == {"unknown"}
    assert m.provenance["inputs"][0]["run_id"] == str(uuid.UUID(int=1))


@SETTINGS
@given(video_measurements(), st.sampled_from([None, 3.0]))
def test_video_response_every_score_once(ms, fps):
    m = hr.read(video_response(ms), source="frames", fps=fps)
    assert got_rows(m) == sorted(expected_video(ms, "frames"))
    s = m.spans()
    validate(s, "spans")
    faces = [(mm["frame_id"], f) for mm in ms for f in mm["faces"]]
    assert len(s) == len(faces)
    for frame, f in faces:
        track = "unmeasured" if f["face_id"] is None else str(f["face_id"])
        row = s[(s["track"] == track) & (s["frame"] == frame)]
        if f["face_id"] is None:
            continue  # several unmeasured faces may share a frame
        assert len(row) == 1
        x0, y0, x1, y1 = f["bbox"]
        assert row[["box_x", "box_y", "box_w", "box_h"]].values.tolist()[0] == [
            x0,
            y0,
            x1 - x0,
            y1 - y0,
        ]
        assert row["prob"].iloc[0] == f["confidence"]
        if fps is None:
            assert np.isnan(row["begin"].iloc[0])
        else:
            assert row["begin"].iloc[0] == row["end"].iloc[0] == frame / fps


@st.composite
def realtime_log(draw):
    """One or two sessions (audio or video) with errors mid-stream.

    Returns (messages, expected score rows, expected (file, code) errors).
    """
    messages, expected, errors = [], [], []
    for k in range(draw(st.integers(1, 2))):
        sid = str(uuid.UUID(int=10 + k))
        video = draw(st.booleans())
        config = (
            {"image": {"type": "image/jpeg"}, "face": {"threshold": 0.9, "min_size": 60}}
            if video
            else {"measurement_timer_ms": 3000, "audio": {"type": "audio/pcm", "channels": 1}}
        )
        messages.append({"type": "session.created", "session_id": sid, **config})
        ms = draw(video_measurements(max_size=4) if video else audio_measurements(max_size=4))
        for m in ms:
            if draw(st.booleans()):
                code = draw(st.sampled_from(["rate_limited", "internal_error", "message_invalid"]))
                messages.append(
                    {"type": "error", "code": code, "message": "dropped", "retryable": True}
                )
                errors.append((sid, code))
            if not video:
                messages.append(
                    {
                        "type": "utterance.start",
                        "utterance_id": m["utterance_id"],
                        "audio_start_ms": m["audio_start_ms"],
                    }
                )
            messages.append({"type": "measurement.result", **m})
        messages.append(
            {
                "type": "session.closed",
                "session_id": sid,
                "reason": "client_request",
                "received": {"frames": len(ms)} if video else {"audio_duration_ms": 1000},
                "produced": {"measurements": len(ms)},
            }
        )
        expected.extend(expected_video(ms, sid) if video else expected_audio(ms, sid))
    return messages, expected, errors


@SETTINGS
@given(realtime_log(), st.booleans())
def test_realtime_log_every_score_once(log, as_lines):
    messages, expected, errors = log
    data = (
        b"\n".join(json.dumps(x).encode() for x in messages)
        if as_lines
        else json.dumps(messages).encode()
    )
    m = hr.read(data)
    assert got_rows(m) == sorted(expected)
    e = m.errors()
    assert list(zip(e["file"], e["code"])) == errors
    assert set(e["level"]) <= {"stream"}
    assert all(msg == "dropped [retryable]" for msg in e["message"])
    sessions = m.provenance["inputs"][0]["sessions"]
    assert [s["closed"]["reason"] for s in sessions] == ["client_request"] * len(sessions)
    assert set(m.spans()["source"]) <= {str(uuid.UUID(int=10))}


def test_video_realtime_flow_from_the_docs():
    msgs = [
        {
            "type": "session.created",
            "session_id": "s1",
            "image": {"type": "image/jpeg"},
            "face": {"threshold": 0.9, "min_size": 60},
        },
        {
            "type": "measurement.result",
            "frame_id": 0,
            "faces": [
                {
                    "face_id": 0,
                    "bbox": [0, 0, 10, 10],
                    "confidence": 0.95,
                    "expressions": [{"name": "joy", "probability": 0.5}],
                    "descriptions": [],
                }
            ],
        },
        {
            "type": "measurement.result",
            "frame_id": 1,
            "faces": [
                {
                    "face_id": 0,
                    "bbox": [1, 1, 11, 11],
                    "confidence": 0.95,
                    "expressions": [],
                    "descriptions": [],
                },
                {
                    "face_id": 1,
                    "bbox": [20, 20, 40, 50],
                    "confidence": 0.91,
                    "expressions": [{"name": "awe", "probability": 0.2}],
                    "descriptions": None,
                },
            ],
        },
        {
            "type": "error",
            "code": "invalid_image_frame",
            "message": "not a JPEG",
            "retryable": False,
        },
        {
            "type": "measurement.result",
            "frame_id": 2,
            "faces": [
                {
                    "face_id": 1,
                    "bbox": [21, 21, 41, 51],
                    "confidence": 0.9,
                    "expressions": None,
                    "descriptions": [{"name": "smile", "probability": 0.7}],
                }
            ],
        },
        {
            "type": "session.closed",
            "session_id": "s1",
            "reason": "client_request",
            "received": {"frames": 3},
            "produced": {"measurements": 4},
        },
        {"type": "future.message", "x": 1},
    ]
    m = hr.read(msgs, source="cam.log", frame_times=[0.0, 0.4, 0.9])
    s = m.spans()
    assert s[["file", "track", "span_id", "frame", "begin"]].values.tolist() == [
        ["s1", "0", 0, 0, 0.0],
        ["s1", "0", 1, 1, 0.4],
        ["s1", "1", 0, 1, 0.4],
        ["s1", "1", 1, 2, 0.9],
    ]
    assert s["box_h"].tolist() == [10, 10, 30, 30]
    assert m.errors()[["source", "file", "level", "code"]].values.tolist() == [
        ["cam.log", "s1", "stream", "invalid_image_frame"]
    ]
    record = m.provenance["inputs"][0]["sessions"][0]
    assert record["ignored_messages"] == {"future.message": 1}
    assert record["created"]["face"] == {"threshold": 0.9, "min_size": 60}


def test_v0_and_v1_names_never_merged():
    v0 = [
        {
            "source": {"type": "url", "url": "u"},
            "results": {
                "errors": [],
                "predictions": [
                    {
                        "file": "a.jpg",
                        "models": {
                            "face": {
                                "grouped_predictions": [
                                    {
                                        "id": "unknown",
                                        "predictions": [
                                            {
                                                "frame": 0,
                                                "time": 0.0,
                                                "prob": 0.9,
                                                "box": {"x": 0, "y": 0, "w": 1, "h": 1},
                                                "emotions": [{"name": "Joy", "score": 0.5}],
                                            }
                                        ],
                                    }
                                ]
                            }
                        },
                    }
                ],
            },
        }
    ]
    v1 = video_response(
        [
            {
                "frame_id": 0,
                "faces": [
                    {
                        "face_id": 0,
                        "bbox": [0, 0, 1, 1],
                        "confidence": 0.9,
                        "expressions": [{"name": "joy", "probability": 0.4}],
                    }
                ],
            }
        ]
    )
    both = hr.concat([hr.read(v0), hr.read(v1, source="b.jpg")])
    assert sorted(both.long()["name"].astype(str)) == ["Joy", "joy"]
    assert {"Joy", "joy"} <= set(both.wide().columns)


def test_error_body_and_bad_input():
    body = {
        "type": "error",
        "code": "audio_decode_failed",
        "message": "odd byte count",
        "request_id": "ab" * 16,
    }
    m = hr.read(body, source="x.wav")
    assert m.errors()[["source", "level", "code"]].values.tolist() == [
        ["x.wav", "file", "audio_decode_failed"]
    ]
    bad = audio_response(
        [
            {
                "measurement_id": 0,
                "audio_start_ms": 0,
                "audio_end_ms": 5,
                "expressions": [{"name": "joy", "probability": "high"}],
            }
        ]
    )
    with pytest.raises(hr.FormatError, match=r"measurements\[0\]\.expressions\[0\]\.probability"):
        hr.read(bad)
    dup = audio_response(
        [
            {
                "measurement_id": 0,
                "audio_start_ms": 0,
                "audio_end_ms": 5,
                "expressions": [
                    {"name": "joy", "probability": 0.1},
                    {"name": "joy", "probability": 0.2},
                ],
            }
        ]
    )
    with pytest.raises(hr.FormatError, match=r"expressions\[1\]\.name: duplicate name 'joy'"):
        hr.read(dup)
    box = video_response(
        [{"frame_id": 0, "faces": [{"face_id": 0, "bbox": [1, 2, 3], "confidence": 0.9}]}]
    )
    with pytest.raises(hr.FormatError, match=r"measurements\[0\]\.faces\[0\]\.bbox"):
        hr.read(box)
    with pytest.raises(ValueError, match="fps"):
        hr.read(video_response([]), fps=0)


def test_incomplete_log_keeps_measurement_ids():
    ms = [
        {
            "type": "measurement.result",
            "measurement_id": i,
            "utterance_id": 0,
            "audio_start_ms": i,
            "audio_end_ms": i + 1,
            "trigger": "interval",
            "expressions": [],
            "voice_attributes": [],
        }
        for i in (4, 5)
    ]
    with pytest.warns(UserWarning, match="measurement ids"):
        m = hr.read(ms)
    s = m.spans()
    assert s["span_id"].tolist() == [0, 1] and s["measurement_id"].tolist() == [4, 5]
    assert set(s["file"]) == {"session:0"} and set(s["source"]) == {"session"}
