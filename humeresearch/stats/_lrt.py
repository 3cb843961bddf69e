"""``lrt``: likelihood-ratio test between two nested mixed models, per expression."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from humeresearch import define
from humeresearch._tables import TableLike, as_frame, check_option, require_columns
from humeresearch.define import Correction
from humeresearch.stats._common import import_statsmodels, resolve_by, warn_notes
from humeresearch.stats._correct import correct_frame
from humeresearch.stats._mixed import _FIT_ERRORS, _build, _groups, _Spec, model_facts

_FUNC = "lrt"


def lrt(
    data: TableLike,
    *,
    formula: str,
    reduced: str,
    subject: str,
    by: str | Sequence[str] | None = None,
    re_formula: str | None = None,
    vc_formula: dict[str, str] | None = None,
    correction: Correction = "fdr_bh",
    correct_within: str | Sequence[str] | None = None,
    fit_kwargs: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Likelihood-ratio test of a mixed model against a nested one, per expression.

    Both models (same random effects, ``subject`` intercept plus ``re_formula`` and
    ``vc_formula``) are fitted by maximum likelihood (REML likelihoods of models
    with different fixed effects are not comparable) with statsmodels' MixedLM, as
    :func:`humeresearch.mixed` fits them; ``statistic = 2 (llf - llf_reduced)`` is
    referred to a chi-square with as many df as the models differ in parameters.
    All groups of ``by`` form one correction family.

    Parameters
    ----------
    data : DataFrame or Measurements
        Long data, one row per observation.
    formula, reduced : str
        Fixed-effects formulas of the full and the nested model
        (``"score ~ condition"`` and ``"score ~ 1"``).
    subject : str
        Grouping column of the random intercept.
    by : str or sequence of str, optional
        ``None``: one test per expression; ``()``: one test.
    re_formula, vc_formula : optional
        Random effects of both models (see :func:`humeresearch.mixed`).
    correction : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}, default "fdr_bh"
        Multiple-comparison correction over the groups.
    correct_within : str or sequence of str, optional
        Output columns whose groups are separate families.
    fit_kwargs : dict, optional
        Extra arguments of ``MixedLMResults.fit``.

    Returns
    -------
    DataFrame
        One row per group of ``by``: the ``by`` columns; ``llf``, ``llf_reduced``,
        ``aic``, ``aic_reduced``, ``bic``, ``bic_reduced`` (float, ML fits);
        ``df`` (int): difference in the number of parameters; ``statistic``
        (float): the likelihood ratio; ``p``, ``p_adj`` (float), ``correction``
        (str); ``n_obs`` (int); ``converged`` (bool): both fits converged;
        ``note`` (str): ``not converged``, ``fit failed: <error>``, ``models not
        nested`` (the reduced model has as many parameters), "" otherwise.

    Raises
    ------
    ImportError
        If statsmodels is not installed.
    ValueError
        Bad formulas, options or columns.

    Notes
    -----
    A variance parameter tested on the boundary (a random effect dropped in
    ``reduced``) makes the chi-square p conservative; here both models share the
    random effects and differ in fixed effects only.

    Examples
    --------
    >>> import humeresearch as hr
    >>> from humeresearch import testing
    >>> df = testing.study(subjects=10, names=("Joy",), effects={"Joy": 0.2}, trials=2)
    >>> one = hr.summarize(df, by=["participant", "condition", "trial", "name"])
    >>> res = hr.stats.lrt(one, formula="score ~ condition", reduced="score ~ 1",
    ...                    subject="participant", by="name")
    >>> res[["name", "df", "n_obs"]]
      name  df  n_obs
    0  Joy   1     40
    """
    data = as_frame(data, func=_FUNC)
    for f, name in ((formula, "formula"), (reduced, "reduced")):
        if not isinstance(f, str) or "~" not in f:
            raise ValueError(f"{_FUNC}: {name} must be a string like 'score ~ condition'")
    check_option(correction, define.CORRECTIONS, name="correction", func=_FUNC)
    full = _Spec(formula, subject, re_formula, vc_formula, False, dict(fit_kwargs or {}))
    small = _Spec(reduced, subject, re_formula, vc_formula, False, dict(fit_kwargs or {}))
    roles = [c for c in data.columns if c in full.mentioned() | small.mentioned() or c == subject]
    by_cols = resolve_by([(data, "data")], by, func=_FUNC, roles=roles)
    require_columns(data, [subject], func=_FUNC)
    import_statsmodels(_FUNC)
    keys, items = _groups(data, by_cols)
    rows = []
    for gi, sub in enumerate(items):
        a = _fit_ml(_build(full, sub, keys, gi, by_cols), full)
        b = _fit_ml(_build(small, sub, keys, gi, by_cols), small)
        rows.append(_compare(a, b))
    out = keys.reset_index(drop=True) if by_cols else pd.DataFrame(index=range(1))
    frame = pd.DataFrame(rows)
    for col in frame.columns:
        out[col] = frame[col].to_numpy()
    out["df"] = out["df"].astype(np.int64)
    out["n_obs"] = out["n_obs"].astype(np.int64)
    out["p_adj"] = correct_frame(out, correction, correct_within, _FUNC)
    out["correction"] = correction
    out["note"] = pd.array(out["note"].astype(str), dtype="str")
    cols = ["llf", "llf_reduced", "aic", "aic_reduced", "bic", "bic_reduced", "df"]
    out = out[
        [*by_cols, *cols, "statistic", "p", "p_adj", "correction", "n_obs", "converged", "note"]
    ]
    warn_notes(out["note"], _FUNC, len(out))
    return out


def _fit_ml(model: Any, spec: _Spec) -> dict[str, Any]:
    """ML fit of one model: facts, parameter count, convergence and a note."""
    info: dict[str, Any] = {"n_obs": int(model.nobs)}
    info["k"] = int(model.k_fe + model.k_re2 + model.k_vc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = model.fit(reml=False, **spec.fit_kwargs)
        except _FIT_ERRORS as exc:
            info.update(llf=np.nan, aic=np.nan, bic=np.nan, converged=False)
            info["note"] = f"fit failed: {type(exc).__name__}"
            return info
    info.update(
        {k: v for k, v in model_facts(res, spec.subject).items() if k in ("llf", "aic", "bic")}
    )
    info["converged"] = bool(res.converged)
    info["note"] = "" if res.converged else "not converged"
    return info


def _compare(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    df = a["k"] - b["k"]
    stat = 2 * (a["llf"] - b["llf"])
    notes = [n for n in (a["note"], b["note"]) if n]
    if df < 1:
        notes.append("models not nested")
    return {
        "llf": a["llf"],
        "llf_reduced": b["llf"],
        "aic": a["aic"],
        "aic_reduced": b["aic"],
        "bic": a["bic"],
        "bic_reduced": b["bic"],
        "df": df,
        "statistic": stat,
        "p": float(stats.chi2.sf(max(stat, 0.0), df)) if df >= 1 else np.nan,
        "n_obs": a["n_obs"],
        "converged": a["converged"] and b["converged"],
        "note": "; ".join(dict.fromkeys(notes)),
    }
