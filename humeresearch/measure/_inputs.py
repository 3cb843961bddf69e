"""What ``measure`` is given: files, folders, globs, URLs and texts, each with a content hash."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union

from humeresearch.wire import content_hash

#: suffixes of the media files a folder contributes (other files are left out).
MEDIA_SUFFIXES = frozenset(
    ".wav .mp3 .flac .ogg .oga .opus .m4a .aac .wma .aif .aiff "
    ".mp4 .m4v .mov .mkv .webm .avi .mpg .mpeg .wmv .3gp "
    ".jpg .jpeg .png .bmp .gif .webp .tif .tiff".split()
)

Kind = Literal["file", "url", "text"]


@dataclass(frozen=True)
class Text:
    """A text to measure (v0 ``language`` and ``ner``), told apart from a path.

    Parameters
    ----------
    text : str
        The text.
    name : str, optional
        Its source name in the results (default ``text:<first 12 hex of its hash>``).

    Examples
    --------
    >>> Text("I am glad.").name is None
    True
    """

    text: str
    name: str | None = None


InputLike = Union[str, "os.PathLike[str]", Text]
"""One input: a path, folder or glob, an ``http(s)://`` URL, or a :class:`Text`."""


@dataclass(frozen=True)
class Item:
    """One input to measure.

    Attributes
    ----------
    name : str
        Its source name in the results (the path as given, the URL, or the text's name).
    kind : {"file", "url", "text"}
    value : str
        The path, URL or text.
    content_hash : str
        :func:`humeresearch.wire.content_hash` of the file's bytes, the URL or the text.
    """

    name: str
    kind: Kind
    value: str
    content_hash: str


def is_url(value: str) -> bool:
    """Whether ``value`` is an ``http(s)://`` URL."""
    return value.startswith(("http://", "https://"))


def file_hash(path: str | os.PathLike[str]) -> str:
    """The content hash of a file: :func:`content_hash` of ``None`` and its bytes."""
    return content_hash(None, [Path(path).read_bytes()])


def _files(value: str) -> list[Path]:
    path = Path(value)
    if path.is_file():
        return [path]
    if path.is_dir():
        found = (
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in MEDIA_SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        return sorted(found)
    if glob.has_magic(value):
        return [p for m in sorted(glob.glob(value, recursive=True)) for p in _files(m)]
    raise FileNotFoundError(f"measure: no such file, folder or glob match: {value!r}")


def find_files(pattern: str) -> list[Path]:
    """The media files a file, folder or glob names, as ``measure`` finds them.

    A folder is searched recursively for media files (hidden folders skipped); a glob
    may use ``**``.

    Parameters
    ----------
    pattern : str
        A file, a folder or a glob pattern.

    Returns
    -------
    list of Path
        The files, sorted.

    Raises
    ------
    FileNotFoundError
        When nothing matches.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("a.wav", "b.mp4", "notes.txt"):
    ...     _ = (folder / name).write_bytes(b"")
    >>> [p.name for p in find_files(str(folder))]
    ['a.wav', 'b.mp4']
    """
    return _files(pattern)


def expand(inputs: InputLike | Iterable[InputLike]) -> list[Item]:
    """The inputs as :class:`Item`\\ s, in order, each content measured once.

    Examples
    --------
    >>> [(i.kind, i.name) for i in expand(["https://x.org/a.mp4", Text("Hi.", name="t1")])]
    [('url', 'https://x.org/a.mp4'), ('text', 't1')]
    """
    if isinstance(inputs, (str, os.PathLike, Text)):
        inputs = [inputs]
    items: list[Item] = []
    seen: set[str] = set()
    for raw in inputs:
        for item in _items(raw):
            if item.content_hash not in seen:
                seen.add(item.content_hash)
                items.append(item)
    return items


def _items(raw: Any) -> list[Item]:
    if isinstance(raw, Text):
        digest = content_hash({"text": raw.text}, [])
        return [Item(raw.name or f"text:{digest[:12]}", "text", raw.text, digest)]
    if not isinstance(raw, (str, os.PathLike)):
        raise TypeError(f"measure: an input must be a path, URL or Text, got {type(raw).__name__}")
    value = os.fspath(raw)
    if is_url(value):
        return [Item(value, "url", value, content_hash({"url": value}, []))]
    return [Item(p.as_posix(), "file", os.fspath(p), file_hash(p)) for p in _files(value)]


def short(digest: str) -> str:
    """The first 16 hex digits of a hash (folder names)."""
    return digest[:16]
