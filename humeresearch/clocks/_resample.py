"""resample: put every series on a regular time grid."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from humeresearch._contract import LONG_COLUMNS
from humeresearch.clocks._common import as_long, codes_of, combine, expand, times
from humeresearch.clocks._overlap import two_tier_mean

SERIES = ["source", "file", "model", "track", "family", "name"]
FILLS = (None, "ffill", "bfill", "interpolate")


def _positive(value: Any, name: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number of seconds; got {value!r}") from None
    if not np.isfinite(x) or x <= 0:
        raise ValueError(f"{name} must be a positive number of seconds; got {value!r}")
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
    if "granularity" not in long.columns:
        if granularity is not None:
            raise ValueError("granularity=: the data has no 'granularity' column to select from")
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


def _check_overlaps(long: pd.DataFrame, b: np.ndarray, e: np.ndarray) -> None:
    parts = [codes_of(long[c]) for c in ("source", "file", "model", "track")]
    g = combine([c for c, _ in parts], [len(u) + 1 for _, u in parts])
    sid = long["span_id"].to_numpy(dtype=np.int64)
    # one row per span: drop rows that repeat the previous row's span (other names)
    first = np.ones(len(g), dtype=bool)
    first[1:] = (g[1:] != g[:-1]) | (sid[1:] != sid[:-1])
    keep = np.flatnonzero(first & (e > b))
    if len(keep) < 2:
        return
    gk, _ = pd.factorize(g[keep])
    order = np.argsort(gk + 1j * b[keep], kind="stable")
    rows = keep[order]
    gs = gk[order]
    cm = pd.Series(e[rows]).groupby(gs, sort=False).cummax().to_numpy()
    hit = (gs[1:] == gs[:-1]) & (sid[rows][1:] != sid[rows][:-1]) & (b[rows][1:] < cm[:-1])
    if hit.any():
        i = int(np.flatnonzero(hit)[0]) + 1
        r = long.iloc[rows[i]]
        raise ValueError(
            f"resample: {r['model']} track {r['track']!r} of file {r['file']!r} has overlapping "
            f"spans (span {r['span_id']} begins at {b[rows[i]]} before an earlier span "
            f"ends at {cm[i - 1]}). Pick one granularity, or pass overlapping='allow' to "
            "weight overlapping spans by their overlap with each bin anyway."
        )


def _first_rows(codes: np.ndarray, n: int) -> np.ndarray:
    first = np.empty(n, dtype=np.int64)
    idx = np.arange(len(codes), dtype=np.int64)
    first[codes[::-1]] = idx[::-1]
    return first


def _fill(score: np.ndarray, empty: np.ndarray, series: np.ndarray, fill: Any) -> np.ndarray:
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


def resample(
    data: Any,
    step: float,
    *,
    window: float | None = None,
    origin: float = 0.0,
    fill: float | str | None = None,
    granularity: str | None = None,
    overlapping: str = "raise",
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
    ``granularity=`` picks one; spans of one track that overlap each other raise
    unless ``overlapping="allow"``.

    Parameters
    ----------
    data : DataFrame or Measurements
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
    overlapping : {"raise", "allow"}, default "raise"
        What to do when spans of one track overlap each other.

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
    >>> hr.resample(prosody, 1.0)[["begin", "end", "score", "seconds"]].to_dict("records")
    [{'begin': 0.0, 'end': 1.0, 'score': 0.2, 'seconds': 1.0}, \
{'begin': 1.0, 'end': 2.0, 'score': 0.5, 'seconds': 1.0}]
    """
    step = _positive(step, "step")
    window = step if window is None else _positive(window, "window")
    origin = float(origin)
    if not np.isfinite(origin):
        raise ValueError(f"origin must be a finite number of seconds; got {origin!r}")
    if isinstance(fill, str) or fill is None:
        if fill not in FILLS:
            raise ValueError(f"fill must be a number or one of {FILLS}; got {fill!r}")
    elif not np.isfinite(float(fill)):
        raise ValueError(f"fill must be a finite number; got {fill!r}")
    if overlapping not in ("raise", "allow"):
        raise ValueError(f"overlapping must be 'raise' or 'allow'; got {overlapping!r}")

    long = _check_granularity(as_long(data, "data"), granularity)
    b, e = times(long, "data")
    timed = np.isfinite(b) & np.isfinite(e)
    if not timed.all():
        warnings.warn(
            f"resample: {int((~timed).sum())} rows have no time (raw text) and were left out",
            UserWarning,
            stacklevel=2,
        )
    if overlapping == "raise":
        _check_overlaps(long, b, e)

    parts = [codes_of(long[c]) for c in SERIES]
    ser_all = combine([c for c, _ in parts], [len(u) + 1 for _, u in parts])
    ser_codes, ser_uniq = pd.factorize(ser_all, sort=True)
    n_series = len(ser_uniq)
    first_row = _first_rows(ser_codes, n_series)
    file_all = combine([parts[0][0], parts[1][0]], [0, len(parts[1][1]) + 1])
    series_file = pd.factorize(file_all[first_row])[0].astype(np.int64)
    rows = np.flatnonzero(timed)
    bs = lambda k: origin + k.astype(np.float64) * step  # noqa: E731
    x, y = b[rows], e[rows]
    inst = y == x
    guess_lo = np.floor((x - origin - window) / step).astype(np.int64) + 1
    klo = _smallest(lambda k: bs(k) + window > x, guess_lo)
    guess_hi = np.floor((y - origin) / step).astype(np.int64) + 1
    # first k past the span: bs(k) > x for instants, bs(k) >= y for spans
    khi = _smallest(lambda k: np.where(inst, bs(k) > x, bs(k) >= y), guess_hi)
    q, k = expand(klo, khi)
    q = rows[q]
    k = k.astype(np.int64)
    strong = e[q] > b[q]
    start = bs(k)
    w = np.where(strong, np.minimum(e[q], start + window) - np.maximum(b[q], start), 1.0)

    fcode = series_file[ser_codes]
    n_files = int(series_file.max()) + 1 if n_series else 0
    kmin = np.full(n_files, np.iinfo(np.int64).max)
    kmax = np.full(n_files, np.iinfo(np.int64).min)
    np.minimum.at(kmin, fcode[q], k)
    np.maximum.at(kmax, fcode[q], k)
    has = kmax >= kmin
    nbins = np.where(has, kmax - kmin + 1, 0)[series_file]
    offset = np.cumsum(nbins) - nbins
    total = int(nbins.sum())
    slot = offset[ser_codes[q]] + (k - kmin[fcode[q]])
    score_in = long["score"].to_numpy(dtype=np.float64, na_value=np.nan)
    mean, n, seconds = two_tier_mean(slot, total, score_in[q], w, strong)

    out_series = np.repeat(np.arange(n_series), nbins)
    out_k = np.arange(total) - np.repeat(offset - kmin[series_file], nbins)
    out: dict[str, Any] = {}
    for (codes, uniques), column in zip(parts, SERIES):
        out[column] = pd.Categorical.from_codes(codes[first_row][out_series], uniques)
    out["span_id"] = out_k
    out["begin"] = bs(out_k)
    out["end"] = out["begin"] + window
    out["score"] = _fill(mean, n == 0, out_series, fill)
    out["n_spans"] = n
    out["seconds"] = seconds
    return pd.DataFrame(out, columns=[*LONG_COLUMNS, "n_spans", "seconds"])
