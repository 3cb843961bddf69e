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

from humeresearch.clocks._align import align
from humeresearch.clocks._annotate import annotate
from humeresearch.clocks._common import UnmatchedSpansWarning
from humeresearch.clocks._embed import Embedding, composite, embed
from humeresearch.clocks._epochs import epochs
from humeresearch.clocks._rank import dominant, smooth, top_k
from humeresearch.clocks._resample import resample
from humeresearch.clocks._summarize import summarize
from humeresearch.clocks._tracks import match_tracks

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
