"""Readers of every Hume output form; all end in the data contract.

Use :func:`humeresearch.read`. Formats live in one registry, :data:`FORMATS`, and are
tried in registration order: v0 predictions JSON, SDK objects, v0 artifacts zip (or
its unpacked folder) and CSV, v0 stream replies (one file, or a folder of them), v1
responses and realtime logs (one file, or a folder). :func:`register` adds a format.

Examples
--------
>>> from humeresearch import readers
>>> list(readers.FORMATS)
['v0-predictions', 'sdk', 'v0-artifacts', 'v0-csv', 'v0-stream', 'v1', 'contract-csv']
>>> [name for name, fmt in readers.FORMATS.items() if fmt.folder is not None]
['v0-artifacts', 'v0-stream', 'v1']
"""

from __future__ import annotations

# isort: off
# each format module registers itself on import: this order is the detection order
from humeresearch.readers import _v0_predictions  # noqa: F401
from humeresearch.readers import _sdk  # noqa: F401
from humeresearch.readers import _v0_artifacts  # noqa: F401
from humeresearch.readers import _v0_stream  # noqa: F401
from humeresearch.readers import _v1  # noqa: F401
from humeresearch.readers import _tables_csv  # noqa: F401

# isort: on
from humeresearch.readers._dispatch import read, read_many
from humeresearch.readers._limits import LIMITS, Limits
from humeresearch.readers._registry import FORMATS, Format, register

__all__ = ["FORMATS", "LIMITS", "Format", "Limits", "read", "read_many", "register"]
