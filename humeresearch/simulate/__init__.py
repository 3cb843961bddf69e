"""Deterministic simulation of Hume Expression Measurement outputs (v0 and v1), without a network.
"""

from __future__ import annotations

from humeresearch.simulate._config import v0_default_models
from humeresearch.simulate._errors import SimulationError, SimulationWarning
from humeresearch.simulate._sources import Source
from humeresearch.simulate._v0 import v0_predictions

__all__ = ["Source", "SimulationError", "SimulationWarning", "v0_default_models", "v0_predictions"]
