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
) -> Reduced:
    """One value per (group, level, unit), coded; one groupby over all expressions."""
    nb = len(by_cols)
    level_index = pd.Index(levels)
    if subject is not None:
        grouped = data.groupby([*by_cols, cond, subject], observed=True, sort=True)[value]
        s = getattr(grouped, agg)()
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
