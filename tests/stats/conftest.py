"""Synthetic contract-shaped long data for the statistics tests.

``make_frames`` builds a long table (contract columns first, then the study columns
``participant``, ``condition``, ``trial``) with one row per (frame, expression): a
face track per participant and trial, a few frames each, scores in [0, 1]-ish with a
participant offset (so frames of one participant are correlated, as in real data)
and optional planted condition effects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humeresearch._contract import LONG_COLUMNS

NAMES = ["Amusement", "Anger", "Calmness", "Joy", "Sadness", "Surprise (positive)"]


def make_frames(
    n_subjects: int = 12,
    names: list[str] | tuple[str, ...] = tuple(NAMES),
    n_frames: int = 6,
    design: str = "between",
    levels: tuple[str, ...] = ("control", "treatment"),
    effects: dict[str, float] | None = None,
    n_trials: int = 1,
    seed: int = 0,
) -> pd.DataFrame:
    """Long frame data.

    ``design="between"``: participant ``i`` is in level ``i % len(levels)``;
    ``"within"``: every participant has every level. ``effects`` maps an expression
    name to a shift added to every level but the first.
    """
    rng = np.random.default_rng(seed)
    effects = effects or {}
    rows = []
    for s in range(n_subjects):
        subject_levels = [levels[s % len(levels)]] if design == "between" else list(levels)
        for lev in subject_levels:
            for trial in range(n_trials):
                track = f"{s}-{lev}-{trial}"
                for f in range(n_frames):
                    rows.append((f"p{s:02d}", lev, trial, track, f, f / 3))
    base = pd.DataFrame(
        rows, columns=["participant", "condition", "trial", "src", "span_id", "begin"]
    )
    parts = []
    offsets = {n: rng.normal(0, 0.15, n_subjects) for n in names}
    for name in names:
        part = base.copy()
        subj = part["participant"].str[1:].astype(int).to_numpy()
        shift = np.where(part["condition"] != levels[0], effects.get(name, 0.0), 0.0)
        part["score"] = 0.5 + offsets[name][subj] + shift + rng.normal(0, 0.2, len(part))
        part["name"] = name
        parts.append(part)
    df = pd.concat(parts, ignore_index=True)
    out = pd.DataFrame(
        {
            "source": pd.Categorical(df["src"].map(lambda t: f"{t}.mp4")),
            "file": pd.Categorical(df["src"].map(lambda t: f"{t}.mp4")),
            "model": pd.Categorical(["face"] * len(df)),
            "track": pd.Categorical(["face_0"] * len(df)),
            "span_id": df["span_id"].astype("int64"),
            "begin": df["begin"].astype(float),
            "end": df["begin"].astype(float),
            "family": pd.Categorical(["emotion"] * len(df)),
            "name": pd.Categorical(df["name"], categories=list(names)),
            "score": df["score"].astype(float),
        }
    )
    assert list(out.columns) == LONG_COLUMNS
    out["participant"] = df["participant"].astype("string")
    out["condition"] = pd.Categorical(df["condition"], categories=list(levels))
    out["trial"] = df["trial"].to_numpy()
    return out


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
    return make_frames(design="between", effects={"Joy": 0.4}, seed=1)


@pytest.fixture
def frames_within() -> pd.DataFrame:
    """10 participants in both levels, 6 expressions, 6 frames; Anger shifted by 0.4."""
    return make_frames(n_subjects=10, design="within", effects={"Anger": 0.4}, seed=2)
