"""Study data of the statistics tests, built with :func:`humeresearch.testing.study`.

``testing.study`` gives a long contract table of face frames (one source per
participant, condition and trial) followed by ``participant``, ``condition`` and
``trial``; scores carry a per-participant offset (frames of one participant are
correlated, as in real data) and the planted condition effects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humeresearch import testing

NAMES = ["Amusement", "Anger", "Calmness", "Joy", "Sadness", "Surprise (positive)"]


def subject_values(df: pd.DataFrame, name: str, level: str, how: str = "mean") -> dict[str, float]:
    """Brute-force reduction: {participant: mean score} of one expression and level."""
    acc: dict[str, list[float]] = {}
    sel = df[(df["name"] == name) & (df["condition"] == level)]
    for p, v in zip(sel["participant"].tolist(), sel["score"].tolist()):
        if not np.isnan(v):
            acc.setdefault(p, []).append(v)
    agg = np.mean if how == "mean" else np.median
    return {p: float(agg(v)) for p, v in acc.items()}


@pytest.fixture
def frames_between() -> pd.DataFrame:
    """12 participants (6 per level), 6 expressions, 6 frames each; Joy shifted by 0.4."""
    return testing.study(subjects=12, design="between", names=NAMES, effects={"Joy": 0.4}, seed=1)


@pytest.fixture
def frames_within() -> pd.DataFrame:
    """10 participants in both levels, 6 expressions, 6 frames; Anger shifted by 0.4."""
    return testing.study(subjects=10, design="within", names=NAMES, effects={"Anger": 0.4}, seed=2)
