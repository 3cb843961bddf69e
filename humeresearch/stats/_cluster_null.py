"""Cluster masses and their permutation null of :func:`humeresearch.cluster_test`.

One group's values are a (levels x subjects x time bins) array; for a pair of levels
the t statistic of every bin is computed for the observed labelling and every
relabelling at once (matrix products over NaN-aware sums).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, product
from math import comb
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

FUNC = "cluster_test"


@dataclass(frozen=True)
class Settings:
    """The test settings shared by every group and pair."""

    design: str
    cond: str
    subject: str
    n_permutations: int
    threshold: float | None
    seed: int | None


def matrices(
    sub: pd.DataFrame, cond: str, subject: str, time: str, n_levels: int
) -> tuple[np.ndarray, np.ndarray]:
    """(levels x subjects x bins) values with NaN, and the bin times."""
    t_codes, times = pd.factorize(sub[time], sort=True)
    s_codes, _ = pd.factorize(sub[subject])
    c_codes = sub[cond].cat.codes.to_numpy()
    mat = np.full((n_levels, s_codes.max() + 1, len(times)), np.nan)
    mat[c_codes, s_codes, t_codes] = sub["_v"].to_numpy(dtype=float)
    return mat, np.asarray(times, dtype=float)


def clusters_of_pair(
    mat: np.ndarray, i: int, j: int, times: np.ndarray, opt: Settings
) -> list[dict[str, Any]]:
    """Clusters of the t of ``mat[i] - mat[j]`` with their permutation p-values.

    A pair that was tested but has no supra-threshold bin gives one row without a
    cluster (``cluster`` missing, ``n_bins`` 0, ``mass`` 0, ``p`` 1: the observed
    largest mass, 0, is reached by every relabelling); a pair that cannot be tested
    (fewer than two subjects or pairs) one row with ``p`` NaN and a note.
    """
    relabelled = _relabelled_t(mat, i, j, opt)
    if relabelled is None:
        return [_empty(np.nan, np.nan, 0, "fewer than 2 subjects in a condition")]
    t_all, thr, exact = relabelled
    observed = _runs(t_all[0], thr)
    null = _max_mass(t_all[1:], thr)  # exact enumerations include the observed labelling
    total = len(null)
    if not observed:
        return [_empty(1.0, thr, total, "")]
    out = []
    for k, (s, e, mass) in enumerate(observed):
        p = permutation_p(null, abs(mass), exact)
        out.append(
            {
                "cluster": k,
                "t_start": times[s],
                "t_end": times[e],
                "n_bins": e - s + 1,
                "mass": mass,
                "sign": 1 if mass > 0 else -1,
                "p": p,
                "threshold": thr,
                "n_permutations": total,
                "note": "",
            }
        )
    return out


def permutation_p(null: np.ndarray, observed: float, exact: bool) -> float:
    """Two-sided permutation p of ``|T|``: the share of ``null`` at least ``observed``.

    ``null`` holds ``|T|`` of every relabelling. Random relabellings count the
    observed labelling as one more: ``(1 + #{null >= observed}) / (1 + R)``
    (Phipson & Smyth 2010); an exact enumeration already includes it:
    ``#{null >= observed} / N``. A relative tolerance of 1e-12 treats rounding
    differences as ties (as scipy does).
    """
    b = int(np.sum(null >= observed * (1 - 1e-12)))
    total = len(null)
    p = b / total if exact else (b + 1) / (total + 1)
    return min(1.0, p)


def _empty(p: float, thr: float, total: int, note: str) -> dict[str, Any]:
    return {
        "cluster": None,
        "t_start": np.nan,
        "t_end": np.nan,
        "n_bins": 0,
        "mass": 0.0 if p == 1.0 else np.nan,
        "sign": 0,
        "p": p,
        "threshold": thr,
        "n_permutations": total,
        "note": note,
    }


def _relabelled_t(
    mat: np.ndarray, i: int, j: int, opt: Settings
) -> tuple[np.ndarray, float, bool] | None:
    """t per (labelling, bin), row 0 observed; the threshold; whether enumeration is exact.

    None when a level has fewer than two subjects (pairs for ``within``).
    """
    if opt.design == "between":
        present = ~np.isnan(mat).all(axis=2)
        if (present.sum(axis=0) > 1).any():
            raise ValueError(
                f"{FUNC}: a subject (column {opt.subject!r}) has data in several levels of "
                f"{opt.cond!r}; for repeated measures use within="
            )
        ia, ib = np.flatnonzero(present[i]), np.flatnonzero(present[j])
        x = np.vstack([mat[i, ia], mat[j, ib]])
        n_a, n_total = len(ia), len(ia) + len(ib)
        if n_a < 2 or n_total - n_a < 2:
            return None
        thr = opt.threshold or float(stats.t.ppf(0.975, n_total - 2))
        labels, exact = _splits(n_total, n_a, opt.n_permutations, opt.seed)
        return _t_between(x, labels), thr, exact
    d = mat[i] - mat[j]
    d = d[~np.isnan(d).all(axis=1)]
    if len(d) < 2:
        return None
    thr = opt.threshold or float(stats.t.ppf(0.975, len(d) - 1))
    signs, exact = _flips(len(d), opt.n_permutations, opt.seed)
    return _t_within(d, signs), thr, exact


def _splits(n: int, n_a: int, n_perm: int, seed: int | None) -> tuple[np.ndarray, bool]:
    """Boolean (1 + R) x n membership of A; row 0 is the observed split."""
    observed = np.zeros((1, n), dtype=bool)
    observed[0, :n_a] = True
    if comb(n, n_a) <= n_perm:
        rows = np.zeros((comb(n, n_a), n), dtype=bool)
        for r, members in enumerate(combinations(range(n), n_a)):
            rows[r, list(members)] = True
        return np.vstack([observed, rows]), True
    rng = np.random.default_rng(seed)
    perm = rng.permuted(np.tile(np.arange(n), (n_perm, 1)), axis=1)
    rows = np.zeros((n_perm, n), dtype=bool)
    np.put_along_axis(rows, perm[:, :n_a], True, axis=1)
    return np.vstack([observed, rows]), False


def _flips(n: int, n_perm: int, seed: int | None) -> tuple[np.ndarray, bool]:
    """(1 + R) x n signs; row 0 is the observed data (all +1)."""
    observed = np.ones((1, n))
    if 2**n <= n_perm:
        return np.vstack([observed, np.array(list(product([1.0, -1.0], repeat=n)))]), True
    rng = np.random.default_rng(seed)
    return np.vstack([observed, rng.choice([-1.0, 1.0], size=(n_perm, n))]), False


def _t_between(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Student's t per (relabelling, bin) from NaN-aware sums; x is units x bins."""
    ok = ~np.isnan(x)
    xc = np.where(ok, x - np.nanmean(x, axis=0), 0.0)  # centring keeps the sums accurate
    la = labels.astype(float)
    lb = 1.0 - la
    cnt = ok.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        n_a, n_b = la @ cnt, lb @ cnt
        s_a, s_b = la @ xc, lb @ xc
        q_a, q_b = la @ (xc * xc), lb @ (xc * xc)
        ss = (q_a - s_a**2 / n_a) + (q_b - s_b**2 / n_b)
        sp2 = ss / (n_a + n_b - 2)
        t = (s_a / n_a - s_b / n_b) / np.sqrt(sp2 * (1 / n_a + 1 / n_b))
    return np.where((n_a >= 2) & (n_b >= 2), t, np.nan)


def _t_within(d: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """One-sample t of the signed differences per (relabelling, bin)."""
    ok = ~np.isnan(d)
    d0 = np.where(ok, d, 0.0)
    n = ok.sum(axis=0).astype(float)
    q = (d0 * d0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = signs @ d0
        var = (q - s**2 / n) / (n - 1)
        t = (s / n) / np.sqrt(var / n)
    return np.where(n >= 2, t, np.nan)


def _runs(t: np.ndarray, thr: float) -> list[tuple[int, int, float]]:
    """Observed clusters of one t series: (first bin, last bin, mass)."""
    out = []
    for sign in (1, -1):
        m = np.nan_to_num(sign * t, nan=-np.inf) > thr
        edges = np.diff(np.r_[0, m.astype(np.int8), 0])
        for s, e in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1):
            out.append((int(s), int(e), float(t[s : e + 1].sum())))
    return sorted(out)


def _max_mass(t: np.ndarray, thr: float) -> np.ndarray:
    """Largest |cluster mass| of every row of a (relabellings x bins) t matrix."""
    rows, n_bins = t.shape
    best = np.zeros(rows)
    for sign in (1, -1):
        st = np.nan_to_num(sign * t, nan=-np.inf)
        m = st > thr
        start = m & ~np.c_[np.zeros((rows, 1), dtype=bool), m[:, :-1]]
        run = np.cumsum(start, axis=1) * m
        ids = (np.arange(rows)[:, None] * (n_bins + 1) + run)[m]
        mass = np.bincount(ids, weights=st[m], minlength=rows * (n_bins + 1))
        best = np.maximum(best, mass.reshape(rows, n_bins + 1).max(axis=1))
    return best
