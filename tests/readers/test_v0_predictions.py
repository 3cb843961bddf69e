"""The v0 batch predictions reader, on the real fixtures and on generated documents."""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humeresearch as hr
from humeresearch._contract import LONG_COLUMNS, validate

from .v0_strategies import documents

FAMILY = {
    "emotions": "emotion",
    "facs": "facs",
    "descriptions": "description",
    "sentiment": "sentiment",
    "toxicity": "toxicity",
}
PREDICTION_FILES = [
    "interreviewer_predictions.json",
    "interviewiq_predictions.json",
    "hume_examples_faces_predictions.json",
    "humegradio_predictions.json",
    "wiremock_predictions.json",
]


def expected_rows(doc: list[dict]) -> dict[tuple, float]:
    """Every score of a document keyed independently of the reader."""
    out: dict[tuple, float] = {}
    seen: Counter[str] = Counter()
    n_text = 0
    for entry in doc:
        src = entry["source"]
        if src["type"] == "url":
            source = src["url"]
        elif src["type"] == "file":
            source = src["filename"]
        else:
            source = f"text:{n_text}"
            n_text += 1
        seen[source] += 1
        if seen[source] > 1:
            source = f"{source}#{seen[source] - 1}"
        for fp in (entry.get("results") or {}).get("predictions", []):
            for model, block in fp["models"].items():
                for group in block["grouped_predictions"]:
                    for k, pred in enumerate(group["predictions"]):
                        for attr, family in FAMILY.items():
                            for item in pred.get(attr) or []:
                                key = (
                                    source,
                                    fp["file"],
                                    model,
                                    group["id"],
                                    k,
                                    family,
                                    item["name"],
                                )
                                assert key not in out
                                out[key] = item["score"]
    return out


def long_rows(m: hr.Measurements) -> dict[tuple, float]:
    long = m.long()
    keys = ["source", "file", "model", "track", "span_id", "family", "name"]
    return {
        tuple(r[:-1]): r[-1]
        for r in long[keys + ["score"]].astype(object).itertuples(index=False, name=None)
    }


# -- real fixtures -----------------------------------------------------------------------


@pytest.mark.parametrize("name", PREDICTION_FILES)
def test_fixture_reads_every_score_once(fixtures, name):
    path = fixtures / name
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    m = hr.read(path)
    doc = json.loads(path.read_text())
    assert long_rows(m) == expected_rows(doc)
    validate(m.spans(), "spans")
    validate(m.long(), "long")
    validate(m.wide(), "wide")
    validate(m.errors(), "errors")
    assert list(m.long().columns) == LONG_COLUMNS
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # never modified
    record = m.provenance["inputs"][0]
    assert record["sha256"] == before and record["format"] == "v0-predictions"
    assert record["size"] == path.stat().st_size


def test_interreviewer_spans(fixtures):
    doc = json.loads((fixtures / "interreviewer_predictions.json").read_text())
    models = doc[0]["results"]["predictions"][0]["models"]
    spans = hr.read(fixtures / "interreviewer_predictions.json").spans()
    counts = spans.groupby(["model", "track"], observed=True).size().to_dict()
    expected = {
        (m, g["id"]): len(g["predictions"])
        for m, b in models.items()
        for g in b["grouped_predictions"]
    }
    assert counts == expected
    assert counts[("face", "face_0")] == 258 and counts[("prosody", "spk_1")] == 11
    assert set(spans["source"]) == {"bad_interview.mp4"} and set(spans["file_type"]) == {"video"}

    # prosody: times, text, confidence nulls, metadata
    pro = spans[(spans["model"] == "prosody") & (spans["track"] == "spk_0")].reset_index(drop=True)
    raw = next(g for g in models["prosody"]["grouped_predictions"] if g["id"] == "spk_0")[
        "predictions"
    ]
    assert pro["begin"].tolist() == [p["time"]["begin"] for p in raw]
    assert pro["end"].tolist() == [p["time"]["end"] for p in raw]
    assert pro["text"].tolist() == [p["text"] for p in raw]
    assert pro["confidence"].isna().tolist() == [p["confidence"] is None for p in raw]
    assert set(pro["detected_language"]) == {"en"}
    assert pro["transcript_confidence"].iloc[0] == models["prosody"]["metadata"]["confidence"]

    # language: character positions, NaN-free times, sentiment present, toxicity absent
    lang = spans[spans["model"] == "language"].reset_index(drop=True)
    raw = models["language"]["grouped_predictions"][0]["predictions"]
    assert lang["char_begin"].tolist() == [p["position"]["begin"] for p in raw]
    assert lang["char_end"].tolist() == [p["position"]["end"] for p in raw]
    long = hr.read(fixtures / "interreviewer_predictions.json").long()
    sent = long[(long["model"] == "language") & (long["family"] == "sentiment")]
    assert len(sent) == 24 * 9
    first = {s["name"]: s["score"] for s in raw[0]["sentiment"]}
    got = sent[sent["span_id"] == 0].set_index("name")["score"].to_dict()
    assert got == first
    assert not (long["family"] == "toxicity").any()

    # face: frames, boxes, exact score of one frame
    face = spans[(spans["model"] == "face") & (spans["track"] == "face_1")].reset_index(drop=True)
    raw = next(g for g in models["face"]["grouped_predictions"] if g["id"] == "face_1")[
        "predictions"
    ]
    assert face["frame"].tolist() == [p["frame"] for p in raw]
    assert face["box_w"].tolist() == [p["box"]["w"] for p in raw]
    assert (face["begin"] == face["end"]).all()
    wide = hr.read(fixtures / "interreviewer_predictions.json").wide(model="face")
    row = wide[(wide["track"] == "face_1") & (wide["span_id"] == 17)].iloc[0]
    for item in raw[17]["emotions"]:
        assert row[item["name"]] == item["score"]


def test_unsorted_face_groups_keep_their_ids(fixtures):
    m = hr.read(fixtures / "hume_examples_faces_predictions.json")
    counts = m.spans().groupby("track").size().to_dict()
    assert counts == {"face_0": 262, "face_1": 376, "face_2": 219, "face_3": 218}
    assert set(m.spans()["file_type"]) == {"video_no_audio"}


def test_wiremock_integer_time_and_no_file_type(fixtures):
    spans = hr.read(fixtures / "wiremock_predictions.json").spans()
    assert spans["begin"].tolist() == [0.0] and spans["file"].tolist() == ["faces/100.jpg"]
    assert spans["source"].tolist() == ["https://hume-tutorials.s3.amazonaws.com/faces.zip"]
    assert "file_type" not in spans.columns or spans["file_type"].isna().all()


def test_image_upload(fixtures):
    m = hr.read(fixtures / "humegradio_predictions.json")
    spans = m.spans()
    assert spans[["source", "track", "frame"]].astype(object).values.tolist() == [
        ["webcam.png", "face_0", 0]
    ]
    assert spans["begin"].tolist() == [0.0] and len(m.long()) == 48


@pytest.mark.parametrize("kind", ["path", "str", "bytes", "file", "object"])
def test_every_input_kind_gives_the_same_tables(fixtures, kind):
    path = fixtures / "interviewiq_predictions.json"
    src = {
        "path": path,
        "str": str(path),
        "bytes": path.read_bytes(),
        "file": io.BytesIO(path.read_bytes()),
        "object": json.loads(path.read_text()),
    }[kind]
    m = hr.read(src)
    reference = hr.read(path)
    pd.testing.assert_frame_equal(m.long(), reference.long())
    pd.testing.assert_frame_equal(m.spans(), reference.spans())


# -- generated documents -----------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents)
def test_generated_documents(doc):
    data = json.dumps(doc).encode()
    m = hr.read(data)
    assert long_rows(m) == expected_rows(doc)
    long, wide = m.long(), m.wide()
    validate(long, "long")
    validate(m.spans(), "spans")
    # wide is the pivot of long
    spans = m.spans()
    assert len(wide) == len(spans)
    for (family, name), column in zip(m.score_columns, wide.columns[len(spans.columns) :]):
        sub = long[(long["family"] == family) & (long["name"] == name)]
        pivot = np.full(len(spans), np.nan)
        index = pd.MultiIndex.from_frame(
            spans[["source", "file", "model", "track", "span_id"]].astype(object)
        )
        keys = pd.MultiIndex.from_frame(
            sub[["source", "file", "model", "track", "span_id"]].astype(object)
        )
        pivot[index.get_indexer(keys)] = sub["score"].to_numpy()
        np.testing.assert_array_equal(wide[column].to_numpy(), pivot)
    # errors: one row per source error and per file error, and one per place spans are lost
    assert len(m.errors()) == expected_errors(doc)
    # decoded objects read the same way as bytes
    pd.testing.assert_frame_equal(hr.read(doc).long(), long)


def expected_errors(doc) -> int:
    """Rows of errors(): reported errors, plus one per entry, file, model or group
    that holds no spans and says nothing about it."""
    n = 0
    for e in doc:
        results = e.get("results")
        n += "error" in e
        if results is None:
            n += "error" not in e
            continue
        n += len(results["errors"])
        n += not results["predictions"] and not results["errors"]
        for fp in results["predictions"]:
            n += not fp["models"]
            for block in fp["models"].values():
                groups = block["grouped_predictions"]
                n += not groups and block.get("warning") is None
                n += sum(not g["predictions"] for g in groups)
    return n


def _first_score_path(doc):
    for i, entry in enumerate(doc):
        for j, fp in enumerate((entry.get("results") or {}).get("predictions", [])):
            for model, block in fp["models"].items():
                for g, group in enumerate(block["grouped_predictions"]):
                    for k, pred in enumerate(group["predictions"]):
                        if pred["emotions"]:
                            path = f"[{i}].results.predictions[{j}].models.{model}.grouped_predictions[{g}].predictions[{k}].emotions[0].score"
                            return pred["emotions"][0], path
    return None, None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents, bad=st.sampled_from(["abc", None, [1], {"x": 1}, True]))
def test_a_score_that_is_not_a_number_names_its_path(doc, bad):
    item, path = _first_score_path(doc)
    if item is None:
        return
    item["score"] = bad
    with pytest.raises(hr.FormatError) as info:
        hr.read(json.dumps(doc).encode())
    shown = json.dumps(bad, separators=(",", ":"))
    assert str(info.value).startswith(f"<bytes>: {path}: expected a number, got {shown}")
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        (
            b'[{"source": {"type": "url", "url": "u"}, "results": {"errors": [], "predictions": [',
            "",
            "truncated",
        ),
        (b"[1, 2]", "[0]", "expected an object, got 1"),
        (b'{"source": 3}', "source", "expected an object, got 3"),
        (b'[{"results": {}}]', "[0]", "missing required field 'source'"),
        (b'[{"source": {"type": "url"}}] trailing', "line 1, column", "invalid JSON"),
    ],
)
def test_malformed_documents(tmp_path, text, where, reason):
    path = tmp_path / "predictions.json"
    path.write_bytes(text)
    with pytest.raises(hr.FormatError) as info:
        hr.read(path, format="v0-predictions")
    message = str(info.value)
    assert message.startswith(f"{path}: {where}")
    assert reason in message


def test_missing_emotions_and_duplicate_names(tmp_path):
    base = {
        "source": {"type": "url", "url": "u"},
        "results": {"errors": [], "predictions": [{"file": "f", "models": {}}]},
    }
    doc = json.loads(json.dumps([base]))
    doc[0]["results"]["predictions"][0]["models"]["prosody"] = {
        "grouped_predictions": [{"id": "spk_0", "predictions": [{"time": {"begin": 0, "end": 1}}]}]
    }
    with pytest.raises(
        hr.FormatError,
        match=r"models\.prosody\.grouped_predictions\[0\]\.predictions\[0\]\.emotions: missing",
    ):
        hr.read(doc)
    doc[0]["results"]["predictions"][0]["models"]["prosody"]["grouped_predictions"][0][
        "predictions"
    ][0]["emotions"] = [
        {"name": "Joy", "score": 0.1},
        {"name": "Joy", "score": 0.2},
    ]
    with pytest.raises(hr.FormatError, match=r"emotions\[1\]\.name: duplicate name 'Joy'"):
        hr.read(doc)


def test_source_error_and_file_errors():
    doc = [
        {"source": {"type": "url", "url": "https://x/broken.mp4"}, "error": "could not download"},
        {
            "source": {"type": "file", "filename": "a.zip", "content_type": None, "md5sum": "m"},
            "results": {
                "predictions": [],
                "errors": [{"file": "a/b.mp4", "message": "unreadable media"}],
            },
        },
        {"source": {"type": "text"}, "results": {"predictions": [], "errors": []}},
    ]
    m = hr.read(doc)
    errors = m.errors()
    assert errors[["source", "file", "level", "message"]].astype(object).values.tolist() == [
        ["https://x/broken.mp4", "", "source", "could not download"],
        ["a.zip", "a/b.mp4", "file", "unreadable media"],
        ["text:0", "", "source", "[2].results: no predictions and no errors"],
    ]
    assert len(m) == 0


def test_text_source_language_and_ner():
    doc = [
        {
            "source": {"type": "text"},
            "results": {
                "errors": [],
                "predictions": [
                    {
                        "file": "text",
                        "file_type": "text",
                        "models": {
                            "language": {
                                "metadata": None,
                                "grouped_predictions": [
                                    {
                                        "id": "unknown",
                                        "predictions": [
                                            {
                                                "text": "Paris",
                                                "position": {"begin": 0, "end": 5},
                                                "time": None,
                                                "emotions": [{"name": "Joy", "score": 0.25}],
                                                "toxicity": [{"name": "toxic", "score": 0.01}],
                                            }
                                        ],
                                    }
                                ],
                            },
                            "ner": {
                                "metadata": {"confidence": 0.9, "detected_language": None},
                                "grouped_predictions": [
                                    {
                                        "id": "unknown",
                                        "predictions": [
                                            {
                                                "entity": "Paris",
                                                "position": {"begin": 0, "end": 5},
                                                "entity_confidence": 0.8,
                                                "support": 3.0,
                                                "uri": "https://en.wikipedia.org/wiki/Paris",
                                                "link_word": "Paris",
                                                "emotions": [{"name": "Joy", "score": 0.5}],
                                            }
                                        ],
                                    }
                                ],
                            },
                        },
                    }
                ],
            },
        }
    ]
    m = hr.read(doc)
    spans = m.spans().set_index("model")
    assert spans.loc["language", "source"] == "text:0"
    assert math.isnan(spans.loc["language", "begin"]) and math.isnan(spans.loc["ner", "end"])
    assert spans.loc["ner", "entity"] == "Paris" and spans.loc["ner", "support"] == 3.0
    assert (
        spans.loc["ner", "uri"].endswith("/Paris")
        and spans.loc["ner", "transcript_confidence"] == 0.9
    )
    long = m.long()
    assert long.loc[long["family"] == "toxicity", "score"].tolist() == [0.01]
    assert "toxicity:toxic" in m.wide().columns


def test_repeated_source_is_disambiguated():
    entry = {"source": {"type": "url", "url": "u"}, "error": "x"}
    assert hr.read([entry, entry]).errors()["source"].tolist() == ["u", "u#1"]


def test_unknown_model_and_keys_are_tolerated():
    doc = [
        {
            "source": {"type": "url", "url": "u", "extra": 1},
            "results": {
                "errors": [],
                "predictions": [
                    {
                        "file": "f",
                        "surprise": True,
                        "models": {
                            "gesture": {
                                "grouped_predictions": [
                                    {
                                        "id": "unknown",
                                        "predictions": [
                                            {"emotions": [{"name": "Joy", "score": 0.5}]}
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
    m = hr.read(doc)
    assert m.spans()["model"].astype(str).tolist() == ["gesture"]
    assert m.long()["score"].tolist() == [0.5]


@pytest.mark.parametrize(("frame", "ok"), [(3.0, True), (1.5, False), (7, True)])
def test_frames_must_be_whole_numbers(frame, ok):
    pred = {"frame": frame, "time": 0.0, "emotions": [{"name": "Joy", "score": 0.1}]}
    block = {"grouped_predictions": [{"id": "face_0", "predictions": [pred]}]}
    doc = [
        {
            "source": {"type": "url", "url": "u"},
            "results": {"errors": [], "predictions": [{"file": "f", "models": {"face": block}}]},
        }
    ]
    if ok:
        assert hr.read(doc).spans()["frame"].tolist() == [int(frame)]
    else:
        with pytest.raises(
            hr.FormatError,
            match=r"predictions\[0\]\.frame: expected a whole frame number, got 1\.5",
        ):
            hr.read(doc)
