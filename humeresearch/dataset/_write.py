"""to_dataset: convert inputs one by one into a partitioned Parquet dataset."""

from __future__ import annotations

import gc
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from humeresearch._measurements import Measurements
from humeresearch._tables import check_option
from humeresearch.dataset import _layout
from humeresearch.dataset._inputs import Unit, units
from humeresearch.define import ERROR_MODES, ErrorMode

#: rows per Parquet row group (a reader's unit of skipping and of memory)
ROW_GROUP = 1_000_000
#: columns whose values repeat: dictionary-encoded in the Parquet files
_DICTIONARY = [*_layout.DICTIONARY_COLUMNS, "span_id", "begin", "end"]
#: slices of one input beyond which its rows are sorted by partition instead
_MAX_RUNS = 256
REPORT_COLUMNS = ["input", "sha256", "status", "spans", "rows", "message"]


def _settings(path: Path, wide: bool, buckets: int) -> _layout.Settings:
    """The dataset's settings: created with these arguments, or read back when it exists."""
    if isinstance(buckets, bool) or not isinstance(buckets, int | np.integer) or buckets < 1:
        raise ValueError(f"to_dataset: buckets must be a positive int; got {buckets!r}")
    existing = _layout.load_settings(path)
    if existing is None:
        if path.exists() and any(path.iterdir()):
            raise ValueError(
                f"to_dataset: {path} is a folder that is not a dataset; choose another"
            )
        settings = _layout.Settings(int(buckets), ("long", "spans", *(("wide",) if wide else ())))
        _layout.create(path, settings)
        return settings
    if wide and "wide" not in existing.tables:
        raise ValueError(
            f"to_dataset: {path} was created without wide tables; wide=True is refused"
        )
    return existing


def _present(entries: list[dict[str, Any]]) -> tuple[set[str], set[tuple[str, str]]]:
    """The sha256 of every input already added, and every (model, source) it holds."""
    hashes = {e["sha256"] for e in entries}
    pairs = {(p["model"], s) for e in entries for p in e.get("parts", []) for s in p["sources"]}
    return hashes, pairs


def _write_file(table: pa.Table, root: Path, rel: str, folders: set[Path]) -> None:
    """Write ``table`` (normalised) to ``root/rel`` through a temporary file beside it.

    ``folders`` holds the folders already made (one ``mkdir`` per folder, not per file).
    """
    target = root / rel
    if target.parent not in folders:
        target.parent.mkdir(parents=True, exist_ok=True)
        folders.add(target.parent)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, tmp, row_group_size=ROW_GROUP, use_dictionary=_DICTIONARY)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes of a key column and the values they stand for (no per-row Python)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), [str(c) for c in values.cat.categories]
    codes, uniques = pd.factorize(values)
    return codes, [str(u) for u in uniques]


def _arrow_long(long: pd.DataFrame) -> pa.Table:
    """The long table as Arrow in the dataset's schema, straight from its codes and arrays."""
    arrays = []
    for field in _layout.LONG_SCHEMA:
        column = long[field.name]
        if pa.types.is_dictionary(field.type):
            codes, values = _codes(column)
            indices = pa.array(codes.astype(np.int32, copy=False), mask=codes < 0)
            arrays.append(
                pa.DictionaryArray.from_arrays(indices, pa.array(values, type=pa.string()))
            )
        else:
            arrays.append(pa.array(column.to_numpy(), type=field.type))
    return pa.Table.from_arrays(arrays, schema=_layout.LONG_SCHEMA)


@dataclass
class _Keys:
    """Each row's partition: ``model code * buckets + bucket`` (-1: left out)."""

    key: np.ndarray
    source: np.ndarray  # code into ``sources``
    sources: list[str]


def _keys(
    table: pd.DataFrame, models: list[str], buckets: int, keep: Callable[[str, str], bool] | None
) -> _Keys:
    """The partition of every row of ``table`` (models indexed by their position in ``models``)."""
    model_codes, model_values = _codes(table["model"])
    source_codes, sources = _codes(table["source"])
    model_lut = np.array([models.index(m) if m in models else -1 for m in model_values], np.int64)
    model_of = model_lut[model_codes] if len(model_lut) else np.empty(0, np.int64)
    key = model_of * buckets + _layout.bucket_of(sources, buckets)[source_codes]
    key[model_of < 0] = -1
    if keep is not None:
        allowed = np.array(
            [[keep(m, s) for s in sources] for m in model_values], dtype=bool
        ).reshape(len(model_values), len(sources))
        key = np.where(allowed[model_codes, source_codes], key, -1)
    return _Keys(key, source_codes, sources)


def _runs(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop of every run of equal values of ``key``."""
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    return starts, np.r_[starts[1:], len(key)]


def _parts(table: pa.Table, key: np.ndarray) -> dict[int, pa.Table]:
    """``table`` split by ``key``, rows kept in order.

    Rows come in blocks of one (source, model), so each part is a few zero-copy
    slices; rows interleaved more finely are gathered with one stable sort instead.
    """
    if not len(key):
        return {}
    starts, stops = _runs(key)
    if len(starts) > _MAX_RUNS:
        order = np.argsort(key, kind="stable")
        table, key = table.take(pa.array(order)), key[order]
        starts, stops = _runs(key)
    runs: dict[int, list[pa.Table]] = {}
    for a, b in zip(starts.tolist(), stops.tolist()):
        k = int(key[a])
        if k >= 0:
            runs.setdefault(k, []).append(table.slice(a, b - a))
    return {k: v[0] if len(v) == 1 else pa.concat_tables(v) for k, v in runs.items()}


def _write_input(
    m: Measurements, keep: Callable[[str, str], bool] | None, ctx: dict[str, Any]
) -> list[dict[str, Any]]:
    """Write every table of ``m``, one file per (table, model, bucket); return the parts."""
    settings: _layout.Settings = ctx["settings"]
    spans = m.spans()
    models = [str(x) for x in pd.unique(spans["model"].astype(str))]
    parts: dict[int, dict[str, Any]] = {}
    for name in settings.tables:
        frame = spans if name == "spans" else getattr(m, name)()
        if name == "long":
            arrow = _arrow_long(frame)
        else:
            arrow = _layout.normalise_arrow(pa.Table.from_pandas(frame, preserve_index=False))
        keys = _keys(frame, models, settings.buckets, keep)
        for k, piece in sorted(_parts(arrow, keys.key).items()):
            model, folder = (
                models[k // settings.buckets],
                _layout.bucket_dir(settings.buckets, k % settings.buckets),
            )
            rel = _layout.file_path(name, model, folder, ctx["id"])
            _write_file(piece, ctx["root"], rel, ctx["folders"])
            part = parts.setdefault(
                k, {"model": model, "bucket": folder, "rows": {}, "sources": []}
            )
            part["rows"][name] = piece.num_rows
            if name == "spans":
                present = np.unique(keys.source[keys.key == k])
                part["sources"] = sorted(keys.sources[i] for i in present.tolist())
        del frame, arrow, keys
    return [parts[k] for k in sorted(parts)]


def _add(unit: Unit, sha: str, m: Measurements, ctx: dict[str, Any]) -> dict[str, Any]:
    """Write one input's tables and errors; return its manifest entry."""
    pairs = m.spans()[["model", "source"]].drop_duplicates().astype(str)
    taken = ctx["taken"]
    skipped = sorted(
        f"{mo}:{so}" for mo, so in zip(pairs["model"], pairs["source"]) if (mo, so) in taken
    )
    if skipped:
        warnings.warn(
            f"to_dataset: {unit.name}: {len(skipped)} (model, source) pair(s) are already in "
            f"the dataset from another input and were left out, e.g. {skipped[:3]}",
            UserWarning,
            stacklevel=3,
        )
    ctx["id"] = sha[:16]
    parts = _write_input(m, (lambda mo, so: (mo, so) not in taken) if skipped else None, ctx)
    errors = m.errors()
    if len(errors):
        _write_file(
            _layout.normalise_arrow(pa.Table.from_pandas(errors, preserve_index=False)),
            ctx["root"],
            f"errors/{ctx['id']}.parquet",
            ctx["folders"],
        )
    return {
        "id": ctx["id"],
        "sha256": sha,
        "name": unit.name,
        "added": _layout.now(),
        "provenance": m.provenance.get("inputs", []),
        "parts": parts,
        "errors": len(errors),
        "skipped": skipped,
    }


def _release() -> None:
    gc.collect()
    pa.default_memory_pool().release_unused()


def _convert(
    unit: Unit,
    ctx: dict[str, Any],
    hashes: set[str],
    format: str,
    errors: ErrorMode,
    options: dict[str, Any],
) -> tuple[str, str, str, int, int, str]:
    """Add one input (unless it is a duplicate or unreadable); return its report row."""
    root, taken = ctx["root"], ctx["taken"]
    sha = unit.sha256()
    if sha in hashes:
        return (unit.name, sha, "duplicate", 0, 0, "already in the dataset")
    try:
        m = unit.read(format=format, options=options)
    except Exception as exc:
        if errors == "raise":
            raise
        return (unit.name, sha, "unreadable", 0, 0, f"{type(exc).__name__}: {exc}")
    entry = _add(unit, sha, m, ctx)
    del m
    _layout.append_manifest(root, entry)
    hashes.add(sha)
    taken |= {(p["model"], s) for p in entry["parts"] for s in p["sources"]}
    spans = sum(p["rows"].get("spans", 0) for p in entry["parts"])
    rows = sum(p["rows"].get("long", 0) for p in entry["parts"])
    _release()
    return (unit.name, sha, "added", spans, rows, "")


def to_dataset(
    inputs: Any,
    path: str | os.PathLike[str],
    *,
    wide: bool = False,
    buckets: int = 16,
    format: str = "auto",
    errors: ErrorMode = "collect",
    **options: Any,
) -> pd.DataFrame:
    """Convert inputs into one partitioned Parquet dataset, one input at a time.

    Each input is read with :func:`humeresearch.read`, its spans and long tables
    (and wide table with ``wide=True``) are written as Parquet files partitioned by
    ``model`` and a hash bucket of ``source``, and it is released before the next
    one is read: peak memory is that of the largest input, whatever the corpus size.
    A later call appends to the same folder without rewriting anything. The
    manifest (``_manifest.jsonl``) keeps every input's sha256 and provenance; an
    input whose sha256 is already there is skipped, and so are the (model, source)
    pairs that another input already added (with a warning), so that each recording
    of a model lives in one file.

    Parameters
    ----------
    inputs : path, glob, folder, bytes, Measurements, decoded JSON, or a list of them
        Anything :func:`humeresearch.read` takes, one input or a list. A folder is
        read file by file (an unpacked artifacts or stream folder is one input); a
        ``measure`` project folder contributes its ``measurements.parquet``; a
        Parquet file written by :meth:`Measurements.to_parquet` and a
        :class:`~humeresearch.Measurements` are added as they are.
    path : str or Path
        The dataset folder (created when missing).
    wide : bool, default False
        Also write wide tables (only when the dataset is created with them).
    buckets : int, default 16
        Number of hash buckets of ``source`` (fixed when the dataset is created).
        A Dask partition is one bucket's inputs, so choose enough buckets that one
        holds well under a worker's memory (about 1 GB of long rows).
    format : str, default "auto"
        Passed to :func:`humeresearch.read`.
    errors : {"collect", "raise"}, default "collect"
        An unreadable input: reported in the returned table and left out (so that a
        later call can add it once fixed), or raised.
    **options
        Options of the formats (``fps=``, ``offsets=`` ...), passed to ``read``.

    Returns
    -------
    DataFrame
        One row per input given: ``input`` (its name), ``sha256``, ``status``
        (``added``, ``duplicate`` or ``unreadable``), ``spans`` and ``rows`` (long
        rows) written, and ``message``.

    Examples
    --------
    >>> import tempfile
    >>> from humeresearch import dataset, testing
    >>> m = testing.measurements(sources=["a.mp4", "b.mp4"], models=["face", "prosody"])
    >>> folder = tempfile.mkdtemp() + "/corpus"
    >>> dataset.to_dataset(m, folder)[["status", "spans", "rows"]].to_dict("records")
    [{'status': 'added', 'spans': 44, 'rows': 132}]
    >>> dataset.to_dataset(m, folder)["status"].tolist()
    ['duplicate']
    """
    check_option(errors, ERROR_MODES, name="errors", func="to_dataset")
    root = Path(path)
    settings = _settings(root, wide, buckets)
    entries = _layout.load_manifest(root)
    hashes, taken = _present(entries)
    ctx: dict[str, Any] = {"root": root, "settings": settings, "taken": taken, "folders": set()}
    # what survives a collection is alive: frozen, so that the next collections skip it
    freeze = not gc.get_freeze_count()
    report = []
    try:
        for unit in units(inputs):
            if freeze:
                gc.freeze()
            report.append(_convert(unit, ctx, hashes, format, errors, options))
    finally:
        if freeze:
            gc.unfreeze()
    return pd.DataFrame(report, columns=REPORT_COLUMNS).astype({"spans": "int64", "rows": "int64"})
