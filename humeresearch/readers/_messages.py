"""Lists of JSON messages (stream replies, realtime logs): a JSON array, JSON Lines,
a single object, or a folder of JSON files; plus stream naming shared by their readers."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

import msgspec

from humeresearch.errors import FormatError
from humeresearch.readers._json import format_error, json_bytes
from humeresearch.readers._source import Input


def decode_messages(inp: Input) -> tuple[list[Any], list[str]]:
    """The messages of an input and the JSON path prefix of each (``[3]`` or ``line 4``).

    A single object is one message; an array holds one message per item; JSON Lines
    hold one per non-empty line. Every message must be an object.
    """
    if inp.data is None:
        obj = inp.obj
        items = obj if isinstance(obj, list) else [obj]
        paths = [f"[{i}]" for i in range(len(items))] if isinstance(obj, list) else [""]
    else:
        data = json_bytes(inp.name, inp.data)
        try:
            obj = msgspec.json.decode(data)
            items = obj if isinstance(obj, list) else [obj]
            paths = [f"[{i}]" for i in range(len(items))] if isinstance(obj, list) else [""]
        except msgspec.DecodeError as exc:
            lines = data.splitlines()
            if len([ln for ln in lines if ln.strip()]) < 2:
                raise format_error(inp.name, exc, data=data) from None
            items, paths = [], []
            for k, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    items.append(msgspec.json.decode(line))
                except msgspec.DecodeError as err:
                    reason = str(err).replace("JSON is malformed: ", "")
                    raise FormatError(inp.name, f"line {k}", f"invalid JSON: {reason}") from None
                paths.append(f"line {k}")
    for item, path in zip(items, paths, strict=True):
        if not isinstance(item, dict):
            raise FormatError(inp.name, path or "(top level)", "expected a JSON object (a message)")
    return items, paths


def stream_name(inp: Input, source: str | None, default: str) -> str:
    """The stream's name: ``source=`` if given, else the file name without its extension
    (``session_3.jsonl`` -> ``session_3``), else ``default`` (bytes, decoded objects).

    The rule of every format whose content does not name the recording (see
    docs/api/reading.md, "Source names").
    """
    if source is not None:
        if not isinstance(source, str) or not source:
            raise ValueError(f"source must be a non-empty string, got {source!r}")
        return source
    base = inp.path.name if inp.path is not None else None
    if base is None and inp.name and not inp.name.startswith("<"):
        base = os.path.basename(inp.name)
    if not base:
        return default
    stem, _, ext = base.rpartition(".")
    return stem if stem and ext else base


def _natural(path: Path) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name)]


def folder_messages(path: Path, sniff: Any) -> list[Path] | None:
    """The JSON files of ``path`` in natural order when all of them pass ``sniff``."""
    files = sorted(
        (p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")), key=_natural
    )
    if not files or any(p.suffix.lower() not in (".json", ".jsonl") for p in files):
        return None
    for p in files:
        with p.open("rb") as fh:
            if not sniff(fh.read(4096)):
                return None
    return files


def read_files(files: list[Path]) -> tuple[list[Any], list[str], int, str]:
    """Messages of several JSON files: items, paths (``file.json[2]``), total size, sha256.

    The sha256 is taken over every file's name and sha256, in order.
    """
    items: list[Any] = []
    paths: list[str] = []
    digest = hashlib.sha256()
    size = 0
    for p in files:
        data = p.read_bytes()
        size += len(data)
        digest.update(p.name.encode() + b"\0" + hashlib.sha256(data).digest())
        got, where = decode_messages(Input(name=os.fspath(p), data=data, path=p))
        items.extend(got)
        paths.extend(f"{p.name} {w}".rstrip() for w in where)
    return items, paths, size, digest.hexdigest()
