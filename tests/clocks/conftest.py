"""Contract tables for the clocks tests, built with :mod:`humeresearch.testing`."""

from __future__ import annotations

import pandas as pd
import pytest

from humeresearch import testing

from .strategies import long_from_rows

SOURCES = ("rec0.mp4", "rec1.mp4")
NAMES = ("Joy", "Calmness")
FACES = {"face": ["face_0", "face_1"]}
SPEAKERS = {"prosody": ["spk_0", "spk_1"]}


@pytest.fixture
def face_long() -> pd.DataFrame:
    """Face instants at 3 per second, 2 files x 2 faces x 2 emotions, 6 s."""
    return testing.long_table(sources=SOURCES, tracks=FACES, names=NAMES, seed=1)


@pytest.fixture
def face_wide() -> pd.DataFrame:
    """The wide table of ``face_long``."""
    return testing.wide_table(sources=SOURCES, tracks=FACES, names=NAMES, seed=1)


@pytest.fixture
def prosody_long() -> pd.DataFrame:
    """Prosody utterances of 2 speakers per file (1.5 s spans, touching)."""
    return testing.long_table(
        sources=SOURCES, models=["prosody"], tracks=SPEAKERS, names=NAMES, span=1.5, seed=2
    )


@pytest.fixture
def prosody_spans() -> pd.DataFrame:
    """The spans table of ``prosody_long``."""
    return testing.spans_table(
        sources=SOURCES, models=["prosody"], tracks=SPEAKERS, names=NAMES, span=1.5, seed=2
    )


@pytest.fixture
def tiny_long() -> pd.DataFrame:
    """Three face frames and one prosody span, hand-checkable."""
    frames = [
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
        for i, (t, joy) in enumerate([(0.0, 0.2), (0.5, 0.4), (1.0, 0.9)])
    ]
    utterance = dict(
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
    return long_from_rows([*frames, utterance])
