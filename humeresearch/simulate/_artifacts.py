"""The v0 artifacts zip (``GET /v0/batch/jobs/{id}/artifacts``) built from predictions JSON."""

from __future__ import annotations

import csv
import io
import posixpath
import urllib.parse
import zipfile
from collections.abc import Callable, Sequence

from humeresearch.simulate import _vocab

_DATE = (2024, 1, 1, 0, 0, 0)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # shortest round-trip, exactly as json.dumps writes it
    return str(value)


def _by_name(scores: list[dict] | None, names: Sequence[str]) -> list[object]:
    if scores is None:
        return [None] * len(names)
    table = {s["name"]: s["score"] for s in scores}
    return [table.get(n) for n in names]


def _time(item: dict, key: str) -> object:
    span = item.get("time")
    return None if span is None else span.get(key)


def _face(item: dict) -> list[object]:
    box = item.get("box") or item.get("bbox") or {}
    return [
        item.get("frame"), item.get("time"), item.get("prob"),
        box.get("x"), box.get("y"), box.get("w"), box.get("h"),
        *_by_name(item.get("emotions"), _vocab.names("v0_emotions_48_csv_order")),
        *_by_name(item.get("facs"), _vocab.names("v0_facs_36")),
        *_by_name(item.get("descriptions"), _vocab.names("v0_face_descriptions_27")),
    ]  # fmt: skip


def _prosody(item: dict) -> list[object]:
    return [
        item.get("text"), _time(item, "begin"), _time(item, "end"),
        item.get("confidence"), item.get("speaker_confidence"),
        *_by_name(item.get("emotions"), _vocab.names("v0_emotions_48_csv_order")),
    ]  # fmt: skip


def _language(item: dict) -> list[object]:
    pos = item.get("position") or {}
    return [
        item.get("text"), pos.get("begin"), pos.get("end"), _time(item, "begin"), _time(item, "end"),
        item.get("confidence"), item.get("speaker_confidence"),
        *_by_name(item.get("emotions"), _vocab.names("v0_language_emotions_53_csv_order")),
        *_by_name(item.get("sentiment"), _vocab.names("v0_sentiment")),
        *_by_name(item.get("toxicity"), _vocab.names("v0_toxicity")),
    ]  # fmt: skip


def _burst(item: dict) -> list[object]:
    return [
        _time(item, "begin"), _time(item, "end"),
        *_by_name(item.get("emotions"), _vocab.names("v0_emotions_48_csv_order")),
        *_by_name(item.get("descriptions"), _vocab.names("v0_burst_descriptions_67")),
    ]  # fmt: skip


def csv_header(model: str) -> list[str]:
    """Column names of ``<model>.csv`` (face, prosody, language, burst), hume-v0.md section 9.

    Examples
    --------
    >>> len(csv_header("face")), len(csv_header("prosody")), len(csv_header("language"))
    (119, 54, 76)
    """
    e48 = list(_vocab.names("v0_emotions_48_csv_order"))
    if model == "face":
        fixed = [
            "Id",
            "Frame",
            "Time",
            "Probability",
            "FaceX0",
            "FaceY0",
            "FaceWidth",
            "FaceHeight",
        ]
        return (
            fixed
            + e48
            + list(_vocab.names("v0_facs_36"))
            + list(_vocab.names("v0_face_descriptions_27"))
        )
    if model == "prosody":
        return ["Id", "Text", "BeginTime", "EndTime", "Confidence", "SpeakerConfidence", *e48]
    if model == "language":
        fixed = [
            "Id",
            "Text",
            "BeginPosition",
            "EndPosition",
            "BeginTime",
            "EndTime",
            "Confidence",
            "SpeakerConfidence",
        ]
        return (
            fixed
            + list(_vocab.names("v0_language_emotions_53_csv_order"))
            + list(_vocab.names("v0_sentiment"))
            + list(_vocab.names("v0_toxicity"))
        )
    if model == "burst":
        return ["Id", "BeginTime", "EndTime", *e48, *_vocab.names("v0_burst_descriptions_67")]
    raise ValueError(
        f"no CSV layout for model {model!r}; choose from ['face', 'prosody', 'language', 'burst']"
    )


_ROW: dict[str, Callable[[dict], list[object]]] = {
    "face": _face,
    "prosody": _prosody,
    "language": _language,
    "burst": _burst,
}


def _sort_key(model: str, item: dict) -> tuple:
    if model == "face":
        return (item.get("time") or 0.0, item.get("frame") or 0)
    begin = _time(item, "begin")
    pos = (item.get("position") or {}).get("begin", 0)
    return (0.0 if begin is None else begin, pos)


def model_csv(model: str, block: dict) -> bytes:
    """One model block as CSV bytes: CRLF, UTF-8, rows chronological across groups."""
    rows = []
    for group in block.get("grouped_predictions") or []:
        for item in group.get("predictions") or []:
            rows.append((_sort_key(model, item), group.get("id"), item))
    rows.sort(key=lambda r: r[0])  # stable: ties keep the JSON group order
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(csv_header(model))
    for _, gid, item in rows:
        writer.writerow([_cell(v) for v in [gid, *_ROW[model](item)]])
    return buf.getvalue().encode("utf-8")


def _basename(source: dict, index: int) -> tuple[str, str]:
    kind = source.get("type", "file")
    if kind == "url":
        url = source.get("url") or ""
        return kind, posixpath.basename(urllib.parse.urlsplit(url).path) or "download"
    if kind == "file":
        return kind, source.get("filename") or "upload"
    return kind, "text"


def v0_artifacts_zip(predictions: list[dict]) -> bytes:
    """Build the v0 artifacts zip from a predictions JSON list (hume-v0.md section 9).

    Members ``{type}-{index}-{basename}/csv/{file}/{model}.csv`` for the face, prosody, language
    and burst blocks of every file (``index`` = position of the source in the list; there is no
    known CSV layout for ner and facemesh, so none is written). Entries are stored uncompressed,
    files only, with a fixed timestamp so identical predictions give identical bytes. CSV columns
    follow the "CSV order" name lists; null values and disabled features are empty cells; numbers
    are written as in the JSON.

    Parameters
    ----------
    predictions : list of dict
        Output of :func:`v0_predictions` (or any v0 predictions JSON).

    Returns
    -------
    bytes
        The zip archive.

    Examples
    --------
    >>> from humeresearch.simulate import Source, v0_predictions
    >>> z = v0_artifacts_zip(v0_predictions([Source("url", "https://x.org/a.mp4")], {"face": {}}))
    >>> zipfile.ZipFile(io.BytesIO(z)).namelist()
    ['url-0-a.mp4/csv/a.mp4/face.csv']
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for index, entry in enumerate(predictions):
            results = entry.get("results")
            if not results:
                continue
            kind, base = _basename(entry.get("source") or {}, index)
            for pred in results.get("predictions") or []:
                for model, block in (pred.get("models") or {}).items():
                    if model not in _ROW or block is None:
                        continue
                    info = zipfile.ZipInfo(
                        f"{kind}-{index}-{base}/csv/{pred['file']}/{model}.csv", _DATE
                    )
                    info.create_system = 3
                    info.external_attr = 0o100644 << 16
                    z.writestr(info, model_csv(model, block), zipfile.ZIP_STORED)
    return out.getvalue()
