"""Settings, counters and the shared state of one running server."""

from __future__ import annotations

import asyncio
import importlib
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from humeresearch.server._faults import FaultInjector, FaultRule
from humeresearch.server._store import Store


@dataclass(frozen=True)
class Settings:
    """Everything ``start`` and ``humeresearch serve`` were told."""

    host: str = "127.0.0.1"
    port: int = 0
    data_dir: Path | None = None
    api_key: str | None = field(default=None, repr=False)
    seed: int = 0
    faults: tuple[FaultRule, ...] = ()
    processing_delay: float = 0.0
    allow_remote: bool = False
    realtime_speed: float = 1.0


class Counters:
    """Thread-safe request and content counters for ``GET /_debug/counters``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.jobs_by_content: Counter[str] = Counter()
        self.uploads_by_content: Counter[str] = Counter()

    def request(self, key: str) -> None:
        with self._lock:
            self.requests[key] += 1

    def job(self, digest: str) -> None:
        with self._lock:
            self.jobs_by_content[digest] += 1

    def upload(self, digest: str) -> None:
        with self._lock:
            self.uploads_by_content[digest] += 1

    def snapshot(self, faults: list[dict[str, Any]]) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": dict(self.requests),
                "jobs_by_content": dict(self.jobs_by_content),
                "uploads_by_content": dict(self.uploads_by_content),
                "faults": faults,
            }


class State:
    """Shared state of one server: settings, store, counters, faults and live work."""

    def __init__(self, settings: Settings, simulator: ModuleType | None = None) -> None:
        self.settings = settings
        self._sim = simulator
        self.store = Store(settings.data_dir)
        self.counters = Counters()
        self.faults = FaultInjector(settings.faults, seed=settings.seed)
        # client address -> transport, filled by the tracking protocol (see _run.py)
        self.transports: dict[tuple[Any, ...], asyncio.Transport] = {}
        # live realtime sessions (objects with an async ``shutdown()``)
        self.sessions: set[Any] = set()
        # background job tasks (kept referenced so they are not collected)
        self.tasks: set[asyncio.Task[Any]] = set()
        # run_id -> live run fields overriding the stored row while a session runs
        self.live_runs: dict[str, dict[str, Any]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        # memory-heavy work (a v0 simulation, an artifacts zip) runs one at a time
        self.heavy = asyncio.Semaphore(1)

    @property
    def sim(self) -> ModuleType:
        """:mod:`humeresearch.simulate`, imported on first use (keeps start-up fast)."""
        if self._sim is None:
            self._sim = importlib.import_module("humeresearch.simulate")
        return self._sim

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        """Run ``coro`` in the background, keeping a reference until it ends."""
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def shutdown_sessions(self, timeout: float = 2.0) -> None:
        """Tell every live realtime session that the server shuts down."""
        sessions = list(self.sessions)
        if sessions:
            await asyncio.wait(
                [asyncio.ensure_future(s.shutdown()) for s in sessions], timeout=timeout
            )
