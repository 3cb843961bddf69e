"""Fixtures of the widget tests: a small study of WAVs, local servers, widget-state scans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("av")

from tests.measure.conftest import tone_wav

KEY = "sk-widgets-secret-0123456789"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: end-to-end tests in a real browser (Chromium)")


@pytest.fixture()
def study(tmp_path) -> Path:
    """``a.wav`` (6 s) and ``b.wav`` (12 s) in a folder of their own."""
    root = tmp_path / "study"
    root.mkdir()
    (root / "a.wav").write_bytes(tone_wav(6.0))
    (root / "b.wav").write_bytes(tone_wav(12.0, freq=220.0))
    return root


@pytest.fixture()
def serve():
    """Start local servers that need ``KEY`` (stopped at the end): ``serve(**kwargs)``."""
    from humeresearch import server

    started = []

    def start(**kwargs):
        s = server.start(api_key=KEY, **kwargs)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


@pytest.fixture()
def panels():
    """Build SubmitPanels that are closed at the end: ``panels(**kwargs)``."""
    from humeresearch.widgets import SubmitPanel

    made = []

    def make(**kwargs):
        panel = SubmitPanel(**kwargs)
        made.append(panel)
        return panel

    yield make
    for panel in made:
        panel.close()


def every_widget_state() -> str:
    """The state of every live widget, as one JSON string (bytes as their repr)."""
    from ipywidgets.widgets.widget import _instances

    states = [w.get_state() for w in list(_instances.values())]
    return json.dumps(states, default=repr)
