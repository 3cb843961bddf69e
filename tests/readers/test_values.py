"""One value policy for JSON and CSV (issue 13 item 5, issue 12 items 10 and 14)."""

from __future__ import annotations

import json

import pytest

import humeresearch as hr
from tests.readers.test_hostile import PATH, face, face_csv, face_row, predictions, raw


@pytest.mark.parametrize("cell", ["inf", "-inf", "nan", "1e400"])
def test_csv_non_finite_score(cell):
    data = face_csv([face_row(), face_row(1, 0.5)]).replace(b"0.25\r\n", f"{cell}\r\n".encode(), 2)
    with pytest.raises(hr.FormatError, match=r"<bytes>: row 2, column 10 \('Sadness'\): .* finite"):
        hr.read(data)


@pytest.mark.parametrize("token", ["1e400", "-1e400"])
def test_json_non_finite_score(token):
    with pytest.raises(hr.FormatError, match=r"<bytes>: \[0\]"):
        hr.read(raw(predictions([face(joy="J")]), J=token))


def test_non_finite_score_in_a_decoded_object():
    with pytest.raises(hr.FormatError, match=PATH + r"\[0\]: emotion 'Joy': score nan"):
        hr.read(predictions([face(joy=float("nan"))]))


def test_scores_outside_0_1_are_kept_with_one_warning_json_and_csv():
    doc = predictions([face(joy=1.5), face(frame=1, time=0.5, joy=-0.5)])
    with pytest.warns(hr.OutOfRangeWarning) as caught:
        m = hr.read(json.dumps(doc).encode())
    messages = [str(w.message) for w in caught]
    assert messages == [
        "2 value(s) of 'score' outside the documented range [0, 1] were kept; the first at "
        "<bytes>: [0].results.predictions[0].models.face.grouped_predictions[0].predictions[0]"
        ", emotion 'Joy' = 1.5"
    ]
    assert m.long()["score"].tolist() == [1.5, 0.1, -0.5, 0.1]
    data = face_csv([face_row(joy=1.5), face_row(1, 0.5, joy=-0.5)])
    with pytest.warns(
        hr.OutOfRangeWarning, match=r"^2 value\(s\) of 'score' .* <bytes>: row 2, emotion"
    ):
        m = hr.read(data)
    assert m.long()["score"].tolist() == [1.5, 0.25, -0.5, 0.25]


def test_face_csv_probability_of_54_is_kept_with_a_warning():
    data = face_csv([face_row(prob=54), face_row(1, 0.5)])
    with pytest.warns(
        hr.OutOfRangeWarning, match=r"^1 value\(s\) of 'prob' .* <bytes>: row 2 = 54\.0"
    ):
        m = hr.read(data)
    assert m.spans()["prob"].tolist() == [54.0, 0.9]


@pytest.mark.parametrize(
    ("time", "reason"),
    [
        ({"begin": 2.0, "end": 1.0}, "end 1.0 is before begin 2.0"),
        ({"begin": -1.0, "end": 1.0}, r"negative time \(-1.0, 1.0\)"),
        ({"begin": 1.0}, "begin 1.0 and end nan: half a time"),
        (None, r"missing time \(required for this model\)"),
    ],
)
def test_impossible_json_times(time, reason):
    pred = {"time": time, "emotions": [{"name": "Joy", "score": 0.5}]}
    if time is None:
        del pred["time"]
    doc = predictions([pred], model="prosody")
    with pytest.raises(hr.FormatError, match=r"models\.prosody\..*predictions\[0\]: " + reason):
        hr.read(doc)


def test_face_without_time_json_and_csv():
    pred = face()
    del pred["time"]
    with pytest.raises(hr.FormatError, match=PATH + r"\[0\]: missing time"):
        hr.read(json.dumps(predictions([pred])).encode())
    with pytest.raises(hr.FormatError, match=r"<bytes>: row 3: missing time"):
        hr.read(face_csv([face_row(), face_row(1, None)]))


def test_csv_end_before_begin_and_negative_time():
    header = ["Id", "Text", "BeginTime", "EndTime", "Confidence", "SpeakerConfidence", "Joy"]
    from tests.readers.conftest import csv_bytes

    data = csv_bytes(
        header,
        [["spk_0", "hi", 0.0, 1.0, None, None, 0.5], ["spk_0", "x", 2.0, 1.0, None, None, 0.5]],
    )
    with pytest.raises(hr.FormatError, match=r"<bytes>: row 3: end 1.0 is before begin 2.0"):
        hr.read(data)
    data = csv_bytes(header, [["spk_0", "hi", -0.5, 1.0, None, None, 0.5]])
    with pytest.raises(hr.FormatError, match=r"row 2: negative time"):
        hr.read(data)


def test_empty_csv_header_name():
    data = face_csv([face_row()], names=("Joy", ""))
    with pytest.raises(hr.FormatError, match=r"row 1, column 10 \(''\): empty column name"):
        hr.read(data)


def test_stream_face_without_time_stays_nan():
    reply = {"face": {"predictions": [{**face(), "time": None, "face_id": "0"}]}}
    m = hr.read(reply)
    assert m.spans()["begin"].isna().all()


# -- lost spans leave an error row ---------------------------------------------------------


def test_entry_without_results_or_error_leaves_an_error_row():
    doc = predictions([face()])
    doc.append({"source": {"type": "url", "url": "https://x/b.mp4"}})
    m = hr.read(doc)
    assert m.errors()[["source", "level", "message"]].values.tolist() == [
        ["https://x/b.mp4", "source", "[1]: neither 'results' nor 'error'"]
    ]


def test_group_without_predictions_leaves_an_error_row():
    doc = predictions([face()])
    block = doc[0]["results"]["predictions"][0]["models"]["face"]
    block["grouped_predictions"].append({"id": "face_1"})
    m = hr.read(json.dumps(doc).encode())
    assert m.errors()["message"].tolist() == [
        "[0].results.predictions[0].models.face: group 'face_1' has no predictions"
    ]
    assert set(m.spans()["track"]) == {"face_0"}


# -- issue 12 item 14: a repeated group id ---------------------------------------------------


def test_repeated_group_id_is_one_track_with_continuing_span_ids():
    doc = predictions([face(0, 0.0), face(1, 0.5)], groups=1)
    groups = doc[0]["results"]["predictions"][0]["models"]["face"]["grouped_predictions"]
    groups.append({"id": "face_0", "predictions": [face(2, 1.0)]})
    with pytest.warns(UserWarning, match=r"grouped_predictions\[1\]: group id 'face_0' repeats"):
        m = hr.read(doc)
    s = m.spans()
    assert s[["track", "span_id", "frame", "begin"]].values.tolist() == [
        ["face_0", 0, 0, 0.0],
        ["face_0", 1, 1, 0.5],
        ["face_0", 2, 2, 1.0],
    ]


# -- issue 12 item 10: one source rule -------------------------------------------------------


def test_source_is_the_file_name_without_extension_for_every_format(tmp_path):
    csv_path = tmp_path / "rec1_face.csv"
    csv_path.write_bytes(face_csv([face_row()]))
    stream = tmp_path / "rec1.json"
    stream.write_text(json.dumps({"face": {"predictions": [{**face(), "face_id": "0"}]}}))
    assert hr.read(csv_path).spans()["source"].unique().tolist() == ["rec1"]
    assert hr.read(stream).spans()["source"].unique().tolist() == ["rec1"]
    with csv_path.open("rb") as fh:  # a named file object follows the path rule
        assert hr.read(fh).spans()["source"].unique().tolist() == ["rec1"]
    # bytes carry no name: source= gives it, else the documented default
    data = csv_path.read_bytes()
    assert hr.read(data, source="rec1").spans()["source"].unique().tolist() == ["rec1"]
    assert hr.read(data).spans()["source"].unique().tolist() == ["csv"]
    assert hr.read(stream.read_bytes()).spans()["source"].unique().tolist() == ["stream"]
