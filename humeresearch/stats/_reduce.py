"""Reduction of long data to one value per (group, level, unit) and dense NaN-padded blocks.

Used by :func:`humeresearch.compare`: one groupby over all expressions, then
(levels x units x groups) arrays that the vectorised test kernels consume.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from humeresearch.stats._common import key_frame

#: values per dense (levels x units x groups) block; larger inputs are cut into chunks
CELLS = 8_000_000


@dataclass(frozen=True)
class Reduced:
    """Observations coded for the dense blocks: one value per (group, level, unit)."""

    values: np.ndarray
    group: np.ndarray  # sorted ascending
    level: np.ndarray
    unit: np.ndarray
    keys: pd.DataFrame  # one row per group
    shared_units: bool  # units are subjects shared across groups


def reduce_units(
    data: pd.DataFrame,
    value: str,
    by_cols: list[str],
    cond: str,
    subject: str | None,
    agg: str,
    levels: list[Any],
    weight: str = "equal",
) -> Reduced:
    """One value per (group, level, unit), coded; one groupby over all expressions."""
    nb = len(by_cols)
    level_index = pd.Index(levels)
    if subject is not None:
        s = unit_values(data, value, [*by_cols, cond, subject], agg, weight)
        idx = s.index
        values = s.to_numpy(dtype=float)
        if nb:
            codes = np.column_stack([idx.codes[i] for i in range(nb)])
            _, first, group = np.unique(codes, axis=0, return_index=True, return_inverse=True)
            keys = key_frame(idx[first].droplevel([nb, nb + 1]), by_cols)
        else:
            group = np.zeros(len(s), dtype=np.int64)
            keys = pd.DataFrame(index=range(1))
        level = level_index.get_indexer(idx.levels[nb])[idx.codes[nb]]
        _, unit = np.unique(idx.codes[nb + 1], return_inverse=True)
        shared = True
    else:
        if nb:
            gb = data.groupby(by_cols, observed=True, sort=True)
            group = gb.ngroup().to_numpy(dtype=float, na_value=-1).astype(np.int64)
            keys = key_frame(gb.size().index, by_cols)
        else:
            group = np.zeros(len(data), dtype=np.int64)
            keys = pd.DataFrame(index=range(1))
        level = pd.Categorical(data[cond], categories=levels).codes.astype(np.int64)
        ok = (group >= 0) & (level >= 0)
        group, level = group[ok], level[ok]
        values = data[value].to_numpy(dtype=float, na_value=np.nan)[ok]
        unit = np.zeros(len(values), dtype=np.int64)
        shared = False
    group = group.ravel().astype(np.int64)
    level = np.asarray(level, dtype=np.int64)
    unit = unit.ravel().astype(np.int64)
    order = np.lexsort((level, group)) if not shared or np.any(np.diff(group) < 0) else None
    if order is not None:
        group, level, unit, values = group[order], level[order], unit[order], values[order]
    if not shared and len(group):  # unit = running count within (group, level)
        key = group * len(levels) + level
        start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        unit = np.arange(len(key)) - np.repeat(start, np.diff(np.r_[start, len(key)]))
    return Reduced(values, group, level, unit, keys, shared)


def unit_values(
    data: pd.DataFrame, value: str, keys: list[str], agg: str, weight: str
) -> pd.Series:
    """``agg`` of ``value`` per group of ``keys`` (sorted), weighted as :func:`summarize` does.

    ``weight="duration"``: in a group whose rows include spans of positive duration
    (``end - begin > 0``) every row weighs its duration (zero-length rows weigh 0),
    the mean is the time average and the median the time-weighted median (the
    smallest value at or below which the signal spends half the time); a group of
    instants (or a table without ``begin``/``end``) is weighted equally.
    ``weight="equal"``: every row counts once. NaN values are ignored.
    """
    grouped = data.groupby(keys, observed=True, sort=True)[value]
    plain = getattr(grouped, agg)()
    if weight == "equal" or not {"begin", "end"} <= set(data.columns):
        return plain
    x = data[value].to_numpy(dtype=float, na_value=np.nan)
    dur = (data["end"].to_numpy(dtype=float, na_value=np.nan)) - data["begin"].to_numpy(
        dtype=float, na_value=np.nan
    )
    strong = (dur > 0) & ~np.isnan(x)
    if not strong.any():
        return plain
    code = grouped.ngroup().to_numpy(dtype=float, na_value=np.nan)
    code = np.where(np.isnan(code), -1, code).astype(np.int64)
    ok = (code >= 0) & strong
    n = len(plain)
    w = np.where(ok, dur, 0.0)
    total = np.bincount(code[ok], weights=w[ok], minlength=n)
    has = total > 0
    if agg == "mean":
        sums = np.bincount(code[ok], weights=(w * np.nan_to_num(x))[ok], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            weighted = sums / total
    else:
        weighted = _weighted_median(code[ok], x[ok], w[ok], total, n)
    return pd.Series(np.where(has, weighted, plain.to_numpy()), index=plain.index)


def _weighted_median(
    code: np.ndarray, x: np.ndarray, w: np.ndarray, total: np.ndarray, n: int
) -> np.ndarray:
    """Smallest ``x`` per code whose cumulative weight reaches half the code's total."""
    out = np.full(n, np.nan)
    if not len(code):
        return out
    order = np.lexsort((x, code))
    code, x, w = code[order], x[order], w[order]
    start = np.r_[0, np.flatnonzero(np.diff(code)) + 1]
    cw = np.cumsum(w)
    cw -= np.repeat(np.r_[0.0, cw[start[1:] - 1]], np.diff(np.r_[start, len(code)]))
    below = np.bincount(code, weights=cw < 0.5 * total[code], minlength=n).astype(np.int64)
    first = np.zeros(n, dtype=np.int64)
    first[code[start]] = start
    present = np.bincount(code, minlength=n) > 0
    idx = first + below
    out[present] = x[np.minimum(idx[present], len(x) - 1)]
    return out


def check_nested(red: Reduced, subject: str, levels: list[Any], func: str) -> None:
    """A subject must belong to one level of a between factor within each group."""
    n_units = int(red.unit.max()) + 1 if len(red.unit) else 1
    key = red.group * n_units + red.unit
    uniq, counts = np.unique(key, return_counts=True)
    if np.any(counts > 1):
        bad = uniq[counts > 1][0]
        row = np.flatnonzero(key == bad)
        found = [levels[i] for i in red.level[row]]
        raise ValueError(
            f"{func}: a subject (column {subject!r}) appears in several levels {found} of the "
            "between factor within one group; for repeated measures use within= instead"
        )


def dense_blocks(red: Reduced, n_levels: int) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(first_group, block)`` with block (levels x units x groups) of NaN-padded values."""
    n_groups = len(red.keys)
    bounds = np.searchsorted(red.group, np.arange(n_groups + 1))
    if red.shared_units:
        n_units = int(red.unit.max()) + 1 if len(red.unit) else 1
        step = max(1, CELLS // (n_levels * n_units))
        cuts = list(range(0, n_groups, step)) + [n_groups]
    else:
        sizes = np.zeros(n_groups, dtype=np.int64)
        if len(red.unit):
            np.maximum.at(sizes, red.group, red.unit + 1)
        cuts, width, start = [0], 0, 0
        for gi in range(n_groups):
            width = max(width, int(sizes[gi]))
            if gi > start and n_levels * width * (gi - start + 1) > CELLS:
                cuts.append(gi)
                start, width = gi, int(sizes[gi])
        cuts.append(n_groups)
    for g0, g1 in zip(cuts[:-1], cuts[1:]):
        if g1 <= g0:
            continue
        rows = slice(bounds[g0], bounds[g1])
        unit = red.unit[rows]
        if red.shared_units:
            _, unit = np.unique(unit, return_inverse=True)
        n_units = int(unit.max()) + 1 if len(unit) else 1
        block = np.full((n_levels, n_units, g1 - g0), np.nan)
        block[red.level[rows], unit.ravel(), red.group[rows] - g0] = red.values[rows]
        yield g0, block
