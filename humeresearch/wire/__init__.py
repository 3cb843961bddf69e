"""Hume's wire formats, independent of reading, serving or submitting.

What the v0 and v1 APIs send and receive, defined once for the readers, the simulator,
the local server and the clients:

* :mod:`humeresearch.wire.v0`: v0 batch predictions and stream replies (msgspec structures);
* :mod:`humeresearch.wire.v1`: v1 file responses and realtime measurements;
* :mod:`humeresearch.wire.artifacts`: the v0 artifacts zip (member paths, CSV header);
* :func:`content_hash`: the identity of a request's configuration and files.

The model names and granularities of each API are option sets of
:mod:`humeresearch.define` (``V0_MODELS``, ``V0_STREAM_MODELS``, ``V1_MODELS``,
``GRANULARITIES``, ``STREAM_GRANULARITIES``). Importing this package imports neither the
local server's web stack nor the readers.

Examples
--------
>>> from humeresearch import wire
>>> wire.artifacts.member_path(kind="url", index=0, basename="a.mp4", file="a.mp4", model="face")
'url-0-a.mp4/csv/a.mp4/face.csv'
>>> len(wire.content_hash({"text": ["hi"]}, []))
64
"""

from __future__ import annotations

from humeresearch.wire import artifacts, v0, v1
from humeresearch.wire.hashing import content_hash

__all__ = ["artifacts", "content_hash", "v0", "v1"]
