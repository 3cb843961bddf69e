"""One v0 artifacts CSV (``face.csv``, ``prosody.csv``, ``language.csv``, ``burst.csv`` ...)
into builder blocks.

Columns are matched by header name, never by position (hume-v0.md section 9):

* fixed columns map to span columns: ``Id`` -> track; ``Frame`` -> frame; ``Time`` ->
  begin = end; ``BeginTime``/``EndTime`` -> begin/end; ``Probability`` -> prob;
  ``FaceX0``/``FaceY0``/``FaceWidth``/``FaceHeight`` -> box_x/box_y/box_w/box_h;
  ``Text`` -> text; ``BeginPosition``/``EndPosition`` -> char_begin/char_end;
  ``Confidence``/``SpeakerConfidence`` -> confidence/speaker_confidence; for ner.csv
  (layout never observed, a guess) ``Entity``, ``EntityConfidence``, ``Support``,
  ``Uri``, ``LinkWord``;
* every other column is a score whose family is found by membership of its header
  in the model's known lists (:func:`humeresearch.vocabularies.families`); a header
  in none of them keeps its name and takes the family of the score column before it
  (Hume writes each family as one run of columns), with a :class:`UserWarning`.

An empty cell is missing (NA), never 0: it gives no score row. Rows interleave groups
chronologically; they are regrouped per ``Id`` keeping their order, so that
``span_id`` is the position within the group, as in the predictions JSON.
"""

from __future__ import annotations

import csv
import io
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from humeresearch._build import Builder, Dense, Sparse
from humeresearch._errors import FormatError
from humeresearch.vocabularies import families

#: header -> (span column, arrow type)
FIXED: dict[str, tuple[str, Any]] = {
    "Id": ("track", pa.string()),
    "Frame": ("frame", pa.int64()),
    "Time": ("time", pa.float64()),
    "Probability": ("prob", pa.float64()),
    "FaceX0": ("box_x", pa.float64()),
    "FaceY0": ("box_y", pa.float64()),
    "FaceWidth": ("box_w", pa.float64()),
    "FaceHeight": ("box_h", pa.float64()),
    "Text": ("text", pa.string()),
    "BeginTime": ("begin", pa.float64()),
    "EndTime": ("end", pa.float64()),
    "BeginPosition": ("char_begin", pa.int64()),
    "EndPosition": ("char_end", pa.int64()),
    "Confidence": ("confidence", pa.float64()),
    "SpeakerConfidence": ("speaker_confidence", pa.float64()),
    "Entity": ("entity", pa.string()),
    "EntityConfidence": ("entity_confidence", pa.float64()),
    "Support": ("support", pa.float64()),
    "Uri": ("uri", pa.string()),
    "URI": ("uri", pa.string()),
    "LinkWord": ("link_word", pa.string()),
}
CSV_MODELS = ("face", "burst", "prosody", "language", "ner", "facemesh")
_BIG = 4 << 20  # members larger than this are parsed with Arrow's threads


def header_of(data: bytes) -> list[str]:
    """The header row of CSV bytes (BOM and CRLF tolerated)."""
    end = data.find(b"\n")
    line = data[: end if end >= 0 else len(data)]
    text = line.decode("utf-8-sig", errors="replace").rstrip("\r")
    return next(csv.reader([text]), [])


def model_from_header(header: list[str]) -> str | None:
    """The v0 model whose CSV layout ``header`` is, or None."""
    cols = set(header)
    if "Id" not in cols:
        return None
    if "FaceX0" in cols or "Frame" in cols:
        return "face"
    if "Entity" in cols or "LinkWord" in cols:
        return "ner"
    if "BeginPosition" in cols:
        return "language"
    if "Text" in cols and "BeginTime" in cols:
        return "prosody"
    if "BeginTime" in cols:
        return "burst"
    e48 = set(families("v0", "facemesh")["emotion"])
    if len(cols & e48) >= 1:
        return "facemesh"
    return None


def sniff_csv(prefix: bytes) -> bool:
    """Do these first bytes look like a v0 artifacts CSV?"""
    head = prefix.lstrip(b"\xef\xbb\xbf")
    if not head.startswith(b"Id,"):
        return False
    return model_from_header(header_of(head)) is not None


def _score_families(model: str, headers: list[str], name: str, where: str) -> list[tuple[str, str]]:
    known = families("v0", model)
    member = {n: fam for fam, names in known.items() for n in names}
    out: list[tuple[str, str]] = []
    unknown: list[str] = []
    last = next(iter(known))
    for h in headers:
        fam = member.get(h)
        if fam is None:
            unknown.append(h)
            fam = last
        out.append((fam, h))
        last = fam
    if unknown:
        warnings.warn(
            f"{name}: {where or model + '.csv'}: column(s) {unknown} are not in the known "
            f"v0 {model} lists; kept as scores of the family of the column before each",
            UserWarning,
            stacklevel=4,
        )
    return out


def _place(where: str, row: int | None = None, col: int | None = None, head: str = "") -> str:
    parts = [where] if where else []
    if row is not None:
        parts.append(f"row {row}")
    if col is not None:
        parts.append(f"column {col} ({head!r})")
    return ", ".join(parts)


def _diagnose(name: str, where: str, data: bytes, header: list[str], exc: Exception) -> FormatError:
    """Find the row and column of a fault Arrow reported without one (slow path)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return FormatError(name, _place(where), f"not UTF-8 text (byte {err.start})")
    kinds = {j: FIXED.get(h, (None, pa.float64()))[1] for j, h in enumerate(header)}
    for r, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if r == 1:
            continue
        if len(row) != len(header):
            return FormatError(
                name, _place(where, r), f"has {len(row)} fields, the header has {len(header)}"
            )
        for j, cell in enumerate(row):
            kind = kinds[j]
            if cell == "" or kind == pa.string():
                continue
            try:
                value = float(cell)
            except ValueError:
                return FormatError(
                    name, _place(where, r, j + 1, header[j]), f"expected a number, got {cell!r}"
                )
            if kind == pa.int64() and not value.is_integer():
                return FormatError(
                    name,
                    _place(where, r, j + 1, header[j]),
                    f"expected a whole number, got {cell!r}",
                )
    return FormatError(name, _place(where), f"unreadable CSV ({exc})")


def parse(name: str, where: str, data: bytes, header: list[str]) -> pa.Table:
    """Parse CSV bytes with Arrow: fixed columns typed, scores float64, "" = null."""
    types = {h: FIXED.get(h, (None, pa.float64()))[1] for h in header}
    try:
        return pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(use_threads=len(data) > _BIG),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise _diagnose(name, where, data, header, exc) from None


def _values(column: pa.ChunkedArray, kind: Any) -> np.ndarray:
    if kind == pa.int64():
        if column.null_count:
            return np.asarray(column.to_pylist(), dtype=object)
        return column.to_numpy()
    if kind == pa.string():
        return column.to_numpy(zero_copy_only=False)
    return column.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)


def read_csv_bytes(
    builder: Builder,
    data: bytes,
    *,
    name: str,
    where: str,
    source: str,
    file: str,
    model: str | None = None,
) -> str:
    """Add the blocks of one v0 artifacts CSV to ``builder``; return its model.

    ``where`` names the CSV inside the input (a zip member) or is "" for a loose CSV;
    fault places are ``row R`` (1-based, the header is row 1) and ``column C (name)``.
    """
    header = header_of(data)
    if not header or header == [""]:
        raise FormatError(name, _place(where), "empty CSV (no header row)")
    seen: dict[str, int] = {}
    for j, h in enumerate(header, start=1):
        if h in seen:
            raise FormatError(name, _place(where, 1, j, h), f"column name repeats column {seen[h]}")
        seen[h] = j
    if "Id" not in seen:
        raise FormatError(name, _place(where, 1), "no 'Id' column (not a Hume artifacts CSV)")
    detected = model_from_header(header)
    if model not in CSV_MODELS:
        if detected is None:
            raise FormatError(
                name, _place(where, 1), "cannot tell the model (face, prosody ...) from the header"
            )
        model = detected
    fixed = [h for h in header if h in FIXED]
    scores = [h for h in header if h not in FIXED]
    fams = _score_families(model, scores, name, where)
    table = parse(name, where, data, header)
    n = table.num_rows
    ids = table.column("Id")
    if ids.null_count:
        first = int(np.flatnonzero(pd.isna(ids.to_numpy(zero_copy_only=False)))[0])
        raise FormatError(name, _place(where, first + 2, seen["Id"], "Id"), "empty Id")
    codes, tracks = pd.factorize(ids.to_numpy(zero_copy_only=False), sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(tracks) + 1))
    cols = {FIXED[h][0]: _values(table.column(h), FIXED[h][1])[order] for h in fixed if h != "Id"}
    matrix = np.empty((n, len(scores)), dtype=np.float64)
    for j, h in enumerate(scores):
        matrix[:, j] = _values(table.column(h), pa.float64())
    matrix = matrix[order]
    present = ~np.isnan(matrix)
    by_family: dict[str, list[int]] = {}
    for j, (fam, _) in enumerate(fams):
        by_family.setdefault(fam, []).append(j)
    for g, track in enumerate(tracks):
        lo, hi = int(bounds[g]), int(bounds[g + 1])
        block = {k: v[lo:hi] for k, v in cols.items()}
        if "time" in block:
            begin = end = block.pop("time")
        else:
            nan = np.full(hi - lo, np.nan)
            begin, end = block.pop("begin", nan), block.pop("end", nan)
        frame = block.pop("frame", None)
        text = block.pop("text", None)
        if text is not None and not pd.notna(text).any():
            text = None
        extra = {k: v for k, v in block.items() if pd.notna(v).any()}
        block_scores: list[Dense | Sparse] = []
        for fam, idx in by_family.items():
            sub, mask = matrix[lo:hi, idx], present[lo:hi, idx]
            if not mask.any():
                continue
            names = [scores[j] for j in idx]
            if mask.all():
                block_scores.append(Dense(fam, names, sub))
            else:
                r, c = np.nonzero(mask)
                block_scores.append(Sparse(fam, r, [names[k] for k in c], sub[r, c]))
        builder.add(
            api="v0",
            source=source,
            file=file,
            model=model,
            track=str(track),
            begin=np.array(begin, dtype=np.float64),
            end=np.array(end, dtype=np.float64),
            frame=frame,
            text=text,
            columns=extra,
            scores=block_scores,
        )
    return model
