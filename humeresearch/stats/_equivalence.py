"""``equivalence``: two one-sided tests (TOST) of "no difference larger than the bounds"."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from humeresearch._tables import TableLike, as_frame
from humeresearch.define import Agg, Correction, Weight
from humeresearch.stats._common import check_confidence, levels_of
from humeresearch.stats._compare import compare
from humeresearch.stats._correct import correct_frame

_FUNC = "equivalence"
_NAMES = {"welch_t": "tost_welch", "paired_t": "tost_paired", "one_sample_t": "tost_one_sample"}


def equivalence(
    data: TableLike,
    *,
    bounds: float | tuple[float, float],
    value: str = "score",
    between: str | None = None,
    within: str | None = None,
    against: float | None = None,
    subject: str | None = None,
    by: str | Sequence[str] | None = None,
    correction: Correction = "fdr_bh",
    correct_within: str | Sequence[str] | None = None,
    agg: Agg = "mean",
    confidence: float = 0.95,
    reference: Any = None,
    weight: Weight = "duration",
) -> pd.DataFrame:
    """Equivalence tests (TOST) per expression: is the difference inside the bounds?

    For every expression two one-sided t tests (Schuirmann 1987; Lakens 2017) are
    run on the subject values :func:`humeresearch.compare` analyses: ``diff <=
    low`` is rejected with ``p_lower`` (``other - low`` greater than ``reference``)
    and ``diff >= high`` with ``p_upper``; ``p = max(p_lower, p_upper)`` and
    equivalence is claimed when ``p_adj < alpha``. Welch's t between, the paired t
    within, the one-sample t against a value (``diff = mean - against``).

    Parameters
    ----------
    data : DataFrame or Measurements
        Long data as for :func:`humeresearch.compare`.
    bounds : float or (float, float)
        Equivalence bounds on the scale of ``value`` (raw units, as pingouin's
        ``tost``): ``0.1`` means ``(-0.1, 0.1)``; a pair ``(low, high)`` with
        ``low < high``.
    value, between, within, subject, by, agg, reference, weight
        As in :func:`humeresearch.compare`; ``between``/``within`` need exactly
        two levels.
    against : float, optional
        One-sample equivalence of the mean with this value.
    correction : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}, default "fdr_bh"
        Correction of ``p`` over the call.
    correct_within : str or sequence of str, optional
        Output columns whose groups are separate families.
    confidence : float, default 0.95
        ``1 - alpha``; the reported interval of ``diff`` is the ``1 - 2 alpha``
        (90 %) interval that TOST inverts.

    Returns
    -------
    DataFrame
        One row per expression: the ``by`` columns; ``reference``, ``other``;
        ``test`` (``tost_welch``, ``tost_paired``, ``tost_one_sample``);
        ``n_reference``, ``n_other``; ``diff`` (float); ``low``, ``high``
        (float): the bounds; ``statistic_lower``, ``statistic_upper`` (float):
        the two t statistics; ``df`` (float); ``p_lower``, ``p_upper``, ``p``,
        ``p_adj`` (float); ``correction`` (str); ``ci_low``, ``ci_high``
        (float): the ``1 - 2 alpha`` interval of ``diff``; ``note`` (str).

    Raises
    ------
    ValueError
        Bounds not ordered, a condition without exactly two levels, and the
        errors of :func:`humeresearch.compare`.

    Notes
    -----
    Checked against pingouin's ``tost`` (``correction=True`` between) to 1e-8.

    References
    ----------
    Schuirmann, D. J. (1987). *J. Pharmacokinet. Biopharm.*, 15, 657-680. Lakens,
    D. (2017). Equivalence tests. *Soc. Psychol. Personal. Sci.*, 8, 355-362.

    Examples
    --------
    >>> import humeresearch as hr
    >>> from humeresearch import testing
    >>> df = testing.study(subjects=16, names=("Joy",), seed=1)
    >>> res = hr.stats.equivalence(df, within="condition", subject="participant",
    ...                            bounds=0.3)
    >>> res[["name", "test", "low", "high", "n_other"]]
      name         test  low  high  n_other
    0  Joy  tost_paired -0.3   0.3       16
    """
    data = as_frame(data, func=_FUNC)
    check_confidence(confidence, _FUNC)
    low, high = _bounds(bounds)
    common: dict[str, Any] = dict(
        value=value, subject=subject, by=by, test="t", correction="none", agg=agg,
        weight=weight, omnibus=False, posthoc="pairwise", reference=reference,
    )  # fmt: skip
    if against is not None:
        lower = compare(data, against=against + low, alternative="greater", **common)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            upper = compare(data, against=against + high, alternative="less", **common)
        lower["reference"] = pd.Categorical([repr(float(against))] * len(lower))
    else:
        cond = between if between is not None else within
        design = {"between": between, "within": within}
        if cond is not None and len(levels_of(data[cond])) != 2:
            raise ValueError(f"{_FUNC}: column {cond!r} needs exactly two levels")
        lower = compare(_shift(data, value, cond, -low, reference), alternative="greater",
                        **design, **common)  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            upper = compare(_shift(data, value, cond, -high, reference), alternative="less",
                            **design, **common)  # fmt: skip
    return _table(lower, upper, low, high, confidence, correction, correct_within)


def _bounds(bounds: float | tuple[float, float]) -> tuple[float, float]:
    if isinstance(bounds, int | float) and not isinstance(bounds, bool):
        low, high = -abs(float(bounds)), abs(float(bounds))
    else:
        low, high = (float(b) for b in bounds)  # type: ignore[union-attr]
    if not low < high:
        raise ValueError(f"{_FUNC}: bounds must be a positive number or (low, high), low < high")
    return low, high


def _shift(
    data: pd.DataFrame, value: str, cond: str | None, by: float, reference: Any
) -> pd.DataFrame:
    """``data`` with ``by`` added to ``value`` in the non-reference level."""
    assert cond is not None
    ref = reference if reference is not None else levels_of(data[cond])[0]
    other = (data[cond] != ref).to_numpy()
    return data.assign(**{value: data[value].to_numpy(dtype=float) + np.where(other, by, 0.0)})


def _table(
    lower: pd.DataFrame,
    upper: pd.DataFrame,
    low: float,
    high: float,
    confidence: float,
    correction: str,
    correct_within: str | Sequence[str] | None,
) -> pd.DataFrame:
    by_cols = list(lower.columns[: list(lower.columns).index("kind")])
    out = lower[[*by_cols, "reference", "other"]].copy()
    out["test"] = pd.array(lower["test"].map(_NAMES).astype(str), dtype="str")
    out["n_reference"], out["n_other"] = lower["n_reference"], lower["n_other"]
    diff = lower["diff"].to_numpy() + low
    out["diff"] = diff
    out["low"], out["high"] = low, high
    t_lo, t_hi = lower["statistic"].to_numpy(), upper["statistic"].to_numpy()
    out["statistic_lower"], out["statistic_upper"] = t_lo, t_hi
    out["df"] = lower["df"].to_numpy()
    out["p_lower"], out["p_upper"] = lower["p"].to_numpy(), upper["p"].to_numpy()
    out["p"] = np.fmax(out["p_lower"], out["p_upper"]).where(out["p_lower"].notna())
    out["p_adj"] = correct_frame(out, correction, correct_within, _FUNC)
    out["correction"] = correction
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.where(np.abs(t_lo) >= np.abs(t_hi), (diff - low) / t_lo, (diff - high) / t_hi)
        half = stats.t.ppf(confidence, out["df"].to_numpy()) * se
    out["ci_low"], out["ci_high"] = diff - half, diff + half
    out["note"] = lower["note"].to_numpy()
    return out.reset_index(drop=True)
