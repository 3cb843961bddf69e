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
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from humeresearch._build import Builder, Dense, Sparse
from humeresearch.define import V0_MODELS
from humeresearch.errors import FormatError
from humeresearch.vocabularies import families
from humeresearch.wire.artifacts import FIXED_COLUMNS, model_from_header

_ARROW = {str: pa.string(), int: pa.int64(), float: pa.float64()}
#: header -> (span column, arrow type), from the one definition in :mod:`humeresearch.wire`
FIXED: dict[str, tuple[str, Any]] = {
    h: (col, _ARROW[kind]) for h, (col, kind) in FIXED_COLUMNS.items()
}
_BIG = 4 << 20
#: models whose rows need a time (hume-v0.md section 7.3)
_TIMED = frozenset(
    {"face", "prosody", "burst"}
)  # members larger than this are parsed with Arrow's threads


def header_of(data: bytes, errors: str = "replace") -> list[str]:
    """The header row of CSV bytes (BOM, CRLF and CR-only lines tolerated).

    ``errors="strict"`` raises :class:`UnicodeDecodeError` on bytes that are not UTF-8.
    """
    ends = [i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0]
    line = data[: min(ends) if ends else len(data)]
    text = line.decode("utf-8-sig", errors=errors)
    try:
        return next(csv.reader([text]), [])
    except csv.Error:
        return [text]


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
    rows = csv.reader(io.StringIO(text, newline=""))
    r = 1
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as err:
            return FormatError(name, _place(where, rows.line_num), f"unreadable CSV ({err})")
        r = rows.line_num
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
            if kind == pa.int64() and not (value.is_integer() and abs(value) < 2.0**63):
                return FormatError(
                    name,
                    _place(where, r, j + 1, header[j]),
                    f"expected a whole number in -2**63 .. 2**63 - 1, got {cell!r}",
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
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise _diagnose(name, where, data, header, exc) from None


def _check_finite(name: str, where: str, table: pa.Table, header: list[str]) -> None:
    """NaN, inf or a number too large for a double (``1e400``) in a number column."""
    for j, h in enumerate(header, start=1):
        column = table.column(h)
        if not pa.types.is_floating(column.type):
            continue
        bad = pc.or_(pc.is_nan(column), pc.is_inf(column)).fill_null(False)
        if pc.any(bad).as_py():
            k = int(np.flatnonzero(bad.to_numpy(zero_copy_only=False))[0])
            value = column[k].as_py()
            raise FormatError(name, _place(where, k + 2, j, h), f"{value} is not a finite number")


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
    header, seen, model = _check_header(data, name, where, model)
    fixed = [h for h in header if h in FIXED]
    scores = [h for h in header if h not in FIXED]
    fams = _score_families(model, scores, name, where)
    table = parse(name, where, data, header)
    _check_finite(name, where, table, header)
    ids = table.column("Id")
    if ids.null_count:
        first = int(np.flatnonzero(pd.isna(ids.to_numpy(zero_copy_only=False)))[0])
        raise FormatError(name, _place(where, first + 2, seen["Id"], "Id"), "empty Id")
    codes, tracks = pd.factorize(ids.to_numpy(zero_copy_only=False), sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(tracks) + 1))
    cols = {FIXED[h][0]: _values(table.column(h), FIXED[h][1])[order] for h in fixed if h != "Id"}
    matrix = np.empty((table.num_rows, len(scores)), dtype=np.float64)
    for j, h in enumerate(scores):
        matrix[:, j] = _values(table.column(h), pa.float64())
    matrix = matrix[order]
    by_family: dict[str, list[int]] = {}
    for j, (fam, _) in enumerate(fams):
        by_family.setdefault(fam, []).append(j)
    for g, track in enumerate(tracks):
        lo, hi = int(bounds[g]), int(bounds[g + 1])
        block = {k: v[lo:hi] for k, v in cols.items()}
        rows = order[lo:hi]
        builder.add(
            api="v0",
            source=source,
            file=file,
            model=model,
            track=str(track),
            scores=_block_scores(matrix[lo:hi], by_family, scores),
            input=name,
            place=lambda k, rows=rows: _place(where, int(rows[k]) + 2),
            timed=model in _TIMED,
            **_span_columns(block, hi - lo),
        )
    return model


def _check_header(
    data: bytes, name: str, where: str, model: str | None
) -> tuple[list[str], dict[str, int], str]:
    """The header, each column's position and the model (given, else detected)."""
    try:
        header = header_of(data, errors="strict")
    except UnicodeDecodeError as err:
        raise FormatError(
            name, _place(where, 1), f"header is not UTF-8 (byte {err.start})"
        ) from None
    if not header or header == [""]:
        raise FormatError(name, _place(where), "empty CSV (no header row)")
    seen: dict[str, int] = {}
    for j, h in enumerate(header, start=1):
        if not h.strip():
            raise FormatError(name, _place(where, 1, j, h), "empty column name")
        if h in seen:
            raise FormatError(name, _place(where, 1, j, h), f"column name repeats column {seen[h]}")
        seen[h] = j
    if "Id" not in seen:
        raise FormatError(name, _place(where, 1), "no 'Id' column (not a Hume artifacts CSV)")
    if model not in V0_MODELS:
        model = model_from_header(header)
        if model is None:
            raise FormatError(
                name, _place(where, 1), "cannot tell the model (face, prosody ...) from the header"
            )
    return header, seen, model


def _span_columns(block: dict[str, np.ndarray], n: int) -> dict[str, Any]:
    """begin, end, frame, text and the extra span columns of one track's rows."""
    if "time" in block:
        begin = end = block.pop("time")
    else:
        nan = np.full(n, np.nan)
        begin, end = block.pop("begin", nan), block.pop("end", nan)
    frame = block.pop("frame", None)
    text = block.pop("text", None)
    if text is not None and not pd.notna(text).any():
        text = None
    return {
        "begin": np.array(begin, dtype=np.float64),
        "end": np.array(end, dtype=np.float64),
        "frame": frame,
        "text": text,
        "columns": {k: v for k, v in block.items() if pd.notna(v).any()},
    }


def _block_scores(
    matrix: np.ndarray, by_family: dict[str, list[int]], scores: list[str]
) -> list[Dense | Sparse]:
    """Dense scores of a family whose cells are all present, else sparse (empty = NA)."""
    out: list[Dense | Sparse] = []
    present = ~np.isnan(matrix)
    for fam, idx in by_family.items():
        sub, mask = matrix[:, idx], present[:, idx]
        if not mask.any():
            continue
        names = [scores[j] for j in idx]
        if mask.all():
            out.append(Dense(fam, names, sub))
        else:
            r, c = np.nonzero(mask)
            out.append(Sparse(fam, r, [names[k] for k in c], sub[r, c]))
    return out
