"""The real interview (face, prosody with speakers, language): aligned and summarised.

Expected values are computed here by hand from the raw JSON (json.load and loops),
independently of the reader and of the alignment code.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import humeresearch as hr
from humeresearch.errors import UnmatchedSpansWarning

FIXTURE = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "fixtures"
    / "hume-v0-real"
    / "interreviewer_predictions.json"
)
NAMES = ("Joy", "Calmness", "Interest", "Awkwardness")


@pytest.fixture(scope="module")
def raw(fixtures):
    # ``fixtures`` (tests/conftest.py) fails loudly when ../shared is missing
    doc = json.loads(FIXTURE.read_text())
    models = doc[0]["results"]["predictions"][0]["models"]
    out = {}
    for model in ("face", "prosody", "language"):
        spans = []
        for group in models[model]["grouped_predictions"]:
            for i, p in enumerate(group["predictions"]):
                if model == "face":
                    begin = end = float(p["time"])
                else:
                    begin, end = float(p["time"]["begin"]), float(p["time"]["end"])
                scores = {e["name"]: e["score"] for e in p["emotions"]}
                spans.append(
                    {
                        "track": group["id"],
                        "span_id": i,
                        "begin": begin,
                        "end": end,
                        "scores": scores,
                    }
                )
        out[model] = spans
    return out


@pytest.fixture(scope="module")
def measurements(fixtures):
    return hr.read(str(FIXTURE))


def test_face_frames_onto_utterances(raw, measurements):
    long = measurements.long()
    utterances = measurements.spans().query("model == 'prosody'")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnmatchedSpansWarning)
        aligned = hr.align(long[long["model"] == "face"], utterances)
    last_end = max(u["end"] for u in raw["prosody"])
    expected = {}
    for u in raw["prosody"]:
        for face in ("face_0", "face_1"):
            frames = [
                f
                for f in raw["face"]
                if f["track"] == face
                and (u["begin"] <= f["begin"] < u["end"] or (f["begin"] == u["end"] == last_end))
            ]
            if not frames:
                continue
            for name in NAMES:
                mean = sum(f["scores"][name] for f in frames) / len(frames)
                expected[(u["track"], u["span_id"], face, name)] = (mean, len(frames))
    got = {
        (r["track"], r["span_id"], r["from_track"], r["name"]): (r["score"], r["n_spans"])
        for r in aligned[aligned["name"].isin(NAMES)].to_dict("records")
    }
    assert len(expected) > 100
    assert set(got) == set(expected)
    for key, (mean, n) in expected.items():
        assert got[key][0] == pytest.approx(mean, rel=1e-12) and got[key][1] == n, key

    # per speaker and face: utterance means weighted by utterance duration
    summary = hr.summarize(
        aligned, by=["track", "from_track"], agg=["mean", "count"], overlapping="allow"
    )
    with pytest.raises(ValueError, match="mixes from_track"):
        hr.summarize(aligned, by=["track"], overlapping="allow")
    default = hr.summarize(aligned, overlapping="allow")
    assert list(default.columns[:6]) == [
        "source",
        "file",
        "model",
        "track",
        "from_model",
        "from_track",
    ]
    assert len(default) == len(summary) // 2
    for speaker in ("spk_0", "spk_1"):
        for face in ("face_0", "face_1"):
            for name in NAMES:
                items = [
                    (u["end"] - u["begin"], expected[(speaker, u["span_id"], face, name)][0])
                    for u in raw["prosody"]
                    if u["track"] == speaker and (speaker, u["span_id"], face, name) in expected
                ]
                mean = sum(w * v for w, v in items) / sum(w for w, _ in items)
                rows = summary[
                    (summary["track"] == speaker)
                    & (summary["from_track"] == face)
                    & (summary["name"] == name)
                ].set_index("stat")["score"]
                assert rows["mean"] == pytest.approx(mean, rel=1e-12)
                assert rows["count"] == len(items)


def test_sentences_onto_utterances_and_speaker_means(raw, measurements):
    long = measurements.long()
    utterances = measurements.spans().query("model == 'prosody'")
    aligned = hr.align(long[long["model"] == "language"], utterances)
    for u in raw["prosody"]:
        parts = [
            (min(s["end"], u["end"]) - max(s["begin"], u["begin"]), s) for s in raw["language"]
        ]
        parts = [(w, s) for w, s in parts if w > 0]
        for name in NAMES:
            mean = sum(w * s["scores"][name] for w, s in parts) / sum(w for w, _ in parts)
            row = aligned[
                (aligned["track"] == u["track"])
                & (aligned["span_id"] == u["span_id"])
                & (aligned["name"] == name)
            ]
            assert row["score"].item() == pytest.approx(mean, rel=1e-12)
            assert row["n_spans"].item() == len(parts)
            assert row["seconds"].item() == pytest.approx(sum(w for w, _ in parts), rel=1e-12)

    # prosody itself, per speaker: duration-weighted, not the mean of utterances
    summary = hr.summarize(
        long[long["model"] == "prosody"], by=["track"], agg=["mean", "max"], overlapping="allow"
    )
    for speaker in ("spk_0", "spk_1"):
        spans = [u for u in raw["prosody"] if u["track"] == speaker]
        for name in NAMES:
            total = sum(u["end"] - u["begin"] for u in spans)
            mean = sum((u["end"] - u["begin"]) * u["scores"][name] for u in spans) / total
            rows = summary[(summary["track"] == speaker) & (summary["name"] == name)]
            values = rows.set_index("stat")["score"]
            assert values["mean"] == pytest.approx(mean, rel=1e-12)
            assert values["max"] == max(u["scores"][name] for u in spans)
            assert rows["seconds"].iloc[0] == pytest.approx(total, rel=1e-12)
