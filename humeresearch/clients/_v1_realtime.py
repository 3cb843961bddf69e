"""Client of the v1 realtime WebSockets (``hume-v1.md`` §6-§9): audio and video.

Audio goes out in 100 ms frames (3,200 bytes) paced at no more than real time
(``speed`` scales the pace for a server whose ``realtime_speed`` is raised). A
``rate_limited`` error is answered by waiting and sending the same frame again (the
error belongs to the frame sent last: frames are at least ``settle`` seconds apart, so
its reply comes before the next frame goes), so the stream stays continuous. When a session ends early
(``server_shutdown``, ``internal_error``, a lost connection) a new session continues
from the first sample the old one did not take: ``session.closed`` (or the run's
``bytes_received``) tells how much it took, and the new session's offset on the
recording's clock is set from it, since a new session restarts its times at 0.

Video frames go out at no more than 3 per second; every frame gets one reply, matched
to the oldest unanswered frame (``measurement.result``, or an ``error`` of code
``invalid_image_frame``, ``rate_limited`` or ``internal_error``); rate-limited and
retryable frames are sent again, and ``frame_id``\\ s are mapped back to the frames'
times on the recording's clock.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Sequence
from typing import Any

from humeresearch.clients._errors import ApiError, ConfigError, TransportError
from humeresearch.clients._http import HttpClient, resolve_key, scrub
from humeresearch.clients._sync import run_sync, ws_url
from humeresearch.clients._v1_config import AudioConfig, VideoConfig
from humeresearch.clients._v1_sessions import RealtimeResult, RealtimeSession

#: bytes of one 100 ms audio frame (16 kHz mono s16le).
FRAME_BYTES = 3200
BYTES_PER_SECOND = 32000
AUDIO_PATH = "/v1/expression/audio/realtime"
VIDEO_PATH = "/v1/expression/video/realtime"
_FRAME_ERRORS = ("invalid_image_frame", "rate_limited", "internal_error")


class _Socket:
    """One session's connection: a reader task collecting messages."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.messages: list[dict[str, Any]] = []
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.closed = asyncio.Event()
        self.close_code: int | None = None
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for text in self.ws:
                if isinstance(text, bytes):
                    continue
                msg = json.loads(text)
                self.messages.append(msg)
                await self.inbox.put(msg)
                if msg.get("type") == "session.closed":
                    break
        except Exception:
            pass
        finally:
            self.close_code = getattr(self.ws, "close_code", None)
            self.closed.set()
            await self.inbox.put({"type": "_closed"})

    async def next(self, kinds: Sequence[str], timeout: float) -> dict[str, Any]:
        """The next message of one of ``kinds`` (``_closed`` when the socket ended)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            msg = await asyncio.wait_for(self.inbox.get(), max(left, 0.001))
            if msg["type"] in kinds or msg["type"] == "_closed":
                return msg

    async def finish(self, timeout: float) -> None:
        """Ask for ``session.close`` and wait for the session to end."""
        if not self.closed.is_set():
            try:
                await self.ws.send(json.dumps({"type": "session.close"}))
            except Exception:
                pass
        try:
            await asyncio.wait_for(self.closed.wait(), timeout)
        except asyncio.TimeoutError:
            pass
        try:
            await self.ws.close()
        except Exception:
            pass
        self.task.cancel()

    def closed_message(self) -> dict[str, Any] | None:
        return next((m for m in self.messages if m.get("type") == "session.closed"), None)


class V1RealtimeClient:
    """The v1 realtime endpoints: a recording's audio or frames, paced, across sessions.

    Parameters
    ----------
    base_url : str, optional
        Server root, HTTP or WebSocket form (default ``https://api.cloud.hume.ai``).
    api_key : str, optional
        Defaults to ``HUME_API_KEY``; sent only in the handshake's ``X-Hume-Api-Key``.
    speed : float, default 1.0
        Pace as a multiple of real time (1 s of audio, 3 frames, per second); keep 1.0
        against Hume; raise it only together with a local server's ``realtime_speed``.
    max_sessions : int, default 20
        Sessions one recording may take before the client gives up.
    reply_timeout : float, default 30.0
        Seconds to wait for the server at the start and the end of a session.
    settle : float, default 0.02
        Least seconds between two audio frames, so that a ``rate_limited`` reply
        arrives before the next frame goes and is put on the right frame (at real-time
        pacing frames are 0.1 s apart and this costs nothing).

    Examples
    --------
    >>> import numpy as np
    >>> from humeresearch import server
    >>> from humeresearch.media import Audio
    >>> t = np.arange(16000 * 4) / 16000
    >>> voice = Audio((np.sin(2 * np.pi * 180 * t) * 9000 * (t < 3)).astype("<i2").tobytes())
    >>> with server.start(realtime_speed=20) as srv:
    ...     result = V1RealtimeClient(srv.url, speed=20).audio(voice, source="v")
    >>> [s.reason for s in result.sessions], result.sessions[0].accepted_seconds
    (['client_request'], 4.0)
    >>> bool(result.read().spans()["end"].max() <= 4.0)
    True
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        speed: float = 1.0,
        max_sessions: int = 20,
        reply_timeout: float = 30.0,
        settle: float = 0.02,
    ) -> None:
        if not speed > 0:
            raise ValueError(f"V1RealtimeClient: speed must be positive, got {speed!r}")
        self.base_url = (base_url or "https://api.cloud.hume.ai").rstrip("/")
        self._api_key = api_key
        self._secret = resolve_key(api_key)
        self.speed = speed
        self.max_sessions = max_sessions
        self.reply_timeout = reply_timeout
        self.settle = settle

    def __repr__(self) -> str:
        key = "set" if self._secret is not None else "none"
        return f"<V1RealtimeClient {self.base_url} api_key={key} speed={self.speed:g}>"

    async def _open(self, path: str, update: dict[str, Any]) -> tuple[_Socket, str]:
        from websockets.asyncio.client import connect

        headers = {"X-Hume-Api-Key": self._secret.reveal()} if self._secret else {}
        url = ws_url(self.base_url) + path
        try:
            ws = await connect(url, additional_headers=headers, max_size=None, open_timeout=10)
        except Exception as exc:
            raise TransportError(
                f"WS {url}: not connected ({scrub(str(exc), self._secret)})", sent=False
            ) from None
        sock = _Socket(ws)
        created = await sock.next(("session.created",), self.reply_timeout)
        if created["type"] != "session.created":
            raise TransportError(f"WS {url}: closed before session.created", sent=True)
        if len(update) > 1:
            await ws.send(json.dumps(update))
            answer = await sock.next(("session.updated", "error"), self.reply_timeout)
            if answer["type"] != "session.updated":
                await sock.finish(1.0)
                raise ConfigError("session.update", str(answer.get("message", answer)))
        return sock, str(created["session_id"])

    # ------------------------------------------------------------------ audio
    async def audio_async(
        self,
        audio: Any,
        *,
        config: AudioConfig | None = None,
        source: str = "audio",
        frame_bytes: int = FRAME_BYTES,
        retry_wait: float = 0.05,
    ) -> RealtimeResult:
        """Stream a recording's audio (an :class:`~humeresearch.media.Audio` or a path).

        Returns every session's messages with its offset; :meth:`RealtimeResult.read`
        puts the measurements on the recording's clock.

        Examples
        --------
        >>> import asyncio
        >>> import numpy as np
        >>> from humeresearch import server
        >>> from humeresearch.media import Audio
        >>> t = np.arange(16000 * 2) / 16000
        >>> voice = Audio((np.sin(2 * np.pi * 180 * t) * 9000).astype("<i2").tobytes())
        >>> with server.start(realtime_speed=20) as srv:
        ...     client = V1RealtimeClient(srv.url, speed=20)
        ...     result = asyncio.run(client.audio_async(voice, source="v"))
        >>> [m["type"] for m in result.sessions[0].messages]
        ['session.created', 'utterance.start', 'measurement.result', 'utterance.end', 'session.closed']
        """
        if not isinstance(audio, (bytes, bytearray)) and not hasattr(audio, "pcm"):
            from humeresearch.media import load_audio

            audio = await asyncio.to_thread(load_audio, audio)
        pcm = bytes(getattr(audio, "pcm", audio))
        start = float(getattr(audio, "start", 0.0))
        update = (config or AudioConfig()).session_update()
        result = RealtimeResult(source, "audio")
        pos = 0
        while pos < len(pcm):
            if len(result.sessions) >= self.max_sessions:
                raise TransportError(
                    f"audio realtime: {self.max_sessions} sessions ended before the "
                    f"recording did ({pos / BYTES_PER_SECOND:.1f} s taken)",
                    sent=True,
                )
            session = await self._audio_session(pcm, pos, update, frame_bytes, retry_wait)
            session.offset = start + pos / BYTES_PER_SECOND
            result.sessions.append(session)
            pos += round(session.accepted_seconds * BYTES_PER_SECOND)
        return result

    async def _audio_session(
        self, pcm: bytes, pos: int, update: dict[str, Any], frame_bytes: int, retry_wait: float
    ) -> RealtimeSession:
        sock, session_id = await self._open(AUDIO_PATH, update)
        sent = 0
        t0 = last = time.monotonic()
        errors: list[dict[str, Any]] = []
        frame = b""
        try:
            while not sock.closed.is_set():
                if pos + sent >= len(pcm):  # all sent: was the last frame refused?
                    await asyncio.sleep(self.settle)
                    if not (sent and _rate_limited(sock, errors)):
                        break
                    sent -= len(frame)  # send it again in this session
                    t0 += retry_wait
                    await asyncio.sleep(retry_wait)
                due = max(t0 + sent / BYTES_PER_SECOND / self.speed, last + self.settle)
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                if sent and _rate_limited(sock, errors):  # the frame sent last: again
                    sent -= len(frame)
                    t0 += retry_wait
                    await asyncio.sleep(retry_wait)
                frame = pcm[pos + sent : pos + sent + frame_bytes]
                await sock.ws.send(frame)
                last = time.monotonic()
                sent += len(frame)
        except Exception:
            pass  # the connection ended: what it took is asked below
        await sock.finish(self.reply_timeout)
        session = RealtimeSession(session_id, messages=sock.messages)
        session.sent_seconds = sent / BYTES_PER_SECOND
        session.accepted_seconds = await self._accepted(sock, session_id, sent)
        closed = sock.closed_message()
        session.reason = closed["reason"] if closed else f"closed {sock.close_code}"
        return session

    async def _accepted(self, sock: _Socket, session_id: str, sent: int) -> float:
        """Seconds of audio the session took: ``session.closed``, else the run record."""
        closed = sock.closed_message()
        if closed is not None:
            return closed.get("received", {}).get("audio_duration_ms", 0) / 1000
        try:
            run = await asyncio.to_thread(self._run_when_ended, session_id)
        except (ApiError, TransportError):
            run = None
        if run is not None and run.get("bytes_received") is not None:
            return int(run["bytes_received"]) / BYTES_PER_SECOND
        return sent / BYTES_PER_SECOND

    def _run_when_ended(self, run_id: str) -> dict[str, Any] | None:
        with HttpClient(self.base_url, api_key=self._api_key, timeout=10.0) as http:
            for _ in range(50):
                run = http.request("GET", f"/v1/expression/run/{run_id}", idempotent=True).json()
                if run.get("status") != "live":
                    return run
                time.sleep(0.1)
        return None

    def audio(
        self, audio: Any, *, config: AudioConfig | None = None, source: str = "audio"
    ) -> RealtimeResult:
        """Synchronous :meth:`audio_async`.

        Examples
        --------
        >>> import numpy as np
        >>> from humeresearch import server
        >>> from humeresearch.media import Audio
        >>> t = np.arange(16000 * 2) / 16000
        >>> voice = Audio((np.sin(2 * np.pi * 180 * t) * 9000).astype("<i2").tobytes())
        >>> with server.start(realtime_speed=20) as srv:
        ...     result = V1RealtimeClient(srv.url, speed=20).audio(voice, source="v")
        >>> result.sessions[0].accepted_seconds, result.read().spans()["source"].unique().tolist()
        (2.0, ['v'])
        """
        return run_sync(self.audio_async(audio, config=config, source=source))

    # ------------------------------------------------------------------ video
    async def video_async(
        self,
        frames: Sequence[Any],
        *,
        config: VideoConfig | None = None,
        source: str = "video",
        fps: float = 3.0,
        retries: int = 3,
    ) -> RealtimeResult:
        """Stream frames (:class:`~humeresearch.media.Frame` with ``.jpeg`` and ``.time``).

        At most ``fps`` (≤ 3) frames per second times ``speed``. Rate-limited frames and
        retryable failures are sent again (up to ``retries`` times each).

        Examples
        --------
        >>> import asyncio
        >>> import av, numpy as np
        >>> from humeresearch import server
        >>> from humeresearch.media import encode_jpeg
        >>> gray = av.VideoFrame.from_ndarray(np.full((120, 160, 3), 128, "uint8"), format="rgb24")
        >>> jpeg, *_ = encode_jpeg(gray)
        >>> from humeresearch.media import Frame
        >>> frames = [Frame(jpeg, k / 3, k, 160, 120) for k in range(3)]
        >>> with server.start(realtime_speed=20) as srv:
        ...     client = V1RealtimeClient(srv.url, speed=20)
        ...     result = asyncio.run(client.video_async(frames, source="f"))
        >>> [round(t, 2) for t in result.sessions[0].frame_times.values()]
        [0.0, 0.33, 0.67]
        """
        if not 0 < fps <= 3.0:
            raise ValueError(f"video: fps must be in (0, 3], got {fps!r}")
        update = (config or VideoConfig()).session_update()
        result = RealtimeResult(source, "video")
        todo = deque(range(len(frames)))
        tries = [0] * len(frames)
        measured = 0
        while todo:
            if len(result.sessions) >= self.max_sessions:
                raise TransportError(
                    f"video realtime: {self.max_sessions} sessions ended", sent=True
                )
            session = await self._video_session(frames, todo, tries, update, fps, retries)
            session.frames_before = measured
            measured += len(session.frame_times)
            result.sessions.append(session)
        return result

    async def _video_session(
        self,
        frames: Sequence[Any],
        todo: deque[int],
        tries: list[int],
        update: dict[str, Any],
        fps: float,
        retries: int,
    ) -> RealtimeSession:
        sock, session_id = await self._open(VIDEO_PATH, update)
        session = RealtimeSession(session_id, messages=sock.messages)
        pending: deque[int] = deque()
        interval = 1.0 / (fps * self.speed)
        nxt = time.monotonic()
        try:
            while (todo or pending) and not sock.closed.is_set():
                if _match_replies(sock, frames, pending, todo, tries, retries, session):
                    nxt = time.monotonic() + 2 * interval  # limited: slow down, then resend
                if todo and time.monotonic() >= nxt:
                    idx = todo.popleft()
                    await sock.ws.send(bytes(getattr(frames[idx], "jpeg", frames[idx])))
                    pending.append(idx)
                    tries[idx] += 1
                    nxt = max(nxt + interval, time.monotonic() - interval)
                await asyncio.sleep(min(interval, 0.01) if todo else 0.005)
        except Exception:
            pass
        await sock.finish(self.reply_timeout)
        _match_replies(sock, frames, pending, todo, tries, retries, session)
        todo.extendleft(reversed(pending))  # unanswered: sent again in the next session
        closed = sock.closed_message()
        session.reason = closed["reason"] if closed else f"closed {sock.close_code}"
        return session

    def video(
        self,
        frames: Sequence[Any],
        *,
        config: VideoConfig | None = None,
        source: str = "video",
        fps: float = 3.0,
    ) -> RealtimeResult:
        """Synchronous :meth:`video_async`.

        Examples
        --------
        >>> import av, numpy as np
        >>> from humeresearch import server
        >>> from humeresearch.media import encode_jpeg
        >>> gray = av.VideoFrame.from_ndarray(np.full((120, 160, 3), 128, "uint8"), format="rgb24")
        >>> jpeg, *_ = encode_jpeg(gray)
        >>> with server.start(realtime_speed=20) as srv:
        ...     result = V1RealtimeClient(srv.url, speed=20).video([jpeg, jpeg], fps=2)
        >>> [m["type"] for m in result.sessions[0].messages]
        ['session.created', 'measurement.result', 'measurement.result', 'session.closed']
        """
        return run_sync(self.video_async(frames, config=config, source=source, fps=fps))


def _rate_limited(sock: _Socket, errors: list[dict[str, Any]]) -> bool:
    """Whether a ``rate_limited`` error arrived since the last look (drains the inbox)."""
    hit = False
    while not sock.inbox.empty():
        msg = sock.inbox.get_nowait()
        if msg.get("type") == "error" and msg.get("code") == "rate_limited":
            errors.append(msg)
            hit = True
    return hit


def _match_replies(
    sock: _Socket,
    frames: Sequence[Any],
    pending: deque[int],
    todo: deque[int],
    tries: list[int],
    retries: int,
    session: RealtimeSession,
) -> int:
    """Pop the oldest unanswered frame for every reply; queue again what is worth it.

    Returns the number of ``rate_limited`` replies (those frames are always sent again;
    ``retries`` bounds the resends of retryable failures).
    """
    limited = 0
    while not sock.inbox.empty():
        msg = sock.inbox.get_nowait()
        kind = msg.get("type")
        if kind == "measurement.result" and pending:
            idx = pending.popleft()
            session.frame_times[int(msg["frame_id"])] = float(getattr(frames[idx], "time", idx))
        elif kind == "error" and msg.get("code") in _FRAME_ERRORS and pending:
            idx = pending.popleft()
            if msg["code"] == "rate_limited":
                limited += 1
                tries[idx] -= 1
                todo.appendleft(idx)
            elif msg["code"] == "internal_error" and msg.get("retryable") and tries[idx] <= retries:
                todo.appendleft(idx)
    return limited
