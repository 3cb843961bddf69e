"""Shared test configuration: where the real v0 fixtures live (never copied here)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures" / "hume-v0-real"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """The folder of real v0 outputs, ``../shared/fixtures/hume-v0-real``."""
    if not FIXTURES.is_dir():
        pytest.fail(f"real fixtures not found at {FIXTURES} (../shared must sit beside the repo)")
    return FIXTURES
