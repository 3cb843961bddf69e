"""Small helpers shared by the server modules: ids, clocks, hosts."""

from __future__ import annotations

import ipaddress
import time
import uuid
from datetime import datetime, timezone

#: user id every run reports (the local server has one user).
USER_ID = "local-user"


def now_ms() -> int:
    """Unix time in integer milliseconds."""
    return time.time_ns() // 1_000_000


def request_id() -> str:
    """A v1 request id: 32 lowercase hex characters."""
    return uuid.uuid4().hex


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` is ``localhost`` or a literal loopback address (``127.0.0.0/8``, ``::1``).

    Names that would be resolved through DNS (``x.localhost`` included) are not loopback.
    """
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def iso_ms(ms: int | None) -> str | None:
    """RFC 3339 UTC text with milliseconds for Unix milliseconds (``None`` stays ``None``)."""
    if ms is None:
        return None
    dt = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_rfc3339_ms(text: str) -> int:
    """Unix milliseconds of an RFC 3339 datetime (naive values are read as UTC)."""
    dt = datetime.fromisoformat(text.strip().replace("z", "Z").replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(round(dt.timestamp() * 1000))
