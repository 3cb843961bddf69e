"""Integer group codes and grouped sums: the numeric core of clocks and aggregate.

The vectorised joins and group statistics of :mod:`humeresearch.clocks` and
:mod:`humeresearch.aggregate` work on integer codes rather than on labels: each key
column is factorised (missing values get a code of their own), several columns are
combined into one order-preserving code per row, and sums per code are
``np.bincount`` calls.

Examples
--------
>>> import pandas as pd
>>> key, parts = row_key(pd.DataFrame({"a": ["x", "y", "x"], "b": [1, 1, 2]}), ["a", "b"])
>>> factorize_sorted(key)[0].tolist()
[0, 2, 1]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from humeresearch._contract import KEYS

#: columns that, besides the keys, tell rows of one span apart in derived tables
IDENTITY_EXTRAS: tuple[str, ...] = ("from_model", "from_track", "event")


def times(table: pd.DataFrame, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Begin and end as float64 arrays; raise when a span ends before it begins.

    Examples
    --------
    >>> import pandas as pd
    >>> times(pd.DataFrame({"begin": [0.0, 1.0], "end": [0.5, 1.0]}), "data")[1].tolist()
    [0.5, 1.0]
    """
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
    """Integer codes (missing values get their own code) and the uniques they index.

    Examples
    --------
    >>> import pandas as pd
    >>> codes, uniques = codes_of(pd.Series(["b", None, "a", "b"]))
    >>> codes.tolist(), len(uniques)
    ([0, 2, 1, 0], 3)
    """
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
    """Codes of several columns over one shared dictionary of values.

    Examples
    --------
    >>> import pandas as pd
    >>> codes, uniques = shared_codes([pd.Series(["a", "b"]), pd.Series(["b", "c"])])
    >>> [c.tolist() for c in codes], uniques.tolist()
    ([[0, 1], [1, 2]], ['a', 'b', 'c'])
    """
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

    Examples
    --------
    >>> import numpy as np
    >>> combine([np.array([0, 1, 1]), np.array([2, 0, 1])], [2, 3]).tolist()
    [2, 3, 4]
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


def row_key(
    table: pd.DataFrame, columns: Sequence[str]
) -> tuple[np.ndarray, list[tuple[np.ndarray, pd.Index]]]:
    """The combined code of ``columns`` per row, and each column's (codes, uniques).

    With no columns every row gets code 0.

    Examples
    --------
    >>> import pandas as pd
    >>> key, parts = row_key(pd.DataFrame({"a": ["x", "y", "x"]}), ["a"])
    >>> key.tolist(), parts[0][1].tolist()
    ([0, 1, 0], ['x', 'y'])
    """
    parts = [codes_of(table[c]) for c in columns]
    if not parts:
        return np.zeros(len(table), dtype=np.int64), parts
    return combine([c for c, _ in parts], [len(u) + 1 for _, u in parts]), parts


def table_codes(
    tables: Sequence[pd.DataFrame], columns: Sequence[str]
) -> tuple[list[np.ndarray], list[pd.Index]]:
    """Combined group code of ``columns`` for each table, over shared dictionaries.

    Returns the codes (one array per table) and, per column, the shared uniques.

    Examples
    --------
    >>> import pandas as pd
    >>> (a, b), _ = table_codes([pd.DataFrame({"k": ["x", "y"]}), pd.DataFrame({"k": ["y"]})], ["k"])
    >>> a.tolist(), b.tolist()
    ([0, 1], [1])
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
    """Dense codes of ``key`` numbered in sorted order, and the sorted uniques.

    Examples
    --------
    >>> import numpy as np
    >>> codes, uniques = factorize_sorted(np.array([7, 3, 7, 5]))
    >>> codes.tolist(), uniques.tolist()
    ([2, 0, 2, 1], [3, 5, 7])
    """
    codes, uniques = pd.factorize(key, sort=False)
    order = np.argsort(uniques, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], np.asarray(uniques)[order]


def first_index(codes: np.ndarray, n: int) -> np.ndarray:
    """For each code ``0 .. n-1``, the position of its first row in ``codes``.

    Examples
    --------
    >>> import numpy as np
    >>> first_index(np.array([1, 0, 1, 0]), 2).tolist()
    [1, 0]
    """
    first = np.empty(n, dtype=np.int64)
    idx = np.arange(len(codes), dtype=np.int64)
    first[codes[::-1]] = idx[::-1]
    return first


def wsum(key: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """Per-key float sums of ``weights`` (``np.bincount`` that is float when empty).

    Examples
    --------
    >>> import numpy as np
    >>> wsum(np.array([0, 2, 0]), np.array([1.0, 2.0, 3.0]), 3).tolist()
    [4.0, 0.0, 2.0]
    """
    return np.bincount(key, weights=weights, minlength=n).astype(np.float64, copy=False)


def expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each query i, the positions ``lo[i] .. hi[i]-1``: (query index, position).

    Examples
    --------
    >>> import numpy as np
    >>> q, pos = expand(np.array([0, 5]), np.array([2, 6]))
    >>> q.tolist(), pos.tolist()
    ([0, 0, 1], [0, 1, 5])
    """
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    query = np.repeat(np.arange(len(lo), dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(total, dtype=np.int64) - np.repeat(starts - lo, counts)
    return query, pos


#: besides the series keys, columns that tell series apart in the overlap check
_OVERLAP_EXTRAS: tuple[str, ...] = (*IDENTITY_EXTRAS, "granularity")


def check_overlapping(
    table: pd.DataFrame, *, overlapping: str, func: str, tolerance: float = 1e-9
) -> None:
    """Apply the overlap policy of ``func`` to ``table`` (a long-shaped table).

    Spans of one series (``source, file, model, track``, plus ``from_model``,
    ``from_track``, ``event`` and ``granularity`` where present) that overlap each
    other by more than ``tolerance`` seconds (Hume pads prosody segments by 0.2 s, so
    consecutive utterances overlap) make every duration-weighted quantity count the
    shared seconds once per span. ``overlapping="raise"`` refuses them, naming the
    first pair; ``"allow"`` accepts them (each span keeps its full duration).
    Touching spans (one ends where the next begins) and instants never overlap.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"source": "a", "file": "a", "model": "prosody", "track": "spk_0",
    ...     "span_id": [0, 1], "begin": [0.0, 0.8], "end": [1.0, 2.0]})
    >>> check_overlapping(t, overlapping="allow", func="f")
    >>> check_overlapping(t, overlapping="raise", func="f")
    Traceback (most recent call last):
    ...
    ValueError: f: prosody track 'spk_0' of file 'a' has overlapping spans (span 1 begins at 0.8 \
before span 0 ends at 1.0). Pick one granularity, or pass overlapping='allow' to weight each \
span by its full duration anyway (shared seconds then count once per span).
    """
    from humeresearch import define
    from humeresearch._tables import check_option

    check_option(overlapping, define.OVERLAP_POLICIES, name="overlapping", func=func)
    if overlapping == "allow" or len(table) < 2:
        return
    begin = table["begin"].to_numpy(dtype=np.float64, na_value=np.nan)
    end = table["end"].to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        rows = np.flatnonzero(np.isfinite(begin) & np.isfinite(end) & (end > begin))
    if len(rows) < 2:
        return
    columns = [*KEYS[:4], *[c for c in _OVERLAP_EXTRAS if c in table.columns]]
    series, _ = row_key(table, columns)
    sid, sid_uniq = codes_of(table["span_id"])
    span = combine([series[rows], sid[rows]], [0, len(sid_uniq) + 1])
    rows = rows[np.unique(span, return_index=True)[1]]
    rows = rows[np.lexsort((begin[rows], series[rows]))]
    g = series[rows]
    reach = pd.Series(end[rows]).groupby(g, sort=False).cummax().to_numpy()
    hit = (g[1:] == g[:-1]) & (begin[rows][1:] < reach[:-1] - tolerance)
    if not hit.any():
        return
    i = int(np.flatnonzero(hit)[0])
    later, earlier = table.iloc[rows[i + 1]], table.iloc[rows[: i + 1]]
    earlier = earlier.iloc[int(np.argmax(end[rows[: i + 1]] * (g[: i + 1] == g[i])))]
    raise ValueError(
        f"{func}: {later['model']} track {later['track']!r} of file {later['file']!r} has "
        f"overlapping spans (span {later['span_id']} begins at {begin[rows[i + 1]]} before "
        f"span {earlier['span_id']} ends at {reach[i]}). Pick one granularity, or pass "
        "overlapping='allow' to weight each span by its full duration anyway (shared "
        "seconds then count once per span)."
    )
