"""``power``: analytic power and sample size of the t tests of ``compare`` over many expressions."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

import numpy as np
import pandas as pd
from scipy import stats

from humeresearch import define
from humeresearch._tables import check_option
from humeresearch.define import Alternative, Correction, PowerDesign

_FUNC = "power"
_MAX_N = 1_000_000


def power(
    *,
    effect: float | Sequence[float],
    n: int | Sequence[int] | None = None,
    power: float | Sequence[float] | None = None,
    design: PowerDesign = "between",
    alpha: float = 0.05,
    n_expressions: int = 1,
    n_effects: int = 1,
    correction: Correction = "bonferroni",
    alternative: Alternative = "two-sided",
    ratio: float = 1.0,
) -> pd.DataFrame:
    """Power of ``compare``'s t tests, or the sample size for a power, after correction.

    Give ``n`` to get the power, or ``power`` to get the smallest ``n`` reaching it.
    Every expression is tested at a per-test level ``alpha_per_test`` set by the
    correction over ``n_expressions`` tests:

    * ``"none"``: ``alpha``; ``"bonferroni"``: ``alpha / m`` (exact);
    * ``"holm"``: ``alpha / m``, Holm's first step (a lower bound of its power);
    * ``"fdr_bh"``: the BH threshold expected when ``n_effects`` of the ``m``
      expressions have the effect (Jung 2005): ``a* = q m1 P(a*) / (m0 (1 - q))``
      with ``P(a*)`` the power at ``a*``, ``m1 = n_effects``, ``m0 = m - m1``,
      ``q = alpha`` (an approximation for large ``m``; the simulations of notebook
      03 are the check); ``"fdr_by"``: the same with ``q = alpha / sum(1/i)``.

    Power is exact for the t test (noncentral t): Welch's t of ``compare`` is
    approximated by Student's t (equal variances), the paired t is exact.

    Parameters
    ----------
    effect : float or sequence of float
        Standardised effect: Cohen's d (``between``, pooled SD) or d_z
        (``within``: mean difference over the SD of the differences).
    n : int or sequence of int, optional
        Subjects per group (``between``: the reference group, the other has
        ``ratio n``) or pairs (``within``).
    power : float or sequence of float, optional
        Target power in (0, 1); give exactly one of ``n`` and ``power``.
    design : {"between", "within"}, default "between"
        Two independent groups or paired measures.
    alpha : float, default 0.05
        Family-wise level (FWER corrections) or FDR level (``fdr_*``).
    n_expressions : int, default 1
        Expressions tested in one family (``m``).
    n_effects : int, default 1
        Expressions expected to have the effect (``fdr_*`` only).
    correction : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}, default "bonferroni"
        The correction of the family.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        As in :func:`humeresearch.compare`.
    ratio : float, default 1.0
        Size of the other group over the reference group (``between``).

    Returns
    -------
    DataFrame
        One row per combination of the given values: ``design``, ``effect``,
        ``n`` (int, per group or pairs), ``n_total`` (int), ``alpha``,
        ``correction``, ``n_expressions``, ``n_effects``, ``alpha_per_test``,
        ``power`` (achieved with ``n``).

    Raises
    ------
    ValueError
        Bad options, both or neither of ``n`` and ``power``, a power that no
        ``n`` below one million reaches.

    Notes
    -----
    Checked against statsmodels' ``TTestIndPower`` and ``TTestPower`` at the
    per-test level to 1e-8.

    References
    ----------
    Cohen, J. (1988). *Statistical power analysis for the behavioral sciences*.
    Jung, S.-H. (2005). Sample size for FDR-control in microarray data analysis.
    *Bioinformatics*, 21, 3097-3104.

    Examples
    --------
    >>> import humeresearch as hr
    >>> res = hr.stats.power(effect=0.5, power=0.8, design="within", n_expressions=48)
    >>> res[["n", "alpha_per_test"]].round(6).to_dict("records")
    [{'n': 74, 'alpha_per_test': 0.001042}]
    """
    check_option(design, define.POWER_DESIGNS, name="design", func=_FUNC)
    check_option(correction, define.CORRECTIONS, name="correction", func=_FUNC)
    check_option(alternative, define.ALTERNATIVES, name="alternative", func=_FUNC)
    if (n is None) == (power is None):
        raise ValueError(f"{_FUNC}: give exactly one of n= (get the power) or power= (get n)")
    if not 0 < alpha < 1 or n_expressions < 1 or not 1 <= n_effects <= n_expressions:
        raise ValueError(f"{_FUNC}: need 0 < alpha < 1 and 1 <= n_effects <= n_expressions")
    fam = _Family(alpha, int(n_expressions), int(n_effects), correction)
    rows = []
    effects = np.atleast_1d(np.asarray(effect, dtype=float))
    given = np.atleast_1d(np.asarray(n if n is not None else power, dtype=float))
    for d, v in product(effects, given):
        if n is not None:
            size = int(v)
            if size < 2:
                raise ValueError(f"{_FUNC}: n must be at least 2")
        else:
            if not 0 < v < 1:
                raise ValueError(f"{_FUNC}: power must lie in (0, 1)")
            size = _solve_n(d, v, design, fam, alternative, ratio)
        a_star, p = fam.level(lambda a, s=size, dd=d: t_power(dd, s, a, design, alternative, ratio))
        rows.append((d, size, a_star, p))
    out = pd.DataFrame(rows, columns=["effect", "n", "alpha_per_test", "power"])
    out.insert(0, "design", design)
    other = np.ceil(out["n"] * ratio).astype(np.int64) if design == "between" else 0
    out.insert(3, "n_total", (out["n"] + other).astype(np.int64))
    out.insert(4, "alpha", alpha)
    out.insert(5, "correction", correction)
    out.insert(6, "n_expressions", int(n_expressions))
    out.insert(7, "n_effects", int(n_effects))
    out["n"] = out["n"].astype(np.int64)
    return out


def t_power(d: float, n: float, a: float, design: str, alternative: str, ratio: float) -> float:
    """Power of the two-group (Student) or paired t test at level ``a``."""
    if design == "between":
        n2 = n * ratio
        df, ncp = n + n2 - 2, d * np.sqrt(n * n2 / (n + n2))
    else:
        df, ncp = n - 1, d * np.sqrt(n)
    if alternative == "two-sided":
        crit = stats.t.isf(a / 2, df)
        return _upper(crit, df, ncp) + _upper(crit, df, -ncp)
    crit = stats.t.isf(a, df)
    return _upper(crit, df, ncp if alternative == "greater" else -ncp)


def _upper(crit: float, df: float, ncp: float) -> float:
    """``P(T > crit)`` of a noncentral t; a far tail scipy cannot evaluate (NaN) is 0."""
    value = float(stats.nct.sf(crit, df, ncp))
    if np.isnan(value):
        value = 1.0 - float(stats.nct.cdf(crit, df, ncp))
    return 0.0 if np.isnan(value) else value


class _Family:
    """The per-test level of a correction family."""

    def __init__(self, alpha: float, m: int, m1: int, correction: str) -> None:
        self.alpha, self.m, self.m1, self.correction = alpha, m, m1, correction

    def level(self, power_at: object) -> tuple[float, float]:
        """``(alpha_per_test, power)``; ``power_at(a)`` is the power at level ``a``."""
        f = power_at  # a callable of the level
        assert callable(f)
        c = self.correction
        if c == "none" or self.m == 1:
            return self.alpha, f(self.alpha)
        if c in ("bonferroni", "holm"):
            a = self.alpha / self.m
            return a, f(a)
        q = self.alpha / (np.sum(1.0 / np.arange(1, self.m + 1)) if c == "fdr_by" else 1.0)
        m0 = self.m - self.m1
        if m0 == 0:
            return q, f(q)
        a = q / self.m  # BH's smallest threshold; the fixed point increases from here
        for _ in range(200):
            new = min(q, q * self.m1 * f(a) / (m0 * (1 - q)))
            if abs(new - a) <= 1e-14 * max(a, 1e-300):
                break
            a = new
        return a, f(a)


def _solve_n(d: float, target: float, design: str, fam: _Family, alt: str, ratio: float) -> int:
    """Smallest ``n`` whose power after correction reaches ``target``."""

    def reached(n: int) -> bool:
        return fam.level(lambda a: t_power(d, n, a, design, alt, ratio))[1] >= target

    lo, hi = 2, 4
    while not reached(hi):
        lo, hi = hi, hi * 2
        if hi > _MAX_N:
            raise ValueError(f"{_FUNC}: no n below {_MAX_N} reaches power {target}")
    if reached(lo):
        return lo
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if reached(mid) else (mid, hi)
    return hi
