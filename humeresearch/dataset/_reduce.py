"""reduce: one value per (group, condition, subject), the start of compare, mixed, cluster_test."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._tables import TableLike, as_frame, check_option, require_columns
from humeresearch.dataset import _common, _engine

if TYPE_CHECKING:  # pragma: no cover
    import dask.dataframe as dd

#: columns whose values are different quantities: kept as keys so that the statistics
#: refuse a table that mixes them exactly as they refuse the full table
QUANTITIES = ("stat", "model", "granularity", "from_model", "from_track")
_PARTIAL = ["_sx", "_n", "_swx", "_sw"]


def _keys(
    columns: Sequence[str],
    by: str | Sequence[str] | None,
    cond: str,
    subject: str,
    time: str | None,
) -> list[str]:
    if by is None:
        by_cols = [c for c in define.EXPRESSION_KEYS if c in columns]
    else:
        by_cols = [by] if isinstance(by, str) else list(by)
    extra = [c for c in QUANTITIES if c in columns and c not in by_cols]
    return [*by_cols, *extra, cond, subject, *([time] if time is not None else [])]


def _weights(part: pd.DataFrame, value: str, weighted: bool) -> tuple[np.ndarray, np.ndarray]:
    """The values, and each row's duration weight (0 unless a span of positive duration)."""
    x = part[value].to_numpy(dtype=float, na_value=np.nan)
    if not weighted or not {"begin", "end"} <= set(part.columns):
        return x, np.zeros(len(x))
    dur = part["end"].to_numpy(dtype=float, na_value=np.nan) - part["begin"].to_numpy(
        dtype=float, na_value=np.nan
    )
    return x, np.where((dur > 0) & ~np.isnan(x), dur, 0.0)


def _partial(part: pd.DataFrame, keys: list[str], value: str, weighted: bool) -> pd.DataFrame:
    """Per group of ``keys``: sum and count of values, weighted sum and total weight."""
    x, w = _weights(part, value, weighted)
    ok = ~np.isnan(x)
    frame = part[keys].assign(
        _sx=np.where(ok, x, 0.0), _n=ok.astype(np.int64), _swx=w * np.nan_to_num(x), _sw=w
    )
    return frame.groupby(keys, observed=True, sort=False, dropna=True)[_PARTIAL].sum().reset_index()


def _median(part: pd.DataFrame, keys: list[str], value: str, weighted: bool) -> pd.DataFrame:
    """Per group: the median, or the time-weighted median where the group has spans."""
    x, w = _weights(part, value, weighted)
    grouped = part.assign(_x=x).groupby(keys, observed=True, sort=True, dropna=True)
    out = grouped["_x"].agg(["median", "count"]).reset_index()
    code = grouped.ngroup().to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnan(code) & (w > 0)
    if ok.any():
        c, xv, wv = code[ok].astype(np.int64), x[ok], w[ok]
        o = np.lexsort((xv, c))
        c, xv, wv = c[o], xv[o], wv[o]
        total = np.bincount(c, weights=wv, minlength=len(out))
        start = np.r_[0, np.flatnonzero(np.diff(c)) + 1]
        cw = np.cumsum(wv)
        cw -= np.repeat(np.r_[0.0, cw[start[1:] - 1]], np.diff(np.r_[start, len(c)]))
        below = np.bincount(c, weights=cw < 0.5 * total[c], minlength=len(out)).astype(np.int64)
        first = np.zeros(len(out), dtype=np.int64)
        first[c[start]] = start
        has = total > 0
        idx = np.minimum(first + below, len(xv) - 1)
        out.loc[has, "median"] = xv[idx[has]]
    return out.rename(columns={"median": "_v", "count": "_n"})


def _finish(partials: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The mean per group from the partial sums of every partition."""
    total = partials.groupby(keys, observed=True, sort=False, dropna=True)[_PARTIAL].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        plain = total["_sx"].to_numpy() / total["_n"].to_numpy()
        weighted = total["_swx"].to_numpy() / total["_sw"].to_numpy()
    v = np.where(total["_sw"].to_numpy() > 0, weighted, plain)
    return total.reset_index()[keys].assign(_v=v, _n=total["_n"].to_numpy())


def reduce(
    data: TableLike | dd.DataFrame,
    *,
    subject: str,
    value: str = "score",
    between: str | None = None,
    within: str | None = None,
    by: str | Sequence[str] | None = None,
    time: str | None = None,
    agg: define.Agg = "mean",
    weight: define.Weight | None = None,
) -> pd.DataFrame:
    """One value per (group, condition, subject): the small table the statistics take.

    :func:`humeresearch.compare`, :func:`humeresearch.mixed` and
    :func:`humeresearch.cluster_test` start by reducing the rows to one value per
    (``by`` group, condition, subject [, time bin]); this does that reduction on a
    Dask DataFrame, a :class:`Dataset` or a pandas table, so that the statistics
    then run on a small pandas table with the same results:
    ``compare(reduce(ddf, subject="participant", within="condition"),
    within="condition", subject="participant")`` equals ``compare`` of the whole
    table. Means are combined from per-partition sums (no shuffle); medians
    shuffle on the keys. Columns of different quantities (``stat``, ``model``,
    ``granularity``, ``from_model``, ``from_track``) that are not in ``by`` are kept
    as keys, so the statistics refuse a table that mixes them as they refuse the
    whole table.

    Parameters
    ----------
    data : Dask DataFrame, Dataset or TableLike
        Long data with the condition and subject columns (e.g. after
        :func:`annotate`).
    subject : str
        The participant column.
    value : str, default "score"
        The numeric column reduced.
    between, within : str
        The condition column (give exactly one; both mean the same here).
    by : str or sequence of str, optional
        Groups, as in the statistics: ``None`` the columns of
        :data:`humeresearch.define.EXPRESSION_KEYS` that the data has; ``()`` one.
    time : str, optional
        Also keep this column as a key (the time bins of :func:`cluster_test`).
    agg : {"mean", "median"}, default "mean"
        The reduction.
    weight : {"duration", "equal"}, optional
        ``"duration"`` (default without ``time``, as ``compare``): in a cell with
        spans of positive duration each row weighs its duration; ``"equal"``
        (default with ``time``, as ``cluster_test``): every row once.

    Returns
    -------
    DataFrame
        The key columns, ``value`` (the reduced value) and ``n_rows`` (values
        used), sorted by the keys.

    Examples
    --------
    >>> import humeresearch as hr
    >>> from humeresearch import dataset, testing
    >>> long = testing.study(subjects=6, effects={"Joy": 0.5})
    >>> small = dataset.reduce(long, subject="participant", within="condition")
    >>> len(long), len(small)
    (216, 36)
    >>> a = hr.compare(small, within="condition", subject="participant")
    >>> b = hr.compare(long, within="condition", subject="participant")
    >>> bool((a["p"] - b["p"]).abs().max() < 1e-12)
    True
    """
    if (between is None) == (within is None):
        raise ValueError("reduce: give exactly one of between= or within=")
    cond = between if between is not None else within
    assert cond is not None
    check_option(agg, define.AGGS, name="agg", func="reduce")
    weighted = (weight or ("equal" if time is not None else "duration")) == "duration"
    if weight is not None:
        check_option(weight, define.WEIGHTS, name="weight", func="reduce")
    table = _common.long_of(data, "reduce")
    if not _engine.is_dask(table):
        table = as_frame(table, func="reduce")
    meta = table._meta if _engine.is_dask(table) else table
    keys = _keys(list(meta.columns), by, cond, subject, time)
    require_columns(meta, [*keys, value], func="reduce")
    out = _reduce(table, keys, value, agg, weighted)
    _common.restore_categories(out, meta, [k for k in keys if _categorical(meta, k)])
    out = _common.sort_rows(out, keys)
    return out.rename(columns={"_v": value, "_n": "n_rows"})


def _categorical(meta: pd.DataFrame, column: str) -> bool:
    return isinstance(meta[column].dtype, pd.CategoricalDtype)


def _reduce(table: Any, keys: list[str], value: str, agg: str, weighted: bool) -> pd.DataFrame:
    cols = [*keys, value, *(c for c in ("begin", "end") if c in table.columns)]
    table = table[list(dict.fromkeys(cols))]
    if not _engine.is_dask(table):
        if agg == "median":
            return _median(table, keys, value, weighted)
        return _finish(_partial(table, keys, value, weighted), keys)
    if agg == "median":
        parts = _engine.compute_parts(
            _median, _common.grouped_parts(table, keys), keys, value, weighted
        )
        return pd.concat(parts, ignore_index=True)
    parts = _engine.compute_parts(_partial, list(table.to_delayed()), keys, value, weighted)
    return _finish(pd.concat(parts, ignore_index=True), keys)
