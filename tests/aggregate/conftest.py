"""Contract tables for the aggregation tests, built with :mod:`humeresearch.testing`."""

from __future__ import annotations

import pandas as pd
import pytest

from humeresearch import testing

SOURCES = ("rec0.mp4", "rec1.mp4")
NAMES = ("Joy", "Calmness")


@pytest.fixture
def face_long() -> pd.DataFrame:
    """Face instants at 3 per second, 2 files x 2 faces x 2 emotions, 6 s."""
    return testing.long_table(
        sources=SOURCES, tracks={"face": ["face_0", "face_1"]}, names=NAMES, seed=1
    )


@pytest.fixture
def prosody_long() -> pd.DataFrame:
    """Prosody utterances of 2 speakers per file (1.5 s spans, touching)."""
    return testing.long_table(
        sources=SOURCES,
        models=["prosody"],
        tracks={"prosody": ["spk_0", "spk_1"]},
        names=NAMES,
        span=1.5,
        seed=2,
    )
