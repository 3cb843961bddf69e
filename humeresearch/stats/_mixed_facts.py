"""The model columns of ``mixed``: random-effect variances, residual variance, fit criteria.

Every random effect of a model gets a ``var_`` column: ``var_subject`` for the
random intercept of ``subject``, ``var_<term>`` for each random slope of
``re_formula`` (statsmodels' name of the term, e.g. ``var_trial``) and
``var_<name>`` for each variance component of ``vc_formula`` (its key, e.g.
``var_recording``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: facts of every fit after the random-effect variances.
FIT_FACTS = ("var_residual", "llf", "aic", "bic")
#: per-term columns of the table.
TERM_COLUMNS = ("estimate", "se", "z", "p", "ci_low", "ci_high")


def _intercept_labels(subject: str) -> tuple[str, ...]:
    """statsmodels' names of the random intercept (``groups`` as a column or an array)."""
    return ("Group", "Intercept", subject)


def variance_columns(model: Any, subject: str) -> list[str]:
    """The ``var_`` columns of a built MixedLM: intercept, slopes, variance components.

    Raises ValueError when two random effects would share a column (e.g. a
    variance component named ``"subject"`` or ``"residual"``).
    """
    labels = _intercept_labels(subject)
    re_names = [str(n) for n in getattr(model.data, "exog_re_names", None) or []]
    vc = getattr(model, "exog_vc", None)
    vc_names = [str(n) for n in (getattr(vc, "names", None) or [])]
    columns = ["var_subject"]
    columns += [f"var_{n}" for n in re_names if n not in labels]
    columns += [f"var_{n}" for n in vc_names]
    taken = {"var_subject", "var_residual"}
    clash = [c for i, c in enumerate(columns) if c in columns[:i] or (i and c in taken)]
    if clash:
        raise ValueError(
            f"mixed: the random effects {re_names + vc_names} give the column(s) {clash} "
            "twice (or a name mixed reports already); rename the variance component "
            "(a key of vc_formula) or the column"
        )
    return columns


def model_facts(res: Any, subject: str) -> dict[str, float]:
    """Random-effect variances, residual variance, log-likelihood, AIC and BIC of a fit."""
    labels = _intercept_labels(subject)
    cov_re = res.cov_re
    facts: dict[str, float] = {"var_subject": np.nan}
    for i, name in enumerate(map(str, cov_re.index)):
        key = "var_subject" if name in labels else f"var_{name}"
        facts[key] = float(cov_re.iloc[i, i])
    vc = getattr(res.model, "exog_vc", None)
    names = [str(n) for n in (getattr(vc, "names", None) or [])]
    for name, var in zip(names, np.asarray(res.vcomp, dtype=float)):
        facts[f"var_{name}"] = float(var)
    facts.update(
        var_residual=float(res.scale),
        llf=float(res.llf),
        aic=float(res.aic),
        bic=float(res.bic),
    )
    return facts


def fit_table(
    results: list[tuple[int, dict[str, Any]]], keys: pd.DataFrame, by_cols: list[str]
) -> pd.DataFrame:
    """Long result table; failed fits get one NaN row per term seen in other fits.

    Each ``info`` holds ``terms`` (None for a failed fit), the per-term arrays,
    ``n_obs``, ``n_subjects``, ``variances`` (the ``var_`` column names of its
    model), the facts and ``converged``/``note``. The ``var_`` columns are the
    union over the models, in order of appearance; a model without one has NaN.
    """
    seen: list[str] = []
    variances: list[str] = []
    for _, info in results:
        seen.extend(t for t in info["terms"] or [] if t not in seen)
        variances.extend(v for v in info["variances"] if v not in variances)
    facts = [*variances, *FIT_FACTS]
    fallback = seen or [pd.NA]
    gids: list[int] = []
    cols: dict[str, list[Any]] = {
        c: [] for c in ("term", *TERM_COLUMNS, "n_obs", "n_subjects", *facts, "converged", "note")
    }
    for gi, info in results:
        terms = info["terms"] if info["terms"] is not None else fallback
        m = len(terms)
        gids.extend([gi] * m)
        cols["term"].extend(terms)
        for c in TERM_COLUMNS:
            cols[c].extend(info[c] if info["terms"] is not None else [np.nan] * m)
        for c in ("n_obs", "n_subjects", *facts, "converged", "note"):
            cols[c].extend([info.get(c, np.nan)] * m)
    out = (
        keys.iloc[gids].reset_index(drop=True) if by_cols else pd.DataFrame(index=range(len(gids)))
    )
    out["term"] = pd.array(cols["term"], dtype="str")
    for c in TERM_COLUMNS:
        out[c] = np.asarray(cols[c], dtype=float)
    out["n_obs"] = np.asarray(cols["n_obs"], dtype=np.int64)
    out["n_subjects"] = np.asarray(cols["n_subjects"], dtype=np.int64)
    for c in facts:
        out[c] = np.asarray(cols[c], dtype=float)
    out["converged"] = np.asarray(cols["converged"], dtype=bool)
    out["note"] = pd.array(cols["note"], dtype="str")
    return out
