"""A local Hume-compatible server: the v0 and v1 contracts on 127.0.0.1, simulated answers.

``humeresearch serve`` (or :func:`start` in-process) speaks the v0 batch REST API, the
v0 streaming WebSocket, the v1 upload endpoints, both v1 realtime WebSockets and the
v1 runs endpoints, closely enough that the official SDKs (``hume==0.13.13``,
``hume-expression-measurement==0.1.0``) work against it unchanged. Every prediction
comes from :mod:`humeresearch.simulate`: deterministic for a seed, plausible in
shape, and marked as simulated. Nothing leaves the machine.

Why Starlette + uvicorn: both are small, widely used and well maintained; Starlette
gives routing, request/response and WebSocket objects over plain ASGI (so faults can
be injected as middleware), and uvicorn serves HTTP/1.1 and WebSockets (via the
``websockets`` library the SDKs use too) from one event loop in a thread, which is
what an in-process test server needs. python-multipart parses uploads.

Extra endpoint: ``GET /_debug/counters`` returns requests per route
(``"POST /v0/batch/jobs"``), v0 jobs and v1 uploads per content hash (so a test can
prove a client created a job exactly once) and the list of injected faults.
See :mod:`humeresearch.server._faults` for the ``faults`` grammar.

Safety (the server is meant to be left running on a workstation): only loopback ``Host``
headers are answered unless ``allow_remote``; requests of a foreign web page (a non-loopback
``Origin``) are refused on WebSockets and on every state-changing request; secrets in URLs
never reach the log; the data directory is created 0700 and its files 0600; every size
is limited (:mod:`humeresearch.server._limits` lists the limits and the memory they bound).

Importing this package needs no optional dependency; :func:`start` and :class:`Server`
need the ``server`` extra (``pip install "humeresearch[server]"``) and say so.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

from humeresearch.server._faults import FaultRule, parse_faults
from humeresearch.wire import content_hash

if TYPE_CHECKING:
    from humeresearch.server._run import Server

__all__ = ["FaultRule", "Server", "content_hash", "parse_faults", "start"]


def _run_module() -> Any:
    """``humeresearch.server._run``, or an ImportError naming the extra to install."""
    try:
        return importlib.import_module("humeresearch.server._run")
    except ModuleNotFoundError as exc:
        if (exc.name or "humeresearch").partition(".")[0] == "humeresearch":
            raise
        raise ImportError(
            f"the local server needs the optional dependency {exc.name!r} of the 'server' "
            'extra; install it with: pip install "humeresearch[server]"'
        ) from exc


def __getattr__(name: str) -> Any:
    if name == "Server":
        return _run_module().Server
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def start(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    data_dir: str | os.PathLike[str] | None = None,
    api_key: str | None = None,
    seed: int = 0,
    faults: str | list[FaultRule] | tuple[FaultRule, ...] | None = None,
    processing_delay: float = 0.0,
    allow_remote: bool = False,
    realtime_speed: float = 1.0,
) -> Server:
    """Start a local Hume-compatible server in a background thread.

    Parameters
    ----------
    host : str, default "127.0.0.1"
        Address to bind; anything but loopback needs ``allow_remote=True``.
    port : int, default 0
        Port to bind; 0 picks a free one (see ``Server.port``).
    data_dir : path, optional
        Directory of the SQLite store of v0 jobs and v1 runs; a server restarted on
        the same directory still serves them (and resumes unfinished jobs). ``None``
        keeps everything in memory.
    api_key : str, optional
        When set, every request must carry it (``X-Hume-Api-Key``; v0 also
        ``apiKey``/``apikey`` query; v1 alternatively ``Authorization: Bearer``).
        Never logged or shown.
    seed : int, default 0
        Seed of the simulated predictions and of probabilistic faults.
    faults : str or list of FaultRule, optional
        Fault injection rules, e.g. ``"429:0.1,slow:0.1@2.0,fail_job:0.1"`` or
        ``"POST /v0/batch/jobs=drop_after:#1"`` (grammar in ``_faults``).
    processing_delay : float, default 0.0
        Seconds from creation to the end of a v0 job (it starts after a quarter of it).
    allow_remote : bool, default False
        Allow binding a non-loopback address and answering requests whose ``Host``
        header is not loopback.
    realtime_speed : float, default 1.0
        Multiplier of the realtime pacing limits (1 s of audio per second, 3 frames
        per second); tests use e.g. 50 to stream fast and still hit ``rate_limited``.

    Returns
    -------
    Server
        ``.url``, ``.ws_url``, ``.port``, ``.counters()``, ``.stop()``; a context manager.

    Raises
    ------
    ImportError
        When the ``server`` extra is not installed (the message names the install command).

    Examples
    --------
    >>> import httpx
    >>> from humeresearch import server
    >>> with server.start(seed=1) as srv:
    ...     r = httpx.post(srv.url + "/v0/batch/jobs", json={"text": ["I am happy."]})
    ...     "job_id" in r.json()
    True
    """
    run = _run_module()
    settings = run.make_settings(
        host,
        port,
        data_dir=data_dir,
        api_key=api_key,
        seed=seed,
        faults=faults,
        processing_delay=processing_delay,
        allow_remote=allow_remote,
        realtime_speed=realtime_speed,
    )
    return run.start_in_thread(settings)  # type: ignore[no-any-return]
