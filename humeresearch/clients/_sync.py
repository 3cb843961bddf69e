"""Running a coroutine from synchronous code, also inside a running event loop (Jupyter)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion: ``asyncio.run``, or in a worker thread inside a loop.

    Examples
    --------
    >>> async def two():
    ...     return 2
    >>> run_sync(two())
    2
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="humeresearch") as pool:
        return pool.submit(asyncio.run, coro).result()


def ws_url(base_url: str) -> str:
    """The WebSocket root of an HTTP base URL (``http`` -> ``ws``, ``https`` -> ``wss``).

    Examples
    --------
    >>> ws_url("http://127.0.0.1:8000/"), ws_url("https://api.hume.ai")
    ('ws://127.0.0.1:8000', 'wss://api.hume.ai')
    """
    url = base_url.rstrip("/")
    if url.startswith("https://"):
        return "wss://" + url[len("https://") :]
    if url.startswith("http://"):
        return "ws://" + url[len("http://") :]
    return url
