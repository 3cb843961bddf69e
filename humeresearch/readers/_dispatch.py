"""``humeresearch.read``: one entry point for every Hume output."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from humeresearch._measurements import Measurements, concat, empty_measurements
from humeresearch._tables import check_option
from humeresearch.define import ERROR_MODES, EXECUTORS, ErrorMode, Executor
from humeresearch.errors import ContractError
from humeresearch.readers import _many
from humeresearch.readers._one import Failure, block_keys, failures, read_one, read_unit
from humeresearch.readers._registry import FORMATS, check_options, detect_folder
from humeresearch.readers._source import to_input


def read(
    src: Any,
    *,
    format: str = "auto",
    errors: ErrorMode | None = None,
    progress: bool | None = None,
    workers: int | None = None,
    executor: Executor = "thread",
    **options: Any,
) -> Measurements:
    """Read Hume outputs into the humeresearch data contract.

    Parameters
    ----------
    src : path, bytes, file object, decoded JSON, SDK object, or several paths
        One input (a file path, its ``bytes``, an open binary file, a decoded
        ``list``/``dict``, SDK objects), or several (a list of paths, a folder, a glob
        such as ``"jobs/*.json"``). A folder holding an unpacked artifacts zip, stream
        replies or v1 realtime messages is one input; any other folder is read file by
        file (recursively; hidden files and face crops skipped).
    format : str, default "auto"
        ``"auto"`` detects each input's format from its content; else one of
        :data:`humeresearch.readers.FORMATS`.
    errors : {"raise", "collect"}, optional
        An unreadable input (or one whose spans clash with an input read before it):
        ``"raise"`` (default for one input) raises; ``"collect"`` (default for several)
        records it in the errors table (level ``"source"``, message ``"unreadable:
        <reason>"``) and the provenance, and goes on.
    progress : bool, optional
        Show a progress bar over several inputs (default: only when interactive).
    workers : int, optional
        Read several inputs with this many workers; results equal sequential reading.
    executor : {"thread", "process"}, default "thread"
        The kind of worker (processes pay for sending tables back: prefer threads).
    **options
        Options of the formats: ``source=`` (the source name), ``file=`` and
        ``sources=`` (folder or basename -> source) for artifacts and CSVs,
        ``offsets=`` (v0 stream replies on one clock), ``fps=`` or ``frame_times=``
        (v1 video). An option no format takes, or that one input's format does not
        take, is a TypeError.

    Returns
    -------
    Measurements
        The contract tables (``.spans()``, ``.long()``, ``.wide()``, ``.errors()``)
        and the provenance of every input.

    Raises
    ------
    FormatError
        An input is not valid for its format; the message names it and the place of
        the fault (a JSON path, a CSV row and column, a zip member).

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
    _check_args("read", format, errors, workers, executor, options)
    many = _many.expand(src)
    if many is None and isinstance(src, str | os.PathLike) and Path(src).is_dir():
        if detect_folder(Path(src), format) is None:
            many = _many.units(Path(src))
    if many is not None:
        pool = {"progress": progress, "workers": workers, "executor": executor}
        return read_many(many, format=format, errors=errors or "collect", **pool, **options)
    if errors == "collect":
        outcome = read_unit(src, format, options, strict=True)
        return failures([outcome]) if isinstance(outcome, Failure) else outcome
    return read_one(to_input(src), format, options, strict=True)


def read_many(
    paths: Iterable[str | os.PathLike[str]],
    *,
    format: str = "auto",
    errors: ErrorMode = "collect",
    progress: bool | None = None,
    workers: int | None = None,
    executor: Executor = "thread",
    **options: Any,
) -> Measurements:
    """Read several inputs into one :class:`Measurements` (see :func:`read`).

    Folders among ``paths`` are expanded as :func:`read` does. Parameters are those
    of :func:`read`; ``errors`` defaults to ``"collect"``. Each input gets the options
    its format takes.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import humeresearch as hr
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "a.json").write_text('[{"source": {"type": "url", "url": "u"}, "error": "404"}]')
    >>> _ = (tmp / "b.json").write_text('[{"source": ')
    >>> m = hr.readers.read_many([tmp / "a.json", tmp / "b.json"], progress=False)
    >>> m.errors()["level"].tolist()
    ['source', 'source']
    """
    _check_args("read_many", format, errors, workers, executor, options)
    units: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir() and detect_folder(path, format) is None:
            units.extend(_many.units(path))
        else:
            units.append(path)
    show = progress if progress is not None else _many.interactive()
    outcomes = _many.run(
        units, format, options, workers, executor, show and len(units) > 1, errors == "raise"
    )
    return _combine(units, outcomes, errors)


def _combine(
    units: list[Path], outcomes: list[Measurements | Failure], errors: ErrorMode
) -> Measurements:
    """One Measurements of every outcome; failures and clashing inputs raise or are recorded."""
    parts: list[Measurements] = []
    failed: list[Failure] = []
    seen: dict[tuple[str, str, str, str], str] = {}
    for unit, outcome in zip(units, outcomes, strict=False):  # shorter after a stop
        if isinstance(outcome, Failure):
            if errors == "raise":
                raise outcome.exception()
            failed.append(outcome)
            continue
        keys = block_keys(outcome)
        clash = next((k for k in keys if k in seen), None)
        if clash is not None:
            blocks = dict(zip(("source", "file", "model", "track"), clash, strict=True))
            message = f"{os.fspath(unit)}: its spans {blocks} were already read from {seen[clash]}"
            if errors == "raise":
                raise ContractError(message)
            failed.append(Failure(os.fspath(unit), "ContractError", message))
            continue
        seen.update(dict.fromkeys(keys, os.fspath(unit)))
        parts.append(outcome)
    if failed:
        parts.append(failures(failed))
    return concat(parts) if parts else empty_measurements()


def _check_args(
    func: str, format: str, errors: Any, workers: Any, executor: Any, options: dict[str, Any]
) -> None:
    check_option(format, ("auto", *FORMATS), name="format", func=func)
    if errors is not None:
        check_option(errors, ERROR_MODES, name="errors", func=func)
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ValueError(f"{func}: workers must be a positive integer or None; got {workers!r}")
    check_option(executor, EXECUTORS, name="executor", func=func)
    check_options(options, format, func=func)
