"""Silent wrong results of issue 12, each refused, warned or fixed; checked independently."""

from __future__ import annotations

import warnings
from itertools import combinations, product

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

import humeresearch as hr
from humeresearch import testing
from humeresearch.errors import PseudoReplicationWarning, StatsWarning

RTOL = 1e-10


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def _two_names(a: dict[str, list[float]], b: dict[str, list[float]]) -> pd.DataFrame:
    """Between-subjects table: one row per subject, names as given ({name: values})."""
    rows = []
    for name in a:
        for level, values in (("a", a[name]), ("b", b[name])):
            for i, v in enumerate(values):
                rows.append((name, f"{level}{i}", level, v))
    return pd.DataFrame(rows, columns=["name", "participant", "condition", "score"])


# -- 3: rows that are different quantities are refused ---------------------------------


def _stat_table() -> pd.DataFrame:
    df = testing.study(subjects=6, names=("Joy",), seed=1)
    return hr.summarize(df, by=["participant", "condition", "model"], agg=["mean", "max"])


def test_every_function_refuses_pooled_statistics() -> None:
    both = _stat_table()
    match = r"column 'stat' has several values .* add 'stat' to by="
    with pytest.raises(ValueError, match=match):
        hr.compare(both, within="condition", subject="participant")
    with pytest.raises(ValueError, match=match):
        hr.mixed(both, formula="score ~ condition", subject="participant")
    with pytest.raises(ValueError, match=match):
        hr.cluster_test(both.assign(time=0.0), within="condition", subject="participant")
    with pytest.raises(ValueError, match=match):
        hr.agreement(both, both, on=["participant", "condition"])
    ok = hr.compare(both, within="condition", subject="participant", by=["name", "stat"])
    assert sorted(ok["stat"]) == ["max", "mean"]


def test_models_and_granularities_are_not_pooled() -> None:
    long = testing.study(subjects=6, names=("Joy",), seed=2)
    voice = long.assign(model=pd.Categorical(["prosody"] * len(long)))
    both = pd.concat([long, voice], ignore_index=True)
    with pytest.raises(ValueError, match=r"column 'model' .* add 'model' to by= \(by=\['name', "):
        hr.compare(both, within="condition", subject="participant", by="name")
    assert len(hr.compare(both, within="condition", subject="participant")) == 2  # by default
    words = long.assign(granularity="word")
    mixed_gran = pd.concat([words, long.assign(granularity="utterance")], ignore_index=True)
    with pytest.raises(ValueError, match="add 'granularity' to by="):
        hr.compare(mixed_gran, within="condition", subject="participant")
    # a column the analysis uses (here the condition) is not a pooled quantity
    as_cond = long.assign(model=np.where(long["condition"] == "control", "face", "video"))
    res = hr.compare(as_cond, within="model", subject="participant", by="name")
    assert res["reference"].tolist() == ["face"]


def test_several_tracks_of_one_recording_warn() -> None:
    long = testing.study(subjects=4, names=("Joy",), seed=3)
    second = long.assign(track="face_1", score=long["score"] + 1)
    with pytest.warns(StatsWarning, match="several tracks"):
        hr.compare(pd.concat([long, second]), within="condition", subject="participant")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hr.compare(long, within="condition", subject="participant")


# -- 4: a p-value does not depend on the other expressions of the call ------------------


def test_rank_between_p_is_per_expression() -> None:
    # Joy has ties (exact -> asymptotic), Anger has none: scipy alone gives exact for Anger
    a = {"Joy": [1.0, 2.0, 2.0], "Anger": [0.1, 0.2, 0.3]}
    b = {"Joy": [3.0, 4.0, 5.0], "Anger": [0.4, 0.5, 0.6]}
    res = hr.compare(_two_names(a, b), between="condition", subject="participant", test="rank")
    for name in a:
        ref = stats.mannwhitneyu(b[name], a[name])  # other (b) vs reference (a)
        row = res[res["name"] == name].iloc[0]
        np.testing.assert_allclose([row["statistic"], row["p"]], [ref.statistic, ref.pvalue])
    anger = res[res["name"] == "Anger"].iloc[0]
    assert anger["p"] == pytest.approx(0.1)  # exact: 2 / C(6, 3); the batched call gave 0.0809


@pytest.mark.parametrize("test", ["t", "rank", "permutation"])
def test_within_p_is_per_expression(test: str) -> None:
    rng = np.random.default_rng(4)
    n = 7
    base = rng.normal(0, 1, n)
    cols = {
        "Joy": base + np.r_[0.5, 0.5, 0.5, 1.0, 1.2, -0.3, 0.0],  # tied and zero differences
        "Anger": base + rng.normal(0.4, 1, n),
        "Calm": base + rng.normal(0.0, 1, n),
    }
    rows = [
        (name, f"s{i}", level, v)
        for name, other in cols.items()
        for i in range(n)
        for level, v in (("a", base[i]), ("b", other[i]))
    ]
    df = pd.DataFrame(rows, columns=["name", "participant", "condition", "score"])
    res = _quiet(
        hr.compare, df, within="condition", subject="participant", test=test, n_permutations=999
    )
    for name, other in cols.items():
        alone = _quiet(
            hr.compare,
            df[df["name"] == name],
            within="condition",
            subject="participant",
            test=test,
            n_permutations=999,
        )
        row = res[res["name"] == name].iloc[0]
        assert row["p"] == pytest.approx(alone["p"].iloc[0], rel=1e-12)
        if test == "rank":
            np.testing.assert_allclose(row["p"], stats.wilcoxon(other, base).pvalue, rtol=RTOL)
        if test == "t":
            np.testing.assert_allclose(row["p"], stats.ttest_rel(other, base).pvalue, rtol=RTOL)


@pytest.mark.parametrize("test", ["t", "permutation"])
def test_between_other_kinds_per_expression(test: str) -> None:
    rng = np.random.default_rng(5)
    a = {n: list(rng.normal(0, 1, 6).round(1)) for n in ("Joy", "Anger", "Calm")}
    b = {n: list(rng.normal(0.5, 1, 6).round(1)) for n in a}
    df = _two_names(a, b)
    res = hr.compare(df, between="condition", subject="participant", test=test)
    for name in a:
        alone = hr.compare(df[df["name"] == name], between="condition", subject="participant",
                           test=test)  # fmt: skip
        assert res.loc[res["name"] == name, "p"].iloc[0] == pytest.approx(alone["p"].iloc[0])


# -- 6: units of analysis ---------------------------------------------------------------


def test_between_without_subject_warns_from_the_contract() -> None:
    df = testing.study(subjects=6, design="between", names=("Joy",), seed=6)
    no_ids = df.drop(columns=["span_id"])  # begin/end and several rows per source remain
    with pytest.warns(PseudoReplicationWarning, match="repeated measures"):
        hr.compare(no_ids, between="condition")
    per_source = no_ids.drop(columns=["begin", "end"])
    with pytest.warns(PseudoReplicationWarning, match="several rows per 'source'"):
        hr.compare(per_source, between="condition")
    one_row = per_source.groupby(["name", "source", "condition"], observed=True)["score"].mean()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hr.compare(one_row.reset_index(), between="condition")  # one row per recording


def test_mixed_on_frames_warns_and_names_the_fix() -> None:
    df = testing.study(subjects=6, names=("Joy",), frames=4, seed=7)
    with pytest.warns(
        PseudoReplicationWarning, match=r'vc_formula=\{"recording": "0 \+ C\(source\)"'
    ):
        _quiet_stats(hr.mixed, df, formula="score ~ condition", subject="participant")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PseudoReplicationWarning)
        res = _quiet_stats(
            hr.mixed,
            df,
            formula="score ~ condition",
            subject="participant",
            vc_formula={"recording": "0 + C(source)"},
        )
        per_rec = df.groupby(["name", "participant", "condition", "source"], observed=True)
        _quiet_stats(
            hr.mixed, per_rec["score"].mean().reset_index(), formula="score ~ condition",
            subject="participant",
        )  # fmt: skip
    assert "converged" in res.columns and res["converged"].dtype == bool
    assert "warnings" not in res.columns


def _quiet_stats(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatsWarning)
        return func(*args, **kwargs)


def test_pooled_correlation_warns_towards_rmcorr() -> None:
    df = testing.study(subjects=6, names=("Joy",), seed=8)
    b = df.assign(score=df["score"] + 0.1)
    with pytest.warns(PseudoReplicationWarning, match="method='rmcorr'"):
        hr.agreement(df, b, method="pearson", subject="participant")
    with pytest.warns(PseudoReplicationWarning, match="several pairs per 'source'"):
        hr.agreement(df, b, method="spearman")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hr.agreement(df, b, method="rmcorr", subject="participant")


def _speech() -> pd.DataFrame:
    """Prosody spans of unequal duration, 4 participants x 2 conditions."""
    sources = [f"p{s}_{c}.wav" for s in range(4) for c in ("control", "treatment")]
    long = testing.long_table(sources=sources, models=("prosody",), names=("Joy",), duration=9.0)
    rng = np.random.default_rng(9)
    dur = pd.Series(rng.uniform(0.2, 3.0, long["span_id"].max() + 1))
    ends = dur.cumsum()
    long["begin"] = (ends - dur).loc[long["span_id"]].to_numpy()  # consecutive, unequal spans
    long["end"] = ends.loc[long["span_id"]].to_numpy()
    src = long["source"].astype(str)
    long["participant"] = src.str[:2]
    long["condition"] = pd.Categorical(src.str[3:-4], categories=["control", "treatment"])
    return long


def test_subject_means_weighted_as_summarize() -> None:
    long = _speech()
    per = hr.summarize(long, by=["participant", "condition", "model"])
    res = hr.compare(long, within="condition", subject="participant")
    means = per.groupby("condition", observed=True)["score"].mean()
    row = res.iloc[0]
    np.testing.assert_allclose(
        [row["mean_reference"], row["mean_other"]], [means["control"], means["treatment"]]
    )
    w = long["end"] - long["begin"]
    by_hand = (long["score"] * w).groupby([long["participant"], long["condition"]],
                                          observed=True).sum() / w.groupby(
        [long["participant"], long["condition"]], observed=True).sum()  # fmt: skip
    assert row["mean_reference"] == pytest.approx(by_hand.xs("control", level=1).mean())
    equal = hr.compare(long, within="condition", subject="participant", weight="equal")
    plain = long.groupby(["participant", "condition"], observed=True)["score"].mean()
    assert equal.iloc[0]["mean_reference"] == pytest.approx(plain.xs("control", level=1).mean())
    assert equal.iloc[0]["mean_reference"] != pytest.approx(row["mean_reference"])
    med = hr.summarize(long, by=["participant", "condition", "model"], agg="median")
    res_med = hr.compare(long, within="condition", subject="participant", agg="median")
    ref = med[med["condition"] == "control"]["score"].mean()
    assert res_med.iloc[0]["mean_reference"] == pytest.approx(ref)


# -- 7: one two-sided permutation p ------------------------------------------------------


def test_permutation_p_brute_force_between_and_within() -> None:
    a = {"Joy": [0.1, 0.5, 0.2, 0.4]}
    b = {"Joy": [0.6, 0.3, 0.9, 0.8]}
    res = hr.compare(_two_names(a, b), between="condition", subject="participant",
                     test="permutation")  # fmt: skip
    x = np.r_[a["Joy"], b["Joy"]]
    t_obs = abs(np.mean(b["Joy"]) - np.mean(a["Joy"]))
    null = [
        abs(x[list(m)].mean() - np.delete(x, list(m)).mean()) for m in combinations(range(8), 4)
    ]
    expected = np.mean(np.array(null) >= t_obs * (1 - 1e-12))
    assert res["p"].iloc[0] == pytest.approx(expected)  # 4/70; the doubled tail gave the same
    d = np.array([0.3, -0.1, 0.5, 0.2, 0.4, 0.25])
    rows = [("Joy", f"s{i}", lv, v) for i in range(6) for lv, v in (("a", 0.0), ("b", d[i]))]
    df = pd.DataFrame(rows, columns=["name", "participant", "condition", "score"])
    res = hr.compare(df, within="condition", subject="participant", test="permutation")
    null = [abs((np.array(s) * d).mean()) for s in product([1, -1], repeat=6)]
    assert res["p"].iloc[0] == pytest.approx(np.mean(np.array(null) >= abs(d.mean()) - 1e-12))


def test_asymmetric_null_uses_absolute_statistic() -> None:
    """A skewed null where doubling the smaller tail and |T| >= |T_obs| differ."""
    a = {"Joy": [0.0, 0.0, 0.0, 10.0]}
    b = {"Joy": [1.0, 1.0, 1.0, 1.0]}
    res = hr.compare(_two_names(a, b), between="condition", subject="participant",
                     test="permutation")  # fmt: skip
    x = np.r_[a["Joy"], b["Joy"]]
    obs = abs(np.mean(b["Joy"]) - np.mean(a["Joy"]))
    null = np.array(
        [abs(x[list(m)].mean() - np.delete(x, list(m)).mean()) for m in combinations(range(8), 4)]
    )
    assert res["p"].iloc[0] == pytest.approx(np.mean(null >= obs - 1e-12))


# -- 8: agreement edge cases -------------------------------------------------------------


@pytest.mark.parametrize("method", ["icc", "icc3"])
def test_icc_of_identical_ratings_is_one(method: str) -> None:
    rng = np.random.default_rng(10)
    x = rng.normal(0, 1, 20)
    a = pd.DataFrame({"name": "Joy", "item": range(20), "score": x})
    res = hr.agreement(a, a, on="item", method=method)
    assert res[["estimate", "ci_low", "ci_high"]].iloc[0].tolist() == [1.0, 1.0, 1.0]
    assert res["p"].iloc[0] == 0.0 and res["note"].iloc[0] == ""
    noisy = a.assign(score=x + rng.normal(0, 1e-10, 20))
    res = hr.agreement(a, noisy, on="item", method=method)
    assert res["estimate"].iloc[0] == pytest.approx(1.0, abs=1e-9)
    assert res["ci_low"].iloc[0] == pytest.approx(1.0, abs=1e-6)
    y = x + rng.normal(0, 0.5, 20)
    res = hr.agreement(a, a.assign(score=y), on="item", method=method)
    long = pd.DataFrame({"item": np.tile(range(20), 2), "rater": np.repeat(["a", "b"], 20),
                         "score": np.r_[x, y]})  # fmt: skip
    ref = pg.intraclass_corr(long, targets="item", raters="rater", ratings="score")
    ref = ref.set_index("Type").loc["ICC(A,1)" if method == "icc" else "ICC(C,1)"]
    assert res["estimate"].iloc[0] == pytest.approx(ref["ICC"], rel=1e-10)
    assert res["p"].iloc[0] == pytest.approx(ref["pval"], rel=1e-8)
    assert res["ci_low"].iloc[0] == pytest.approx(ref["CI95"][0], abs=0.006)  # pg rounds to 2


def test_spearman_ci_at_three_pairs_and_n_subjects_na() -> None:
    a = pd.DataFrame({"name": "Joy", "item": [0, 1, 2], "score": [0.1, 0.2, 0.3]})
    b = a.assign(score=[1.0, 2.0, 5.0])
    for method in ("spearman", "pearson"):
        res = hr.agreement(a, b, on="item", method=method)
        lo, hi = res["ci_low"].iloc[0], res["ci_high"].iloc[0]
        assert np.isfinite([lo, hi]).all() and lo <= res["estimate"].iloc[0] <= hi
        assert (lo, hi) == (-1.0, 1.0)  # n = 3: Fisher's SE is infinite, no information
        assert res["n_subjects"].isna().all() and str(res["n_subjects"].dtype) == "Int64"


# -- 9: effects read other - reference ---------------------------------------------------


def test_reference_follows_categorical_order_and_matches_pingouin() -> None:
    df = testing.study(subjects=8, names=("Joy",), effects={"Joy": 0.5}, seed=11)
    res = hr.compare(df, within="condition", subject="participant")
    row = res.iloc[0]
    assert (row["reference"], row["other"]) == ("control", "treatment")
    assert row["effect"] > 0 and row["diff"] > 0  # Joy up in treatment reads positive
    per = df.groupby(["participant", "condition"], observed=True)["score"].mean().unstack()
    ref = pg.ttest(per["treatment"], per["control"], paired=True)
    assert row["statistic"] == pytest.approx(ref["T"].iloc[0], rel=1e-10)
    flipped = df.assign(condition=df["condition"].cat.reorder_categories(["treatment", "control"]))
    res2 = hr.compare(flipped, within="condition", subject="participant")
    assert res2.iloc[0]["reference"] == "treatment"
    assert res2.iloc[0]["effect"] == pytest.approx(-row["effect"])
    res3 = hr.compare(df, within="condition", subject="participant", reference="treatment")
    assert res3.iloc[0]["statistic"] == pytest.approx(-row["statistic"])
    plain = df.assign(condition=df["condition"].astype(str))  # sorted: control first
    assert hr.compare(plain, within="condition", subject="participant").iloc[0]["reference"] == (
        "control"
    )
    with pytest.raises(ValueError, match="reference='placebo' is not a level"):
        hr.compare(df, within="condition", subject="participant", reference="placebo")


# -- 14: untested-looking expressions are listed; one family per call -------------------


def test_cluster_test_lists_expressions_without_cluster() -> None:
    from .test_cluster import make_epochs

    df = pd.concat(
        [
            make_epochs(8, "within", bump=3.0, names=("Joy",), seed=12),
            make_epochs(8, "within", bump=0.0, names=("Calm",), seed=13).assign(score=0.0)
            .assign(score=lambda d: d["score"] + np.where(d["cond"] == "b", 1e-3, 0)
                    * np.random.default_rng(1).normal(size=len(d))),
        ]
    )  # fmt: skip
    res = hr.cluster_test(df, within="cond", subject="participant", by="name", threshold=50.0,
                          n_permutations=100)  # fmt: skip
    calm = res[res["name"] == "Calm"]
    assert len(calm) == 1 and calm["cluster"].isna().all()
    assert calm[["n_bins", "sign"]].iloc[0].tolist() == [0, 0] and calm["p"].iloc[0] == 1.0
    assert calm["p_adj"].iloc[0] == 1.0


def test_mixed_and_compare_correct_one_family_per_call() -> None:
    df = testing.study(subjects=8, names=("Joy", "Anger", "Calmness"), trials=2, frames=2,
                       effects={"Joy": 0.3}, seed=14)  # fmt: skip
    per = df.groupby(["name", "participant", "condition", "trial"], observed=True)["score"]
    per = per.mean().reset_index()
    fits = _quiet_stats(hr.mixed, per, formula="score ~ condition", subject="participant")
    tested = fits["term"] != "Intercept"
    np.testing.assert_allclose(
        fits.loc[tested, "p_adj"], hr.correct(fits.loc[tested, "p"].to_numpy()), rtol=1e-12
    )
    res = hr.compare(df, within="condition", subject="participant")
    np.testing.assert_allclose(res["p_adj"], hr.correct(res["p"].to_numpy()), rtol=1e-12)
