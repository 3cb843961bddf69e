"""Field checks of the configuration objects: each failure names the field."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from humeresearch.clients._errors import ConfigError


def number(
    value: Any,
    field: str,
    *,
    lo: float | None = None,
    hi: float | None = None,
    integer: bool = False,
) -> None:
    """Raise ConfigError unless ``value`` is None or a (finite) number within [lo, hi]."""
    if value is None:
        return
    kind = "an integer" if integer else "a number"
    ok = isinstance(value, int) if integer else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok or not math.isfinite(value):
        raise ConfigError(field, f"must be {kind}, got {value!r}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = f"{lo if lo is not None else '-inf'}-{hi if hi is not None else 'inf'}"
        raise ConfigError(field, f"must be {kind} in {bounds}, got {value!r}")


def flag(value: Any, field: str) -> None:
    """Raise ConfigError unless ``value`` is None or a bool."""
    if value is not None and not isinstance(value, bool):
        raise ConfigError(field, f"must be true or false, got {value!r}")


def choice(value: Any, choices: Sequence[str], field: str, *, context: str = "") -> None:
    """Raise ConfigError unless ``value`` is None or one of ``choices``."""
    if value is None:
        return
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        where = f" {context}" if context else ""
        raise ConfigError(field, f"must be one of {listed}{where}; got {value!r}")


def text(value: Any, field: str) -> None:
    """Raise ConfigError unless ``value`` is None or a non-empty string."""
    if value is not None and (not isinstance(value, str) or not value):
        raise ConfigError(field, f"must be a non-empty string, got {value!r}")


def compact(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """``mapping`` without its None values."""
    return {k: v for k, v in mapping.items() if v is not None}


def dumps(obj: Any) -> str:
    """Compact JSON, as the SDKs send it."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def only_keys(data: Mapping[str, Any], allowed: Sequence[str], field: str) -> None:
    """Raise ConfigError naming the first key of ``data`` not in ``allowed``."""
    if not isinstance(data, Mapping):
        raise ConfigError(field or "config", f"must be an object, got {data!r}")
    for key in data:
        if key not in allowed:
            expected = ", ".join(allowed)
            where = f"{field}.{key}" if field else str(key)
            raise ConfigError(where, f"unknown field; expected one of {expected}")
