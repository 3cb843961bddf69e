"""One small demo run shared by the demo tests (fast: few participants, short recordings)."""

from __future__ import annotations

import pytest

from humeresearch.simulate import Effect

#: effects of the test run: large enough to be found with 8 participants
EFFECTS = (
    Effect("Joy", "treatment", 0.35, model="face"),
    Effect("Interest", "control", 0.3, model="prosody"),
)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The result of ``demo.run`` on a small study, in a temporary folder."""
    from humeresearch import demo

    out = tmp_path_factory.mktemp("demo")
    return demo.run(out, participants=8, duration=15.0, effects=EFFECTS, seed=3, progress=False)
