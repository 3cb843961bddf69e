"""``humeresearch.read``: one entry point for every Hume output."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from humeresearch._build import Builder
from humeresearch._errors import FormatError
from humeresearch._measurements import (
    Measurements,
    check,
    concat,
    empty_measurements,
    new_provenance,
    read_parquet,
)
from humeresearch.readers._registry import FORMATS, detect
from humeresearch.readers._source import Input, to_input

ErrorMode = Literal["raise", "collect"]


def read(
    src: Any,
    *,
    format: str = "auto",
    errors: ErrorMode | None = None,
    progress: bool | None = None,
    **options: Any,
) -> Measurements:
    """Read Hume outputs into the humeresearch data contract.

    Parameters
    ----------
    src : path, bytes, file object, decoded JSON, or a list of paths
        One input (a file path as ``str``/``Path``, its ``bytes``, an open binary
        file, or an already-decoded ``list``/``dict``), or several inputs (a list of
        paths, a folder, or a glob pattern such as ``"jobs/*.json"``).
    format : str, default "auto"
        ``"auto"`` detects the format of each input from its content. Otherwise one
        of the registered formats (see ``humeresearch.readers.FORMATS``), e.g.
        ``"v0-predictions"``.
    errors : {"raise", "collect"}, optional
        What to do with an input that cannot be read. ``"raise"`` (the default for a
        single input) raises :class:`~humeresearch.FormatError`; ``"collect"`` (the
        default for several inputs) records it in the errors table (level
        ``"source"``) and goes on, so that no other input is lost.
    progress : bool, optional
        Show a progress bar over several inputs (default: only when interactive).
    **options
        Passed to the format's reader (for example ``offsets=`` for stream replies).

    Returns
    -------
    Measurements
        The contract tables (``.spans()``, ``.long()``, ``.wide()``, ``.errors()``)
        and the provenance of every input.

    Raises
    ------
    FormatError
        The input is not valid for its format; the message names the input and the
        place of the fault (for example a JSON path).

    Examples
    --------
    >>> import humeresearch as hr
    >>> doc = [{"source": {"type": "text"}, "results": {"errors": [], "predictions": [
    ...     {"file": "text", "models": {"language": {"grouped_predictions": [{"id": "unknown",
    ...      "predictions": [{"text": "Hi", "position": {"begin": 0, "end": 2},
    ...                       "emotions": [{"name": "Joy", "score": 0.5}]}]}]}}}]}}]
    >>> hr.read(doc).spans()[["source", "model", "text", "char_begin", "char_end"]].to_dict("records")
    [{'source': 'text:0', 'model': 'language', 'text': 'Hi', 'char_begin': 0, 'char_end': 2}]
    """
    if format != "auto" and format not in FORMATS:
        raise ValueError(f"format must be 'auto' or one of {sorted(FORMATS)}, got {format!r}")
    if errors not in (None, "raise", "collect"):
        raise ValueError(f"errors must be 'raise' or 'collect', got {errors!r}")
    many = _expand(src)
    if many is None:
        return _read_one(to_input(src), format, options)
    return read_many(many, format=format, errors=errors or "collect", progress=progress, **options)


def read_many(
    paths: Iterable[str | os.PathLike[str]],
    *,
    format: str = "auto",
    errors: ErrorMode = "collect",
    progress: bool | None = None,
    **options: Any,
) -> Measurements:
    """Read several inputs into one :class:`Measurements` (see :func:`read`)."""
    from tqdm.auto import tqdm

    paths = list(paths)
    show = progress if progress is not None else _interactive()
    parts: list[Measurements] = []
    failed: list[dict[str, Any]] = []
    builder = Builder()
    for path in tqdm(paths, desc="reading", unit="file", disable=not show or len(paths) < 2):
        try:
            parts.append(_read_one(to_input(path), format, options))
        except (FormatError, OSError) as exc:
            if errors == "raise":
                raise
            builder.error(os.fspath(path), None, "source", f"unreadable: {exc}")
            failed.append({"path": os.fspath(path), "format": None, "error": str(exc)})
    spans, scores, errs = builder.build()
    if failed:
        parts.append(Measurements(spans, scores, errs, new_provenance(failed)))
    return concat(parts) if parts else empty_measurements()


def _read_one(inp: Input, format: str, options: dict[str, Any]) -> Measurements:
    if inp.path is not None and inp.data is None:  # a folder
        return read_many(_folder(inp.path), format=format, errors="collect", **options)
    if inp.data is not None and inp.data[:4] == b"PAR1" and format in ("auto", "parquet"):
        return read_parquet(inp.path if inp.path is not None else _tmp_parquet(inp.data))
    fmt = FORMATS[format] if format != "auto" else detect(inp)
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise FormatError(inp.name, "", f"not a recognised Hume output (known formats: {known})")
    builder = Builder()
    hashing = _hash_in_background(inp)
    extra = fmt.read(inp, builder, **options) or {}
    if hashing is not None:
        hashing.join()
    spans, scores, errs = builder.build()
    return check(Measurements(spans, scores, errs, new_provenance([inp.record(fmt.name, **extra)])))


def _hash_in_background(inp: Input) -> Any:
    """Hash a large input on the other core while it is decoded (hashlib drops the GIL)."""
    if inp.data is None or len(inp.data) < 1 << 20:
        return None
    import threading

    thread = threading.Thread(target=lambda: inp.sha256, daemon=True)
    thread.start()
    return thread


def _tmp_parquet(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


def _expand(src: Any) -> list[Path] | None:
    """The list of paths when ``src`` names several inputs, else None."""
    if isinstance(src, list | tuple) and src and all(isinstance(s, str | os.PathLike) for s in src):
        out: list[Path] = []
        for s in src:
            out.extend(_expand(s) or [Path(s)])
        return out
    if isinstance(src, str) and any(ch in src for ch in "*?[") and not os.path.exists(src):
        matches = sorted(glob.glob(src, recursive=True))
        if not matches:
            raise FileNotFoundError(f"{src}: no file matches this pattern")
        return [Path(m) for m in matches]
    return None


def _folder(path: Path) -> list[Path]:
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise FileNotFoundError(f"{path}: folder holds no files")
    return files


def _interactive() -> bool:
    import sys

    return bool(getattr(sys.stderr, "isatty", lambda: False)())
