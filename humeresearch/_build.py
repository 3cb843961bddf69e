"""Columnar assembly of contract tables, shared by every reader.

Readers hand over *blocks*: the spans of one (source, file, model, track) with their
span columns and their scores, either dense (one name order for every span of the
block, a 2-D array) or sparse (coordinate lists). :class:`Builder` concatenates the
blocks once, registers every (family, name) pair, and keeps the scores as
coordinates ``(row, column, value)`` so that the long and wide tables are cheap
projections (see :class:`~humeresearch._measurements.Measurements`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from humeresearch import define
from humeresearch._contract import (
    ERROR_COLUMNS,
    OPTIONAL_SPAN_COLUMNS,
    SPAN_COLUMNS,
    SPAN_DTYPES,
    STRING,
)
from humeresearch._values import (
    RANGED,
    Outside,
    check_frames,
    check_ints,
    check_scores,
    check_times,
)
from humeresearch.errors import ContractError, OutOfRangeWarning


@dataclass(frozen=True)
class Dense:
    """Scores of one family for every span of a block, in one name order."""

    family: str
    names: Sequence[str]
    values: np.ndarray  # shape (n_spans, len(names))


@dataclass(frozen=True)
class Sparse:
    """Scores of one family as coordinates within a block."""

    family: str
    span: np.ndarray  # int, position of the span inside the block
    names: Sequence[str]
    values: np.ndarray


@dataclass
class _Block:
    api: str
    source: str
    file: str
    model: str
    track: str
    n: int
    columns: dict[str, Any]
    scores: Sequence[Dense | Sparse]
    span_id: np.ndarray | None = None


@dataclass
class Scores:
    """Scores as coordinates into the spans table and a column registry."""

    rows: np.ndarray  # int64, row of the spans table
    cols: np.ndarray  # int32, index into ``columns``
    values: np.ndarray  # float64
    columns: list[tuple[str, str]] = field(default_factory=list)  # (family, name)

    @classmethod
    def empty(cls) -> Scores:
        return cls(np.empty(0, np.int64), np.empty(0, np.int32), np.empty(0, np.float64), [])


class Builder:
    """Collects blocks and errors, then assembles contract tables.

    Examples
    --------
    >>> import numpy as np
    >>> b = Builder()
    >>> b.add(api="v0", source="a.mp4", file="a.mp4", model="face", track="face_0",
    ...       begin=[0.0, 0.33], end=[0.0, 0.33],
    ...       scores=[Dense("emotion", ["Joy", "Calmness"], np.array([[0.1, 0.2], [0.3, 0.4]]))])
    >>> spans, scores, errors = b.build()
    >>> len(spans), len(scores.values)
    (2, 4)
    """

    def __init__(self) -> None:
        self._blocks: list[_Block] = []
        self._errors: list[tuple[str, str, str, str, str | None]] = []
        self._outside: dict[str, Outside] = {}

    def add(
        self,
        *,
        api: str,
        source: str,
        file: str,
        model: str,
        track: str,
        begin: Sequence[float] | np.ndarray,
        end: Sequence[float] | np.ndarray,
        frame: Sequence[Any] | None = None,
        text: Sequence[Any] | None = None,
        columns: dict[str, Any] | None = None,
        scores: Sequence[Dense | Sparse] = (),
        span_id: Sequence[int] | np.ndarray | None = None,
        input: str | None = None,
        place: Callable[[int], str] | None = None,
        timed: bool = False,
    ) -> None:
        """Add the spans of one (source, file, model, track), in the API's order.

        ``columns`` maps optional span column names to per-span sequences or to a
        scalar that applies to every span of the block. ``span_id`` defaults to the
        position within the block; when given it must be unique within the block.

        Values follow one policy (:mod:`humeresearch._values`): an impossible value
        (a non-finite score, an infinite or negative time, ``end < begin``, a frame
        outside 0 .. 2**63 - 1, an empty score name, a missing time when ``timed``) is
        a :class:`FormatError` naming ``input`` and ``place(k)`` (span ``k`` of the
        block); a value outside its documented range (a score or ``prob`` outside
        [0, 1]) is kept and counted for one warning at :meth:`build`.
        """
        n = len(begin)
        label = input if input is not None else source
        where = place or (lambda k: f"{model} track {track!r} span {k}")
        begin, end = check_times(begin, end, input=label, place=where, timed=timed)
        cols: dict[str, Any] = {"begin": begin, "end": end}
        if frame is not None:
            frame = check_frames(frame, input=label, place=where)
            cols["frame"] = frame
        if text is not None:
            cols["text"] = text
        if columns:
            cols.update(columns)
        for column in _INT_COLUMNS - {"frame"}:
            if column in cols and not np.isscalar(cols[column]) and cols[column] is not None:
                check_ints(cols[column], column=column, input=label, place=where)
        for column in RANGED:
            if column != "score" and column in cols and not np.isscalar(cols[column]):
                self._count(column, cols[column], label, where, lambda k: "")
        for s in scores:
            self._check_scores(s, n, label, where)
        ids = None
        if span_id is not None:
            ids = np.asarray(span_id, dtype=np.int64)
            if len(ids) != n or len(np.unique(ids)) != n:
                raise ContractError(
                    f"span ids of ({source}, {file}, {model}, {track}) must be {n} distinct integers"
                )
        self._blocks.append(_Block(api, source, file, model, track, n, cols, scores, ids))

    def _check_scores(
        self, s: Dense | Sparse, n: int, label: str, where: Callable[[int], str]
    ) -> None:
        """Refuse non-finite scores and empty names; count scores outside their range."""
        span = np.arange(n) if isinstance(s, Dense) else np.asarray(s.span)
        check_scores(s, span, input=label, place=where)
        values = np.asarray(s.values, dtype=np.float64)
        width = values.shape[1] if values.ndim == 2 else 1
        rows = np.repeat(span, width) if values.ndim == 2 else span

        def detail(i: int) -> str:
            return f", {s.family} {s.names[i % width] if values.ndim == 2 else s.names[i]!r}"

        self._count("score", values.reshape(-1), label, lambda i: where(int(rows[i])), detail)

    def _count(
        self,
        column: str,
        values: Any,
        input: str,
        place: Callable[[int], str],
        detail: Callable[[int], str],
    ) -> None:
        arr = np.asarray(values, dtype=np.float64)
        low, high = RANGED[column]
        bad = np.flatnonzero((arr < low) | (arr > high))
        if not len(bad):
            return
        out = self._outside.setdefault(column, Outside())
        if not out.count:
            i = int(bad[0])
            out.first = f"{input}: {place(i)}{detail(i)} = {float(arr[i])!r}"
        out.count += len(bad)

    def error(
        self, source: str, file: str | None, level: str, message: str, code: str | None = None
    ) -> None:
        """Record one problem the input reports (errors table row)."""
        self._errors.append((source, file or "", level, message, code))

    def __len__(self) -> int:
        return sum(b.n for b in self._blocks)

    # -- assembly -----------------------------------------------------------------------

    def build(self) -> tuple[pd.DataFrame, Scores, pd.DataFrame]:
        """Assemble ``(spans, scores, errors)``.

        Raises
        ------
        ContractError
            When two blocks share (source, file, model, track): their span ids would clash.
        """
        for column, out in self._outside.items():
            warnings.warn(out.message(column), OutOfRangeWarning, stacklevel=3)
        self._outside = {}
        blocks = [b for b in self._blocks]
        seen: set[tuple[str, str, str, str]] = set()
        for b in blocks:
            key = (b.source, b.file, b.model, b.track)
            if key in seen:
                raise ContractError(f"two blocks of spans for (source, file, model, track) = {key}")
            seen.add(key)
        sizes = np.array([b.n for b in blocks], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        total = int(offsets[-1])

        def category(attr: str, known: list[str]) -> pd.Categorical:
            values = [getattr(b, attr) for b in blocks]
            cats = known + [v for v in dict.fromkeys(values) if v not in known]
            index = {c: i for i, c in enumerate(cats)}
            codes = np.repeat(np.array([index[v] for v in values], dtype=np.int16), sizes)
            return pd.Categorical.from_codes(codes, cats, validate=False)

        def keys(attr: str) -> Any:
            # repeated per block: dictionary-encode, let Arrow expand it (no per-row Python)
            codes, uniques = pd.factorize(
                np.array([getattr(b, attr) for b in blocks], dtype=object)
            )
            return _strings_from_codes(np.repeat(codes, sizes), list(uniques))

        span_id = (
            np.concatenate(
                [
                    b.span_id if b.span_id is not None else np.arange(b.n, dtype=np.int64)
                    for b in blocks
                ]
            )
            if blocks
            else np.empty(0, np.int64)
        )
        data: dict[str, Any] = {
            "source": keys("source"),
            "file": keys("file"),
            "model": category("model", list(define.MODELS)),
            "track": keys("track"),
            "span_id": span_id,
            "api": category("api", list(define.APIS)),
        }
        names = [c for b in blocks for c in b.columns]
        ordered = list(dict.fromkeys(["begin", "end", "frame", "text", *names]))
        for column in ordered:
            data[column] = _concat_column(column, blocks, sizes, total)
        spans = pd.DataFrame(data)
        spans = spans[SPAN_COLUMNS + [c for c in spans.columns if c not in SPAN_COLUMNS]]
        scores = _assemble_scores(blocks, offsets)
        errors = pd.DataFrame(self._errors, columns=ERROR_COLUMNS).astype(STRING)
        return spans, scores, errors


_FLOAT_COLUMNS = {"begin", "end"} | {c for c, t in OPTIONAL_SPAN_COLUMNS.items() if t == "float64"}
_INT_COLUMNS = {"frame"} | {c for c, t in OPTIONAL_SPAN_COLUMNS.items() if t == "Int64"}
_STRING_COLUMNS = {"text"} | {c for c, t in OPTIONAL_SPAN_COLUMNS.items() if t == STRING}


def _concat_column(column: str, blocks: list[_Block], sizes: np.ndarray, total: int) -> Any:
    parts: list[Any] = []
    for block, n in zip(blocks, sizes):
        value = block.columns.get(column)
        if value is None or np.isscalar(value) or isinstance(value, str):
            parts.append(np.full(n, value if value is not None else None, dtype=object))
        else:
            parts.append(
                np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
            )
    if column in _FLOAT_COLUMNS:  # numpy turns None into NaN for float dtype
        arrays = [np.asarray(p, dtype=np.float64) for p in parts]
        return np.concatenate(arrays) if arrays else np.empty(0, np.float64)
    if column in _INT_COLUMNS and parts and all(p.dtype.kind in "iu" for p in parts):
        return pd.array(np.concatenate(parts).astype(np.int64), dtype="Int64")
    joined = (
        np.concatenate([np.asarray(p, dtype=object) for p in parts])
        if parts
        else np.empty(0, object)
    )
    if column in _INT_COLUMNS:
        return pd.array(joined, dtype="Int64")
    if column in _STRING_COLUMNS:
        return _strings(joined)
    return pd.Series(joined, dtype=object).infer_objects().to_numpy() if total else joined


def _strings(values: np.ndarray) -> Any:
    """A pandas "string" array from an object array of str/None (via Arrow, in C)."""
    try:
        return pd.array(pa.array(values, type=pa.large_string(), from_pandas=True), dtype=STRING)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.array(values, dtype=STRING)  # non-str values: let pandas convert or complain


def _strings_from_codes(codes: np.ndarray, uniques: list[str]) -> Any:
    if not len(codes):
        return pd.array([], dtype=STRING)
    dictionary = pa.array(uniques, type=pa.large_string())
    encoded = pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), dictionary)
    return pd.array(encoded.cast(pa.large_string()), dtype=STRING)


def _assemble_scores(blocks: list[_Block], offsets: np.ndarray) -> Scores:
    registry: dict[tuple[str, str], int] = {}
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []

    def index(family: str, names: Sequence[str]) -> np.ndarray:
        out = np.empty(len(names), dtype=np.int32)
        for i, name in enumerate(names):
            key = (family, name)
            j = registry.get(key)
            if j is None:
                j = registry[key] = len(registry)
            out[i] = j
        return out

    for block, offset in zip(blocks, offsets[:-1]):
        n = block.n
        if n == 0:
            continue
        dense = [s for s in block.scores if isinstance(s, Dense) and len(s.names)]
        sparse = [s for s in block.scores if isinstance(s, Sparse) and len(s.values)]
        if dense and not sparse:
            # one name order for the whole block: sort the columns once, then ravel
            col = np.concatenate([index(s.family, s.names) for s in dense])
            matrix = np.hstack([np.asarray(s.values, dtype=np.float64) for s in dense])
            if len(col) > 1 and not bool(np.all(col[1:] > col[:-1])):
                perm = np.argsort(col, kind="stable")
                col, matrix = col[perm], matrix[:, perm]
            rows.append(np.repeat(np.arange(offset, offset + n, dtype=np.int64), len(col)))
            cols.append(np.tile(col, n))
            vals.append(matrix.reshape(-1))
            continue
        r, c, v = [], [], []
        for s in dense:
            k = len(s.names)
            r.append(np.repeat(np.arange(n, dtype=np.int64), k))
            c.append(np.tile(index(s.family, s.names), n))
            v.append(np.asarray(s.values, dtype=np.float64).reshape(-1))
        for s in sparse:
            uniq, inverse = np.unique(np.asarray(s.names, dtype=object), return_inverse=True)
            r.append(np.asarray(s.span, dtype=np.int64))
            c.append(index(s.family, list(uniq))[inverse.reshape(-1)])
            v.append(np.asarray(s.values, dtype=np.float64))
        if not r:
            continue
        rr, cc, vv = np.concatenate(r), np.concatenate(c), np.concatenate(v)
        order = np.lexsort((cc, rr))
        rows.append(rr[order] + offset)
        cols.append(cc[order])
        vals.append(vv[order])
    if not rows:
        return Scores(
            np.empty(0, np.int64), np.empty(0, np.int32), np.empty(0, np.float64), list(registry)
        )
    # blocks are disjoint, increasing row ranges, each sorted by (row, column)
    return Scores(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), list(registry))


def canonical(scores: Scores) -> Scores:
    """Sort coordinates by (row, column): the canonical order of the long table."""
    n_cols = max(len(scores.columns), 1)
    key = scores.rows * n_cols + scores.cols
    if len(key) > 1 and not bool(np.all(key[1:] > key[:-1])):
        order = np.argsort(key, kind="stable")
        key = key[order]
        if np.any(key[1:] == key[:-1]):
            raise ValueError("duplicate (span, family, name) scores")
        scores = Scores(
            scores.rows[order], scores.cols[order], scores.values[order], scores.columns
        )
    return scores


def normalise_spans(spans: pd.DataFrame) -> pd.DataFrame:
    """Restore the contract dtypes (after concat or a Parquet round trip)."""
    out = spans.copy()
    for column, dtype in SPAN_DTYPES.items():
        if column not in out.columns:
            continue
        if column == "model":
            out[column] = _category(out[column], define.MODELS)
        elif column == "api":
            out[column] = _category(out[column], define.APIS)
        elif out[column].dtype != dtype:
            out[column] = out[column].astype(dtype)
    return out[SPAN_COLUMNS + [c for c in out.columns if c not in SPAN_COLUMNS]]


def _category(series: pd.Series, known: Sequence[str]) -> pd.Categorical:
    values = series.astype(object)
    extra = [v for v in pd.unique(values.dropna()) if v not in set(known)]
    return pd.Categorical(values, categories=[*known, *extra])
