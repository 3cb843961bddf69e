"""Starting and stopping the server: socket binding, uvicorn in a thread, the ``Server`` handle."""

from __future__ import annotations

import importlib
import logging
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

try:  # uvicorn's sans-I/O WebSocket protocol (recent uvicorn)
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
except ImportError:  # pragma: no cover - older uvicorn: its default protocol
    WebSocketsSansIOProtocol = None

from humeresearch.server._app import build_app
from humeresearch.server._faults import FaultRule, parse_faults
from humeresearch.server._guard import install_redaction
from humeresearch.server._limits import WS_MAX_SIZE
from humeresearch.server._state import Settings, State
from humeresearch.server._util import is_loopback_host

logger = logging.getLogger("humeresearch.server")


def make_settings(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    api_key: str | None = None,
    seed: int = 0,
    faults: str | list[FaultRule] | tuple[FaultRule, ...] | None = None,
    processing_delay: float = 0.0,
    allow_remote: bool = False,
    realtime_speed: float = 1.0,
) -> Settings:
    """Validated settings (raises ValueError naming the bad option)."""
    if not allow_remote and not is_loopback_host(host):
        raise ValueError(
            f"host {host!r} is not a loopback address; the local server binds only 127.0.0.1, ::1 "
            "or localhost unless allow_remote=True (--allow-remote) is given"
        )
    if not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port must be an integer 0-65535, got {port!r}")
    if processing_delay < 0:
        raise ValueError(f"processing_delay must be >= 0, got {processing_delay}")
    if not realtime_speed > 0:
        raise ValueError(f"realtime_speed must be > 0, got {realtime_speed}")
    if api_key is not None and not api_key:
        raise ValueError("api_key must be a non-empty string or None")
    return Settings(
        host=host,
        port=port,
        data_dir=None if data_dir is None else Path(data_dir),
        api_key=api_key,
        seed=int(seed),
        faults=parse_faults(faults),
        processing_delay=float(processing_delay),
        allow_remote=allow_remote,
        realtime_speed=float(realtime_speed),
    )


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _tracking_protocol(state: State) -> type[H11Protocol]:
    """An h11 protocol that lets the fault middleware reach each connection's transport."""

    class TrackingH11Protocol(H11Protocol):
        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            if self.client:
                state.transports[tuple(self.client[:2])] = transport

        def connection_lost(self, exc: Exception | None) -> None:
            if self.client:
                state.transports.pop(tuple(self.client[:2]), None)
            super().connection_lost(exc)

    return TrackingH11Protocol


if WebSocketsSansIOProtocol is not None:

    class _WebSocketProtocol(WebSocketsSansIOProtocol):
        """uvicorn's sans-I/O WebSocket protocol; a completed denial response (our 401) also
        completes the handshake, so uvicorn does not log a spurious error for it."""

        async def send(self, message: Any) -> None:
            await super().send(message)
            body_done = not message.get("more_body", False)
            if message["type"] == "websocket.http.response.body" and body_done:
                self.handshake_complete = True

    _WS: Any = _WebSocketProtocol
else:  # pragma: no cover
    _WS = "auto"


class _UvicornServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, state: State) -> None:
        super().__init__(config)
        self.hr_state = state

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # realtime sessions get session.closed(server_shutdown) before connections drop
        await self.hr_state.shutdown_sessions()
        await super().shutdown(sockets)


def prepare(
    settings: Settings, *, log_level: str = "warning", preload: bool = True
) -> tuple[_UvicornServer, socket.socket, State]:
    """Bind the socket and build the uvicorn server (not yet running).

    ``preload=False`` imports the simulator in a background thread instead of now, so
    that ``humeresearch serve`` answers sooner (the first simulated request waits for it).
    """
    sock = _bind(settings.host, settings.port)
    if preload:
        state = State(settings, importlib.import_module("humeresearch.simulate"))
    else:
        state = State(settings)
        threading.Thread(target=lambda: state.sim, name="humeresearch-preload", daemon=True).start()
    config = uvicorn.Config(
        build_app(state),
        http=_tracking_protocol(state),
        ws=_WS,
        lifespan="on",
        log_level=log_level,
        access_log=False,
        ws_max_size=WS_MAX_SIZE,
        timeout_graceful_shutdown=3,
        timeout_keep_alive=30,
        backlog=2048,
    )
    uv = _UvicornServer(config, state)  # its Config has configured uvicorn's loggers
    install_redaction(settings.api_key)
    return uv, sock, state


def base_urls(sock: socket.socket) -> tuple[str, str, int]:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}", f"ws://{shown}:{port}", port


class Server:
    """A running local server (from :func:`humeresearch.server.start`).

    Attributes
    ----------
    url : str
        HTTP base URL, e.g. ``"http://127.0.0.1:54321"``.
    ws_url : str
        WebSocket base URL, e.g. ``"ws://127.0.0.1:54321"``.
    port : int
        The bound port.

    Examples
    --------
    >>> from humeresearch import server
    >>> srv = server.start()
    >>> srv.url.startswith("http://127.0.0.1:"), srv.counters()["faults"]
    (True, [])
    >>> srv.stop()
    """

    def __init__(
        self, uv: _UvicornServer, sock: socket.socket, state: State, thread: threading.Thread
    ) -> None:
        self._uv = uv
        self._sock = sock
        self._state = state
        self._thread = thread
        self.url, self.ws_url, self.port = base_urls(sock)
        self._stopped = False

    @property
    def settings(self) -> Settings:
        """The settings the server runs with (the API key is hidden from the repr)."""
        return self._state.settings

    def counters(self) -> dict[str, Any]:
        """The debug counters (same content as ``GET /_debug/counters``).

        Examples
        --------
        >>> import httpx
        >>> from humeresearch import server
        >>> with server.start() as srv:
        ...     _ = httpx.get(srv.url + "/v0/batch/jobs")
        ...     srv.counters()["requests"]
        {'GET /v0/batch/jobs': 1}
        """
        return self._state.counters.snapshot(self._state.faults.log())

    def stop(self, *, timeout: float = 10.0) -> None:
        """Stop serving: live realtime sessions get ``server_shutdown``; jobs resume on restart.

        Waits up to ``timeout`` seconds for the serving thread; stopping twice does nothing.

        Examples
        --------
        >>> from humeresearch import server
        >>> srv = server.start()
        >>> srv.stop(timeout=5.0)
        >>> srv.stop()  # a second stop does nothing
        """
        if self._stopped:
            return
        self._stopped = True
        self._uv.should_exit = True
        self._thread.join(timeout)
        self._sock.close()
        self._state.store.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        auth = "on" if self._state.settings.api_key else "off"
        state = "stopped" if self._stopped else "running"
        return (
            f"<humeresearch Server {self.url} auth={auth} seed={self._state.settings.seed} {state}>"
        )


def start_in_thread(settings: Settings, *, startup_timeout: float = 15.0) -> Server:
    """Run a server in a daemon thread and wait until it accepts connections."""
    uv, sock, state = prepare(settings)
    failure: list[BaseException] = []

    def target() -> None:
        try:
            uv.run(sockets=[sock])
        except BaseException as exc:  # surfaced to the caller below
            failure.append(exc)

    thread = threading.Thread(target=target, name="humeresearch-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not uv.started:
        if failure or not thread.is_alive() or time.monotonic() > deadline:
            uv.should_exit = True
            sock.close()
            state.store.close()
            raise RuntimeError(f"the server did not start: {failure[0] if failure else 'timeout'}")
        time.sleep(0.005)
    return Server(uv, sock, state, thread)
