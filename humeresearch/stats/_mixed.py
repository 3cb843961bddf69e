"""``mixed``: one linear mixed model per expression (statsmodels MixedLM)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from humeresearch.stats._common import (
    DEFAULT_BY,
    check_confidence,
    check_frame,
    check_option,
    import_statsmodels,
    key_frame,
    require_columns,
    resolve_by,
)
from humeresearch.stats._correct import METHODS, correct_frame

_FUNC = "mixed"
_FIT_ERRORS = (np.linalg.LinAlgError, ValueError, ZeroDivisionError, FloatingPointError)


def mixed(
    data: pd.DataFrame,
    formula: str,
    groups: str,
    by: str | Sequence[str] | None = DEFAULT_BY,
    correction: str = "fdr_bh",
    *,
    re_formula: str | None = None,
    vc_formula: dict[str, str] | None = None,
    reml: bool = True,
    confidence: float = 0.95,
    correct_within: str | Sequence[str] | None = "term",
    fit_kwargs: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Fit one linear mixed model per expression and tabulate the fixed effects.

    For every group of ``by`` the model ``formula`` is fitted with
    :class:`statsmodels.regression.mixed_linear_model.MixedLM` (via
    ``statsmodels.formula.api.mixedlm``) with a random intercept per level of
    ``groups`` (e.g. participant), optional random slopes (``re_formula``) and
    variance components (``vc_formula``). Warnings raised while fitting (e.g.
    convergence warnings) are captured per model into the ``warnings`` column,
    never printed; a fit that fails gives NaN rows with the error in ``warnings``.

    Parameters
    ----------
    data : DataFrame
        Long data, one row per observation (e.g. per trial and expression).
    formula : str
        Patsy formula of the fixed effects, e.g. ``"score ~ condition"`` or
        ``"score ~ condition * time"``.
    groups : str
        Column of the grouping factor of the random effects (e.g. ``"participant"``).
    by : str or sequence of str or None, default ("model", "family", "name")
        One model per group of these columns; with the default, missing columns are
        skipped. ``None``: one model for the whole table.
    correction : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}, default "fdr_bh"
        Multiple-comparison correction (see :func:`humeresearch.correct`).
    re_formula : str, optional
        Random-effects formula, e.g. ``"~time"`` for a random intercept and slope
        of ``time``. Default: random intercept only.
    vc_formula : dict, optional
        Variance-component formulas passed to statsmodels (nested random effects).
    reml : bool, default True
        Restricted maximum likelihood (True) or maximum likelihood.
    confidence : float, default 0.95
        Level of the Wald confidence intervals.
    correct_within : str or sequence of str or None, default "term"
        Families of the correction: by default each fixed-effect term is corrected
        across the expressions (the intercepts form their own family). ``None``:
        all rows form one family.
    fit_kwargs : dict, optional
        Extra arguments of ``MixedLMResults.fit`` (e.g. ``{"method": "lbfgs"}``).

    Returns
    -------
    DataFrame
        One row per group of ``by`` and fixed-effect term:

        * the ``by`` columns;
        * ``term`` (str): the fixed-effect name as statsmodels spells it
          (``Intercept``, ``condition[T.b]``, ...);
        * ``estimate``, ``se`` (float): coefficient and its standard error;
        * ``z``, ``p`` (float): Wald z statistic and two-sided p-value;
        * ``p_adj`` (float), ``correction`` (str): corrected p-value and method;
        * ``ci_low``, ``ci_high`` (float): Wald ``confidence`` interval;
        * ``n_obs``, ``n_groups`` (int): observations and levels of ``groups`` used;
        * ``converged`` (bool): statsmodels' convergence flag (False if the fit failed);
        * ``warnings`` (str): the warnings captured during the fit, ``" | "``
          separated, or the error of a failed fit; "" when there were none.

    Raises
    ------
    ImportError
        If statsmodels is not installed (``pip install humeresearch[stats]``).
    ValueError
        Bad options, missing columns, or a formula statsmodels cannot build
        (named with the group it failed on).

    Notes
    -----
    Assumptions: a linear model with normally distributed residuals and random
    effects; observations independent given the random effects. Rows with missing
    values in the model's variables are dropped per model (``missing="drop"``). The
    p-values are Wald tests (normal reference distribution), as statsmodels reports
    them; with few groups they are anti-conservative.

    References
    ----------
    Laird, N. M., & Ware, J. H. (1982). Random-effects models for longitudinal data.
    *Biometrics*, 38(4), 963-974. Seabold, S., & Perktold, J. (2010). statsmodels:
    econometric and statistical modeling with Python. *Proc. 9th Python in Science Conf.*

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import humeresearch as hr
    >>> rng = np.random.default_rng(0)
    >>> n = 240
    >>> df = pd.DataFrame({
    ...     "name": np.repeat(["Joy", "Anger"], n // 2),
    ...     "participant": np.tile(np.repeat(np.arange(12), 10), 2),
    ...     "condition": np.tile(["a", "b"], n // 2),
    ... })
    >>> df["score"] = rng.normal(size=n) + (df["condition"] == "b") * 0.5
    >>> res = hr.mixed(df, "score ~ condition", groups="participant")
    >>> res[["name", "term", "n_obs", "n_groups"]]
        name            term  n_obs  n_groups
    0  Anger       Intercept    120        12
    1  Anger  condition[T.b]    120        12
    2    Joy       Intercept    120        12
    3    Joy  condition[T.b]    120        12
    """
    check_frame(data, _FUNC)
    if not isinstance(formula, str) or "~" not in formula:
        raise ValueError(
            f"{_FUNC}: formula must be a string like 'score ~ condition', got {formula!r}"
        )
    check_option(correction, "correction", METHODS, _FUNC)
    check_confidence(confidence, _FUNC)
    by_cols = resolve_by(data, by, _FUNC)
    require_columns(data, [groups], _FUNC)
    if groups in by_cols:
        raise ValueError(f"{_FUNC}: groups column {groups!r} cannot also be a by column")
    import_statsmodels(_FUNC)
    import statsmodels.formula.api as smf

    alpha = 1 - confidence
    kwargs = dict(fit_kwargs or {})
    if by_cols:
        gb = data.groupby(by_cols, observed=True, sort=True)
        keys = key_frame(gb.size().index, by_cols)
        items = (sub for _, sub in gb)
    else:
        keys = pd.DataFrame(index=range(1))
        items = iter([data])
    results: list[tuple[int, dict[str, Any]]] = []
    for gi, sub in enumerate(items):
        try:
            model = smf.mixedlm(
                formula,
                sub,
                groups=groups,
                re_formula=re_formula,
                vc_formula=vc_formula,
                missing="drop",
            )
        except Exception as exc:
            where = keys.iloc[gi].to_dict() if by_cols else "the whole table"
            raise ValueError(
                f"{_FUNC}: could not build the model {formula!r} for {where}: {exc}"
            ) from exc
        results.append((gi, _fit(model, reml, kwargs, alpha)))
    out = _table(results, keys, by_cols)
    out["p_adj"] = correct_frame(out, correction, correct_within, _FUNC)
    out["correction"] = correction
    cols = ["term", "estimate", "se", "z", "p", "p_adj", "correction", "ci_low", "ci_high"]
    return out[[*by_cols, *cols, "n_obs", "n_groups", "converged", "warnings"]]


def _fit(model: Any, reml: bool, kwargs: dict[str, Any], alpha: float) -> dict[str, Any]:
    """Fit one model, capturing warnings; a dict of per-term arrays and model facts."""
    info: dict[str, Any] = {"n_obs": int(model.nobs), "n_groups": int(model.n_groups)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = model.fit(reml=reml, **kwargs)
        except _FIT_ERRORS as exc:
            res = None
            error = f"fit failed: {type(exc).__name__}: {exc}"
    messages = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    if res is None:
        info.update(terms=None, converged=False, warnings=" | ".join([error, *messages]))
        return info
    names = list(res.fe_params.index)
    ci = np.asarray(res.conf_int(alpha=alpha).loc[names], dtype=float)
    est = res.fe_params.to_numpy(dtype=float)
    se = np.asarray(res.bse_fe, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = est / se
    info.update(
        terms=names,
        estimate=est,
        se=se,
        z=z,
        p=res.pvalues.loc[names].to_numpy(dtype=float),
        ci_low=ci[:, 0],
        ci_high=ci[:, 1],
        converged=bool(res.converged),
        warnings=" | ".join(messages),
    )
    return info


def _table(
    results: list[tuple[int, dict[str, Any]]], keys: pd.DataFrame, by_cols: list[str]
) -> pd.DataFrame:
    """Long result table; failed fits get one NaN row per term seen in other fits."""
    seen: list[str] = []
    for _, info in results:
        for t in info["terms"] or []:
            if t not in seen:
                seen.append(t)
    fallback = seen or [pd.NA]
    gids: list[int] = []
    cols: dict[str, list[Any]] = {
        c: []
        for c in (
            "term",
            "estimate",
            "se",
            "z",
            "p",
            "ci_low",
            "ci_high",
            "n_obs",
            "n_groups",
            "converged",
            "warnings",
        )
    }
    for gi, info in results:
        terms = info["terms"] if info["terms"] is not None else fallback
        m = len(terms)
        gids.extend([gi] * m)
        cols["term"].extend(terms)
        for c in ("estimate", "se", "z", "p", "ci_low", "ci_high"):
            cols[c].extend(info[c] if info["terms"] is not None else [np.nan] * m)
        for c in ("n_obs", "n_groups", "converged", "warnings"):
            cols[c].extend([info[c]] * m)
    out = (
        keys.iloc[gids].reset_index(drop=True) if by_cols else pd.DataFrame(index=range(len(gids)))
    )
    out["term"] = pd.array(cols["term"], dtype="str")
    for c in ("estimate", "se", "z", "p", "ci_low", "ci_high"):
        out[c] = np.asarray(cols[c], dtype=float)
    out["n_obs"] = np.asarray(cols["n_obs"], dtype=np.int64)
    out["n_groups"] = np.asarray(cols["n_groups"], dtype=np.int64)
    out["converged"] = np.asarray(cols["converged"], dtype=bool)
    out["warnings"] = pd.array(cols["warnings"], dtype="str")
    return out
