"""The realtime session machinery shared by the v1 audio and video WebSockets.

A session owns its run: it records the run (``live`` while connected), its events
(capped per kind), metered seconds and bytes, and ends it with ``session.closed``
and a close code. Subclasses supply the messages and the frame handling.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect

from humeresearch.server._auth import check_v1, v1_unauthorized
from humeresearch.server._runs import EVENT_CAP, billed, new_run
from humeresearch.server._util import now_ms
from humeresearch.server._v1_files import RequestError

_CLOSE_CODES = {"config_invalid": 1008, "message_too_large": 1009, "internal_error": 1011}


class Session:
    endpoint = ""
    max_message = 0

    def __init__(self, state: Any, websocket: WebSocket) -> None:
        self.state = state
        self.ws = websocket
        self.speed = state.settings.realtime_speed
        self.seed = state.settings.seed
        self.route = f"WS {websocket.url.path}"
        self.closed = False
        self.media_started = False
        self.bytes_received = 0
        self.metered = 0.0
        self.took_media = False
        self.event_seq = 0
        self.event_counts: Counter[str] = Counter()
        self.capped: list[str] = []
        self.send_lock = asyncio.Lock()
        self.run_id = ""

    # ---------------------------------------------------------------- plumbing
    async def send(self, message: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.ws.send_text(orjson.dumps(message).decode())

    async def error(self, code: str, message: str, retryable: bool) -> None:
        await self.send({"type": "error", "code": code, "message": message, "retryable": retryable})

    def event(self, kind: str, detail: dict[str, Any] | None = None) -> None:
        """Record a run event (each kind is capped at ``EVENT_CAP`` entries)."""
        self.event_counts[kind] += 1
        if self.event_counts[kind] > EVENT_CAP:
            if kind not in self.capped:
                self.capped.append(kind)
                self.live()["capped_kinds"] = list(self.capped)
            return
        self.event_seq += 1
        self.state.store.add_event(self.run_id, self.event_seq, now_ms(), kind, detail)

    def live(self) -> dict[str, Any]:
        return self.state.live_runs.setdefault(self.run_id, {})

    def take(self, nbytes: int, seconds: float) -> None:
        self.took_media = True
        self.bytes_received += nbytes
        self.metered += seconds
        self.live()["metered_seconds"] = self.metered

    def finish_run(self, status: str, close_code: int | None, close_reason: str | None) -> None:
        if self.run_id not in self.state.live_runs and self.closed:
            return
        self.state.live_runs.pop(self.run_id, None)
        self.state.store.update_run(
            self.run_id,
            status=status,
            ended_ms=now_ms(),
            bytes_received=self.bytes_received,
            metered_seconds=billed(self.metered, self.took_media),
            close_code=close_code,
            close_reason=close_reason,
            capped_kinds=self.capped,
        )

    async def end(self, reason: str, close_code: int) -> None:
        """Send ``session.closed``, close the socket and finish the run."""
        if self.closed:
            return
        self.closed = True
        try:
            await self.send(
                {
                    "type": "session.closed",
                    "session_id": self.run_id,
                    "reason": reason,
                    **self.totals(),
                }
            )
            await self.ws.close(code=close_code, reason=reason)
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass
        self.finish_run("errored" if reason == "error" else "ended", close_code, reason)

    async def fatal(self, code: str, message: str, kind: str | None = None, **detail: Any) -> None:
        if kind:
            self.event(kind, detail or None)
        await self.error(code, message, False)
        await self.end("error", _CLOSE_CODES.get(code, 1011))

    async def shutdown(self) -> None:
        """Server stop: ``session.closed`` with ``server_shutdown`` (close code 1012)."""
        await self.end("server_shutdown", 1012)

    # ---------------------------------------------------------------- main loop
    async def run(self) -> None:
        reason = check_v1(self.state.settings.api_key, self.ws.headers)
        if reason is not None:
            await self.ws.send_denial_response(v1_unauthorized(reason))
            return
        await self.ws.accept()
        self.run_id = new_run(
            self.state, endpoint=self.endpoint, mode="realtime", config=self.run_config()
        )
        self.live()["metered_seconds"] = 0.0
        self.state.sessions.add(self)
        fault = self.state.faults.pick("ws", self.route, self.ws.url.path)
        received = 0
        try:
            await self.send(self.created())
            while not self.closed:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    self.on_disconnect(message)
                    break
                received += 1
                data, text = message.get("bytes"), message.get("text")
                size = len(data) if data is not None else len((text or "").encode())
                if size > self.max_message:
                    await self.fatal(
                        "message_too_large",
                        f"the message is {size} bytes, over the {self.max_message}-byte limit",
                        "message_too_large",
                        limit_bytes=self.max_message,
                    )
                elif data is not None:
                    await self.on_frame(data)
                else:
                    await self.on_text(text or "")
                if fault is not None and not self.closed and received >= fault.value:
                    await self.inject(fault.kind, received)
        except WebSocketDisconnect as exc:
            self.on_disconnect({"code": exc.code, "reason": exc.reason})
        finally:
            self.state.sessions.discard(self)
            if self.run_id in self.state.live_runs:
                self.closed = True
                self.finish_run("errored", 1011, "error")

    def on_disconnect(self, message: dict[str, Any]) -> None:
        code = message.get("code") or 1006
        text = message.get("reason") or ""
        self.closed = True
        status = "ended" if code in (1000, 1001) else "errored"
        self.finish_run(status, code, text or ("error" if code == 1006 else None))

    async def inject(self, kind: str, received: int) -> None:
        self.state.faults.record(kind, self.route, run_id=self.run_id, after_messages=received)
        if kind == "shutdown":
            await self.end("server_shutdown", 1012)
            return
        self.closed = True
        try:
            await self.ws.close(code=1011, reason="injected fault")
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass
        self.finish_run("errored", 1011, "error")

    async def on_text(self, text: str) -> None:
        try:
            msg = orjson.loads(text)
        except orjson.JSONDecodeError:
            msg = None
        if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
            await self.error(
                "message_invalid", "the message is not a JSON object with a `type`", True
            )
            return
        kind = msg["type"]
        if kind == "session.close":
            await self.close_requested()
        elif kind == "session.update":
            if self.media_started:
                await self.fatal("config_invalid", "session.update after the first media frame")
                return
            try:
                self.apply_update(msg)
            except RequestError as exc:
                await self.fatal("config_invalid", exc.message)
                return
            self.state.store.update_run(self.run_id, config=self.run_config())
            await self.send(self.updated())
        else:
            await self.error("message_invalid", f"unknown message type {kind!r}", True)

    async def close_requested(self) -> None:
        await self.end("client_request", 1000)

    # ---------------------------------------------------------------- per endpoint
    def created(self) -> dict[str, Any]:
        raise NotImplementedError

    def updated(self) -> dict[str, Any]:
        raise NotImplementedError

    def run_config(self) -> dict[str, Any]:
        raise NotImplementedError

    def apply_update(self, msg: dict[str, Any]) -> None:
        raise NotImplementedError

    def totals(self) -> dict[str, Any]:
        raise NotImplementedError

    async def on_frame(self, data: bytes) -> None:
        raise NotImplementedError


def check_format(given: Any, fmt: dict[str, Any], name: str) -> None:
    if given is None:
        return
    if not isinstance(given, dict):
        raise RequestError("config_invalid", f"`{name}` must be an object")
    for key, value in given.items():
        if key not in fmt:
            raise RequestError("config_invalid", f"unknown field `{key}` in `{name}`")
        if value is not None and value != fmt[key]:
            raise RequestError(
                "config_invalid", f"`{name}.{key}` must be {fmt[key]!r}, got {value!r}"
            )
