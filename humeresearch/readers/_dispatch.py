"""``humeresearch.read``: one entry point for every Hume output."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from humeresearch._measurements import Measurements, concat, empty_measurements
from humeresearch._tables import check_option
from humeresearch.define import ERROR_MODES, EXECUTORS, ErrorMode, Executor
from humeresearch.errors import ContractError, PseudoReplicationWarning
from humeresearch.readers import _duplicates, _many
from humeresearch.readers._many import Unit
from humeresearch.readers._one import (
    Failure,
    block_keys,
    failures,
    read_one,
    read_unit,
    unit_name,
)
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
    src : path, bytes, file object, decoded JSON, SDK object, or several inputs
        One input (a file path, its ``bytes``, an open binary file, a decoded
        ``list``/``dict``, SDK objects), or several: a list of paths, bytes or open
        binary files (bytes are named ``<bytes 0>``, ``<bytes 1>``... by position), a
        dict of name -> bytes (the names used as file names would be), a folder, a glob
        such as ``"jobs/*.json"``. A folder holding an unpacked artifacts zip, stream
        replies or v1 realtime messages is one input; any other folder is read file by
        file (recursively; hidden files and face crops skipped). A path that is not a
        regular file or folder (a FIFO, a device) is refused without being opened.
    format : str, default "auto"
        ``"auto"`` detects each input's format from its content; else one of
        :data:`humeresearch.readers.FORMATS`.
    errors : {"raise", "collect"}, optional
        An unreadable input (or one whose spans clash with an input kept before it):
        ``"raise"`` (default for one input) raises; ``"collect"`` (default for several)
        records it in the errors table (level ``"source"``, message ``"unreadable:
        <reason>"``) and in its provenance entry (``error``), and goes on, whatever the
        reader raised (an unexpected exception becomes a FormatError naming the format).
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
        and the provenance of every input: ``path``, ``name``, ``size``, ``sha256``,
        ``format`` (the format that read it, or refused it), plus ``error`` for an
        unreadable input and ``duplicate_of`` for a duplicate.

    Raises
    ------
    FormatError
        An input is not valid for its format; the message names it and the place of
        the fault (a JSON path, a CSV row and column, a zip member).

    Notes
    -----
    **One recording, several forms.** Among several inputs, the same job saved in
    several forms (``predictions.json`` beside its ``artifacts.zip`` or CSVs) is read
    once. Two inputs hold the same recording when their names agree (the source's last
    part, so a URL agrees with its file name, or the file) and their spans and scores
    agree (within 1e-6). The richest form is kept whatever the order of the files
    (predictions JSON, then artifacts zip or folder, then loose CSVs); the other is left
    out of the tables, and its provenance entry gets ``duplicate_of`` (the input kept).
    It is not an error: the errors table gets no row. Equal scores under names that do
    not agree, and an input only part of which another holds, are kept, with a
    :class:`~humeresearch.errors.PseudoReplicationWarning`.

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
    paths: Iterable[Any] | Mapping[str, Any],
    *,
    format: str = "auto",
    errors: ErrorMode = "collect",
    progress: bool | None = None,
    workers: int | None = None,
    executor: Executor = "thread",
    **options: Any,
) -> Measurements:
    """Read several inputs into one :class:`Measurements` (see :func:`read`).

    ``paths`` are paths, bytes or open binary files (or a dict of name -> bytes);
    folders among them are expanded as :func:`read` does. Parameters are those of
    :func:`read`; ``errors`` defaults to ``"collect"``. Each input gets the options its
    format takes; the same recording in several inputs is kept once (see :func:`read`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from humeresearch.readers import read_many
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "a.json").write_text('[{"source": {"type": "url", "url": "u"}, "error": "404"}]')
    >>> _ = (tmp / "b.json").write_text('[{"source": ')
    >>> m = read_many([tmp / "a.json", tmp / "b.json"], progress=False)
    >>> m.errors()["level"].tolist()
    ['source', 'source']
    """
    _check_args("read_many", format, errors, workers, executor, options)
    items = paths if isinstance(paths, Mapping) else list(paths)
    given = _many.expand(items) if items else []
    if given is None:
        raise TypeError(
            "read_many: paths must be paths, bytes or open binary files (or a dict of "
            f"name -> bytes); got {', '.join(sorted({type(p).__name__ for p in items}))}"
        )
    units: list[Unit] = []
    for unit in given:
        if isinstance(unit, Path) and unit.is_dir() and detect_folder(unit, format) is None:
            units.extend(_many.units(unit))
        else:
            units.append(unit)
    show = progress if progress is not None else _many.interactive()
    outcomes = _many.run(
        units, format, options, workers, executor, show and len(units) > 1, errors == "raise"
    )
    return _combine(units, outcomes, errors)


def _combine(
    units: list[Unit], outcomes: list[Measurements | Failure], errors: ErrorMode
) -> Measurements:
    """One Measurements of every outcome: duplicates left out, failures raised or recorded.

    Inputs are considered richest form first (:mod:`._duplicates`), so which form of
    a job is kept does not depend on the order of the files.
    """
    names = [unit_name(u) for u in units]
    status: dict[int, Any] = {}  # index -> Failure, or the name of the input duplicated
    for i, outcome in enumerate(outcomes):
        if isinstance(outcome, Failure):
            if errors == "raise":
                raise outcome.exception()
            status[i] = outcome
    order = sorted(
        (i for i, o in enumerate(outcomes) if isinstance(o, Measurements)),
        key=lambda i: (_duplicates.richness(outcomes[i]), i),  # type: ignore[arg-type]
    )
    kept: list[int] = []
    tables: list[_duplicates.Recordings] = []
    seen: dict[tuple[str, str, str, str], str] = {}
    for i in order:
        m: Measurements = outcomes[i]  # type: ignore[assignment]
        rec = _duplicates.Recordings(m)
        j = _duplicates.original(rec, tables)
        if j is not None:
            status[i] = names[kept[j]]
            continue
        keys = block_keys(m)
        clash = next((k for k in keys if k in seen), None)
        if clash is not None:
            blocks = dict(zip(("source", "file", "model", "track"), clash, strict=True))
            message = f"{names[i]}: its spans {blocks} were already read from {seen[clash]}"
            if errors == "raise":
                raise ContractError(message)
            status[i] = Failure(names[i], "ContractError", message, None, _record(m, message))
            continue
        _warn_lookalikes(names, i, [kept[j] for j in _duplicates.lookalikes(rec, tables)])
        seen.update(dict.fromkeys(keys, names[i]))
        kept.append(i)
        tables.append(rec)
    return _assemble(outcomes, status)


def _assemble(outcomes: list[Measurements | Failure], status: dict[int, Any]) -> Measurements:
    """The kept tables, the failures' error rows, and every input's provenance in order."""
    parts = [o for i, o in enumerate(outcomes) if i not in status]
    failed = [f for f in status.values() if isinstance(f, Failure)]
    if failed:
        parts.append(failures(failed))
    out = concat(parts) if parts else empty_measurements()
    records: list[dict[str, Any]] = []
    for i, outcome in enumerate(outcomes):
        state = status.get(i)
        if isinstance(state, Failure):
            records.append(state.record or {"path": state.path, "error": state.message})
        elif isinstance(state, str):
            records.extend({**r, "duplicate_of": state} for r in _inputs(outcome))
        else:
            records.extend(_inputs(outcome))
    return replace(out, provenance={**out.provenance, "inputs": records})


def _inputs(m: Measurements | Failure) -> list[dict[str, Any]]:
    return list(m.provenance.get("inputs", [])) if isinstance(m, Measurements) else []


def _record(m: Measurements, message: str) -> dict[str, Any]:
    """The provenance entry of an input read but refused (its spans clash)."""
    inputs = _inputs(m)
    return {**(inputs[0] if len(inputs) == 1 else {"inputs": inputs}), "error": message}


def _warn_lookalikes(names: list[str], i: int, found: list[int]) -> None:
    if found:
        others = ", ".join(names[j] for j in found)
        warnings.warn(
            f"read: {names[i]} holds a recording of the same spans and scores as {others} "
            "(under other source or file names, or beside recordings that are not there); "
            "both are kept. If they are one recording, read it once.",
            PseudoReplicationWarning,
            stacklevel=4,
        )


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
