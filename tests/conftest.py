"""Shared test configuration: where the real v0 fixtures live (never copied here), and
contract tables used by several test packages, built with :mod:`humeresearch.testing`."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from humeresearch import testing

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures" / "hume-v0-real"

#: files, emotions, faces and speakers of ``face_long`` and ``prosody_long``.
SOURCES = ("rec0.mp4", "rec1.mp4")
NAMES = ("Joy", "Calmness")
FACES = {"face": ["face_0", "face_1"]}
SPEAKERS = {"prosody": ["spk_0", "spk_1"]}


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """The folder of real v0 outputs, ``../shared/fixtures/hume-v0-real``."""
    if not FIXTURES.is_dir():
        pytest.fail(f"real fixtures not found at {FIXTURES} (../shared must sit beside the repo)")
    return FIXTURES


@pytest.fixture
def face_long() -> pd.DataFrame:
    """Face instants at 3 per second, 2 files x 2 faces x 2 emotions, 6 s."""
    return testing.long_table(sources=SOURCES, tracks=FACES, names=NAMES, seed=1)


@pytest.fixture
def prosody_long() -> pd.DataFrame:
    """Prosody utterances of 2 speakers per file (1.5 s spans, touching)."""
    return testing.long_table(
        sources=SOURCES, models=["prosody"], tracks=SPEAKERS, names=NAMES, span=1.5, seed=2
    )
