"""Shared input handling for :mod:`humeresearch.align`.

Every public function accepts a long table (primary), a wide table or a
``Measurements`` object; :func:`as_long` turns any of them into a long table with
numpy-friendly columns. The helpers below factorise key columns into integer codes
shared across several tables, which is what the vectorised joins work on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from humeresearch._contract import (
    KEYS,
    LONG_COLUMNS,
    OPTIONAL_SPAN_COLUMNS,
    SPAN_DTYPES,
    split_wide_column,
)

TIME_COLUMNS = ["begin", "end"]
SPAN_LIKE = [*KEYS, *TIME_COLUMNS]


class UnmatchedSpansWarning(UserWarning):
    """Some source spans overlap no target span and were left out of an alignment."""


def check_choice(value: object, choices: Sequence[object], name: str) -> None:
    """Raise a ValueError listing the choices when ``value`` is not one of them."""
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")


def require(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise a ValueError naming the missing columns of ``table``."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}; it has {list(table.columns)}")


def _is_measurements(obj: object) -> bool:
    return not isinstance(obj, pd.DataFrame) and callable(getattr(obj, "long", None))


def _wide_to_long(table: pd.DataFrame, what: str) -> pd.DataFrame:
    require(table, SPAN_LIKE, what)
    known = set(SPAN_DTYPES) | set(OPTIONAL_SPAN_COLUMNS)
    scores = [
        c
        for c in table.columns
        if c not in known and isinstance(c, str) and pd.api.types.is_numeric_dtype(table[c])
    ]
    if not scores:
        raise ValueError(
            f"{what}: a long table needs columns {LONG_COLUMNS}; read as a wide table it "
            "has no numeric score column"
        )
    n = len(table)
    pairs = [split_wide_column(c) for c in scores]
    families = [f for f, _ in pairs]
    names = [nm for _, nm in pairs]
    rows = np.tile(np.arange(n), len(scores))
    out: dict[str, Any] = {}
    for column in KEYS + TIME_COLUMNS:
        values = table[column]
        if column in ("source", "file", "model", "track"):
            values = values.astype("category")
        out[column] = values.take(rows).reset_index(drop=True)
    col = np.repeat(np.arange(len(scores)), n)
    fam_cats = list(dict.fromkeys(families))
    name_cats = list(dict.fromkeys(names))
    out["family"] = pd.Categorical.from_codes(
        np.array([fam_cats.index(f) for f in families], dtype=np.int64)[col], fam_cats
    )
    out["name"] = pd.Categorical.from_codes(
        np.array([name_cats.index(x) for x in names], dtype=np.int64)[col],
        pd.Index(name_cats, dtype=object),
    )
    out["score"] = np.concatenate([table[c].to_numpy(dtype=np.float64) for c in scores])
    extra = [c for c in table.columns if c not in scores and c not in SPAN_LIKE]
    for column in extra:
        out[column] = table[column].take(rows).reset_index(drop=True)
    long = pd.DataFrame(out)
    # a wide table holds NaN where the input had no value: the long table has no row
    return long.loc[~np.isnan(long["score"].to_numpy())].reset_index(drop=True)


def as_long(data: Any, what: str = "data") -> pd.DataFrame:
    """Return ``data`` as a long table (contract columns first, extra columns kept).

    ``data`` may be a long table, a wide table (melted, NaN scores dropped) or an
    object with a ``.long()`` method (a ``Measurements``). The optional span column
    ``granularity`` of a ``Measurements`` is attached when its spans have it.
    """
    if _is_measurements(data):
        long = data.long()
        spans_fn = getattr(data, "spans", None)
        if callable(spans_fn):
            spans = spans_fn()
            if "granularity" in spans.columns and "granularity" not in long.columns:
                long = long.merge(spans[[*KEYS, "granularity"]], on=KEYS, how="left", sort=False)
        return long
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"{what} must be a DataFrame (long or wide contract table) or Measurements; "
            f"got {type(data).__name__}"
        )
    if {"family", "name", "score"} <= set(data.columns):
        require(data, LONG_COLUMNS, what)
        return data
    return _wide_to_long(data, what)


def as_spans(data: Any, what: str = "onto") -> pd.DataFrame:
    """Return one row per span of ``data`` with at least the keys and begin/end.

    Accepts a spans table, a wide table, a long table (deduplicated on the keys) or a
    ``Measurements`` (its spans).
    """
    if _is_measurements(data):
        spans_fn = getattr(data, "spans", None)
        data = spans_fn() if callable(spans_fn) else data.long()
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{what} must be a DataFrame with columns {SPAN_LIKE}")
    require(data, SPAN_LIKE, what)
    if "family" in data.columns and "name" in data.columns:
        data = data.drop_duplicates(KEYS)
    return data


def times(table: pd.DataFrame, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Begin and end as float64 arrays; raise when a span ends before it begins."""
    begin = table["begin"].to_numpy(dtype=np.float64, na_value=np.nan)
    end = table["end"].to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = end < begin
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        row = table.iloc[i]
        where = {k: row[k] for k in KEYS if k in table.columns}
        raise ValueError(f"{what}: span {where} ends before it begins ({begin[i]} > {end[i]})")
    return begin, end


def codes_of(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (missing values get their own code) and the uniques they index."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.int64)
        uniques = series.cat.categories
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        codes = codes.astype(np.int64)
        uniques = pd.Index(uniques)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(uniques), codes)
        uniques = uniques.append(pd.Index([pd.NA], dtype=object))
    return codes, uniques


def shared_codes(columns: Sequence[pd.Series]) -> tuple[list[np.ndarray], pd.Index]:
    """Codes of several columns over one shared dictionary of values."""
    pieces = [codes_of(s) for s in columns]
    allcats = pd.Index(
        np.concatenate([np.asarray(u.astype(object), dtype=object) for _, u in pieces])
        if pieces
        else []
    )
    mapping, uniques = pd.factorize(allcats, use_na_sentinel=False)
    out, start = [], 0
    for codes, cats in pieces:
        local = np.asarray(mapping[start : start + len(cats)], dtype=np.int64)
        out.append(local[codes] if len(codes) else codes)
        start += len(cats)
    return out, pd.Index(uniques)


def combine(codes: Sequence[np.ndarray], sizes: Sequence[int]) -> np.ndarray:
    """One int64 code per row from several code arrays (mixed radix, order-preserving).

    Sorting by the result sorts by the columns in order. Intermediate products that
    would overflow are compacted with a dense re-ranking first.
    """
    if not codes:
        raise ValueError("combine needs at least one column")
    out = np.asarray(codes[0], dtype=np.int64)
    for c, size in zip(codes[1:], sizes[1:]):
        size = max(int(size), 1)
        if out.size and int(out.max()) >= (2**62) // size:
            uniq, out = np.unique(out, return_inverse=True)
            out = out.astype(np.int64)
        out = out * size + np.asarray(c, dtype=np.int64)
    return out


def table_codes(
    tables: Sequence[pd.DataFrame], columns: Sequence[str]
) -> tuple[list[np.ndarray], list[pd.Index]]:
    """Combined group code of ``columns`` for each table, over shared dictionaries.

    Returns the codes (one array per table) and, per column, the shared uniques.
    """
    per_col: list[list[np.ndarray]] = []
    uniques: list[pd.Index] = []
    for column in columns:
        c, u = shared_codes([t[column] for t in tables])
        per_col.append(c)
        uniques.append(u)
    sizes = [len(u) + 1 for u in uniques]
    out = [combine([pc[i] for pc in per_col], sizes) for i in range(len(tables))]
    return out, uniques


def factorize_sorted(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes of ``key`` numbered in sorted order, and the sorted uniques."""
    codes, uniques = pd.factorize(key, sort=False)
    order = np.argsort(uniques, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], np.asarray(uniques)[order]


def wsum(key: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """Per-key float sums of ``weights`` (``np.bincount`` that is float when empty)."""
    return np.bincount(key, weights=weights, minlength=n).astype(np.float64, copy=False)


def expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each query i, the positions ``lo[i] .. hi[i]-1``: (query index, position)."""
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    query = np.repeat(np.arange(len(lo), dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(total, dtype=np.int64) - np.repeat(starts - lo, counts)
    return query, pos
