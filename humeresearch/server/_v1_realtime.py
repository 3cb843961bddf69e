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

import time
from typing import Any

from starlette.websockets import WebSocket

from humeresearch.server._media import IMAGE_MAX_PIXELS, jpeg_size
from humeresearch.server._runs import audio_run_config, video_run_config
from humeresearch.server._session import Session, check_format
from humeresearch.server._v1_files import AUDIO_FORMAT, IMAGE_FORMAT, RequestError, face_options

AUDIO_MAX_MESSAGE = 1_048_576
AUDIO_MAX_FRAME = 320_000
VIDEO_MAX_MESSAGE = 2_000_000


class AudioSession(Session):
    endpoint = "audio"
    max_message = AUDIO_MAX_MESSAGE

    def __init__(self, state: Any, websocket: WebSocket) -> None:
        super().__init__(state, websocket)
        self.timer = 3000
        self.stream: Any = None
        self.first_frame_at: float | None = None
        self.accepted = 0  # bytes of audio accepted
        self.frames = 0  # frames accepted
        self.utterances = 0
        self.measurements = 0

    def created(self) -> dict[str, Any]:
        return {
            "type": "session.created",
            "session_id": self.run_id,
            "audio": dict(AUDIO_FORMAT),
            "measurement_timer_ms": self.timer,
            "simulated": True,
        }

    def updated(self) -> dict[str, Any]:
        return {
            "type": "session.updated",
            "audio": dict(AUDIO_FORMAT),
            "measurement_timer_ms": self.timer,
        }

    def run_config(self) -> dict[str, Any]:
        return audio_run_config(AUDIO_FORMAT, self.timer)

    def apply_update(self, msg: dict[str, Any]) -> None:
        for key in msg:
            if key not in ("type", "audio", "measurement_timer_ms"):
                raise RequestError("config_invalid", f"unknown field `{key}` in session.update")
        check_format(msg.get("audio"), AUDIO_FORMAT, "audio")
        timer = msg.get("measurement_timer_ms")
        if timer is not None and (
            isinstance(timer, bool) or not isinstance(timer, int) or not 3000 <= timer <= 10000
        ):
            raise RequestError(
                "config_invalid",
                f"`measurement_timer_ms` must be an integer 3000-10000, got {timer!r}",
            )
        self.timer = 3000 if timer is None else timer

    def totals(self) -> dict[str, Any]:
        return {
            "received": {"audio_duration_ms": self.accepted // 32, "frames": self.frames},
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
            why = (
                "empty"
                if not data
                else ("odd byte count" if len(data) % 2 else "over 10 s (320000 bytes)")
            )
            self.event("invalid_audio_frame", {"detail": why})
            await self.error("invalid_audio_frame", f"the audio frame is invalid: {why}", True)
            return
        now = time.monotonic()
        start = self.first_frame_at if self.first_frame_at is not None else now
        allowed_ms = (now - start) * 1000 * self.speed + 1000
        frame_ms = len(data) / 32
        if self.accepted / 32 + frame_ms > allowed_ms:
            self.event("rate_limited")
            await self.error(
                "rate_limited",
                "audio is arriving faster than real time; resend the same frame shortly",
                True,
            )
            return
        self.first_frame_at = start
        if self.stream is None:
            self.stream = self.state.sim.v1_audio_stream(
                measurement_timer_ms=self.timer, seed=self.seed
            )
        self.media_started = True
        self.frames += 1
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


class VideoRealtimeSession(Session):
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
        return {
            "type": "session.created",
            "session_id": self.run_id,
            "image": dict(IMAGE_FORMAT),
            "face": dict(self.face),
            "simulated": True,
        }

    def updated(self) -> dict[str, Any]:
        return {"type": "session.updated", "image": dict(IMAGE_FORMAT), "face": dict(self.face)}

    def run_config(self) -> dict[str, Any]:
        return video_run_config(IMAGE_FORMAT, self.face)

    def apply_update(self, msg: dict[str, Any]) -> None:
        for key in msg:
            if key not in ("type", "image", "face"):
                raise RequestError("config_invalid", f"unknown field `{key}` in session.update")
        check_format(msg.get("image"), IMAGE_FORMAT, "image")
        self.face = face_options(msg.get("face"), ("threshold", "min_size"))

    def totals(self) -> dict[str, Any]:
        return {
            "received": {"frames": self.frames},
            "produced": {"measurements": self.faces_measured},
        }

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
        try:
            payload = self.state.sim.v1_video_frame(data, session=self.vs)
        except Exception as exc:
            if getattr(exc, "code", None) == "invalid_image_frame":
                why = getattr(exc, "message", str(exc))
                self.event("invalid_image_frame", {"detail": why})
                await self.error("invalid_image_frame", f"the frame was rejected: {why}", True)
                return
            self.frames += 1  # a frame that failed with internal_error still counts
            self.failures_in_row += 1
            self.event("inference_failed", {"retryable": True, "consecutive": self.failures_in_row})
            if self.failures_in_row >= 5:
                await self.fatal("internal_error", f"measurement failed 5 times in a row: {exc}")
            else:
                await self.error("internal_error", f"measurement failed: {exc}", True)
            return
        self.frames += 1
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
