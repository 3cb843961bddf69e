"""``rescale``: baseline correction of epochs (MNE's ``rescale`` modes)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._tables import TableLike, as_frame, check_option, require_columns
from humeresearch.define import RescaleMethod
from humeresearch.errors import StatsWarning
from humeresearch.stats._common import require_numeric

_FUNC = "rescale"
#: default grouping: one epoch of one series and expression.
EPOCH_KEYS: tuple[str, ...] = ("event", *define.SERIES_KEYS, *define.EXPRESSION_KEYS)


def rescale(
    data: TableLike,
    *,
    baseline: tuple[float | None, float | None],
    method: RescaleMethod = "mean",
    value: str = "score",
    time: str = "time",
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Baseline-correct epochs: every epoch relative to its own baseline window.

    For every group of ``by`` (one epoch of one series and expression by default)
    the rows whose ``time`` lies in ``baseline`` (``tmin <= time <= tmax``, the
    rule of MNE) give the baseline mean ``m`` and standard deviation ``s``
    (``ddof=0``), and every value ``x`` of the group becomes, as in
    ``mne.baseline.rescale``:

    * ``"mean"``: ``x - m`` (subtract); ``"ratio"``: ``x / m``;
    * ``"logratio"``: ``log10(x / m)``; ``"percent"``: ``(x - m) / m``;
    * ``"zscore"``: ``(x - m) / s``;
    * ``"zlogratio"``: ``log10(x / m) / s_log``, ``s_log`` the SD of
      ``log10(baseline / m)``.

    Then ``compare(rescaled, against=0, ...)`` tests each expression against its
    baseline (or, for the raw scale, ``compare(..., within="window")`` on the
    baseline and response windows' subject means).

    Parameters
    ----------
    data : DataFrame or Measurements
        Output of :func:`humeresearch.epochs` (or any table with ``time``).
    baseline : (float or None, float or None)
        ``(tmin, tmax)`` seconds relative to the onset; ``None`` is the start or
        the end of the epoch.
    method : {"mean", "ratio", "logratio", "percent", "zscore", "zlogratio"}, default "mean"
        The correction (MNE's ``mode``).
    value : str, default "score"
        Numeric column corrected.
    time : str, default "time"
        Column of the time relative to the onset.
    by : str or sequence of str, optional
        ``None``: the columns of ``("event", "source", "file", "model", "track",
        "family", "name")`` the data has (one epoch of one series and
        expression); ``()``: one baseline for the whole table.

    Returns
    -------
    DataFrame
        A copy of ``data`` with ``value`` corrected (float); NaN in groups without
        a baseline row (warned).

    Raises
    ------
    ValueError
        Bad options or missing columns.

    Warns
    -----
    StatsWarning
        Groups without any row in the baseline window.

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> ep = pd.DataFrame({"event": 0, "name": "Joy", "time": [-0.2, -0.1, 0.1, 0.2],
    ...                    "score": [0.2, 0.4, 0.5, 0.9]})
    >>> hr.stats.rescale(ep, baseline=(None, 0.0))["score"].round(3).tolist()
    [-0.1, 0.1, 0.2, 0.6]
    """
    data = as_frame(data, func=_FUNC)
    check_option(method, define.RESCALE_METHODS, name="method", func=_FUNC)
    require_columns(data, [value, time], func=_FUNC)
    require_numeric(data, value, _FUNC)
    tmin, tmax = baseline
    if by is None:
        by_cols = list(dict.fromkeys(c for c in EPOCH_KEYS if c in data.columns))
    else:
        by_cols = [by] if isinstance(by, str) else list(by)
        require_columns(data, by_cols, func=_FUNC)
    x = data[value].to_numpy(dtype=float, na_value=np.nan)
    t = data[time].to_numpy(dtype=float, na_value=np.nan)
    inside = (t >= (-np.inf if tmin is None else tmin)) & (t <= (np.inf if tmax is None else tmax))
    if by_cols:
        code = data.groupby(by_cols, observed=True, sort=False, dropna=False).ngroup().to_numpy()
    else:
        code = np.zeros(len(data), dtype=np.int64)
    k = int(code.max()) + 1 if len(code) else 0
    use = inside & ~np.isnan(x)
    cnt = np.bincount(code[use], minlength=k).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.bincount(code[use], weights=x[use], minlength=k) / cnt
        out = _apply(x, m, code, use, cnt, k, method)
    if (cnt == 0).any():
        warnings.warn(
            f"{_FUNC}: {int((cnt == 0).sum())} of {k} groups have no value in the baseline "
            f"window {baseline}; their values are NaN",
            StatsWarning,
            stacklevel=2,
        )
    return data.assign(**{value: out})


def _apply(
    x: np.ndarray, m: np.ndarray, code: np.ndarray, use: np.ndarray, cnt: np.ndarray, k: int,
    method: str,
) -> np.ndarray:  # fmt: skip
    """The corrected values (errors are ignored by the caller's errstate)."""
    mean = m[code]
    if method == "mean":
        return x - mean
    if method == "ratio":
        return x / mean
    if method == "percent":
        return (x - mean) / mean
    if method == "logratio":
        return np.log10(x / mean)
    base = x if method == "zscore" else np.log10(x / mean)
    centre = mean if method == "zscore" else _group_mean(base, code, use, cnt, k)[code]
    sd = np.sqrt(_group_mean((base - centre) ** 2, code, use, cnt, k))[code]
    return ((x - mean) if method == "zscore" else base) / sd


def _group_mean(
    v: np.ndarray, code: np.ndarray, use: np.ndarray, cnt: np.ndarray, k: int
) -> np.ndarray:
    return np.bincount(code[use], weights=v[use], minlength=k) / cnt
