"""Omnibus, factorial, one-sample and equivalence tests (issue 17), checked against pingouin."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

import humeresearch as hr
from humeresearch import testing
from humeresearch.stats import anova, equivalence

TOL = 1e-8
NAMES = ("Joy", "Anger", "Calmness")


def _means(df: pd.DataFrame, name: str, cols: list[str]) -> pd.DataFrame:
    sel = df[df["name"] == name]
    return sel.groupby(cols, observed=True)["score"].mean().reset_index()


def _close(a: object, b: object) -> None:
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=TOL, atol=1e-12)


@pytest.fixture(scope="module")
def three_within() -> pd.DataFrame:
    return testing.study(
        subjects=10, conditions=("a", "b", "c"), names=NAMES, effects={"Joy": 0.3}, seed=5
    )


@pytest.fixture(scope="module")
def three_between() -> pd.DataFrame:
    return testing.study(
        subjects=15, design="between", conditions=("a", "b", "c"), names=NAMES,
        effects={"Joy": 0.3}, seed=6,
    )  # fmt: skip


@pytest.fixture(scope="module")
def two_by_two() -> pd.DataFrame:
    df = testing.study(
        subjects=9, conditions=("x_p", "x_q", "y_p", "y_q", "y_r"), names=NAMES, seed=7
    )
    df = df[df["condition"] != "y_r"]  # 2 x 2 cells (x_r never recorded)
    parts = df["condition"].astype(str).str.split("_", expand=True)
    return df.assign(
        cue=pd.Categorical(parts[0]), load=pd.Categorical(parts[1], categories=["p", "q"])
    )


@pytest.fixture(scope="module")
def mixed_design() -> pd.DataFrame:
    df = testing.study(subjects=14, conditions=("a", "b", "c"), names=NAMES, seed=8)
    group = np.where(df["participant"].str[1:].astype(int) % 2 == 0, "g1", "g2")
    score = df["score"] + np.where((group == "g2") & (df["name"] == "Joy"), 0.2, 0.0)
    return df.assign(group=group, score=score).iloc[17:]  # drops some frames: unbalanced


def test_rm_anova_matches_pingouin(three_within: pd.DataFrame) -> None:
    res = anova(three_within, within="condition", subject="participant", correction="holm")
    assert len(res) == len(NAMES) and (res["test"] == "rm_anova").all()
    for _, row in res.iterrows():
        sub = _means(three_within, row["name"], ["participant", "condition"])
        np2 = pg.rm_anova(sub, dv="score", within="condition", subject="participant",
                          correction=True, effsize="np2").iloc[0]  # fmt: skip
        ng2 = pg.rm_anova(sub, dv="score", within="condition", subject="participant").iloc[0]
        _close(row[["statistic", "df", "df2", "p_unc", "p", "eps", "effect"]],
               np2[["F", "ddof1", "ddof2", "p_unc", "p_GG_corr", "eps", "np2"]])  # fmt: skip
        _close(row[["w_mauchly", "p_mauchly"]], np2[["W_spher", "p_spher"]])
        _close(row["eta_sq_generalized"], ng2["ng2"])
    _close(res["p_adj"], hr.correct(res["p"], correction="holm"))


def test_friedman_and_kruskal_match_pingouin(
    three_within: pd.DataFrame, three_between: pd.DataFrame
) -> None:
    fr = anova(three_within, within="condition", subject="participant", test="rank")
    kw = anova(three_between, between="condition", subject="participant", test="rank")
    for name in NAMES:
        sub = _means(three_within, name, ["participant", "condition"])
        ref = pg.friedman(sub, dv="score", within="condition", subject="participant").iloc[0]
        row = fr[fr["name"] == name].iloc[0]
        _close(row[["statistic", "p", "effect"]], ref[["Q", "p_unc", "W"]])
        sub = _means(three_between, name, ["participant", "condition"])
        ref = pg.kruskal(sub, dv="score", between="condition").iloc[0]
        row = kw[kw["name"] == name].iloc[0]
        _close(row[["statistic", "df", "p"]], ref[["H", "ddof1", "p_unc"]])


def test_welch_anova_matches_pingouin(three_between: pd.DataFrame) -> None:
    res = anova(three_between, between="condition", subject="participant")
    for _, row in res.iterrows():
        sub = _means(three_between, row["name"], ["participant", "condition"])
        ref = pg.welch_anova(sub, dv="score", between="condition").iloc[0]
        _close(row[["statistic", "df", "df2", "p", "effect"]],
               ref[["F", "ddof1", "ddof2", "p_unc", "np2"]])  # fmt: skip


def test_two_way_rm_anova_matches_pingouin(two_by_two: pd.DataFrame) -> None:
    res = anova(two_by_two, within=["cue", "load"], subject="participant")
    assert res["term"].tolist()[:3] == ["cue", "load", "cue:load"]
    for name in NAMES:
        sub = _means(two_by_two, name, ["participant", "cue", "load"])
        ref = pg.rm_anova(sub, dv="score", within=["cue", "load"], subject="participant",
                          effsize="np2")  # fmt: skip
        ng2 = pg.rm_anova(sub, dv="score", within=["cue", "load"], subject="participant")
        rows = res[res["name"] == name]
        _close(rows[["statistic", "df", "df2", "p_unc", "p", "eps", "effect"]],
               ref[["F", "ddof1", "ddof2", "p_unc", "p_GG_corr", "eps", "np2"]])  # fmt: skip
        _close(rows["eta_sq_generalized"], ng2["ng2"])


def test_two_way_with_three_levels_has_sphericity() -> None:
    df = testing.study(subjects=8, conditions=tuple(f"{a}_{b}" for a in "xy" for b in "pqr"),
                       names=("Joy",), seed=9)  # fmt: skip
    parts = df["condition"].astype(str).str.split("_", expand=True)
    df = df.assign(cue=parts[0], load=parts[1])
    res = anova(df, within=["cue", "load"], subject="participant")
    sub = _means(df, "Joy", ["participant", "cue", "load"])
    ref = pg.rm_anova(sub, dv="score", within=["cue", "load"], subject="participant")
    _close(res[["p", "eps", "w_mauchly", "p_mauchly"]].to_numpy(dtype=float)[1:],
           ref[["p_GG_corr", "eps", "W_spher", "p_spher"]].to_numpy(dtype=float)[1:])  # fmt: skip


def test_mixed_anova_matches_pingouin(mixed_design: pd.DataFrame) -> None:
    res = anova(mixed_design, between="group", within="condition", subject="participant")
    assert res["term"].tolist()[:3] == ["group", "condition", "group:condition"]
    for name in NAMES:
        sub = _means(mixed_design, name, ["participant", "group", "condition"])
        ref = pg.mixed_anova(sub, dv="score", within="condition", between="group",
                             subject="participant", correction=True, effsize="np2")  # fmt: skip
        ng2 = pg.mixed_anova(sub, dv="score", within="condition", between="group",
                             subject="participant", effsize="ng2")  # fmt: skip
        rows = res[res["name"] == name]
        _close(rows[["statistic", "df", "df2", "p_unc", "effect"]],
               ref[["F", "DF1", "DF2", "p_unc", "np2"]])  # fmt: skip
        _close(rows["p"].iloc[1:], ref["p_GG_corr"].iloc[1:])
        _close(rows["eps"].iloc[1:], ref["eps"].iloc[1:])
        _close(rows["eta_sq_generalized"], ng2["ng2"])


def test_anova_refuses_unsupported_designs(three_within: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="supported designs"):
        anova(three_within, subject="participant")
    with pytest.raises(ValueError, match="needs subject="):
        anova(three_within, within="condition")
    with pytest.raises(ValueError, match="test='rank' supports one factor"):
        anova(three_within, within=["condition", "trial"], subject="participant", test="rank")


def test_compare_omnibus_then_posthoc_between(three_between: pd.DataFrame) -> None:
    res = hr.compare(three_between, between="condition", subject="participant")
    joy = res[res["name"] == "Joy"]
    assert joy["kind"].tolist() == ["omnibus", "pairwise", "pairwise", "pairwise"]
    assert joy["test"].tolist() == ["welch_anova", *["games_howell"] * 3]
    aov = anova(three_between, between="condition", subject="participant")
    omni = res[res["kind"] == "omnibus"]
    _close(omni["p"], aov["p"])
    _close(omni["p_adj"], hr.correct(aov["p"]))  # omnibus rows are one family
    pairs = res[res["kind"] == "pairwise"]
    _close(pairs["p_adj"], hr.correct(pairs["p"]))  # pairs another
    sub = _means(three_between, "Joy", ["participant", "condition"])
    gh = pg.pairwise_gameshowell(sub, dv="score", between="condition")
    _close(joy["p"].iloc[1:], gh["pval"])
    _close(joy["statistic"].iloc[1:], -gh["T"])  # other - reference
    _close(joy["df"].iloc[1:], gh["df"])
    tk = hr.compare(three_between, between="condition", subject="participant", posthoc="tukey")
    ref = pg.pairwise_tukey(sub, dv="score", between="condition")
    rows = tk[(tk["name"] == "Joy") & (tk["kind"] == "pairwise")]
    assert (rows["test"] == "tukey_hsd").all()
    _close(rows["p"], ref["p_tukey"])
    _close(rows["statistic"], -ref["T"])


def test_compare_omnibus_within_and_rank(three_within: pd.DataFrame) -> None:
    res = hr.compare(three_within, within="condition", subject="participant")
    omni = res[res["kind"] == "omnibus"]
    assert (omni["test"] == "rm_anova").all() and (omni["effect_type"] == "eta_sq_partial").all()
    aov = anova(three_within, within="condition", subject="participant")
    _close(
        omni[["statistic", "df", "df2", "p", "effect"]],
        aov[["statistic", "df", "df2", "p", "effect"]],
    )
    assert (res.loc[res["kind"] == "pairwise", "test"] == "paired_t").all()
    rank = hr.compare(three_within, within="condition", subject="participant", test="rank")
    assert (rank.loc[rank["kind"] == "omnibus", "test"] == "friedman").all()
    two = hr.compare(three_within[three_within["condition"] != "c"], within="condition",
                     subject="participant")  # fmt: skip
    assert (two["kind"] == "pairwise").all()
    with pytest.raises(ValueError, match="omnibus=True"):
        hr.compare(three_within, within="condition", subject="participant",
                   test="permutation", omnibus=True)  # fmt: skip


def test_against_value_matches_pingouin(three_within: pd.DataFrame) -> None:
    res = hr.compare(three_within, against=0.5, subject="participant", by=["name", "condition"])
    assert (res["test"] == "one_sample_t").all() and (res["reference"] == "0.5").all()
    for _, row in res.iterrows():
        sub = _means(three_within, row["name"], ["participant", "condition"])
        x = sub.loc[sub["condition"] == row["condition"], "score"].to_numpy()
        ref = pg.ttest(x, 0.5).iloc[0]
        _close(row[["statistic", "df", "p"]], ref[["T", "dof", "p_val"]])
        _close(abs(row["effect"]), ref["cohen_d"])  # pingouin reports |d|
        _close(row["cles"], pg.compute_effsize(x, np.array([0.5]), eftype="cles"))
    rank = hr.compare(three_within, against=0.5, subject="participant", test="rank",
                      by=["name", "condition"])  # fmt: skip
    assert (rank["test"] == "wilcoxon").all()


def test_tost_matches_pingouin() -> None:
    within = testing.study(subjects=12, names=NAMES, effects={"Joy": 0.05}, seed=10)
    between = testing.study(subjects=16, design="between", names=NAMES, seed=11)
    w = equivalence(within, within="condition", subject="participant", bounds=0.2)
    b = equivalence(between, between="condition", subject="participant", bounds=0.2)
    o = equivalence(
        within, against=0.5, subject="participant", bounds=0.2, by=["name", "condition"]
    )
    for name in NAMES:
        sub = _means(within, name, ["participant", "condition"]).pivot(
            index="participant", columns="condition", values="score")  # fmt: skip
        ref = pg.tost(sub["treatment"], sub["control"], bound=0.2, paired=True).iloc[0]
        row = w[w["name"] == name].iloc[0]
        _close([row["p"], row["df"]], [ref["pval"], ref["dof"]])
        sub = _means(between, name, ["participant", "condition"])
        x, y = (sub.loc[sub["condition"] == c, "score"] for c in ("treatment", "control"))
        ref = pg.tost(x, y, bound=0.2, correction=True).iloc[0]
        row = b[b["name"] == name].iloc[0]
        _close([row["p"], row["df"]], [ref["pval"], ref["dof"]])
        sub = _means(within, name, ["participant", "condition"])
        x = sub.loc[sub["condition"] == "control", "score"]
        ref = pg.tost(x, 0.5, bound=0.2).iloc[0]
        row = o[(o["name"] == name) & (o["condition"] == "control")].iloc[0]
        _close(row["p"], ref["pval"])
        ci = pg.ttest(x, 0.5, confidence=0.9).iloc[0]["CI90"]
        _close([row["ci_low"] + 0.5, row["ci_high"] + 0.5], ci)
    with pytest.raises(ValueError, match="bounds"):
        equivalence(within, within="condition", subject="participant", bounds=(0.2, -0.2))


def test_exact_ci_and_cles() -> None:
    from scipy import stats

    between = testing.study(subjects=14, design="between", names=NAMES, effects={"Joy": 0.3},
                            seed=12)  # fmt: skip
    res = hr.compare(between, between="condition", subject="participant", ci_method="exact")
    for _, row in res.iterrows():
        sub = _means(between, row["name"], ["participant", "condition"])
        x, y = (
            sub.loc[sub["condition"] == c, "score"].to_numpy() for c in ("treatment", "control")
        )
        _close(row["cles"], pg.compute_effsize(x, y, eftype="cles"))
        n1, n2 = len(x), len(y)
        df = n1 + n2 - 2
        t = stats.ttest_ind(x, y).statistic
        scale = np.sqrt(1 / n1 + 1 / n2)
        g_j = row["effect"] / (t * scale)  # Hedges' J
        for bound, tail in ((row["ci_low"], 0.975), (row["ci_high"], 0.025)):
            ncp = bound / g_j / scale
            _close(stats.nct.cdf(t, df, ncp), tail)
    normal = hr.compare(between, between="condition", subject="participant")
    _close(normal["effect"], res["effect"])
    assert not np.allclose(normal["ci_low"], res["ci_low"])
    with pytest.raises(ValueError, match="ci_method='exact'"):
        hr.compare(between, between="condition", subject="participant", test="rank",
                   ci_method="exact")  # fmt: skip
    within = testing.study(subjects=10, names=NAMES, effects={"Joy": 0.3}, seed=13)
    res = hr.compare(within, within="condition", subject="participant", ci_method="exact")
    for _, row in res.iterrows():
        sub = _means(within, row["name"], ["participant", "condition"]).pivot(
            index="participant", columns="condition", values="score")  # fmt: skip
        d = (sub["treatment"] - sub["control"]).to_numpy()
        n = len(d)
        _close(row["cles"], np.mean(d > 0) + 0.5 * np.mean(d == 0))
        t = d.mean() / d.std(ddof=1) * np.sqrt(n)
        _close(stats.nct.cdf(t, n - 1, row["ci_low"] * np.sqrt(n)), 0.975)
        _close(stats.nct.cdf(t, n - 1, row["ci_high"] * np.sqrt(n)), 0.025)


def test_quiet_on_clean_designs(three_within: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        anova(three_within, within="condition", subject="participant")
        hr.compare(three_within, within="condition", subject="participant")
