"""Two-condition test kernels of :func:`compare`, vectorised over expressions.

Each kernel takes two (units x comparisons) matrices ``xa``, ``xb`` with NaN for
missing values and returns one array per output column. Closed-form statistics
(t tests, effect sizes) are computed for all columns at once from NaN-aware
moments; the scipy rank and permutation tests run once per block of columns that
share the same pattern of present units (usually a single block).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from humeresearch.stats import _effects
from humeresearch.stats._common import join_notes, t_pvalue

#: kernel test name -> name shown in the ``test`` column
TEST_NAMES = {
    ("between", "t"): "welch_t",
    ("between", "rank"): "mann_whitney_u",
    ("between", "permutation"): "permutation",
    ("within", "t"): "paired_t",
    ("within", "rank"): "wilcoxon",
    ("within", "permutation"): "sign_flip_permutation",
}
EFFECT_NAMES = {
    "hedges_g": "hedges_g",
    "d_z": "cohen_d_z",
    "d_av": "cohen_d_av",
    "rank_biserial": "rank_biserial",
}
_PERM_CELLS = 4_000_000  # resamples x units x columns per permutation batch


@dataclass(frozen=True)
class Options:
    """Settings shared by the kernels."""

    test: str
    effect: str
    alternative: str
    n_permutations: int
    seed: int | None
    confidence: float
    ci_method: str = "normal"


def moments(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column count, mean and variance (ddof=1) ignoring NaN; NaN where undefined."""
    ok = ~np.isnan(x)
    n = ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, x, 0.0).sum(axis=0) / n
        dev = np.where(ok, x - mean, 0.0)
        var = (dev**2).sum(axis=0) / (n - 1)
    var = np.where(n >= 2, var, np.nan)
    return n, mean, var


def blocks(mask: np.ndarray, cols: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Group columns ``cols`` of a boolean (units x columns) mask by identical pattern.

    Yields ``(rows, columns)``: the present units and the columns that share them.
    """
    if cols.size == 0:
        return
    packed = np.packbits(mask[:, cols], axis=0).T
    _, inverse = np.unique(packed, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    for k in range(inverse.max() + 1):
        sel = cols[inverse == k]
        yield np.flatnonzero(mask[:, sel[0]]), sel


@dataclass(frozen=True)
class _Part:
    """Columns of a block that share a property: positions in the block and overall."""

    local: np.ndarray
    cols: np.ndarray


def _has_ties(x: np.ndarray) -> np.ndarray:
    """Per column of a (units x columns) array: do two non-NaN values coincide?"""
    srt = np.sort(x, axis=0)  # NaN sorts last and never equals
    return (np.diff(srt, axis=0) == 0).any(axis=0)


def _split_by(flags: np.ndarray, cols: np.ndarray) -> Iterator[_Part]:
    """The columns with and without ``flags``, as separate parts (empty parts skipped).

    scipy's rank tests choose between the exact and the asymptotic p-value once for
    all columns of a call (ties anywhere switch every column); calling them once per
    kind of column gives every column the p-value it gets alone.
    """
    for value in (False, True):
        local = np.flatnonzero(flags == value)
        if local.size:
            yield _Part(local, cols[local])


def _permutation_p(
    samples: tuple[np.ndarray, ...], statistic: Any, kind: str, opt: Options, n_units: int
) -> np.ndarray:
    """Permutation p-values of ``statistic`` per column, the same definition as cluster_test.

    Two-sided: the share of rearrangements whose ``|T|`` is at least the observed
    ``|T|`` (the observed one counted when rearrangements are random); one-sided:
    scipy's tail share.
    """
    two_sided = opt.alternative == "two-sided"

    def stat(*xs: np.ndarray, axis: int) -> np.ndarray:
        value = statistic(*xs, axis=axis)
        return np.abs(value) if two_sided else value

    res = stats.permutation_test(
        samples,
        stat,
        vectorized=True,
        permutation_type=kind,
        n_resamples=opt.n_permutations,
        alternative="greater" if two_sided else opt.alternative,
        rng=opt.seed,
        batch=_batch(n_units, samples[0].shape[1]),
    )
    return np.asarray(res.pvalue, dtype=float)


def _batch(n_units: int, n_cols: int) -> int:
    return max(1, _PERM_CELLS // max(1, n_units * n_cols))


def _mean_diff(x: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def _mean(x: np.ndarray, axis: int) -> np.ndarray:
    return np.mean(x, axis=axis)


def between(xa: np.ndarray, xb: np.ndarray, opt: Options) -> dict[str, np.ndarray]:
    """Independent groups: Welch t, Mann-Whitney U or permutation test of ``xa - xb``."""
    n_a, m_a, v_a = moments(xa)
    n_b, m_b, v_b = moments(xb)
    k = xa.shape[1]
    lo_a, hi_a = _range(xa)
    lo_b, hi_b = _range(xb)
    constant = (np.fmin(lo_a, lo_b) == np.fmax(hi_a, hi_b)) & (n_a > 0) & (n_b > 0)
    few = (n_a < 2) | (n_b < 2)
    stat = np.full(k, np.nan)
    df = np.full(k, np.nan)
    p = np.full(k, np.nan)
    u_a = None
    with np.errstate(invalid="ignore", divide="ignore"):
        se2 = v_a / n_a + v_b / n_b
    if opt.test == "t":
        bad = few | ~(se2 > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = (m_a - m_b) / np.sqrt(se2)
            dfw = se2**2 / ((v_a / n_a) ** 2 / (n_a - 1) + (v_b / n_b) ** 2 / (n_b - 1))
        stat = np.where(bad, np.nan, t)
        df = np.where(bad, np.nan, dfw)
        p = np.where(bad, np.nan, t_pvalue(stat, df, opt.alternative))
        zero = ~few & ~(se2 > 0)
    else:
        bad = few | constant
        zero = ~few & constant
        mask = np.vstack([~np.isnan(xa), ~np.isnan(xb)])
        na = xa.shape[0]
        for rows, cols in blocks(mask, np.flatnonzero(~bad)):
            ra, rb = rows[rows < na], rows[rows >= na] - na
            a, b = xa[np.ix_(ra, cols)], xb[np.ix_(rb, cols)]
            if opt.test == "rank":
                for part in _split_by(_has_ties(np.vstack([a, b])), cols):
                    res = stats.mannwhitneyu(
                        a[:, part.local], b[:, part.local], axis=0, alternative=opt.alternative
                    )
                    stat[part.cols], p[part.cols] = res.statistic, res.pvalue
            else:
                stat[cols] = _mean_diff(a, b, axis=0)
                p[cols] = _permutation_p((a, b), _mean_diff, "independent", opt, len(rows))
        if opt.test == "rank":
            u_a = stat
    if opt.effect == "rank_biserial":
        if u_a is None:
            u_a = _u_statistic(xa, xb, few | constant)
        eff = _effects.rank_biserial_independent(u_a, n_a, n_b, opt.confidence)
    else:
        eff = _effects.hedges_g(m_a, m_b, v_a, v_b, n_a, n_b, opt.confidence)
        if opt.ci_method == "exact":
            eff = (eff[0], *_effects.exact_ci_between(eff[0], n_a, n_b, opt.confidence))
    if u_a is None:
        u_a = _u_statistic(xa, xb, (n_a == 0) | (n_b == 0))
    cles = _effects.cles_between(u_a, n_a, n_b)
    note = join_notes(
        (n_a == 0, "no data in other"),
        (n_b == 0, "no data in reference"),
        (few & (n_a > 0) & (n_b > 0), "fewer than 2 units in a condition"),
        (zero, "zero variance" if opt.test == "t" else "all values identical"),
    )
    return {
        "n_other": n_a,
        "n_reference": n_b,
        "n_unpaired": np.zeros(k, dtype=np.int64),
        "mean_other": m_a,
        "mean_reference": m_b,
        "sd_other": np.sqrt(v_a),
        "sd_reference": np.sqrt(v_b),
        "statistic": stat,
        "df": df,
        "p": p,
        "effect": eff[0],
        "ci_low": eff[1],
        "ci_high": eff[2],
        "cles": cles,
        "note": note,
    }


def _range(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        return np.nanmin(x, axis=0, initial=np.inf), np.nanmax(x, axis=0, initial=-np.inf)


def _u_statistic(xa: np.ndarray, xb: np.ndarray, skip: np.ndarray) -> np.ndarray:
    """Mann-Whitney U of A per column (NaN where ``skip``)."""
    u = np.full(xa.shape[1], np.nan)
    mask = np.vstack([~np.isnan(xa), ~np.isnan(xb)])
    na = xa.shape[0]
    for rows, cols in blocks(mask, np.flatnonzero(~skip)):
        ra, rb = rows[rows < na], rows[rows >= na] - na
        res = stats.mannwhitneyu(
            xa[np.ix_(ra, cols)], xb[np.ix_(rb, cols)], axis=0, method="asymptotic"
        )
        u[cols] = res.statistic
    return u


def within(xa: np.ndarray, xb: np.ndarray, opt: Options) -> dict[str, np.ndarray]:
    """Paired by unit: paired t, Wilcoxon signed-rank or sign-flip permutation, per column."""
    pa, pb = ~np.isnan(xa), ~np.isnan(xb)
    paired = pa & pb
    n_unpaired = (pa ^ pb).sum(axis=0)
    xa = np.where(paired, xa, np.nan)
    xb = np.where(paired, xb, np.nan)
    d = xa - xb
    n, m_d, v_d = moments(d)
    _, m_a, v_a = moments(xa)
    _, m_b, v_b = moments(xb)
    k = xa.shape[1]
    few = n < 2
    all_zero = ~few & (np.nansum(np.abs(d), axis=0) == 0)
    stat = np.full(k, np.nan)
    df = np.full(k, np.nan)
    p = np.full(k, np.nan)
    if opt.test == "t":
        bad = few | ~(v_d > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = m_d / np.sqrt(v_d / n)
        stat = np.where(bad, np.nan, t)
        df = np.where(bad, np.nan, n - 1.0)
        p = np.where(bad, np.nan, t_pvalue(stat, df, opt.alternative))
        zero = ~few & ~(v_d > 0)
    else:
        zero = all_zero
        for rows, cols in blocks(paired, np.flatnonzero(~(few | all_zero))):
            a, b = xa[np.ix_(rows, cols)], xb[np.ix_(rows, cols)]
            dd = d[np.ix_(rows, cols)]
            if opt.test == "rank":
                flags = _has_ties(np.where(dd == 0, np.nan, np.abs(dd))) | (dd == 0).any(axis=0)
                for part in _split_by(flags, cols):
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", RuntimeWarning)
                        res = stats.wilcoxon(
                            a[:, part.local], b[:, part.local], axis=0, alternative=opt.alternative
                        )
                    stat[part.cols], p[part.cols] = res.statistic, res.pvalue
            else:
                stat[cols] = _mean(dd, axis=0)
                p[cols] = _permutation_p((dd,), _mean, "samples", opt, len(rows))
    sd_a, sd_b = np.sqrt(v_a), np.sqrt(v_b)
    if opt.effect == "rank_biserial":
        eff = _effects.rank_biserial_paired(np.where(few, np.nan, d), opt.confidence)
    elif opt.effect == "d_av":
        r = _paired_r(xa, xb, m_a, m_b)
        eff = _effects.cohen_dav(m_d, sd_a, sd_b, r, n, opt.confidence)
    else:
        eff = _effects.cohen_dz(m_d, np.sqrt(v_d), n, opt.confidence)
        if opt.ci_method == "exact":
            eff = (eff[0], *_effects.exact_ci_dz(eff[0], n, opt.confidence))
    note = join_notes(
        ((n == 0) & (n_unpaired == 0), "no data"),
        ((n == 0) & (n_unpaired > 0), "no complete pairs"),
        (few & (n > 0), "fewer than 2 pairs"),
        (zero, "zero variance" if opt.test == "t" else "all differences zero"),
    )
    return {
        "n_other": n,
        "n_reference": n,
        "n_unpaired": n_unpaired,
        "mean_other": m_a,
        "mean_reference": m_b,
        "sd_other": sd_a,
        "sd_reference": sd_b,
        "statistic": stat,
        "df": df,
        "p": p,
        "effect": eff[0],
        "ci_low": eff[1],
        "ci_high": eff[2],
        "cles": _effects.cles_paired(np.where(few, np.nan, d)),
        "note": note,
    }


def _paired_r(xa: np.ndarray, xb: np.ndarray, m_a: np.ndarray, m_b: np.ndarray) -> np.ndarray:
    """Pearson correlation of the paired values per column (NaN-aware)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        da, db = np.nan_to_num(xa - m_a), np.nan_to_num(xb - m_b)
        return (da * db).sum(axis=0) / np.sqrt((da**2).sum(axis=0) * (db**2).sum(axis=0))
