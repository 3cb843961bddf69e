"""SQLite persistence of v0 jobs (with their sources) and v1 runs (with their events).

With a data directory the database is ``<data_dir>/humeresearch-server.sqlite3`` and a
restarted server serves every job and run it stored; without one it lives in memory.
All access goes through one connection guarded by a lock (statements are short).
The data directory is created with mode 0700 and the database files are 0600 (they hold
uploads and results); SQLite creates its ``-wal``/``-shm`` files with the database's mode.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import orjson

DB_NAME = "humeresearch-server.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    created_ms INTEGER NOT NULL,
    started_ms INTEGER,
    ended_ms INTEGER,
    status TEXT NOT NULL,
    request TEXT NOT NULL,
    params TEXT NOT NULL,
    message TEXT,
    num_predictions INTEGER,
    num_errors INTEGER,
    predictions BLOB,
    content_hash TEXT NOT NULL,
    fail INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created_ms);
CREATE TABLE IF NOT EXISTS job_sources (
    job_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name TEXT,
    content_type TEXT,
    data BLOB,
    text TEXT,
    PRIMARY KEY (job_id, idx)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    mode TEXT NOT NULL,
    started_ms INTEGER NOT NULL,
    ended_ms INTEGER,
    bytes_received INTEGER,
    bytes_recorded INTEGER,
    metered_seconds REAL NOT NULL DEFAULT 0,
    close_code INTEGER,
    close_reason TEXT,
    config TEXT NOT NULL,
    capped_kinds TEXT
);
CREATE INDEX IF NOT EXISTS runs_started ON runs(started_ms, run_id);
CREATE TABLE IF NOT EXISTS run_events (
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT,
    PRIMARY KEY (run_id, seq)
);
"""

JOB_COLUMNS = (
    "job_id, created_ms, started_ms, ended_ms, status, request, params, message, "
    "num_predictions, num_errors, content_hash, fail, attempts"
)
RUN_COLUMNS = (
    "run_id, user_id, status, endpoint, mode, started_ms, ended_ms, bytes_received, "
    "bytes_recorded, metered_seconds, close_code, close_reason, config, capped_kinds"
)


def _private_database(data_dir: Path) -> Path:
    """Create ``data_dir`` (0700) and the database file (0600); return the database path."""
    if not data_dir.exists():
        data_dir.mkdir(mode=0o700, parents=True)
        os.chmod(data_dir, 0o700)  # mkdir's mode is masked by the umask
    target = data_dir / DB_NAME
    for path in (target, *(data_dir / (DB_NAME + s) for s in ("-wal", "-shm", "-journal"))):
        if path.exists():
            os.chmod(path, 0o600)
    if not target.exists():
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(target, 0o600)
    return target


class Store:
    """The server's database (one connection, one lock)."""

    def __init__(self, data_dir: Path | None) -> None:
        if data_dir is None:
            target = ":memory:"
        else:
            target = str(_private_database(Path(data_dir)))
        self._lock = threading.Lock()
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        if data_dir is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        columns = {r["name"] for r in self._db.execute("PRAGMA table_info(jobs)")}
        if "attempts" not in columns:  # a database written before attempts were counted
            self._db.execute("ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ------------------------------------------------------------------ low level
    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._db.execute(sql, args).fetchall()]

    def _one(self, sql: str, args: Sequence[Any] = ()) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
        return dict(row) if row is not None else None

    def _exec(self, sql: str, args: Sequence[Any] = ()) -> None:
        with self._lock:
            self._db.execute(sql, args)

    # ------------------------------------------------------------------ jobs
    def add_job(self, job: dict[str, Any], sources: Iterable[dict[str, Any]]) -> None:
        """Insert a job row and its sources in one transaction."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute(
                    f"INSERT INTO jobs ({JOB_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        job["job_id"],
                        job["created_ms"],
                        None,
                        None,
                        "QUEUED",
                        orjson.dumps(job["request"]).decode(),
                        orjson.dumps(job["params"]).decode(),
                        None,
                        None,
                        None,
                        job["content_hash"],
                        int(job["fail"]),
                        0,
                    ),
                )
                self._db.executemany(
                    "INSERT INTO job_sources (job_id, idx, kind, name, content_type, data, text) "
                    "VALUES (?,?,?,?,?,?,?)",
                    [
                        (
                            job["job_id"],
                            i,
                            s["kind"],
                            s.get("name"),
                            s.get("content_type"),
                            s.get("data"),
                            s.get("text"),
                        )
                        for i, s in enumerate(sources)
                    ],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def job(self, job_id: str) -> dict[str, Any] | None:
        return self._one(f"SELECT {JOB_COLUMNS} FROM jobs WHERE job_id = ?", (job_id,))

    def job_sources(self, job_id: str) -> list[dict[str, Any]]:
        return self._all(
            "SELECT kind, name, content_type, data, text FROM job_sources WHERE job_id = ? ORDER BY idx",
            (job_id,),
        )

    def job_predictions(self, job_id: str) -> bytes | None:
        row = self._one("SELECT predictions FROM jobs WHERE job_id = ?", (job_id,))
        return None if row is None else row["predictions"]

    def start_job(self, job_id: str, started_ms: int) -> int:
        """Mark a job IN_PROGRESS (keeping an earlier start time); return its attempt count."""
        self._exec(
            "UPDATE jobs SET status = 'IN_PROGRESS', started_ms = COALESCE(started_ms, ?), "
            "attempts = attempts + 1 WHERE job_id = ?",
            (started_ms, job_id),
        )
        row = self._one("SELECT attempts FROM jobs WHERE job_id = ?", (job_id,))
        return 0 if row is None else int(row["attempts"])

    def pending_bytes(self) -> int:
        """Bytes of uploads stored for jobs that have not ended."""
        row = self._one("SELECT COALESCE(SUM(LENGTH(data)), 0) AS n FROM job_sources")
        return 0 if row is None else int(row["n"])

    def complete_job(
        self, job_id: str, ended_ms: int, predictions: bytes, num_predictions: int, num_errors: int
    ) -> None:
        self._exec(
            "UPDATE jobs SET status = 'COMPLETED', ended_ms = ?, predictions = ?, "
            "num_predictions = ?, num_errors = ? WHERE job_id = ?",
            (ended_ms, predictions, num_predictions, num_errors, job_id),
        )
        self._exec("DELETE FROM job_sources WHERE job_id = ?", (job_id,))

    def fail_job(self, job_id: str, ended_ms: int, message: str) -> None:
        self._exec(
            "UPDATE jobs SET status = 'FAILED', ended_ms = ?, message = ? WHERE job_id = ?",
            (ended_ms, message, job_id),
        )
        self._exec("DELETE FROM job_sources WHERE job_id = ?", (job_id,))

    def unfinished_jobs(self) -> list[str]:
        rows = self._all(
            "SELECT job_id FROM jobs WHERE status IN ('QUEUED', 'IN_PROGRESS') ORDER BY created_ms"
        )
        return [r["job_id"] for r in rows]

    def list_jobs(
        self,
        *,
        statuses: Sequence[str],
        when: str | None,
        timestamp_ms: int,
        sort_column: str,
        descending: bool,
        limit: int,
    ) -> list[dict[str, Any]]:
        """Jobs filtered and sorted in SQL (``sort_column`` is pre-validated)."""
        where, args = [], []
        if statuses:
            where.append(f"status IN ({','.join('?' * len(statuses))})")
            args.extend(statuses)
        if when == "created_before":
            where.append("created_ms < ?")
            args.append(timestamp_ms)
        elif when == "created_after":
            where.append("created_ms >= ?")
            args.append(timestamp_ms)
        order = "DESC" if descending else "ASC"
        sql = f"SELECT {JOB_COLUMNS} FROM jobs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {sort_column} IS NULL, {sort_column} {order}, created_ms {order}, job_id {order} LIMIT ?"
        args.append(limit)
        return self._all(sql, args)

    # ------------------------------------------------------------------ runs
    def add_run(self, run: dict[str, Any]) -> None:
        self._exec(
            f"INSERT INTO runs ({RUN_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                run["run_id"],
                run["user_id"],
                run["status"],
                run["endpoint"],
                run["mode"],
                run["started_ms"],
                run.get("ended_ms"),
                run.get("bytes_received"),
                run.get("bytes_recorded"),
                run.get("metered_seconds", 0.0),
                run.get("close_code"),
                run.get("close_reason"),
                orjson.dumps(run["config"]).decode(),
                None,
            ),
        )

    def update_run(self, run_id: str, **fields: Any) -> None:
        for key in ("config", "capped_kinds"):
            if key in fields:
                fields[key] = orjson.dumps(fields[key]).decode()
        cols = ", ".join(f"{k} = ?" for k in fields)
        self._exec(f"UPDATE runs SET {cols} WHERE run_id = ?", (*fields.values(), run_id))

    def run(self, run_id: str) -> dict[str, Any] | None:
        return self._one(f"SELECT {RUN_COLUMNS} FROM runs WHERE run_id = ?", (run_id,))

    def list_runs(
        self, filters: dict[str, Any], after: tuple[int, str] | None, limit: int
    ) -> list[dict[str, Any]]:
        """Runs newest first; ``after`` = (started_ms, run_id) of the last row of the previous page."""
        where, args = [], []
        for col in ("user_id", "status", "mode", "endpoint"):
            if filters.get(col) is not None:
                where.append(f"{col} = ?")
                args.append(filters[col])
        if filters.get("started_before") is not None:
            where.append("started_ms < ?")
            args.append(filters["started_before"])
        if filters.get("started_after") is not None:
            where.append("started_ms >= ?")
            args.append(filters["started_after"])
        if after is not None:
            where.append("(started_ms < ? OR (started_ms = ? AND run_id < ?))")
            args.extend([after[0], after[0], after[1]])
        sql = f"SELECT {RUN_COLUMNS} FROM runs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY started_ms DESC, run_id DESC LIMIT ?"
        args.append(limit)
        return self._all(sql, args)

    def abandon_live_runs(self, ended_ms: int) -> None:
        """Runs left ``live`` by a previous process were lost: mark them ``errored``."""
        self._exec(
            "UPDATE runs SET status = 'errored', ended_ms = COALESCE(ended_ms, ?), "
            "close_code = COALESCE(close_code, 1011), close_reason = COALESCE(close_reason, 'error') "
            "WHERE status = 'live'",
            (ended_ms,),
        )

    def add_event(
        self, run_id: str, seq: int, at_ms: int, kind: str, detail: dict[str, Any] | None
    ) -> None:
        self._exec(
            "INSERT INTO run_events (run_id, seq, at_ms, kind, detail) VALUES (?,?,?,?,?)",
            (run_id, seq, at_ms, kind, None if detail is None else orjson.dumps(detail).decode()),
        )

    def events(self, run_id: str, after_seq: int, limit: int) -> list[dict[str, Any]]:
        return self._all(
            "SELECT seq, at_ms, kind, detail FROM run_events WHERE run_id = ? AND seq > ? "
            "ORDER BY seq LIMIT ?",
            (run_id, after_seq, limit),
        )
