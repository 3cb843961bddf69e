"""``cluster_test``: cluster-based permutation test over time bins (Maris & Oostenveld 2007)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from itertools import combinations, product
from math import comb
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from humeresearch.stats._common import (
    DEFAULT_BY,
    StatsWarning,
    check_frame,
    check_option,
    key_frame,
    levels_of,
    require_columns,
    require_numeric,
    resolve_by,
)
from humeresearch.stats._correct import METHODS, correct_frame

_FUNC = "cluster_test"
_COLUMNS = [
    "A",
    "B",
    "cluster",
    "t_start",
    "t_end",
    "n_bins",
    "mass",
    "sign",
    "p",
    "p_adj",
    "correction",
    "threshold",
    "n_permutations",
]


def cluster_test(
    data: pd.DataFrame,
    time: str = "time",
    dv: str = "score",
    between: str | None = None,
    within: str | None = None,
    subject: str | None = None,
    by: str | Sequence[str] | None = DEFAULT_BY,
    n_permutations: int = 1000,
    threshold: float | None = None,
    seed: int | None = 0,
    correction: str = "fdr_bh",
    *,
    aggregate: str = "mean",
    bin_width: float | None = None,
    correct_within: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Time-resolved comparison of two conditions with a cluster-based permutation test.

    Event-locked long data (e.g. from :func:`humeresearch.epochs`: one row per
    event, time bin and expression) are reduced to one value per (group, condition,
    subject, time bin) with ``aggregate``. For every group of ``by`` and pair of
    condition levels ``A < B``, a t statistic is computed at every time bin;
    adjacent bins whose ``|t|`` exceeds ``threshold`` with the same sign form a
    cluster whose mass is the sum of its t values. The p-value of a cluster is the
    share of relabelled data sets (permuted subjects for ``between``, flipped signs
    of the subject differences for ``within``) whose largest ``|mass|`` is at least
    the observed ``|mass|``, which controls the family-wise error over time bins
    (Maris & Oostenveld 2007).

    Parameters
    ----------
    data : DataFrame
        Long data with the ``time``, ``dv``, condition, ``subject`` and ``by`` columns.
    time : str, default "time"
        Numeric time column (seconds relative to the event, e.g. the ``time``
        column of :func:`humeresearch.epochs`). Without ``bin_width`` every distinct
        value is one bin, which suits data already on a common grid.
    dv : str, default "score"
        Numeric column to compare; NaN values are ignored.
    between, within : str
        Condition column, independent groups (``between``) or repeated measures of
        the same subjects (``within``); give exactly one.
    subject : str
        Unit of the permutations (participant); required. Pass an event id column to
        treat events as independent units (only if they are).
    by : str or sequence of str or None, default ("model", "family", "name")
        One test per group; with the default, missing columns are skipped.
    n_permutations : int, default 1000
        Random relabellings. When all distinct relabellings (``2^n`` sign flips or
        ``C(n_A + n_B, n_A)`` splits) number at most ``n_permutations`` they are
        enumerated exactly instead.
    threshold : float, optional
        Cluster-forming ``|t|``. Default: the two-sided p < .05 critical t with
        ``n_A + n_B - 2`` (``between``) or ``n - 1`` (``within``) df.
    seed : int or None, default 0
        Seed of the random relabellings (one generator per group and pair, so a
        group's result does not depend on the other groups).
    correction : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}, default "fdr_bh"
        Correction of the cluster p-values across all clusters of the result (the
        expressions); each cluster p already controls the error over time bins.
    aggregate : {"mean", "median"}, default "mean"
        Reduction to one value per subject, condition and time bin.
    bin_width : float, optional
        Width of the time bins in seconds: a row with time ``t`` falls in the bin
        ``[k w, (k + 1) w)`` with ``k = floor(t / w)``, labelled by its start. Needed
        when times are not on a common grid (frames of events with arbitrary onsets,
        as :func:`humeresearch.epochs` returns them).
    correct_within : str or sequence of str, optional
        Output columns whose groups are corrected as separate families.

    Returns
    -------
    DataFrame
        One row per observed cluster (groups without a supra-threshold bin have no
        row), sorted by ``by``, pair and ``t_start``:

        * the ``by`` columns;
        * ``A``, ``B`` (categorical): the levels compared (t is A minus B);
        * ``cluster`` (int): cluster number within its group and pair, from 0;
        * ``t_start``, ``t_end`` (float): time of the first and last bin (with
          ``bin_width``: the start of the first bin and the end of the last);
        * ``n_bins`` (int): bins in the cluster;
        * ``mass`` (float): sum of the t values of its bins;
        * ``sign`` (int): +1 (A > B) or -1 (A < B);
        * ``p`` (float): permutation p-value (random relabelling: ``(b + 1) /
          (n_permutations + 1)``, Phipson & Smyth 2010; exact enumeration: ``b / N``);
        * ``p_adj`` (float), ``correction`` (str): corrected p and method;
        * ``threshold`` (float): the cluster-forming ``|t|`` used;
        * ``n_permutations`` (int): relabellings used (the exact count when enumerated).

    Notes
    -----
    The t statistic is Student's pooled-variance t (``between``) or the paired t
    (``within``), computed per bin from the subjects present at that bin; bins with
    fewer than two subjects per condition never join a cluster. Assumes subjects
    are exchangeable under the null hypothesis.

    Random relabelling scheme (reproducible): ``rng = numpy.random.default_rng(seed)``;
    ``between``: ``rng.permuted(tile(arange(N), (n_permutations, 1)), axis=1)``, the
    first ``n_A`` positions of each row go to A; ``within``:
    ``rng.choice([-1.0, 1.0], size=(n_permutations, n))`` multiplies the differences.

    References
    ----------
    Maris, E., & Oostenveld, R. (2007). Nonparametric statistical testing of EEG-
    and MEG-data. *Journal of Neuroscience Methods*, 164(1), 177-190.
    Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never be zero.
    *Statistical Applications in Genetics and Molecular Biology*, 9(1), 39.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import humeresearch as hr
    >>> rng = np.random.default_rng(0)
    >>> t = np.round(np.arange(-0.5, 1.0, 0.1), 2)
    >>> rows = [(s, c, ti) for s in range(12) for c in "ab" for ti in t]
    >>> df = pd.DataFrame(rows, columns=["participant", "cond", "time"])
    >>> bump = (df["cond"] == "b") & df["time"].between(0.2, 0.6)
    >>> df["score"] = rng.normal(0, 1, len(df)) + 2.0 * bump
    >>> res = hr.cluster_test(df, within="cond", subject="participant", by=None)
    >>> res[["t_start", "t_end", "n_bins", "sign", "p"]].round(3)
       t_start  t_end  n_bins  sign      p
    0     -0.1   -0.1       1    -1  0.075
    1      0.2    0.6       5    -1  0.002
    """
    check_frame(data, _FUNC)
    if (between is None) == (within is None):
        raise ValueError(f"{_FUNC}: give exactly one of between= or within=")
    if subject is None:
        raise ValueError(f"{_FUNC}: subject= is required (the unit that is permuted)")
    design = "between" if between is not None else "within"
    cond = between if between is not None else within
    assert cond is not None
    check_option(correction, "correction", METHODS, _FUNC)
    check_option(aggregate, "aggregate", ("mean", "median"), _FUNC)
    if not isinstance(n_permutations, int | np.integer) or n_permutations < 1:
        raise ValueError(f"{_FUNC}: n_permutations must be a positive int, got {n_permutations!r}")
    if threshold is not None and not threshold > 0:
        raise ValueError(f"{_FUNC}: threshold must be a positive |t|, got {threshold!r}")
    by_cols = resolve_by(data, by, _FUNC)
    needed = [time, dv, cond, subject]
    require_columns(data, needed, _FUNC)
    require_numeric(data, dv, _FUNC)
    require_numeric(data, time, _FUNC)
    if len(set(needed) | set(by_cols)) != len(needed) + len(by_cols):
        raise ValueError(
            f"{_FUNC}: time, dv, the condition, subject and by must be distinct columns"
        )
    levels = levels_of(data[cond])
    if len(levels) < 2:
        raise ValueError(f"{_FUNC}: column {cond!r} needs at least 2 levels, found {levels}")
    if bin_width is not None:
        if not bin_width > 0:
            raise ValueError(f"{_FUNC}: bin_width must be a positive number, got {bin_width!r}")
        t = data[time].to_numpy(dtype=float, na_value=np.nan)
        data = data.assign(**{time: np.round(np.floor(t / bin_width + 1e-9) * bin_width, 12)})
    grouped = data.groupby([*by_cols, cond, subject, time], observed=True, sort=True)[dv]
    red = getattr(grouped, aggregate)().rename("_v").reset_index()
    red[cond] = pd.Categorical(red[cond], categories=levels)
    if by_cols:
        gb = red.groupby(by_cols, observed=True, sort=True)
        keys = key_frame(gb.size().index, by_cols)
        items = [sub for _, sub in gb]
    else:
        keys, items = pd.DataFrame(index=range(1)), [red]
    rows: list[dict[str, Any]] = []
    sparse_bins = all_bins = 0
    for gi, sub in enumerate(items):
        mat, times = _matrices(sub, cond, subject, time, len(levels))
        sparse_bins += int(np.sum((~np.isnan(mat)).sum(axis=1) < 2))
        all_bins += mat.shape[0] * mat.shape[2]
        for i, j in combinations(range(len(levels)), 2):
            found = _one(mat, i, j, design, times, n_permutations, threshold, seed, cond, subject)
            for c in found:
                end = c["t_end"] + (bin_width or 0.0)
                rows.append({"_g": gi, "A": i, "B": j, **c, "t_end": end})
    if all_bins and sparse_bins > all_bins / 2:
        warnings.warn(
            f"{_FUNC}: most (condition, time bin) cells have fewer than 2 subjects; the "
            f"{time!r} values are probably not on a common grid: pass bin_width=",
            StatsWarning,
            stacklevel=2,
        )
    out = _table(rows, keys, by_cols, levels)
    out["p_adj"] = correct_frame(out, correction, correct_within, _FUNC)
    out["correction"] = correction
    return out[[*by_cols, *_COLUMNS]]


def _matrices(sub: pd.DataFrame, cond: str, subject: str, time: str, n_levels: int):  # type: ignore[no-untyped-def]
    """(levels x subjects x bins) values with NaN, and the bin times."""
    t_codes, times = pd.factorize(sub[time], sort=True)
    s_codes, _ = pd.factorize(sub[subject])
    c_codes = sub[cond].cat.codes.to_numpy()
    mat = np.full((n_levels, s_codes.max() + 1, len(times)), np.nan)
    mat[c_codes, s_codes, t_codes] = sub["_v"].to_numpy(dtype=float)
    return mat, np.asarray(times, dtype=float)


def _one(mat, i, j, design, times, n_perm, threshold, seed, cond, subject):  # type: ignore[no-untyped-def]
    """Clusters of one group and pair of levels, with their permutation p-values."""
    if design == "between":
        present = ~np.isnan(mat).all(axis=2)
        if (present.sum(axis=0) > 1).any():
            raise ValueError(
                f"{_FUNC}: a subject (column {subject!r}) has data in several levels of "
                f"{cond!r}; for repeated measures use within="
            )
        ia, ib = np.flatnonzero(present[i]), np.flatnonzero(present[j])
        x = np.vstack([mat[i, ia], mat[j, ib]])
        n_a, n_total = len(ia), len(ia) + len(ib)
        if n_a < 2 or n_total - n_a < 2:
            return []
        thr = threshold or float(stats.t.ppf(0.975, n_total - 2))
        labels, exact = _splits(n_total, n_a, n_perm, seed)
        t_all = _t_between(x, labels)
    else:
        d = mat[i] - mat[j]
        keep = ~np.isnan(d).all(axis=1)
        d = d[keep]
        if len(d) < 2:
            return []
        thr = threshold or float(stats.t.ppf(0.975, len(d) - 1))
        signs, exact = _flips(len(d), n_perm, seed)
        t_all = _t_within(d, signs)
    observed = _runs(t_all[0], thr)
    if not observed:
        return []
    null = _max_mass(t_all[1:], thr)  # exact enumerations include the observed labelling
    total = len(null)
    out = []
    for k, (s, e, mass) in enumerate(observed):
        b = int(np.sum(null >= abs(mass) * (1 - 1e-12)))
        p = b / total if exact else (b + 1) / (total + 1)
        out.append(
            {
                "cluster": k,
                "t_start": times[s],
                "t_end": times[e],
                "n_bins": e - s + 1,
                "mass": mass,
                "sign": 1 if mass > 0 else -1,
                "p": min(1.0, p),
                "threshold": thr,
                "n_permutations": total,
            }
        )
    return out


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


def _table(
    rows: list[dict[str, Any]], keys: pd.DataFrame, by_cols: list[str], levels: list[Any]
) -> pd.DataFrame:
    gids = np.array([r["_g"] for r in rows], dtype=np.int64)
    out = (
        keys.iloc[gids].reset_index(drop=True) if by_cols else pd.DataFrame(index=range(len(rows)))
    )
    out["A"] = pd.Categorical.from_codes(
        np.array([r["A"] for r in rows], dtype=np.int64), categories=levels
    )
    out["B"] = pd.Categorical.from_codes(
        np.array([r["B"] for r in rows], dtype=np.int64), categories=levels
    )
    out["cluster"] = np.array([r["cluster"] for r in rows], dtype=np.int64)
    for c in ("t_start", "t_end", "mass", "p", "threshold"):
        out[c] = np.array([r[c] for r in rows], dtype=float)
    for c in ("n_bins", "sign", "n_permutations"):
        out[c] = np.array([r[c] for r in rows], dtype=np.int64)
    return out
