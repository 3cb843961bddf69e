"""Streaming ``multipart/form-data`` reading with a size limit, keeping every part's raw bytes.

Starlette's form parser decodes parts without a filename as text, but the v1 SDK sends
binary audio in exactly such a part, and the v0 SDKs send the ``json`` configuration
either as a plain field or as a file part; so parts are kept as bytes with their name,
filename and content type, built on python-multipart's low-level parser.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

try:  # python-multipart >= 0.0.13
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import MultipartParser, parse_options_header
except ImportError:  # pragma: no cover - older python-multipart
    from multipart.exceptions import MultipartParseError
    from multipart.multipart import MultipartParser, parse_options_header


@dataclass(frozen=True)
class Part:
    """One part of a multipart body."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes


class MultipartError(ValueError):
    """The body is not readable multipart/form-data."""


class BodyTooLarge(ValueError):
    """The body exceeds the endpoint's size limit."""


def _decode(value: bytes) -> str:
    return value.decode("utf-8", errors="replace")


class _Collector:
    """The parser's callbacks: they collect the parts as they stream by."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.ended = False
        self._headers: dict[bytes, bytes] = {}
        self._data: list[bytes] = []
        self._field = bytearray()
        self._value = bytearray()

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": lambda data, start, end: self._field.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._value.extend(data[start:end]),
            "on_header_end": self.on_header_end,
            "on_part_data": lambda data, start, end: self._data.append(data[start:end]),
            "on_part_end": self.on_part_end,
            "on_end": self.on_end,
        }

    def on_part_begin(self) -> None:
        self._headers, self._data = {}, []

    def on_header_end(self) -> None:
        self._headers[bytes(self._field).lower()] = bytes(self._value)
        self._field.clear()
        self._value.clear()

    def on_part_end(self) -> None:
        disposition = self._headers.get(b"content-disposition", b"")
        _, options = parse_options_header(disposition)
        name = options.get(b"name")
        if name is None:
            raise MultipartError("a part has no name in its Content-Disposition header")
        filename = options.get(b"filename")
        ctype_raw = self._headers.get(b"content-type")
        self.parts.append(
            Part(
                name=_decode(name),
                filename=None if filename is None else _decode(filename),
                content_type=None if ctype_raw is None else _decode(ctype_raw).strip(),
                data=b"".join(self._data),
            )
        )

    def on_end(self) -> None:
        self.ended = True


def check_declared_size(request: Any, *, max_bytes: int) -> None:
    """Refuse a declared ``Content-Length`` over ``max_bytes`` before reading any of the body."""
    declared = request.headers.get("content-length")
    if declared is None:
        return
    if not declared.strip().isdigit():
        raise MultipartError(f"Content-Length {declared!r} is not a number of bytes")
    if int(declared) > max_bytes:
        raise BodyTooLarge(f"the body is {int(declared)} bytes, over the {max_bytes}-byte limit")


async def limited_chunks(request: Any, *, max_bytes: int) -> AsyncIterator[bytes]:
    """The body's chunks; stops reading (``BodyTooLarge``) as soon as ``max_bytes`` is passed."""
    check_declared_size(request, max_bytes=max_bytes)
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > max_bytes:
            raise BodyTooLarge(f"the body exceeds the {max_bytes}-byte limit")
        if chunk:
            yield chunk


async def read_body(request: Any, *, max_bytes: int) -> bytes:
    """The whole body of ``request``, refused (``BodyTooLarge``) past ``max_bytes``."""
    return b"".join([chunk async for chunk in limited_chunks(request, max_bytes=max_bytes)])


async def read_multipart(request: Any, *, max_bytes: int) -> list[Part]:
    """Read every part of ``request`` (a Starlette request), at most ``max_bytes`` of body."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or not params.get(b"boundary"):
        raise MultipartError("the body must be multipart/form-data with a boundary")
    collector = _Collector()
    parser = MultipartParser(params[b"boundary"], collector.callbacks())
    try:
        async for chunk in limited_chunks(request, max_bytes=max_bytes):
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise MultipartError(f"the multipart body is unreadable: {exc}") from None
    if not collector.ended:
        raise MultipartError("the multipart body ends before its closing boundary")
    return collector.parts
