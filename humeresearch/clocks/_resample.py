"""resample: put every series on a regular time grid."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._contract import LONG_COLUMNS
from humeresearch._groups import check_overlapping, expand, first_index, row_key, times
from humeresearch._tables import TableLike, as_long, is_scaled, tidy_categories
from humeresearch.clocks._overlap import two_tier_mean

#: one resampled series: a recorded series and one expression
SERIES: list[str] = [*define.SERIES_KEYS, "family", "name"]


def positive_seconds(value: Any, name: str, func: str) -> float:
    """``value`` as a positive, finite float, else a ValueError naming the parameter."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = np.nan
    if not np.isfinite(x) or x <= 0:
        raise ValueError(f"{func}: {name} must be a positive number of seconds; got {value!r}")
    return x


def _smallest(pred: Callable[[np.ndarray], np.ndarray], k: np.ndarray) -> np.ndarray:
    """Smallest integer k with pred(k) True (pred monotone), from a guess within a few."""
    k = k.copy()
    for _ in range(64):
        bad = ~pred(k)
        if not bad.any():
            break
        k[bad] += 1
    for _ in range(64):
        back = pred(k - 1)
        if not back.any():
            break
        k[back] -= 1
    return k


def _check_granularity(long: pd.DataFrame, granularity: str | None) -> pd.DataFrame:
    """Keep the rows of ``granularity``; raise when one model still mixes several."""
    if "granularity" not in long.columns:
        if granularity is not None:
            raise ValueError(
                "resample: granularity= needs a 'granularity' column in data to select from"
            )
        return long
    gran = long["granularity"].astype(object)
    if granularity is not None:
        keep = (gran == granularity) | gran.isna()
        long = long.loc[keep.to_numpy()]
        gran = gran.loc[keep]
    per_model = (
        pd.DataFrame({"model": long["model"].astype(str).to_numpy(), "g": gran.to_numpy()})
        .dropna()
        .drop_duplicates()
    )
    counts = per_model.groupby("model", sort=True)["g"].agg(list)
    mixed = counts[counts.map(len) > 1]
    if len(mixed):
        model, values = mixed.index[0], sorted(map(str, mixed.iloc[0]))
        raise ValueError(
            f"resample: model {model!r} holds several granularities {values}; averaging "
            f"them would mix words with utterances. Pick one with granularity=..."
        )
    return long


def _fill(score: np.ndarray, empty: np.ndarray, series: np.ndarray, fill: Any) -> np.ndarray:
    """Fill the empty bins of each series (blocks of consecutive rows)."""
    if fill is None:
        return score
    if not isinstance(fill, str):
        return np.where(empty, float(fill), score)
    n = len(score)
    idx = np.arange(n)
    valid = ~np.isnan(score)
    start = np.r_[0, np.flatnonzero(series[1:] != series[:-1]) + 1] if n else idx
    block_start = np.repeat(start, np.diff(np.r_[start, n]))
    block_end = np.repeat(np.r_[start[1:], n], np.diff(np.r_[start, n])) - 1
    prev = np.maximum.accumulate(np.where(valid, idx, -1))
    nxt = np.minimum.accumulate(np.where(valid, idx, n)[::-1])[::-1]
    has_prev = (prev >= block_start) & empty
    has_next = (nxt <= block_end) & empty
    out = score.copy()
    if fill == "ffill":
        out[has_prev] = score[prev[has_prev]]
    elif fill == "bfill":
        out[has_next] = score[nxt[has_next]]
    else:  # interpolate, inside only
        both = has_prev & has_next
        p, q = prev[both], nxt[both]
        frac = (idx[both] - p) / (q - p)
        out[both] = score[p] + frac * (score[q] - score[p])
    return out


def _check_fill(fill: Any) -> None:
    if isinstance(fill, str) or fill is None:
        if fill not in define.FILLS:
            listed = ", ".join(repr(f) for f in define.FILLS if f is not None)
            raise ValueError(
                f"resample: fill must be None, a number or one of {listed}; got {fill!r}"
            )
    elif not np.isfinite(float(fill)):
        raise ValueError(f"resample: fill must be a finite number; got {fill!r}")


def _timed(long: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Begin, end and which rows have a time (warning about those that do not)."""
    b, e = times(long, "resample: data")
    timed = np.isfinite(b) & np.isfinite(e)
    if not timed.all():
        warnings.warn(
            f"resample: {int((~timed).sum())} rows have no time (raw text) and were left out",
            UserWarning,
            stacklevel=3,
        )
    return b, e, timed


@dataclass(frozen=True)
class _Grid:
    """Bin ``k`` covers ``[origin + k*step, origin + k*step + window)``."""

    step: float
    window: float
    origin: float

    def start(self, k: np.ndarray) -> np.ndarray:
        return self.origin + k.astype(np.float64) * self.step


@dataclass(frozen=True)
class _Series:
    """The series of a long table: code per row, first row and file per series."""

    parts: list[tuple[np.ndarray, pd.Index]]
    codes: np.ndarray
    first_row: np.ndarray
    file: np.ndarray

    @property
    def n(self) -> int:
        return len(self.first_row)


def _series(long: pd.DataFrame) -> _Series:
    ser_all, parts = row_key(long, SERIES)
    ser_codes, ser_uniq = pd.factorize(ser_all, sort=True)
    first_row = first_index(ser_codes, len(ser_uniq))
    file_all, _ = row_key(long, ["source", "file"])
    series_file = pd.factorize(file_all[first_row])[0].astype(np.int64)
    return _Series(parts, ser_codes, first_row, series_file)


def _bin_pairs(
    b: np.ndarray, e: np.ndarray, rows: np.ndarray, grid: _Grid
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (row, bin) that share time: row index, bin k, weight, strong."""
    x, y = b[rows], e[rows]
    inst = y == x
    guess_lo = np.floor((x - grid.origin - grid.window) / grid.step).astype(np.int64) + 1
    klo = _smallest(lambda k: grid.start(k) + grid.window > x, guess_lo)
    guess_hi = np.floor((y - grid.origin) / grid.step).astype(np.int64) + 1
    # first k past the span: start(k) > x for instants, start(k) >= y for spans
    khi = _smallest(lambda k: np.where(inst, grid.start(k) > x, grid.start(k) >= y), guess_hi)
    q, k = expand(klo, khi)
    q = rows[q]
    k = k.astype(np.int64)
    strong = e[q] > b[q]
    start = grid.start(k)
    w = np.where(strong, np.minimum(e[q], start + grid.window) - np.maximum(b[q], start), 1.0)
    return q, k, w, strong


def _slots(
    series: _Series, q: np.ndarray, k: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Output row of each pair: every series of a file spans the file's bins.

    Returns the slot of each pair, the number of bins per series, the first slot of
    each series and the first bin ``k`` per file.
    """
    fcode = series.file[series.codes]
    n_files = int(series.file.max()) + 1 if series.n else 0
    kmin = np.full(n_files, np.iinfo(np.int64).max)
    kmax = np.full(n_files, np.iinfo(np.int64).min)
    np.minimum.at(kmin, fcode[q], k)
    np.maximum.at(kmax, fcode[q], k)
    has = kmax >= kmin
    nbins = np.where(has, kmax - kmin + 1, 0)[series.file]
    offset = np.cumsum(nbins) - nbins
    slot = offset[series.codes[q]] + (k - kmin[fcode[q]])
    return slot, nbins, offset, kmin


def resample(
    data: TableLike,
    *,
    step: float,
    window: float | None = None,
    origin: float = 0.0,
    fill: float | define.Fill | None = None,
    granularity: define.Granularity | define.StreamGranularity | None = None,
    overlapping: define.OverlapPolicy = "allow",
) -> pd.DataFrame:
    """Put every series on a regular time grid (bins of ``step`` seconds).

    One series is one (source, file, model, track, family, name). Bin ``k`` covers
    ``[origin + k*step, origin + k*step + window)``; with ``window > step`` bins
    overlap (sliding windows). Every series of a (source, file) gets the same bins,
    from the first to the last bin that any span of that file falls into.

    * spans (``end > begin``): mean weighted by the overlap of each span with the
      bin, in seconds;
    * instants (``end == begin``): plain mean of the instants inside the bin;
      zero-length spans among spans get weight 0 where a span covers the bin (the
      same rule as :func:`humeresearch.align`);
    * rows without time (raw text) cannot be placed and are left out, with a warning.

    Granularities are never mixed: when the data has a ``granularity`` column and one
    model holds several values (words and utterances), it raises unless
    ``granularity=`` picks one; spans of one series that overlap each other raise
    unless ``overlapping="allow"`` (the policy shared with :func:`humeresearch.summarize`
    and :func:`humeresearch.smooth`).

    Parameters
    ----------
    data : TableLike
        Long table (or wide table or ``Measurements``).
    step : float
        Grid step, seconds.
    window : float, optional
        Bin width, seconds (default: ``step``).
    origin : float, default 0.0
        Time of the edge of bin 0, seconds.
    fill : float or {"ffill", "bfill", "interpolate"}, optional
        What empty bins hold: NaN by default; a number; the previous or next
        non-empty bin of the series; or linear interpolation between the
        neighbouring non-empty bins (bins before the first or after the last stay
        NaN). ``n_spans`` stays 0 for filled bins.
    granularity : str, optional
        Keep only rows of this ``granularity`` (and rows that have none, such as
        face instants).
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
        Long-shaped, one row per (series, bin), ordered by series then time:
        ``source, file, model, track`` and ``family, name`` of the series;
        ``span_id`` the bin index ``k`` (int64, relative to ``origin``);
        ``begin, end`` the bin edges; ``score`` the mean (NaN or filled when empty);
        ``n_spans`` number of rows averaged; ``seconds`` overlap seconds that
        weighted the mean (0 for instants).

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> prosody = pd.DataFrame({"source": "a.wav", "file": "a.wav", "model": "prosody",
    ...     "track": "spk_0", "span_id": [0, 1], "begin": [0.0, 1.5], "end": [1.5, 2.0],
    ...     "family": "emotion", "name": "Calmness", "score": [0.2, 0.8]})
    >>> hr.resample(prosody, step=1.0)[["begin", "end", "score", "seconds"]].to_dict("records")
    [{'begin': 0.0, 'end': 1.0, 'score': 0.2, 'seconds': 1.0}, \
{'begin': 1.0, 'end': 2.0, 'score': 0.5, 'seconds': 1.0}]
    """
    if is_scaled(data):  # a Dask table or an opened dataset: the scaled-out twin
        from humeresearch import dataset

        return dataset.resample(
            data, step=step, window=window, origin=origin, fill=fill,
            granularity=granularity, overlapping=overlapping,
        )  # fmt: skip
    step = positive_seconds(step, "step", "resample")
    window = step if window is None else positive_seconds(window, "window", "resample")
    origin = float(origin)
    if not np.isfinite(origin):
        raise ValueError(f"resample: origin must be a finite number of seconds; got {origin!r}")
    _check_fill(fill)
    grid = _Grid(step, window, origin)

    long = _check_granularity(as_long(data, func="resample", name="data"), granularity)
    check_overlapping(long, overlapping=overlapping, func="resample")
    b, e, timed = _timed(long)
    series = _series(long)
    q, k, w, strong = _bin_pairs(b, e, np.flatnonzero(timed), grid)
    slot, nbins, offset, kmin = _slots(series, q, k)
    total = int(nbins.sum())
    score_in = long["score"].to_numpy(dtype=np.float64, na_value=np.nan)
    mean, n, seconds = two_tier_mean(slot, total, score_in[q], w, strong)

    out_series = np.repeat(np.arange(series.n), nbins)
    out_k = np.arange(total) - np.repeat(offset - kmin[series.file], nbins)
    out: dict[str, Any] = {}
    for (codes, uniques), column in zip(series.parts, SERIES):
        out[column] = pd.Categorical.from_codes(codes[series.first_row][out_series], uniques)
    out["span_id"] = out_k
    out["begin"] = grid.start(out_k)
    out["end"] = out["begin"] + window
    out["score"] = _fill(mean, n == 0, out_series, fill)
    out["n_spans"] = n
    out["seconds"] = seconds
    return tidy_categories(pd.DataFrame(out, columns=[*LONG_COLUMNS, "n_spans", "seconds"]))
