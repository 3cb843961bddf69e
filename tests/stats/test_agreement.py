"""``agreement`` against scipy, a statsmodels two-way ANOVA and an OLS with subject dummies."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.multitest import multipletests

import humeresearch as hr
from humeresearch import testing
from humeresearch.errors import StatsWarning

RTOL = 1e-8
Z95 = stats.norm.ppf(0.975)
NAMES = ["Joy", "Anger", "Calmness", "Sadness"]


@pytest.fixture(scope="module")
def pair() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Face and prosody scores of the same 36 utterances (6 participants x 6), 4 expressions."""
    rng = np.random.default_rng(3)
    rows_a, rows_b = [], []
    for k, name in enumerate(NAMES):
        offset = rng.normal(0, 0.3, 6)
        for u in range(36):
            p = u // 6
            latent = rng.normal()
            face = offset[p] + latent + rng.normal(0, 0.8)
            voice = 0.5 * offset[p] + 0.4 * k * latent + rng.normal(0, 0.8)
            key = {"source": f"s{p}.mp4", "file": f"s{p}.mp4", "span_id": u, "participant": f"p{p}"}
            rows_a.append(
                {**key, "model": "face", "family": "emotion", "name": name, "score": face}
            )
            rows_b.append(
                {**key, "model": "prosody", "family": "emotion", "name": name, "score": voice}
            )
    a, b = pd.DataFrame(rows_a), pd.DataFrame(rows_b)
    for df in (a, b):
        df["name"] = pd.Categorical(df["name"], categories=NAMES)
    return a, b.sample(frac=1, random_state=1)  # row order must not matter


def _xy(a: pd.DataFrame, b: pd.DataFrame, name: str) -> pd.DataFrame:
    m = a[a["name"] == name].merge(
        b[b["name"] == name], on=["source", "file", "span_id", "participant"]
    )
    return m.rename(columns={"score_x": "x", "score_y": "y"})


def _ci(r: float, se: float) -> list[float]:
    return [math.tanh(math.atanh(r) - Z95 * se), math.tanh(math.atanh(r) + Z95 * se)]


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_correlations_match_scipy(pair, method: str) -> None:
    a, b = pair
    res = hr.agreement(a, b, method=method)
    assert list(res["name"]) == NAMES and list(res.columns[:2]) == ["family", "name"]
    for name in NAMES:
        m = _xy(a, b, name)
        ref = (stats.pearsonr if method == "pearson" else stats.spearmanr)(m["x"], m["y"])
        row = res[res["name"] == name].iloc[0]
        n = len(m)
        assert row["n"] == n == 36 and row["n_only_a"] == row["n_only_b"] == 0
        np.testing.assert_allclose(
            [row["estimate"], row["p"]], [ref.statistic, ref.pvalue], rtol=RTOL
        )
        se = math.sqrt((1.0 if method == "pearson" else 1.06) / (n - 3))
        np.testing.assert_allclose(
            [row["ci_low"], row["ci_high"]], _ci(ref.statistic, se), rtol=RTOL
        )
        assert row["df"] == n - 2
    np.testing.assert_allclose(
        res["p_adj"], multipletests(res["p"], method="fdr_bh")[1], rtol=1e-12
    )


def _anova_icc(m: pd.DataFrame, kind: str) -> tuple[float, float, float, float, float]:
    """ICC, CI and F-test p from a statsmodels two-way ANOVA (targets x raters)."""
    long = pd.concat(
        [pd.DataFrame({"target": m.index, "rater": r, "v": m[r].to_numpy()}) for r in ("x", "y")]
    )
    fit = smf.ols("v ~ C(target) + C(rater)", data=long).fit()
    table = sm.stats.anova_lm(fit, typ=2)
    msr = table.loc["C(target)", "sum_sq"] / table.loc["C(target)", "df"]
    msc = table.loc["C(rater)", "sum_sq"] / table.loc["C(rater)", "df"]
    mse = table.loc["Residual", "sum_sq"] / table.loc["Residual", "df"]
    n, k = len(m), 2
    f = msr / mse
    p = stats.f.sf(f, n - 1, (n - 1) * (k - 1))
    if kind == "icc3":
        icc = (msr - mse) / (msr + (k - 1) * mse)
        fl = f / stats.f.ppf(0.975, n - 1, (n - 1) * (k - 1))
        fu = f * stats.f.ppf(0.975, (n - 1) * (k - 1), n - 1)
        return icc, (fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1), f, p
    icc = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    # Shrout & Fleiss (1979) Satterthwaite df, written as in pingouin (vn / vd form)
    fj = msc / mse
    vn = (k - 1) * (n - 1) * (k * icc * fj + n * (1 + (k - 1) * icc) - k * icc) ** 2
    vd = (n - 1) * k**2 * icc**2 * fj**2 + (n * (1 + (k - 1) * icc) - k * icc) ** 2
    v = vn / vd
    fu, fl = stats.f.ppf(0.975, n - 1, v), stats.f.ppf(0.975, v, n - 1)
    lo = n * (msr - fu * mse) / (fu * (k * msc + (k * n - k - n) * mse) + n * msr)
    hi = n * (fl * msr - mse) / (k * msc + (k * n - k - n) * mse + n * fl * msr)
    return icc, lo, hi, f, p


@pytest.mark.parametrize("method", ["icc", "icc3"])
def test_icc_matches_anova(pair, method: str) -> None:
    a, b = pair
    res = hr.agreement(a, b, method=method, correction="holm")
    assert set(res["method"]) == {"ICC(2,1)" if method == "icc" else "ICC(3,1)"}
    for name in NAMES:
        m = _xy(a, b, name)
        icc, lo, hi, f, p = _anova_icc(m, "icc3" if method == "icc3" else "icc2")
        row = res[res["name"] == name].iloc[0]
        np.testing.assert_allclose(
            row[["estimate", "ci_low", "ci_high", "statistic", "p"]].astype(float),
            [icc, lo, hi, f, p],
            rtol=RTOL,
        )
        assert row["df"] == row["df2"] == len(m) - 1
    np.testing.assert_allclose(res["p_adj"], multipletests(res["p"], method="holm")[1], rtol=1e-12)


def test_rmcorr_matches_ols_with_subject_dummies(pair) -> None:
    a, b = pair
    res = hr.agreement(a, b, method="rmcorr", subject="participant")
    for name in NAMES:
        m = _xy(a, b, name)
        fit = smf.ols("y ~ C(participant) + x", data=m).fit()
        t, df = fit.tvalues["x"], fit.df_resid
        r = math.copysign(math.sqrt(t**2 / (t**2 + df)), t)
        row = res[res["name"] == name].iloc[0]
        assert row["n_subjects"] == 6 and row["df"] == df == 36 - 6 - 1
        np.testing.assert_allclose(
            row[["estimate", "statistic", "p"]].astype(float), [r, t, fit.pvalues["x"]], rtol=RTOL
        )
        np.testing.assert_allclose(
            [row["ci_low"], row["ci_high"]], _ci(r, 1 / math.sqrt(df - 1)), rtol=RTOL
        )
        pearson = stats.pearsonr(m["x"], m["y"]).statistic
        assert abs(pearson - r) > 1e-3  # the subject offsets matter


def test_pairing_counts_and_keys(pair) -> None:
    a, b = pair
    b2 = b[~((b["name"] == "Joy") & (b["span_id"] < 4))]  # 4 Joy rows of a lose their partner
    extra = b[b["name"] == "Anger"].head(2).assign(span_id=[100, 101])
    b2 = pd.concat([b2, extra])
    b2.loc[b2.index[0], "score"] = np.nan
    res = hr.agreement(a, b2).set_index("name")
    assert res.loc["Joy", "n_only_a"] == 4 and res.loc["Joy", "n_only_b"] == 0
    assert res.loc["Anger", "n_only_b"] == 2 and res.loc["Anger", "n_only_a"] == 0
    nan_name = b2.loc[b2.index[0], "name"]
    assert res.loc[nan_name, "n"] == (32 if nan_name == "Joy" else 35)
    explicit = hr.agreement(
        a, b2, on=["source", "file", "span_id"], subject="participant"
    ).set_index("name")
    pd.testing.assert_series_equal(explicit["estimate"], res["estimate"])


def test_degenerate_and_errors(pair) -> None:
    a, b = pair
    b0 = b.copy()
    b0.loc[b0["name"] == "Anger", "score"] = 1.0
    with pytest.warns(StatsWarning):
        res = hr.agreement(a, b0).set_index("name")
    assert res.loc["Anger", "note"] == "zero variance" and np.isnan(res.loc["Anger", "estimate"])
    tiny = a[a["span_id"] < 2]
    with pytest.warns(StatsWarning, match="fewer than 3 pairs"):
        hr.agreement(tiny, b)
    with pytest.raises(ValueError, match="several rows for the key"):
        hr.agreement(pd.concat([a, a.head(1)]), b)
    with pytest.raises(ValueError, match="no row of a has a partner"):
        hr.agreement(a, b.assign(span_id=b["span_id"] + 1000))
    with pytest.raises(ValueError, match="needs subject="):
        hr.agreement(a, b, method="rmcorr")
    with pytest.raises(ValueError, match="'pearson', 'spearman', 'icc'"):
        hr.agreement(a, b, method="kappa")
    with pytest.raises(ValueError, match=r"b has no column\(s\) \['utterance'\]"):
        hr.agreement(a.assign(utterance=1), b, on="utterance")


def test_by_empty_value_and_measurements(pair) -> None:
    a, b = pair
    whole = hr.agreement(a, b, by=())
    m = a.merge(b, on=["source", "file", "span_id", "participant", "family", "name"])
    ref = stats.pearsonr(m["score_x"], m["score_y"])
    assert len(whole) == 1 and whole.columns[0] == "method" and whole.loc[0, "n"] == len(m)
    np.testing.assert_allclose(whole.loc[0, ["estimate", "p"]].astype(float), ref, rtol=RTOL)
    renamed = hr.agreement(
        a.rename(columns={"score": "rating"}), b.rename(columns={"score": "rating"}), value="rating"
    )
    pd.testing.assert_frame_equal(renamed, hr.agreement(a, b))
    face, other = testing.measurements(seed=0), testing.measurements(seed=1)
    res = hr.agreement(face, other)  # Measurements are taken as their long tables
    la, lb = face.long(), other.long()
    for name in ("Joy", "Sadness", "Calmness"):
        x = la.loc[la["name"] == name, "score"].to_numpy()
        y = lb.loc[lb["name"] == name, "score"].to_numpy()
        row = res[res["name"] == name].iloc[0]
        assert row["n"] == len(x) == 18
        np.testing.assert_allclose(row["estimate"], stats.pearsonr(x, y).statistic, rtol=RTOL)
    with pytest.raises(TypeError, match="2 positional arguments"):
        hr.agreement(a, b, "span_id")  # type: ignore[misc]
