"""``humeresearch.read``: one entry point for every Hume output."""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from humeresearch._build import Builder
from humeresearch._errors import ContractError, FormatError
from humeresearch._gc import paused
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
Executor = Literal["thread", "process"]
#: failures of one input that ``errors="collect"`` records instead of raising
UNREADABLE = (FormatError, ContractError, OSError, UnicodeError)


@dataclass(frozen=True)
class FolderFormat:
    """A format whose input can be a whole folder (read as one input)."""

    name: str
    test: Callable[[Path], bool]
    read: Callable[..., dict[str, Any]]


def _folder_formats() -> list[FolderFormat]:
    from humeresearch.readers import v0_artifacts, v0_stream, v1

    return [
        FolderFormat("v0-artifacts", v0_artifacts.is_artifacts_folder, v0_artifacts.read_folder),
        FolderFormat("v0-stream", v0_stream.is_stream_folder, v0_stream.read_folder),
        FolderFormat("v1", v1.is_log_folder, v1.read_folder),
    ]


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
        One input (a file path as ``str``/``Path``, its ``bytes``, an open binary
        file, an already-decoded ``list``/``dict``, or objects of the official SDKs),
        or several inputs (a list of paths, a folder, or a glob pattern such as
        ``"jobs/*.json"``). A folder holding an unpacked artifacts zip, a folder of
        stream replies or of v1 realtime messages is one input; any other folder is
        read file by file (recursively; hidden files and face crops skipped).
    format : str, default "auto"
        ``"auto"`` detects the format of each input from its content. Otherwise one
        of ``humeresearch.readers.FORMATS``: ``"v0-predictions"``, ``"sdk"``,
        ``"v0-artifacts"``, ``"v0-csv"``, ``"v0-stream"``, ``"v1"``.
    errors : {"raise", "collect"}, optional
        What to do with an input that cannot be read. ``"raise"`` (the default for a
        single input) raises :class:`~humeresearch.FormatError`; ``"collect"`` (the
        default for several inputs) records it in the errors table (level
        ``"source"``, ``source`` = the path, message ``"unreadable: <reason>"``) and
        in the provenance, and goes on, so that no other input is lost. An input
        whose spans clash with an input read before it (the same job twice, e.g. its
        predictions JSON and its artifacts zip of uploaded files) is handled the same
        way.
    progress : bool, optional
        Show a progress bar over several inputs. Default: only when interactive (a
        terminal or a Jupyter kernel); ``False`` never shows one.
    workers : int, optional
        Read several inputs in parallel with this many workers (default: one at a
        time). Order and results are the same as sequential reading.
    executor : {"thread", "process"}, default "thread"
        The kind of worker. Measured with ``benchmarks/bench_ingest.py`` on a shared
        2-core machine, two threads ran at 0.87-1.13x and two processes at 0.40-0.83x
        the sequential speed (processes pay for sending the tables back): use
        workers only where cores are idle, and prefer threads.
    **options
        Passed to the format's reader, for example ``offsets=`` (v0 stream replies),
        ``sources=``/``source=``/``file=`` (artifacts and CSVs), ``fps=`` or
        ``frame_times=`` (v1 video).

    Returns
    -------
    Measurements
        The contract tables (``.spans()``, ``.long()``, ``.wide()``, ``.errors()``)
        and the provenance of every input.

    Raises
    ------
    FormatError
        The input is not valid for its format; the message names the input and the
        place of the fault (a JSON path, a CSV row and column, a zip member).

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
    _check_args(format, errors, workers, executor)
    many = _expand(src)
    if many is None and isinstance(src, str | os.PathLike) and Path(src).is_dir():
        if _folder_format(Path(src), format) is None:
            many = _units(Path(src))
    if many is not None:
        return read_many(
            many,
            format=format,
            errors=errors or "collect",
            progress=progress,
            workers=workers,
            executor=executor,
            **options,
        )
    if errors == "collect":
        outcome = _read_unit(src, format, options)
        if isinstance(outcome, _Failure):
            return _failures([outcome])
        return outcome
    return _read_one(to_input(src), format, options)


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
    of :func:`read`; ``errors`` defaults to ``"collect"``.

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
    _check_args(format, errors, workers, executor)
    units: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir() and _folder_format(path, format) is None:
            units.extend(_units(path))
        else:
            units.append(path)
    show = progress if progress is not None else _interactive()
    stop = errors == "raise"
    outcomes = _run(units, format, options, workers, executor, show and len(units) > 1, stop)
    parts: list[Measurements] = []
    failed: list[_Failure] = []
    seen: dict[tuple[str, str, str, str], str] = {}
    for unit, outcome in zip(units, outcomes, strict=False):  # shorter after a stop
        if isinstance(outcome, _Failure):
            if errors == "raise":
                raise outcome.exception()
            failed.append(outcome)
            continue
        keys = _block_keys(outcome)
        clash = next((k for k in keys if k in seen), None)
        if clash is not None:
            reason = (
                f"its spans {dict(zip(('source', 'file', 'model', 'track'), clash, strict=True))} "
                f"were already read from {seen[clash]}"
            )
            if errors == "raise":
                raise ContractError(f"{os.fspath(unit)}: {reason}")
            failed.append(
                _Failure(os.fspath(unit), "ContractError", f"{os.fspath(unit)}: {reason}")
            )
            continue
        seen.update(dict.fromkeys(keys, os.fspath(unit)))
        parts.append(outcome)
    if failed:
        parts.append(_failures(failed))
    return concat(parts) if parts else empty_measurements()


# -- one input ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Failure:
    """An input that could not be read (picklable, unlike FormatError, for workers)."""

    path: str
    kind: str
    message: str
    where: tuple[str, str, str] | None = None  # FormatError (input, where, reason)

    def exception(self) -> Exception:
        if self.where is not None:
            return FormatError(*self.where)
        if self.kind == "ContractError":
            return ContractError(self.message)
        if self.kind == "FileNotFoundError":
            return FileNotFoundError(self.message)
        return OSError(self.message)


def _read_unit(src: Any, format: str, options: dict[str, Any]) -> Measurements | _Failure:
    """Read one input; an unreadable one gives a :class:`_Failure` (also in workers)."""
    name = os.fspath(src) if isinstance(src, str | os.PathLike) else "<input>"
    try:
        return _read_one(to_input(src), format, options)
    except FormatError as exc:
        return _Failure(name, "FormatError", str(exc), (exc.input, exc.where, exc.reason))
    except UNREADABLE as exc:
        return _Failure(name, type(exc).__name__, str(exc))


def _read_one(inp: Input, format: str, options: dict[str, Any]) -> Measurements:
    if inp.path is not None and inp.data is None:  # a folder read as one input
        special = _folder_format(inp.path, format)
        if special is None:
            return read_many(_units(inp.path), format=format, errors="raise", **options)
        builder = Builder()
        extra = special.read(inp.path, builder, **options)
        record = {"path": os.fspath(inp.path), "name": inp.name, "format": special.name, **extra}
        spans, scores, errs = builder.build()
        return check(Measurements(spans, scores, errs, new_provenance([record])))
    if inp.data is not None and inp.data[:4] == b"PAR1" and format in ("auto", "parquet"):
        return read_parquet(inp.path if inp.path is not None else _tmp_parquet(inp.data))
    fmt = FORMATS[format] if format != "auto" else detect(inp)
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise FormatError(inp.name, "", f"not a recognised Hume output (known formats: {known})")
    builder = Builder()
    hashing = _hash_in_background(inp)
    with paused():  # no reference cycles are made here: skip the collector's walks
        extra = fmt.read(inp, builder, **options) or {}
        if hashing is not None:
            hashing.join()
        spans, scores, errs = builder.build()
    return check(Measurements(spans, scores, errs, new_provenance([inp.record(fmt.name, **extra)])))


def _failures(failed: list[_Failure]) -> Measurements:
    builder = Builder()
    for f in failed:
        builder.error(f.path, None, "source", f"unreadable: {f.message}")
    spans, scores, errs = builder.build()
    records = [{"path": f.path, "format": None, "error": f.message} for f in failed]
    return Measurements(spans, scores, errs, new_provenance(records))


def _block_keys(m: Measurements) -> list[tuple[str, str, str, str]]:
    s = m.spans()
    if not len(s):
        return []
    blocks = s[["source", "file", "model", "track"]].astype(str).drop_duplicates()
    return list(blocks.itertuples(index=False, name=None))


# -- many inputs -------------------------------------------------------------------------


def _run(
    units: list[Path],
    format: str,
    options: dict[str, Any],
    workers: int | None,
    executor: Executor,
    show: bool,
    stop: bool = False,
) -> list[Measurements | _Failure]:
    """Outcomes of every unit in order (sequentially, up to the first failure if ``stop``)."""
    from tqdm.auto import tqdm

    bar = tqdm(total=len(units), desc="reading", unit="file", disable=not show)
    try:
        if not workers or workers <= 1 or len(units) < 2:
            out = []
            for unit in units:
                out.append(_read_unit(unit, format, options))
                bar.update()
                if stop and isinstance(out[-1], _Failure):
                    break
            return out
        from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed

        pool_cls = ProcessPoolExecutor if executor == "process" else ThreadPoolExecutor
        results: list[Measurements | _Failure | None] = [None] * len(units)
        with pool_cls(max_workers=min(workers, len(units))) as pool:
            futures = {
                pool.submit(_read_unit, unit, format, options): i for i, unit in enumerate(units)
            }
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                bar.update()
        return results  # type: ignore[return-value]
    finally:
        bar.close()


def _folder_format(path: Path, format: str) -> FolderFormat | None:
    for ff in _folder_formats():
        if format in ("auto", ff.name) and ff.test(path):
            return ff
    return None


def _units(path: Path) -> list[Path]:
    """The inputs of a plain folder: files, and sub-folders that are one input each."""
    from humeresearch.readers.v0_artifacts import is_crop

    out: list[Path] = []
    for child in sorted(path.iterdir()):
        if child.name.startswith("."):
            continue
        if child.is_dir():
            out.extend([child] if _folder_format(child, "auto") else _units(child))
        elif child.is_file() and not is_crop(child):
            out.append(child)
    if not out and not any(path.iterdir()):
        raise FileNotFoundError(f"{path}: folder holds no files")
    return out


def _check_args(format: str, errors: Any, workers: Any, executor: Any) -> None:
    if format != "auto" and format not in FORMATS:
        raise ValueError(f"format must be 'auto' or one of {sorted(FORMATS)}, got {format!r}")
    if errors not in (None, "raise", "collect"):
        raise ValueError(f"errors must be 'raise' or 'collect', got {errors!r}")
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise ValueError(f"workers must be a positive integer or None, got {workers!r}")
    if executor not in ("process", "thread"):
        raise ValueError(f"executor must be 'process' or 'thread', got {executor!r}")


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


def _interactive() -> bool:
    """A terminal on stderr, or a Jupyter kernel (where tqdm.auto draws a widget)."""
    if "ipykernel" in sys.modules:
        try:
            from IPython import get_ipython  # type: ignore[import-not-found]

            if get_ipython() is not None:
                return True
        except ImportError:  # pragma: no cover
            pass
    return bool(getattr(sys.stderr, "isatty", lambda: False)())
