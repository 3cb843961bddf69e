"""epochs: lock the data to events (trials) with time relative to each onset."""

from __future__ import annotations

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._groups import table_codes, times
from humeresearch._tables import (
    TableLike,
    as_long,
    check_option,
    require_columns,
    tidy_categories,
)
from humeresearch.clocks._overlap import find_pairs
from humeresearch.define import RescaleMethod


def _event_windows(
    events: pd.DataFrame, tmin: float | None, tmax: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    require_columns(events, ["onset"], func="epochs", name="events")
    onset = pd.to_numeric(events["onset"], errors="coerce").to_numpy(dtype=np.float64)
    if (tmin is None) != (tmax is None):
        raise ValueError("epochs: give both tmin and tmax, or neither")
    if tmin is not None:
        lo = np.full(len(events), float(tmin))
        hi = np.full(len(events), float(tmax))  # type: ignore[arg-type]
    elif "tmin" in events.columns and "tmax" in events.columns:
        lo = pd.to_numeric(events["tmin"], errors="coerce").to_numpy(dtype=np.float64)
        hi = pd.to_numeric(events["tmax"], errors="coerce").to_numpy(dtype=np.float64)
    elif "duration" in events.columns:
        lo = np.zeros(len(events))
        hi = pd.to_numeric(events["duration"], errors="coerce").to_numpy(dtype=np.float64)
    else:
        raise ValueError(
            "epochs: events need a 'duration' column or 'tmin'/'tmax' columns, or pass "
            "tmin= and tmax="
        )
    begin, end = onset + lo, onset + hi
    bad = ~(np.isfinite(begin) & np.isfinite(end)) | (end < begin)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"epochs: events row {i} has no valid window (onset={onset[i]}, from {lo[i]} to {hi[i]})"
        )
    return onset, begin, end


def epochs(
    data: TableLike,
    events: pd.DataFrame,
    *,
    tmin: float | None = None,
    tmax: float | None = None,
    baseline: tuple[float | None, float | None] | None = None,
    baseline_method: RescaleMethod = "mean",
) -> pd.DataFrame:
    """Cut event-locked epochs out of the data (trial-based designs).

    Each event has a window, ``[onset, onset + duration)`` by default or
    ``[onset + tmin, onset + tmax)``. A span belongs to an event's epoch when it
    shares time with the window by the rules of :func:`humeresearch.align`
    (instants inside the half-open window, spans overlapping it by a positive time,
    a zero-length window takes the instants at exactly its time and the spans that
    contain it; no special rule at the end of the last window). A span that meets
    several events appears once per event. Spans keep their own begin and end; the
    ``time`` columns give them relative to the onset.

    With ``baseline=(b0, b1)`` every epoch is corrected by its own baseline, as
    MNE's ``Epochs(baseline=...)``: per epoch, series and expression (``event``,
    ``source``, ``file``, ``model``, ``track``, ``family``, ``name``) the rows
    whose ``time`` lies in ``b0 <= time <= b1`` give the baseline mean ``m`` and
    standard deviation ``s`` (``ddof=0``), and each ``score`` ``x`` of the epoch
    becomes, by ``baseline_method``:

    * ``"mean"``: ``x - m`` (subtract the baseline, MNE's default);
    * ``"ratio"``: ``x / m``; ``"logratio"``: ``log10(x / m)``;
    * ``"percent"``: ``(x - m) / m``;
    * ``"zscore"``: ``(x - m) / s``;
    * ``"zlogratio"``: ``log10(x / m) / s_log``, ``s_log`` the SD of
      ``log10(baseline / m)``.

    This is :func:`humeresearch.stats.rescale` applied to the uncorrected epochs
    (``rescale(epochs(data, events, tmin=..., tmax=...), baseline=...,
    method=...)``); then ``compare(..., against=0)`` tests each expression
    against its baseline.

    Parameters
    ----------
    data : TableLike
        Long table (or wide table or ``Measurements``).
    events : DataFrame
        One row per event: ``source`` and/or ``file`` (the keys matched; when both
        are present both must match), ``onset`` (seconds), and ``duration`` or
        ``tmin``/``tmax`` columns (unless ``tmin=``/``tmax=`` are given); ``label``
        and any other columns are carried to the output.
    tmin, tmax : float, optional
        Window relative to every onset, seconds (both or neither).
    baseline : (float or None, float or None), optional
        Baseline window ``(b0, b1)`` in seconds relative to the onset, both ends
        included; ``None`` for an end is the start or the end of the epoch (MNE's
        rule), so ``(None, 0)`` is everything up to the onset. It must lie inside
        ``[tmin, tmax]`` when these are given. Default: no correction.
    baseline_method : {"mean", "ratio", "logratio", "percent", "zscore", "zlogratio"}, default "mean"
        The correction (:data:`humeresearch.define.RESCALE_METHODS`, MNE's
        ``mode``); used only with ``baseline``.

    Returns
    -------
    DataFrame
        The data's columns (long contract columns first, extra columns kept), then
        ``event`` (0-based row position of the event in ``events``), ``time``
        (``begin - onset``), ``time_end`` (``end - onset``), then the event columns
        other than the matched keys (a name the data already uses is prefixed
        ``event_``). Ordered by event, then data order. With ``baseline`` the
        ``score`` column holds the corrected values (float; NaN for an epoch
        without a row in the baseline window, with a
        :class:`~humeresearch.errors.StatsWarning`).

    Raises
    ------
    ValueError
        Events without a recording key or a window, a ``baseline`` that is not
        ``(b0, b1)`` with ``b0 <= b1`` or that lies outside ``[tmin, tmax]``, an
        unknown ``baseline_method``.

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> face = pd.DataFrame({"source": "a.mp4", "file": "a.mp4", "model": "face",
    ...     "track": "face_0", "span_id": [0, 1, 2], "begin": [0.5, 1.0, 2.5],
    ...     "end": [0.5, 1.0, 2.5], "family": "emotion", "name": "Joy",
    ...     "score": [0.1, 0.2, 0.3]})
    >>> events = pd.DataFrame({"source": ["a.mp4"], "onset": [1.0], "label": ["cue"]})
    >>> ep = hr.epochs(face, events, tmin=-0.5, tmax=1.0)
    >>> ep[["span_id", "event", "time", "label"]].to_dict("records")
    [{'span_id': 0, 'event': 0, 'time': -0.5, 'label': 'cue'}, \
{'span_id': 1, 'event': 0, 'time': 0.0, 'label': 'cue'}]

    Subtracting the mean of the frames up to the onset (here the frames at -0.5 s
    and 0 s, mean 0.15) from every frame of the epoch:

    >>> hr.epochs(face, events, tmin=-0.5, tmax=2.0, baseline=(None, 0.0))[
    ...     ["time", "score"]].round(3).to_dict("list")
    {'time': [-0.5, 0.0, 1.5], 'score': [-0.05, 0.05, 0.15]}
    """
    if not isinstance(events, pd.DataFrame):
        raise TypeError(f"epochs: events must be a DataFrame; got {type(events).__name__}")
    on = [c for c in ("source", "file") if c in events.columns]
    if not on:
        raise ValueError(
            f"epochs: events need a 'source' or 'file' column to match the data; its "
            f"columns are {list(map(str, events.columns))}"
        )
    _check_baseline(baseline, baseline_method, tmin, tmax)
    long = as_long(data, func="epochs", name="data")
    sb, se = times(long, "epochs: data")
    onset, wb, we = _event_windows(events, tmin, tmax)
    keys = events[on].astype(str)
    (sg, tg), _ = table_codes([long, keys], on)
    pairs = find_pairs(sg, sb, se, tg, wb, we, closed_last=False)
    order = np.lexsort((pairs.source, pairs.target))
    rows, ev = pairs.source[order], pairs.target[order]
    out = long.iloc[rows].reset_index(drop=True)
    out["event"] = ev
    out["time"] = sb[rows] - onset[ev]
    out["time_end"] = se[rows] - onset[ev]
    for column in events.columns:
        if column in on:
            continue
        name = column if column not in out.columns else f"event_{column}"
        out[name] = events[column].iloc[ev].reset_index(drop=True)
    out = tidy_categories(out)
    if baseline is None:
        return out
    from humeresearch.stats import rescale

    return rescale(out, baseline=baseline, method=baseline_method)


def _check_baseline(
    baseline: tuple[float | None, float | None] | None,
    method: str,
    tmin: float | None,
    tmax: float | None,
) -> None:
    """A ``(b0, b1)`` window with ``b0 <= b1`` inside ``[tmin, tmax]``, a known method."""
    check_option(method, define.RESCALE_METHODS, name="baseline_method", func="epochs")
    if baseline is None:
        return
    if isinstance(baseline, str) or not hasattr(baseline, "__len__") or len(baseline) != 2:
        raise ValueError(f"epochs: baseline must be (b0, b1) or None; got {baseline!r}")
    b0, b1 = (None if b is None else float(b) for b in baseline)
    if b0 is not None and b1 is not None and b0 > b1:
        raise ValueError(f"epochs: baseline {baseline!r} starts after it ends")
    if tmin is not None and tmax is not None:
        outside = (b0 is not None and b0 < tmin) or (b1 is not None and b1 > tmax)
        if outside:
            raise ValueError(
                f"epochs: baseline {baseline!r} lies outside the epoch window ({tmin}, {tmax})"
            )
