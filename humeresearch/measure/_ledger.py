"""The ledger: SQLite in the project folder, one row per (content hash, API, configuration).

States: ``planned`` -> ``submitted`` (a request that may have created something is on
its way or done: v0 job id, request time) -> ``done`` (raw response stored) or
``failed`` (reason, attempts). v1 inputs also keep one ``pieces`` row per upload
request (its run id, stored response and clock), so an interrupted input resumes at
its first unfinished request. No API key is ever written here.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

#: the ledger's file name inside the project.
LEDGER_NAME = "ledger.sqlite"

Key = tuple[str, str, str]
"""(content hash, api, configuration hash)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS configs (
    config_hash TEXT PRIMARY KEY, api TEXT NOT NULL, config TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs (
    content_hash TEXT NOT NULL, api TEXT NOT NULL, config_hash TEXT NOT NULL,
    input TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL,
    remote_id TEXT, requested_at REAL, result_path TEXT, reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0, planned_seconds REAL,
    billed_seconds REAL NOT NULL DEFAULT 0, extra_runs TEXT NOT NULL DEFAULT '[]',
    extra_billed_seconds REAL NOT NULL DEFAULT 0, updated_at REAL,
    PRIMARY KEY (content_hash, api, config_hash));
CREATE TABLE IF NOT EXISTS pieces (
    content_hash TEXT NOT NULL, api TEXT NOT NULL, config_hash TEXT NOT NULL,
    piece TEXT NOT NULL, state TEXT NOT NULL, requested_at REAL, run_id TEXT,
    path TEXT, meta TEXT, billed_seconds REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (content_hash, api, config_hash, piece));
"""
_WHERE = "content_hash = ? AND api = ? AND config_hash = ?"


class Ledger:
    """The ledger of one project folder (created on first use).

    Examples
    --------
    >>> import tempfile
    >>> with Ledger(tempfile.mkdtemp()) as ledger:
    ...     key = ("c" * 64, "v1", "f" * 64)
    ...     ledger.plan(key, input="a.wav", kind="file", planned_seconds=10.0)
    ...     ledger.update(key, state="done", result_path="raw/a", billed_seconds=10.0)
    ...     ledger.row(key)["state"], ledger.table()["billed_seconds"].tolist()
    ('done', [10.0])
    """

    def __init__(self, project: str | os.PathLike[str]) -> None:
        self.project = Path(project)
        self.project.mkdir(parents=True, exist_ok=True)
        self.path = self.project / LEDGER_NAME
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a commit survives a killed process (SIGKILL) without an fsync
        # per row; only a power cut may lose the last rows (which then resume).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def __repr__(self) -> str:
        return f"<Ledger {self.path}>"

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group the writes of the block into one transaction (committed at its end).

        Only for writes that may be lost together (planning): a row that must be
        durable before a request is sent is written outside a batch.
        """
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def add_config(self, config_hash: str, api: str, config: dict[str, Any]) -> None:
        """Record a configuration (its JSON) under its hash."""
        self._db.execute(
            "INSERT OR IGNORE INTO configs VALUES (?, ?, ?)",
            (config_hash, api, json.dumps(config, sort_keys=True)),
        )

    def plan(self, key: Key, *, input: str, kind: str, planned_seconds: float | None) -> None:
        """Add a ``planned`` row unless the key has one (its name and plan are refreshed)."""
        self._db.execute(
            "INSERT INTO inputs (content_hash, api, config_hash, input, kind, state,"
            " planned_seconds, updated_at) VALUES (?, ?, ?, ?, ?, 'planned', ?, ?)"
            " ON CONFLICT DO UPDATE SET input = excluded.input,"
            " planned_seconds = excluded.planned_seconds",
            (*key, input, kind, planned_seconds, time.time()),
        )

    def row(self, key: Key) -> dict[str, Any] | None:
        """The row of ``key`` (``extra_runs`` decoded), or None."""
        cur = self._db.execute(f"SELECT * FROM inputs WHERE {_WHERE}", key)
        found = cur.fetchone()
        if found is None:
            return None
        row = dict(found)
        row["extra_runs"] = json.loads(row["extra_runs"])
        return row

    def update(self, key: Key, **fields: Any) -> None:
        """Set some fields of a row (``extra_runs`` as a list)."""
        if "extra_runs" in fields:
            fields["extra_runs"] = json.dumps(fields["extra_runs"])
        fields["updated_at"] = time.time()
        names = ", ".join(f"{k} = ?" for k in fields)
        self._db.execute(f"UPDATE inputs SET {names} WHERE {_WHERE}", (*fields.values(), *key))

    def add_extra_run(self, key: Key, run: dict[str, Any]) -> None:
        """Record a run billed although its answer was lost (its response had to be re-sent)."""
        row = self.row(key) or {"extra_runs": [], "extra_billed_seconds": 0.0}
        runs = row["extra_runs"] + [run]
        seconds = float(row["extra_billed_seconds"]) + float(run.get("metered_seconds") or 0.0)
        self.update(key, extra_runs=runs, extra_billed_seconds=seconds)

    def known_remote_ids(self, api: str) -> set[str]:
        """Every job or run id the ledger holds for ``api`` (own and extra)."""
        ids = {
            r[0]
            for r in self._db.execute(
                "SELECT remote_id FROM inputs WHERE api = ? AND remote_id IS NOT NULL", (api,)
            )
        }
        ids |= {
            r[0]
            for r in self._db.execute(
                "SELECT run_id FROM pieces WHERE api = ? AND run_id IS NOT NULL", (api,)
            )
        }
        for (extra,) in self._db.execute("SELECT extra_runs FROM inputs WHERE api = ?", (api,)):
            ids |= {str(r.get("run_id") or r.get("job_id")) for r in json.loads(extra)}
        return ids

    # -- pieces (v1 upload requests of one input) ---------------------------------------

    def pieces(self, key: Key) -> dict[str, dict[str, Any]]:
        """The pieces of an input by name (``meta`` decoded)."""
        cur = self._db.execute(f"SELECT * FROM pieces WHERE {_WHERE} ORDER BY piece", key)
        out = {}
        for found in cur:
            row = dict(found)
            row["meta"] = json.loads(row["meta"]) if row["meta"] else {}
            out[row["piece"]] = row
        return out

    def set_piece(self, key: Key, piece: str, **fields: Any) -> None:
        """Insert or update one piece (``meta`` as a dict)."""
        if "meta" in fields:
            fields["meta"] = json.dumps(fields["meta"])
        cols = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        sets = ", ".join(f"{k} = excluded.{k}" for k in fields)
        self._db.execute(
            f"INSERT INTO pieces (content_hash, api, config_hash, piece, {cols})"
            f" VALUES (?, ?, ?, ?, {marks}) ON CONFLICT DO UPDATE SET {sets}",
            (*key, piece, *fields.values()),
        )

    def table(self) -> pd.DataFrame:
        """Every input row as a DataFrame."""
        frame = pd.read_sql_query("SELECT * FROM inputs ORDER BY rowid", self._db)
        frame["extra_runs"] = frame["extra_runs"].map(json.loads)
        return frame


def ledger_table(project: str | os.PathLike[str]) -> pd.DataFrame:
    """The ledger of a project as a DataFrame (one row per input, API and configuration).

    Parameters
    ----------
    project : path
        The project folder given to :func:`humeresearch.measure`.

    Returns
    -------
    pandas.DataFrame
        Columns ``content_hash``, ``api``, ``config_hash``, ``input``, ``kind``,
        ``state``, ``remote_id``, ``requested_at``, ``result_path``, ``reason``,
        ``attempts``, ``planned_seconds``, ``billed_seconds``, ``extra_runs``,
        ``extra_billed_seconds``, ``updated_at``.

    Examples
    --------
    >>> import tempfile
    >>> ledger_table(tempfile.mkdtemp()).empty
    True
    """
    with Ledger(project) as ledger:
        return ledger.table()
