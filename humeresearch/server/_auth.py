"""Credential checks: ``X-Hume-Api-Key`` everywhere, ``apiKey``/``apikey`` query on v0,
``Authorization: Bearer`` on v1 (exactly one credential), and the 401 shapes.

With no ``api_key`` configured every request is accepted. Keys are compared in
constant time and never logged.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from starlette.responses import Response

from humeresearch.server._responses import JSONBytesResponse
from humeresearch.server._util import request_id

#: the gateway body the legacy v0 SDK saw for a bad key (hume-v0.md section 2).
V0_UNAUTHORIZED = {
    "fault": {
        "faultstring": "Invalid ApiKey",
        "detail": {"errorcode": "oauth.v2.InvalidApiKey"},
    }
}


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def check_v0(api_key: str | None, headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
    """Whether a v0 request carries the key (header, or ``apiKey``/``apikey`` query)."""
    if api_key is None:
        return True
    given = headers.get("x-hume-api-key") or query.get("apiKey") or query.get("apikey")
    return given is not None and _same(given, api_key)


def check_v1(api_key: str | None, headers: Mapping[str, str]) -> str | None:
    """``None`` when a v1 request is authorised, else why not (``missing``, ``both``, ``key``, ``token``)."""
    if api_key is None:
        return None
    key = headers.get("x-hume-api-key")
    auth = headers.get("authorization")
    token = None
    if auth is not None:
        scheme, _, value = auth.partition(" ")
        token = value.strip() if scheme.lower() == "bearer" else ""
    if key is not None and token is not None:
        return "both"
    if key is not None:
        return None if _same(key, api_key) else "key"
    if token is not None:
        return None if token and _same(token, api_key) else "token"
    return "missing"


def v0_unauthorized() -> Response:
    return JSONBytesResponse(V0_UNAUTHORIZED, status_code=401)


def v1_unauthorized(reason: str) -> Response:
    """The v1 401 body: ``{"message"}``, plus ``request_id`` when an API key was rejected."""
    messages = {
        "missing": "No API key or access token was provided.",
        "both": "Send exactly one credential: an API key or an access token, not both.",
        "key": "The API key is not valid.",
        "token": "The access token is not valid.",
    }
    body: dict[str, str] = {"message": messages[reason]}
    if reason == "key":
        body["request_id"] = request_id()
    return JSONBytesResponse(body, status_code=401)
