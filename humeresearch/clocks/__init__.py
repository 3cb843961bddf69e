"""Put models on one clock: align, resample, epochs, smooth, match_tracks.

The models of one recording live on different clocks (face frames are instants,
prosody and language are spans of words, sentences or turns, v1 audio windows
overlap). These functions take contract tables (long primarily; wide and spans
tables and ``Measurements`` are accepted) and return contract-shaped tables.
Descriptive statistics of the result live in :mod:`humeresearch.aggregate`.

Functions
---------
align
    Move spans onto the spans of another model.
resample
    Put every series on a regular time grid.
epochs
    Lock the data to events (trials).
smooth
    Rolling means over a time window.
match_tracks
    Pair face tracks with speaker tracks by temporal co-occurrence.

Examples
--------
>>> import humeresearch as hr
>>> from humeresearch import clocks
>>> hr.align is clocks.align and hr.resample is clocks.resample
True
"""

from __future__ import annotations

from humeresearch.clocks._align import align
from humeresearch.clocks._epochs import epochs
from humeresearch.clocks._resample import resample
from humeresearch.clocks._smooth import smooth
from humeresearch.clocks._tracks import match_tracks

__all__ = ["align", "epochs", "match_tracks", "resample", "smooth"]
