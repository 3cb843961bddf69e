"""Seeded fault injection: the ``--faults`` grammar, the decisions and the HTTP middleware.

Grammar
-------
``SPEC := RULE ("," RULE)*`` and ``RULE := [ROUTE "="] KIND ":" WHEN ["@" PARAM]``

``WHEN`` is a probability in [0, 1] (each eligible event fires independently, drawn
from a generator seeded by ``--seed`` and the rule's position) or ``#N``: exactly the
N-th eligible event (1-based), which makes tests deterministic. ``ROUTE`` optionally
restricts a rule to requests whose ``"METHOD /route/template"`` or path starts with it,
e.g. ``"POST /v0/batch/jobs=drop_after:#1"``. Each rule counts its own eligible events.

========== ======== ===================================================== =================
kind       events   effect                                                PARAM (default)
========== ======== ===================================================== =================
429        HTTP     answer 429 with ``Retry-After`` before acting          Retry-After s (1)
500        HTTP     answer 500 before acting                               -
503        HTTP     answer 503 with ``Retry-After`` before acting          Retry-After s (1)
drop_before HTTP    close the connection without a response, not acting    -
drop_after HTTP     act (e.g. create the job), then close without response -
slow       HTTP     wait PARAM seconds, then answer normally               seconds (2.0)
truncate   HTTP     act, send the headers and half the body, then close    -
fail_job   v0 job   the job ends FAILED                                    -
ws_close   WS       close the session (code 1011) after PARAM messages     messages (1)
shutdown   WS       ``server_shutdown`` close after PARAM messages         messages (1)
========== ======== ===================================================== =================

``GET /_debug/...`` is never faulted. Every injected fault is logged on the
``humeresearch.server`` logger and listed in ``GET /_debug/counters``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from humeresearch.server._util import request_id

logger = logging.getLogger("humeresearch.server")

#: fault kind -> the events it applies to.
KINDS: dict[str, str] = {
    "429": "http",
    "500": "http",
    "503": "http",
    "drop_before": "http",
    "drop_after": "http",
    "slow": "http",
    "truncate": "http",
    "fail_job": "job",
    "ws_close": "ws",
    "shutdown": "ws",
}
_DEFAULT_PARAM: dict[str, float] = {
    "429": 1.0,
    "503": 1.0,
    "slow": 2.0,
    "ws_close": 1.0,
    "shutdown": 1.0,
}
_MAX_LOG = 10_000


@dataclass(frozen=True)
class FaultRule:
    """One fault rule.

    Parameters
    ----------
    kind : str
        One of ``KINDS``.
    probability : float, optional
        Chance that an eligible event fires; exclusive with ``nth``.
    nth : int, optional
        Fire on exactly the n-th eligible event (1-based); exclusive with ``probability``.
    param : float, optional
        Kind-specific parameter (see the module docstring); ``None`` = default.
    route : str, optional
        Only events whose ``"METHOD /route"`` or path starts with this string.

    Examples
    --------
    >>> FaultRule("drop_after", nth=1, route="POST /v0/batch/jobs").kind
    'drop_after'
    """

    kind: str
    probability: float | None = None
    nth: int | None = None
    param: float | None = None
    route: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"fault kind {self.kind!r} is unknown; choose from {sorted(KINDS)}")
        if (self.probability is None) == (self.nth is None):
            raise ValueError(f"fault {self.kind!r}: give exactly one of probability or nth")
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"fault {self.kind!r}: probability {self.probability} not in [0, 1]")
        if self.nth is not None and self.nth < 1:
            raise ValueError(f"fault {self.kind!r}: nth must be >= 1, got {self.nth}")
        if self.param is not None and (not math.isfinite(self.param) or self.param < 0):
            raise ValueError(f"fault {self.kind!r}: param must be a finite number >= 0")

    @property
    def value(self) -> float:
        """``param`` or the kind's default."""
        return self.param if self.param is not None else _DEFAULT_PARAM.get(self.kind, 0.0)


def parse_faults(spec: str | Sequence[FaultRule] | None) -> tuple[FaultRule, ...]:
    """Parse a ``--faults`` SPEC string (or pass a sequence of rules through).

    Examples
    --------
    >>> [r.kind for r in parse_faults("429:0.1,slow:0.5@2.0,POST /v0/batch/jobs=drop_after:#1")]
    ['429', 'slow', 'drop_after']
    """
    if spec is None:
        return ()
    if not isinstance(spec, str):
        rules = tuple(spec)
        for r in rules:
            if not isinstance(r, FaultRule):
                raise TypeError(f"faults: expected FaultRule items, got {type(r).__name__}")
        return rules
    rules_list: list[FaultRule] = []
    for raw in spec.split(","):
        item = raw.strip()
        if not item:
            continue
        route = None
        if "=" in item:
            route, _, item = item.rpartition("=")
            route = route.strip() or None
        kind, sep, rest = item.partition(":")
        if not sep:
            raise ValueError(f"faults: rule {raw.strip()!r} needs KIND:WHEN, e.g. '429:0.1'")
        when, _, param_text = rest.partition("@")
        try:
            param = float(param_text) if param_text else None
            if when.startswith("#"):
                rule = FaultRule(kind.strip(), nth=int(when[1:]), param=param, route=route)
            else:
                rule = FaultRule(kind.strip(), probability=float(when), param=param, route=route)
        except ValueError as exc:
            raise ValueError(f"faults: rule {raw.strip()!r}: {exc}") from None
        rules_list.append(rule)
    return tuple(rules_list)


class FaultInjector:
    """Decides, deterministically for a given seed and event order, which faults fire."""

    def __init__(self, rules: Sequence[FaultRule], *, seed: int) -> None:
        self.rules = tuple(rules)
        self._rngs = [random.Random(f"{seed}:{i}:{r.kind}") for i, r in enumerate(self.rules)]
        self._seen = [0] * len(self.rules)
        self._lock = threading.Lock()
        self._log: list[dict[str, Any]] = []

    def pick(self, events: str, route_key: str, path: str = "") -> FaultRule | None:
        """Count one eligible event for every matching rule; return the first that fires."""
        fired = None
        with self._lock:
            for i, rule in enumerate(self.rules):
                if KINDS[rule.kind] != events:
                    continue
                if rule.route and not (
                    route_key.startswith(rule.route) or (path and path.startswith(rule.route))
                ):
                    continue
                self._seen[i] += 1
                if rule.nth is not None:
                    hit = self._seen[i] == rule.nth
                else:
                    hit = self._rngs[i].random() < (rule.probability or 0.0)
                if hit and fired is None:
                    fired = rule
        return fired

    def record(self, kind: str, route: str, **detail: Any) -> None:
        """Log one injected fault."""
        entry = {"kind": kind, "route": route, "at_ms": time.time_ns() // 1_000_000, **detail}
        logger.warning("injected fault %s on %s %s", kind, route, detail or "")
        with self._lock:
            if len(self._log) < _MAX_LOG:
                self._log.append(entry)

    def log(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._log)


def error_body(path: str, status: int, message: str) -> bytes:
    """An error body in the shape of the API the path belongs to."""
    if path.startswith("/v1/"):
        code = {429: "server_busy", 500: "internal_error", 503: "server_busy"}.get(
            status, "internal_error"
        )
        body = {"type": "error", "code": code, "message": message, "request_id": request_id()}
    else:
        body = {"message": message}
    return orjson.dumps(body)


class FaultMiddleware:
    """ASGI middleware: counts requests per route and injects HTTP faults."""

    def __init__(self, app: Any, state: Any, router: Any) -> None:
        self.app = app
        self.state = state
        self.router = router

    def route_key(self, scope: dict[str, Any]) -> str:
        from starlette.routing import Match

        method = "WS" if scope["type"] == "websocket" else scope.get("method", "GET")
        for route in self.router.routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return f"{method} {route.path}"
        return f"{method} {scope['path']}"

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if "//" in scope["path"]:  # a base URL ending in "/" yields "//v0/..." (hume SDK)
            scope = {**scope, "path": re.sub("/{2,}", "/", scope["path"])}
        key = self.route_key(scope)
        scope["humeresearch.route"] = key
        self.state.counters.request(key)
        if scope["type"] != "http" or scope["path"].startswith("/_debug"):
            await self.app(scope, receive, send)
            return
        rule = self.state.faults.pick("http", key, scope["path"])
        if rule is None:
            await self.app(scope, receive, send)
            return
        await self.inject(rule, key, scope, receive, send)

    async def inject(
        self, rule: FaultRule, key: str, scope: dict[str, Any], receive: Any, send: Any
    ) -> None:
        kind = rule.kind
        self.state.faults.record(kind, key)
        if kind in ("429", "500", "503"):
            status = int(kind)
            headers = [(b"content-type", b"application/json")]
            if status in (429, 503):
                headers.append((b"retry-after", f"{rule.value:g}".encode()))
            body = error_body(scope["path"], status, f"injected fault: HTTP {status}")
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
        elif kind == "slow":
            await asyncio.sleep(rule.value)
            await self.app(scope, receive, send)
        elif kind == "drop_before":
            await self.abort(scope)
        elif kind == "drop_after":

            async def swallow(message: dict[str, Any]) -> None:
                return None

            await self.app(scope, receive, swallow)
            await self.abort(scope)
        elif kind == "truncate":
            messages: list[dict[str, Any]] = []

            async def capture(message: dict[str, Any]) -> None:
                messages.append(message)

            await self.app(scope, receive, capture)
            start = next(m for m in messages if m["type"] == "http.response.start")
            body = b"".join(
                m.get("body", b"") for m in messages if m["type"] == "http.response.body"
            )
            await send(start)
            await send(
                {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
            )
            await self.abort(scope)

    async def abort(self, scope: dict[str, Any]) -> None:
        """Close the client's TCP connection at once, without a (complete) response."""
        client = scope.get("client")
        transport = self.state.transports.get(tuple(client)) if client else None
        if transport is None:  # not served by our tracking protocol: best effort
            raise ConnectionAbortedError("injected fault: connection dropped")
        transport.abort()
        # let the protocol see connection_lost before the ASGI call returns
        for _ in range(3):
            await asyncio.sleep(0)
