"""Content hashing: one identity for a request's configuration and files.

The local server keys its debug counters by it (so that a test can prove a client
created a job exactly once), and clients can compute the same value before they submit.

Examples
--------
>>> import hashlib
>>> from humeresearch.wire import content_hash
>>> content_hash(None, []) == hashlib.sha256(b'{"config":{},"files":[]}').hexdigest()
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import orjson

__all__ = ["content_hash"]


def content_hash(config: Any, files: Sequence[bytes]) -> str:
    """The content hash of a request: its JSON configuration and its files.

    ``sha256`` of the compact, key-sorted JSON of
    ``{"config": config, "files": [sha256 hex of each file, in order]}``, where
    ``config`` is the request's JSON configuration as sent (``{}`` when absent or
    ``null``). v1 uploads use ``{"endpoint": "audio"|"video", "config": ...}`` as config.

    Parameters
    ----------
    config : JSON-serialisable object or None
        The request's configuration (key order does not matter).
    files : sequence of bytes
        The uploaded files, in order.

    Returns
    -------
    str
        64 lowercase hex characters.

    Examples
    --------
    >>> a = content_hash({"text": ["hi"], "notify": False}, [])
    >>> a == content_hash({"notify": False, "text": ["hi"]}, [])
    True
    >>> content_hash(None, []) == content_hash({}, [])
    True
    >>> len(content_hash(None, [b"file bytes"]))
    64
    """
    doc = {"config": config if config is not None else {}}
    doc["files"] = [hashlib.sha256(f).hexdigest() for f in files]
    return hashlib.sha256(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)).hexdigest()
