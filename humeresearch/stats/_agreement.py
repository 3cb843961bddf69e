"""``agreement``: correlation, ICC or repeated-measures correlation of two aligned tables."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._tables import TableLike, as_frame, check_option, require_columns
from humeresearch.define import AgreementMethod, Correction
from humeresearch.errors import PseudoReplicationWarning
from humeresearch.stats import _coefficients
from humeresearch.stats._common import (
    check_confidence,
    join_notes,
    key_frame,
    require_numeric,
    resolve_by,
    warn_notes,
)
from humeresearch.stats._correct import correct_frame

_FUNC = "agreement"
#: default ``by`` of :func:`agreement` (the columns both tables have): the expression
#: without ``model``, which usually differs between ``a`` and ``b``.
AGREEMENT_BY: tuple[str, ...] = tuple(c for c in define.EXPRESSION_KEYS if c != "model")
_LABELS = {
    "pearson": "pearson",
    "spearman": "spearman",
    "icc": "ICC(2,1)",
    "icc2": "ICC(2,1)",
    "icc3": "ICC(3,1)",
    "rmcorr": "rmcorr",
}


def agreement(
    a: TableLike,
    b: TableLike,
    *,
    on: str | Sequence[str] | None = None,
    by: str | Sequence[str] | None = None,
    method: AgreementMethod = "pearson",
    value: str = "score",
    subject: str | None = None,
    correction: Correction = "fdr_bh",
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
    a, b : DataFrame or Measurements
        Long tables with the ``by``, ``on`` and ``value`` columns; each (by, on) key
        must occur at most once per table. A :class:`~humeresearch.Measurements` is
        taken as its long table.
    on : str or sequence of str, optional
        Keys that pair a row of ``a`` with a row of ``b``. Default: every column the
        two tables share except ``by``, ``value`` and ``model``.
    by : str or sequence of str, optional
        One coefficient per group of these columns. ``None`` (default): one per
        expression, i.e. the columns of ``("family", "name")`` that both tables have
        (:data:`humeresearch.define.EXPRESSION_KEYS` without ``model``, which usually
        differs between ``a`` and ``b``). Explicitly named columns must exist in both
        tables. ``()``: one coefficient for the whole tables. A table with several
        statistics, models, granularities or align targets (``stat``, ``model``,
        ``granularity``, ``from_model``, ``from_track``) within one group is refused.
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
    value : str, default "score"
        Numeric column holding the measurement in both tables.
    subject : str, optional
        Subject column (both tables), required by ``"rmcorr"``; it is added to ``on``.
        With ``"pearson"``/``"spearman"``, several pairs per subject (or, without
        ``subject``, per ``source``/``file`` pairing key) trigger a
        :class:`~humeresearch.errors.PseudoReplicationWarning` pointing to
        ``"rmcorr"``.
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
        * ``n_subjects`` (Int64): subjects with pairs when ``subject`` is given,
          else missing (``<NA>``: no count applies);
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

    Warns
    -----
    PseudoReplicationWarning
        Pearson or Spearman on repeated pairs of a subject or recording.

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
    a = as_frame(a, func=_FUNC, name="a")
    b = as_frame(b, func=_FUNC, name="b")
    check_option(method, define.AGREEMENT_METHODS, name="method", func=_FUNC)
    check_option(correction, define.CORRECTIONS, name="correction", func=_FUNC)
    check_confidence(confidence, _FUNC)
    roles = [value, *([subject] if subject is not None else [])]
    on_cols = [on] if isinstance(on, str) else list(on or [])
    by_cols = resolve_by(
        [(a, "a"), (b, "b")], by, func=_FUNC, default=AGREEMENT_BY, roles=[*roles, *on_cols]
    )
    for frame, name in ((a, "a"), (b, "b")):
        require_columns(frame, [value], func=_FUNC, name=name)
        require_numeric(frame, value, _FUNC, name)
    if method == "rmcorr" and subject is None:
        raise ValueError(f"{_FUNC}: method='rmcorr' needs subject=")
    keys = _resolve_on(a, b, on, by_cols, value, subject)
    merged = _pair(a, b, keys, value)
    matched = _sizes(merged, by_cols)
    merged = merged[merged["_x"].notna() & merged["_y"].notna()]
    g, index, out = _group_codes(merged, by_cols)
    if method in ("pearson", "spearman"):
        _warn_repeated(merged, g, keys, subject, method)
    coef, n, n_subjects = _estimate(merged, g, len(out), method, subject, confidence)
    out["method"] = _LABELS[method]
    out["n"] = n.astype(np.int64)
    out["n_subjects"] = pd.array(n_subjects, dtype="Int64")
    matched_n = _align(matched, index, by_cols)
    out["n_only_a"] = (_align(_sizes(a, by_cols), index, by_cols) - matched_n).astype(np.int64)
    out["n_only_b"] = (_align(_sizes(b, by_cols), index, by_cols) - matched_n).astype(np.int64)
    out = _fill(out, coef, method)
    out["p_adj"] = correct_frame(out, correction, correct_within, _FUNC)
    out["correction"] = correction
    out = out[[*by_cols, *_COLUMNS]]
    warn_notes(out["note"], _FUNC, len(out))
    return out


_COLUMNS = [
    "method",
    "n",
    "n_subjects",
    "n_only_a",
    "n_only_b",
    "estimate",
    "ci_low",
    "ci_high",
    "statistic",
    "df",
    "df2",
    "p",
    "p_adj",
    "correction",
    "note",
]


def _pair(a: pd.DataFrame, b: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    """Rows of ``a`` and ``b`` paired on ``keys``: the key columns, ``_x`` and ``_y``."""
    for frame, name in ((a, "a"), (b, "b")):
        dup = frame.duplicated(keys)
        if dup.any():
            first = frame.loc[dup, keys].iloc[0].to_dict()
            raise ValueError(
                f"{_FUNC}: {name} has several rows for the key {first}; pass on= with the "
                "columns that identify one measurement, or aggregate first"
            )
    left = a[keys + [value]].rename(columns={value: "_x"})
    right = b[keys + [value]].rename(columns={value: "_y"})
    merged = left.merge(right, on=keys, how="inner", sort=False)
    if merged.empty and len(a) and len(b):
        raise ValueError(
            f"{_FUNC}: no row of a has a partner in b on the keys {keys}; pass on= with the "
            "columns that identify the same measurement in both tables"
        )
    return merged


def _group_codes(
    merged: pd.DataFrame, by_cols: list[str]
) -> tuple[np.ndarray, pd.Index, pd.DataFrame]:
    """Group code of every pair, the groups' index and the result's ``by`` columns."""
    if not by_cols:
        return np.zeros(len(merged), dtype=np.int64), pd.Index([0]), pd.DataFrame(index=range(1))
    gb = merged.groupby(by_cols, observed=True, sort=True)
    index = gb.size().index
    return gb.ngroup().to_numpy(), index, key_frame(index, by_cols)


def _estimate(
    merged: pd.DataFrame,
    g: np.ndarray,
    k: int,
    method: str,
    subject: str | None,
    confidence: float,
) -> tuple[_coefficients.Coefficients, np.ndarray, np.ndarray]:
    """The coefficients of every group, its pairs and (``rmcorr``) its subjects."""
    x = merged["_x"].to_numpy(dtype=float)
    y = merged["_y"].to_numpy(dtype=float)
    n = np.bincount(g, minlength=k).astype(float)
    n_subjects: np.ndarray = np.full(k, None, dtype=object)
    if subject is not None:
        s = pd.factorize(merged[subject])[0]
        pair = pd.MultiIndex.from_arrays([g, s]).factorize()[0]
        n_subjects = np.bincount(g[np.unique(pair, return_index=True)[1]], minlength=k)
    if method in ("pearson", "spearman"):
        if method == "spearman":
            x = pd.Series(x).groupby(g).rank().to_numpy()
            y = pd.Series(y).groupby(g).rank().to_numpy()
        coef = _coefficients.correlation(x, y, g, k, n, method, confidence)
    elif method == "rmcorr":
        coef = _coefficients.rmcorr(x, y, g, pair, k, n, n_subjects, confidence)
    else:
        coef = _coefficients.icc(x, y, g, k, n, method, confidence)
    return coef, n, n_subjects


def _warn_repeated(
    merged: pd.DataFrame, g: np.ndarray, keys: list[str], subject: str | None, method: str
) -> None:
    """Warn when Pearson or Spearman pools repeated pairs of subjects or recordings."""
    units = [subject] if subject is not None else [c for c in ("source", "file") if c in keys]
    for unit in units[:1]:
        codes = pd.MultiIndex.from_arrays([g, merged[unit].to_numpy()]).factorize()[0]
        counts = np.bincount(codes) if len(codes) else np.zeros(0)
        if (counts > 1).any():
            warnings.warn(
                f"{_FUNC}: method={method!r} pools {len(codes)} pairs from "
                f"{merged[unit].nunique()} {unit!r} values (several pairs per {unit!r}) as if "
                "independent: the CI and p-value are too optimistic and differences "
                f"between {unit!r} values drive the coefficient. Use method='rmcorr' with "
                f"subject={unit!r} (the within-{unit} association), or aggregate to one "
                f"pair per {unit!r} first",
                PseudoReplicationWarning,
                stacklevel=3,
            )


def _fill(out: pd.DataFrame, coef: _coefficients.Coefficients, method: str) -> pd.DataFrame:
    """The coefficient columns of the result, NaN (with a note) where undefined."""
    bad, few = coef.bad, coef.few
    for name in ("estimate", "ci_low", "ci_high", "statistic"):
        out[name] = np.where(bad | few, np.nan, getattr(coef, name))
    out["df"] = np.where(few, np.nan, coef.df)
    out["df2"] = np.where(few, np.nan, coef.df2)
    out["p"] = np.where(bad | few, np.nan, coef.p)
    few_text = "too few pairs per subject" if method == "rmcorr" else "fewer than 3 pairs"
    notes = join_notes((few, few_text), (bad & ~few, "zero variance"))
    out["note"] = pd.array(notes.astype(str), dtype="str")
    return out


def _resolve_on(
    a: pd.DataFrame,
    b: pd.DataFrame,
    on: str | Sequence[str] | None,
    by_cols: list[str],
    value: str,
    subject: str | None,
) -> list[str]:
    if on is None:
        keys = [c for c in a.columns if c in b.columns and c not in {*by_cols, value, "model"}]
    else:
        keys = [on] if isinstance(on, str) else list(on)
        require_columns(a, keys, func=_FUNC, name="a")
        require_columns(b, keys, func=_FUNC, name="b")
    if subject is not None:
        require_columns(a, [subject], func=_FUNC, name="a")
        require_columns(b, [subject], func=_FUNC, name="b")
        if subject not in keys:
            keys.append(subject)
    keys = [c for c in keys if c not in by_cols]
    if value in keys:
        raise ValueError(f"{_FUNC}: value {value!r} cannot be a pairing key")
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
