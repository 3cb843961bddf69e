"""Agreement coefficients of :func:`humeresearch.agreement`, vectorised over groups.

Every function takes the paired values ``x``, ``y`` (one entry per complete pair),
their group codes ``g`` (``k`` groups) and the pairs per group ``n``, and returns
:class:`Coefficients` with one entry per group.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import stats

from humeresearch.stats._common import fisher_ci, t_pvalue


class Coefficients(NamedTuple):
    """Per-group estimate, CI, test statistic, dfs, p-value and the NaN reasons."""

    estimate: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    statistic: np.ndarray
    df: np.ndarray
    df2: np.ndarray
    p: np.ndarray
    bad: np.ndarray  # zero variance
    few: np.ndarray  # too few pairs


def centred(
    x: np.ndarray, y: np.ndarray, codes: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """``x`` and ``y`` centred around the means of their code (group or subject)."""
    cnt = np.bincount(codes, minlength=k).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.bincount(codes, weights=x, minlength=k) / cnt
        my = np.bincount(codes, weights=y, minlength=k) / cnt
    dx, dy = x - mx[codes], y - my[codes]
    return dx, dy


def correlation(
    x: np.ndarray,
    y: np.ndarray,
    g: np.ndarray,
    k: int,
    n: np.ndarray,
    method: str,
    confidence: float,
) -> Coefficients:
    """Pearson r (of ranks for Spearman) per group, t test and Fisher-z CI."""
    dx, dy = centred(x, y, g, k)
    sxx = np.bincount(g, weights=dx * dx, minlength=k)
    syy = np.bincount(g, weights=dy * dy, minlength=k)
    sxy = np.bincount(g, weights=dx * dy, minlength=k)
    few = n < 3
    bad = ~((sxx > 0) & (syy > 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.clip(sxy / np.sqrt(sxx * syy), -1.0, 1.0)
        df = n - 2
        t = r * np.sqrt(df / ((1 - r) * (1 + r)))
        se = np.sqrt((1.06 if method == "spearman" else 1.0) / (n - 3))
    lo, hi = fisher_ci(r, se, confidence)
    p = t_pvalue(t, df, "two-sided")
    return Coefficients(r, lo, hi, t, df, np.full(k, np.nan), p, bad, few)


def rmcorr(
    x: np.ndarray,
    y: np.ndarray,
    g: np.ndarray,
    pair: np.ndarray,
    k: int,
    n: np.ndarray,
    n_subjects: np.ndarray,
    confidence: float,
) -> Coefficients:
    """Repeated-measures correlation per group: Pearson r of the subject-centred values."""
    dx, dy = centred(x, y, pair, pair.max() + 1 if len(pair) else 0)
    sxx = np.bincount(g, weights=dx * dx, minlength=k)
    syy = np.bincount(g, weights=dy * dy, minlength=k)
    sxy = np.bincount(g, weights=dx * dy, minlength=k)
    df = n - n_subjects - 1
    few = df < 2
    bad = ~((sxx > 0) & (syy > 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.clip(sxy / np.sqrt(sxx * syy), -1.0, 1.0)
        t = r * np.sqrt(df / ((1 - r) * (1 + r)))
        se = 1 / np.sqrt(df - 1)
    lo, hi = fisher_ci(r, se, confidence)
    p = t_pvalue(t, df, "two-sided")
    return Coefficients(r, lo, hi, t, df.astype(float), np.full(k, np.nan), p, bad, few)


def icc(
    x: np.ndarray,
    y: np.ndarray,
    g: np.ndarray,
    k: int,
    n: np.ndarray,
    method: str,
    confidence: float,
) -> Coefficients:
    """ICC(2,1) or ICC(3,1) of two raters from the two-way ANOVA mean squares."""
    raters = 2
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.bincount(g, weights=x, minlength=k) / n
        my = np.bincount(g, weights=y, minlength=k) / n
        grand = (mx + my) / 2
        row = (x + y) / 2 - grand[g]
        ssr = raters * np.bincount(g, weights=row * row, minlength=k)
        ssc = n * ((mx - grand) ** 2 + (my - grand) ** 2)
        d = x - y  # residuals of the two-way model from the rater differences, no cancellation
        dc = d - (mx - my)[g]
        sse = 0.5 * np.bincount(g, weights=dc * dc, minlength=k)
        df1 = n - 1
        df2 = (n - 1) * (raters - 1)
        msr, msc, mse = ssr / df1, ssc / (raters - 1), sse / df2
        f = msr / mse
        q = 1 - (1 - confidence) / 2
        if method == "icc3":
            coef = (msr - mse) / (msr + (raters - 1) * mse)
            fl = f / stats.f.ppf(q, df1, df2)
            fu = f * stats.f.ppf(q, df2, df1)
            lo = (fl - 1) / (fl + raters - 1)
            hi = (fu - 1) / (fu + raters - 1)
        else:
            coef = (msr - mse) / (msr + (raters - 1) * mse + raters * (msc - mse) / n)
            aa = raters * coef / (n * (1 - coef))
            bb = 1 + raters * coef * (n - 1) / (n * (1 - coef))
            v = (aa * msc + bb * mse) ** 2 / (
                (aa * msc) ** 2 / (raters - 1) + (bb * mse) ** 2 / df2
            )
            fs = stats.f.ppf(q, df1, v)
            fs2 = stats.f.ppf(q, v, df1)
            spread = raters * msc + (raters * n - raters - n) * mse
            lo = n * (msr - fs * mse) / (fs * spread + n * msr)
            hi = n * (fs2 * msr - mse) / (spread + n * fs2 * msr)
        p = stats.f.sf(f, df1, df2)
    few = n < 3
    bad = ~((msr > 0) | (mse > 0)) & ~few  # every rating identical: no variance to share
    perfect = (coef >= 1) & ~bad  # the limit of identical ratings (F infinite)
    coef = np.where(perfect, 1.0, coef)
    lo = np.where(perfect, 1.0, lo)
    hi = np.where(perfect, 1.0, hi)
    return Coefficients(coef, lo, hi, f, df1, df2, p, bad, few)
