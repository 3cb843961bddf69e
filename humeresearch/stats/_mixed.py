"""``mixed``: one linear mixed model per expression (statsmodels MixedLM)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._tables import TableLike, as_frame, check_option, is_scaled, require_columns
from humeresearch.define import Correction
from humeresearch.errors import PseudoReplicationWarning, StatsWarning
from humeresearch.stats._common import (
    check_confidence,
    import_statsmodels,
    key_frame,
    resolve_by,
)
from humeresearch.stats._correct import correct_frame
from humeresearch.stats._mixed_facts import (
    FIT_FACTS,
    fit_table,
    model_facts,
    variance_columns,
)

_FUNC = "mixed"
_FIT_ERRORS = (np.linalg.LinAlgError, ValueError, ZeroDivisionError, FloatingPointError)


def mixed(
    data: TableLike,
    *,
    formula: str,
    subject: str,
    by: str | Sequence[str] | None = None,
    correction: Correction = "fdr_bh",
    re_formula: str | None = None,
    vc_formula: dict[str, str] | None = None,
    reml: bool = True,
    confidence: float = 0.95,
    correct_within: str | Sequence[str] | None = None,
    fit_kwargs: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Fit one linear mixed model per expression and tabulate the fixed effects.

    For every group of ``by`` the model ``formula`` is fitted with
    :class:`statsmodels.regression.mixed_linear_model.MixedLM` (via
    ``statsmodels.formula.api.mixedlm``) with a random intercept per level of
    ``subject`` (e.g. participant), optional random slopes (``re_formula``) and
    variance components (``vc_formula``). Warnings raised while fitting are
    captured per model: convergence is reported in the ``converged`` column, a
    short reason in ``note``, and one :class:`~humeresearch.errors.StatsWarning`
    per call lists the models with a note; a fit that fails gives NaN rows.

    The correction family is every non-intercept term of the call (one family per
    call, as in :func:`compare`, :func:`agreement` and :func:`cluster_test`);
    ``correct_within="term"`` corrects each term across the expressions separately.
    The intercepts test "score = 0", which is rarely a hypothesis: their ``p_adj``
    is NaN. Treatment contrasts take the first level of a categorical column (the
    reference of :func:`compare`, so ``condition[T.treatment]`` reads treatment -
    control), else the first in sorted order.

    Parameters
    ----------
    data : DataFrame or Measurements
        Long data, one row per observation (e.g. per trial and expression); a
        :class:`~humeresearch.Measurements` is taken as its long table.
    formula : str
        Patsy formula of the fixed effects, e.g. ``"score ~ condition"`` or
        ``"score ~ condition * time"``.
    subject : str
        Column of the grouping factor of the random effects (e.g. ``"participant"``;
        statsmodels' ``groups``).
    by : str or sequence of str, optional
        One model per group of these columns. ``None`` (default): one model per
        expression, i.e. the columns of ``("model", "family", "name")``
        (:data:`humeresearch.define.EXPRESSION_KEYS`) that the data has. ``()``: one
        model for the whole table.
        A table whose rows are different quantities within one group (several
        values of ``stat``, ``model``, ``granularity``, ``from_model`` or
        ``from_track`` not used in the formulas) is refused; the message names the
        column to add to ``by``.
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
    correct_within : str or sequence of str, optional
        Output columns (e.g. ``"term"``) whose groups are corrected as separate
        families. Default: all non-intercept rows form one family.
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
        * ``p_adj`` (float), ``correction`` (str): corrected p-value (NaN for
          ``Intercept``) and method;
        * ``ci_low``, ``ci_high`` (float): Wald ``confidence`` interval;
        * ``n_obs``, ``n_subjects`` (int): observations and levels of ``subject`` used;
        * ``var_subject`` (float): variance of the random intercept of ``subject``
          (NaN when ``re_formula`` has no intercept; statsmodels' ``cov_re``);
        * ``var_<term>`` (float), one per random slope of ``re_formula``, named
          after the term as statsmodels spells it (``re_formula="~trial"`` gives
          ``var_trial``, ``"~condition"`` gives ``var_condition[T.b]``): the
          diagonal of ``cov_re`` (the covariances are not reported);
        * ``var_<name>`` (float), one per variance component of ``vc_formula``,
          named after its key (``{"recording": "0 + C(source)"}`` gives
          ``var_recording``): statsmodels' ``vcomp``;
        * ``var_residual`` (float): residual variance (statsmodels' ``scale``);
        * ``llf``, ``aic``, ``bic`` (float): log-likelihood (restricted under
          REML) and the information criteria (NaN under REML, as statsmodels
          reports them: compare models fitted with ``reml=False``, or use
          :func:`humeresearch.stats.lrt`);
        * ``converged`` (bool): statsmodels' convergence flag (False if the fit failed);
        * ``note`` (str): ``not converged``, ``fit warning: <category>`` (e.g.
          ``fit warning: RuntimeWarning``; ``;`` separated) or ``fit failed:
          <error type>``; "" for a clean fit.

    Raises
    ------
    ImportError
        If statsmodels is not installed (``pip install humeresearch[stats]``).
    ValueError
        Bad options, missing columns, or a formula statsmodels cannot build
        (named with the group it failed on).

    Warns
    -----
    PseudoReplicationWarning
        Rows nested in recordings (several rows per ``source`` or ``file``, several
        recordings per subject) that neither the formulas nor ``by`` account for;
        the fix is a variance component per recording
        (``vc_formula={"recording": "0 + C(source)"}``) or one row per recording.
    StatsWarning
        Models that failed, did not converge or warned (see ``note``).

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
    >>> res = hr.mixed(df, formula="score ~ condition", subject="participant")
    >>> res[["name", "term", "n_obs", "n_subjects"]]
        name            term  n_obs  n_subjects
    0  Anger       Intercept    120          12
    1  Anger  condition[T.b]    120          12
    2    Joy       Intercept    120          12
    3    Joy  condition[T.b]    120          12
    >>> [c for c in res.columns if c.startswith("var_")]
    ['var_subject', 'var_residual']
    """
    if is_scaled(data):
        raise TypeError(
            "mixed: a Dask table or dataset is reduced first, e.g. with "
            "humeresearch.dataset.reduce(data, subject=..., within=...), then fitted"
        )
    data = as_frame(data, func=_FUNC)
    if not isinstance(formula, str) or "~" not in formula:
        raise ValueError(
            f"{_FUNC}: formula must be a string like 'score ~ condition', got {formula!r}"
        )
    check_option(correction, define.CORRECTIONS, name="correction", func=_FUNC)
    check_confidence(confidence, _FUNC)
    spec = _Spec(formula, subject, re_formula, vc_formula, reml, dict(fit_kwargs or {}))
    roles = [c for c in data.columns if c in spec.mentioned() or c == subject]
    by_cols = resolve_by([(data, "data")], by, func=_FUNC, roles=roles)
    require_columns(data, [subject], func=_FUNC)
    if subject in by_cols:
        raise ValueError(f"{_FUNC}: subject column {subject!r} cannot also be a by column")
    import_statsmodels(_FUNC)
    _warn_nested(data, by_cols, spec)
    keys, items = _groups(data, by_cols)
    results = [
        (gi, _fit(_build(spec, sub, keys, gi, by_cols), spec, 1 - confidence))
        for gi, sub in enumerate(items)
    ]
    out = fit_table(results, keys, by_cols)
    tested = out["term"] != "Intercept"
    out["p_adj"] = np.nan
    out.loc[tested, "p_adj"] = correct_frame(out[tested], correction, correct_within, _FUNC)
    out["correction"] = correction
    _warn_fits(out, by_cols)
    cols = ["term", "estimate", "se", "z", "p", "p_adj", "correction", "ci_low", "ci_high"]
    facts = [c for c in out.columns if c.startswith("var_") or c in FIT_FACTS]
    return out[[*by_cols, *cols, "n_obs", "n_subjects", *facts, "converged", "note"]]


@dataclass(frozen=True)
class _Spec:
    """One model specification, fitted once per group."""

    formula: str
    subject: str
    re_formula: str | None
    vc_formula: dict[str, str] | None
    reml: bool
    fit_kwargs: dict[str, Any]

    def mentioned(self) -> set[str]:
        """Identifiers named in the formulas (columns the model uses)."""
        texts = [self.formula, self.re_formula or "", *(self.vc_formula or {}).values()]
        return set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", " ".join(texts)))


#: contract columns that name a recording.
_RECORDINGS = ("source", "file")


def _warn_nested(data: pd.DataFrame, by_cols: list[str], spec: _Spec) -> None:
    """Warn when rows are nested in recordings that the model does not account for."""
    used = spec.mentioned() | {spec.subject} | set(by_cols)
    if used & set(_RECORDINGS):
        return  # the model or the grouping accounts for recordings
    for rec in _RECORDINGS:
        if rec not in data.columns:
            continue
        if not data.groupby([*by_cols, rec], observed=True).size().gt(1).any():
            return  # one row per recording: nothing nested
        per_subject = data.groupby([*by_cols, spec.subject], observed=True)[rec].nunique()
        if per_subject.gt(1).any():
            warnings.warn(
                f"{_FUNC}: the rows are repeated measures of recordings (several rows per "
                f"{rec!r}, several {rec!r} per {spec.subject!r}) but the model has only a "
                f"random intercept per {spec.subject!r}, so rows of one recording count as "
                "independent (far too many false positives). Add a variance component per "
                f'recording, vc_formula={{"recording": "0 + C({rec})"}}, or aggregate to '
                f"one row per recording first (summarize(data, by=[{rec!r}, "
                f"{spec.subject!r}, ...]))",
                PseudoReplicationWarning,
                stacklevel=3,
            )
        return


def _warn_fits(out: pd.DataFrame, by_cols: list[str]) -> None:
    """One warning for every model that failed, did not converge or warned."""
    first = ~out.duplicated(by_cols) if by_cols else pd.Series([True] + [False] * (len(out) - 1))
    notes = out.loc[first.to_numpy(), "note"]
    notes = notes[notes != ""]
    if len(notes):
        listed = ", ".join(f"{n} x {text!r}" for text, n in notes.value_counts().items())
        warnings.warn(
            f"{_FUNC}: {len(notes)} of {int(first.sum())} models have a note ({listed}); see "
            "the 'converged' and 'note' columns",
            StatsWarning,
            stacklevel=3,
        )


def _groups(data: pd.DataFrame, by_cols: list[str]) -> tuple[pd.DataFrame, Iterator[pd.DataFrame]]:
    """The ``by`` keys (one row per group) and the groups' rows, in the same order."""
    if not by_cols:
        return pd.DataFrame(index=range(1)), iter([data])
    gb = data.groupby(by_cols, observed=True, sort=True)
    return key_frame(gb.size().index, by_cols), (sub for _, sub in gb)


def _build(spec: _Spec, sub: pd.DataFrame, keys: pd.DataFrame, gi: int, by_cols: list[str]) -> Any:
    """The statsmodels model of one group; a ValueError naming the group when it fails."""
    import statsmodels.formula.api as smf

    try:
        return smf.mixedlm(
            spec.formula,
            sub,
            groups=spec.subject,
            re_formula=spec.re_formula,
            vc_formula=spec.vc_formula,
            missing="drop",
        )
    except Exception as exc:
        where = keys.iloc[gi].to_dict() if by_cols else "the whole table"
        raise ValueError(
            f"{_FUNC}: could not build the model {spec.formula!r} for {where}: {exc}"
        ) from exc


def _fit(model: Any, spec: _Spec, alpha: float) -> dict[str, Any]:
    """Fit one model, capturing warnings; a dict of per-term arrays and model facts."""
    variances = variance_columns(model, spec.subject)
    info: dict[str, Any] = {
        "n_obs": int(model.nobs),
        "n_subjects": int(model.n_groups),
        "variances": variances,
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = model.fit(reml=spec.reml, **spec.fit_kwargs)
        except _FIT_ERRORS as exc:
            res = None
            error = f"fit failed: {type(exc).__name__}"
    kinds = list(dict.fromkeys(w.category.__name__ for w in caught))
    if res is None:
        info.update(dict.fromkeys([*variances, *FIT_FACTS], np.nan), terms=None)
        info.update(converged=False, note=error)
        return info
    info.update(model_facts(res, spec.subject))
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
        note="; ".join(
            (["not converged"] if not res.converged else [])
            + [f"fit warning: {k}" for k in kinds if k != "ConvergenceWarning" or res.converged]
        ),
    )
    return info
