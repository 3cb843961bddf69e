"""``anova``: one-way, two-way repeated-measures and mixed ANOVA per expression."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import asdict

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._tables import TableLike, as_frame, check_option, require_columns
from humeresearch.define import Agg, Correction, Test, Weight
from humeresearch.errors import PseudoReplicationWarning
from humeresearch.stats import _anova_kernels as K
from humeresearch.stats._common import (
    key_frame,
    levels_of,
    repeated_measures,
    require_numeric,
    resolve_by,
    warn_notes,
    warn_pooled_tracks,
)
from humeresearch.stats._correct import correct_frame
from humeresearch.stats._reduce import unit_values

_FUNC = "anova"
_ROW = "_row"

COLUMNS = [
    "term",
    "test",
    "n_subjects",
    "statistic",
    "df",
    "df2",
    "p_unc",
    "eps",
    "p",
    "p_adj",
    "correction",
    "effect",
    "effect_type",
    "eta_sq_generalized",
    "w_mauchly",
    "p_mauchly",
    "note",
]


def anova(
    data: TableLike,
    *,
    value: str = "score",
    within: str | Sequence[str] | None = None,
    between: str | None = None,
    subject: str | None = None,
    by: str | Sequence[str] | None = None,
    test: Test = "auto",
    correction: Correction = "fdr_bh",
    correct_within: str | Sequence[str] | None = None,
    agg: Agg = "mean",
    weight: Weight = "duration",
) -> pd.DataFrame:
    """Omnibus tests per expression: one-way, two-way repeated-measures and mixed ANOVA.

    The data are reduced to one value per subject and cell (``agg``, weighted as
    :func:`humeresearch.compare` does), then for every group of ``by`` (by default
    every expression) one ANOVA is run; every term of every expression forms one
    correction family (``correct_within="term"`` corrects each term separately).

    ========================  ===================  =============================
    design                    ``test="t"/"auto"``  ``test="rank"``
    ========================  ===================  =============================
    ``within="c"``            ``rm_anova``         ``friedman``
    ``within=["a", "b"]``     ``rm_anova``         (refused)
    ``between="g"``           ``welch_anova``      ``kruskal_wallis``
    ``between=, within=``     ``mixed_anova``      (refused)
    ========================  ===================  =============================

    Within-subjects designs use complete cases (subjects with a value in every
    cell), as pingouin and JASP do.

    Parameters
    ----------
    data : DataFrame or Measurements
        Long data with the condition, subject and ``value`` columns (the long
        table joined with the design, or :func:`humeresearch.summarize` output).
    value : str, default "score"
        Numeric column analysed.
    within : str or sequence of str, optional
        One or two repeated-measures factors (needs ``subject``).
    between : str, optional
        One between-subjects factor (each subject in one level).
    subject : str, optional
        Participant column. Required with ``within``; without it (``between`` only)
        every row is a unit and repeated measures warn.
    by : str or sequence of str, optional
        ``None`` (default): one ANOVA per expression (the columns of
        :data:`humeresearch.define.EXPRESSION_KEYS` the data has); ``()``: one.
    test : {"auto", "t", "rank"}, default "auto"
        Parametric ANOVA (``"auto"``, ``"t"``) or rank test (``"rank"``: Friedman
        within, Kruskal-Wallis between; one factor only).
    correction : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}, default "fdr_bh"
        Multiple-comparison correction of ``p`` over the call.
    correct_within : str or sequence of str, optional
        Output columns (e.g. ``"term"``) whose groups are separate families.
    agg : {"mean", "median"}, default "mean"
        Reduction to one value per subject and cell.
    weight : {"duration", "equal"}, default "duration"
        Weights of rows in a subject's value (see :func:`humeresearch.compare`).

    Returns
    -------
    DataFrame
        One row per group of ``by`` and term (factors, then the interaction
        ``a:b``):

        * the ``by`` columns; ``term`` (str); ``test`` (str): ``rm_anova``,
          ``mixed_anova``, ``welch_anova``, ``friedman`` or ``kruskal_wallis``;
        * ``n_subjects`` (int): units analysed (complete cases within subjects);
        * ``statistic`` (float): F, Friedman's Q (chi-square) or Kruskal-Wallis H;
          ``df``, ``df2`` (float): numerator and denominator degrees of freedom
          (``df2`` NaN for the chi-square tests; Welch's ``df2`` is fractional);
        * ``p_unc`` (float): p assuming sphericity; ``eps`` (float):
          Greenhouse-Geisser epsilon of within-subjects terms (1 with two levels);
        * ``p`` (float): the p-value of the term, Greenhouse-Geisser corrected for
          within-subjects terms (``F`` on ``eps df`` and ``eps df2``, as pingouin's
          ``p_GG_corr``), else ``p_unc``; ``p_adj`` (float), ``correction`` (str);
        * ``effect``, ``effect_type``: partial eta squared (``eta_sq_partial``),
          Kendall's W (``kendall_w``, Friedman) or epsilon squared
          (``epsilon_sq``, ``H (N + 1) / (N^2 - 1)``, Kruskal-Wallis);
        * ``eta_sq_generalized`` (float): generalised eta squared (Olejnik &
          Algina 2003; every factor measured, as pingouin's ``ng2``);
        * ``w_mauchly``, ``p_mauchly`` (float): Mauchly's test of sphericity
          (NaN W and p 1 with two levels, NaN for between terms);
        * ``note`` (str): why a row has no result, "" otherwise.

    Raises
    ------
    ValueError
        Bad options or designs, missing columns, a factor with fewer than two
        levels, a subject in several levels of ``between``.

    Notes
    -----
    Checked against pingouin's ``rm_anova`` (``correction=True``),
    ``mixed_anova``, ``welch_anova``, ``friedman`` and ``kruskal`` to 1e-8. The
    sphericity test of a two-way design uses ``k = a b`` conditions for every term,
    as pingouin 0.7 does.

    Examples
    --------
    >>> import humeresearch as hr
    >>> from humeresearch import testing
    >>> df = testing.study(subjects=8, conditions=("a", "b", "c"), names=("Joy",),
    ...                    effects={"Joy": 0.3})
    >>> res = hr.stats.anova(df, within="condition", subject="participant")
    >>> res[["name", "term", "test", "n_subjects", "df", "df2"]]
      name       term      test  n_subjects   df   df2
    0  Joy  condition  rm_anova           8  2.0  14.0
    """
    data = as_frame(data, func=_FUNC)
    check_option(test, ("auto", "t", "rank"), name="test", func=_FUNC)
    check_option(correction, define.CORRECTIONS, name="correction", func=_FUNC)
    check_option(agg, define.AGGS, name="agg", func=_FUNC)
    check_option(weight, define.WEIGHTS, name="weight", func=_FUNC)
    ws = [within] if isinstance(within, str) else list(within or [])
    factors = _check_design(ws, between, subject, test)
    roles = [value, *factors, *([subject] if subject else [])]
    by_cols = resolve_by([(data, "data")], by, func=_FUNC, roles=roles)
    require_columns(data, roles, func=_FUNC)
    require_numeric(data, value, _FUNC)
    if len(set(roles) | set(by_cols)) != len(roles) + len(by_cols):
        raise ValueError(f"{_FUNC}: value, the factors, subject and by must be distinct columns")
    if subject is None:
        reason = repeated_measures(data, by_cols, factors[0])
        if reason:
            warnings.warn(
                f"{_FUNC}: the rows are repeated measures ({reason}) and no subject= was "
                "given, so every row counts as an independent observation; pass subject=",
                PseudoReplicationWarning,
                stacklevel=2,
            )
        data, subject, weight = data.assign(**{_ROW: np.arange(len(data))}), _ROW, "equal"
    else:
        warn_pooled_tracks(data, by_cols, _FUNC)
    levels = [_levels(data, f) for f in factors]
    keys, cells = subject_cells(data, value, by_cols, factors, levels, subject, agg, weight)
    rows: list[tuple[int, K.Term]] = []
    for gi, m in enumerate(cells):
        rows.extend((gi, t) for t in _terms(m, ws, between, levels, test, subject))
    out = _table(rows, keys, by_cols)
    out["p_adj"] = correct_frame(out, correction, correct_within, _FUNC)
    out["correction"] = correction
    out = out[[*by_cols, *COLUMNS]]
    warn_notes(out["note"], _FUNC, len(out))
    return out


def _check_design(ws: list[str], between: str | None, subject: str | None, test: str) -> list[str]:
    """The factors in analysis order (between first); a ValueError for unsupported designs."""
    if len(ws) > 2 or (between is not None and len(ws) > 1) or (between is None and not ws):
        raise ValueError(
            f"{_FUNC}: supported designs are within='c', within=['a', 'b'], between='g' "
            "and between='g' with within='c'"
        )
    if ws and subject is None:
        raise ValueError(f"{_FUNC}: within= needs subject= (the repeated measures' unit)")
    if test == "rank" and len(ws) + (between is not None) > 1:
        raise ValueError(f"{_FUNC}: test='rank' supports one factor (Friedman, Kruskal-Wallis)")
    return [*([between] if between is not None else []), *ws]


def _levels(data: pd.DataFrame, factor: str) -> list[object]:
    levels = levels_of(data[factor])
    if len(levels) < 2:
        raise ValueError(f"{_FUNC}: column {factor!r} needs at least 2 levels, found {levels}")
    return levels


def subject_cells(
    data: pd.DataFrame,
    value: str,
    by_cols: list[str],
    factors: list[str],
    levels: list[list[object]],
    subject: str,
    agg: str,
    weight: str,
) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """The ``by`` keys and, per group, a (subjects x cells) matrix of unit values.

    Cells are the level combinations of ``factors`` in C order (last factor fastest);
    NaN where a subject has no value.
    """
    s = unit_values(data, value, [*by_cols, *factors, subject], agg, weight)
    idx, nb = s.index, len(by_cols)
    values = s.to_numpy(dtype=float)
    if nb:
        codes = np.column_stack([idx.codes[i] for i in range(nb)])
        _, first, group = np.unique(codes, axis=0, return_index=True, return_inverse=True)
        keys = key_frame(idx[first].droplevel(list(range(nb, idx.nlevels))), by_cols)
    else:
        group, keys = np.zeros(len(s), dtype=np.int64), pd.DataFrame(index=range(1))
    group = np.asarray(group).ravel()
    cell = np.zeros(len(s), dtype=np.int64)
    for i, lv in enumerate(levels):
        lvl = idx.get_level_values(nb + i)
        cell = cell * len(lv) + pd.Index(lv).get_indexer(lvl)
    unit = pd.factorize(idx.get_level_values(nb + len(factors)))[0]
    n_cells = int(np.prod([len(lv) for lv in levels]))
    ok = ~np.isnan(values) & (cell >= 0)
    out = []
    for g in range(len(keys)):
        sel = ok & (group == g)
        units, local = np.unique(unit[sel], return_inverse=True)
        m = np.full((len(units), n_cells), np.nan)
        m[local.ravel(), cell[sel]] = values[sel]
        out.append(m)
    return keys, out


def _terms(
    m: np.ndarray,
    ws: list[str],
    between: str | None,
    levels: list[list[object]],
    test: str,
    subject: str,
) -> list[K.Term]:
    """The omnibus terms of one expression's (subjects x cells) matrix."""
    if between is None:
        x = m[~np.isnan(m).any(axis=1)]
        if len(ws) == 2:
            a, b = len(levels[0]), len(levels[1])
            return K.rm_twoway(x.reshape(len(x), a, b), (ws[0], ws[1], f"{ws[0]}:{ws[1]}"))
        return [K.friedman(x, ws[0]) if test == "rank" else K.rm_oneway(x, ws[0])]
    k = len(levels[0])
    present = ~np.isnan(m)
    if not ws:
        groups = [m[present[:, j], j] for j in range(k)]
        return [K.kruskal(groups, between) if test == "rank" else K.welch(groups, between)]
    kw = len(levels[1])
    blocks = present.reshape(len(m), k, kw).any(axis=2)
    if (blocks.sum(axis=1) > 1).any():
        raise ValueError(
            f"{_FUNC}: a subject (column {subject!r}) appears in several levels of the "
            f"between factor {between!r} within one group"
        )
    g = blocks.argmax(axis=1)
    x = m.reshape(len(m), k, kw)[np.arange(len(m)), g]
    keep = ~np.isnan(x).any(axis=1)
    x, g = x[keep], g[keep]
    _, g = np.unique(g, return_inverse=True)
    return K.mixed_design(x, g.ravel(), (between, ws[0], f"{between}:{ws[0]}"))


def _table(rows: list[tuple[int, K.Term]], keys: pd.DataFrame, by_cols: list[str]) -> pd.DataFrame:
    gids = [gi for gi, _ in rows]
    frame = pd.DataFrame([asdict(t) for _, t in rows])
    out = keys.iloc[gids].reset_index(drop=True) if by_cols else pd.DataFrame(index=frame.index)
    for col in frame.columns:
        out[col] = frame[col].to_numpy()
    out = out.rename(columns={"n": "n_subjects"})
    out["n_subjects"] = out["n_subjects"].astype(np.int64)
    for col in ("term", "test", "effect_type", "note"):
        out[col] = pd.array(out[col].astype(str), dtype="str")
    return out
