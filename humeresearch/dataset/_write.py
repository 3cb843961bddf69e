"""to_dataset: convert inputs one by one into a partitioned Parquet dataset."""

from __future__ import annotations

import gc
import os
import warnings
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


def _pairs(m: Measurements) -> list[tuple[str, str]]:
    """Every (model, source) of ``m``, in order of first appearance."""
    spans = m.spans()[["model", "source"]].astype(str).drop_duplicates()
    return list(zip(spans["model"], spans["source"]))


def _write_file(table: pa.Table, root: Path, rel: str) -> None:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(_layout.normalise_arrow(table), tmp, row_group_size=ROW_GROUP)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _split(
    frame: pd.DataFrame, keep: set[str] | None, buckets: int
) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """``frame`` (rows of kept sources) as Arrow, and each row's source and bucket."""
    sources = frame["source"].astype(str).to_numpy(dtype=object)
    if keep is not None:
        rows = np.fromiter((s in keep for s in sources), dtype=bool, count=len(sources))
        frame, sources = frame.loc[rows], sources[rows]
    uniq, inverse = np.unique(sources, return_inverse=True)
    bucket = _layout.bucket_of(uniq, buckets)[inverse]
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    return table, sources, bucket


def _write_model(
    m: Measurements, model: str, keep: set[str] | None, ctx: dict[str, Any]
) -> list[dict[str, Any]]:
    """Write the tables of one model, one file per bucket; return its manifest parts."""
    settings: _layout.Settings = ctx["settings"]
    parts: dict[int, dict[str, Any]] = {}
    for name in settings.tables:
        table, sources, bucket = _split(getattr(m, name)(model=model), keep, settings.buckets)
        for b in np.unique(bucket):
            mask = bucket == b
            folder = _layout.bucket_dir(settings.buckets, int(b))
            rel = _layout.file_path(name, model, folder, ctx["id"])
            _write_file(table.filter(pa.array(mask)), ctx["root"], rel)
            part = parts.setdefault(
                int(b), {"model": model, "bucket": folder, "rows": {}, "sources": []}
            )
            part["rows"][name] = int(mask.sum())
            if name == "spans":
                part["sources"] = sorted(set(sources[mask].tolist()))
        del table
    return [parts[b] for b in sorted(parts)]


def _add(unit: Unit, sha: str, m: Measurements, ctx: dict[str, Any]) -> dict[str, Any]:
    """Write one input's tables and errors; return its manifest entry."""
    pairs = _pairs(m)
    skipped = sorted(f"{mo}:{so}" for mo, so in pairs if (mo, so) in ctx["taken"])
    keep: dict[str, set[str]] = {}
    if skipped:
        warnings.warn(
            f"to_dataset: {unit.name}: {len(skipped)} (model, source) pair(s) are already in "
            f"the dataset from another input and were left out, e.g. {skipped[:3]}",
            UserWarning,
            stacklevel=3,
        )
        for model, source in pairs:
            if (model, source) not in ctx["taken"]:
                keep.setdefault(model, set()).add(source)
    ctx["id"] = sha[:16]
    models = list(dict.fromkeys(mo for mo, _ in pairs))
    parts = [
        p
        for model in models
        if not skipped or model in keep
        for p in _write_model(m, model, keep.get(model) if skipped else None, ctx)
    ]
    errors = m.errors()
    if len(errors):
        _write_file(
            pa.Table.from_pandas(errors, preserve_index=False),
            ctx["root"],
            f"errors/{ctx['id']}.parquet",
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
    ctx: dict[str, Any] = {"root": root, "settings": settings, "taken": taken}
    report = []
    for unit in units(inputs):
        sha = unit.sha256()
        if sha in hashes:
            report.append((unit.name, sha, "duplicate", 0, 0, "already in the dataset"))
            continue
        try:
            m = unit.read(format=format, options=options)
        except Exception as exc:
            if errors == "raise":
                raise
            report.append((unit.name, sha, "unreadable", 0, 0, f"{type(exc).__name__}: {exc}"))
            continue
        entry = _add(unit, sha, m, ctx)
        del m
        _layout.append_manifest(root, entry)
        hashes.add(sha)
        taken |= {(p["model"], s) for p in entry["parts"] for s in p["sources"]}
        spans = sum(p["rows"].get("spans", 0) for p in entry["parts"])
        rows = sum(p["rows"].get("long", 0) for p in entry["parts"])
        report.append((unit.name, sha, "added", spans, rows, ""))
        _release()
    return pd.DataFrame(report, columns=REPORT_COLUMNS).astype({"spans": "int64", "rows": "int64"})
