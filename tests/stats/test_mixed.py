"""``mixed`` against statsmodels MixedLM fitted directly in the test."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.stats.multitest import multipletests

import humeresearch as hr
from humeresearch import testing

RTOL = 1e-8


@pytest.fixture(scope="module")
def trials() -> pd.DataFrame:
    """Trial-level data: 12 participants x 2 levels x 4 trials, 3 expressions, frames averaged."""
    df = testing.study(
        subjects=12, names=("Joy", "Anger", "Calmness"), frames=3, design="within",
        effects={"Joy": 0.3}, trials=4, seed=11,
    )  # fmt: skip
    out = df.groupby(
        ["model", "family", "name", "participant", "condition", "trial"], observed=True
    )["score"]
    return out.mean().reset_index()


def test_matches_direct_statsmodels(trials: pd.DataFrame) -> None:
    res = hr.mixed(trials, formula="score ~ condition", subject="participant")
    assert list(res.columns[:4]) == ["model", "family", "name", "term"]
    assert len(res) == 3 * 2
    for name, sub in trials.groupby("name", observed=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            direct = smf.mixedlm("score ~ condition", sub, groups=sub["participant"]).fit(reml=True)
        rows = res[res["name"] == name].set_index("term")
        terms = list(direct.fe_params.index)
        assert list(rows.index) == terms
        ci = direct.conf_int().loc[terms]
        np.testing.assert_allclose(rows["estimate"], direct.fe_params, rtol=RTOL)
        np.testing.assert_allclose(rows["se"], direct.bse_fe, rtol=RTOL)
        np.testing.assert_allclose(rows["z"], direct.tvalues.loc[terms], rtol=RTOL)
        np.testing.assert_allclose(rows["p"], direct.pvalues.loc[terms], rtol=RTOL)
        np.testing.assert_allclose(rows["ci_low"], ci[0], rtol=RTOL)
        np.testing.assert_allclose(rows["ci_high"], ci[1], rtol=RTOL)
        assert (rows["n_obs"] == len(sub)).all() and (rows["n_subjects"] == 12).all()
        assert (rows["converged"] == direct.converged).all()
    tested = res["term"] != "Intercept"  # one family: every non-intercept term of the call
    np.testing.assert_allclose(
        res.loc[tested, "p_adj"],
        multipletests(res.loc[tested, "p"], method="fdr_bh")[1],
        rtol=1e-12,
    )
    assert res.loc[~tested, "p_adj"].isna().all()
    per_term = hr.mixed(trials, formula="score ~ condition", subject="participant",
                        correct_within="term")  # fmt: skip
    for _, fam in per_term[per_term["term"] != "Intercept"].groupby("term"):
        np.testing.assert_allclose(
            fam["p_adj"], multipletests(fam["p"], method="fdr_bh")[1], rtol=1e-12
        )
    joy = res[(res["name"] == "Joy") & (res["term"] != "Intercept")].iloc[0]
    assert joy["p_adj"] < 0.05 and joy["estimate"] > 0


def test_random_slopes_ml_and_confidence(trials: pd.DataFrame) -> None:
    sub = trials[trials["name"] == "Anger"]
    res = hr.mixed(
        sub, formula="score ~ condition + trial", subject="participant", re_formula="~trial",
        reml=False, by=(),
        confidence=0.9, correction="holm", correct_within=None,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = smf.mixedlm(
            "score ~ condition + trial", sub, groups=sub["participant"], re_formula="~trial"
        ).fit(reml=False)
    terms = list(direct.fe_params.index)
    assert res.columns[0] == "term" and list(res["term"]) == terms  # by=(): one model
    np.testing.assert_allclose(res["estimate"], direct.fe_params, rtol=1e-6)
    np.testing.assert_allclose(res["ci_low"], direct.conf_int(alpha=0.1).loc[terms, 0], rtol=1e-6)
    tested = res["term"] != "Intercept"
    np.testing.assert_allclose(
        res.loc[tested, "p_adj"], multipletests(res.loc[tested, "p"], method="holm")[1], rtol=1e-12
    )


def test_warnings_captured_not_printed(
    trials: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    flat = trials[trials["name"] == "Calmness"].copy()
    # no between-participant variation at all: the random-intercept variance sits on
    # the boundary and statsmodels warns
    rng = np.random.default_rng(0)
    flat["score"] = rng.normal(0, 1, len(flat))
    flat["score"] -= flat.groupby("participant")["score"].transform("mean")
    with pytest.warns(hr.errors.StatsWarning, match="1 of 1 models have a note") as caught:
        res = hr.mixed(flat, formula="score ~ condition", subject="participant")
    assert len(caught) == 1  # one summary, statsmodels' own warnings are captured
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert (res["note"] == "fit warning: ConvergenceWarning").all()


def test_failed_fit_gives_nan_rows(trials: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    from statsmodels.regression.mixed_linear_model import MixedLM

    original = MixedLM.fit
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):  # fail the second model only
        calls["n"] += 1
        if calls["n"] == 2:
            raise np.linalg.LinAlgError("Singular matrix")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MixedLM, "fit", flaky)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = hr.mixed(trials, formula="score ~ condition", subject="participant")
    failed = res[~res["converged"] & res["note"].str.startswith("fit failed")]
    assert len(failed) == 2 and failed["estimate"].isna().all()
    assert (failed["note"] == "fit failed: LinAlgError").all()
    assert list(failed["term"]) == ["Intercept", "condition[T.treatment]"]


def test_errors_and_missing_statsmodels(
    trials: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match="could not build the model .* 'name': 'Joy'"):
        hr.mixed(trials, formula="score ~ session", subject="participant")
    with pytest.raises(ValueError, match="formula must be a string"):
        hr.mixed(trials, formula="score", subject="participant")
    with pytest.raises(ValueError, match=r"no column\(s\) \['subject'\]"):
        hr.mixed(trials, formula="score ~ condition", subject="subject")
    with pytest.raises(ValueError, match="subject column 'name' cannot also be a by column"):
        hr.mixed(trials, formula="score ~ condition", subject="name")
    with pytest.raises(TypeError, match="1 positional argument"):
        hr.mixed(trials, "score ~ condition", subject="participant")  # type: ignore[misc]
    monkeypatch.setitem(sys.modules, "statsmodels.api", None)
    with pytest.raises(ImportError, match=r"pip install humeresearch\[stats\]"):
        hr.mixed(trials, formula="score ~ condition", subject="participant")


@pytest.fixture(scope="module")
def frames() -> pd.DataFrame:
    """Frame-level data: recordings nested in participants, a per-recording offset and a
    per-participant slope of trial planted so that every variance is away from zero."""
    df = testing.study(subjects=10, names=("Joy", "Anger"), frames=4, trials=3, seed=5)
    rng = np.random.default_rng(7)
    sources = df["source"].astype(str)
    offset = dict(zip(sources.unique(), rng.normal(0, 0.3, sources.nunique())))
    people = df["participant"].astype(str)
    slope = dict(zip(people.unique(), rng.normal(0, 0.2, people.nunique())))
    df["score"] = df["score"] + sources.map(offset) + people.map(slope) * df["trial"]
    return df


def test_variance_components_match_direct_statsmodels(frames: pd.DataFrame) -> None:
    vc = {"recording": "0 + C(source)"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = hr.mixed(frames, formula="score ~ condition", subject="participant",
                       re_formula="~trial", vc_formula=vc)  # fmt: skip
    model_cols = ["var_subject", "var_trial", "var_recording", "var_residual", "llf", "aic", "bic"]
    i = list(res.columns).index("n_subjects")
    assert list(res.columns[i + 1 : i + 8]) == model_cols
    for name, sub in frames.groupby("name", observed=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            direct = smf.mixedlm("score ~ condition", sub, groups="participant",
                                 re_formula="~trial", vc_formula=vc).fit(reml=True)  # fmt: skip
        rows = res[res["name"] == name]
        assert len(rows) == 2
        row = rows.iloc[0]
        assert list(direct.cov_re.index) == ["participant", "trial"]
        np.testing.assert_allclose(
            [row["var_subject"], row["var_trial"], row["var_recording"], row["var_residual"]],
            [direct.cov_re.iloc[0, 0], direct.cov_re.iloc[1, 1], direct.vcomp[0], direct.scale],
            rtol=RTOL,
        )
        np.testing.assert_allclose(row["llf"], direct.llf, rtol=RTOL)
        assert (rows[model_cols[:4]].nunique() == 1).all()  # model facts on every term row
        assert (rows[model_cols[:4]] > 1e-4).all(axis=None)  # planted: away from the boundary


def test_slope_without_intercept_and_categorical_slope(frames: pd.DataFrame) -> None:
    joy = frames[frames["name"] == "Joy"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = hr.mixed(joy, formula="score ~ condition", subject="participant",
                       re_formula="0 + trial", vc_formula={"recording": "0 + C(source)"})  # fmt: skip
        direct = smf.mixedlm("score ~ condition", joy, groups="participant", re_formula="0 + trial",
                             vc_formula={"recording": "0 + C(source)"}).fit()  # fmt: skip
        cat = hr.mixed(joy, formula="score ~ condition", subject="participant",
                       re_formula="~condition")  # fmt: skip
        direct_cat = smf.mixedlm("score ~ condition", joy, groups="participant",
                                 re_formula="~condition").fit()  # fmt: skip
    row = res.iloc[0]
    assert np.isnan(row["var_subject"])  # no random intercept
    np.testing.assert_allclose([row["var_trial"], row["var_recording"]],
                               [direct.cov_re.iloc[0, 0], direct.vcomp[0]], rtol=RTOL)  # fmt: skip
    row = cat.iloc[0]
    np.testing.assert_allclose(
        [row["var_subject"], row["var_condition[T.treatment]"]],
        np.diag(direct_cat.cov_re),
        rtol=RTOL,
    )


def test_failed_fit_has_nan_variances_and_names_clash(
    frames: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match=r"column\(s\) \['var_subject'\] twice"):
        hr.mixed(frames, formula="score ~ condition", subject="participant",
                 vc_formula={"subject": "0 + C(source)"})  # fmt: skip
    from statsmodels.regression.mixed_linear_model import MixedLM

    def broken(self, *args, **kwargs):
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setattr(MixedLM, "fit", broken)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = hr.mixed(frames, formula="score ~ condition", subject="participant",
                       re_formula="~trial", vc_formula={"recording": "0 + C(source)"})  # fmt: skip
    cols = ["var_subject", "var_trial", "var_recording", "var_residual", "llf"]
    assert len(res) == 2 and res[cols].isna().all(axis=None)  # one NaN row per model
