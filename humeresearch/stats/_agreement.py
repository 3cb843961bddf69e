"""``agreement``: correlation, ICC or repeated-measures correlation of two aligned tables."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from humeresearch.stats._common import (
    check_confidence,
    check_frame,
    check_option,
    fisher_ci,
    join_notes,
    key_frame,
    require_columns,
    require_numeric,
    t_pvalue,
    warn_notes,
)
from humeresearch.stats._correct import METHODS as CORRECTIONS
from humeresearch.stats._correct import correct_frame

_FUNC = "agreement"
#: default ``by`` of :func:`agreement`: the model usually differs between ``a`` and ``b``.
AGREEMENT_BY: tuple[str, ...] = ("family", "name")
AGREEMENT_METHODS = ("pearson", "spearman", "icc", "icc2", "icc3", "rmcorr")
_LABELS = {
    "pearson": "pearson",
    "spearman": "spearman",
    "icc": "ICC(2,1)",
    "icc2": "ICC(2,1)",
    "icc3": "ICC(3,1)",
    "rmcorr": "rmcorr",
}


def agreement(
    a: pd.DataFrame,
    b: pd.DataFrame,
    on: str | Sequence[str] | None = None,
    by: str | Sequence[str] | None = AGREEMENT_BY,
    method: str = "pearson",
    dv: str = "score",
    subject: str | None = None,
    correction: str = "fdr_bh",
    *,
    confidence: float = 0.95,
    correct_within: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Agreement between two aligned measurement sets, per expression.

    Rows of ``a`` and ``b`` are paired by their ``on`` keys within each group of
    ``by`` (e.g. face and prosody scores of the same utterances, or two raters or
    models on the same spans), then one coefficient per group is computed with a
    confidence interval, a p-value and a corrected p-value.

    Parameters
    ----------
    a, b : DataFrame
        Long tables with the ``by``, ``on`` and ``dv`` columns; each (by, on) key
        must occur at most once per table.
    on : str or sequence of str, optional
        Keys that pair a row of ``a`` with a row of ``b``. Default: every column the
        two tables share except ``by``, ``dv`` and ``model``.
    by : str or sequence of str or None, default ("family", "name")
        One coefficient per group (``model`` is left out because it usually
        differs between ``a`` and ``b``). With the default, columns missing from
        either table are skipped.
    method : {"pearson", "spearman", "icc", "icc2", "icc3", "rmcorr"}, default "pearson"
        * ``"pearson"``: Pearson's r, t test, Fisher-z CI (SE ``1/sqrt(n-3)``);
        * ``"spearman"``: Spearman's rho (Pearson of average ranks), t test, Fisher-z
          CI with SE ``sqrt(1.06/(n-3))`` (Fieller, Hartley & Pearson 1957);
        * ``"icc"`` / ``"icc2"``: ICC(2,1), two-way random effects, absolute
          agreement, single measures; ``"icc3"``: ICC(3,1), two-way mixed,
          consistency (Shrout & Fleiss 1979; McGraw & Wong 1996). F test of
          ``MSR/MSE`` and the exact (ICC(3,1)) or Satterthwaite (ICC(2,1)) CI;
        * ``"rmcorr"``: repeated-measures correlation (Bakdash & Marusich 2017), the
          common within-subject association; needs ``subject``. t test with
          ``N - k - 1`` df (k subjects) and Fisher-z CI with SE ``1/sqrt(df - 1)``
          (as the R package rmcorr >= 0.5).
    dv : str, default "score"
        Numeric column holding the measurement in both tables.
    subject : str, optional
        Subject column (both tables), required by ``"rmcorr"``; it is added to ``on``.
    correction : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}, default "fdr_bh"
        Multiple-comparison correction across the groups.
    confidence : float, default 0.95
        Level of the confidence intervals.
    correct_within : str or sequence of str, optional
        Output columns whose groups are corrected as separate families.

    Returns
    -------
    DataFrame
        One row per group of ``by``:

        * the ``by`` columns;
        * ``method`` (str): ``pearson``, ``spearman``, ``ICC(2,1)``, ``ICC(3,1)``
          or ``rmcorr``;
        * ``n`` (int): complete pairs used (both values present);
        * ``n_subjects`` (int): subjects with pairs (``rmcorr``), else 0;
        * ``n_only_a``, ``n_only_b`` (int): rows of ``a`` (``b``) without a partner;
        * ``estimate`` (float): the coefficient;
        * ``ci_low``, ``ci_high`` (float): its ``confidence`` interval;
        * ``statistic`` (float): t (correlations) or F (ICC);
        * ``df``, ``df2`` (float): degrees of freedom (``df2`` the denominator df
          of the ICC F test, NaN otherwise);
        * ``p``, ``p_adj`` (float), ``correction`` (str): test of no association
          (coefficient 0), corrected p-value and method;
        * ``note`` (str): ``fewer than 3 pairs``, ``too few pairs per subject`` or
          ``zero variance`` for NaN rows, "" otherwise.

    Raises
    ------
    ValueError
        Missing columns, duplicated keys, no pairs at all, bad options.

    Notes
    -----
    Assumptions: pairs are independent (except ``rmcorr``, which allows repeated
    pairs per subject and assumes a common slope), bivariate normality for the
    Pearson-type tests and CIs, the two-way ANOVA model for the ICCs.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations. *Psychological
    Bulletin*, 86(2), 420-428. McGraw, K. O., & Wong, S. P. (1996). *Psychological
    Methods*, 1(1), 30-46. Bakdash, J. Z., & Marusich, L. R. (2017). Repeated
    measures correlation. *Frontiers in Psychology*, 8, 456. Fieller, E. C.,
    Hartley, H. O., & Pearson, E. S. (1957). *Biometrika*, 44, 470-481.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import humeresearch as hr
    >>> rng = np.random.default_rng(0)
    >>> face = pd.DataFrame({"name": np.repeat(["Joy", "Calmness"], 30),
    ...                      "utterance": np.tile(np.arange(30), 2),
    ...                      "score": rng.random(60)})
    >>> voice = face.assign(score=face["score"] + rng.normal(0, 0.1, 60))
    >>> res = hr.agreement(face, voice, on="utterance", method="icc")
    >>> res[["name", "method", "n"]]
           name    method   n
    0  Calmness  ICC(2,1)  30
    1       Joy  ICC(2,1)  30
    """
    check_frame(a, _FUNC, "a")
    check_frame(b, _FUNC, "b")
    check_option(method, "method", AGREEMENT_METHODS, _FUNC)
    check_option(correction, "correction", CORRECTIONS, _FUNC)
    check_confidence(confidence, _FUNC)
    by_cols = _resolve_by(a, b, by)
    for frame, name in ((a, "a"), (b, "b")):
        require_columns(frame, [dv], _FUNC, name)
        require_numeric(frame, dv, _FUNC, name)
    if method == "rmcorr" and subject is None:
        raise ValueError(f"{_FUNC}: method='rmcorr' needs subject=")
    keys = _resolve_on(a, b, on, by_cols, dv, subject)
    for frame, name in ((a, "a"), (b, "b")):
        dup = frame.duplicated(keys)
        if dup.any():
            first = frame.loc[dup, keys].iloc[0].to_dict()
            raise ValueError(
                f"{_FUNC}: {name} has several rows for the key {first}; pass on= with the "
                "columns that identify one measurement, or aggregate first"
            )
    left = a[keys + [dv]].rename(columns={dv: "_x"})
    right = b[keys + [dv]].rename(columns={dv: "_y"})
    merged = left.merge(right, on=keys, how="inner", sort=False)
    if merged.empty and len(a) and len(b):
        raise ValueError(
            f"{_FUNC}: no row of a has a partner in b on the keys {keys}; pass on= with the "
            "columns that identify the same measurement in both tables"
        )
    n_a = _sizes(a, by_cols)
    n_b = _sizes(b, by_cols)
    matched = _sizes(merged, by_cols)
    merged = merged[merged["_x"].notna() & merged["_y"].notna()]
    if by_cols:
        gb = merged.groupby(by_cols, observed=True, sort=True)
        g = gb.ngroup().to_numpy()
        index = gb.size().index
        out = key_frame(index, by_cols)
    else:
        g = np.zeros(len(merged), dtype=np.int64)
        index = pd.Index([0])
        out = pd.DataFrame(index=range(1))
    x = merged["_x"].to_numpy(dtype=float)
    y = merged["_y"].to_numpy(dtype=float)
    k = len(out)
    n = np.bincount(g, minlength=k).astype(float)
    n_subjects = np.zeros(k, dtype=np.int64)
    if method in ("pearson", "spearman"):
        if method == "spearman":
            x = pd.Series(x).groupby(g).rank().to_numpy()
            y = pd.Series(y).groupby(g).rank().to_numpy()
        est, lo, hi, stat, df, df2, p, bad, few = _correlation(x, y, g, k, n, method, confidence)
    elif method == "rmcorr":
        s = pd.factorize(merged[subject])[0]
        pair = pd.MultiIndex.from_arrays([g, s]).factorize()[0]
        n_subjects = np.bincount(g[np.unique(pair, return_index=True)[1]], minlength=k)
        est, lo, hi, stat, df, df2, p, bad, few = _rmcorr(
            x, y, g, pair, k, n, n_subjects, confidence
        )
    else:
        est, lo, hi, stat, df, df2, p, bad, few = _icc(x, y, g, k, n, method, confidence)
    out["method"] = _LABELS[method]
    out["n"] = n.astype(np.int64)
    out["n_subjects"] = n_subjects.astype(np.int64)
    out["n_only_a"] = (_align(n_a, index, by_cols) - _align(matched, index, by_cols)).astype(
        np.int64
    )
    out["n_only_b"] = (_align(n_b, index, by_cols) - _align(matched, index, by_cols)).astype(
        np.int64
    )
    for name, values in (("estimate", est), ("ci_low", lo), ("ci_high", hi), ("statistic", stat)):
        out[name] = np.where(bad | few, np.nan, values)
    out["df"] = np.where(few, np.nan, df)
    out["df2"] = np.where(few, np.nan, df2)
    out["p"] = np.where(bad | few, np.nan, p)
    out["p_adj"] = correct_frame(out, correction, correct_within, _FUNC)
    out["correction"] = correction
    few_text = "too few pairs per subject" if method == "rmcorr" else "fewer than 3 pairs"
    notes = join_notes((few, few_text), (bad & ~few, "zero variance"))
    out["note"] = pd.array(notes.astype(str), dtype="str")
    warn_notes(out["note"], _FUNC, len(out))
    return out


def _resolve_by(a: pd.DataFrame, b: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if by is AGREEMENT_BY:
        return [c for c in AGREEMENT_BY if c in a.columns and c in b.columns]
    cols = [by] if isinstance(by, str) else list(by)
    require_columns(a, cols, _FUNC, "a")
    require_columns(b, cols, _FUNC, "b")
    return cols


def _resolve_on(
    a: pd.DataFrame,
    b: pd.DataFrame,
    on: str | Sequence[str] | None,
    by_cols: list[str],
    dv: str,
    subject: str | None,
) -> list[str]:
    if on is None:
        keys = [c for c in a.columns if c in b.columns and c not in {*by_cols, dv, "model"}]
    else:
        keys = [on] if isinstance(on, str) else list(on)
        require_columns(a, keys, _FUNC, "a")
        require_columns(b, keys, _FUNC, "b")
    if subject is not None:
        require_columns(a, [subject], _FUNC, "a")
        require_columns(b, [subject], _FUNC, "b")
        if subject not in keys:
            keys.append(subject)
    keys = [c for c in keys if c not in by_cols]
    if dv in keys:
        raise ValueError(f"{_FUNC}: dv {dv!r} cannot be a pairing key")
    if not keys:
        raise ValueError(f"{_FUNC}: a and b share no key column to pair rows on; pass on=")
    return [*by_cols, *keys]


def _sizes(frame: pd.DataFrame, by_cols: list[str]) -> pd.Series:
    if not by_cols:
        return pd.Series([len(frame)], index=pd.Index([0]))
    return frame.groupby(by_cols, observed=True).size()


def _align(sizes: pd.Series, index: pd.Index, by_cols: list[str]) -> np.ndarray:
    if not by_cols:
        return sizes.to_numpy()
    if not isinstance(index, pd.MultiIndex):
        idx = pd.Index(index.astype(object))
        s = pd.Series(sizes.to_numpy(), index=pd.Index(sizes.index.astype(object)))
    else:
        idx = pd.MultiIndex.from_tuples(list(index))
        s = pd.Series(sizes.to_numpy(), index=pd.MultiIndex.from_tuples(list(sizes.index)))
    return s.reindex(idx).fillna(0).to_numpy()


def _centred_sums(x, y, codes, k):  # type: ignore[no-untyped-def]
    """Per-code sums of squares and cross-products around the code means."""
    cnt = np.bincount(codes, minlength=k).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.bincount(codes, weights=x, minlength=k) / cnt
        my = np.bincount(codes, weights=y, minlength=k) / cnt
    dx, dy = x - mx[codes], y - my[codes]
    return dx, dy


def _correlation(x, y, g, k, n, method, confidence):  # type: ignore[no-untyped-def]
    dx, dy = _centred_sums(x, y, g, k)
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
    return r, lo, hi, t, df, np.full(k, np.nan), p, bad, few


def _rmcorr(x, y, g, pair, k, n, n_subjects, confidence):  # type: ignore[no-untyped-def]
    dx, dy = _centred_sums(x, y, pair, pair.max() + 1 if len(pair) else 0)
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
    return r, lo, hi, t, df.astype(float), np.full(k, np.nan), p, bad, few


def _icc(x, y, g, k, n, method, confidence):  # type: ignore[no-untyped-def]
    """ICC(2,1) or ICC(3,1) of two raters from the two-way ANOVA mean squares."""
    raters = 2
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.bincount(g, weights=x, minlength=k) / n
        my = np.bincount(g, weights=y, minlength=k) / n
        grand = (mx + my) / 2
        row = (x + y) / 2 - grand[g]
        ssr = raters * np.bincount(g, weights=row * row, minlength=k)
        ssc = n * ((mx - grand) ** 2 + (my - grand) ** 2)
        ex, ey = x - grand[g], y - grand[g]
        sst = np.bincount(g, weights=ex * ex + ey * ey, minlength=k)
        df1 = n - 1
        df2 = (n - 1) * (raters - 1)
        msr, msc, mse = ssr / df1, ssc / (raters - 1), np.maximum(sst - ssr - ssc, 0.0) / df2
        f = msr / mse
        q = 1 - (1 - confidence) / 2
        if method == "icc3":
            icc = (msr - mse) / (msr + (raters - 1) * mse)
            fl = f / stats.f.ppf(q, df1, df2)
            fu = f * stats.f.ppf(q, df2, df1)
            lo = (fl - 1) / (fl + raters - 1)
            hi = (fu - 1) / (fu + raters - 1)
        else:
            icc = (msr - mse) / (msr + (raters - 1) * mse + raters * (msc - mse) / n)
            aa = raters * icc / (n * (1 - icc))
            bb = 1 + raters * icc * (n - 1) / (n * (1 - icc))
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
    bad = ~(mse > 0) & ~few
    return icc, lo, hi, f, df1, df2, p, bad, few
