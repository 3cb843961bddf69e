"""Turning JSON decoding and validation failures into :class:`FormatError`."""

from __future__ import annotations

import re
from typing import Any

import msgspec
import numpy as np
import orjson

from humeresearch.errors import FormatError
from humeresearch.readers._limits import LIMITS

_AT = re.compile(r"^(?P<reason>.*?)(?: - at `\$(?P<path>.*)`)?$", re.S)
_TOKEN = re.compile(r"\[(\d+)\]|\.([^.\[]+)|\[\"((?:[^\"\\]|\\.)*)\"\]|(\[\.\.\.\])")
_TYPES = {
    "float": "a number",
    "int": "an integer",
    "str": "a string",
    "bool": "a boolean",
    "array": "an array",
    "object": "an object",
    "null": "null",
}
_BYTE = re.compile(r"\(byte (\d+)\)")


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_QUOTE, _OPEN, _CLOSE = ord('"'), frozenset(b"[{"), frozenset(b"]}")
_KEEP = bytes(range(256)).translate(None, b'[]{}"')  # every byte but brackets and quotes


def json_prefix(prefix: bytes) -> bytes:
    """The first bytes of a JSON input as UTF-8 (for sniffing): BOM stripped, UTF-16 decoded."""
    for bom, codec in _BOMS:
        if prefix.startswith(bom):
            rest = prefix[len(bom) :]
            if codec == "utf-8":
                return rest
            return rest[: len(rest) & ~1].decode(codec, errors="ignore").encode()
    return prefix


def utf8(name: str, data: bytes) -> bytes:
    """JSON bytes as UTF-8: a UTF-8 BOM is stripped, UTF-16 with a BOM is transcoded.

    Raises
    ------
    FormatError
        UTF-16 text that does not decode.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            if codec == "utf-8":
                return data[len(bom) :]
            try:
                return data[len(bom) :].decode(codec).encode()
            except UnicodeDecodeError as exc:
                raise FormatError(
                    name, f"byte {exc.start + len(bom)}", f"invalid {codec}"
                ) from None
    return data


def check_depth(name: str, data: bytes) -> None:
    """Refuse JSON nested deeper than ``LIMITS.max_json_depth`` (before decoding it).

    Strings are skipped (their escaped backslashes and quotes removed first), so a
    bracket inside a string does not count.
    """
    limit = LIMITS.max_json_depth
    if data.count(b"[") + data.count(b"{") <= limit:
        return
    text = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = np.frombuffer(text.translate(None, _KEEP), dtype=np.uint8)
    quote = marks == _QUOTE
    outside = (np.cumsum(quote) & 1) == 0
    step = np.where(outside & ((marks == 91) | (marks == 123)), 1, 0).astype(np.int32)
    step -= (outside & ((marks == 93) | (marks == 125))).astype(np.int32)
    depth = np.cumsum(step, dtype=np.int32)
    if len(depth) and int(depth.max()) > limit:
        raise LIMITS.refuse(name, "", "max_json_depth", f"JSON nested {int(depth.max())} deep")


def json_bytes(name: str, data: bytes) -> bytes:
    """:func:`utf8` then :func:`check_depth`: what every JSON reader decodes."""
    data = utf8(name, data)
    check_depth(name, data)
    return data


def _describe(types: str) -> str:
    parts = [_TYPES.get(t.strip(), t.strip()) for t in types.split("|")]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def walk(obj: Any, path: str) -> Any:
    """Follow a ``[0].a.b[3]`` path into a decoded object (``...`` when it fails)."""
    for index, key, quoted, _ in _TOKEN.findall(path):
        try:
            obj = obj[int(index)] if index else obj[key or quoted]
        except (KeyError, IndexError, TypeError):
            return ...
    return obj


def resolve_keys(obj: Any, path: str, bad: Any) -> str:
    """Replace msgspec's ``[...]`` (an unnamed mapping key) by the key whose subtree
    holds the faulty value (``bad(value) -> bool`` says which value is faulty)."""
    head, sep, rest = path.partition("[...]")
    if not sep:
        return path
    container = walk(obj, head)
    if isinstance(container, dict):
        for key in container:
            sub = resolve_keys(container[key], rest, bad)
            value = walk(container[key], sub)
            if value is not ... and bad(value):
                return f"{head}.{key}{sub}"
    return path


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return "array" if isinstance(value, list) else "object"


def _show(value: Any) -> str:
    if value is ...:
        return "something else"
    text = orjson.dumps(value).decode() if not isinstance(value, bytes) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def format_error(
    name: str, exc: Exception, *, data: bytes | None = None, obj: Any = None, prefix: str = ""
) -> FormatError:
    """A :class:`FormatError` for a msgspec failure, with the JSON path of the fault.

    ``prefix`` is prepended to the path (for documents nested in a larger input).
    """
    text = str(exc)
    if isinstance(exc, msgspec.DecodeError) and not isinstance(exc, msgspec.ValidationError):
        if "truncated" in text:
            return FormatError(name, prefix, "invalid JSON: the input ends early (truncated?)")
        where = prefix
        byte = _BYTE.search(text)
        if byte and data is not None:
            pos = int(byte.group(1))
            line = data.count(b"\n", 0, pos) + 1
            col = pos - (data.rfind(b"\n", 0, pos) + 1) + 1
            where = f"{prefix} " if prefix else ""
            where += f"line {line}, column {col} (byte {pos})"
        reason = _BYTE.sub("", text).replace("JSON is malformed: ", "").strip()
        return FormatError(name, where, f"invalid JSON: {reason}")
    match = _AT.match(text)
    reason = match.group("reason") if match else text
    path = match.group("path") if match and match.group("path") is not None else ""
    expected = re.match(r"Expected `([^`]*)`, got `([^`]*)`", reason)
    if (expected or "[...]" in path) and obj is None and data is not None:
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError:
            obj = None
    if "[...]" in path and obj is not None:
        got = expected.group(2) if expected else None
        path = resolve_keys(obj, path, lambda v: got is None or _json_type(v) == got)
    if expected:
        value = walk(obj, path) if obj is not None else ...
        reason = f"expected {_describe(expected.group(1))}, got {_show(value)}"
    missing = re.match(r"Object missing required field `([^`]*)`", reason)
    if missing:
        reason = f"missing required field {missing.group(1)!r}"
    where = (prefix + path).lstrip(".") if not prefix else prefix + path
    return FormatError(name, where or "(top level)", reason)
