"""Client of the v0 streaming WebSocket ``/v0/stream/models`` (``hume-v0.md`` §10).

A recording or a text goes out as payloads within the per-payload limits
(:mod:`humeresearch.clients._v0_payloads`), one at a time: each JSON message gets
exactly one JSON reply, matched by ``payload_id``. The first payload of every
recording carries ``reset_stream`` (no audio context leaks from the previous one);
a connection is renewed before the endpoint's one-minute limit and after a lost
connection, resending the unanswered payload. Replies are kept raw
(:class:`StreamResult`) and read only through :func:`humeresearch.read`
(format ``v0-stream`` with each payload's offset), so every span lands on the
recording's clock and every error or warning in the errors table.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from humeresearch._measurements import Measurements
from humeresearch.clients._errors import TransportError
from humeresearch.clients._http import resolve_key, scrub
from humeresearch.clients._sync import run_sync, ws_url
from humeresearch.clients._v0_payloads import Payload, media_stream, text_stream
from humeresearch.clients._v0_requests import StreamConfig

#: the v0 WebSocket root.
V0_WS_URL = "wss://api.hume.ai"
STREAM_PATH = "/v0/stream/models"


@dataclass
class StreamResult:
    """The raw replies of one streamed recording or text, with each payload's offset.

    Attributes
    ----------
    source : str
        The recording's name in the results.
    replies : list of dict
        One reply per payload, in order (errors and warnings included).
    offsets : dict
        ``payload_id`` -> seconds on the recording's clock.
    chars : dict
        ``payload_id`` -> character offset in the whole text (text payloads).
    """

    source: str
    replies: list[dict[str, Any]] = field(default_factory=list)
    offsets: dict[str, float] = field(default_factory=dict)
    chars: dict[str, int] = field(default_factory=dict)

    def read(self) -> Measurements:
        """The measurements, read with :func:`humeresearch.read` on the recording's clock.

        Examples
        --------
        >>> r = {"payload_id": "text-00000", "language": {"predictions": [{"text": "Hi",
        ...      "position": {"begin": 0, "end": 2}, "emotions": [{"name": "Joy", "score": 0.5}]}]}}
        >>> result = StreamResult("t", [r], offsets={"text-00000": 0.0}, chars={"text-00000": 0})
        >>> result.read().long()[["source", "model", "name", "score"]].values.tolist()
        [['t', 'language', 'Joy', 0.5]]
        """
        return read_stream(self.replies, offsets=self.offsets, chars=self.chars, source=self.source)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write ``{"source", "replies", "offsets", "chars"}`` as JSON; see :meth:`load`.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> result = StreamResult("t", [{"payload_id": "text-00000"}], {"text-00000": 0.0})
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = result.save(Path(tmp) / "t.json")
        ...     StreamResult.load(path) == result
        True
        """
        path = Path(path)
        body = {"source": self.source, "replies": self.replies, "offsets": self.offsets}
        path.write_text(json.dumps(body | {"chars": self.chars}), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> StreamResult:
        """Read a file written by :meth:`save`."""
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))


def read_stream(
    replies: Sequence[dict[str, Any]],
    *,
    offsets: dict[str, float],
    chars: dict[str, int] | None = None,
    source: str,
) -> Measurements:
    """Stream replies as Measurements on the recording's clock (times and text positions).

    Examples
    --------
    >>> r = {"payload_id": "text-00001", "language": {"predictions": [{"text": "Hi",
    ...      "position": {"begin": 0, "end": 2}, "emotions": [{"name": "Joy", "score": 0.5}]}]}}
    >>> m = read_stream([r], offsets={"text-00001": 0.0}, chars={"text-00001": 100}, source="t")
    >>> m.spans()[["source", "char_begin", "char_end"]].values.tolist()
    [['t', 100, 102]]
    """
    import dataclasses

    import humeresearch as hr

    m = hr.read(list(replies), format="v0-stream", offsets=dict(offsets), source=source)
    if chars and "char_begin" in m._spans and len(m._spans):
        spans = m._spans.copy()
        shift = spans["payload_id"].map(lambda p: chars.get(str(p), 0)).astype("Int64")
        spans["char_begin"] = spans["char_begin"] + shift
        spans["char_end"] = spans["char_end"] + shift
        m = dataclasses.replace(m, _spans=spans)
    return m


class V0StreamClient:
    """The v0 streaming API: recordings and texts as payloads, replies on one clock.

    Parameters
    ----------
    base_url : str, optional
        Server root, HTTP or WebSocket form (default ``wss://api.hume.ai``).
    api_key : str, optional
        Defaults to ``HUME_API_KEY``; sent only in the handshake's ``X-Hume-Api-Key``.
    reply_timeout : float, default 60.0
        Seconds to wait for one reply before the connection is renewed.
    session_seconds : float, default 50.0
        A connection is renewed (at a payload boundary) after this long; the endpoint
        closes connections after one minute.
    reconnects : int, default 5
        Lost connections tolerated per payload.

    Examples
    --------
    >>> from humeresearch import server
    >>> from humeresearch.clients import LanguageConfig
    >>> cfg = StreamConfig(language=LanguageConfig(granularity="sentence"))
    >>> with server.start() as srv:
    ...     result = V0StreamClient(srv.url).text("I am glad. " * 1000, config=cfg, source="t")
    >>> len(result.replies), sorted(result.chars.values())
    (2, [0, 9999])
    >>> bool(result.read().spans()["char_begin"].max() > 9999)
    True
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        reply_timeout: float = 60.0,
        session_seconds: float = 50.0,
        reconnects: int = 5,
    ) -> None:
        self.url = ws_url(base_url or V0_WS_URL) + STREAM_PATH
        self._secret = resolve_key(api_key)
        self.reply_timeout = reply_timeout
        self.session_seconds = session_seconds
        self.reconnects = reconnects

    def __repr__(self) -> str:
        key = "set" if self._secret is not None else "none"
        return f"<V0StreamClient {self.url} api_key={key}>"

    async def send(
        self,
        payloads: Sequence[Payload],
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[dict[str, Any]]:
        """Send ``payloads`` in order on one stream; return one reply per payload.

        The first payload (and the first after a renewed connection) carries
        ``reset_stream``. Raises TransportError after ``reconnects`` lost connections
        on one payload.

        Examples
        --------
        >>> import asyncio
        >>> from humeresearch.clients import text_stream
        >>> from humeresearch import server
        >>> from humeresearch.clients import LanguageConfig
        >>> cfg = StreamConfig(language=LanguageConfig(granularity="sentence"))
        >>> payloads = text_stream("I am glad. It rains.", config=cfg)
        >>> with server.start() as srv:
        ...     replies = asyncio.run(V0StreamClient(srv.url).send(payloads))
        >>> [r["payload_id"] for r in replies], len(replies[0]["language"]["predictions"])
        (['text-00000'], 2)
        """
        replies: list[dict[str, Any]] = []
        conn = _Connection(self)
        try:
            for k, payload in enumerate(payloads):
                replies.append(await conn.exchange(payload, first=k == 0))
                if progress is not None:
                    progress(k + 1, len(payloads))
        finally:
            await conn.close()
        return replies

    async def stream_text_async(
        self, text: str, *, config: StreamConfig, source: str = "text"
    ) -> StreamResult:
        """Stream a text (language) in payloads of at most 10,000 characters.

        Examples
        --------
        >>> import asyncio
        >>> from humeresearch import server
        >>> from humeresearch.clients import LanguageConfig
        >>> cfg = StreamConfig(language=LanguageConfig(granularity="sentence"))
        >>> with server.start() as srv:
        ...     client = V0StreamClient(srv.url)
        ...     result = asyncio.run(client.stream_text_async("I am glad.", config=cfg))
        >>> result.source, len(result.replies)
        ('text', 1)
        """
        payloads = text_stream(text, config=config)
        return _result(source, payloads, await self.send(payloads))

    async def stream_media_async(
        self,
        media: Any,
        *,
        config: StreamConfig,
        source: str | None = None,
        fps: float = 3.0,
    ) -> StreamResult:
        """Stream a recording: its audio in ≤ 5 s payloads cut at silences, its frames as images.

        Examples
        --------
        >>> import asyncio
        >>> import numpy as np
        >>> from humeresearch import server
        >>> from humeresearch.clients import ProsodyConfig
        >>> from humeresearch.media import Audio
        >>> t = np.arange(16000 * 2) / 16000
        >>> wav = Audio((np.sin(2 * np.pi * 200 * t) * 8000).astype("<i2").tobytes()).wav()
        >>> cfg = StreamConfig(prosody=ProsodyConfig())
        >>> with server.start() as srv:
        ...     client = V0StreamClient(srv.url)
        ...     result = asyncio.run(client.stream_media_async(wav, config=cfg, source="tone"))
        >>> result.source, result.offsets
        ('tone', {'audio-00000': 0.0})
        """
        payloads = await asyncio.to_thread(media_stream, media, config=config, fps=fps)
        name = source or (Path(media).name if isinstance(media, (str, os.PathLike)) else "stream")
        return _result(name, payloads, await self.send(payloads))

    def text(self, text: str, *, config: StreamConfig, source: str = "text") -> StreamResult:
        """Synchronous :meth:`stream_text_async`.

        Examples
        --------
        >>> from humeresearch import server
        >>> from humeresearch.clients import LanguageConfig
        >>> cfg = StreamConfig(language=LanguageConfig(granularity="sentence"))
        >>> with server.start() as srv:
        ...     result = V0StreamClient(srv.url).text("I am glad. It rains.", config=cfg)
        >>> result.read().spans()["text"].tolist()
        ['I am glad.', 'It rains.']
        """
        return run_sync(self.stream_text_async(text, config=config, source=source))

    def media(
        self, media: Any, *, config: StreamConfig, source: str | None = None, fps: float = 3.0
    ) -> StreamResult:
        """Synchronous :meth:`stream_media_async`.

        Examples
        --------
        >>> import numpy as np
        >>> from humeresearch import server
        >>> from humeresearch.clients import ProsodyConfig
        >>> from humeresearch.media import Audio
        >>> t = np.arange(16000 * 2) / 16000
        >>> wav = Audio((np.sin(2 * np.pi * 200 * t) * 8000).astype("<i2").tobytes()).wav()
        >>> cfg = StreamConfig(prosody=ProsodyConfig())
        >>> with server.start() as srv:
        ...     result = V0StreamClient(srv.url).media(wav, config=cfg, source="tone")
        >>> result.read().long()["model"].unique().tolist()
        ['prosody']
        """
        return run_sync(self.stream_media_async(media, config=config, source=source, fps=fps))


def _result(
    source: str, payloads: Sequence[Payload], replies: list[dict[str, Any]]
) -> StreamResult:
    return StreamResult(
        source,
        replies,
        {p.payload_id: p.offset for p in payloads},
        {p.payload_id: p.chars for p in payloads if p.kind == "text"},
    )


class _Connection:
    """One stream connection at a time, renewed when old or lost."""

    def __init__(self, client: V0StreamClient) -> None:
        self.client = client
        self.ws: Any = None
        self.opened = 0.0

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        secret = self.client._secret
        headers = {"X-Hume-Api-Key": secret.reveal()} if secret is not None else {}
        try:
            self.ws = await connect(
                self.client.url, additional_headers=headers, max_size=None, open_timeout=10
            )
        except Exception as exc:  # handshake refused, connection refused ...
            raise TransportError(
                f"WS {self.client.url}: not connected ({scrub(str(exc), secret)})", sent=False
            ) from None
        self.opened = time.monotonic()

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await self.ws.close()
            except Exception:
                pass
            self.ws = None

    async def exchange(self, payload: Payload, *, first: bool) -> dict[str, Any]:
        """Send one payload, return its reply (renewing the connection when needed)."""
        from websockets.exceptions import ConnectionClosed

        if self.ws is not None and time.monotonic() - self.opened > self.client.session_seconds:
            await self.close()
        lost = 0
        while True:
            fresh = self.ws is None
            if fresh:
                await self.open()
            message = json.dumps(payload.message(reset_stream=first or fresh))
            try:
                await self.ws.send(message)
                while True:
                    text = await asyncio.wait_for(self.ws.recv(), self.client.reply_timeout)
                    reply = json.loads(text)
                    if reply.get("payload_id") in (payload.payload_id, None):
                        return reply
            except (ConnectionClosed, OSError, asyncio.TimeoutError) as exc:
                await self.close()
                lost += 1
                if lost > self.client.reconnects:
                    raise TransportError(
                        f"WS {self.client.url}: payload {payload.payload_id} unanswered "
                        f"after {lost} connections ({type(exc).__name__})",
                        sent=True,
                    ) from None
