"""``stats.report``: APA text, paper table and methods sentence from small hand-made results."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import humeresearch as hr
from humeresearch import testing
from humeresearch.stats import Report, report

NAN = float("nan")


def _pairwise(**over: object) -> pd.DataFrame:
    base = {
        "model": "face",
        "family": "emotion",
        "name": ["Joy", "Anger", "Calmness"],
        "kind": "pairwise",
        "reference": "control",
        "other": "treatment",
        "test": "paired_t",
        "n_reference": 16,
        "n_other": 16,
        "n_unpaired": 0,
        "diff": [0.1, -0.2, 0.0],
        "statistic": [3.2143, -4.9, 0.41],
        "df": 15.0,
        "df2": NAN,
        "p": [0.0058, 0.0002, 0.69],
        "correction": "fdr_bh",
        "effect": [0.8, -1.226, 0.1],
        "effect_type": "cohen_d_z",
        "ci_low": [0.2312, -1.9, -0.4],
        "ci_high": [1.3688, -0.55, 0.6],
        "cles": 0.5,
        "note": "",
    }
    base.update(over)
    out = pd.DataFrame(base)
    if "p_adj" not in over:
        out["p_adj"] = hr.correct(out["p"].to_numpy(), correction="fdr_bh")
    return out


def test_two_levels_text_table_methods():
    rep = report(_pairwise(), subject="participant")
    assert isinstance(rep, Report) and rep.kind == "compare"
    assert rep.text == (
        "2 of 3 expressions differed between treatment and control (p_FDR < .05). "
        "Joy: higher in treatment than in control, t(15) = 3.21, p = .006, p_FDR = .009, "
        "d_z = 0.80, 95% CI [0.23, 1.37], n = 16. "
        "Anger: lower in treatment than in control, t(15) = -4.90, p < .001, p_FDR < .001, "
        "d_z = -1.23, 95% CI [-1.90, -0.55], n = 16. "
        "The other expression did not differ (p_FDR ≥ .05)."
    )
    assert list(rep.table.columns) == [
        "expression", "comparison", "test", "df", "statistic", "p", "p_adj", "effect", "n",
    ]  # fmt: skip
    assert rep.table.iloc[0].tolist() == [
        "Joy", "treatment - control", "paired_t", "15", "3.21", ".006", ".009",
        "d_z = 0.80, 95% CI [0.23, 1.37]", "n = 16",
    ]  # fmt: skip
    assert rep.table["p"].tolist() == [".006", "< .001", ".690"]
    assert rep.methods == (
        "Each of 3 expressions was tested with paired t-tests; the unit of analysis was the "
        "participant (N = 16). Effect sizes are Cohen's d_z with 95% confidence intervals. "
        "p-values were corrected with the Benjamini-Hochberg false discovery rate over 3 "
        f"tests (one family). Analyses used humeresearch {hr.__version__}."
    )


def test_between_welch_df_n_per_group_and_no_correction():
    res = _pairwise(
        test="welch_t", n_reference=8, n_other=9, df=14.5321, correction="none",
        p_adj=[0.0058, 0.0002, 0.69], effect_type="hedges_g",
    )  # fmt: skip
    rep = report(res)
    assert rep.text.startswith(
        "2 of 3 expressions differed between treatment and control (p < .05)."
    )
    assert "t(14.53) = 3.21, p = .006, g = 0.80, 95% CI [0.23, 1.37], n_control = 8, " in rep.text
    assert "n_treatment = 9." in rep.text
    assert "p-values are not corrected for multiple comparisons." in rep.methods
    assert "the unit of analysis was the subject (N = 17)" in rep.methods


def test_nothing_significant_and_alpha():
    rep = report(_pairwise(p_adj=[0.06, 0.2, 0.69]))
    assert rep.text == (
        "0 of 3 expressions differed between treatment and control (p_FDR < .05). "
        "The other 3 expressions did not differ (all p_FDR ≥ .05)."
    )
    assert report(_pairwise(p_adj=[0.06, 0.2, 0.69]), alpha=0.1).text.startswith("1 of 3")


def test_omnibus_with_posthoc_pairs():
    levels = ["control", "low", "high"]
    omni = {"kind": "omnibus", "reference": NAN, "other": NAN, "test": "rm_anova",
            "statistic": 12.345, "df": 2.0, "df2": 30.0, "effect_type": "eta_sq_partial",
            "ci_low": NAN, "ci_high": NAN}  # fmt: skip
    rows = [
        {**omni, "name": "Joy", "p": 0.0001, "p_adj": 0.0002, "effect": 0.4516},
        {"name": "Joy", "reference": "control", "other": "low", "statistic": 2.5, "df": 15.0,
         "p": 0.024, "p_adj": 0.036, "effect": 0.62, "ci_low": 0.08, "ci_high": 1.16},
        {"name": "Joy", "reference": "control", "other": "high", "statistic": 4.8, "df": 15.0,
         "p": 0.0002, "p_adj": 0.0006, "effect": 1.2, "ci_low": 0.55, "ci_high": 1.85},
        {"name": "Joy", "reference": "low", "other": "high", "statistic": 1.1, "df": 15.0,
         "p": 0.29, "p_adj": 0.29, "effect": 0.27, "ci_low": -0.22, "ci_high": 0.77},
        {**omni, "name": "Anger", "statistic": 0.5, "p": 0.61, "p_adj": 0.61, "effect": 0.032},
    ]  # fmt: skip
    res = _pairwise().iloc[[0] * 5].reset_index(drop=True)
    for i, row in enumerate(rows):
        for k, v in row.items():
            res.loc[i, k] = v
    res["reference"] = pd.Categorical(res["reference"], categories=levels)
    res["other"] = pd.Categorical(res["other"], categories=levels)
    rep = report(res, subject="participant")
    assert rep.text == (
        "1 of 2 expressions differed across control, low and high (omnibus tests, "
        "p_FDR < .05). Joy: F(2, 30) = 12.35, p < .001, p_FDR < .001, η²p = .45, n = 16; "
        "post hoc, low > control (t(15) = 2.50, p = .024, p_FDR = .036, d_z = 0.62, "
        "95% CI [0.08, 1.16], n = 16); high > control (t(15) = 4.80, p < .001, p_FDR < .001, "
        "d_z = 1.20, 95% CI [0.55, 1.85], n = 16); the other pairs did not differ. "
        "The other expression did not differ (p_FDR ≥ .05)."
    )
    assert rep.table["comparison"].tolist()[:2] == ["omnibus", "low - control"]
    assert rep.table["df"].tolist()[0] == "2, 30"
    assert "repeated-measures ANOVAs (Greenhouse-Geisser corrected) and paired t-tests" in (
        rep.methods
    )


def test_against_a_value():
    res = _pairwise(reference="0.5", other="score", test="one_sample_t")
    rep = report(res)
    assert rep.text.startswith(
        "2 of 3 expressions differed from 0.5 (p_FDR < .05). Joy: above 0.5, t(15) = 3.21, "
    )
    assert "Anger: below 0.5, t(15) = -4.90" in rep.text
    assert "one-sample t-tests; the unit of analysis was the subject (N = 16)" in rep.methods


def test_anova_greenhouse_geisser_df_and_interaction():
    res = pd.DataFrame({
        "name": ["Joy", "Joy", "Joy"], "term": ["a", "b", "a:b"], "test": "rm_anova",
        "n_subjects": 12, "statistic": [9.87654, 1.2, 5.5], "df": [2.0, 1.0, 2.0],
        "df2": [22.0, 11.0, 22.0], "p_unc": [0.0009, 0.3, 0.011], "eps": [0.75, 1.0, 0.9],
        "p": [0.0031, 0.3, 0.0142], "p_adj": [0.0093, 0.3, 0.0284], "correction": "holm",
        "effect": [0.473, 0.1, 0.333], "effect_type": "eta_sq_partial",
        "eta_sq_generalized": [0.12, 0.01, 0.05], "w_mauchly": 0.8, "p_mauchly": 0.3,
        "note": "",
    })  # fmt: skip
    rep = report(res)
    assert rep.kind == "anova"
    assert rep.text == (
        "1 of 1 expression showed a main effect of a (p_Holm < .05). Joy: F(1.50, 16.50) = "
        "9.88, p = .003, p_Holm = .009, η²p = .47, η²G = .12, ε = .75, n = 12."
        "\n\n0 of 1 expression showed a main effect of b (p_Holm < .05). The other expression "
        "did not (p_Holm ≥ .05)."
        "\n\n1 of 1 expression showed an interaction of a × b (p_Holm < .05). Joy: "
        "F(1.80, 19.80) = 5.50, p = .014, p_Holm = .028, η²p = .33, η²G = .05, ε = .90, n = 12."
    )
    assert "Holm's method over 3 tests (one family)" in rep.methods


def test_mixed_drops_intercept():
    res = pd.DataFrame({
        "name": ["Joy", "Joy"], "term": ["Intercept", "condition[T.b]"],
        "estimate": [0.5, 0.123], "se": [0.05, 0.041], "z": [10.0, 3.0],
        "p": [1e-20, 0.0027], "p_adj": [NAN, 0.0027], "correction": "fdr_bh",
        "ci_low": [0.4, 0.0426], "ci_high": [0.6, 0.2034], "n_obs": 240, "n_subjects": 12,
        "var_subject": 0.1, "var_residual": 0.2, "llf": -1.0, "aic": NAN, "bic": NAN,
        "converged": True, "note": "",
    })  # fmt: skip
    rep = report(res, subject="participant")
    assert rep.text == (
        "1 of 1 expression showed a fixed effect of condition[T.b] (p_FDR < .05). Joy: "
        "b = 0.12, SE = 0.04, z = 3.00, p = .003, p_FDR = .003, 95% CI [0.04, 0.20], "
        "N = 12 (240 observations)."
    )
    assert len(rep.table) == 1
    assert "linear mixed models with a random intercept per participant" in rep.methods


def test_agreement_icc_and_correlation():
    res = pd.DataFrame({
        "name": ["Joy", "Anger"], "method": "ICC(2,1)", "n": 20, "n_subjects": pd.NA,
        "n_only_a": 0, "n_only_b": 0, "estimate": [0.75, 0.1], "ci_low": [0.5, -0.3],
        "ci_high": [0.89, 0.5], "statistic": [7.1, 1.2], "df": 19.0, "df2": 19.0,
        "p": [0.00001, 0.35], "p_adj": [0.00002, 0.35], "correction": "fdr_bh", "note": "",
    })  # fmt: skip
    rep = report(res)
    assert rep.text == (
        "Agreement (ICC(2,1)) ranged from .10 to .75 over 2 expressions; 1 differed from zero "
        "(p_FDR < .05). Joy: ICC(2,1) = .75, 95% CI [.50, .89], F(19, 19) = 7.10, p < .001, "
        "p_FDR < .001, n = 20. The other expression did not (p_FDR ≥ .05)."
    )
    res = res.assign(method="pearson", df=18.0, df2=NAN)
    assert "Joy: r(18) = .75, 95% CI [.50, .89], p < .001" in report(res).text


def test_equivalence():
    res = pd.DataFrame({
        "name": ["Joy", "Anger"], "reference": "control", "other": "treatment",
        "test": "tost_paired", "n_reference": 16, "n_other": 16, "diff": [0.01, 0.2],
        "low": -0.1, "high": 0.1, "statistic_lower": [4.1, 9.0], "statistic_upper": [-3.2, 1.5],
        "df": 15.0, "p_lower": [0.0005, 0.00001], "p_upper": [0.003, 0.92],
        "p": [0.003, 0.92], "p_adj": [0.006, 0.92], "correction": "fdr_bh",
        "ci_low": [-0.04, 0.15], "ci_high": [0.06, 0.25], "note": "",
    })  # fmt: skip
    rep = report(res)
    assert rep.kind == "equivalence"
    assert rep.text == (
        "1 of 2 expressions were equivalent in treatment and control within [-0.10, 0.10] "
        "(TOST, p_FDR < .05). Joy: t(15) = -3.20, p = .003, p_FDR = .006, diff = 0.01, "
        "90% CI [-0.04, 0.06], n = 16. The other expression could not be shown equivalent "
        "(p_FDR ≥ .05)."
    )


def test_notebook_reprs_and_str():
    rep = report(_pairwise())
    md = rep._repr_markdown_()
    assert md.startswith(rep.text)
    assert "| expression | comparison | test |" in md and rep.methods in md
    html = rep._repr_html_()
    assert "<table" in html and "p_FDR &lt; .05" in html
    assert str(rep) == rep.text + "\n\n" + rep.methods


def test_refuses_unknown_tables_and_options():
    with pytest.raises(ValueError, match="not a results table"):
        report(pd.DataFrame({"a": [1]}))
    with pytest.raises(ValueError, match="style must be one of 'apa'"):
        report(_pairwise(), style="chicago")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="alpha"):
        report(_pairwise(), alpha=1.5)


@pytest.mark.parametrize("design", ["within", "between"])
def test_every_real_output_reports(design):
    kw = dict(subjects=12, conditions=("control", "low", "high"), design=design,
              names=("Joy", "Anger"), effects={"Joy": 0.5}, seed=2)  # fmt: skip
    df = testing.study(**kw)
    cond = {design: "condition", "subject": "participant"}
    two = df[df["condition"] != "low"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = [
            hr.compare(df, **cond),
            hr.compare(two, **cond),
            hr.compare(df, against=0.5, subject="participant"),
            hr.stats.anova(df, **cond),
            hr.stats.equivalence(two, **cond, bounds=0.2),
        ]
    for res in results:
        rep = report(res, subject="participant")
        assert len(rep.table) == len(res)
        assert rep.text and "NA" not in rep.text.replace("NAN", "")
        assert f"humeresearch {hr.__version__}" in rep.methods
    omni = report(results[0]).text
    assert omni.startswith("1 of 2 expressions differed across control, low and high")
    assert "Joy: F(" in omni
    assert "(N = 12)" in report(results[3] if design == "within" else results[0]).methods
    assert np.isfinite(results[0]["p_adj"]).all()
