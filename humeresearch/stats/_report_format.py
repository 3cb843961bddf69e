"""APA number formatting and the fields of one result row, for :func:`humeresearch.stats.report`.

Every results table (``compare``, ``anova``, ``mixed``, ``agreement``, ``equivalence``)
is turned into one list of :class:`Line`: the expression, the comparison, the test
statistic as APA writes it (``t(15) = 3.21``), p and corrected p, the effect with its
CI and the units. The text, the table and the methods sentence are built from these.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

#: the result kinds ``report`` understands, from the columns that identify them.
KINDS = ("compare", "anova", "mixed", "agreement", "equivalence")

#: correction method -> subscript of the corrected p.
P_LABELS = {
    "fdr_bh": "p_FDR",
    "fdr_by": "p_FDR(BY)",
    "holm": "p_Holm",
    "bonferroni": "p_Bonferroni",
}
#: correction method -> its name in the methods sentence.
CORRECTION_NAMES = {
    "fdr_bh": "the Benjamini-Hochberg false discovery rate",
    "fdr_by": "the Benjamini-Yekutieli false discovery rate",
    "holm": "Holm's method",
    "bonferroni": "the Bonferroni correction",
}
#: effect type -> (symbol, whether it is bounded by 1 so its leading zero is dropped).
EFFECTS = {
    "hedges_g": ("g", False),
    "cohen_d_z": ("d_z", False),
    "cohen_d_av": ("d_av", False),
    "rank_biserial": ("r_rb", True),
    "eta_sq_partial": ("η²p", True),
    "kendall_w": ("Kendall's W", True),
    "epsilon_sq": ("ε²", True),
}
#: test column -> (statistic symbol, name in the methods sentence).
TESTS = {
    "welch_t": ("t", "Welch's t-tests"),
    "paired_t": ("t", "paired t-tests"),
    "one_sample_t": ("t", "one-sample t-tests"),
    "tukey_hsd": ("t", "Tukey's HSD tests"),
    "games_howell": ("t", "Games-Howell tests"),
    "mann_whitney_u": ("U", "Mann-Whitney U tests"),
    "wilcoxon": ("W", "Wilcoxon signed-rank tests"),
    "permutation": ("Δ", "permutation tests of the difference of means"),
    "sign_flip_permutation": ("Δ", "sign-flip permutation tests of the mean difference"),
    "rm_anova": ("F", "repeated-measures ANOVAs (Greenhouse-Geisser corrected)"),
    "mixed_anova": ("F", "mixed ANOVAs (Greenhouse-Geisser corrected within subjects)"),
    "welch_anova": ("F", "Welch's ANOVAs"),
    "friedman": ("χ²", "Friedman tests"),
    "kruskal_wallis": ("H", "Kruskal-Wallis tests"),
    "tost_welch": ("t", "two one-sided Welch t-tests (TOST)"),
    "tost_paired": ("t", "two one-sided paired t-tests (TOST)"),
    "tost_one_sample": ("t", "two one-sided one-sample t-tests (TOST)"),
}


def num(x: Any, digits: int = 2, *, zero: bool = True) -> str:
    """``x`` with ``digits`` decimals; ``zero=False`` drops the leading zero (APA, |x| <= 1)."""
    if x is None or not math.isfinite(float(x)):
        return "NA"
    text = f"{float(x):.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    if not zero:
        text = text.replace("0.", ".", 1) if text.lstrip("-").startswith("0.") else text
    return text


def p_value(p: Any) -> str:
    """``= .006``, ``< .001`` or ``> .999``: APA p, three decimals, no leading zero."""
    if p is None or not math.isfinite(float(p)):
        return "= NA"
    if p < 0.001:
        return "< .001"
    if p > 0.999:
        return "> .999"
    return "= " + num(p, 3, zero=False)


def df_text(df: Any) -> str:
    """Degrees of freedom: an integer as such, a fractional df (Welch, GG) with 2 decimals."""
    if df is None or not math.isfinite(float(df)):
        return ""
    return str(int(round(df))) if abs(df - round(df)) < 1e-9 else num(df)


def effect_text(kind: Any, effect: Any, low: Any, high: Any, confidence: float) -> str:
    """``d_z = 0.80, 95% CI [0.23, 1.37]`` (no CI when its bounds are missing)."""
    symbol, bounded = EFFECTS.get(str(kind), (str(kind), False))
    if effect is None or not math.isfinite(float(effect)):
        return ""
    text = f"{symbol} = {num(effect, zero=not bounded)}"
    if low is not None and high is not None and math.isfinite(low) and math.isfinite(high):
        text += f", {level(confidence)} CI [{num(low, zero=not bounded)}, "
        text += f"{num(high, zero=not bounded)}]"
    return text


def level(confidence: float) -> str:
    """``95%`` for 0.95."""
    return f"{100 * confidence:g}%"


@dataclass
class Line:
    """One result row as APA fields."""

    label: str  # the expression (its varying ``by`` values)
    comparison: str  # "treatment - control", "omnibus", a term, a method
    test: str  # the ``test`` (or ``method``) value of the row
    df: str  # "15", "2, 18"
    statistic: str  # "t(15) = 3.21"
    p: float
    p_adj: float
    effect: str  # "d_z = 0.80, 95% CI [0.23, 1.37]"
    n: str  # "n = 16"
    sign: float  # direction of the effect (other - reference), NaN without one
    stat_value: float

    def apa(self, p_label: str | None) -> str:
        """``t(15) = 3.21, p = .006, p_FDR = .012, d_z = 0.80, 95% CI [0.23, 1.37]``."""
        parts = [self.statistic, f"p {p_value(self.p)}"]
        if p_label is not None:
            parts.append(f"{p_label} {p_value(self.p_adj)}")
        parts += [x for x in (self.effect, self.n) if x]
        return ", ".join(parts)


def stat_text(symbol: str, df: str, value: Any, label: str = "") -> str:
    """``t(15) = 3.21``; ``U = 12.00`` without df."""
    head = f"{symbol}({df})" if df else symbol
    return f"{label}{head} = {num(value)}"


def _f(row: pd.Series, column: str) -> float:
    value = row.get(column, math.nan)
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def compare_line(row: pd.Series, label: str, confidence: float) -> Line:
    """A ``compare`` row (pairwise, omnibus or against a value)."""
    test = str(row["test"])
    symbol = TESTS.get(test, (test, ""))[0]
    df, df2 = _f(row, "df"), _f(row, "df2")
    dfs = ", ".join(x for x in (df_text(df), df_text(df2)) if x)
    omnibus = str(row.get("kind", "pairwise")) == "omnibus"
    nr, no = int(row["n_reference"]), int(row["n_other"])
    if omnibus or test in ("paired_t", "wilcoxon", "sign_flip_permutation", "one_sample_t"):
        n = f"n = {no}"
    else:
        n = f"n_{row['reference']} = {nr}, n_{row['other']} = {no}"
    eff = _f(row, "effect")
    sign = eff if math.isfinite(eff) else _f(row, "diff")
    comparison = "omnibus" if omnibus else f"{row['other']} - {row['reference']}"
    return Line(
        label=label,
        comparison=comparison,
        test=test,
        df=dfs,
        statistic=stat_text(symbol, dfs, row["statistic"]),
        p=_f(row, "p"),
        p_adj=_f(row, "p_adj"),
        effect=effect_text(
            row["effect_type"], eff, _f(row, "ci_low"), _f(row, "ci_high"), confidence
        ),  # fmt: skip
        n=n,
        sign=math.copysign(1.0, sign) if math.isfinite(sign) and sign != 0 else math.nan,
        stat_value=_f(row, "statistic"),
    )


def anova_line(row: pd.Series, label: str, confidence: float) -> Line:
    """An ``anova`` row: GG-corrected df for within-subjects terms."""
    test = str(row["test"])
    symbol = TESTS.get(test, (test, ""))[0]
    eps, df, df2 = _f(row, "eps"), _f(row, "df"), _f(row, "df2")
    if math.isfinite(eps) and eps < 1 and math.isfinite(df2):
        df, df2 = eps * df, eps * df2
    dfs = ", ".join(x for x in (df_text(df), df_text(df2)) if x)
    extra = []
    gen = _f(row, "eta_sq_generalized")
    if math.isfinite(gen):
        extra.append(f"η²G = {num(gen, zero=False)}")
    if math.isfinite(eps) and eps < 1:
        extra.append(f"ε = {num(eps, zero=False)}")
    eff = effect_text(row["effect_type"], _f(row, "effect"), math.nan, math.nan, confidence)
    return Line(
        label=label,
        comparison=str(row["term"]),
        test=test,
        df=dfs,
        statistic=stat_text(symbol, dfs, row["statistic"]),
        p=_f(row, "p"),
        p_adj=_f(row, "p_adj"),
        effect=", ".join(x for x in (eff, *extra) if x),
        n=f"n = {int(row['n_subjects'])}",
        sign=math.nan,
        stat_value=_f(row, "statistic"),
    )


def mixed_line(row: pd.Series, label: str, confidence: float) -> Line:
    """A ``mixed`` fixed-effect row: ``b = 0.12, SE = 0.04, z = 3.00``."""
    est = _f(row, "estimate")
    lo, hi = _f(row, "ci_low"), _f(row, "ci_high")
    ci = f", {level(confidence)} CI [{num(lo)}, {num(hi)}]" if math.isfinite(lo) else ""
    return Line(
        label=label,
        comparison=str(row["term"]),
        test="mixed_lm",
        df="",
        statistic=f"b = {num(est)}, SE = {num(row['se'])}, z = {num(row['z'])}",
        p=_f(row, "p"),
        p_adj=_f(row, "p_adj"),
        effect=ci.lstrip(", "),
        n=f"N = {int(row['n_subjects'])} ({int(row['n_obs'])} observations)",
        sign=math.copysign(1.0, est) if math.isfinite(est) and est != 0 else math.nan,
        stat_value=_f(row, "z"),
    )


def agreement_line(row: pd.Series, label: str, confidence: float) -> Line:
    """An ``agreement`` row: the coefficient with its CI, then its test."""
    method = str(row["method"])
    df, df2 = _f(row, "df"), _f(row, "df2")
    dfs = ", ".join(x for x in (df_text(df), df_text(df2)) if x)
    is_icc = method.startswith("ICC")
    symbol = {"pearson": "r", "spearman": "r_s", "rmcorr": "r_rm"}.get(method, method)
    coef = f"{symbol}({dfs})" if not is_icc and dfs else symbol
    lo, hi = _f(row, "ci_low"), _f(row, "ci_high")
    text = f"{coef} = {num(row['estimate'], zero=False)}"
    if math.isfinite(lo) and math.isfinite(hi):
        text += f", {level(confidence)} CI [{num(lo, zero=False)}, {num(hi, zero=False)}]"
    if is_icc:
        text += ", " + stat_text("F", dfs, row["statistic"])
    subjects = row.get("n_subjects")
    n = f"n = {int(row['n'])}"
    if subjects is not None and not pd.isna(subjects):
        n += f" pairs of {int(subjects)} subjects"
    return Line(
        label=label,
        comparison=method,
        test=method,
        df=dfs,
        statistic=text,
        p=_f(row, "p"),
        p_adj=_f(row, "p_adj"),
        effect="",
        n=n,
        sign=math.nan,
        stat_value=_f(row, "estimate"),
    )


def equivalence_line(row: pd.Series, label: str, confidence: float) -> Line:
    """An ``equivalence`` row: the t of the side with the larger p, the 1 - 2 alpha CI."""
    upper = _f(row, "p_upper") >= _f(row, "p_lower")
    value = row["statistic_upper"] if upper else row["statistic_lower"]
    dfs = df_text(_f(row, "df"))
    ci_level = 1 - 2 * (1 - confidence)
    effect = (
        f"diff = {num(row['diff'])}, {level(ci_level)} CI "
        f"[{num(row['ci_low'])}, {num(row['ci_high'])}]"
    )
    n_ref, n_oth = int(row["n_reference"]), int(row["n_other"])
    n = f"n = {n_oth}" if row["test"] != "tost_welch" else f"n = {n_ref}, {n_oth}"
    return Line(
        label=label,
        comparison=f"{row['other']} - {row['reference']}",
        test=str(row["test"]),
        df=dfs,
        statistic=stat_text("t", dfs, value),
        p=_f(row, "p"),
        p_adj=_f(row, "p_adj"),
        effect=effect,
        n=n,
        sign=math.nan,
        stat_value=float(value),
    )


LINES = {
    "compare": compare_line,
    "anova": anova_line,
    "mixed": mixed_line,
    "agreement": agreement_line,
    "equivalence": equivalence_line,
}
