"""Put models on one clock and aggregate: align, resample, epochs, summarise.

The models of one recording live on different clocks (face frames are instants,
prosody and language are spans of words, sentences or turns, v1 audio windows
overlap). These functions take contract tables (long primarily; wide tables and
``Measurements`` are accepted) and return contract-shaped tables.

Functions
---------
align, resample, epochs
    Move spans onto other spans, onto a regular grid, or lock them to events.
annotate
    Attach participant / condition / session columns.
summarize, top_k, dominant, smooth
    Duration-weighted statistics, top expressions, time-based smoothing.
embed, composite
    Expression space (PCA) and user-defined composites.
match_tracks
    Pair face tracks with speaker tracks by temporal co-occurrence.

Examples
--------
>>> import humeresearch as hr
>>> callable(hr.align) and callable(hr.summarize)
True
"""

from __future__ import annotations

import inspect
import sys
import types
import warnings
from typing import Any

from humeresearch.align._align import align
from humeresearch.align._annotate import annotate
from humeresearch.align._common import UnmatchedSpansWarning
from humeresearch.align._embed import Embedding, composite, embed
from humeresearch.align._epochs import epochs
from humeresearch.align._rank import dominant, smooth, top_k
from humeresearch.align._resample import resample
from humeresearch.align._summarize import summarize
from humeresearch.align._tracks import match_tracks

__all__ = [
    "Embedding",
    "UnmatchedSpansWarning",
    "align",
    "annotate",
    "composite",
    "dominant",
    "embed",
    "epochs",
    "match_tracks",
    "resample",
    "smooth",
    "summarize",
    "top_k",
]


class _CallableModule(types.ModuleType):
    """``humeresearch.align`` is both this package and the function ``align``.

    Importing the package binds ``humeresearch.align`` to the module (Python sets
    the attribute on the parent package), which would shadow the lazy public
    function; calling the module therefore calls :func:`align`.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # re-issue warnings from the caller's line rather than from this wrapper
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = align(*args, **kwargs)
        for w in caught:
            warnings.warn(w.message, w.category, stacklevel=2)
        return result


sys.modules[__name__].__class__ = _CallableModule
__signature__ = inspect.signature(align)
