"""The collector pause restores the collector's state, also when nested."""

from __future__ import annotations

import gc

import pytest

from humeresearch._gc import paused


@pytest.mark.parametrize("enabled", [True, False])
def test_pause_restores_state(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with paused():
            assert not gc.isenabled()
            with paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError), paused():
            raise RuntimeError
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_reading_leaves_the_collector_on(fixtures):
    import humeresearch as hr

    assert gc.isenabled()
    hr.read(fixtures / "humegradio_predictions.json")
    assert gc.isenabled()
