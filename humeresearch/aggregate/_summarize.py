"""summarize: duration-weighted statistics per group and name."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._groups import (
    check_overlapping,
    codes_of,
    combine,
    factorize_sorted,
    first_index,
    row_key,
    wsum,
)
from humeresearch._tables import (
    TableLike,
    as_long,
    is_scaled,
    require_columns,
    summary_to_wide,
    tidy_categories,
)
from humeresearch.aggregate._common import as_by

_QUANTILE = re.compile(r"^q(\d+(?:\.\d+)?)$")
#: columns that are added to the default grouping when the data has them (align output)
_ALIGNED_BY = ("from_model", "from_track")
_MIXING = ("model", "from_model", "from_track", "granularity")


def _quantile_of(stat: str) -> float | None:
    if stat == "median":
        return 0.5
    match = _QUANTILE.match(stat)
    if match:
        p = float(match.group(1))
        if 0 <= p <= 100:
            return p / 100
    return None


def _check_aggs(agg: str | Sequence[str], threshold: float | None) -> list[str]:
    """``agg`` as a list of valid statistic names."""
    aggs = [agg] if isinstance(agg, str) else list(agg)
    if not aggs:
        raise ValueError("summarize: agg must name at least one statistic")
    for s in aggs:
        if s not in define.SUMMARY_AGGS and (not isinstance(s, str) or _quantile_of(s) is None):
            listed = ", ".join(repr(c) for c in define.SUMMARY_AGGS)
            raise ValueError(
                f"summarize: agg must be one of {listed} or 'q<percent>' such as 'q25', "
                f"'q97.5'; got {s!r}"
            )
    if "frac_above" in aggs and threshold is None:
        raise ValueError("summarize: agg 'frac_above' needs threshold= (a score level)")
    return aggs


def _resolve_by(by: str | Sequence[str] | None, long: pd.DataFrame) -> list[str]:
    """The grouping columns: the default of ``None``, without family and name."""
    if by is None:
        return [*define.SERIES_KEYS, *[c for c in _ALIGNED_BY if c in long.columns]]
    columns = [c for c in as_by(by) if c not in ("family", "name")]
    require_columns(long, columns, func="summarize", name="data")
    return columns


def _check_mixing(long: pd.DataFrame, key: np.ndarray, by: list[str]) -> None:
    """Raise when a group holds several models, source tracks or granularities."""
    for column in _MIXING:
        if column in by or column not in long.columns:
            continue
        codes, uniques = codes_of(long[column])
        if len(uniques) < 2:
            continue
        pairs = pd.DataFrame({"k": key, "c": codes}).drop_duplicates()
        per_key = pairs.groupby("k", sort=False)["c"].size()
        if (per_key > 1).any():
            k = per_key.index[per_key.to_numpy() > 1][0]
            values = sorted(str(uniques[c]) for c in pairs.loc[pairs["k"] == k, "c"])
            raise ValueError(
                f"summarize: a group mixes {column} values {values}; add {column!r} to by "
                "(averaging different models or granularities together is rarely meant)"
            )


def _group_cumsum(values: np.ndarray, key: np.ndarray) -> np.ndarray:
    return pd.Series(values).groupby(key, sort=False).cumsum().to_numpy()


@dataclass(frozen=True)
class _Used:
    """The rows a statistic uses, per key: spans if the key has any, else instants.

    ``rows`` index the long table; ``key``, ``x`` (score), ``dur``, ``strong``
    (positive duration) and ``w`` (weight) are parallel to them.
    """

    rows: np.ndarray
    key: np.ndarray
    x: np.ndarray
    dur: np.ndarray
    strong: np.ndarray
    w: np.ndarray
    has_strong: np.ndarray
    n_keys: int


def _used_rows(long: pd.DataFrame, key_all: np.ndarray) -> _Used:
    x_all = long["score"].to_numpy(dtype=np.float64, na_value=np.nan)
    b_all = long["begin"].to_numpy(dtype=np.float64, na_value=np.nan)
    e_all = long["end"].to_numpy(dtype=np.float64, na_value=np.nan)
    dur_all = e_all - b_all
    rows = np.flatnonzero(~np.isnan(x_all))
    key = key_all[rows]
    n_keys = int(key_all.max()) + 1 if len(key_all) else 0
    x, dur = x_all[rows], dur_all[rows]
    strong = np.isfinite(dur) & (dur > 0)
    has_strong = wsum(key, strong, n_keys) > 0
    used = np.where(has_strong[key], strong, ~strong)
    rows, key, x, dur, strong = rows[used], key[used], x[used], dur[used], strong[used]
    w = np.where(strong, dur, 1.0)
    return _Used(rows, key, x, dur, strong, w, has_strong, n_keys)


def _statistics(
    long: pd.DataFrame, used: _Used, aggs: list[str], threshold: float | None
) -> dict[str, np.ndarray]:
    """Each statistic of ``aggs`` per key."""
    key, x, w, n_keys = used.key, used.x, used.w, used.n_keys
    sum_w = wsum(key, w, n_keys)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = wsum(key, w * x, n_keys) / sum_w
    values: dict[str, np.ndarray] = {}
    by_value: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    for stat in aggs:
        if stat in values:
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            if stat == "mean":
                values[stat] = mean
            elif stat == "std":
                dev = wsum(key, w * (x - mean[key]) ** 2, n_keys)
                values[stat] = np.sqrt(dev / sum_w)
            elif stat in ("min", "max"):
                extreme = pd.Series(x).groupby(key).agg(stat)
                out = np.full(n_keys, np.nan)
                out[extreme.index.to_numpy()] = extreme.to_numpy()
                values[stat] = out
            elif stat == "count":
                values[stat] = np.bincount(key, minlength=n_keys).astype(np.float64)
            elif stat == "frac_above":
                above = wsum(key, w * (x > threshold), n_keys)
                values[stat] = above / sum_w
            elif stat == "auc":
                values[stat] = _auc(long, used)
            else:
                p = _quantile_of(stat)
                assert p is not None
                if by_value is None:
                    o = np.lexsort((x, key))
                    by_value = (key[o], x[o], w[o])
                values[stat] = _quantile(*by_value, used.has_strong, n_keys, p)
    return values


def _tidy(
    parts: list[tuple[np.ndarray, pd.Index]],
    columns: list[str],
    key_all: np.ndarray,
    used: _Used,
    aggs: list[str],
    values: dict[str, np.ndarray],
) -> pd.DataFrame:
    """One row per key x statistic, labelled from each key's first row."""
    n_keys, n_stats = used.n_keys, len(aggs)
    count = np.bincount(used.key, minlength=n_keys)
    seconds = wsum(used.key, np.where(used.strong, used.dur, 0.0), n_keys)
    rep = np.repeat(first_index(key_all, n_keys), n_stats)
    out: dict[str, Any] = {}
    for (codes, uniques), column in zip(parts, columns):
        out[column] = pd.Categorical.from_codes(codes[rep], uniques)
    out["stat"] = np.tile(np.array(aggs, dtype=object), n_keys)
    out["score"] = np.column_stack([values[s] for s in aggs]).ravel() if n_keys else []
    out["n_spans"] = np.repeat(count.astype(np.int64), n_stats)
    out["seconds"] = np.repeat(seconds, n_stats)
    return pd.DataFrame(out, columns=[*columns, "stat", "score", "n_spans", "seconds"])


def summarize(
    data: TableLike,
    *,
    by: str | Sequence[str] | None = None,
    agg: define.SummaryAgg | str | Sequence[define.SummaryAgg | str] = ("mean",),
    threshold: float | None = None,
    wide: bool = False,
    overlapping: define.OverlapPolicy = "allow",
) -> pd.DataFrame:
    """Statistics of the scores per group and (family, name), duration-weighted.

    **Weighting.** In a group whose rows include spans of positive duration, every
    statistic is weighted by duration (``end - begin``, seconds): the mean is the
    time average of the signal, not the average of span values (a 10 s utterance
    counts ten times a 1 s one); zero-length spans then get weight 0. A group of
    instants only (face frames) or of rows without time (raw text) uses plain,
    equally weighted statistics. NaN scores are ignored.

    Statistics (``agg``):

    * ``mean``: weighted mean;
    * ``std``: weighted standard deviation about it (``ddof=0``: the spread of the
      signal over time);
    * ``min``, ``max``; ``count``: number of spans used;
    * ``median`` and ``q<percent>`` (``q25``, ``q97.5``): for instants the usual
      linear interpolation (``numpy.quantile``); for spans the time-weighted
      quantile, the smallest score at or below which the signal spends that
      fraction of the time (``numpy.quantile(..., weights=..., method="inverted_cdf")``);
    * ``frac_above``: fraction of time (of instants) with a score above ``threshold``;
    * ``auc``: area under the curve, score x seconds: for spans the sum of score x
      duration; for instants the trapezoidal integral over time within each (source,
      file, model, track), summed over the group (gaps between frames are bridged;
      instants at the same time are averaged into one point first).

    **Overlapping spans.** Spans of one series (``source, file, model, track``, plus
    ``from_model``, ``from_track``, ``event``, ``granularity`` where present) that
    overlap each other would count the shared seconds once per span (Hume pads
    prosody segments by 0.2 s, so consecutive utterances overlap): they raise unless
    ``overlapping="allow"``, the policy of :func:`humeresearch.resample` and
    :func:`humeresearch.smooth`.

    Groups may not mix ``model``, ``from_model``, ``from_track`` or ``granularity``
    values unless those columns are in ``by`` (raises): two faces, two models or words
    and utterances are never averaged together by accident.

    The output writes each statistic into ``score`` and names it in ``stat``, so
    that it feeds :func:`humeresearch.compare`, :func:`humeresearch.mixed` and the
    plots unchanged (select one ``stat`` first).

    Parameters
    ----------
    data : TableLike
        Long table or any long-shaped output (align, resample, epochs, annotate).
    by : str or sequence of str, optional
        Compute separately for each value of these columns (any columns of
        ``data``, e.g. ``participant``, ``condition`` added by
        :func:`humeresearch.annotate`, ``event``, ``label``); each group is
        summarised per (family, name). ``None`` (default): one group per recorded
        series, :data:`humeresearch.define.SERIES_KEYS` ``("source", "file",
        "model", "track")``, plus ``from_model`` and ``from_track`` when the data has
        them (the output of :func:`humeresearch.align`). ``()``: one group.
    agg : str or sequence of str, default ("mean",)
        Statistic(s) to compute, see above (:data:`humeresearch.define.SUMMARY_AGGS`
        or ``"q<percent>"``); a single string is one statistic.
    threshold : float, optional
        Score level for ``frac_above``.
    wide : bool, default False
        Return one row per (group, stat) and one column per (family, name) named as
        in the contract's wide table (``Joy``, ``facs:AU1 ...``), recorded as its
        score columns (``attrs["humeresearch"]["scores"]``).
    overlapping : {"allow", "raise"}, default "allow"
        Spans of one series that overlap each other. Hume pads prosody segments by
        0.2 s, so consecutive utterances of real data overlap: by default each span
        counts with its own duration (or its own overlap with a bin or window), so the
        shared seconds count once per span; ``"raise"`` refuses such data, naming the
        first overlapping pair. The same policy holds in ``summarize``, ``resample``,
        ``smooth`` and ``plot.heatmap`` (:data:`humeresearch.define.OVERLAP_POLICIES`).

    Returns
    -------
    DataFrame
        Tidy (default): the ``by`` columns, ``family``, ``name``, ``stat``, ``score``,
        ``n_spans`` (spans used) and ``seconds`` (their total duration; 0 for
        instants); one row per group x name x stat, ordered by group, name, then
        stat as given. Wide: the ``by`` columns, ``stat`` and one column per name.

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> prosody = pd.DataFrame({"source": "a.wav", "file": "a.wav", "model": "prosody",
    ...     "track": "spk_0", "span_id": [0, 1], "begin": [0.0, 3.0], "end": [3.0, 4.0],
    ...     "family": "emotion", "name": "Joy", "score": [0.25, 0.75]})
    >>> out = hr.summarize(prosody, agg=["mean", "max", "count"])
    >>> out[["name", "stat", "score", "seconds"]].to_dict("records")
    [{'name': 'Joy', 'stat': 'mean', 'score': 0.375, 'seconds': 4.0}, \
{'name': 'Joy', 'stat': 'max', 'score': 0.75, 'seconds': 4.0}, \
{'name': 'Joy', 'stat': 'count', 'score': 2.0, 'seconds': 4.0}]
    >>> hr.summarize(prosody, by=(), agg="median")[["stat", "score"]].to_dict("records")
    [{'stat': 'median', 'score': 0.25}]
    """
    if is_scaled(data):  # a Dask table or an opened dataset: the scaled-out twin
        from humeresearch import dataset

        return dataset.summarize(
            data, by=by, agg=agg, threshold=threshold, wide=wide, overlapping=overlapping
        )
    aggs = _check_aggs(agg, threshold)
    long = as_long(data, func="summarize", name="data")
    check_overlapping(long, overlapping=overlapping, func="summarize")
    columns = [*_resolve_by(by, long), "family", "name"]
    combined, parts = row_key(long, columns)
    key_all, _ = factorize_sorted(combined)
    _check_mixing(long, key_all, columns[:-2])
    used = _used_rows(long, key_all)
    values = _statistics(long, used, aggs, threshold)
    tidy = tidy_categories(_tidy(parts, columns, key_all, used, aggs, values))
    return summary_to_wide(tidy, columns[:-2], aggs) if wide else tidy


def _quantile(
    k: np.ndarray, x: np.ndarray, w: np.ndarray, has_strong: np.ndarray, n_keys: int, p: float
) -> np.ndarray:
    """Per key quantile of values sorted by (key, value)."""
    out = np.full(n_keys, np.nan)
    if not len(k):
        return out
    n = np.bincount(k, minlength=n_keys)
    start = np.cumsum(n) - n
    present = n > 0
    # instants: linear interpolation between order statistics
    plain = present & ~has_strong
    h = (n[plain] - 1) * p
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, n[plain] - 1)
    a, b = x[start[plain] + lo], x[start[plain] + hi]
    out[plain] = a + (h - lo) * (b - a)
    # spans: smallest value whose cumulative weight reaches p of the total
    cw = _group_cumsum(w, k)
    total = cw[np.maximum(start + n - 1, 0)]
    below = np.bincount(k, weights=cw < p * total[k], minlength=n_keys).astype(np.int64)
    weighted = present & has_strong
    idx = np.minimum(start + below, start + n - 1)
    out[weighted] = x[idx[weighted]]
    return out


def _auc(long: pd.DataFrame, used: _Used) -> np.ndarray:
    """Area under the curve per key: score x seconds for spans, trapezoids for instants."""
    rows, key, x, dur = used.rows, used.key, used.x, used.dur
    strong, has_strong, n_keys = used.strong, used.has_strong, used.n_keys
    out = wsum(key, np.where(strong, x * dur, 0.0), n_keys)
    inst = ~has_strong[key]
    if not inst.any():
        out[~has_strong] = np.nan
        return out
    r, k, v = rows[inst], key[inst], x[inst]
    t = long["begin"].to_numpy(dtype=np.float64, na_value=np.nan)[r]
    timed = np.isfinite(t)
    r, k, v, t = r[timed], k[timed], v[timed], t[timed]
    parts = [codes_of(long[c])[0][r] for c in define.SERIES_KEYS]
    series = combine([k, *parts], [0] + [int(p.max()) + 2 if len(p) else 1 for p in parts])
    o = np.lexsort((t, series))
    s, t, v, k = series[o], t[o], v[o], k[o]
    # one point per (series, time): instants at the same time are averaged first
    new = np.ones(len(s), dtype=bool)
    new[1:] = (s[1:] != s[:-1]) | (t[1:] != t[:-1])
    run = np.cumsum(new) - 1
    v = wsum(run, v, int(run[-1]) + 1 if len(run) else 0) / np.bincount(run)
    s, t, k = s[new], t[new], k[new]
    same = s[1:] == s[:-1]
    area = np.where(same, (t[1:] - t[:-1]) * (v[1:] + v[:-1]) / 2, 0.0)
    trap = wsum(k[1:], area, n_keys) if len(k) > 1 else np.zeros(n_keys)
    has_timed = np.bincount(k, minlength=n_keys) > 0
    return np.where(has_strong, out, np.where(has_timed, trap, np.nan))
