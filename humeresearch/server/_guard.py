"""Protection of a server left running on a workstation: Host and Origin checks, log redaction.

Without an API key (the default) any web page the user visits could otherwise reach the
server: through DNS rebinding (a foreign name resolving to 127.0.0.1, seen in the
``Host`` header) or by cross-origin requests (a form POST, a WebSocket). So, unless
``allow_remote`` is set:

* the ``Host`` header must name a loopback address: ``127.0.0.1`` (any ``127.x.y.z``),
  ``localhost`` or ``[::1]``, with any port; anything else gets 403 (a WebSocket
  handshake gets 403 too). A request without ``Host`` (HTTP/1.0) is allowed.

Always (also with ``allow_remote``):

* a WebSocket handshake, and every request other than ``GET``/``HEAD``/``OPTIONS``, that
  carries an ``Origin`` header must come from a loopback origin (``http(s)://`` +
  a loopback host, any port) or from the server's own origin; anything else, including
  ``Origin: null``, gets 403. No ``Origin`` header means a non-browser client: allowed.

Log lines never show credentials: query parameters named like a secret (``apikey``,
``api_key``, ``apiKey``, ``access_token``, ``token``, ``key``) are replaced by ``***`` in
every record of the ``uvicorn`` and ``humeresearch`` loggers, and so is the configured
key wherever it appears.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

import orjson

from humeresearch.server._util import is_loopback_host, request_id

_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_SECRET_QUERY = re.compile(
    r"(?i)([?&](?:api_?key|access_token|token|key)=)[^&\s\"']*",
)
#: loggers whose records are redacted (their children propagate through them).
LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "humeresearch")


def _host_of(value: str) -> str:
    """The host part of a ``Host`` header value (``[::1]:8000`` -> ``::1``)."""
    value = value.strip()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def host_allowed(host_header: str | None) -> bool:
    """Whether a ``Host`` header names a loopback address (absent: allowed).

    Examples
    --------
    >>> [host_allowed(h) for h in ("127.0.0.1:8000", "localhost", "[::1]:1", "evil.example:80")]
    [True, True, True, False]
    """
    if host_header is None:
        return True
    return is_loopback_host(_host_of(host_header))


def origin_allowed(origin: str | None, host_header: str | None) -> bool:
    """Whether a request's ``Origin`` may act (absent: a non-browser client, allowed).

    Examples
    --------
    >>> origin_allowed("http://localhost:3000", "127.0.0.1:8000")
    True
    >>> origin_allowed("https://evil.example", "127.0.0.1:8000"), origin_allowed("null", None)
    (False, False)
    """
    if origin is None:
        return True
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if is_loopback_host(parts.hostname):
        return True
    return host_header is not None and parts.netloc.lower() == host_header.strip().lower()


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class GuardMiddleware:
    """ASGI middleware applying the Host and Origin rules of this module."""

    def __init__(self, app: Any, *, allow_remote: bool) -> None:
        self.app = app
        self.allow_remote = allow_remote

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host")
        reason = None
        if not self.allow_remote and not host_allowed(host):
            reason = (
                f"Host {host!r} is not a loopback address; the local server answers only "
                "127.0.0.1, localhost and [::1] (start it with --allow-remote to change that)"
            )
        elif scope["type"] == "websocket" or scope.get("method") not in _SAFE_METHODS:
            origin = _header(scope, b"origin")
            if not origin_allowed(origin, host):
                reason = f"Origin {origin!r} may not use the local server (cross-origin request)"
        if reason is None:
            await self.app(scope, receive, send)
            return
        logging.getLogger("humeresearch.server").warning("refused: %s", reason)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "forbidden"})
            return
        await _forbidden(scope, send, reason)


async def _forbidden(scope: dict[str, Any], send: Any, message: str) -> None:
    if scope["path"].startswith("/v1/"):
        body = {
            "type": "error",
            "code": "forbidden",
            "message": message,
            "request_id": request_id(),
        }
    else:
        body = {"message": message}
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": orjson.dumps(body)})


def redact(text: str, secret: str | None = None) -> str:
    """``text`` with secret query values (and ``secret`` itself) replaced by ``***``.

    Examples
    --------
    >>> redact('GET "WebSocket /v0/stream/models?apikey=abc&x=1" 101')
    'GET "WebSocket /v0/stream/models?apikey=***&x=1" 101'
    """
    text = _SECRET_QUERY.sub(r"\1***", text)
    if secret:
        text = text.replace(secret, "***")
    return text


#: the keys of every server started in this process (each is redacted from every record).
_SECRETS: set[str] = set()


class RedactFilter(logging.Filter):
    """A logging filter that redacts every record (see :func:`redact`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler
            return True
        clean = redact(message)
        for secret in list(_SECRETS):
            clean = redact(clean, secret)
        if clean != message or record.args:
            record.msg, record.args = clean, ()
        return True


def install_redaction(secret: str | None) -> None:
    """Attach one :class:`RedactFilter` to the server's loggers and to their handlers."""
    if secret:
        _SECRETS.add(secret)
    targets: list[Any] = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        targets.append(logger)
        targets.extend(logger.handlers)
    targets.extend(logging.getLogger().handlers)
    for target in targets:
        if not any(isinstance(f, RedactFilter) for f in target.filters):
            target.addFilter(RedactFilter())
