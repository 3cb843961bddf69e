"""Readers of every Hume output form; all end in the data contract.

Use :func:`humeresearch.read`; formats are listed in :data:`FORMATS`.
"""

from __future__ import annotations

from humeresearch.readers._dispatch import read, read_many
from humeresearch.readers._registry import FORMATS, Format, register

__all__ = ["FORMATS", "Format", "read", "read_many", "register"]
