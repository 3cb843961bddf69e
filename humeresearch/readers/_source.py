"""Normalising what a user passes to :func:`humeresearch.read` into an :class:`Input`."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec


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

    def record(self, fmt: str, **extra: Any) -> dict[str, Any]:
        """The provenance record of this input."""
        rec: dict[str, Any] = {
            "path": os.fspath(self.path) if self.path is not None else None,
            "name": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "format": fmt,
        }
        rec.update({k: v for k, v in extra.items() if v is not None})
        return rec


def _canonical(obj: Any) -> bytes:
    try:
        return msgspec.json.encode(obj, order="sorted")
    except (TypeError, msgspec.EncodeError):
        return repr(obj).encode()


def to_input(src: Any) -> Input:
    """Turn a path, bytes, a file object or a decoded object into an :class:`Input`."""
    if isinstance(src, Input):
        return src
    if isinstance(src, str | os.PathLike):
        path = Path(src)
        name = os.fspath(src)
        if not path.exists():
            raise FileNotFoundError(f"{name}: no such file or directory")
        if path.is_dir():
            return Input(name=name, path=path)
        return Input(name=name, data=path.read_bytes(), path=path)
    if isinstance(src, bytes | bytearray | memoryview):
        return Input(name="<bytes>", data=bytes(src))
    if hasattr(src, "read"):
        name = getattr(src, "name", None)
        data = src.read()
        if isinstance(data, str):
            data = data.encode()
        return Input(
            name=os.fspath(name) if isinstance(name, str | os.PathLike) else "<file>", data=data
        )
    return Input(name="<object>", obj=src)
