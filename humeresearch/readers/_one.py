"""Reading one input into :class:`Measurements`, in this process or in a worker."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from humeresearch._build import Builder
from humeresearch._gc import paused
from humeresearch._measurements import Measurements, check, new_provenance, read_parquet
from humeresearch.errors import ContractError, FormatError
from humeresearch.readers._registry import FORMATS, detect, detect_folder, options_for
from humeresearch.readers._source import Input, to_input

#: failures of one input that ``errors="collect"`` records instead of raising
UNREADABLE = (FormatError, ContractError, OSError, UnicodeError)


@dataclass(frozen=True)
class Failure:
    """An input that could not be read (picklable, unlike FormatError, for workers).

    ``record`` is its provenance entry: path, name, size, sha256 and the format that
    refused it (None when none recognised it), plus the ``error``.
    """

    path: str
    kind: str
    message: str
    where: tuple[str, str, str] | None = None  # FormatError (input, where, reason)
    record: dict[str, Any] | None = None

    def exception(self) -> Exception:
        """The exception this failure stands for."""
        if self.where is not None:
            return FormatError(*self.where)
        if self.kind == "ContractError":
            return ContractError(self.message)
        if self.kind == "FileNotFoundError":
            return FileNotFoundError(self.message)
        return OSError(self.message)


def read_unit(
    src: Any, format: str, options: dict[str, Any], strict: bool = False
) -> Measurements | Failure:
    """Read one input; an unreadable one gives a :class:`Failure` (also in workers).

    Whatever a format's reader raises on this input is contained: a FormatError,
    ContractError or OSError as itself, any other exception (but MemoryError) as a
    FormatError naming the format, so one bad input of many never stops the others.
    Errors in the call itself (an option no format takes) still raise.
    """
    name = unit_name(src)
    inp: Input | None = None
    try:
        inp = to_input(src)
        return read_one(inp, format, options, strict=strict, contain=True)
    except FormatError as exc:
        where = (exc.input, exc.where, exc.reason)
        return Failure(name, "FormatError", str(exc), where, _failed(inp, name, format, str(exc)))
    except UNREADABLE as exc:
        return Failure(
            name, type(exc).__name__, str(exc), None, _failed(inp, name, format, str(exc))
        )


def unit_name(src: Any) -> str:
    """The name of one input of several: its path as given, or its Input's name."""
    if isinstance(src, str | os.PathLike):
        return os.fspath(src)
    return src.name if isinstance(src, Input) else "<input>"


def read_one(
    inp: Input, format: str, options: dict[str, Any], *, strict: bool, contain: bool = False
) -> Measurements:
    """Read one input with its format (detected for ``"auto"``).

    ``strict``: an option the format does not take is a TypeError (one input read on
    its own); otherwise such options are left out (one of several inputs).
    ``contain``: an exception of the format's reader other than FormatError,
    ContractError, OSError and MemoryError becomes a FormatError naming the input and
    the format (without it, such exceptions propagate unchanged).
    """
    if inp.path is not None and inp.data is None:  # a folder read as one input
        return _read_folder(inp, format, options, strict, contain)
    if inp.data is not None and inp.data[:4] == b"PAR1" and format in ("auto", "parquet"):
        return read_parquet(inp.path if inp.path is not None else io.BytesIO(inp.data))
    fmt = FORMATS[format] if format != "auto" else detect(inp)
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise FormatError(inp.name, "", f"not a recognised Hume output (known formats: {known})")
    taken = options_for(fmt, options, name=inp.name, strict=strict)
    builder = Builder()
    hashing = _hash_in_background(inp)
    with paused(), _contained(inp.name, fmt.name, contain):  # paused: no cycles made here
        extra = fmt.read(inp, builder, **taken) or {}
        if hashing is not None:
            hashing.join()
        spans, scores, errs = builder.build()
    return check(Measurements(spans, scores, errs, new_provenance([inp.record(fmt.name, **extra)])))


def _read_folder(
    inp: Input, format: str, options: dict[str, Any], strict: bool, contain: bool
) -> Measurements:
    assert inp.path is not None
    fmt = detect_folder(inp.path, format)
    if fmt is None or fmt.read_folder is None:  # a plain folder: its files one by one
        from humeresearch.readers._dispatch import read_many

        return read_many([inp.path], format=format, errors="raise", **options)
    taken = options_for(fmt, options, name=inp.name, strict=strict)
    builder = Builder()
    with _contained(inp.name, fmt.name, contain):
        extra = fmt.read_folder(inp.path, builder, **taken)
        spans, scores, errs = builder.build()
    record = {**inp.record(fmt.name), **{k: v for k, v in extra.items() if v is not None}}
    return check(Measurements(spans, scores, errs, new_provenance([record])))


@contextmanager
def _contained(name: str, fmt: str, contain: bool) -> Iterator[None]:
    """Turn an unexpected exception of a format's reader into a FormatError."""
    try:
        yield
    except (FormatError, ContractError, OSError, MemoryError):
        raise
    except Exception as exc:
        if not contain:
            raise
        reason = f"the {fmt} reader failed ({type(exc).__name__}: {exc})"
        raise FormatError(name, "", reason) from exc


def _failed(inp: Input | None, name: str, format: str, message: str) -> dict[str, Any]:
    """The complete provenance entry of an input that could not be read."""
    if inp is None:  # not even opened
        record = {"path": name, "name": name, "size": None, "sha256": None, "format": None}
        return {**record, "error": message}
    fmt = None
    if format != "auto":
        fmt = format
    elif inp.data is not None and inp.data[:4] == b"PAR1":
        fmt = "parquet"
    else:
        found = detect_folder(inp.path) if inp.data is None and inp.obj is None else detect(inp)
        fmt = found.name if found is not None else None
    return {**inp.record(fmt), "error": message}


def failures(failed: list[Failure]) -> Measurements:
    """Measurements holding only the errors-table rows of unreadable inputs."""
    builder = Builder()
    for f in failed:
        builder.error(f.path, None, "source", f"unreadable: {f.message}")
    spans, scores, errs = builder.build()
    records = [f.record or {"path": f.path, "format": None, "error": f.message} for f in failed]
    return Measurements(spans, scores, errs, new_provenance(records))


def block_keys(m: Measurements) -> list[tuple[str, str, str, str]]:
    """The (source, file, model, track) blocks of ``m``."""
    s = m.spans()
    if not len(s):
        return []
    blocks = s[["source", "file", "model", "track"]].astype(str).drop_duplicates()
    return list(blocks.itertuples(index=False, name=None))


def _hash_in_background(inp: Input) -> threading.Thread | None:
    """Hash a large input on the other core while it is decoded (hashlib drops the GIL)."""
    if inp.data is None or len(inp.data) < 1 << 20:
        return None
    thread = threading.Thread(target=lambda: inp.sha256, daemon=True)
    thread.start()
    return thread
