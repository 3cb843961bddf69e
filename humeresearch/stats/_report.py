"""``report``: the results of a statistics function written up in APA style."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._tables import TableLike, as_frame, check_option
from humeresearch.define import ReportStyle
from humeresearch.stats._correct import correct
from humeresearch.stats._report_format import (
    CORRECTION_NAMES,
    LINES,
    P_LABELS,
    TESTS,
    Line,
    level,
    num,
    p_value,
)
from humeresearch.stats._report_text import TEXTS, Context, and_, is_against, plural

_FUNC = "report"
#: per kind: the columns that identify it, and the first column after the ``by`` columns.
_SIGNATURES = {
    "equivalence": (("low", "high", "p_lower", "p_upper"), "reference"),
    "mixed": (("term", "estimate", "se", "z"), "term"),
    "anova": (("term", "p_unc", "eps"), "term"),
    "agreement": (("method", "estimate", "n_only_a"), "method"),
    "compare": (("reference", "other", "test", "n_reference", "effect_type"), None),
}
_EFFECT_NAMES = {
    "hedges_g": "Hedges' g",
    "cohen_d_z": "Cohen's d_z",
    "cohen_d_av": "Cohen's d_av",
    "rank_biserial": "the rank-biserial correlation",
    "eta_sq_partial": "partial η²",
    "kendall_w": "Kendall's W",
    "epsilon_sq": "ε²",
}
_WITHIN = ("paired_t", "wilcoxon", "sign_flip_permutation", "rm_anova", "friedman")


@dataclass(frozen=True)
class Report:
    """A results table written up for a paper, as returned by :func:`report`.

    Attributes
    ----------
    text : str
        The results paragraph(s): how many expressions were significant after
        correction, then one APA sentence per significant expression (test, df,
        statistic, p, corrected p, effect size with CI, n), then the count of the rest.
    table : DataFrame
        One row per result row, formatted for a paper: ``expression``,
        ``comparison``, ``test``, ``df``, ``statistic``, ``p``, ``p_adj``,
        ``effect`` (with its CI), ``n``.
    methods : str
        The methods sentence: tests, correction and its family, unit of analysis
        and N, software version.
    kind : str
        The function whose output was read: ``compare``, ``anova``, ``mixed``,
        ``agreement`` or ``equivalence``.

    Examples
    --------
    >>> import humeresearch as hr
    >>> from humeresearch import testing
    >>> df = testing.study(subjects=12, names=("Joy",), effects={"Joy": 0.3}, seed=1)
    >>> rep = hr.stats.report(hr.compare(df, within="condition", subject="participant"))
    >>> rep.kind
    'compare'
    >>> list(rep.table.columns)
    ['expression', 'comparison', 'test', 'df', 'statistic', 'p', 'p_adj', 'effect', 'n']
    """

    text: str
    table: pd.DataFrame
    methods: str
    kind: str

    def __str__(self) -> str:
        return f"{self.text}\n\n{self.methods}"

    def _repr_markdown_(self) -> str:
        head = "| " + " | ".join(self.table.columns) + " |"
        rule = "|" + "---|" * len(self.table.columns)
        rows = ["| " + " | ".join(map(str, r)) + " |" for r in self.table.itertuples(index=False)]
        return "\n\n".join([self.text, "\n".join([head, rule, *rows]), f"*{self.methods}*"])

    def _repr_html_(self) -> str:
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in self.text.split("\n\n"))
        table = self.table.to_html(index=False, escape=True)
        return f"{paragraphs}{table}<p><em>{html.escape(self.methods)}</em></p>"


def report(
    data: TableLike,
    *,
    style: ReportStyle = "apa",
    alpha: float = 0.05,
    confidence: float = 0.95,
    subject: str = "subject",
) -> Report:
    """Write a results table up in APA style: the text, a table and the methods sentence.

    Reads the output of :func:`humeresearch.compare` (two levels, omnibus with its
    post-hoc pairs, or against a value), :func:`humeresearch.stats.anova`,
    :func:`humeresearch.mixed`, :func:`humeresearch.agreement` or
    :func:`humeresearch.stats.equivalence`, recognised by its columns. A row is
    significant when its corrected p (``p_adj``; ``p`` with ``correction="none"``)
    is below ``alpha``; every significant row gets one sentence, the rest one count.

    Numbers follow APA (7th ed.): two decimals for statistics and effects, p with
    three decimals and no leading zero (``p = .006``, ``p < .001``), no leading zero
    for quantities bounded by 1 (η², correlations), fractional df with two decimals
    (Welch; Greenhouse-Geisser corrected df of :func:`~humeresearch.stats.anova`).

    Parameters
    ----------
    data : DataFrame
        A results table of one of the functions above, unchanged (rows may be
        selected).
    style : {"apa"}, default "apa"
        Reporting style.
    alpha : float, default 0.05
        Significance level applied to the corrected p-values.
    confidence : float, default 0.95
        Level of the effect-size CIs in the results (the ``confidence`` of the call),
        named in the text (``95% CI``; equivalence: the ``1 - 2 alpha`` interval).
    subject : str, default "subject"
        Name of the unit of analysis in the methods sentence (e.g. ``"participant"``,
        the ``subject=`` of the analysis).

    Returns
    -------
    Report
        ``text``, ``table``, ``methods`` and ``kind``; shown as Markdown/HTML in a
        notebook, ``str(report)`` gives text and methods.

    Raises
    ------
    ValueError
        A table none of the functions above returns, bad options.

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> res = pd.DataFrame({"name": ["Joy", "Anger"], "kind": "pairwise",
    ...     "reference": "control", "other": "treatment", "test": "paired_t",
    ...     "n_reference": 16, "n_other": 16, "diff": [0.1, 0.0], "statistic": [3.21, 0.4],
    ...     "df": 15.0, "df2": float("nan"), "p": [0.0058, 0.69], "p_adj": [0.0116, 0.69],
    ...     "correction": "fdr_bh", "effect": [0.8, 0.1], "effect_type": "cohen_d_z",
    ...     "ci_low": [0.23, -0.4], "ci_high": [1.37, 0.6]})
    >>> print(hr.stats.report(res, subject="participant").text)
    1 of 2 expressions differed between treatment and control (p_FDR < .05). Joy: higher in treatment than in control, t(15) = 3.21, p = .006, p_FDR = .012, d_z = 0.80, 95% CI [0.23, 1.37], n = 16. The other expression did not differ (p_FDR ≥ .05).
    """
    check_option(style, define.REPORT_STYLES, name="style", func=_FUNC)
    if not 0 < alpha < 1 or not 0 < confidence < 1:
        raise ValueError(f"{_FUNC}: alpha and confidence must be between 0 and 1")
    table = as_frame(data, func=_FUNC)
    kind, label_cols = _kind(table)
    if kind == "mixed":
        table = table[table["term"].astype(str).str.casefold() != "intercept"]
    if table.empty:
        raise ValueError(f"{_FUNC}: the table has no result rows")
    labels = _labels(table, label_cols)
    make = LINES[kind]
    lines = [make(row, lab, confidence) for (_, row), lab in zip(table.iterrows(), labels)]
    correction = _one(table, "correction", "none")
    p_label = P_LABELS.get(correction)
    p_sig = np.array([x.p_adj if p_label else x.p for x in lines], dtype=float)
    ctx = Context(table, lines, p_sig < alpha, p_label or "p", alpha)
    text = TEXTS[kind](ctx)
    methods = _methods(kind, table, correction, subject, confidence)
    return Report(text=text, table=_paper_table(lines), methods=methods, kind=kind)


def _kind(table: pd.DataFrame) -> tuple[str, list[str]]:
    """The function that made ``table`` and its ``by`` columns."""
    for kind, (needed, first) in _SIGNATURES.items():
        if set(needed) <= set(table.columns):
            first = first or ("kind" if "kind" in table.columns else "reference")
            cols = list(table.columns)
            return kind, cols[: cols.index(first)]
    raise ValueError(
        f"{_FUNC}: not a results table of compare, anova, mixed, agreement or equivalence; "
        f"it has {list(table.columns)}"
    )


def _labels(table: pd.DataFrame, cols: list[str]) -> list[str]:
    """Each row's expression: its ``by`` values that vary (the last ``by`` column if none)."""
    varying = [c for c in cols if table[c].nunique(dropna=False) > 1] or cols[-1:]
    if not varying:
        return ["all"] * len(table)
    parts = [table[c].astype(str).to_numpy() for c in varying]
    return [" · ".join(p) for p in zip(*parts)]


def _one(table: pd.DataFrame, column: str, default: str) -> str:
    values = table[column].dropna().unique() if column in table.columns else []
    return str(values[0]) if len(values) else default


def _paper_table(lines: list[Line]) -> pd.DataFrame:
    def p(x: float) -> str:
        return p_value(x).removeprefix("= ")

    return pd.DataFrame(
        {
            "expression": [x.label for x in lines],
            "comparison": [x.comparison for x in lines],
            "test": [x.test for x in lines],
            "df": [x.df for x in lines],
            "statistic": [num(x.stat_value) for x in lines],
            "p": [p(x.p) for x in lines],
            "p_adj": [p(x.p_adj) for x in lines],
            "effect": [x.effect for x in lines],
            "n": [x.n for x in lines],
        }
    )


def _methods(
    kind: str, table: pd.DataFrame, correction: str, subject: str, confidence: float
) -> str:
    """Tests, effect sizes, correction and family, unit of analysis, software."""
    import humeresearch

    tests = list(dict.fromkeys(table["test"].astype(str))) if "test" in table else []
    names = and_([TESTS.get(x, (x, x))[1] for x in tests]) if tests else ""
    if kind == "mixed":
        names = "linear mixed models with a random intercept per " + subject
        n_units = int(table["n_subjects"].max())
    elif kind == "agreement":
        names = "agreement (" + and_(list(dict.fromkeys(table["method"].astype(str)))) + ")"
        n_units = int(table["n"].max())
    elif kind == "anova":
        n_units = int(table["n_subjects"].max())
    else:
        within = any(x in _WITHIN for x in tests) or "tost_paired" in tests
        within = within or kind == "compare" and is_against(table)
        both = table["n_reference"] + table["n_other"]
        if "kind" in table.columns:
            both = both.where(table["kind"].astype(str) != "omnibus", table["n_other"])
        n_units = int(table["n_other"].max() if within else both.max())
    n_expr = len(set(_labels(table, _kind(table)[1])))
    text = f"Each of {plural(n_expr, 'expression')} was tested with {names}; "
    if kind == "agreement":
        text += f"the unit of analysis was the pair of measurements (up to {n_units})."
    else:
        text += f"the unit of analysis was the {subject} (N = {n_units})."
    effects = [x for x in dict.fromkeys(table.get("effect_type", pd.Series(dtype=str)).dropna())]
    if effects:
        text += f" Effect sizes are {and_([_EFFECT_NAMES.get(e, e) for e in effects])}"
        text += f" with {level(confidence)} confidence intervals." if kind == "compare" else "."
    text += " " + _correction_sentence(table, correction)
    return text + f" Analyses used humeresearch {humeresearch.__version__}."


def _correction_sentence(table: pd.DataFrame, correction: str) -> str:
    """The correction and its family, checked against the table's ``p_adj``."""
    if correction == "none" or correction not in CORRECTION_NAMES:
        return "p-values are not corrected for multiple comparisons."
    p = table["p"].to_numpy(np.float64, na_value=np.nan)
    adj = table["p_adj"].to_numpy(np.float64, na_value=np.nan)
    groups = table["kind"].astype(str).to_numpy() if "kind" in table else np.zeros(len(table))
    expected = np.full(len(p), np.nan)
    for g in pd.unique(groups):
        mask = groups == g
        expected[mask] = correct(p[mask], correction=correction)  # type: ignore[arg-type]
    sizes = {g: int(np.isfinite(p[groups == g]).sum()) for g in pd.unique(groups)}
    name = CORRECTION_NAMES[correction]
    if not np.allclose(expected, adj, equal_nan=True, rtol=1e-9, atol=0):
        return f"p-values were corrected with {name} within separately corrected families."
    if len(sizes) == 2 and "omnibus" in sizes:
        return (
            f"p-values were corrected with {name}, separately over the {sizes['omnibus']} "
            f"omnibus tests and the {sizes['pairwise']} post-hoc comparisons."
        )
    total = sum(sizes.values())
    return f"p-values were corrected with {name} over {plural(total, 'test')} (one family)."
