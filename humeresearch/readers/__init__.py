"""Readers of every Hume output form; all end in the data contract.

Use :func:`humeresearch.read`; formats are listed in :data:`FORMATS` and tried in
registration order: v0 predictions JSON, SDK objects, v0 artifacts zip and CSV, v0
stream replies, v1 responses and realtime logs.
"""

from __future__ import annotations

from humeresearch.readers import sdk, v0_artifacts, v0_stream, v1  # noqa: F401  (register)
from humeresearch.readers._dispatch import read, read_many
from humeresearch.readers._registry import FORMATS, Format, register

__all__ = ["FORMATS", "Format", "read", "read_many", "register"]
