"""``cluster_test``: cluster-based permutation test over time bins (Maris & Oostenveld 2007)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._tables import TableLike, as_frame, check_option, is_scaled, require_columns
from humeresearch.define import Agg, Correction
from humeresearch.errors import StatsWarning
from humeresearch.stats._cluster_null import Settings, clusters_of_pair, matrices
from humeresearch.stats._common import (
    check_design,
    check_positive_int,
    key_frame,
    require_numeric,
    resolve_by,
    two_levels,
    warn_pooled_tracks,
)
from humeresearch.stats._correct import correct_frame

_FUNC = "cluster_test"
_COLUMNS = [
    "reference",
    "other",
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
    "note",
]


def cluster_test(
    data: TableLike,
    *,
    time: str = "time",
    value: str = "score",
    between: str | None = None,
    within: str | None = None,
    subject: str | None = None,
    by: str | Sequence[str] | None = None,
    n_permutations: int = 1000,
    threshold: float | None = None,
    seed: int | None = 0,
    correction: Correction = "fdr_bh",
    agg: Agg = "mean",
    bin_width: float | None = None,
    correct_within: str | Sequence[str] | None = None,
    reference: Any = None,
) -> pd.DataFrame:
    """Time-resolved comparison of two conditions with a cluster-based permutation test.

    Event-locked long data (e.g. from :func:`humeresearch.epochs`: one row per
    event, time bin and expression) are reduced to one value per (group, condition,
    subject, time bin) with ``agg``. For every group of ``by`` and pair of
    condition levels, a t statistic of ``other - reference`` is computed at every
    time bin;
    adjacent bins whose ``|t|`` exceeds ``threshold`` with the same sign form a
    cluster whose mass is the sum of its t values. The p-value of a cluster is the
    share of relabelled data sets (permuted subjects for ``between``, flipped signs
    of the subject differences for ``within``) whose largest ``|mass|`` is at least
    the observed ``|mass|``, which controls the family-wise error over time bins
    (Maris & Oostenveld 2007).

    Parameters
    ----------
    data : DataFrame or Measurements
        Long data with the ``time``, ``value``, condition, ``subject`` and ``by``
        columns (a :class:`~humeresearch.Measurements` is taken as its long table).
    time : str, default "time"
        Numeric time column (seconds relative to the event, e.g. the ``time``
        column of :func:`humeresearch.epochs`). Without ``bin_width`` every distinct
        value is one bin, which suits data already on a common grid.
    value : str, default "score"
        Numeric column to compare; NaN values are ignored.
    between, within : str
        Condition column, independent groups (``between``) or repeated measures of
        the same subjects (``within``); give exactly one.
    subject : str
        Unit of the permutations (participant); required. Pass an event id column to
        treat events as independent units (only if they are).
    by : str or sequence of str, optional
        One test per group of these columns. ``None`` (default): one per expression,
        i.e. the columns of ``("model", "family", "name")``
        (:data:`humeresearch.define.EXPRESSION_KEYS`) that the data has. ``()``: one
        test for the whole table.
        A table whose rows are different quantities within one group (several
        values of ``stat``, ``model``, ``granularity``, ``from_model`` or
        ``from_track``) is refused; the message names the column to add to ``by``.
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
        Correction of the cluster p-values across all rows of the result (one
        family per call, as in :func:`compare`, :func:`mixed` and
        :func:`agreement`); each cluster p already controls the error over time
        bins.
    agg : {"mean", "median"}, default "mean"
        Reduction to one value per subject, condition and time bin.
    bin_width : float, optional
        Width of the time bins in seconds: a row with time ``t`` falls in the bin
        ``[k w, (k + 1) w)`` with ``k = floor(t / w)``, labelled by its start. Needed
        when times are not on a common grid (frames of events with arbitrary onsets,
        as :func:`humeresearch.epochs` returns them).
    correct_within : str or sequence of str, optional
        Output columns whose groups are corrected as separate families.
    reference : optional
        Level the t statistic is measured from (``other - reference``); default:
        the first level in category order (categorical column) or sorted order, as
        in :func:`compare`.

    Returns
    -------
    DataFrame
        One row per observed cluster, sorted by ``by``, pair and ``t_start``, and
        one row for every tested group and pair without a cluster (``cluster``
        missing, ``n_bins`` 0, ``mass`` 0, ``sign`` 0, ``p`` 1: no relabelling has a
        largest mass below the observed 0; these rows belong to the correction
        family, which is the set of tested expressions) or that could not be tested
        (``p`` NaN, a ``note``):

        * the ``by`` columns;
        * ``reference``, ``other`` (categorical): the levels compared (t is
          ``other - reference``);
        * ``cluster`` (Int64): cluster number within its group and pair, from 0;
        * ``t_start``, ``t_end`` (float): time of the first and last bin (with
          ``bin_width``: the start of the first bin and the end of the last);
        * ``n_bins`` (int): bins in the cluster;
        * ``mass`` (float): sum of the t values of its bins;
        * ``sign`` (int): +1 (other > reference) or -1 (other < reference);
        * ``p`` (float): two-sided permutation p-value, ``b`` the relabellings
          whose largest ``|mass|`` is at least the cluster's ``|mass|``: random
          relabelling ``(b + 1) / (n_permutations + 1)`` (Phipson & Smyth 2010),
          exact enumeration ``b / N``; the definition of :func:`compare`'s
          permutation tests;
        * ``p_adj`` (float), ``correction`` (str): corrected p and method;
        * ``threshold`` (float): the cluster-forming ``|t|`` used;
        * ``n_permutations`` (int): relabellings used (the exact count when enumerated);
        * ``note`` (str): ``fewer than 2 subjects in a condition`` for untested
          pairs, "" otherwise.

    Notes
    -----
    The t statistic is Student's pooled-variance t (``between``) or the paired t
    (``within``), computed per bin from the subjects present at that bin; bins with
    fewer than two subjects per condition never join a cluster. Assumes subjects
    are exchangeable under the null hypothesis.

    Random relabelling scheme (reproducible): ``rng = numpy.random.default_rng(seed)``;
    ``between``: ``rng.permuted(tile(arange(N), (n_permutations, 1)), axis=1)``, the
    first ``n_other`` positions of each row go to ``other``; ``within``:
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
    >>> res = hr.cluster_test(df, within="cond", subject="participant", by=())
    >>> res[["t_start", "t_end", "n_bins", "sign", "p"]].round(3)
       t_start  t_end  n_bins  sign      p
    0     -0.1   -0.1       1     1  0.075
    1      0.2    0.6       5     1  0.002
    """
    if is_scaled(data):  # a Dask table or a dataset: reduce to subject level first
        from humeresearch import dataset

        if subject is None or bin_width is not None:
            raise ValueError(
                "cluster_test: a Dask table or dataset needs subject= and times already binned "
                "(bin_width=None); it is reduced to subject level first"
            )
        data = dataset.reduce(
            data, subject=subject, value=value, between=between, within=within, by=by,
            time=time, agg=agg, weight="equal",
        )  # fmt: skip
    data = as_frame(data, func=_FUNC)
    design, cond = check_design(between, within, _FUNC)
    if subject is None:
        raise ValueError(f"{_FUNC}: subject= is required (the unit that is permuted)")
    check_option(correction, define.CORRECTIONS, name="correction", func=_FUNC)
    check_option(agg, define.AGGS, name="agg", func=_FUNC)
    n_permutations = check_positive_int(n_permutations, "n_permutations", _FUNC)
    if threshold is not None and not threshold > 0:
        raise ValueError(f"{_FUNC}: threshold must be a positive |t|, got {threshold!r}")
    by_cols = resolve_by([(data, "data")], by, func=_FUNC, roles=[time, value, cond, subject])
    _check_columns(data, time, value, cond, subject, by_cols)
    warn_pooled_tracks(data, by_cols, _FUNC)
    levels = two_levels(data, cond, _FUNC, reference)
    if bin_width is not None:
        data = _bin(data, time, bin_width)
    keys, items = _reduce(data, by_cols, cond, subject, time, value, agg, levels)
    opt = Settings(design, cond, subject, n_permutations, threshold, seed)
    rows, sparse_bins, all_bins = _search(items, cond, subject, time, len(levels), opt)
    if all_bins and sparse_bins > all_bins / 2:
        warnings.warn(
            f"{_FUNC}: most (condition, time bin) cells have fewer than 2 subjects; the "
            f"{time!r} values are probably not on a common grid: pass bin_width=",
            StatsWarning,
            stacklevel=2,
        )
    for row in rows:
        row["t_end"] += bin_width or 0.0
    out = _table(rows, keys, by_cols, levels)
    out["p_adj"] = correct_frame(out, correction, correct_within, _FUNC)
    out["correction"] = correction
    return out[[*by_cols, *_COLUMNS]]


def _check_columns(
    data: pd.DataFrame, time: str, value: str, cond: str, subject: str, by_cols: list[str]
) -> None:
    """The analysed columns exist, ``time`` and ``value`` are numeric, none plays two roles."""
    needed = [time, value, cond, subject]
    require_columns(data, needed, func=_FUNC)
    require_numeric(data, value, _FUNC)
    require_numeric(data, time, _FUNC)
    if len(set(needed) | set(by_cols)) != len(needed) + len(by_cols):
        raise ValueError(
            f"{_FUNC}: time, value, the condition, subject and by must be distinct columns"
        )


def _bin(data: pd.DataFrame, time: str, bin_width: float) -> pd.DataFrame:
    """``time`` replaced by the start of its bin ``[k w, (k + 1) w)``."""
    if not bin_width > 0:
        raise ValueError(f"{_FUNC}: bin_width must be a positive number, got {bin_width!r}")
    t = data[time].to_numpy(dtype=float, na_value=np.nan)
    return data.assign(**{time: np.round(np.floor(t / bin_width + 1e-9) * bin_width, 12)})


def _reduce(
    data: pd.DataFrame,
    by_cols: list[str],
    cond: str,
    subject: str,
    time: str,
    value: str,
    agg: str,
    levels: list[Any],
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """One value ``_v`` per (group, condition, subject, bin): the keys and each group's rows."""
    grouped = data.groupby([*by_cols, cond, subject, time], observed=True, sort=True)[value]
    red = getattr(grouped, agg)().rename("_v").reset_index()
    red[cond] = pd.Categorical(red[cond], categories=levels)
    if not by_cols:
        return pd.DataFrame(index=range(1)), [red]
    gb = red.groupby(by_cols, observed=True, sort=True)
    return key_frame(gb.size().index, by_cols), [sub for _, sub in gb]


def _search(
    items: list[pd.DataFrame],
    cond: str,
    subject: str,
    time: str,
    n_levels: int,
    opt: Settings,
) -> tuple[list[dict[str, Any]], int, int]:
    """Clusters of every group and pair, plus the sparse and total (level, bin) cells."""
    rows: list[dict[str, Any]] = []
    sparse_bins = all_bins = 0
    for gi, sub in enumerate(items):
        mat, times = matrices(sub, cond, subject, time, n_levels)
        sparse_bins += int(np.sum((~np.isnan(mat)).sum(axis=1) < 2))
        all_bins += mat.shape[0] * mat.shape[2]
        for i, j in combinations(range(n_levels), 2):
            for c in clusters_of_pair(mat, j, i, times, opt):  # t of other - reference
                rows.append({"_g": gi, "reference": i, "other": j, **c})
    return rows, sparse_bins, all_bins


def _table(
    rows: list[dict[str, Any]], keys: pd.DataFrame, by_cols: list[str], levels: list[Any]
) -> pd.DataFrame:
    gids = np.array([r["_g"] for r in rows], dtype=np.int64)
    out = (
        keys.iloc[gids].reset_index(drop=True) if by_cols else pd.DataFrame(index=range(len(rows)))
    )
    for c in ("reference", "other"):
        out[c] = pd.Categorical.from_codes(
            np.array([r[c] for r in rows], dtype=np.int64), categories=levels
        )
    out["cluster"] = pd.array([r["cluster"] for r in rows], dtype="Int64")
    for c in ("t_start", "t_end", "mass", "p", "threshold"):
        out[c] = np.array([r[c] for r in rows], dtype=float)
    for c in ("n_bins", "sign", "n_permutations"):
        out[c] = np.array([r[c] for r in rows], dtype=np.int64)
    out["note"] = pd.array([r["note"] for r in rows], dtype="str")
    return out
