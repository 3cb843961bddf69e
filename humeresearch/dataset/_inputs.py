"""The inputs of :func:`to_dataset`: expanded one by one, hashed before they are read."""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from humeresearch._measurements import Measurements

#: the combined result of ``measure(project=...)`` inside a project folder
PROJECT_RESULT = "measurements.parquet"
_CHUNK = 1 << 22


@dataclass(frozen=True)
class Unit:
    """One input: what to read, the name to report and the sha256 of its content."""

    src: Any
    name: str

    def sha256(self) -> str:
        """sha256 of the content: file bytes, a folder's files, JSON or a table."""
        src = self.src
        if isinstance(src, Path):
            return _hash_folder(src) if src.is_dir() else _hash_file(src)
        if isinstance(src, bytes | bytearray | memoryview):
            return hashlib.sha256(bytes(src)).hexdigest()
        if isinstance(src, Measurements):
            return _hash_measurements(src)
        return hashlib.sha256(orjson.dumps(src, option=orjson.OPT_SORT_KEYS)).hexdigest()

    def read(self, *, format: str, options: dict[str, Any]) -> Measurements:
        """The measurements of this input (one :func:`humeresearch.read` call)."""
        from humeresearch._measurements import read_parquet
        from humeresearch.readers import read

        if isinstance(self.src, Measurements):
            return self.src
        if isinstance(self.src, Path) and self.src.suffix.lower() in (".parquet", ".pq"):
            return read_parquet(self.src)
        return read(self.src, format=format, errors="raise", progress=False, **options)


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _hash_folder(path: Path) -> str:
    """sha256 over the sorted (relative path, sha256) of every file of a folder input."""
    h = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        h.update(file.relative_to(path).as_posix().encode() + b"\0")
        h.update(_hash_file(file).encode())
    return h.hexdigest()


def _hash_measurements(m: Measurements) -> str:
    h = hashlib.sha256()
    for table in (m.spans(), m.long()):
        h.update(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
    return h.hexdigest()


def _is_folder_input(path: Path) -> bool:
    """Whether a folder is one input of a folder format (unpacked artifacts, stream replies)."""
    from humeresearch.readers import FORMATS

    return any(fmt.folder is not None and fmt.folder(path) for fmt in FORMATS.values())


def _folder(path: Path) -> Iterator[Unit]:
    """A measure project (its result), a folder input, or the inputs of a plain folder."""
    if (path / PROJECT_RESULT).is_file() and any(path.glob("*.sqlite*")):
        yield Unit(path / PROJECT_RESULT, str(path / PROJECT_RESULT))
        return
    if _is_folder_input(path):
        yield Unit(path, str(path))
        return
    for child in sorted(path.iterdir()):
        if child.name.startswith("."):
            continue
        if child.is_dir():
            yield from _folder(child)
        elif child.is_file():
            yield Unit(child, str(child))


def _one(src: Any, position: int) -> Iterator[Unit]:
    if isinstance(src, str | os.PathLike):
        text = os.fspath(src)
        if isinstance(src, str) and any(ch in text for ch in "*?[") and not os.path.exists(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise FileNotFoundError(f"to_dataset: {text}: no file matches this pattern")
            for m in matches:
                yield from _one(Path(m), position)
            return
        path = Path(text)
        if path.is_dir():
            yield from _folder(path)
        elif path.is_file():
            yield Unit(path, text)
        else:
            raise FileNotFoundError(f"to_dataset: {text}: no such file or folder")
    elif isinstance(src, Measurements):
        yield Unit(src, f"<measurements {position}>")
    elif isinstance(src, bytes | bytearray | memoryview):
        yield Unit(bytes(src), f"<bytes {position}>")
    else:
        yield Unit(src, f"<object {position}>")


def units(inputs: Any) -> Iterator[Unit]:
    """Every input of ``inputs``, lazily, in order.

    ``inputs`` is one input or a list of them: paths (files, folders, globs), bytes,
    :class:`~humeresearch.Measurements`; a list holding anything else is one decoded
    JSON document, as :func:`humeresearch.read` takes it.
    """
    many = isinstance(inputs, list | tuple) and all(
        isinstance(s, str | os.PathLike | bytes | bytearray | Measurements) for s in inputs
    )
    for i, src in enumerate(inputs if many else [inputs]):
        yield from _one(src, i)
