"""Omnibus rows and between-subjects post-hoc pairs of :func:`humeresearch.compare`.

With three or more levels ``compare`` adds one omnibus row per expression (``kind``
``"omnibus"``) before its pairs (``kind`` ``"pairwise"``): repeated-measures ANOVA
(Greenhouse-Geisser corrected) or Friedman within subjects, Welch's ANOVA or
Kruskal-Wallis between. Tukey's HSD and Games-Howell pairs replace the statistic,
df and p of the two-sample kernel and keep its means and effect sizes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from humeresearch.stats import _anova_kernels as K
from humeresearch.stats._reduce import Reduced, dense_blocks
from humeresearch.stats._twogroup import moments

#: post-hoc name -> the ``test`` column of its pairs.
POSTHOC_NAMES = {"tukey": "tukey_hsd", "games_howell": "games_howell"}


def omnibus_rows(
    red: Reduced, levels: list[Any], design: str, test_kind: str, cond: str
) -> pd.DataFrame:
    """One omnibus row per group of ``red`` in the layout of ``compare``'s result."""
    terms: list[tuple[int, K.Term]] = []
    for g0, block in dense_blocks(red, len(levels)):
        for c in range(block.shape[2]):
            x = block[:, :, c]
            if design == "within":
                full = x.T[~np.isnan(x.T).any(axis=1)]
                term = K.friedman(full, cond) if test_kind == "rank" else K.rm_oneway(full, cond)
            else:
                groups = [row[~np.isnan(row)] for row in x]
                term = K.kruskal(groups, cond) if test_kind == "rank" else K.welch(groups, cond)
            terms.append((g0 + c, term))
    gid = np.array([g for g, _ in terms], dtype=np.int64)
    out = red.keys.iloc[gid].reset_index(drop=True)
    out["kind"] = "omnibus"
    out["reference"] = pd.Categorical.from_codes(np.full(len(gid), -1), categories=levels)
    out["other"] = pd.Categorical.from_codes(np.full(len(gid), -1), categories=levels)
    out["test"] = [t.test for _, t in terms]
    n = np.array([t.n for _, t in terms], dtype=np.int64)
    out["n_reference"] = n
    out["n_other"] = n
    out["n_unpaired"] = np.zeros(len(gid), dtype=np.int64)
    for col in ("mean_reference", "mean_other", "sd_reference", "sd_other", "diff", "cles"):
        out[col] = np.nan
    for col, attr in (("statistic", "statistic"), ("df", "df"), ("df2", "df2"), ("p", "p")):
        out[col] = np.array([getattr(t, attr) for _, t in terms], dtype=float)
    out["effect"] = np.array([t.effect for _, t in terms], dtype=float)
    out["effect_type"] = [t.effect_type or "eta_sq_partial" for _, t in terms]
    out["ci_low"] = np.nan
    out["ci_high"] = np.nan
    out["note"] = pd.array([t.note for _, t in terms], dtype="str")
    out["_gid"] = gid
    return out


def posthoc_between(
    block: np.ndarray, i: int, j: int, res: dict[str, np.ndarray], posthoc: str
) -> dict[str, np.ndarray]:
    """Replace statistic, df and p of the pair (reference ``i``, other ``j``) by Tukey or GH.

    ``block`` is (levels x units x groups); ``res`` the Welch kernel's output of the
    pair. Tukey's HSD: ``T = diff / sqrt(MSW/n_i + MSW/n_j)`` with the pooled
    within-level mean square ``MSW`` of all levels on ``N - k`` df; Games-Howell: the
    Welch t and df. Both: ``p = P(Q > sqrt(2) |T|)`` of the studentized range with
    ``k`` levels (the levels with data), as pingouin's ``pairwise_tukey`` and
    ``pairwise_gameshowell``.
    """
    n, mean, var = (np.asarray(a) for a in zip(*(moments(block[lv]) for lv in range(len(block)))))
    k = (n > 0).sum(axis=0)
    out = dict(res)
    if posthoc == "tukey":
        df = n.sum(axis=0) - k
        with np.errstate(invalid="ignore", divide="ignore"):
            msw = np.nansum(np.where(n > 1, (n - 1) * var, 0.0), axis=0) / df
            t = (mean[j] - mean[i]) / np.sqrt(msw / n[i] + msw / n[j])
        bad = np.isnan(res["statistic"]) | ~(msw > 0)
        out["statistic"] = np.where(bad, np.nan, t)
        out["df"] = np.where(bad, np.nan, df.astype(float))
    stat, df = out["statistic"], out["df"]
    ok = ~np.isnan(stat) & ~np.isnan(df)
    p = np.full(stat.shape, np.nan)
    if ok.any():
        q = stats.studentized_range.sf(np.sqrt(2) * np.abs(stat[ok]), k[ok], df[ok])
        p[ok] = np.clip(q, 0.0, 1.0)
    out["p"] = p
    return out
