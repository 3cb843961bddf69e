"""ICC, Spearman-Brown, power, likelihood-ratio tests, mixed-model facts and baseline rescaling."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.power import TTestIndPower, TTestPower

import humeresearch as hr
from humeresearch import testing
from humeresearch.stats import icc, lrt, power, rescale, spearman_brown

TOL = 1e-8


def _close(a: object, b: object, rtol: float = TOL) -> None:
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=rtol, atol=1e-12)


@pytest.fixture(scope="module")
def ratings() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = []
    for name in ("Joy", "Anger"):
        truth = rng.normal(size=15)
        for r, bias in zip("abcd", (0.0, 0.2, -0.1, 0.3)):
            for t in range(15):
                rows.append((name, t, r, truth[t] + bias + rng.normal(0, 0.5)))
    return pd.DataFrame(rows, columns=["name", "clip", "coder", "score"])


def test_icc_matches_pingouin(ratings: pd.DataFrame) -> None:
    res = icc(ratings, target="clip", rater="coder")
    assert res["method"].tolist()[:6] == [
        "ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)",
    ]  # fmt: skip
    for name in ("Joy", "Anger"):
        sub = ratings[ratings["name"] == name]
        with pg.config._no_rounding():
            ref = pg.intraclass_corr(sub, targets="clip", raters="coder", ratings="score")
        rows = res[res["name"] == name]
        assert rows["mcgraw_wong"].tolist() == ["ICC(1)", "ICC(A,1)", "ICC(C,1)", "ICC(k)",
                                                "ICC(A,k)", "ICC(C,k)"]  # fmt: skip
        _close(rows["estimate"], ref["ICC"])
        _close(rows["statistic"], ref["F"])
        _close(rows["df2"], ref["df2"])
        _close(rows["p"], ref["pval"])
        ci = np.vstack(ref["CI95"].to_numpy())
        _close(rows[["ci_low", "ci_high"]], ci)
        # the reliability of the mean of k raters is Spearman-Brown of the single form
        single = rows["estimate"].to_numpy()
        _close(spearman_brown(reliability=single[[0, 2]], k=4), single[[3, 5]])
    one = icc(ratings, target="clip", rater="coder", method="ICC(2,1)")
    assert one["method"].unique().tolist() == ["ICC(2,1)"]
    _close(one["p_adj"], hr.correct(one["p"]))


def test_icc_limits_and_errors(ratings: pd.DataFrame) -> None:
    same = ratings.assign(score=ratings["clip"] * 1.0)
    res = icc(same, target="clip", rater="coder")
    assert (res["estimate"] == 1).all()
    with pytest.raises(ValueError, match="method must be one of"):
        icc(ratings, target="clip", rater="coder", method="ICC(4,1)")
    with pytest.raises(ValueError, match="spearman_brown: k"):
        spearman_brown(reliability=0.5, k=0)


@pytest.mark.parametrize("design", ["between", "within"])
@pytest.mark.parametrize("alternative", ["two-sided", "greater"])
def test_power_matches_statsmodels(design: str, alternative: str) -> None:
    peer = TTestIndPower() if design == "between" else TTestPower()
    alt = "larger" if alternative == "greater" else alternative
    for m in (1, 48):
        res = power(effect=[0.3, 0.8], n=[10, 25], design=design, n_expressions=m,
                    alternative=alternative)  # fmt: skip
        for _, row in res.iterrows():
            _close(row["alpha_per_test"], 0.05 / m)
            if design == "between":
                ref = peer.power(row["effect"], row["n"], 0.05 / m, alternative=alt)
            else:
                ref = peer.power(row["effect"], row["n"], 0.05 / m, alternative=alt)
            _close(row["power"], ref)
    res = power(effect=0.5, power=0.8, design=design, n_expressions=48)
    ref = peer.solve_power(0.5, alpha=0.05 / 48, power=0.8)
    assert res["n"].iloc[0] == int(np.ceil(ref))
    assert res["power"].iloc[0] >= 0.8


def test_power_fdr_and_errors() -> None:
    bh = power(effect=0.5, n=40, design="within", n_expressions=48, n_effects=8,
               correction="fdr_bh").iloc[0]  # fmt: skip
    bonf = power(effect=0.5, n=40, design="within", n_expressions=48).iloc[0]
    a, pw = bh["alpha_per_test"], bh["power"]
    _close(a, 0.05 * 8 * pw / (40 * 0.95))  # Jung's fixed point
    _close(pw, TTestPower().power(0.5, 40, a))
    assert a > bonf["alpha_per_test"] and pw > bonf["power"]
    with pytest.raises(ValueError, match="exactly one of n= .* or power="):
        power(effect=0.5)


def test_mixed_reports_its_model() -> None:
    df = testing.study(subjects=10, names=("Joy",), effects={"Joy": 0.2}, trials=3, seed=4)
    one = hr.summarize(df, by=["participant", "condition", "trial", "name"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = hr.mixed(one, formula="score ~ condition", subject="participant", reml=False)
        direct = smf.mixedlm("score ~ condition", one, groups="participant").fit(reml=False)
    row = res.iloc[1]
    _close([row["var_subject"], row["var_residual"], row["llf"], row["aic"], row["bic"]],
           [direct.cov_re.iloc[0, 0], direct.scale, direct.llf, direct.aic, direct.bic])  # fmt: skip
    test = lrt(one, formula="score ~ condition", reduced="score ~ 1", subject="participant")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        small = smf.mixedlm("score ~ 1", one, groups="participant").fit(reml=False)
    stat = 2 * (direct.llf - small.llf)
    _close(test[["statistic", "p", "llf", "llf_reduced"]].iloc[0],
           [stat, stats.chi2.sf(stat, 1), direct.llf, small.llf])  # fmt: skip
    assert test["df"].iloc[0] == 1 and bool(test["converged"].iloc[0])


def _mne_rescale(x: np.ndarray, base: np.ndarray, mode: str) -> np.ndarray:
    """MNE's ``rescale`` (mne/baseline.py) on one epoch, written out."""
    m = base.mean()
    if mode == "mean":
        return x - m
    if mode == "ratio":
        return x / m
    if mode == "logratio":
        return np.log10(x / m)
    if mode == "percent":
        return (x - m) / m
    if mode == "zscore":
        return (x - m) / base.std()
    return np.log10(x / m) / np.log10(base / m).std()


@pytest.mark.parametrize("mode", ["mean", "ratio", "logratio", "percent", "zscore", "zlogratio"])
def test_rescale_as_mne(mode: str) -> None:
    face = testing.long_table(names=("Joy", "Anger"), duration=6.0, seed=2)
    events = pd.DataFrame({"source": ["a.mp4", "a.mp4"], "onset": [1.5, 4.0]})
    ep = hr.epochs(face, events, tmin=-1.0, tmax=1.5)
    out = rescale(ep, baseline=(-1.0, 0.0), method=mode)
    for _, sub in ep.groupby(["event", "name"], observed=True):
        base = sub.loc[(sub["time"] >= -1.0) & (sub["time"] <= 0.0), "score"].to_numpy()
        got = out.loc[sub.index, "score"].to_numpy()
        _close(got, _mne_rescale(sub["score"].to_numpy(), base, mode))
    with pytest.warns(hr.StatsWarning, match="no value in the baseline"):
        rescale(ep, baseline=(-5.0, -4.0))
