"""Contract tables for the clocks tests, built with :mod:`humeresearch.testing`.

``face_long`` and ``prosody_long`` are shared: they live in ``tests/conftest.py``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from humeresearch import testing

from ..conftest import FACES, NAMES, SOURCES, SPEAKERS
from ..strategies import long_from_rows


@pytest.fixture
def face_wide() -> pd.DataFrame:
    """The wide table of ``face_long``."""
    return testing.wide_table(sources=SOURCES, tracks=FACES, names=NAMES, seed=1)


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
