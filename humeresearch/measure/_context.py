"""What the per-input runners share: ledger, client, configuration, events, cancellation."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from humeresearch.clients import RetryPolicy
from humeresearch.measure._config import Resolved
from humeresearch.measure._inputs import Item, short
from humeresearch.measure._ledger import Key, Ledger


class Cancel:
    """A handle that stops a running :func:`humeresearch.measure` cleanly.

    Pass it as ``cancel=`` and call :meth:`cancel` from anywhere (another thread, a
    notebook button). Inputs not started are left for a later call; started ones stop
    at their next step (a v0 job keeps its id and is re-attached, never recreated).

    Examples
    --------
    >>> c = Cancel()
    >>> c.cancelled, c.cancel(), c.cancelled
    (False, None, True)
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the measurement to stop.

        Examples
        --------
        >>> import tempfile
        >>> from humeresearch.measure import Text, measure
        >>> stop = Cancel()
        >>> stop.cancel()  # before anything started: every input is left for later
        >>> table = measure([Text("Hello.")], api="v0", project=tempfile.mkdtemp(),
        ...                 base_url="http://127.0.0.1:9", cancel=stop, progress=False)
        >>> stop.cancelled, len(table)
        (True, 0)
        """
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._event.is_set()

    def __repr__(self) -> str:
        return f"<Cancel cancelled={self.cancelled}>"


class Stopped(Exception):
    """Internal: the measurement was cancelled at a checkpoint."""


class InputFailed(Exception):
    """Internal: one input failed; the message is its reason."""


Emit = Callable[..., None]
Progress = bool | Callable[[dict[str, Any]], None] | None


@dataclass
class Events:
    """Per-input events to a callback and a tqdm bar."""

    callback: Callable[[dict[str, Any]], None] | None
    bar: Any
    started: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def __call__(self, item: Item, state: str, **extra: Any) -> None:
        t0 = self.started.setdefault(item.name, time.monotonic())
        event = {
            "input": item.name,
            "state": state,
            "job_id": extra.get("job_id"),
            "run_id": extra.get("run_id"),
            "elapsed": time.monotonic() - t0,
            "reason": extra.get("reason"),
        }
        if state in ("done", "failed", "skipped", "cancelled", "over_budget"):
            self.counts[state] = self.counts.get(state, 0) + 1
            if self.bar is not None:
                self.bar.update(1)
                self.bar.set_postfix({k: v for k, v in self.counts.items()}, refresh=False)
        if self.callback is not None:
            self.callback(event)


def events_for(progress: Progress, total: int) -> Events:
    bar = None
    if progress is None or progress is True:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc="measure", unit="input")
    return Events(progress if callable(progress) else None, bar)


@dataclass
class Context:
    """State shared by the runners of one ``measure`` call."""

    ledger: Ledger
    project: Path
    resolved: Resolved
    client: Any
    cancel: Cancel
    emit: Emit
    secret: str | None
    retry: RetryPolicy = field(default_factory=lambda: RetryPolicy(attempts=6, backoff=0.2))
    poll: float = 0.1
    max_poll: float = 5.0
    inflight: Counter[tuple[str, int]] = field(default_factory=Counter)
    claimed: set[str] = field(default_factory=set)

    @property
    def api(self) -> str:
        return self.resolved.api

    def key(self, item: Item) -> Key:
        """The ledger key of ``item``."""
        return (item.content_hash, self.api, self.resolved.digest)

    def raw_dir(self, item: Item) -> Path:
        """Where the raw responses of ``item`` are stored (created)."""
        rel = Path("raw") / self.api / f"{short(item.content_hash)}-{short(self.resolved.digest)}"
        path = self.project / rel
        path.mkdir(parents=True, exist_ok=True)
        return path

    def rel(self, path: Path) -> str:
        """``path`` relative to the project, POSIX form."""
        return path.relative_to(self.project).as_posix()

    def check(self) -> None:
        """Raise Stopped when cancelled."""
        if self.cancel.cancelled:
            raise Stopped

    def scrub(self, text: str) -> str:
        """``text`` without the API key."""
        return text.replace(self.secret, "***") if self.secret else text

    async def sleep(self, seconds: float) -> None:
        """Sleep, waking early (and raising Stopped) when cancelled."""
        deadline = time.monotonic() + seconds
        while True:
            self.check()
            left = deadline - time.monotonic()
            if left <= 0:
                return
            await asyncio.sleep(min(left, 0.1))


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
