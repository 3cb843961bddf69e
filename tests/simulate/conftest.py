"""Fixtures of the simulator tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SPEC = Path(__file__).resolve().parents[2] / ".." / "shared" / "spec"


@pytest.fixture(scope="session")
def vocab():
    """Name lists read independently from the spec's vocabularies.json."""
    data = json.loads((SPEC / "vocabularies.json").read_text("utf-8"))
    return lambda key: tuple(data[key]["names"])
