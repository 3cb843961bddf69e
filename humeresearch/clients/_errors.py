"""Exceptions of the clients, defined in :mod:`humeresearch.errors` and re-exported here.

Examples
--------
>>> from humeresearch.clients import ApiError, ConfigError
>>> issubclass(ConfigError, ValueError)
True
>>> str(ApiError(404, "not_found", "run not found", request_id="ab"))
'HTTP 404 not_found: run not found (request_id ab)'
"""

from __future__ import annotations

from humeresearch.errors import ApiError, ConfigError, HumeClientError, TransportError

__all__ = ["ApiError", "ConfigError", "HumeClientError", "TransportError"]
