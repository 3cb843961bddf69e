"""Omnibus test kernels of :func:`humeresearch.anova` and :func:`humeresearch.compare`.

Every kernel takes the unit values of one expression and returns one :class:`Term`
per effect. The sums of squares, sphericity test and Greenhouse-Geisser epsilon
follow pingouin 0.7 (``rm_anova``, ``mixed_anova``, ``welch_anova``, ``friedman``),
which follows R (``mauchly.test``, afex) and JASP; the test suite checks them against
pingouin to 1e-8.

References
----------
Greenhouse, S. W., & Geisser, S. (1959). *Psychometrika*, 24, 95-112. Mauchly, J. W.
(1940). *Ann. Math. Statist.*, 11, 204-209. Welch, B. L. (1951). *Biometrika*, 38,
330-336. Olejnik, S., & Algina, J. (2003). Generalized eta and omega squared
statistics. *Psychological Methods*, 8, 434-447. Friedman, M. (1937). *JASA*, 32,
675-701. Kruskal, W. H., & Wallis, W. A. (1952). *JASA*, 47, 583-621.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy import stats

NAN = float("nan")


@dataclass(frozen=True)
class Term:
    """One effect of an omnibus test; NaN where a quantity does not apply."""

    term: str
    test: str
    n: int
    statistic: float = NAN
    df: float = NAN
    df2: float = NAN
    p_unc: float = NAN
    eps: float = NAN
    p: float = NAN
    effect: float = NAN
    effect_type: str = ""
    eta_sq_generalized: float = NAN
    w_mauchly: float = NAN
    p_mauchly: float = NAN
    note: str = ""


def empty(term: str, test: str, n: int, note: str) -> Term:
    """A term without a result, with the reason."""
    return Term(term, test, n, note=note)


def contrasts(k: int) -> np.ndarray:
    """(k, k - 1) orthonormal contrasts (orthogonal to the grand mean)."""
    q, _ = np.linalg.qr(np.column_stack([np.ones(k), np.eye(k)[:, :-1]]))
    return q[:, 1:]


def contrast_cov(x: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Covariance (ddof=1) of the contrasts ``x @ c`` of the (units x cells) matrix ``x``."""
    return np.atleast_2d(c.T @ np.cov(x, rowvar=False) @ c)


def gg_epsilon(m: np.ndarray) -> float:
    """Greenhouse-Geisser epsilon of a contrast covariance matrix (1 for one contrast)."""
    d = m.shape[0]
    if d <= 1:
        return 1.0
    tr2 = np.trace(m @ m)
    if not tr2 > 0:
        return NAN
    return float(min(np.trace(m) ** 2 / (d * tr2), 1.0))


def mauchly(m: np.ndarray, df_resid: float, k: int) -> tuple[float, float]:
    """Mauchly's W and its p-value (R's ``mauchly.test``); (NaN, 1) for one contrast."""
    d = m.shape[0]
    if d <= 1:
        return NAN, 1.0
    sign, logdet = np.linalg.slogdet(m)
    tr = np.trace(m)
    if not tr > 0:
        return NAN, NAN
    log_w = logdet - d * np.log(tr / d) if sign > 0 else -np.inf
    f = 1 - (2 * d**2 + d + 2) / (6 * d * df_resid)
    w2 = (
        (d + 2) * (d - 1) * (d - 2) * (2 * d**3 + 6 * d**2 + 3 * k + 2)
        / (288 * (df_resid * d * f) ** 2)
    )  # fmt: skip
    chi_sq = -df_resid * f * log_w
    ddof = d * (d + 1) / 2 - 1
    p1, p2 = stats.chi2.sf(chi_sq, ddof), stats.chi2.sf(chi_sq, ddof + 4)
    return float(np.exp(log_w)), float(p1 + w2 * (p2 - p1))


def gg_p(f: float, df1: float, df2: float, eps: float) -> float:
    """p of an F test with Greenhouse-Geisser corrected degrees of freedom."""
    return float(stats.f.sf(f, max(df1 * eps, 1.0), max(df2 * eps, 1.0)))


def _f_term(
    term: str, test: str, n: int, ss: float, df1: float, ss_err: float, df2: float, ng_den: float
) -> Term:
    """An F test of ``ss`` against ``ss_err`` with partial and generalised eta squared."""
    if not ss_err > 0 or df2 < 1:
        return empty(term, test, n, "zero variance" if df2 >= 1 else "too few subjects")
    f = (ss / df1) / (ss_err / df2)
    p = float(stats.f.sf(f, df1, df2))
    return Term(
        term, test, n, f, float(df1), float(df2), p, 1.0, p,
        ss / (ss + ss_err), "eta_sq_partial", ss / (ss + ng_den),
    )  # fmt: skip


def _sphericity(term: Term, m: np.ndarray, df_resid: float, k: int) -> Term:
    """``term`` with the GG epsilon and p and Mauchly's test of contrast covariance ``m``."""
    if np.isnan(term.statistic):
        return term
    eps = gg_epsilon(m)
    w, p_w = mauchly(m, df_resid, k)
    return replace(
        term, eps=eps, p=gg_p(term.statistic, term.df, term.df2, eps), w_mauchly=w, p_mauchly=p_w
    )


def rm_oneway(x: np.ndarray, term: str) -> Term:
    """One-way repeated-measures ANOVA of a complete (subjects x levels) matrix."""
    n, k = x.shape
    if n < 2:
        return empty(term, "rm_anova", n, "fewer than 2 complete subjects")
    grand = x.mean()
    mj, mi = x.mean(axis=0), x.mean(axis=1)
    ss_cond = n * np.sum((mj - grand) ** 2)
    ss_subj = k * np.sum((mi - grand) ** 2)
    ss_err = np.sum((x - mi[:, None] - mj[None, :] + grand) ** 2)
    out = _f_term(term, "rm_anova", n, ss_cond, k - 1, ss_err, (k - 1) * (n - 1), ss_subj + ss_err)
    return _sphericity(out, contrast_cov(x, contrasts(k)), n - 1, k)


def rm_twoway(x: np.ndarray, terms: tuple[str, str, str]) -> list[Term]:
    """Two-way repeated-measures ANOVA of a complete (subjects x a x b) array."""
    n, a, b = x.shape
    if n < 2:
        return [empty(t, "rm_anova", n, "fewer than 2 complete subjects") for t in terms]
    g = x.mean()
    ms, ma, mb = x.mean(axis=(1, 2)), x.mean(axis=(0, 2)), x.mean(axis=(0, 1))
    mab, mas, mbs = x.mean(axis=0), x.mean(axis=2), x.mean(axis=1)
    ss_s = a * b * np.sum((ms - g) ** 2)
    ss = [
        n * b * np.sum((ma - g) ** 2),
        n * a * np.sum((mb - g) ** 2),
        n * np.sum((mab - ma[:, None] - mb[None, :] + g) ** 2),
    ]
    err = [
        b * np.sum((mas - ms[:, None] - ma[None, :] + g) ** 2),
        a * np.sum((mbs - ms[:, None] - mb[None, :] + g) ** 2),
        np.sum(
            (
                x - mab[None] - mas[:, :, None] - mbs[:, None, :]
                + ma[None, :, None] + mb[None, None, :] + ms[:, None, None] - g
            ) ** 2
        ),
    ]  # fmt: skip
    dfs = [a - 1, b - 1, (a - 1) * (b - 1)]
    den = ss_s + sum(err)
    ca, cb = contrasts(a), contrasts(b)
    cab = (ca[:, None, :, None] * cb[None, :, None, :]).reshape(a * b, -1)
    covs = [
        contrast_cov(mas, ca),
        contrast_cov(mbs, cb),
        contrast_cov(x.reshape(n, a * b), cab),
    ]
    out = []
    for t, s, e, d, m in zip(terms, ss, err, dfs, covs):
        term = _f_term(t, "rm_anova", n, s, d, e, d * (n - 1), den)
        out.append(_sphericity(term, m, n - 1, a * b))
    return out


def mixed_design(x: np.ndarray, group: np.ndarray, terms: tuple[str, str, str]) -> list[Term]:
    """Mixed (between x within) ANOVA of a complete (subjects x levels) matrix.

    ``group`` holds each subject's between-subjects level code (0..G-1, all present).
    """
    n, k = x.shape
    n_groups = int(group.max()) + 1 if n else 0
    if n - n_groups < 1 or n_groups < 2:
        return [empty(t, "mixed_anova", n, "too few subjects per group") for t in terms]
    grand = x.mean()
    ss_total = np.sum((x - grand) ** 2)
    counts = np.bincount(group, minlength=n_groups)
    mg = np.array([x[group == j].mean() for j in range(n_groups)])
    ss_betw = np.sum(counts * k * (mg - grand) ** 2)
    ss_with = n * np.sum((x.mean(axis=0) - grand) ** 2)
    cell = np.array([x[group == j].mean(axis=0) for j in range(n_groups)])
    resid = x - cell[group]
    ss_resall = np.sum(resid**2)
    ss_inter = ss_total - (ss_resall + ss_with + ss_betw)
    ss_subj = k * np.sum((x.mean(axis=1) - grand) ** 2)
    ss_resbetw = ss_subj - ss_betw
    ss_reswith = ss_total - (ss_with + ss_subj + ss_inter)
    df_rb, df_rw = n - n_groups, (k - 1) * (n - n_groups)
    out = [
        _f_term(terms[0], "mixed_anova", n, ss_betw, n_groups - 1, ss_resbetw, df_rb, ss_resall),
        _f_term(terms[1], "mixed_anova", n, ss_with, k - 1, ss_reswith, df_rw, ss_resall),
        _f_term(
            terms[2], "mixed_anova", n, ss_inter, (k - 1) * (n_groups - 1), ss_reswith, df_rw,
            ss_resall,
        ),
    ]  # fmt: skip
    m = contrast_cov(resid, contrasts(k))
    return [out[0], *(_sphericity(t, m, df_rb, k) for t in out[1:])]


def welch(groups: list[np.ndarray], term: str) -> Term:
    """Welch's one-way ANOVA of independent groups (unequal variances)."""
    n_total = sum(len(v) for v in groups)
    ns = np.array([len(v) for v in groups], dtype=float)
    if (ns < 2).any():
        return empty(term, "welch_anova", n_total, "fewer than 2 units in a condition")
    means = np.array([v.mean() for v in groups])
    var = np.array([v.var(ddof=1) for v in groups])
    if not (var > 0).all():
        return empty(term, "welch_anova", n_total, "zero variance")
    r = len(groups)
    w = ns / var
    adj = np.sum(w * means) / w.sum()
    lam = 3 * np.sum((1 / (ns - 1)) * (1 - w / w.sum()) ** 2) / (r**2 - 1)
    f = np.sum(w * (means - adj) ** 2) / (r - 1) / (1 + 2 * lam * (r - 2) / 3)
    df2 = 1 / lam
    p = float(stats.f.sf(f, r - 1, df2))
    grand = np.concatenate(groups).mean()
    ss_bet = np.sum(ns * (means - grand) ** 2)
    ss_res = sum(np.sum((v - v.mean()) ** 2) for v in groups)
    np2 = ss_bet / (ss_bet + ss_res)
    return Term(
        term, "welch_anova", n_total, f, r - 1.0, df2, p, NAN, p, np2, "eta_sq_partial", np2
    )


def kruskal(groups: list[np.ndarray], term: str) -> Term:
    """Kruskal-Wallis H test; effect: epsilon squared ``H (N + 1) / (N^2 - 1)``."""
    n_total = sum(len(v) for v in groups)
    if any(len(v) == 0 for v in groups) or n_total < 3:
        return empty(term, "kruskal_wallis", n_total, "fewer than 2 units in a condition")
    allv = np.concatenate(groups)
    if np.all(allv == allv[0]):
        return empty(term, "kruskal_wallis", n_total, "all values identical")
    h, p = stats.kruskal(*groups)
    eps2 = h * (n_total + 1) / (n_total**2 - 1)
    return Term(
        term, "kruskal_wallis", n_total, float(h), len(groups) - 1.0, NAN, float(p), NAN,
        float(p), float(eps2), "epsilon_sq",
    )  # fmt: skip


def friedman(x: np.ndarray, term: str) -> Term:
    """Friedman's test of a complete (subjects x levels) matrix; effect: Kendall's W."""
    n, k = x.shape
    if n < 2:
        return empty(term, "friedman", n, "fewer than 2 complete subjects")
    ranked = stats.rankdata(x, axis=1)
    ssbn = np.sum(ranked.sum(axis=0) ** 2)
    srt = np.sort(x, axis=1)
    ties = 0.0
    for row in srt:
        _, counts = np.unique(row, return_counts=True)
        ties += float(np.sum(counts * (counts * counts - 1)))
    den = n**2 * k * (k - 1) * (k + 1) - n * ties
    if not den > 0:
        return empty(term, "friedman", n, "all values identical")
    w = (12 * ssbn - 3 * n**2 * k * (k + 1) ** 2) / den
    q = n * (k - 1) * w
    p = float(stats.chi2.sf(q, k - 1))
    return Term(term, "friedman", n, q, k - 1.0, NAN, p, NAN, p, w, "kendall_w")
