"""humeresearch: Hume AI Expression Measurement outputs for research.

Read every Hume output (v0 predictions JSON, artifacts zips and CSVs, stream replies,
v1 responses and realtime logs) into one tidy contract, put the models on one clock,
aggregate, compare groups with correct statistics and draw publication figures.

The public surface is small and flat; it is loaded lazily so that
``import humeresearch`` and the command line start fast.

Examples
--------
>>> import humeresearch as hr
>>> m = hr.read([{"source": {"type": "text"}, "results": {"predictions": [], "errors": []}}])
>>> m.spans().shape[0]
0
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from humeresearch._version import __version__

# public name -> "module:attribute" (attribute omitted: the module itself)
_LAZY: dict[str, str] = {
    # core contract and reading
    "FormatError": "humeresearch._errors:FormatError",
    "ContractError": "humeresearch._errors:ContractError",
    "Measurements": "humeresearch._measurements:Measurements",
    "concat": "humeresearch._measurements:concat",
    "read_parquet": "humeresearch._measurements:read_parquet",
    "read": "humeresearch.readers:read",
    "validate": "humeresearch._contract:validate",
    "vocabularies": "humeresearch.vocabularies",
    # clocks and aggregation
    "align": "humeresearch.clocks:align",
    "resample": "humeresearch.clocks:resample",
    "epochs": "humeresearch.clocks:epochs",
    "annotate": "humeresearch.clocks:annotate",
    "summarize": "humeresearch.clocks:summarize",
    "top_k": "humeresearch.clocks:top_k",
    "dominant": "humeresearch.clocks:dominant",
    "smooth": "humeresearch.clocks:smooth",
    "embed": "humeresearch.clocks:embed",
    "composite": "humeresearch.clocks:composite",
    "match_tracks": "humeresearch.clocks:match_tracks",
    "Embedding": "humeresearch.clocks:Embedding",
    "UnmatchedSpansWarning": "humeresearch.clocks:UnmatchedSpansWarning",
    # statistics
    "compare": "humeresearch.stats:compare",
    "mixed": "humeresearch.stats:mixed",
    "agreement": "humeresearch.stats:agreement",
    "cluster_test": "humeresearch.stats:cluster_test",
    "correct": "humeresearch.stats:correct",
    "StatsWarning": "humeresearch.stats:StatsWarning",
    "PseudoReplicationWarning": "humeresearch._errors:PseudoReplicationWarning",
    # figures, simulator, local server
    "plot": "humeresearch.plot",
    "simulate": "humeresearch.simulate",
    "server": "humeresearch.server",
}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    try:
        target = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'humeresearch' has no attribute {name!r}") from None
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    value = getattr(module, attr) if attr else module
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from humeresearch import plot, server, simulate, vocabularies
    from humeresearch._contract import validate
    from humeresearch._errors import FormatError
    from humeresearch._measurements import Measurements, concat, read_parquet
    from humeresearch.clocks import (
        align,
        annotate,
        composite,
        dominant,
        embed,
        epochs,
        match_tracks,
        resample,
        smooth,
        summarize,
        top_k,
    )
    from humeresearch.readers import read
    from humeresearch.stats import agreement, cluster_test, compare, correct, mixed
