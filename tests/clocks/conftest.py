"""Synthetic long and wide contract tables for the align tests."""

from __future__ import annotations

import pandas as pd
import pytest

from humeresearch._contract import KEYS, wide_column

from .strategies import long_table, regular_long, spans_table


@pytest.fixture
def face_long() -> pd.DataFrame:
    """Face instants at 3 per second, 2 files x 2 faces x 2 emotions, 6 s."""
    return regular_long(2, ("face_0", "face_1"), "face", seed=1)


@pytest.fixture
def prosody_long() -> pd.DataFrame:
    """Prosody utterances of 2 speakers per file (1.5 s spans, touching)."""
    return regular_long(2, ("spk_0", "spk_1"), "prosody", step=1.5, lengths=1.5, seed=2)


@pytest.fixture
def prosody_spans(prosody_long: pd.DataFrame) -> pd.DataFrame:
    """The spans table of ``prosody_long``."""
    rows = prosody_long.drop_duplicates(KEYS)[[*KEYS, "begin", "end"]]
    return spans_table(
        rows.astype({c: str for c in ("source", "file", "model", "track")}).to_dict("records")
    )


@pytest.fixture
def face_wide(face_long: pd.DataFrame) -> pd.DataFrame:
    """The wide table of ``face_long`` (spans columns + one column per emotion)."""
    scores = face_long.pivot_table(
        index=[*KEYS, "begin", "end"], columns="name", values="score", observed=True
    ).reset_index()
    scores.columns = [
        c if c in KEYS + ["begin", "end"] else wide_column("emotion", c) for c in scores.columns
    ]
    spans = spans_table(
        scores[[*KEYS, "begin", "end"]]
        .astype({c: str for c in ("source", "file", "model", "track")})
        .to_dict("records")
    )
    return pd.concat([spans, scores.drop(columns=[*KEYS, "begin", "end"])], axis=1)


@pytest.fixture
def tiny_long() -> pd.DataFrame:
    """Three face frames and one prosody span, hand-checkable."""
    rows = []
    for i, (t, joy) in enumerate([(0.0, 0.2), (0.5, 0.4), (1.0, 0.9)]):
        rows.append(
            dict(
                source="a",
                file="a",
                model="face",
                track="face_0",
                span_id=i,
                begin=t,
                end=t,
                family="emotion",
                name="Joy",
                score=joy,
            )
        )
    rows.append(
        dict(
            source="a",
            file="a",
            model="prosody",
            track="spk_0",
            span_id=0,
            begin=0.0,
            end=1.0,
            family="emotion",
            name="Joy",
            score=0.7,
        )
    )
    return long_table(rows)
