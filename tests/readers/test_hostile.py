"""Malformed and out-of-contract inputs: one FormatError with its place, or a warning."""

from __future__ import annotations

import json

import pytest

import humeresearch as hr
from tests.readers.conftest import csv_bytes, zip_bytes

FACE_HEADER = ["Id", "Frame", "Time", "Probability", "FaceX0", "FaceY0", "FaceWidth", "FaceHeight"]


def face_csv(rows: list[list[object]], names=("Joy", "Sadness")) -> bytes:
    return csv_bytes([*FACE_HEADER, *names], rows)


def face_row(frame=0, time=0.0, prob=0.9, joy=0.5, sad=0.25) -> list[object]:
    return ["face_0", frame, time, prob, 1.0, 1.0, 2.0, 2.0, joy, sad]


def predictions(preds: list[dict], model: str = "face", groups: int = 1) -> list[dict]:
    block = {"grouped_predictions": [{"id": "face_0", "predictions": preds}] * groups}
    return [
        {
            "source": {"type": "url", "url": "https://x/a.mp4"},
            "results": {"predictions": [{"file": "a.mp4", "models": {model: block}}], "errors": []},
        }
    ]


def face(frame: object = 0, time: object = 0.0, joy: object = 0.5) -> dict:
    return {
        "frame": frame,
        "time": time,
        "prob": 0.99,
        "box": {"x": 0, "y": 0, "w": 2, "h": 2},
        "emotions": [{"name": "Joy", "score": joy}, {"name": "Sadness", "score": 0.1}],
    }


def raw(doc: object, **tokens: str) -> bytes:
    """JSON text of ``doc`` with string placeholders replaced by raw number tokens."""
    text = json.dumps(doc)
    for key, token in tokens.items():
        text = text.replace(json.dumps(key), token)
    return text.encode()


PATH = r"\[0\]\.results\.predictions\[0\]\.models\.face\.grouped_predictions\[0\]\.predictions"


# -- escapes (issue 13 item 3) ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["[]", "{}", "5"])
def test_v1_log_line_with_a_non_string_type(kind):
    data = f'{{"type": {kind}}}\n{{"type": "session.created", "session_id": "s"}}\n'.encode()
    with pytest.raises(hr.FormatError, match=r"<bytes>: line 1\.type: expected a string"):
        hr.read(data, format="v1")


def test_cr_only_csv_is_read():
    data = face_csv([face_row(0, 0.0), face_row(1, 0.5)]).replace(b"\r\n", b"\r")
    m = hr.read(data)
    assert m.spans()["begin"].tolist() == [0.0, 0.5]


def test_nul_byte_in_csv_is_a_format_error():
    data = face_csv([face_row()]).replace(b"face_0", b'face\x00_0\r\n"x', 1)
    with pytest.raises(hr.FormatError, match=r"<bytes>: row"):
        hr.read(data)


def test_header_that_is_not_utf8():
    data = face_csv([face_row()], names=("Joy", "Sad\xffness"))
    data = data.replace("Sad\xffness".encode(), b"Sad\xffness")
    with pytest.raises(hr.FormatError, match=r"row 1: header is not UTF-8"):
        hr.read(data, format="v0-csv")


@pytest.mark.parametrize("depth", [100, 2_000, 100_000])
def test_deep_json_is_refused_by_the_depth_limit(depth):
    data = b'[{"source": {"type": "url"}, "error": ' + b"[" * depth + b"]" * depth + b"}]"
    with pytest.raises(hr.FormatError, match=r"max_json_depth=64.*LIMITS\.max_json_depth"):
        hr.read(data)


def test_brackets_inside_strings_do_not_count():
    doc = [{"source": {"type": "url", "url": "u"}, "error": '\\"' + "[" * 500}]
    m = hr.read(json.dumps(doc).encode())
    assert m.errors()["message"].tolist() == ['\\"' + "[" * 500]


@pytest.mark.parametrize("frame", [2**64, 2**63, -1])
def test_frame_outside_int64(frame):
    data = raw(predictions([face(), face(frame="F", time=0.5)]), F=str(frame))
    with pytest.raises(hr.FormatError, match=PATH + rf"\[1\]: frame {frame} is outside"):
        hr.read(data)


def test_v1_measurement_id_outside_int64():
    response = {
        "request_id": "0" * 32,
        "run_id": "r",
        "received": {},
        "measurements": [
            {"measurement_id": "M", "utterance_id": 0, "audio_start_ms": 0, "audio_end_ms": 5}
        ],
    }
    with pytest.raises(hr.FormatError, match=r"measurements\[0\]\.measurement_id: id 1844"):
        hr.read(raw(response, M=str(2**64)))


def _zip_with_broken_directory(field: int, value: bytes) -> bytes:
    data = bytearray(zip_bytes({"file-0-a.png/csv/a.png/face.csv": face_csv([face_row()])}))
    cd = data.find(b"PK\x01\x02")
    data[cd + field : cd + field + len(value)] = value
    return bytes(data)


@pytest.mark.parametrize(
    ("field", "value"),
    [(42, b"\xff\xff\xff\x7f"), (6, b"\xf0\x00"), (20, b"\x00\x00\x00\x00"), (10, b"\x63\x00")],
    ids=["offset", "version", "size", "method"],
)
def test_corrupt_zip_directory(field, value):
    with pytest.raises(hr.FormatError, match=r"<bytes>: "):
        hr.read(_zip_with_broken_directory(field, value))


def test_collect_reports_each_broken_input_and_goes_on(tmp_path):
    good = tmp_path / "good.json"
    good.write_bytes(json.dumps(predictions([face()])).encode())
    (tmp_path / "deep.json").write_bytes(b"[" * 5000 + b"]" * 5000)
    (tmp_path / "log.jsonl").write_bytes(b'{"type": []}\n{"type": "error"}\n')
    (tmp_path / "huge.json").write_bytes(raw(predictions([face(frame="F")]), F=str(2**64)))
    m = hr.read(sorted(tmp_path.iterdir()), errors="collect", progress=False)
    assert m.spans()["source"].tolist() == ["https://x/a.mp4"]
    failed = sorted(r["path"] for r in m.provenance["inputs"] if r.get("error"))
    assert [p.rsplit("/", 1)[-1] for p in failed] == ["deep.json", "huge.json", "log.jsonl"]


# -- encodings (issue 13 item 6) ---------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-be"])
def test_bom_prefixed_json_is_read(codec):
    text = json.dumps(predictions([face()]))
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    m = hr.read(data)
    assert m.long()["score"].tolist() == [0.5, 0.1]


def test_utf16_with_a_broken_byte_is_refused():
    data = json.dumps(predictions([face()])).encode("utf-16")[:-1] + b"\x00\xd8"
    with pytest.raises(hr.FormatError, match=r"invalid utf-16"):
        hr.read(data)


def test_v1_utterance_id_outside_int64():
    log = [
        {"type": "session.created", "session_id": "s1"},
        {
            "type": "measurement.result",
            "measurement_id": 0,
            "utterance_id": "U",
            "audio_start_ms": 0,
            "audio_end_ms": 900,
            "trigger": "interval",
            "expressions": [],
        },
    ]
    data = b"\n".join(raw(m, U=str(2**64)) for m in log)
    with pytest.raises(hr.FormatError, match=r"<bytes>: line 2: utterance_id 1844\d+ is outside"):
        hr.read(data)
