"""The on-disk layout of a dataset: folders, hash buckets, Arrow schemas, the manifest.

A dataset is a folder::

    DIR/_dataset.json                          settings (buckets, tables), written once
    DIR/_manifest.jsonl                        one JSON line per input added (append-only)
    DIR/long/model=face/bucket=03/<id>.parquet one file per input, table, model and bucket
    DIR/spans/...   DIR/wide/...               the same partitioning
    DIR/errors/<id>.parquet                    the errors table of an input that has errors

``<id>`` is the first 16 hex digits of the input's sha256. Every file is a complete
contract table (the partition columns are kept inside the files), so one file reads
on its own; the folders only let readers skip files. Readers read the files the
manifest lists, never a directory listing: a file written by an interrupted append
is ignored until its manifest line exists.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa

from humeresearch._version import __version__

SETTINGS = "_dataset.json"
MANIFEST = "_manifest.jsonl"
FORMAT = "humeresearch-dataset"
VERSION = 1

#: tables a dataset can hold (``long`` and ``spans`` always, ``wide`` on request)
TABLES: tuple[str, ...] = ("long", "spans", "wide")
Table = Literal["long", "spans", "wide"]
#: engines of :func:`open_dataset`
ENGINES: tuple[str, ...] = ("pandas", "dask")
Engine = Literal["pandas", "dask"]

#: text columns stored dictionary-encoded in every table
DICTIONARY_COLUMNS = ("source", "file", "model", "track", "family", "name", "api")
_DICT = pa.dictionary(pa.int32(), pa.string())

LONG_SCHEMA = pa.schema(
    [
        ("source", _DICT),
        ("file", _DICT),
        ("model", _DICT),
        ("track", _DICT),
        ("span_id", pa.int64()),
        ("begin", pa.float64()),
        ("end", pa.float64()),
        ("family", _DICT),
        ("name", _DICT),
        ("score", pa.float64()),
    ]
)


def bucket_of(sources: Iterable[str], buckets: int) -> np.ndarray:
    """The hash bucket of each source: stable across processes, platforms and versions.

    Examples
    --------
    >>> bucket_of(["a.mp4", "a.mp4", "b.mp4"], 16).tolist()
    [4, 4, 12]
    """
    out = [
        int.from_bytes(hashlib.blake2b(str(s).encode(), digest_size=8).digest(), "big") % buckets
        for s in sources
    ]
    return np.asarray(out, dtype=np.int64)


def bucket_dir(buckets: int, bucket: int) -> str:
    """``bucket=07``: zero-padded so that folders sort in bucket order."""
    return f"bucket={bucket:0{len(str(buckets - 1))}d}"


def file_path(table: str, model: str, bucket: str, ident: str) -> str:
    """Path of one file, relative to the dataset folder (always with ``/``)."""
    return f"{table}/model={model}/{bucket}/{ident}.parquet"


def normalise_arrow(table: pa.Table) -> pa.Table:
    """Text columns as ``string`` (dictionary<int32, string> for the key columns).

    The same column then has the same Arrow type in every file, whatever pandas
    dtype (``string``, ``str``, ``object``, ``category``) it had when written.
    """
    fields = []
    for field in table.schema:
        t = field.type
        if field.name in DICTIONARY_COLUMNS:
            t = _DICT
        elif pa.types.is_large_string(t) or pa.types.is_string(t):
            t = pa.string()
        elif pa.types.is_dictionary(t):
            t = pa.string()
        elif pa.types.is_null(t):
            t = pa.string()
        fields.append(pa.field(field.name, t))
    schema = pa.schema(fields)
    if schema.equals(table.schema):
        return table.replace_schema_metadata(None)
    return table.cast(schema).replace_schema_metadata(None)


@dataclass(frozen=True)
class Settings:
    """What ``_dataset.json`` holds: fixed when the dataset is created."""

    buckets: int
    tables: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "buckets": self.buckets,
            "tables": list(self.tables),
            "created": now(),
            "humeresearch_version": __version__,
        }


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def load_settings(path: Path) -> Settings | None:
    """The settings of the dataset at ``path``; None when there is none yet."""
    file = path / SETTINGS
    if not file.exists():
        return None
    doc = json.loads(file.read_text())
    if doc.get("format") != FORMAT:
        raise ValueError(f"{path}: {SETTINGS} is not a humeresearch dataset")
    return Settings(int(doc["buckets"]), tuple(doc["tables"]))


def create(path: Path, settings: Settings) -> None:
    """Create the folder and its settings file (atomically)."""
    path.mkdir(parents=True, exist_ok=True)
    write_atomic(path / SETTINGS, json.dumps(settings.to_json(), indent=1).encode())


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target``, then move it into place."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def load_manifest(path: Path) -> list[dict[str, Any]]:
    """Every input entry of the manifest, in the order added.

    A last line cut short by an interrupted append is ignored (its files are then
    orphans that no reader lists).
    """
    file = path / MANIFEST
    if not file.exists():
        return []
    entries = []
    for line in file.read_bytes().splitlines():
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return entries


def append_manifest(path: Path, entry: dict[str, Any]) -> None:
    """Append one input entry (one line, flushed to disk before returning)."""
    line = json.dumps(entry, separators=(",", ":"), default=str).encode() + b"\n"
    with open(path / MANIFEST, "ab") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())
