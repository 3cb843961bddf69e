"""Simulations with planted effects: power on the planted expressions, error rates on the nulls."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import humeresearch as hr
from humeresearch import testing

from .test_cluster import make_epochs

ALPHA = 0.05
NULLS = [f"null{i:03d}" for i in range(200)]
PLANTED = [f"planted{i}" for i in range(5)]
N_REPLICATES = 20


def simulate(
    seed: int, n_subjects: int = 40, n_frames: int = 5, shift: float = 0.45
) -> pd.DataFrame:
    """Frame-level long data; the second half of the participants (treatment) is shifted
    by ``shift`` on the planted expressions; participant offsets make frames correlated."""
    rng = np.random.default_rng(seed)
    names = PLANTED + NULLS
    n_names = len(names)
    subj = np.repeat(np.arange(n_subjects), n_frames)
    treated = subj >= n_subjects // 2
    offsets = rng.normal(0, 0.15, (n_names, n_subjects))
    planted = np.arange(n_names) < len(PLANTED)
    score = (
        0.5
        + offsets[:, subj]
        + shift * planted[:, None] * treated[None, :]
        + rng.normal(0, 0.2, (n_names, len(subj)))
    )
    return pd.DataFrame(
        {
            "model": pd.Categorical(["face"] * score.size),
            "family": pd.Categorical(["emotion"] * score.size),
            "name": pd.Categorical(np.repeat(names, len(subj)), categories=names),
            "span_id": np.tile(np.arange(len(subj)), n_names),
            "score": score.ravel(),
            "participant": np.tile(subj, n_names),
            "condition": np.tile(np.where(treated, "treatment", "control"), n_names),
        }
    )


@pytest.fixture(scope="module")
def study() -> pd.DataFrame:
    """One replicate of the simulated study as a contract table (``testing.study``)."""
    return testing.study(
        subjects=40, names=PLANTED + NULLS, frames=5, design="between",
        effects=dict.fromkeys(PLANTED, 0.45), seed=2024,
    )  # fmt: skip


@pytest.mark.parametrize("test", ["t", "rank"])
def test_planted_found_and_nulls_near_alpha(test: str) -> None:
    power, raw_rate, fdp, fwe = [], [], [], []
    for rep in range(N_REPLICATES):
        res = hr.compare(simulate(rep), between="condition", subject="participant", test=test)
        assert (res["n_reference"] == 20).all() and (res["n_other"] == 20).all()
        is_null = res["name"].isin(NULLS).to_numpy()
        power.append(np.mean(res.loc[~is_null, "p_adj"] < ALPHA))
        raw_rate.append(np.mean(res.loc[is_null, "p"] < ALPHA))
        found = res["p_adj"] < ALPHA
        fdp.append((found & is_null).sum() / max(1, found.sum()))
        holm = np.asarray(hr.correct(res["p"], correction="holm"))
        fwe.append(bool((holm[is_null] < ALPHA).any()))
    assert np.mean(power) >= 0.95  # the planted expressions are found
    assert 0.035 <= np.mean(raw_rate) <= 0.065  # uncorrected: alpha of the nulls
    assert np.mean(fdp) <= 0.08  # BH: false discovery rate near/below alpha
    assert np.mean(fwe) <= 0.15  # Holm: family-wise error near/below alpha


def test_contract_shaped_study(study: pd.DataFrame) -> None:
    res = hr.compare(study, between="condition", subject="participant")
    assert (res.loc[res["name"].isin(PLANTED), "p_adj"] < ALPHA).all()
    assert (res.loc[res["name"].isin(PLANTED), "effect"] > 0).all()  # treatment (other) is higher


def test_frames_without_subject_inflate_false_positives(study: pd.DataFrame) -> None:
    """The reason for the warning: frames of one participant are not independent."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frames = hr.compare(study, between="condition", correction="none")
    rate = (frames.loc[frames["name"].isin(NULLS), "p"] < ALPHA).mean()
    assert rate > 3 * ALPHA


def test_cluster_test_family_wise_error_over_time() -> None:
    names = tuple(f"n{i}" for i in range(30))
    df = make_epochs(10, "within", bump=0.0, names=names, seed=9)
    res = hr.cluster_test(df, within="cond", subject="participant", by="name", n_permutations=200)
    hits = res.loc[res["p"] < ALPHA, "name"].nunique()
    assert hits / len(names) <= 0.15  # about alpha per expression, despite 15 bins each
    planted = make_epochs(10, "within", bump=1.5, names=("Joy",), seed=10)
    found = hr.cluster_test(
        planted, within="cond", subject="participant", by="name", n_permutations=200
    )
    best = found.loc[found["p"].idxmin()]
    assert best["p"] < ALPHA and best["t_start"] <= 0.3 <= best["t_end"]


def test_mixed_planted_found_and_nulls_near_alpha() -> None:
    """One row per recording (the documented use): the Wald tests hold alpha on nulls."""
    nulls = NULLS[:60]
    df = testing.study(
        subjects=16, names=PLANTED[:3] + nulls, frames=3, trials=2, design="within",
        effects=dict.fromkeys(PLANTED[:3], 0.3), seed=31,
    )  # fmt: skip
    per = df.groupby(["name", "participant", "condition", "trial"], observed=True)["score"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = hr.mixed(per.mean().reset_index(), formula="score ~ condition", subject="participant")
    effects = res[res["term"] != "Intercept"]
    planted = effects["name"].isin(PLANTED)
    assert (effects.loc[planted, "p_adj"] < ALPHA).all()
    assert (effects.loc[planted, "estimate"] > 0).all()  # treatment - control
    assert np.mean(effects.loc[~planted, "p"] < ALPHA) <= 0.12  # about alpha (3 of 60)
    assert (effects.loc[~planted, "p_adj"] >= ALPHA).all()


def test_agreement_rmcorr_nulls_near_alpha_and_planted_found() -> None:
    rng = np.random.default_rng(32)
    n_names, n_subjects, n_spans = 200, 10, 8
    subj = np.repeat(np.arange(n_subjects), n_spans)
    rows_a, rows_b = [], []
    for k in range(n_names):
        offset = rng.normal(0, 1, n_subjects)[subj]  # subjects differ in both tables
        x = offset + rng.normal(0, 1, len(subj))
        y = offset + (1.2 * (x - offset) if k < 5 else 0) + rng.normal(0, 1, len(subj))
        key = {"name": f"n{k:03d}", "participant": subj, "span": np.arange(len(subj))}
        rows_a.append(pd.DataFrame({**key, "score": x}))
        rows_b.append(pd.DataFrame({**key, "score": y}))
    a, b = pd.concat(rows_a), pd.concat(rows_b)
    res = hr.agreement(a, b, on="span", method="rmcorr", subject="participant")
    planted = res["name"] < "n005"
    assert (res.loc[planted, "p_adj"] < ALPHA).all()
    assert 0.02 <= np.mean(res.loc[~planted, "p"] < ALPHA) <= 0.08
    with pytest.warns(hr.errors.PseudoReplicationWarning, match="rmcorr"):
        pooled = hr.agreement(a, b, on="span", method="pearson", subject="participant")
    # the reason for the warning: shared subject offsets make pooled r "significant"
    assert np.mean(pooled.loc[~planted, "p"] < ALPHA) > 0.5
