"""``icc``: the six intraclass correlations of any number of raters; Spearman-Brown."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from humeresearch import define
from humeresearch._tables import TableLike, as_frame, check_option, require_columns
from humeresearch.define import Correction
from humeresearch.stats._anova import subject_cells
from humeresearch.stats._common import (
    check_confidence,
    levels_of,
    require_numeric,
    resolve_by,
    warn_notes,
)
from humeresearch.stats._correct import correct_frame

_FUNC = "icc"
#: Shrout & Fleiss name, McGraw & Wong name, description.
FORMS = (
    ("ICC(1,1)", "ICC(1)", "one-way random, single rater"),
    ("ICC(2,1)", "ICC(A,1)", "two-way random, absolute agreement, single rater"),
    ("ICC(3,1)", "ICC(C,1)", "two-way mixed, consistency, single rater"),
    ("ICC(1,k)", "ICC(k)", "one-way random, mean of k raters"),
    ("ICC(2,k)", "ICC(A,k)", "two-way random, absolute agreement, mean of k raters"),
    ("ICC(3,k)", "ICC(C,k)", "two-way mixed, consistency, mean of k raters"),
)
_NAMES = [f[0] for f in FORMS]


def icc(
    data: TableLike,
    *,
    target: str,
    rater: str,
    value: str = "score",
    by: str | Sequence[str] | None = None,
    method: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    correction: Correction = "fdr_bh",
    correct_within: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Intraclass correlations of ``k >= 2`` raters per expression (Shrout & Fleiss forms).

    The ratings are arranged as targets x raters (one value per cell: the mean of
    repeated rows); targets missing a rating are dropped (complete cases, as
    pingouin's ``nan_policy="omit"``). From the two-way ANOVA mean squares of
    targets (MSR), raters (MSC), residual (MSE) and within targets (MSW):

    * ICC(1,1) ``(MSR - MSW) / (MSR + (k-1) MSW)``; ICC(1,k) ``(MSR - MSW) / MSR``;
    * ICC(2,1) ``(MSR - MSE) / (MSR + (k-1) MSE + k (MSC - MSE) / n)``;
      ICC(2,k) ``(MSR - MSE) / (MSR + (MSC - MSE) / n)``;
    * ICC(3,1) ``(MSR - MSE) / (MSR + (k-1) MSE)``; ICC(3,k) ``(MSR - MSE) / MSR``.

    F tests of ``MSR/MSW`` (one-way) and ``MSR/MSE`` (two-way); exact F CIs for the
    one-way and consistency forms, the Satterthwaite CI for absolute agreement
    (McGraw & Wong 1996). Raters are the columns of :func:`humeresearch.agreement`
    generalised to any number (e.g. models, annotators, sessions).

    Parameters
    ----------
    data : DataFrame or Measurements
        Long table with the ``target``, ``rater`` and ``value`` columns.
    target : str
        Column of the things rated (participants, spans, utterances).
    rater : str
        Column of the raters (annotators, models, sessions).
    value : str, default "score"
        Numeric rating column.
    by : str or sequence of str, optional
        ``None``: one set of ICCs per expression; ``()``: one.
    method : str or sequence of str, optional
        Forms to report, Shrout & Fleiss names (``"ICC(2,1)"``); default all six.
        The correction family is every reported row: pass the form you report.
    confidence : float, default 0.95
        Level of the confidence intervals.
    correction : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}, default "fdr_bh"
        Correction of the F-test p-values (ICC = 0) over the call.
    correct_within : str or sequence of str, optional
        Output columns (e.g. ``"method"``) whose groups are separate families.

    Returns
    -------
    DataFrame
        One row per group of ``by`` and form: the ``by`` columns; ``method``
        (Shrout & Fleiss), ``mcgraw_wong`` (McGraw & Wong name), ``description``;
        ``n_targets``, ``n_raters`` (int); ``estimate``, ``ci_low``, ``ci_high``;
        ``statistic`` (F), ``df``, ``df2``; ``p``, ``p_adj``, ``correction``;
        ``note`` ("" or why a row is NaN). Identical ratings give 1 (the limit).

    Raises
    ------
    ValueError
        Missing columns, fewer than 2 raters, unknown forms.

    Notes
    -----
    Checked against pingouin's ``intraclass_corr`` to 1e-8 (estimates, F, p, CIs).

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). *Psychological Bulletin*, 86, 420-428.
    McGraw, K. O., & Wong, S. P. (1996). *Psychological Methods*, 1, 30-46.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import humeresearch as hr
    >>> rng = np.random.default_rng(0)
    >>> truth = rng.normal(size=20)
    >>> df = pd.DataFrame({"name": "Joy", "clip": np.repeat(np.arange(20), 3),
    ...                    "coder": np.tile(["a", "b", "c"], 20)})
    >>> df["score"] = np.repeat(truth, 3) + rng.normal(0, 0.3, 60)
    >>> res = hr.stats.icc(df, target="clip", rater="coder", method=["ICC(2,1)", "ICC(2,k)"])
    >>> res[["name", "method", "mcgraw_wong", "n_targets", "n_raters"]]
      name    method mcgraw_wong  n_targets  n_raters
    0  Joy  ICC(2,1)    ICC(A,1)         20         3
    1  Joy  ICC(2,k)    ICC(A,k)         20         3
    """
    data = as_frame(data, func=_FUNC)
    check_option(correction, define.CORRECTIONS, name="correction", func=_FUNC)
    check_confidence(confidence, _FUNC)
    forms = _NAMES if method is None else [method] if isinstance(method, str) else list(method)
    for form in forms:
        check_option(form, tuple(_NAMES), name="method", func=_FUNC)
    roles = [target, rater, value]
    by_cols = resolve_by([(data, "data")], by, func=_FUNC, roles=roles)
    require_columns(data, roles, func=_FUNC)
    require_numeric(data, value, _FUNC)
    raters = levels_of(data[rater])
    if len(raters) < 2:
        raise ValueError(f"{_FUNC}: column {rater!r} needs at least 2 raters, found {raters}")
    keys, cells = subject_cells(data, value, by_cols, [rater], [raters], target, "mean", "equal")
    rows = []
    for gi, m in enumerate(cells):
        x = m[~np.isnan(m).any(axis=1)]
        for form, row in zip(_NAMES, _forms(x, confidence)):
            if form in forms:
                rows.append((gi, row))
    out = keys.iloc[[g for g, _ in rows]].reset_index(drop=True)
    frame = pd.DataFrame([r for _, r in rows])
    for col in frame.columns:
        out[col] = frame[col].to_numpy()
    for col in ("n_targets", "n_raters"):
        out[col] = out[col].astype(np.int64)
    out["p_adj"] = correct_frame(out, correction, correct_within, _FUNC)
    out["correction"] = correction
    for col in ("method", "mcgraw_wong", "description", "note"):
        out[col] = pd.array(out[col].astype(str), dtype="str")
    cols = ["method", "mcgraw_wong", "description", "n_targets", "n_raters", "estimate"]
    cols += ["ci_low", "ci_high", "statistic", "df", "df2", "p", "p_adj", "correction", "note"]
    out = out[[*by_cols, *cols]]
    warn_notes(out["note"], _FUNC, len(out))
    return out


def _forms(x: np.ndarray, confidence: float) -> list[dict[str, object]]:
    """The six ICC rows of one complete (targets x raters) matrix."""
    n, k = x.shape
    base = [{"method": a, "mcgraw_wong": b, "description": c} for a, b, c in FORMS]
    nan = dict.fromkeys(("estimate", "ci_low", "ci_high", "statistic", "df", "df2", "p"), np.nan)
    if n < 3:
        return [{**b, **nan, "n_targets": n, "n_raters": k, "note": "fewer than 3 targets"}
                for b in base]  # fmt: skip
    g = x.mean()
    mi, mj = x.mean(axis=1), x.mean(axis=0)
    ssr, ssc = k * np.sum((mi - g) ** 2), n * np.sum((mj - g) ** 2)
    sse = np.sum((x - mi[:, None] - mj[None, :] + g) ** 2)
    df1, dfw, dfe = n - 1, n * (k - 1), (n - 1) * (k - 1)
    msr, msc, mse, msw = ssr / df1, ssc / (k - 1), sse / dfe, (ssc + sse) / dfw
    if not (msr > 0 or mse > 0 or msc > 0):
        return [{**b, **nan, "n_targets": n, "n_raters": k, "note": "zero variance"} for b in base]
    with np.errstate(invalid="ignore", divide="ignore"):
        est = [
            (msr - msw) / (msr + (k - 1) * msw),
            (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n),
            (msr - mse) / (msr + (k - 1) * mse),
            (msr - msw) / msr,
            (msr - mse) / (msr + (msc - mse) / n),
            (msr - mse) / msr,
        ]
        f1, f3 = msr / msw, msr / mse
        q = 1 - (1 - confidence) / 2
        f1l, f1u = f1 / stats.f.ppf(q, df1, dfw), f1 * stats.f.ppf(q, dfw, df1)
        f3l, f3u = f3 / stats.f.ppf(q, df1, dfe), f3 * stats.f.ppf(q, dfe, df1)
        l2, u2 = _agreement_ci(est[1], msr, msc, mse, n, k, q)
        cis = [
            ((f1l - 1) / (f1l + k - 1), (f1u - 1) / (f1u + k - 1)),
            (l2, u2),
            ((f3l - 1) / (f3l + k - 1), (f3u - 1) / (f3u + k - 1)),
            (1 - 1 / f1l, 1 - 1 / f1u),
            (l2 * k / (1 + l2 * (k - 1)), u2 * k / (1 + u2 * (k - 1))),
            (1 - 1 / f3l, 1 - 1 / f3u),
        ]
    tests = [(f1, df1, dfw), (f3, df1, dfe), (f3, df1, dfe)] * 2
    out = []
    for b, e, (lo, hi), (f, d1, d2) in zip(base, est, cis, tests):
        perfect = not np.isfinite(f)  # identical ratings within targets: the limit 1
        out.append({
            **b, "n_targets": n, "n_raters": k,
            "estimate": 1.0 if perfect else float(e),
            "ci_low": 1.0 if perfect else float(lo), "ci_high": 1.0 if perfect else float(hi),
            "statistic": float(f), "df": float(d1), "df2": float(d2),
            "p": float(stats.f.sf(f, d1, d2)), "note": "",
        })  # fmt: skip
    return out


def _agreement_ci(
    icc2: float, msr: float, msc: float, mse: float, n: int, k: int, q: float
) -> tuple[float, float]:
    """Satterthwaite CI of ICC(2,1) (McGraw & Wong 1996, table 7)."""
    fj = msc / mse
    vn = (n - 1) * (k - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    vd = (n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    v = vn / vd
    fu, fl = stats.f.ppf(q, n - 1, v), stats.f.ppf(q, v, n - 1)
    spread = k * msc + (k * n - k - n) * mse
    return (
        n * (msr - fu * mse) / (fu * spread + n * msr),
        n * (fl * msr - mse) / (spread + n * fl * msr),
    )


def spearman_brown(*, reliability: ArrayLike, k: ArrayLike) -> np.ndarray:
    """Reliability of the mean of ``k`` parallel measurements (Spearman-Brown prophecy).

    ``k r / (1 + (k - 1) r)`` for a single-measurement reliability ``r``, e.g. the
    reliability of a participant's mean over ``k`` trials from ICC(1,1) (which gives
    ICC(1,k) exactly); ``k < 1`` predicts a shorter measurement.

    Parameters
    ----------
    reliability : array-like
        Single-measurement reliabilities (e.g. ICC(1,1) or ICC(3,1)), each <= 1.
    k : array-like
        Numbers of measurements averaged (> 0), broadcast against ``reliability``.

    Returns
    -------
    ndarray
        The predicted reliabilities.

    Raises
    ------
    ValueError
        A ``k`` that is not positive.

    References
    ----------
    Spearman, C. (1910). *Br. J. Psychol.*, 3, 271-295. Brown, W. (1910). *Br. J.
    Psychol.*, 3, 296-322.

    Examples
    --------
    >>> import humeresearch as hr
    >>> hr.stats.spearman_brown(reliability=0.5, k=[1, 2, 4]).tolist()
    [0.5, 0.6666666666666666, 0.8]
    """
    r = np.asarray(reliability, dtype=float)
    kk = np.asarray(k, dtype=float)
    if np.any(kk <= 0):
        raise ValueError("spearman_brown: k must be positive")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(kk * r / (1 + (kk - 1) * r))
