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
    # exceptions and warnings (humeresearch.errors)
    "FormatError": "humeresearch.errors:FormatError",
    "ContractError": "humeresearch.errors:ContractError",
    "PseudoReplicationWarning": "humeresearch.errors:PseudoReplicationWarning",
    "UnmatchedSpansWarning": "humeresearch.errors:UnmatchedSpansWarning",
    "StatsWarning": "humeresearch.errors:StatsWarning",
    "SimulationError": "humeresearch.errors:SimulationError",
    "SimulationWarning": "humeresearch.errors:SimulationWarning",
    "ConfigError": "humeresearch.errors:ConfigError",
    "HumeClientError": "humeresearch.errors:HumeClientError",
    "ApiError": "humeresearch.errors:ApiError",
    "TransportError": "humeresearch.errors:TransportError",
    "MediaError": "humeresearch.errors:MediaError",
    "OutOfRangeWarning": "humeresearch.errors:OutOfRangeWarning",
    # core contract and reading
    "Measurements": "humeresearch._measurements:Measurements",
    "TableLike": "humeresearch._tables:TableLike",
    "concat": "humeresearch._measurements:concat",
    "read_parquet": "humeresearch._measurements:read_parquet",
    "read": "humeresearch.readers:read",
    "validate": "humeresearch._contract:validate",
    # alignment on a clock
    "align": "humeresearch.clocks:align",
    "resample": "humeresearch.clocks:resample",
    "epochs": "humeresearch.clocks:epochs",
    "smooth": "humeresearch.clocks:smooth",
    "match_tracks": "humeresearch.clocks:match_tracks",
    # aggregation
    "annotate": "humeresearch.aggregate:annotate",
    "summarize": "humeresearch.aggregate:summarize",
    "top_k": "humeresearch.aggregate:top_k",
    "dominant": "humeresearch.aggregate:dominant",
    "embed": "humeresearch.aggregate:embed",
    "composite": "humeresearch.aggregate:composite",
    "Embedding": "humeresearch.aggregate:Embedding",
    # statistics
    "compare": "humeresearch.stats:compare",
    "mixed": "humeresearch.stats:mixed",
    "agreement": "humeresearch.stats:agreement",
    "cluster_test": "humeresearch.stats:cluster_test",
    "correct": "humeresearch.stats:correct",
    "anova": "humeresearch.stats:anova",
    "equivalence": "humeresearch.stats:equivalence",
    "icc": "humeresearch.stats:icc",
    "spearman_brown": "humeresearch.stats:spearman_brown",
    "lrt": "humeresearch.stats:lrt",
    "power": "humeresearch.stats:power",
    "rescale": "humeresearch.stats:rescale",
    "report": "humeresearch.stats:report",
    "Report": "humeresearch.stats:Report",
    # measuring with the Hume APIs (the ``measure`` extra)
    # the package itself, callable as its function ``measure.measure`` (always one object)
    "measure": "humeresearch.measure",
    # corpora larger than memory (the ``dataset`` extra for Dask)
    "to_dataset": "humeresearch.dataset:to_dataset",
    "open_dataset": "humeresearch.dataset:open_dataset",
    "Dataset": "humeresearch.dataset:Dataset",
    # subpackages and modules
    "dataset": "humeresearch.dataset",
    "define": "humeresearch.define",
    "errors": "humeresearch.errors",
    "plot": "humeresearch.plot",
    "server": "humeresearch.server",
    "simulate": "humeresearch.simulate",
    "testing": "humeresearch.testing",
    "vocabularies": "humeresearch.vocabularies",
    "wire": "humeresearch.wire",
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


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only (mirrors _LAZY)
    from humeresearch import (
        dataset,
        define,
        errors,
        measure,
        plot,
        server,
        simulate,
        testing,
        vocabularies,
        wire,
    )
    from humeresearch._contract import validate
    from humeresearch._measurements import Measurements, concat, read_parquet
    from humeresearch._tables import TableLike
    from humeresearch.aggregate import (
        Embedding,
        annotate,
        composite,
        dominant,
        embed,
        summarize,
        top_k,
    )
    from humeresearch.clocks import align, epochs, match_tracks, resample, smooth
    from humeresearch.dataset import Dataset, open_dataset, to_dataset
    from humeresearch.errors import (
        ApiError,
        ConfigError,
        ContractError,
        FormatError,
        HumeClientError,
        MediaError,
        OutOfRangeWarning,
        PseudoReplicationWarning,
        SimulationError,
        SimulationWarning,
        StatsWarning,
        TransportError,
        UnmatchedSpansWarning,
    )
    from humeresearch.readers import read
    from humeresearch.stats import (
        Report,
        agreement,
        anova,
        cluster_test,
        compare,
        correct,
        equivalence,
        icc,
        lrt,
        mixed,
        power,
        report,
        rescale,
        spearman_brown,
    )
