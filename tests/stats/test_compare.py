"""``compare`` checked against scipy / hand formulas on brute-force subject means."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

import humeresearch as hr
from humeresearch import testing
from humeresearch.errors import PseudoReplicationWarning, StatsWarning
from humeresearch.stats import _reduce as reduce_module

from .conftest import NAMES, subject_values

RTOL = 1e-8
Z95 = stats.norm.ppf(0.975)


def _pair(df: pd.DataFrame, name: str, a: str = "treatment", b: str = "control"):
    va, vb = subject_values(df, name, a), subject_values(df, name, b)
    return np.array(list(va.values())), np.array(list(vb.values())), va, vb


def _paired(df: pd.DataFrame, name: str, a: str = "treatment", b: str = "control"):
    va, vb = subject_values(df, name, a), subject_values(df, name, b)
    common = sorted(set(va) & set(vb))
    return np.array([va[s] for s in common]), np.array([vb[s] for s in common])


def _row(res: pd.DataFrame, name: str) -> pd.Series:
    sel = res[res["name"] == name]
    assert len(sel) == 1
    return sel.iloc[0]


def _hedges(xa: np.ndarray, xb: np.ndarray) -> tuple[float, float, float]:
    na, nb = len(xa), len(xb)
    df = na + nb - 2
    sp = math.sqrt(((na - 1) * xa.var(ddof=1) + (nb - 1) * xb.var(ddof=1)) / df)
    j = math.gamma(df / 2) / (math.sqrt(df / 2) * math.gamma((df - 1) / 2))
    g = j * (xa.mean() - xb.mean()) / sp
    se = math.sqrt((na + nb) / (na * nb) + g**2 / (2 * (na + nb)))
    return g, g - Z95 * se, g + Z95 * se


def _fisher(r: float, se: float) -> list[float]:
    if abs(r) == 1:  # complete separation: Fisher's z is infinite, the CI collapses
        return [r, r, r]
    return [r, math.tanh(math.atanh(r) - Z95 * se), math.tanh(math.atanh(r) + Z95 * se)]


def test_welch_and_hedges(frames_between: pd.DataFrame) -> None:
    res = hr.compare(frames_between, between="condition", subject="participant")
    assert list(res.columns[:3]) == ["model", "family", "name"]
    assert len(res) == len(NAMES) and set(res["test"]) == {"welch_t"}
    for name in NAMES:
        xa, xb, _, _ = _pair(frames_between, name)
        row = _row(res, name)
        ref = stats.ttest_ind(xa, xb, equal_var=False)
        assert (row["reference"], row["other"]) == ("control", "treatment")
        assert (row["n_other"], row["n_reference"]) == (len(xa), len(xb))
        np.testing.assert_allclose(
            row[["mean_other", "mean_reference"]].astype(float), [xa.mean(), xb.mean()], rtol=RTOL
        )
        np.testing.assert_allclose(
            row[["sd_other", "sd_reference"]].astype(float),
            [xa.std(ddof=1), xb.std(ddof=1)],
            rtol=RTOL,
        )
        np.testing.assert_allclose(
            [row["statistic"], row["p"], row["df"]], [ref.statistic, ref.pvalue, ref.df], rtol=RTOL
        )
        np.testing.assert_allclose(
            [row["effect"], row["ci_low"], row["ci_high"]], _hedges(xa, xb), rtol=RTOL
        )
        assert row["effect_type"] == "hedges_g" and row["note"] == ""
    np.testing.assert_allclose(
        res["p_adj"], multipletests(res["p"], method="fdr_bh")[1], rtol=1e-12
    )
    assert (res["correction"] == "fdr_bh").all()
    joy = _row(res, "Joy")
    assert joy["p_adj"] < 0.05 and joy["effect"] > 0  # treatment (other) was shifted up


def test_mann_whitney_and_rank_biserial(frames_between: pd.DataFrame) -> None:
    res = hr.compare(frames_between, between="condition", subject="participant", test="rank")
    for name in NAMES:
        xa, xb, _, _ = _pair(frames_between, name)
        row = _row(res, name)
        ref = stats.mannwhitneyu(xa, xb)
        np.testing.assert_allclose(
            [row["statistic"], row["p"]], [ref.statistic, ref.pvalue], rtol=RTOL
        )
        wins = sum((a > b) + 0.5 * (a == b) for a in xa for b in xb)
        losses = sum((a < b) + 0.5 * (a == b) for a in xa for b in xb)
        r = (wins - losses) / (len(xa) * len(xb))  # Kerby's simple difference formula
        se = math.sqrt((len(xa) + len(xb) + 1) / (3 * len(xa) * len(xb)))
        expected = _fisher(r, se)
        np.testing.assert_allclose(
            [row["effect"], row["ci_low"], row["ci_high"]], expected, rtol=RTOL
        )
        assert row["test"] == "mann_whitney_u" and row["effect_type"] == "rank_biserial"


def test_permutation_between_matches_scipy(frames_between: pd.DataFrame) -> None:
    res = hr.compare(
        frames_between,
        between="condition",
        subject="participant",
        test="permutation",
        n_permutations=999,
        seed=7,
    )
    for name in NAMES:
        xa, xb, _, _ = _pair(frames_between, name)
        ref = stats.permutation_test(  # two-sided: |T*| >= |T| (the cluster_test definition)
            (xa, xb),
            lambda x, y, axis: np.abs(x.mean(axis) - y.mean(axis)),
            n_resamples=999,
            rng=7,
            vectorized=True,
            alternative="greater",
        )
        row = _row(res, name)
        np.testing.assert_allclose(
            [row["statistic"], row["p"]], [xa.mean() - xb.mean(), ref.pvalue], rtol=RTOL
        )
    again = hr.compare(
        frames_between,
        between="condition",
        subject="participant",
        test="permutation",
        n_permutations=999,
        seed=7,
    )
    pd.testing.assert_frame_equal(res, again)


def test_paired_t_dz_dav(frames_within: pd.DataFrame) -> None:
    res = hr.compare(frames_within, within="condition", subject="participant")
    res_av = hr.compare(frames_within, within="condition", subject="participant", effect="d_av")
    for name in NAMES:
        xa, xb = _paired(frames_within, name)
        ref = stats.ttest_rel(xa, xb)
        row, row_av = _row(res, name), _row(res_av, name)
        n = len(xa)
        assert (
            row["test"] == "paired_t"
            and row["n_other"] == row["n_reference"] == n
            and row["n_unpaired"] == 0
        )
        np.testing.assert_allclose(
            [row["statistic"], row["p"], row["df"]], [ref.statistic, ref.pvalue, n - 1], rtol=RTOL
        )
        d = xa - xb
        dz = d.mean() / d.std(ddof=1)
        se = math.sqrt(1 / n + dz**2 / (2 * n))
        np.testing.assert_allclose(
            [row["effect"], row["ci_low"], row["ci_high"]],
            [dz, dz - Z95 * se, dz + Z95 * se],
            rtol=RTOL,
        )
        dav = d.mean() / ((xa.std(ddof=1) + xb.std(ddof=1)) / 2)
        r = np.corrcoef(xa, xb)[0, 1]
        se = math.sqrt((1 / n + dav**2 / (2 * n)) * 2 * (1 - r))
        np.testing.assert_allclose(
            [row_av["effect"], row_av["ci_low"], row_av["ci_high"]],
            [dav, dav - Z95 * se, dav + Z95 * se],
            rtol=RTOL,
        )
        assert row_av["effect_type"] == "cohen_d_av"
    assert _row(res, "Anger")["p_adj"] < 0.05


def test_wilcoxon_and_matched_rank_biserial(frames_within: pd.DataFrame) -> None:
    res = hr.compare(frames_within, within="condition", subject="participant", test="rank")
    for name in NAMES:
        xa, xb = _paired(frames_within, name)
        ref = stats.wilcoxon(xa, xb)
        row = _row(res, name)
        np.testing.assert_allclose(
            [row["statistic"], row["p"]], [ref.statistic, ref.pvalue], rtol=RTOL
        )
        d = (xa - xb)[xa != xb]
        ranks = stats.rankdata(np.abs(d))
        r = (ranks[d > 0].sum() - ranks[d < 0].sum()) / ranks.sum()
        nd = len(d)
        se = math.sqrt((2 * nd**3 + 3 * nd**2 + nd) / 6) / (nd * (nd + 1) / 2)
        expected = _fisher(r, se)
        np.testing.assert_allclose(
            [row["effect"], row["ci_low"], row["ci_high"]], expected, rtol=RTOL
        )


def test_sign_flip_matches_scipy(frames_within: pd.DataFrame) -> None:
    # 10 subjects: 2^10 = 1024 sign patterns > 999 resamples, so this is the random branch
    res = hr.compare(
        frames_within,
        within="condition",
        subject="participant",
        test="permutation",
        n_permutations=999,
        seed=3,
    )
    for name in NAMES:
        xa, xb = _paired(frames_within, name)
        ref = stats.permutation_test(
            (xa - xb,),
            lambda d, axis: np.abs(d.mean(axis)),
            permutation_type="samples",
            n_resamples=999,
            rng=3,
            vectorized=True,
            alternative="greater",
        )
        row = _row(res, name)
        assert row["test"] == "sign_flip_permutation"
        np.testing.assert_allclose(
            [row["statistic"], row["p"]], [(xa - xb).mean(), ref.pvalue], rtol=RTOL
        )


@pytest.mark.parametrize("alternative", ["greater", "less"])
def test_alternative(frames_between: pd.DataFrame, alternative: str) -> None:
    for test, ref_fn in (
        ("t", lambda a, b: stats.ttest_ind(a, b, equal_var=False, alternative=alternative)),
        ("rank", lambda a, b: stats.mannwhitneyu(a, b, alternative=alternative)),
    ):
        res = hr.compare(
            frames_between,
            between="condition",
            subject="participant",
            test=test,
            alternative=alternative,
        )
        for name in NAMES[:3]:
            xa, xb, _, _ = _pair(frames_between, name)
            np.testing.assert_allclose(_row(res, name)["p"], ref_fn(xa, xb).pvalue, rtol=RTOL)


def test_median_agg(frames_between: pd.DataFrame) -> None:
    res = hr.compare(frames_between, between="condition", subject="participant", agg="median")
    va = subject_values(frames_between, "Calmness", "treatment", "median")
    vb = subject_values(frames_between, "Calmness", "control", "median")
    ref = stats.ttest_ind(list(va.values()), list(vb.values()), equal_var=False)
    np.testing.assert_allclose(_row(res, "Calmness")["statistic"], ref.statistic, rtol=RTOL)


def test_rows_as_units_and_pseudo_replication_warning(frames_between: pd.DataFrame) -> None:
    with pytest.warns(PseudoReplicationWarning, match="subject="):
        res = hr.compare(frames_between, between="condition")
    for name in NAMES[:2]:
        sel = frames_between[frames_between["name"] == name]
        xa = sel.loc[sel["condition"] == "treatment", "score"].to_numpy()
        xb = sel.loc[sel["condition"] == "control", "score"].to_numpy()
        row = _row(res, name)
        assert row["n_other"] == len(xa)
        np.testing.assert_allclose(
            row["statistic"], stats.ttest_ind(xa, xb, equal_var=False).statistic, rtol=RTOL
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hr.compare(frames_between, between="condition", subject="participant")  # no warning


def test_three_levels_all_pairs() -> None:
    df = testing.study(
        subjects=12, design="between", conditions=("a", "b", "c"), names=("Joy", "Anger"), seed=4
    )
    res = hr.compare(
        df,
        between="condition",
        subject="participant",
        correction="holm",
        omnibus=False,
        posthoc="pairwise",
    )
    assert len(res) == 2 * 3
    assert res[["name", "reference", "other"]].astype(str).values.tolist() == [
        ["Joy", "a", "b"], ["Joy", "a", "c"], ["Joy", "b", "c"],
        ["Anger", "a", "b"], ["Anger", "a", "c"], ["Anger", "b", "c"],
    ]  # fmt: skip
    for _, row in res.iterrows():
        xa = list(subject_values(df, row["name"], row["other"]).values())
        xb = list(subject_values(df, row["name"], row["reference"]).values())
        np.testing.assert_allclose(
            row["p"], stats.ttest_ind(xa, xb, equal_var=False).pvalue, rtol=RTOL
        )
    np.testing.assert_allclose(res["p_adj"], multipletests(res["p"], method="holm")[1], rtol=1e-12)


def test_correct_within_families(frames_between: pd.DataFrame) -> None:
    res = hr.compare(
        frames_between,
        between="condition",
        subject="participant",
        correct_within="name",
        correction="bonferroni",
    )
    np.testing.assert_allclose(res["p_adj"], res["p"])  # one test per family
    with pytest.raises(ValueError, match="correct_within"):
        hr.compare(
            frames_between, between="condition", subject="participant", correct_within="nope"
        )


def test_sparse_patterns_and_chunks(
    frames_within: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    df = frames_within
    rng = np.random.default_rng(5)
    # drop some (participant, name) cells entirely so the expressions have different subjects
    drop = {(f"p{s:02d}", n) for s, n in zip(rng.integers(0, 10, 8), rng.choice(NAMES, 8))}
    keep = [(p, n) not in drop for p, n in zip(df["participant"], df["name"].astype(str))]
    df = df[keep]
    for test in ("t", "rank", "permutation"):
        res = hr.compare(
            df, within="condition", subject="participant", test=test, n_permutations=500
        )
        monkeypatch.setattr(reduce_module, "CELLS", 50)  # force one dense block per expression
        small = hr.compare(
            df, within="condition", subject="participant", test=test, n_permutations=500
        )
        monkeypatch.undo()
        pd.testing.assert_frame_equal(res, small)
        for name in NAMES:
            xa, xb = _paired(df, name)
            ref = {
                "t": stats.ttest_rel(xa, xb),
                "rank": stats.wilcoxon(xa, xb),
                "permutation": stats.permutation_test(
                    (xa - xb,),
                    lambda d, axis: np.abs(d.mean(axis)),
                    permutation_type="samples",
                    n_resamples=500,
                    rng=0,
                    vectorized=True,
                    alternative="greater",
                ),
            }[test]
            np.testing.assert_allclose(_row(res, name)["p"], ref.pvalue, rtol=RTOL)


def test_unbalanced_pairs_reported(frames_within: pd.DataFrame) -> None:
    df = frames_within[
        ~((frames_within["participant"] == "p03") & (frames_within["condition"] == "treatment"))
    ]
    with pytest.warns(StatsWarning, match="n_unpaired"):
        res = hr.compare(df, within="condition", subject="participant")
    assert (res["n_unpaired"] == 1).all() and (res["n_other"] == 9).all()
    xa, xb = _paired(df, "Joy")
    np.testing.assert_allclose(
        _row(res, "Joy")["statistic"], stats.ttest_rel(xa, xb).statistic, rtol=RTOL
    )


def test_degenerate_rows() -> None:
    df = testing.study(
        subjects=8, design="between", names=("Joy", "Anger", "Calmness", "Sadness"), seed=6
    )
    df.loc[df["name"] == "Anger", "score"] = np.nan  # all-NaN expression
    df.loc[df["name"] == "Calmness", "score"] = 0.25  # zero variance
    # Sadness: only one treatment subject left
    sad_treat = (df["name"] == "Sadness") & (df["condition"] == "treatment")
    df = df[~sad_treat | (df["participant"] == "p01")]
    with pytest.warns(StatsWarning, match="note"):
        res = hr.compare(df, between="condition", subject="participant")
    notes = dict(zip(res["name"].astype(str), res["note"]))
    assert notes == {
        "Joy": "",
        "Anger": "no data in other; no data in reference",
        "Calmness": "zero variance",
        "Sadness": "fewer than 2 units in a condition",
    }
    bad = res[res["note"] != ""]
    assert bad[["statistic", "p", "p_adj", "effect"]].isna().all().all()
    joy = _row(res, "Joy")
    assert joy["p_adj"] == joy["p"]  # NaN rows are not part of the family
    with pytest.warns(StatsWarning):
        rank = hr.compare(df, between="condition", subject="participant", test="rank")
    assert dict(zip(rank["name"].astype(str), rank["note"]))["Calmness"] == "all values identical"


def test_errors(frames_between: pd.DataFrame, frames_within: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="exactly one of between= .* within= .* or against="):
        hr.compare(frames_between)
    with pytest.raises(ValueError, match="pass subject="):
        hr.compare(frames_within, within="condition")
    with pytest.raises(ValueError, match="appears in several levels"):
        hr.compare(frames_within, between="condition", subject="participant")
    with pytest.raises(ValueError, match="'auto', 't', 'rank', 'permutation'"):
        hr.compare(frames_between, between="condition", subject="participant", test="welch")
    with pytest.raises(ValueError, match="correction must be one of"):
        hr.compare(frames_between, between="condition", subject="participant", correction="bh")
    with pytest.raises(ValueError, match="effect must be one of"):
        hr.compare(frames_between, between="condition", subject="participant", effect="d_z")
    with pytest.raises(ValueError, match=r"no column\(s\) \['group'\]"):
        hr.compare(frames_between, between="group", subject="participant")
    with pytest.raises(ValueError, match=r"no column\(s\) \['session'\]"):
        hr.compare(
            frames_between, between="condition", subject="participant", by=["name", "session"]
        )
    with pytest.raises(TypeError, match="'participant' of data must be numeric"):
        hr.compare(frames_between, value="participant", between="condition")
    with pytest.raises(ValueError, match="agg must be one of 'mean', 'median'; got 'max'"):
        hr.compare(frames_between, between="condition", subject="participant", agg="max")
    with pytest.raises(TypeError, match="1 positional argument"):
        hr.compare(frames_between, "score", "condition")  # type: ignore[misc]
    one = frames_between[frames_between["condition"] == "control"]
    with pytest.raises(ValueError, match="at least 2 levels"):
        hr.compare(one, between="condition", subject="participant")


def test_by_default_skips_missing_and_empty_is_one_group() -> None:
    df = testing.study(subjects=8, design="between", names=("Joy", "Anger"), seed=8)[
        ["name", "participant", "condition", "score"]
    ]
    res = hr.compare(df, between="condition", subject="participant")
    assert list(res.columns[:4]) == ["name", "kind", "reference", "other"]
    assert res.equals(hr.compare(df, between="condition", subject="participant", by="name"))
    whole = hr.compare(df, between="condition", subject="participant", by=())
    assert len(whole) == 1 and whole.columns[0] == "kind"
    va = subject_values(df, "Joy", "control")
    vb = subject_values(df, "Anger", "control")
    assert whole.iloc[0]["n_other"] == len(set(va) | set(vb))
    xa = df[df["condition"] == "treatment"].groupby("participant")["score"].mean()
    xb = df[df["condition"] == "control"].groupby("participant")["score"].mean()
    ref = stats.ttest_ind(xa, xb, equal_var=False)
    np.testing.assert_allclose([whole.iloc[0]["statistic"]], [ref.statistic], rtol=RTOL)


def test_measurements_input() -> None:
    m = testing.measurements(sources=("a.mp4", "b.mp4"), names=("Joy", "Anger"), duration=12.0)
    with pytest.warns(PseudoReplicationWarning):
        res = hr.compare(m, between="source")  # a Measurements is taken as its long table
    assert list(res.columns[:3]) == ["model", "family", "name"] and len(res) == 2
    long = m.long()
    joy = long[long["name"] == "Joy"]
    ref = stats.ttest_ind(
        joy.loc[joy["source"] == "b.mp4", "score"],
        joy.loc[joy["source"] == "a.mp4", "score"],
        equal_var=False,
    )
    row = _row(res, "Joy")
    assert (row["reference"], row["other"], row["n_other"]) == ("a.mp4", "b.mp4", 36)
    np.testing.assert_allclose([row["statistic"], row["p"]], [ref.statistic, ref.pvalue], rtol=RTOL)


def _summarize_shaped(df: pd.DataFrame, stats_: tuple[str, ...]) -> pd.DataFrame:
    """A table shaped like ``summarize`` output: one row per source, name and stat."""
    keys = ["source", "file", "model", "track", "participant", "condition"]
    grouped = df.groupby([*keys, "family", "name"], observed=True)["score"]
    parts = [grouped.agg(stat).rename("score").reset_index().assign(stat=stat) for stat in stats_]
    out = pd.concat(parts, ignore_index=True)
    out["n_spans"] = 6
    out["seconds"] = 0.0
    return out[[*keys, "family", "name", "stat", "score", "n_spans", "seconds"]]


def test_compare_summarize_output(frames_within: pd.DataFrame) -> None:
    summ = _summarize_shaped(frames_within, ("mean",))
    res = hr.compare(summ, within="condition", subject="participant")  # value="score"
    direct = hr.compare(frames_within, within="condition", subject="participant")
    pd.testing.assert_frame_equal(res, direct)  # one source per participant and condition
    both = _summarize_shaped(frames_within, ("mean", "max"))
    with pytest.raises(ValueError, match=r"column 'stat' has several values.*add 'stat' to by="):
        hr.compare(both, within="condition", subject="participant")
    by = [*hr.define.EXPRESSION_KEYS, "stat"]
    res = hr.compare(both, within="condition", subject="participant", by=by, correct_within="stat")
    assert list(res.columns[:4]) == by and len(res) == 2 * len(NAMES)
    means = res[res["stat"] == "mean"].drop(columns="stat").reset_index(drop=True)
    pd.testing.assert_frame_equal(means, direct)
    maxima = both[(both["stat"] == "max") & (both["name"] == "Joy")]
    xa = maxima[maxima["condition"] == "treatment"].sort_values("participant")["score"]
    xb = maxima[maxima["condition"] == "control"].sort_values("participant")["score"]
    row = res[(res["stat"] == "max") & (res["name"] == "Joy")].iloc[0]
    ref = stats.ttest_rel(xa.to_numpy(), xb.to_numpy())
    np.testing.assert_allclose([row["statistic"], row["p"]], [ref.statistic, ref.pvalue], rtol=RTOL)
