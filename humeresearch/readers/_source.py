"""Normalising what a user passes to :func:`humeresearch.read` into an :class:`Input`."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from humeresearch.errors import FormatError


@dataclass
class Input:
    """One input: its display name, its bytes or an already-decoded object.

    Exactly one of ``data`` and ``obj`` is set. ``path`` is set when the input is a
    file on disk.
    """

    name: str
    data: bytes | None = None
    obj: Any = None
    path: Path | None = None
    member: str | None = None  # inside an archive
    _sha: str | None = field(default=None, repr=False)

    @property
    def sha256(self) -> str:
        if self._sha is None:
            payload = self.data if self.data is not None else _canonical(self.obj)
            self._sha = hashlib.sha256(payload).hexdigest()
        return self._sha

    @property
    def size(self) -> int | None:
        return len(self.data) if self.data is not None else None

    def record(self, fmt: str | None, **extra: Any) -> dict[str, Any]:
        """The provenance record of this input (a folder has no size or sha256 of its own)."""
        folder = self.data is None and self.obj is None and self.path is not None
        rec: dict[str, Any] = {
            "path": os.fspath(self.path) if self.path is not None else None,
            "name": self.name,
            "size": self.size,
            "sha256": None if folder else self.sha256,
            "format": fmt,
        }
        rec.update({k: v for k, v in extra.items() if v is not None})
        return rec


def _canonical(obj: Any) -> bytes:
    try:
        return msgspec.json.encode(obj, order="sorted")
    except (TypeError, msgspec.EncodeError):
        return repr(obj).encode()


def to_input(src: Any, *, name: str | None = None) -> Input:
    """Turn a path, bytes, a file object or a decoded object into an :class:`Input`.

    ``name`` names bytes, file objects and decoded objects (default ``<bytes>``, the
    file object's name or ``<file>``, ``<object>``). A path that is neither a regular
    file nor a folder (a FIFO, a device, a socket) is refused before it is opened:
    reading it could block forever or never end.
    """
    if isinstance(src, Input):
        return src
    if isinstance(src, str | os.PathLike):
        return _from_path(Path(src), os.fspath(src))
    if isinstance(src, bytes | bytearray | memoryview):
        return Input(name=name or "<bytes>", data=bytes(src))
    if hasattr(src, "read"):
        own = getattr(src, "name", None)
        data = src.read()
        if isinstance(data, str):
            data = data.encode()
        label = os.fspath(own) if isinstance(own, str | os.PathLike) else "<file>"
        return Input(name=name or label, data=data)
    return Input(name=name or "<object>", obj=src)


def _from_path(path: Path, name: str) -> Input:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise FileNotFoundError(f"{name}: no such file or directory") from None
    if stat.S_ISDIR(mode):
        return Input(name=name, path=path)
    if not stat.S_ISREG(mode):
        raise FormatError(name, "", f"not a regular file or folder ({_kind(mode)}); not read")
    return Input(name=name, data=path.read_bytes(), path=path)


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"))
    kinds += ((stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((label for test, label in kinds if test(mode)), "a special file")
