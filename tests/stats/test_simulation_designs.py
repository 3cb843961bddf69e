"""Simulations of the omnibus and factorial paths: planted effects found, nulls near alpha."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import humeresearch as hr
from humeresearch import testing
from humeresearch.stats import anova

ALPHA = 0.05
NULLS = [f"null{i:03d}" for i in range(120)]
PLANTED = [f"planted{i}" for i in range(5)]
N_REPLICATES = 8


def _rates(res: pd.DataFrame) -> tuple[float, float, float]:
    """Power on the planted rows, raw false-positive rate and false discovery proportion."""
    null = res["name"].isin(NULLS).to_numpy()
    found = (res["p_adj"] < ALPHA).to_numpy()
    return (
        float(found[~null].mean()),
        float((res["p"].to_numpy()[null] < ALPHA).mean()),
        float((found & null).sum() / max(1, found.sum())),
    )


@pytest.mark.parametrize("design", ["within", "between"])
def test_omnibus_finds_planted_and_keeps_alpha(design: str) -> None:
    out = []
    shift = 0.35 if design == "within" else 0.5
    for rep in range(N_REPLICATES):
        df = testing.study(
            subjects=18 if design == "within" else 36, conditions=("a", "b", "c"), design=design,
            names=PLANTED + NULLS, frames=2, effects=dict.fromkeys(PLANTED, shift), seed=rep,
        )  # fmt: skip
        res = hr.compare(df, **{design: "condition"}, subject="participant", posthoc="pairwise")
        out.append(_rates(res[res["kind"] == "omnibus"]))
    power, raw, fdp = np.mean(out, axis=0)
    assert power >= 0.9
    assert 0.025 <= raw <= 0.075
    assert fdp <= 0.1


def _mixed_study(seed: int, interaction: float) -> pd.DataFrame:
    df = testing.study(subjects=24, conditions=("a", "b", "c"), names=PLANTED + NULLS, frames=2,
                       seed=seed)  # fmt: skip
    group = np.where(df["participant"].str[1:].astype(int) % 2 == 0, "g1", "g2")
    planted = df["name"].isin(PLANTED).to_numpy()
    shift = interaction * ((group == "g2") & (df["condition"] == "c").to_numpy() & planted)
    return df.assign(group=group, score=df["score"] + shift)


def test_factorial_finds_interaction_and_keeps_alpha() -> None:
    rates: dict[str, list[tuple[float, float, float]]] = {}
    for rep in range(N_REPLICATES):
        res = anova(_mixed_study(rep, 0.5), between="group", within="condition",
                    subject="participant", correct_within="term")  # fmt: skip
        for term, rows in res.groupby("term", sort=False):
            rates.setdefault(str(term), []).append(_rates(rows))
    power, raw, fdp = np.mean(rates["group:condition"], axis=0)
    assert power >= 0.9 and fdp <= 0.1
    for term in ("group", "condition", "group:condition"):
        assert 0.025 <= np.mean(rates[term], axis=0)[1] <= 0.075, term
