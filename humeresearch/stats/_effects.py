"""Standardised effect sizes with confidence intervals, vectorised over expressions.

Every function takes arrays (one entry per comparison) and returns
``(effect, ci_low, ci_high)``; entries that are undefined (zero variance, too few
observations) are NaN.

References
----------
Hedges, L. V., & Olkin, I. (1985). *Statistical methods for meta-analysis*. Academic Press.
Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative
science. *Frontiers in Psychology*, 4, 863.
Borenstein, M., Hedges, L. V., Higgins, J. P. T., & Rothstein, H. R. (2009).
*Introduction to meta-analysis*, ch. 4. Wiley.
Kerby, D. S. (2014). The simple difference formula: an approach to teaching
nonparametric correlation. *Comprehensive Psychology*, 3, 11.IT.3.1.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, special, stats

from humeresearch.stats._common import fisher_ci, z_critical

Triple = tuple[np.ndarray, np.ndarray, np.ndarray]


def hedges_correction(df: np.ndarray) -> np.ndarray:
    """Exact small-sample factor ``J(df) = G(df/2) / (sqrt(df/2) G((df-1)/2))``."""
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.exp(special.gammaln(df / 2) - 0.5 * np.log(df / 2) - special.gammaln((df - 1) / 2))
    return np.where(df > 1, out, np.nan)


def hedges_g(
    mean_a: np.ndarray,
    mean_b: np.ndarray,
    var_a: np.ndarray,
    var_b: np.ndarray,
    n_a: np.ndarray,
    n_b: np.ndarray,
    confidence: float,
) -> Triple:
    """Hedges' g of two independent groups (A minus B) and its normal-theory CI.

    ``d = (mean_a - mean_b) / s_p`` with the pooled SD
    ``s_p = sqrt(((n_a - 1) var_a + (n_b - 1) var_b) / (n_a + n_b - 2))``;
    ``g = J(n_a + n_b - 2) d`` with Hedges' exact correction ``J``; the CI is
    ``g +- z SE`` with ``SE = sqrt((n_a + n_b) / (n_a n_b) + g^2 / (2 (n_a + n_b)))``
    (Hedges & Olkin, 1985).
    """
    n_a = np.asarray(n_a, dtype=float)
    n_b = np.asarray(n_b, dtype=float)
    df = n_a + n_b - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        sp = np.sqrt(((n_a - 1) * var_a + (n_b - 1) * var_b) / df)
        g = hedges_correction(df) * (mean_a - mean_b) / sp
        g = np.where((sp > 0) & (n_a >= 2) & (n_b >= 2), g, np.nan)
        se = np.sqrt((n_a + n_b) / (n_a * n_b) + g**2 / (2 * (n_a + n_b)))
    z = z_critical(confidence)
    return g, g - z * se, g + z * se


def cohen_dz(mean_d: np.ndarray, sd_d: np.ndarray, n: np.ndarray, confidence: float) -> Triple:
    """Cohen's d_z of paired data, ``mean(diff) / sd(diff)`` (Lakens, 2013, eq. 6).

    CI: ``d_z +- z SE`` with ``SE = sqrt(1/n + d_z^2 / (2 n))``.
    """
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where((sd_d > 0) & (n >= 2), mean_d / sd_d, np.nan)
        se = np.sqrt(1 / n + d**2 / (2 * n))
    z = z_critical(confidence)
    return d, d - z * se, d + z * se


def cohen_dav(
    mean_d: np.ndarray,
    sd_a: np.ndarray,
    sd_b: np.ndarray,
    r: np.ndarray,
    n: np.ndarray,
    confidence: float,
) -> Triple:
    """Cohen's d_av of paired data, ``mean(diff) / ((sd_a + sd_b) / 2)`` (Lakens, 2013, eq. 10).

    CI: ``d_av +- z SE`` with the matched-groups variance of Borenstein et al. (2009,
    eq. 4.28), ``SE^2 = (1/n + d_av^2 / (2 n)) 2 (1 - r)``, ``r`` the correlation
    of the paired values (an approximation: it treats ``(sd_a + sd_b) / 2`` as the
    within-condition SD).
    """
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        sav = (sd_a + sd_b) / 2
        d = np.where((sav > 0) & (n >= 2), mean_d / sav, np.nan)
        se = np.sqrt((1 / n + d**2 / (2 * n)) * 2 * (1 - r))
    z = z_critical(confidence)
    return d, d - z * se, d + z * se


def rank_biserial_independent(
    u_a: np.ndarray, n_a: np.ndarray, n_b: np.ndarray, confidence: float
) -> Triple:
    """Rank-biserial correlation of two independent groups from A's Mann-Whitney U.

    ``r = 2 U_A / (n_a n_b) - 1`` (Kerby, 2014: the share of pairs where A is larger
    minus the share where B is larger; ties count half). CI by Fisher's z with the
    standard error ``sqrt((n_a + n_b + 1) / (3 n_a n_b))`` (as in the R package
    effectsize).
    """
    n_a = np.asarray(n_a, dtype=float)
    n_b = np.asarray(n_b, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = 2 * u_a / (n_a * n_b) - 1
        se = np.sqrt((n_a + n_b + 1) / (3 * n_a * n_b))
    lo, hi = fisher_ci(r, se, confidence)
    return r, lo, hi


def rank_biserial_paired(diff: np.ndarray, confidence: float) -> Triple:
    """Matched-pairs rank-biserial correlation of paired differences, per column.

    ``diff`` is (units x comparisons) with NaN for missing pairs. Zero differences
    are dropped (as in Wilcoxon's signed-rank test), the absolute differences ranked
    (average ranks for ties), and ``r = (T+ - T-) / (T+ + T-)`` (Kerby, 2014). CI by
    Fisher's z with the standard error ``sqrt((2 n^3 + 3 n^2 + n) / 6) / (n (n + 1) / 2)``,
    ``n`` the number of non-zero differences (as in the R package effectsize).
    """
    d = np.where(diff == 0, np.nan, diff)
    ranks = stats.rankdata(np.abs(d), axis=0, nan_policy="omit")
    t_plus = np.nansum(np.where(d > 0, ranks, 0.0), axis=0)
    t_minus = np.nansum(np.where(d < 0, ranks, 0.0), axis=0)
    nd = np.sum(~np.isnan(d), axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (t_plus - t_minus) / (t_plus + t_minus)
        se = np.sqrt((2 * nd**3 + 3 * nd**2 + nd) / 6) / (nd * (nd + 1) / 2)
    lo, hi = fisher_ci(r, se, confidence)
    return r, lo, hi


def nct_ci(t: np.ndarray, df: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Confidence limits of the noncentrality of a noncentral t by test inversion.

    The lower limit ``l`` solves ``P(T >= t | l) = alpha / 2`` and the upper ``u``
    solves ``P(T <= t | u) = alpha / 2`` (Steiger & Fouladi 1997; Cumming & Finch
    2001), ``T ~ nct(df, ncp)``; NaN where ``t`` or ``df`` is undefined.
    """
    tail = (1 - confidence) / 2
    t = np.atleast_1d(np.asarray(t, dtype=float))
    df = np.broadcast_to(np.asarray(df, dtype=float), t.shape)
    lo, hi = np.full(t.shape, np.nan), np.full(t.shape, np.nan)
    for i in np.flatnonzero(np.isfinite(t) & (df > 0)):
        lo[i] = _solve_ncp(t[i], df[i], 1 - tail)
        hi[i] = _solve_ncp(t[i], df[i], tail)
    return lo, hi


def _solve_ncp(t: float, df: float, cdf: float) -> float:
    """The noncentrality ``ncp`` with ``nct.cdf(t, df, ncp) = cdf`` (decreasing in ncp)."""

    def f(ncp: float) -> float:
        return float(stats.nct.cdf(t, df, ncp)) - cdf

    step = 2.0 + abs(t)
    a, b = t - step, t + step
    while f(a) < 0:
        a -= step
        step *= 2
    while f(b) > 0:
        b += step
        step *= 2
    return float(optimize.brentq(f, a, b, xtol=1e-12, rtol=1e-12))


def exact_ci_between(
    g: np.ndarray, n_a: np.ndarray, n_b: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Exact CI of Hedges' g: the noncentral-t CI of d (Student t of the pooled SD)
    multiplied by Hedges' ``J``."""
    n_a = np.asarray(n_a, dtype=float)
    n_b = np.asarray(n_b, dtype=float)
    df = n_a + n_b - 2
    j = hedges_correction(df)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.sqrt(1 / n_a + 1 / n_b)
        lo, hi = nct_ci(g / j / scale, df, confidence)
        return j * lo * scale, j * hi * scale


def exact_ci_dz(d: np.ndarray, n: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact CI of d_z (and of the one-sample d): the noncentral-t CI of
    ``t = d sqrt(n)`` on ``n - 1`` df, divided by ``sqrt(n)``."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        lo, hi = nct_ci(d * np.sqrt(n), n - 1, confidence)
        return lo / np.sqrt(n), hi / np.sqrt(n)


def cles_between(u_a: np.ndarray, n_a: np.ndarray, n_b: np.ndarray) -> np.ndarray:
    """Common-language effect size ``P(A > B) + P(A = B) / 2`` over all pairs, ``U_A / (n_a n_b)``
    (McGraw & Wong 1992; as pingouin's ``compute_effsize(eftype="CLES")``)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(u_a, dtype=float) / (np.asarray(n_a, float) * np.asarray(n_b, float))


def cles_paired(diff: np.ndarray) -> np.ndarray:
    """Share of units whose paired difference is positive (zero differences count half),
    per column of a (units x comparisons) array with NaN for missing pairs."""
    ok = ~np.isnan(diff)
    n = ok.sum(axis=0).astype(float)
    score = np.where(ok, (diff > 0) + 0.5 * (diff == 0), 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, score / n, np.nan)
