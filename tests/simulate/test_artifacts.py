"""The artifacts zip: real layout, CSV columns of the real files, values equal to the JSON."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from humeresearch.simulate import Source, v0_artifacts_zip, v0_predictions

from ._helpers import image, signal, wav

MODELS = {
    "face": {"identify_faces": True},
    "burst": {},
    "prosody": {"identify_speakers": True, "granularity": "sentence"},
    "language": {"sentiment": {}, "granularity": "sentence"},
    "ner": {},
}


@pytest.fixture(scope="module")
def job():
    sources = [
        Source("url", "https://example.org/v/IMG_1.mp4"),
        Source("file", "webcam.png", data=image(400, 300, "PNG")),
        Source("file", "talk.wav", data=wav(signal(9.0, [(0.5, 3.0), (3.2, 3.5), (4.0, 8.5)]))),
        Source("text", "text-0", text="Hello, world. Fine."),
    ]
    preds = v0_predictions(sources, models=MODELS)
    return preds, zipfile.ZipFile(io.BytesIO(v0_artifacts_zip(preds)))


def _rows(z: zipfile.ZipFile, name: str) -> list[list[str]]:
    raw = z.read(name)
    assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF only
    return list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))


def test_layout(job):
    _, z = job
    assert sorted(z.namelist()) == sorted(
        [
            "url-0-IMG_1.mp4/csv/IMG_1.mp4/face.csv",
            "url-0-IMG_1.mp4/csv/IMG_1.mp4/burst.csv",
            "url-0-IMG_1.mp4/csv/IMG_1.mp4/prosody.csv",
            "url-0-IMG_1.mp4/csv/IMG_1.mp4/language.csv",
            "file-1-webcam.png/csv/webcam.png/face.csv",
            "file-2-talk.wav/csv/talk.wav/burst.csv",
            "file-2-talk.wav/csv/talk.wav/prosody.csv",
            "file-2-talk.wav/csv/talk.wav/language.csv",
            "text-3-text/csv/text-0/language.csv",
        ]
    )
    assert all(i.compress_type == zipfile.ZIP_STORED and not i.is_dir() for i in z.infolist())


@pytest.mark.parametrize(
    ("model", "real"),
    [
        ("face", "interviewiq_img4648_face.csv"),
        ("prosody", "interviewiq_img4648_prosody.csv"),
        ("language", "interreviewer_language.csv"),
    ],
)
def test_header_equals_the_real_files(job, fixtures, model, real):
    _, z = job
    with open(fixtures / real, newline="", encoding="utf-8") as fh:
        expected = next(csv.reader(fh))
    assert _rows(z, f"url-0-IMG_1.mp4/csv/IMG_1.mp4/{model}.csv")[0] == expected


def test_burst_header(job, vocab):
    _, z = job
    header = _rows(z, "file-2-talk.wav/csv/talk.wav/burst.csv")[0]
    assert header == [
        "Id",
        "BeginTime",
        "EndTime",
        *vocab("v0_emotions_48_csv_order"),
        *vocab("v0_burst_descriptions_67"),
    ]


def _expected_cells(model: str, gid: str, p: dict, header: list[str]) -> list[str]:
    """Brute force: the CSV row of one JSON prediction, cell by cell from the header names."""

    def fmt(v):
        return "" if v is None else repr(v) if isinstance(v, float) else str(v)

    fixed = {
        "Id": gid,
        "Frame": p.get("frame"),
        "Time": p.get("time") if model == "face" else None,
        "Probability": p.get("prob"),
        "FaceX0": (p.get("box") or {}).get("x"),
        "FaceY0": (p.get("box") or {}).get("y"),
        "FaceWidth": (p.get("box") or {}).get("w"),
        "FaceHeight": (p.get("box") or {}).get("h"),
        "Text": p.get("text"),
        "BeginTime": (p.get("time") or {}).get("begin") if model != "face" else None,
        "EndTime": (p.get("time") or {}).get("end") if model != "face" else None,
        "BeginPosition": (p.get("position") or {}).get("begin"),
        "EndPosition": (p.get("position") or {}).get("end"),
        "Confidence": p.get("confidence"),
        "SpeakerConfidence": p.get("speaker_confidence"),
    }
    scores = {}
    for key in ("emotions", "facs", "descriptions", "sentiment", "toxicity"):
        for s in p.get(key) or []:
            scores[s["name"]] = s["score"]
    cells = []
    for i, col in enumerate(header):
        if i < 8 and col in fixed:  # the fixed columns come first (at most 8)
            cells.append(fmt(fixed[col]))
        else:
            cells.append(fmt(scores.get(col)))
    return cells


@pytest.mark.parametrize(
    ("member", "model", "source"),
    [
        ("url-0-IMG_1.mp4/csv/IMG_1.mp4/face.csv", "face", 0),
        ("url-0-IMG_1.mp4/csv/IMG_1.mp4/prosody.csv", "prosody", 0),
        ("url-0-IMG_1.mp4/csv/IMG_1.mp4/language.csv", "language", 0),
        ("url-0-IMG_1.mp4/csv/IMG_1.mp4/burst.csv", "burst", 0),
        ("file-1-webcam.png/csv/webcam.png/face.csv", "face", 1),
        ("text-3-text/csv/text-0/language.csv", "language", 3),
    ],
)
def test_values_equal_the_json(job, member, model, source):
    preds, z = job
    rows = _rows(z, member)
    header, body = rows[0], rows[1:]
    block = preds[source]["results"]["predictions"][0]["models"][model]
    expected = [
        _expected_cells(model, g["id"], p, header)
        for g in block["grouped_predictions"]
        for p in g["predictions"]
    ]
    assert sorted(body) == sorted(expected)
    assert len(body) == len(expected) > 0
    # chronological across groups
    col = header.index("Time" if model == "face" else "BeginTime")
    times = [float(r[col]) if r[col] else 0.0 for r in body]
    assert times == sorted(times)


def test_groups_interleave(job):
    _, z = job
    ids = [r[0] for r in _rows(z, "url-0-IMG_1.mp4/csv/IMG_1.mp4/prosody.csv")[1:]]
    assert set(ids) == {"spk_0", "spk_1"}
    assert ids != sorted(ids)  # rows are not grouped by speaker


def test_disabled_features_are_empty_cells(job, vocab):
    _, z = job
    rows = _rows(z, "file-1-webcam.png/csv/webcam.png/face.csv")
    assert len(rows[0]) == 119
    facs_cols = range(8 + 48, 119)
    assert all(rows[1][i] == "" for i in facs_cols)
    lang = _rows(z, "url-0-IMG_1.mp4/csv/IMG_1.mp4/language.csv")
    tox = [lang[0].index(n) for n in vocab("v0_toxicity")]
    assert all(r[i] == "" for r in lang[1:] for i in tox)


def test_zip_is_deterministic(job):
    preds, _ = job
    assert v0_artifacts_zip(preds) == v0_artifacts_zip(preds)
