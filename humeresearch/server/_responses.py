"""Response helpers: fast JSON, the v0 error shape and the v1 error body."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

from humeresearch.server._util import request_id as new_request_id

#: HTTP status of every v1 request error code (hume-v1.md section 11).
V1_STATUS: dict[str, int] = {
    "message_invalid": 400,
    "config_invalid": 400,
    "audio_decode_failed": 400,
    "image_decode_failed": 400,
    "invalid_request": 400,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "audio_too_long": 413,
    "image_too_large": 413,
    "unsupported_media_type": 415,
    "internal_error": 500,
    "server_busy": 503,
}


class JSONBytesResponse(Response):
    """JSON response serialised with orjson."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY)


def v1_error(code: str, message: str, *, rid: str | None = None) -> Response:
    """A v1 error: ``{"type": "error", "code", "message", "request_id"}`` with its status."""
    body = {
        "type": "error",
        "code": code,
        "message": message,
        "request_id": rid or new_request_id(),
    }
    return JSONBytesResponse(body, status_code=V1_STATUS[code])


def v0_error(status: int, message: str) -> Response:
    """A v0 error: ``{"message": ...}``."""
    return JSONBytesResponse({"message": message}, status_code=status)
