"""Artifacts zip, unpacked folder and loose CSVs: same contract as the predictions JSON."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humeresearch as hr
from humeresearch import vocabularies as voc
from humeresearch._contract import validate

from .conftest import JOBS, assert_same_measurements, csv_bytes, source_url, zip_bytes


@pytest.mark.parametrize("job", JOBS)
def test_zip_equals_predictions_json(real, job):
    from_json = hr.read(real / f"{job}_predictions.json")
    from_zip = hr.read(real / f"{job}_artifacts.zip")
    assert from_zip.provenance["inputs"][0]["format"] == "v0-artifacts"
    assert_same_measurements(from_json, from_zip, source_url(real, job))
    validate(from_zip.long(), "long")
    validate(from_zip.spans(), "spans")


def test_zip_sources_option_gives_the_url(real):
    url = json.loads((real / "interviewiq_predictions.json").read_text())[0]["source"]["url"]
    by_folder = hr.read(real / "interviewiq_artifacts.zip", sources={"url-0-IMG_4648.mp4": url})
    by_base = hr.read(real / "interviewiq_artifacts.zip", sources={"IMG_4648.mp4": url})
    assert set(by_folder.spans()["source"]) == {url} == set(by_base.spans()["source"])
    assert_same_measurements(hr.read(real / "interviewiq_predictions.json"), by_folder)


def test_unpacked_folder_equals_zip_and_lists_crops(real, tmp_path):
    with zipfile.ZipFile(real / "interreviewer_artifacts.zip") as z:
        z.extractall(tmp_path / "job")
    crop = tmp_path / "job" / "file-0-bad_interview.mp4" / "faces" / "bad_interview.mp4" / "face_0"
    crop.mkdir(parents=True)
    (crop / "frame=8.png").write_bytes(b"\x89PNG fake")
    folder = hr.read(tmp_path / "job")
    assert_same_measurements(hr.read(real / "interreviewer_artifacts.zip"), folder)
    record = folder.provenance["inputs"][0]
    assert record["format"] == "v0-artifacts"
    assert record["face_crops"] == [
        "file-0-bad_interview.mp4/faces/bad_interview.mp4/face_0/frame=8.png"
    ]
    assert len(folder.errors()) == 0
    # the csv folder of one source, read file by file, gives the same tables
    inner = hr.read(tmp_path / "job" / "file-0-bad_interview.mp4")
    assert_same_measurements(folder, inner)


def test_zip_with_crops_lists_them(real):
    with zipfile.ZipFile(real / "humegradio_artifacts.zip") as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["file-0-webcam.png/faces/webcam.png/face_0/frame=0.png"] = b"\x89PNG"
    m = hr.read(zip_bytes(members))
    assert m.provenance["inputs"][0]["face_crops"] == [
        "file-0-webcam.png/faces/webcam.png/face_0/frame=0.png"
    ]
    assert len(m) == 1


@pytest.mark.parametrize(
    ("csv_name", "job", "model"),
    [
        ("interviewiq_img4648_face.csv", "interviewiq", "face"),
        ("interviewiq_img4648_prosody.csv", "interviewiq", "prosody"),
        ("interreviewer_language.csv", "interreviewer", "language"),
        ("interreviewer_prosody.csv", "interreviewer", "prosody"),
    ],
)
def test_loose_csv_equals_json_part(real, csv_name, job, model):
    from_json = hr.read(real / f"{job}_predictions.json")
    source = from_json.spans()["source"].iloc[0]
    file = from_json.spans()["file"].iloc[0]
    loose = hr.read(real / csv_name, source=source, file=file)
    assert set(loose.spans()["model"].astype(str)) == {model}
    spans = from_json.spans()
    keep = spans["model"] == model
    part = hr.read(real / f"{job}_predictions.json")  # same content, filtered below
    la = part.long()
    la = la[la["model"] == model]
    lb = loose.long()
    key = ["track", "span_id", "family", "name"]
    la = la.astype({c: str for c in key[:1] + key[2:]}).sort_values(key).reset_index(drop=True)
    lb = lb.astype({c: str for c in key[:1] + key[2:]}).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(la[key], lb[key])
    np.testing.assert_allclose(la["score"], lb["score"], atol=1e-6, rtol=0)
    sa = spans[keep].sort_values(["track", "span_id"]).reset_index(drop=True)
    sb = loose.spans().sort_values(["track", "span_id"]).reset_index(drop=True)
    for c in ("begin", "end"):
        np.testing.assert_allclose(sa[c], sb[c], atol=1e-6)
    assert sa["text"].fillna("").tolist() == sb["text"].fillna("").tolist()


def _independent_rows(path):
    """(Id, score cells) of every data row, read with the csv module."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


@pytest.mark.parametrize(
    ("csv_name", "model", "n_rows", "tracks"),
    [
        ("interviewiq_img4647_face.csv", "face", 41, {"face_0": 41}),
        ("interviewiq_img4647_prosody.csv", "prosody", 4, {"unknown": 4}),
    ],
)
def test_loose_csv_without_json(real, csv_name, model, n_rows, tracks):
    m = hr.read(real / csv_name)
    spans = m.spans()
    assert len(spans) == n_rows
    assert spans["track"].value_counts().to_dict() == tracks
    assert set(spans["source"]) == {"interviewiq_img4647"}
    header, rows = _independent_rows(real / csv_name)
    fixed = {
        "Id",
        "Frame",
        "Time",
        "Probability",
        "FaceX0",
        "FaceY0",
        "FaceWidth",
        "FaceHeight",
        "Text",
        "BeginTime",
        "EndTime",
        "Confidence",
        "SpeakerConfidence",
    }
    cells = [(r[0], h, float(v)) for r in rows for h, v in zip(header, r) if h not in fixed and v]
    long = m.long()
    assert len(long) == len(cells)  # empty FACS/description cells give no rows
    assert np.isclose(long["score"].sum(), sum(v for _, _, v in cells), rtol=1e-12)
    assert set(long["family"].astype(str)) == {"emotion"}


def test_csv_rows_regrouped_per_id_keeping_order():
    e = list(voc.V0_EMOTIONS_CSV_ORDER[:3])
    header = [
        "Id",
        "Frame",
        "Time",
        "Probability",
        "FaceX0",
        "FaceY0",
        "FaceWidth",
        "FaceHeight",
        *e,
    ]
    ids = ["face_1", "face_0", "face_1", "face_2", "face_0", "face_1"]
    rows = [
        [g, 10 * k, k / 3, 0.99, 1.0, 2.0, 3.0, 4.0, 0.1 * k, 0.2, 0.3] for k, g in enumerate(ids)
    ]
    m = hr.read(csv_bytes(header, rows))
    spans = m.spans()
    for track in set(ids):
        expected = [10 * k for k, g in enumerate(ids) if g == track]
        got = spans[spans["track"] == track].sort_values("span_id")
        assert got["frame"].tolist() == expected
        assert got["span_id"].tolist() == list(range(len(expected)))
    assert spans["track"].drop_duplicates().tolist() == ["face_1", "face_0", "face_2"]


def test_empty_cells_are_missing_not_zero():
    header = ["Id", "Text", "BeginTime", "EndTime", "Confidence", "SpeakerConfidence", "Joy", "Awe"]
    rows = [
        ["unknown", "hi, there", 0.0, 1.0, None, None, 0.5, None],
        ["unknown", None, 1.0, 2.0, 0.9, None, None, None],
    ]
    m = hr.read(csv_bytes(header, rows))
    long = m.long()
    assert long[["span_id", "name", "score"]].values.tolist() == [[0, "Joy", 0.5]]
    wide = m.wide()
    assert wide.loc[0, "Joy"] == 0.5 and np.isnan(wide.loc[1, "Joy"])
    assert "Awe" not in wide.columns  # a column with no value at all gives no score column
    spans = m.spans()
    assert spans["text"].tolist()[0] == "hi, there" and pd.isna(spans["text"].tolist()[1])
    assert "speaker_confidence" not in spans.columns  # all empty, as the JSON reader does
    assert np.isnan(spans["confidence"][0]) and spans["confidence"][1] == 0.9


def test_unknown_column_kept_with_family_of_neighbour_and_warning():
    header = [
        "Id",
        "Frame",
        "Time",
        "Probability",
        "FaceX0",
        "FaceY0",
        "FaceWidth",
        "FaceHeight",
        "Joy",
        "Brand New",
        "AU4 Brow Lowerer",
        "AU99 Future",
    ]
    rows = [["face_0", 0, 0.0, 0.9, 1.0, 1.0, 1.0, 1.0, 0.1, 0.2, 0.3, 0.4]]
    with pytest.warns(UserWarning, match="Brand New"):
        m = hr.read(csv_bytes(header, rows))
    got = dict(zip(m.long()["name"].astype(str), m.long()["family"].astype(str)))
    assert got == {
        "Joy": "emotion",
        "Brand New": "emotion",
        "AU4 Brow Lowerer": "facs",
        "AU99 Future": "facs",
    }


def test_model_from_header_and_from_name(tmp_path):
    header = ["Id", "BeginTime", "EndTime", "Joy", "Giggle"]
    data = csv_bytes(header, [["unknown", 0.0, 0.5, 0.1, 0.9]])
    assert hr.read(data).spans()["model"].tolist() == ["burst"]
    (tmp_path / "session3-burst.csv").write_bytes(data)
    m = hr.read(tmp_path / "session3-burst.csv")
    assert m.spans()[["source", "file", "model"]].values.tolist() == [
        ["session3", "session3", "burst"]
    ]
    fam = dict(zip(m.long()["name"].astype(str), m.long()["family"].astype(str)))
    assert fam == {"Joy": "emotion", "Giggle": "description"}


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda rows: rows[2].__setitem__(9, "abc"), "row 3, column 10 ('Adoration')"),
        (lambda rows: rows[1].append("0.5"), "row 2"),
        (lambda rows: rows[3].__setitem__(1, "10.5"), "row 4, column 2 ('Frame')"),
        (lambda rows: rows[4].__setitem__(0, ""), "row 5, column 1 ('Id')"),
    ],
)
def test_bad_cells_name_row_and_column(real, edit, where):
    with open(real / "interviewiq_img4648_face.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    with pytest.raises(hr.FormatError) as info:
        hr.read(buf.getvalue().encode())
    assert where in str(info.value)
    # inside a zip, the member is named too
    member = "url-0-a.mp4/csv/a.mp4/face.csv"
    with pytest.raises(
        hr.FormatError, match=f"member '{member}', " + where.replace("(", r"\(").replace(")", r"\)")
    ):
        hr.read(zip_bytes({member: buf.getvalue().encode()}))


@pytest.mark.parametrize(
    "member",
    [
        "../evil/face.csv",
        "/abs/url-0-a/csv/a/face.csv",
        "url-0-a\\csv\\a\\face.csv",
        "C:/url-0-a/csv/a/face.csv",
        "url-0-a/csv/../../face.csv",
    ],
)
def test_unsafe_member_names_refused(member):
    data = zip_bytes({member: b"Id,Joy\r\nunknown,0.5\r\n"})
    with pytest.raises(hr.FormatError) as info:
        hr.read(data)
    assert repr(member) in str(info.value)


def test_symlink_member_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        info = zipfile.ZipInfo("url-0-a/csv/a/face.csv")
        info.create_system = 3
        info.external_attr = (0o120777) << 16
        z.writestr(info, "/etc/passwd")
    with pytest.raises(hr.FormatError, match="symbolic link"):
        hr.read(out.getvalue())


def test_zip_without_csv_and_broken_zip():
    with pytest.raises(hr.FormatError, match="no artifacts CSV"):
        hr.read(zip_bytes({"readme.txt": b"hello"}))
    with pytest.raises(hr.FormatError, match="zip"):
        hr.read(b"PK\x03\x04 this is not really a zip")


def test_repeated_basenames_get_suffixes():
    data = csv_bytes(
        ["Id", "Text", "BeginTime", "EndTime", "Joy"], [["unknown", "x", 0.0, 1.0, 0.5]]
    )
    z = zip_bytes(
        {"url-0-a.mp4/csv/a.mp4/prosody.csv": data, "url-1-a.mp4/csv/a.mp4/prosody.csv": data}
    )
    assert sorted(hr.read(z).spans()["source"]) == ["a.mp4", "a.mp4#1"]


# -- property: every non-empty score cell appears exactly once in the long table ------------

_E = list(voc.V0_LANGUAGE_EMOTIONS_CSV_ORDER[:4])
_LANG = [
    "Id",
    "Text",
    "BeginPosition",
    "EndPosition",
    "BeginTime",
    "EndTime",
    "Confidence",
    "SpeakerConfidence",
    *_E,
    "1",
    "2",
    "toxic",
]
cell = st.one_of(st.none(), st.floats(0, 1, allow_nan=False))
row = st.tuples(
    st.sampled_from(["unknown", "spk_0", "spk_1"]),
    st.one_of(st.none(), st.text('ab ,"\n', max_size=6)),
    st.integers(0, 99),
    st.lists(cell, min_size=len(_LANG) - 6, max_size=len(_LANG) - 6),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=1, max_size=12))
def test_every_cell_once(rows):
    body = [[i, t, p, p + 3, p / 10, p / 10 + 1, *cells] for i, t, p, cells in rows]
    m = hr.read(csv_bytes(_LANG, body))
    expected = {}
    order: dict[str, int] = {}
    for r in body:
        k = order.get(r[0], 0)
        order[r[0]] = k + 1
        for h, v in zip(_LANG[8:], r[8:]):
            if v is not None:
                expected[(r[0], k, h)] = v
    long = m.long()
    got = {
        (t, s, n): v
        for t, s, n, v in zip(
            long["track"].astype(str), long["span_id"], long["name"].astype(str), long["score"]
        )
    }
    assert len(long) == len(expected)
    assert got == expected
    families = dict(zip(long["name"].astype(str), long["family"].astype(str)))
    assert all(
        families[n] == ("emotion" if n in _E else "toxicity" if n == "toxic" else "sentiment")
        for n in families
    )
    assert m.spans()["char_begin"].tolist() == [
        r[2] for r in sorted(body, key=lambda r: list(order).index(r[0]))
    ]
