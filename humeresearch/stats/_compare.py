"""``compare``: two-condition tests per expression with effect sizes and corrections."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import pandas as pd

from humeresearch import define
from humeresearch._tables import TableLike, as_frame, check_option, is_scaled
from humeresearch.define import (
    Agg,
    Alternative,
    CiMethod,
    Correction,
    Effect,
    Posthoc,
    Test,
    Weight,
)
from humeresearch.errors import StatsWarning
from humeresearch.stats import _twogroup
from humeresearch.stats._common import (
    check_confidence,
    check_positive_int,
    resolve_by,
    two_levels,
    warn_notes,
)
from humeresearch.stats._compare_steps import AGAINST as _AGAINST
from humeresearch.stats._compare_steps import COLUMNS as _COLUMNS
from humeresearch.stats._compare_steps import auto_effect as _auto_effect
from humeresearch.stats._compare_steps import check_columns as _check_columns
from humeresearch.stats._compare_steps import check_combination as _check_combination
from humeresearch.stats._compare_steps import check_units as _check_units
from humeresearch.stats._compare_steps import design_of as _design
from humeresearch.stats._compare_steps import posthoc_of as _posthoc
from humeresearch.stats._compare_steps import run as _run
from humeresearch.stats._compare_steps import test_name as _test_name
from humeresearch.stats._correct import correct_frame
from humeresearch.stats._omnibus import omnibus_rows
from humeresearch.stats._reduce import check_nested, reduce_units

_FUNC = "compare"
_EFFECTS = {
    "between": define.BETWEEN_EFFECTS,
    "within": define.WITHIN_EFFECTS,
    "against": define.WITHIN_EFFECTS,
}


def compare(
    data: TableLike,
    *,
    value: str = "score",
    between: str | None = None,
    within: str | None = None,
    subject: str | None = None,
    by: str | Sequence[str] | None = None,
    test: Test = "auto",
    correction: Correction = "fdr_bh",
    effect: Effect = "auto",
    agg: Agg = "mean",
    alternative: Alternative = "two-sided",
    n_permutations: int = 9999,
    seed: int | None = 0,
    confidence: float = 0.95,
    correct_within: str | Sequence[str] | None = None,
    reference: Any = None,
    weight: Weight = "duration",
    against: float | None = None,
    omnibus: bool | None = None,
    posthoc: Posthoc = "auto",
    ci_method: CiMethod = "normal",
) -> pd.DataFrame:
    """Compare conditions for every expression: test, effect size with CI, corrected p.

    For every group of ``by`` (by default one group per model, family and name, i.e.
    per expression) and every pair of levels of the condition column, run one
    two-sample test of ``other - reference``; all tests of the call form one family
    for the multiple-comparison correction (or one family per group of
    ``correct_within``), as in :func:`humeresearch.mixed`,
    :func:`humeresearch.agreement` and :func:`humeresearch.cluster_test`.

    Parameters
    ----------
    data : DataFrame or Measurements
        Long data: one row per observation, e.g. the long table (one row per span
        and expression) joined with the condition and participant columns, or the
        output of :func:`humeresearch.summarize` (its statistic is in ``score``).
        A :class:`~humeresearch.Measurements` is taken as its long table.
    value : str, default "score"
        Numeric column to compare. NaN values are ignored.
    between : str, optional
        Condition column whose levels are independent groups (each subject in one
        level only). Give exactly one of ``between`` and ``within``.
    within : str, optional
        Condition column whose levels are repeated measures of the same subjects;
        needs ``subject``. Values are paired by subject.
    subject : str, optional
        Unit of analysis (participant). When given, observations are first reduced
        to one value per (group, condition, subject) with ``agg`` (the mean by
        default), in one pass over all expressions, and the tests compare subjects.
        When omitted (``between`` only) every row is one independent unit; rows that
        are repeated measures of recordings (the data has ``span_id``, ``frame``,
        ``begin``, ``end`` or ``time``, or several rows per ``source`` or ``file``)
        then trigger a :class:`~humeresearch.errors.PseudoReplicationWarning`.
    by : str or sequence of str, optional
        Columns that define one comparison each. ``None`` (default): one comparison
        per expression, i.e. the columns of ``("model", "family", "name")``
        (:data:`humeresearch.define.EXPRESSION_KEYS`) that the data has. Explicitly
        named columns must exist. ``()``: one comparison for the whole table.
        A table whose rows are different quantities within one group (several
        values of ``stat``, ``model``, ``granularity``, ``from_model`` or
        ``from_track``: :func:`humeresearch.summarize` statistics, models, words and
        utterances, align targets) is refused; the message names the column to add
        to ``by``.
    test : {"auto", "t", "rank", "permutation"}, default "auto"
        ``"t"`` (and ``"auto"``): Welch's t-test (``between``, Welch 1947) or the
        paired t-test (``within``). ``"rank"``: Mann-Whitney U (``between``) or
        Wilcoxon signed-rank (``within``, zero differences dropped). ``"permutation"``:
        difference of means with labels permuted between groups (``between``) or
        signs of the paired differences flipped (``within``); exact when all
        ``2^n`` or ``C(n_reference + n_other, n_other)`` rearrangements fit in
        ``n_permutations``. Every expression's p-value is the one scipy gives for that
        expression alone (:func:`scipy.stats.mannwhitneyu`,
        :func:`scipy.stats.wilcoxon` with their default methods: exact or asymptotic
        is chosen per expression, so ties in one expression never change another's
        p). The two-sided permutation p is ``(1 + #{|T*| >= |T|}) / (1 +
        n_permutations)`` over random rearrangements ``T*`` (``#{|T*| >= |T|} / N``
        over all ``N`` when enumerated), the definition of :func:`cluster_test`
        (Phipson & Smyth 2010); one-sided p-values are scipy's tail shares.
    correction : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}, default "fdr_bh"
        Multiple-comparison correction (see :func:`humeresearch.correct`).
    effect : {"auto", "hedges_g", "d_z", "d_av", "rank_biserial"}, default "auto"
        ``between``: ``"hedges_g"`` or ``"rank_biserial"``; ``within``: ``"d_z"``,
        ``"d_av"`` or ``"rank_biserial"``. ``"auto"``: rank-biserial for the rank
        tests, else Hedges' g (``between``) or d_z (``within``).
    agg : {"mean", "median"}, default "mean"
        How observations are reduced to one value per subject and condition.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        ``"greater"``: ``other`` is larger than ``reference``.
    n_permutations : int, default 9999
        Resamples of the permutation tests.
    seed : int or None, default 0
        Seed of the permutation tests; the same seed gives the same p-values, and
        every expression uses the same stream (as if tested alone with that seed).
    confidence : float, default 0.95
        Level of the effect-size confidence intervals.
    correct_within : str or sequence of str, optional
        Output columns (e.g. ``"model"``) whose groups are corrected as separate
        families. Default: one family for the whole result.
    reference : optional
        Level of the condition column that every effect is measured from (effect =
        other - reference, so "Joy up in treatment" is positive with
        ``reference="control"``). Default: the first level, in category order when
        the column is categorical (``pd.Categorical(..., categories=["control",
        "treatment"])``, as :func:`humeresearch.annotate` keeps it), else in sorted
        order. With more than two levels every pair is compared, the earlier level
        in this order (reference first) being the pair's reference.
        (pingouin's ``pairwise_tests`` reports ``A - B`` with ``A`` the first level,
        i.e. the opposite sign for the same pair.)
    weight : {"duration", "equal"}, default "duration"
        How rows are weighted in one subject's value (with ``subject``):
        ``"duration"``, as :func:`humeresearch.summarize` does: in a (group,
        condition, subject) cell whose rows include spans of positive duration, each
        row weighs ``end - begin`` (the time average; ``agg="median"`` gives the
        time-weighted median), and cells of instants (face frames) or rows without
        ``begin``/``end`` count every row once; ``"equal"``: every row once. So
        ``summarize(..., by=[subject, condition, ...])`` and ``compare`` give the
        same subject means.
    against : float, optional
        One-sample test of every expression's subject values against this value
        (give it instead of ``between``/``within``; ``by`` may hold a condition
        column to test each level): one-sample t (``one_sample_t``), Wilcoxon
        signed-rank or sign-flip permutation of ``value - against``; effect d
        (``mean - against) / sd``, as ``d_z``) or rank-biserial. ``reference`` is
        the value (as text) and ``other`` the ``value`` column. For a baseline
        window, :func:`humeresearch.stats.rescale` the epochs first and test
        ``against=0``.
    omnibus : bool, optional
        Add one omnibus row per expression (``kind="omnibus"``) before its pairs:
        repeated-measures ANOVA with the Greenhouse-Geisser corrected p (within),
        Welch's ANOVA (between), Friedman or Kruskal-Wallis (``test="rank"``);
        see :func:`humeresearch.stats.anova` for sphericity and generalised eta
        squared. Default: with three or more levels (not for permutation tests).
    posthoc : {"auto", "pairwise", "tukey", "games_howell"}, default "auto"
        The pairs: ``"pairwise"``, the two-sample tests of ``test``;
        ``"tukey"`` (Tukey's HSD, pooled variance of all levels) or
        ``"games_howell"`` (Welch t and df), both ``between`` with ``test="t"``,
        two-sided, p from the studentized range over the levels (already
        family-wise within an expression; ``p_adj`` then corrects across
        expressions). ``"auto"``: Games-Howell between with ``test="t"`` and three
        or more levels (Welch's ANOVA's companion), else ``"pairwise"``.
    ci_method : {"normal", "exact"}, default "normal"
        CI of ``hedges_g`` and ``d_z``: ``"normal"`` approximation, or
        ``"exact"``: inversion of the noncentral t (Steiger & Fouladi 1997; for g
        the CI of d times Hedges' J).

    Returns
    -------
    DataFrame
        One row per group of ``by`` and pair of levels, sorted by ``by`` then pair
        (with an omnibus row first per group when ``omnibus``):

        * the ``by`` columns;
        * ``kind`` (str): ``"omnibus"`` or ``"pairwise"``. Omnibus rows have no
          ``reference``/``other``, means or CI; ``n_reference`` = ``n_other`` = the
          units tested; ``statistic`` is F, Q or H with ``df``, ``df2``; ``effect``
          partial eta squared (Kendall's W, epsilon squared for rank tests).
          ``kind`` always separates correction families (omnibus rows one family,
          pairs another, each split further by ``correct_within``);
        * ``reference``, ``other`` (categorical): the two levels compared; every
          statistic and effect is ``other - reference``;
        * ``test`` (str): ``welch_t``, ``mann_whitney_u``, ``permutation``,
          ``paired_t``, ``wilcoxon``, ``sign_flip_permutation``, ``one_sample_t``,
          ``tukey_hsd``, ``games_howell``; omnibus: ``rm_anova``, ``welch_anova``,
          ``friedman``, ``kruskal_wallis``;
        * ``n_reference``, ``n_other`` (int): units (subjects, or rows without
          ``subject``) in each level; for ``within`` both are the number of
          complete pairs;
        * ``n_unpaired`` (int): ``within`` only, subjects present in one of the two
          levels only, dropped from the test (0 for ``between``);
        * ``mean_reference``, ``mean_other``, ``sd_reference``, ``sd_other``
          (float): mean and SD (ddof=1) of the analysed unit values;
        * ``diff`` (float): ``mean_other - mean_reference``;
        * ``statistic`` (float): t (t tests), U of ``other`` (Mann-Whitney),
          Wilcoxon's statistic as scipy reports it for ``other - reference``, or the
          observed difference of means (permutation tests);
        * ``df`` (float): degrees of freedom of the t tests (Welch-Satterthwaite
          for ``welch_t``), NaN otherwise; ``df2`` (float): denominator df of the
          omnibus F tests, NaN otherwise;
        * ``p``, ``p_adj`` (float): raw and corrected p-value;
        * ``correction`` (str): the correction method;
        * ``effect``, ``effect_type`` (float, str): ``hedges_g`` (pooled SD, exact
          small-sample correction; Hedges & Olkin 1985), ``cohen_d_z`` or
          ``cohen_d_av`` (Lakens 2013), or ``rank_biserial`` (Kerby 2014);
        * ``ci_low``, ``ci_high`` (float): ``confidence`` interval of ``effect``
          (normal approximation for d and g, Fisher's z for rank-biserial; see
          :mod:`humeresearch.stats._effects` for the formulas);
        * ``cles`` (float): common-language effect size, ``P(other > reference)``
          with ties counted half: over all pairs of units between subjects and
          against a value (McGraw & Wong 1992, as pingouin's ``CLES``), over the
          subjects' paired differences within;
        * ``note`` (str): why a row has NaN results, "" otherwise: ``no data in other``,
          ``no data in reference``, ``no data``, ``no complete pairs``, ``fewer than 2 units
          in a condition``, ``fewer than 2 pairs``, ``zero variance``, ``all values
          identical``, ``all differences zero``.

    Raises
    ------
    ValueError
        Bad options, missing columns, a condition with fewer than two levels, a
        subject found in two levels of ``between``, ``within`` without ``subject``.

    Warns
    -----
    PseudoReplicationWarning
        Repeated measures (spans, frames, several rows per recording) compared
        without ``subject``.
    StatsWarning
        Rows with NaN results (see ``note``), subjects dropped for lack of a
        partner (``within``), and recordings whose several tracks are pooled into
        one subject value (select the participant's track or add ``track`` to
        ``by``).

    Notes
    -----
    Assumptions: units (subjects) are independent; t tests assume roughly normal
    unit means (Welch's test does not assume equal variances); the rank tests
    compare distributions (stochastic dominance); permutation tests assume
    exchangeability under the null. Rows whose condition, subject or ``by`` value
    is missing are ignored. Degenerate comparisons give NaN rows with a ``note``
    and are left out of the correction family.

    References
    ----------
    Welch, B. L. (1947). *Biometrika*, 34, 28-35. Hedges, L. V., & Olkin, I. (1985).
    *Statistical methods for meta-analysis*. Lakens, D. (2013). *Frontiers in
    Psychology*, 4, 863. Kerby, D. S. (2014). *Comprehensive Psychology*, 3.
    Benjamini, Y., & Hochberg, Y. (1995). *JRSS B*, 57, 289-300. Phipson, B., &
    Smyth, G. K. (2010). *Stat. Appl. Genet. Mol. Biol.*, 9(1), 39.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import humeresearch as hr
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({
    ...     "name": np.repeat(["Joy", "Anger"], 40),
    ...     "participant": np.tile(np.repeat(np.arange(8), 5), 2),
    ...     "group": np.tile(np.repeat(["a", "b"], 20), 2),
    ...     "score": rng.random(80),
    ... })
    >>> res = hr.compare(df, between="group", subject="participant")
    >>> res[["name", "reference", "other", "test", "n_reference", "n_other"]]
        name reference other     test  n_reference  n_other
    0  Anger         a     b  welch_t            4        4
    1    Joy         a     b  welch_t            4        4
    """
    if is_scaled(data):  # a Dask table or a dataset: reduce to subject level first
        from humeresearch import dataset

        if subject is None:
            raise ValueError(
                "compare: a Dask table or dataset needs subject= (it is reduced first)"
            )
        data = dataset.reduce(
            data, subject=subject, value=value, between=between, within=within, by=by,
            agg=agg, weight=weight,
        )  # fmt: skip
    data = as_frame(data, func=_FUNC)
    design, cond = _design(between, within, against)
    for option, choices, name in (
        (test, define.TESTS, "test"),
        (correction, define.CORRECTIONS, "correction"),
        (effect, _EFFECTS[design], "effect"),
        (agg, define.AGGS, "agg"),
        (alternative, define.ALTERNATIVES, "alternative"),
        (weight, define.WEIGHTS, "weight"),
        (posthoc, define.POSTHOCS, "posthoc"),
        (ci_method, define.CI_METHODS, "ci_method"),
    ):
        check_option(option, choices, name=name, func=_FUNC)
    check_confidence(confidence, _FUNC)
    n_permutations = check_positive_int(n_permutations, "n_permutations", _FUNC)
    if design == "against":
        data = data.assign(**{cond: _AGAINST})
    roles = [value, cond, *([subject] if subject is not None else [])]
    by_cols = resolve_by([(data, "data")], by, func=_FUNC, roles=roles)
    _check_columns(data, value, cond, subject, by_cols)
    _check_units(data, design, cond, subject, by_cols)
    levels = [_AGAINST] if design == "against" else two_levels(data, cond, _FUNC, reference)
    red = reduce_units(data, value, by_cols, cond, subject, agg, levels, weight)
    if design == "between" and subject is not None:
        check_nested(red, subject, levels, _FUNC)
    test_kind = "t" if test == "auto" else test
    eff = _auto_effect(effect, test_kind, design)
    _check_combination(design, test_kind, eff, ci_method, alternative, posthoc, omnibus, levels)
    post = _posthoc(posthoc, design, test_kind, len(levels))
    opt = _twogroup.Options(
        test_kind, eff, alternative, n_permutations, seed, confidence, ci_method
    )
    out = _run(red, levels, design, opt, cond, post, against)
    out["test"] = _test_name(design, test_kind, post)
    out["effect_type"] = _twogroup.EFFECT_NAMES[eff]
    if design == "against":
        out["reference"] = pd.Categorical([repr(float(against))] * len(out))
        out["other"] = pd.Categorical([value] * len(out))
    if omnibus if omnibus is not None else len(levels) >= 3 and test_kind != "permutation":
        extra = omnibus_rows(red, levels, design, test_kind, cond)
        out = pd.concat([extra, out], ignore_index=True).sort_values("_gid", kind="stable")
    families = [*([correct_within] if isinstance(correct_within, str) else correct_within or [])]
    out["p_adj"] = correct_frame(out, correction, [*families, "kind"], _FUNC)
    out["correction"] = correction
    out = out[[*by_cols, *_COLUMNS]].reset_index(drop=True)
    warn_notes(out["note"], _FUNC, len(out))
    if design == "within" and out["n_unpaired"].sum():
        warnings.warn(
            f"{_FUNC}: {int(out['n_unpaired'].sum())} (subject, comparison) values had no "
            "partner in the other level and were dropped; see the 'n_unpaired' column",
            StatsWarning,
            stacklevel=2,
        )
    return out
