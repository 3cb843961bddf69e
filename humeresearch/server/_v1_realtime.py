"""v1 realtime sessions: ``/v1/expression/audio/realtime`` and ``/v1/expression/video/realtime``.

One WebSocket connection is one session and one ``realtime`` run. The server sends
``session.created``, answers ``session.update`` (before the first media frame only),
validates and paces binary frames, forwards the simulator's messages and ends with
``session.closed`` carrying the totals.

Pacing (scaled by ``realtime_speed``): audio accepted so far may run at most 1 s ahead
of the wall time since the first accepted frame; video frames draw from a bucket of
3 frames refilled at 3 frames/s. Frames over the pace get ``rate_limited``.

Close codes: 1000 after ``session.closed`` for ``client_request``; 1008
``config_invalid``; 1009 ``message_too_large``; 1011 ``internal_error`` and the
injected ``ws_close`` fault (no ``session.closed``); 1012 ``server_shutdown``.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect

from humeresearch.server._auth import check_v1, v1_unauthorized
from humeresearch.server._media import IMAGE_MAX_PIXELS, jpeg_size
from humeresearch.server._runs import EVENT_CAP, audio_run_config, billed, new_run, video_run_config
from humeresearch.server._util import now_ms
from humeresearch.server._v1_files import AUDIO_FORMAT, IMAGE_FORMAT, RequestError, face_options

AUDIO_MAX_MESSAGE = 1_048_576
AUDIO_MAX_FRAME = 320_000
VIDEO_MAX_MESSAGE = 2_000_000
_CLOSE_CODES = {"config_invalid": 1008, "message_too_large": 1009, "internal_error": 1011}


class _Session:
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
                {"type": "session.closed", "session_id": self.run_id, "reason": reason, **self.totals()}
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
        self.run_id = new_run(self.state, endpoint=self.endpoint, mode="realtime", config=self.run_config())
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
            await self.error("message_invalid", "the message is not a JSON object with a `type`", True)
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


def _check_format(given: Any, fmt: dict[str, Any], name: str) -> None:
    if given is None:
        return
    if not isinstance(given, dict):
        raise RequestError("config_invalid", f"`{name}` must be an object")
    for key, value in given.items():
        if key not in fmt:
            raise RequestError("config_invalid", f"unknown field `{key}` in `{name}`")
        if value is not None and value != fmt[key]:
            raise RequestError("config_invalid", f"`{name}.{key}` must be {fmt[key]!r}, got {value!r}")


class AudioSession(_Session):
    endpoint = "audio"
    max_message = AUDIO_MAX_MESSAGE

    def __init__(self, state: Any, websocket: WebSocket) -> None:
        super().__init__(state, websocket)
        self.timer = 3000
        self.stream: Any = None
        self.first_frame_at: float | None = None
        self.accepted = 0  # bytes of audio accepted
        self.utterances = 0
        self.measurements = 0

    def created(self) -> dict[str, Any]:
        return {"type": "session.created", "session_id": self.run_id, "audio": dict(AUDIO_FORMAT), "measurement_timer_ms": self.timer}

    def updated(self) -> dict[str, Any]:
        return {"type": "session.updated", "audio": dict(AUDIO_FORMAT), "measurement_timer_ms": self.timer}

    def run_config(self) -> dict[str, Any]:
        return audio_run_config(AUDIO_FORMAT, self.timer)

    def apply_update(self, msg: dict[str, Any]) -> None:
        for key in msg:
            if key not in ("type", "audio", "measurement_timer_ms"):
                raise RequestError("config_invalid", f"unknown field `{key}` in session.update")
        _check_format(msg.get("audio"), AUDIO_FORMAT, "audio")
        timer = msg.get("measurement_timer_ms")
        if timer is not None and (isinstance(timer, bool) or not isinstance(timer, int) or not 3000 <= timer <= 10000):
            raise RequestError("config_invalid", f"`measurement_timer_ms` must be an integer 3000-10000, got {timer!r}")
        self.timer = 3000 if timer is None else timer

    def totals(self) -> dict[str, Any]:
        return {
            "received": {"audio_duration_ms": self.accepted // 32},
            "produced": {"utterances": self.utterances, "measurements": self.measurements},
        }

    async def forward(self, messages: list[dict[str, Any]]) -> None:
        for m in messages:
            kind = m.get("type")
            if kind == "utterance.start":
                self.utterances += 1
            elif kind == "measurement.result":
                self.measurements += 1
            await self.send(m)

    async def on_frame(self, data: bytes) -> None:
        if not data or len(data) % 2 or len(data) > AUDIO_MAX_FRAME:
            why = "empty" if not data else ("odd byte count" if len(data) % 2 else "over 10 s (320000 bytes)")
            self.event("invalid_audio_frame", {"detail": why})
            await self.error("invalid_audio_frame", f"the audio frame is invalid: {why}", True)
            return
        now = time.monotonic()
        start = self.first_frame_at if self.first_frame_at is not None else now
        allowed_ms = (now - start) * 1000 * self.speed + 1000
        frame_ms = len(data) / 32
        if self.accepted / 32 + frame_ms > allowed_ms:
            self.event("rate_limited")
            await self.error("rate_limited", "audio is arriving faster than real time; resend the same frame shortly", True)
            return
        self.first_frame_at = start
        if self.stream is None:
            self.stream = self.state.sim.v1_audio_stream(measurement_timer_ms=self.timer, seed=self.seed)
        self.media_started = True
        self.accepted += len(data)
        self.take(len(data), len(data) / 32000)
        try:
            messages = self.stream.feed(data)
        except Exception as exc:
            await self.fatal("internal_error", f"measurement failed: {exc}")
            return
        await self.forward(messages)

    async def close_requested(self) -> None:
        if self.stream is not None:
            try:
                await self.forward(self.stream.close())
            except Exception as exc:
                await self.fatal("internal_error", f"measurement failed: {exc}")
                return
        await self.end("client_request", 1000)


class VideoRealtimeSession(_Session):
    endpoint = "video"
    max_message = VIDEO_MAX_MESSAGE

    def __init__(self, state: Any, websocket: WebSocket) -> None:
        super().__init__(state, websocket)
        self.face = {"threshold": 0.9, "min_size": 60}
        self.vs: Any = None
        self.tokens = 3.0
        self.refilled_at = time.monotonic()
        self.frames = 0  # accepted frames (results and internal errors)
        self.results = 0
        self.faces_measured = 0
        self.failures_in_row = 0

    def created(self) -> dict[str, Any]:
        return {"type": "session.created", "session_id": self.run_id, "image": dict(IMAGE_FORMAT), "face": dict(self.face)}

    def updated(self) -> dict[str, Any]:
        return {"type": "session.updated", "image": dict(IMAGE_FORMAT), "face": dict(self.face)}

    def run_config(self) -> dict[str, Any]:
        return video_run_config(IMAGE_FORMAT, self.face)

    def apply_update(self, msg: dict[str, Any]) -> None:
        for key in msg:
            if key not in ("type", "image", "face"):
                raise RequestError("config_invalid", f"unknown field `{key}` in session.update")
        _check_format(msg.get("image"), IMAGE_FORMAT, "image")
        self.face = face_options(msg.get("face"), ("threshold", "min_size"))

    def totals(self) -> dict[str, Any]:
        return {"received": {"frames": self.frames}, "produced": {"measurements": self.faces_measured}}

    async def on_frame(self, data: bytes) -> None:
        now = time.monotonic()
        rate = 3.0 * self.speed
        self.tokens = min(3.0, self.tokens + (now - self.refilled_at) * rate)
        self.refilled_at = now
        if self.tokens < 1.0:
            self.event("rate_limited")
            await self.error("rate_limited", "frames are arriving faster than 3 per second", True)
            return
        self.tokens -= 1.0
        self.take(len(data), 1 / 3)
        size = jpeg_size(data) if data[:3] == b"\xff\xd8\xff" else None
        why = None
        if not data:
            why = "empty frame"
        elif data[:3] != b"\xff\xd8\xff":
            why = "not a JPEG image"
        elif size is None or 0 in size:
            why = "the JPEG could not be decoded"
        elif size[0] * size[1] > IMAGE_MAX_PIXELS:
            why = f"{size[0]}x{size[1]} is over the {IMAGE_MAX_PIXELS}-pixel limit"
        if why is not None:
            self.event("invalid_image_frame", {"detail": why})
            await self.error("invalid_image_frame", f"the frame was rejected: {why}", True)
            return
        self.media_started = True
        if self.vs is None:
            self.vs = self.state.sim.VideoSession(
                threshold=self.face["threshold"], min_size=self.face["min_size"], seed=self.seed
            )
        self.frames += 1
        try:
            payload = self.state.sim.v1_video_frame(data, session=self.vs)
        except Exception as exc:
            self.failures_in_row += 1
            self.event("inference_failed", {"retryable": True, "consecutive": self.failures_in_row})
            if self.failures_in_row >= 5:
                await self.fatal("internal_error", f"measurement failed 5 times in a row: {exc}")
            else:
                await self.error("internal_error", f"measurement failed: {exc}", True)
            return
        self.failures_in_row = 0
        faces = payload.get("faces", [])
        self.faces_measured += sum(1 for f in faces if f.get("face_id") is not None)
        result = {"type": "measurement.result", "frame_id": self.results, "faces": faces}
        result.update({k: v for k, v in payload.items() if k not in result})
        self.results += 1
        await self.send(result)


async def audio_realtime(websocket: WebSocket) -> None:
    """``/v1/expression/audio/realtime``."""
    await AudioSession(websocket.app.state.hr, websocket).run()


async def video_realtime(websocket: WebSocket) -> None:
    """``/v1/expression/video/realtime``."""
    await VideoRealtimeSession(websocket.app.state.hr, websocket).run()
