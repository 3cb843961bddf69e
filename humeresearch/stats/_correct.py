"""Multiple-comparison corrections of p-values (numpy only, no statsmodels needed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from humeresearch import define
from humeresearch._tables import check_option
from humeresearch.define import Correction


@overload
def correct(p: pd.Series, *, correction: Correction = "fdr_bh") -> pd.Series: ...


@overload
def correct(p: ArrayLike, *, correction: Correction = "fdr_bh") -> np.ndarray: ...


def correct(
    p: ArrayLike | pd.Series, *, correction: Correction = "fdr_bh"
) -> np.ndarray | pd.Series:
    """Adjust p-values for multiple comparisons.

    All non-missing p-values of ``p`` form one family of ``m`` tests; missing
    (NaN) p-values are left out of the family and stay NaN. Adjusted p-values are
    comparable to the nominal alpha directly (reject when ``p_adj <= alpha``); they
    never divide or shrink a p-value, and are capped at 1.

    Parameters
    ----------
    p : array-like or Series
        p-values in [0, 1], any shape; NaN for tests that could not be computed.
    correction : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}, default "fdr_bh"
        The correction (:data:`humeresearch.define.CORRECTIONS`):

        * ``"fdr_bh"``: Benjamini & Hochberg (1995) step-up false discovery rate,
          valid for independent or positively dependent tests:
          ``p_adj(i) = min_{j >= i} min(1, m p(j) / j)`` over the sorted p-values.
        * ``"fdr_by"``: Benjamini & Yekutieli (2001), BH multiplied by
          ``c(m) = sum_{k=1..m} 1/k``; valid under any dependence.
        * ``"holm"``: Holm (1979) step-down family-wise error rate:
          ``p_adj(i) = max_{j <= i} min(1, (m - j + 1) p(j))``.
        * ``"bonferroni"``: ``min(1, m p)`` (family-wise error rate, conservative).
        * ``"none"``: the p-values unchanged.

    Returns
    -------
    ndarray or Series
        Adjusted p-values, same shape as ``p`` (a Series with the same index when
        ``p`` is a Series), NaN where ``p`` is NaN.

    Raises
    ------
    ValueError
        If ``correction`` is unknown or a p-value lies outside [0, 1].

    Notes
    -----
    The results equal those of ``statsmodels.stats.multitest.multipletests`` with
    the same method names (checked in the test suite); statsmodels is not needed.

    References
    ----------
    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate.
    *JRSS B*, 57(1), 289-300. Benjamini, Y., & Yekutieli, D. (2001). The control of
    the false discovery rate in multiple testing under dependency. *Annals of
    Statistics*, 29(4), 1165-1188. Holm, S. (1979). A simple sequentially rejective
    multiple test procedure. *Scandinavian Journal of Statistics*, 6(2), 65-70.

    Examples
    --------
    >>> import humeresearch as hr
    >>> hr.correct([0.01, 0.04, 0.03, 0.5], correction="fdr_bh").round(4).tolist()
    [0.04, 0.0533, 0.0533, 0.5]
    >>> hr.correct([0.01, float("nan"), 0.04], correction="bonferroni").tolist()
    [0.02, nan, 0.08]
    >>> import pandas as pd
    >>> hr.correct(pd.Series([0.01, 0.02], index=["Joy", "Anger"]), correction="holm")
    Joy      0.02
    Anger    0.02
    dtype: float64
    """
    check_option(correction, define.CORRECTIONS, name="correction", func="correct")
    index = p.index if isinstance(p, pd.Series) else None
    arr = np.asarray(p, dtype=float)
    flat = arr.ravel()
    ok = ~np.isnan(flat)
    vals = flat[ok]
    if vals.size and (vals.min() < 0 or vals.max() > 1):
        raise ValueError("correct: p-values must lie in [0, 1]")
    out = np.full(flat.shape, np.nan)
    out[ok] = _adjust(vals, correction)
    out = out.reshape(arr.shape)
    if index is not None:
        return pd.Series(out, index=index, name=getattr(p, "name", None))
    return out


def _adjust(p: np.ndarray, correction: str) -> np.ndarray:
    m = p.size
    if m == 0 or correction == "none":
        return p.copy()
    if correction == "bonferroni":
        return np.minimum(1.0, p * m)
    order = np.argsort(p, kind="mergesort")
    ps = p[order]
    rank = np.arange(1, m + 1, dtype=float)
    if correction == "holm":
        adj = np.maximum.accumulate(np.minimum(1.0, (m - rank + 1) * ps))
    else:
        factor = np.sum(1.0 / rank) if correction == "fdr_by" else 1.0
        raw = ps * m * factor / rank
        adj = np.minimum(1.0, np.minimum.accumulate(raw[::-1])[::-1])
    out = np.empty(m)
    out[order] = adj
    return out


def correct_frame(
    table: pd.DataFrame, correction: str, within: str | Sequence[str] | None, func: str
) -> np.ndarray:
    """``p_adj`` for the ``p`` column of ``table``, one family per group of ``within``."""
    check_option(correction, define.CORRECTIONS, name="correction", func=func)
    p = table["p"].to_numpy(dtype=float)
    if within is None or len(table) == 0:
        return _adjust_all(p, correction)
    cols = [within] if isinstance(within, str) else list(within)
    missing = [c for c in cols if c not in table.columns]
    if missing:
        raise ValueError(
            f"{func}: correct_within names column(s) {missing} that the result does not have; "
            f"choose among {list(table.columns)}"
        )
    out = np.full(len(table), np.nan)
    codes = table.groupby(cols, observed=True, sort=False, dropna=False).ngroup().to_numpy()
    for code in np.unique(codes):
        rows = np.flatnonzero(codes == code)
        out[rows] = _adjust_all(p[rows], correction)
    return out


def _adjust_all(p: np.ndarray, correction: str) -> np.ndarray:
    """Adjusted 1-d ``p`` with NaN left out of the family."""
    return np.asarray(correct(p, correction=correction))  # type: ignore[arg-type]
