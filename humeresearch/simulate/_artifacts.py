"""The v0 artifacts zip (``GET /v0/batch/jobs/{id}/artifacts``) built from predictions JSON."""

from __future__ import annotations

import csv
import functools
import io
import posixpath
import urllib.parse
import zipfile
from collections.abc import Callable, Sequence

from humeresearch import vocabularies as voc
from humeresearch.wire.artifacts import (
    ENCODING,
    FIXED_COLUMNS,
    LAYOUTS,
    LINE_END,
    SCORE_COLUMNS,
    csv_header,
    member_path,
)
from humeresearch.wire.v0 import SCORE_LISTS

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


def _box(item: dict, key: str) -> object:
    return (item.get("box") or item.get("bbox") or {}).get(key)


def _position(item: dict, key: str) -> object:
    return (item.get("position") or {}).get(key)


#: contract column of a fixed CSV column -> its value in a JSON prediction
_VALUE: dict[str, Callable[[dict], object]] = {
    "frame": lambda item: item.get("frame"),
    "time": lambda item: item.get("time"),
    "prob": lambda item: item.get("prob"),
    "box_x": lambda item: _box(item, "x"),
    "box_y": lambda item: _box(item, "y"),
    "box_w": lambda item: _box(item, "w"),
    "box_h": lambda item: _box(item, "h"),
    "text": lambda item: item.get("text"),
    "begin": lambda item: _time(item, "begin"),
    "end": lambda item: _time(item, "end"),
    "char_begin": lambda item: _position(item, "begin"),
    "char_end": lambda item: _position(item, "end"),
    "confidence": lambda item: item.get("confidence"),
    "speaker_confidence": lambda item: item.get("speaker_confidence"),
}


@functools.cache
def _layout(
    model: str,
) -> tuple[tuple[Callable[[dict], object], ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """Getters of the fixed columns after ``Id`` and (JSON attribute, names) of each score run.

    Both follow :data:`humeresearch.wire.artifacts.LAYOUTS` and ``SCORE_COLUMNS``, so a row
    lines up with :func:`~humeresearch.wire.artifacts.csv_header`.
    """
    getters = tuple(_VALUE[FIXED_COLUMNS[h][0]] for h in LAYOUTS[model][1:])
    runs = tuple(
        (attr, voc.names(key))
        for (attr, _), key in zip(SCORE_LISTS[model], SCORE_COLUMNS[model], strict=True)
    )
    return getters, runs


def _row(model: str, gid: object, item: dict) -> list[str]:
    getters, runs = _layout(model)
    values = [gid, *(get(item) for get in getters)]
    for attr, names in runs:
        values.extend(_by_name(item.get(attr), names))
    return [_cell(v) for v in values]


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
    writer = csv.writer(buf, lineterminator=LINE_END)
    writer.writerow(csv_header(model))
    for _, gid, item in rows:
        writer.writerow(_row(model, gid, item))
    return buf.getvalue().encode(ENCODING)


def _basename(source: dict) -> tuple[str, str]:
    """The source's type and base name, as given (``member_path`` makes them safe)."""
    kind = str(source.get("type", "file"))
    if kind == "url":
        url = source.get("url") or ""
        base = posixpath.basename(urllib.parse.urlsplit(url).path) or "download"
    elif kind == "file":
        base = source.get("filename") or "upload"
    else:
        base = "text"
    return kind, str(base)


def v0_artifacts_zip(predictions: list[dict]) -> bytes:
    """Build the v0 artifacts zip from a predictions JSON list (hume-v0.md section 9).

    Member names come from :func:`humeresearch.wire.artifacts.member_path`, which makes them
    safe whatever the predictions hold (an uploaded file may be named ``../../x.mp4`` or
    ``a\\..\\b.wav``), so that no unzip tool writes outside its target folder.

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
    >>> z = v0_artifacts_zip(v0_predictions([Source("url", "https://x.org/a.mp4")], models={"face": {}}))
    >>> zipfile.ZipFile(io.BytesIO(z)).namelist()
    ['url-0-a.mp4/csv/a.mp4/face.csv']
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for index, entry in enumerate(predictions):
            results = entry.get("results")
            if not results:
                continue
            kind, base = _basename(entry.get("source") or {})
            for pred in results.get("predictions") or []:
                for model, block in (pred.get("models") or {}).items():
                    if model not in LAYOUTS or block is None:
                        continue
                    info = zipfile.ZipInfo(
                        member_path(
                            kind=kind,
                            index=index,
                            basename=base,
                            file=str(pred["file"]),
                            model=model,
                        ),
                        _DATE,
                    )
                    info.create_system = 3
                    info.external_attr = 0o100644 << 16
                    z.writestr(info, model_csv(model, block), zipfile.ZIP_STORED)
    return out.getvalue()
