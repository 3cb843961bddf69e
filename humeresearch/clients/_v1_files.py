"""Client of the v1 HTTP API (``hume-v1.md`` §4, §5, §10): uploads and runs.

Uploads are never retried automatically (v1 has no idempotency: a re-sent upload is
measured and billed again). Video frames are packed into as few requests as the
limits allow (25 MB a body, 2 MB an image; every run bills at least 10 s) and the
``face_state`` of each response is sent with the next request, so ``face_id``\\ s
persist through one video.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Union

from humeresearch._tables import check_option
from humeresearch.clients._http import ApiClientBase
from humeresearch.clients._options import (
    RUN_ENDPOINTS,
    RUN_MODES,
    RUN_STATUSES,
    RunEndpoint,
    RunMode,
    RunStatus,
)
from humeresearch.clients._v1_config import AudioConfig, VideoConfig

#: the v1 HTTP base URL.
V1_BASE_URL = "https://api.cloud.hume.ai"
#: the upload body limit, bytes.
BODY_LIMIT = 25_000_000
#: bytes reserved per multipart part (headers, boundary) and for the config part.
PART_OVERHEAD = 256
CONFIG_OVERHEAD = 4096
#: bytes per image.
IMAGE_LIMIT = 2_000_000

AudioInput = Union[bytes, "os.PathLike[str]", str, Any]
"""Audio to upload: an :class:`~humeresearch.media.Audio`, WAV or raw s16le bytes, or a path."""


@dataclass(frozen=True)
class VideoBatch:
    """One video upload request and its response.

    Attributes
    ----------
    first : int
        Index (in the frames given) of this request's ``frame_id`` 0.
    count : int
        Frames sent in this request.
    response : dict
        The raw ``VideoFileResponse``.
    """

    first: int
    count: int
    response: dict[str, Any]


def pack_frames(
    sizes: Sequence[int],
    *,
    body_limit: int = BODY_LIMIT,
    max_frames: int | None = None,
) -> list[tuple[int, int]]:
    """Group consecutive images into requests within the body limit: ``[(first, count)]``.

    Examples
    --------
    >>> pack_frames([10_000_000] * 5)
    [(0, 2), (2, 2), (4, 1)]
    >>> pack_frames([100] * 5, max_frames=2)
    [(0, 2), (2, 2), (4, 1)]
    """
    groups: list[tuple[int, int]] = []
    first, used = 0, CONFIG_OVERHEAD
    for i, size in enumerate(sizes):
        if size > IMAGE_LIMIT and size + PART_OVERHEAD + CONFIG_OVERHEAD > body_limit:
            raise ValueError(f"frame {i}: {size} bytes do not fit one request")
        count = i - first
        full = max_frames is not None and count >= max_frames
        if count and (used + size + PART_OVERHEAD > body_limit or full):
            groups.append((first, count))
            first, used = i, CONFIG_OVERHEAD
        used += size + PART_OVERHEAD
    if len(sizes) > first:
        groups.append((first, len(sizes) - first))
    return groups


def _jpeg(frame: Any) -> bytes:
    data = frame if isinstance(frame, (bytes, bytearray)) else frame.jpeg
    if len(data) > IMAGE_LIMIT:
        raise ValueError(
            f"an image of {len(data)} bytes exceeds the 2 MB limit; use media.prepare_image"
        )
    return bytes(data)


def _audio_part(audio: AudioInput) -> tuple[str, bytes, str]:
    if isinstance(audio, (str, os.PathLike)):
        from humeresearch.media import load_audio

        audio = load_audio(audio)
    if hasattr(audio, "wav"):
        return ("audio.wav", audio.wav(), "audio/wav")
    data = bytes(audio)
    if data[:4] == b"RIFF":
        return ("audio.wav", data, "audio/wav")
    return ("audio.pcm", data, "application/octet-stream")


class V1Client(ApiClientBase):
    """The v1 HTTP API: audio and image uploads, runs and their events.

    Parameters
    ----------
    base_url : str, optional
        Server root (default ``https://api.cloud.hume.ai``; the local server's ``.url``).
    api_key : str, optional
        Defaults to ``HUME_API_KEY``; sent only as the ``X-Hume-Api-Key`` header.
    timeout : float or httpx.Timeout, optional
        Per-request timeouts.
    retry : RetryPolicy, optional
        Retries of idempotent calls (never of uploads).

    Examples
    --------
    >>> import numpy as np
    >>> from humeresearch import server
    >>> from humeresearch.media import Audio
    >>> t = np.arange(16000 * 6) / 16000
    >>> voice = Audio((np.sin(2 * np.pi * 180 * t) * 9000 * (t < 4.5)).astype("<i2").tobytes())
    >>> with server.start() as srv, V1Client(srv.url) as v1:
    ...     response = v1.measure_audio(voice)
    ...     run = v1.run(response["run_id"])
    >>> response["received"], run["endpoint"], run["mode"]
    ({'audio_duration_ms': 6000}, 'audio', 'file')
    """

    DEFAULT_BASE_URL = V1_BASE_URL

    def measure_audio(
        self, audio: AudioInput, *, config: AudioConfig | None = None
    ) -> dict[str, Any]:
        """Upload one recording (``POST /v1/expression/audio/file``); return the raw response.

        ``audio`` is an :class:`~humeresearch.media.Audio`, WAV or raw 16 kHz mono
        s16le bytes, or a path of any media PyAV decodes (converted first). A body over
        25 MB is refused by the server: split with :func:`humeresearch.media.split_audio`.
        Never retried; raises ApiError or TransportError.

        Examples
        --------
        >>> import numpy as np
        >>> from humeresearch import server
        >>> from humeresearch.media import Audio
        >>> t = np.arange(16000 * 2) / 16000
        >>> voice = Audio((np.sin(2 * np.pi * 180 * t) * 9000).astype("<i2").tobytes())
        >>> with server.start() as srv, V1Client(srv.url) as v1:
        ...     response = v1.measure_audio(voice, config=AudioConfig(measurement_timer_ms=3000))
        >>> response["received"], response["utterances"][0]["audio_end_ms"]
        ({'audio_duration_ms': 2000}, 2000)
        """
        parts: list[tuple[str, Any]] = [("file", _audio_part(audio))]
        body = (config or AudioConfig()).to_json()
        if body is not None:
            parts.append(("config", (None, body, "application/json")))
        r = self.http.request("POST", "/v1/expression/audio/file", idempotent=False, files=parts)
        return r.json()

    def measure_images(
        self, images: Sequence[Any], *, config: VideoConfig | None = None
    ) -> dict[str, Any]:
        """Upload JPEGs in one request (``POST /v1/expression/video/file``); raw response.

        ``images`` are JPEG bytes or :class:`~humeresearch.media.Frame`\\ s, in
        ``frame_id`` order. Never retried.

        Examples
        --------
        >>> import av, numpy as np
        >>> from humeresearch import server
        >>> from humeresearch.media import encode_jpeg
        >>> gray = av.VideoFrame.from_ndarray(np.full((120, 160, 3), 128, "uint8"), format="rgb24")
        >>> jpeg, *_ = encode_jpeg(gray)
        >>> with server.start() as srv, V1Client(srv.url) as v1:
        ...     response = v1.measure_images([jpeg, jpeg])
        >>> response["received"], response["measurements"]
        ({'frames': 2}, [{'frame_id': 0, 'faces': []}, {'frame_id': 1, 'faces': []}])
        """
        parts: list[tuple[str, Any]] = [
            ("file", (f"frame{i}.jpg", _jpeg(img), "image/jpeg")) for i, img in enumerate(images)
        ]
        body = (config or VideoConfig()).to_json()
        if body is not None:
            parts.append(("config", (None, body, "application/json")))
        r = self.http.request("POST", "/v1/expression/video/file", idempotent=False, files=parts)
        return r.json()

    def measure_frames(
        self,
        frames: Sequence[Any],
        *,
        config: VideoConfig | None = None,
        max_frames: int | None = None,
        body_limit: int = BODY_LIMIT,
    ) -> list[VideoBatch]:
        """Upload one video's frames in as few requests as the limits allow.

        Each request asks for a ``face_state`` and the next one sends it, so
        ``face_id``\\ s persist across requests. ``max_frames`` caps frames per request.

        Returns
        -------
        list of VideoBatch
            One per request, in order.

        Examples
        --------
        >>> import av, numpy as np
        >>> from humeresearch import server
        >>> from humeresearch.media import encode_jpeg
        >>> gray = av.VideoFrame.from_ndarray(np.full((120, 160, 3), 128, "uint8"), format="rgb24")
        >>> jpeg, *_ = encode_jpeg(gray)
        >>> with server.start() as srv, V1Client(srv.url) as v1:
        ...     batches = v1.measure_frames([jpeg] * 3, max_frames=2)
        >>> [(b.first, b.count) for b in batches], "face_state" in batches[0].response
        ([(0, 2), (2, 1)], True)
        """
        datas = [_jpeg(f) for f in frames]
        config = config or VideoConfig()
        batches: list[VideoBatch] = []
        state = config.face_state
        for first, count in pack_frames(
            [len(d) for d in datas], body_limit=body_limit, max_frames=max_frames
        ):
            cfg = config.replace(return_face_state=True, face_state=state)
            response = self.measure_images(datas[first : first + count], config=cfg)
            state = response.get("face_state") or state
            batches.append(VideoBatch(first, count, response))
        return batches

    def run(self, run_id: str) -> dict[str, Any]:
        """One run: status, config, metered seconds (``GET /v1/expression/run/{run_id}``).

        Examples
        --------
        >>> import numpy as np
        >>> from humeresearch import server
        >>> from humeresearch.media import Audio
        >>> t = np.arange(16000 * 2) / 16000
        >>> voice = Audio((np.sin(2 * np.pi * 180 * t) * 9000).astype("<i2").tobytes())
        >>> with server.start() as srv, V1Client(srv.url) as v1:
        ...     run = v1.run(v1.measure_audio(voice)["run_id"])
        >>> run["status"], run["endpoint"], run["bytes_received"]
        ('ended', 'audio', 64000)
        """
        return self.http.request("GET", f"/v1/expression/run/{run_id}", idempotent=True).json()

    def runs(
        self,
        *,
        page_size: int | None = None,
        cursor: str | None = None,
        user_id: str | None = None,
        status: RunStatus | None = None,
        mode: RunMode | None = None,
        endpoint: RunEndpoint | None = None,
        started_before: str | None = None,
        started_after: str | None = None,
    ) -> dict[str, Any]:
        """One page of runs, newest first: ``{"runs": [...], "next_cursor"?: str}``.

        Examples
        --------
        >>> import numpy as np
        >>> from humeresearch import server
        >>> from humeresearch.media import Audio
        >>> t = np.arange(16000 * 2) / 16000
        >>> voice = Audio((np.sin(2 * np.pi * 180 * t) * 9000).astype("<i2").tobytes())
        >>> with server.start() as srv, V1Client(srv.url) as v1:
        ...     ids = [v1.measure_audio(voice)["run_id"] for _ in range(2)]
        ...     page = v1.runs(page_size=1, endpoint="audio")
        >>> [run["run_id"] for run in page["runs"]] == ids[1:], "next_cursor" in page
        (True, True)
        """
        for value, choices, name in (
            (status, RUN_STATUSES, "status"),
            (mode, RUN_MODES, "mode"),
            (endpoint, RUN_ENDPOINTS, "endpoint"),
        ):
            if value is not None:
                check_option(value, choices, name=name, func="runs")
        params = {
            k: v
            for k, v in {
                "page_size": page_size,
                "cursor": cursor,
                "user_id": user_id,
                "status": status,
                "mode": mode,
                "endpoint": endpoint,
                "started_before": started_before,
                "started_after": started_after,
            }.items()
            if v is not None
        }
        return self.http.request("GET", "/v1/expression/run", idempotent=True, params=params).json()

    def iter_runs(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """Every run matching ``filters`` (those of :meth:`runs`), following ``next_cursor``.

        Examples
        --------
        >>> import numpy as np
        >>> from humeresearch import server
        >>> from humeresearch.media import Audio
        >>> t = np.arange(16000 * 2) / 16000
        >>> voice = Audio((np.sin(2 * np.pi * 180 * t) * 9000).astype("<i2").tobytes())
        >>> with server.start() as srv, V1Client(srv.url) as v1:
        ...     ids = [v1.measure_audio(voice)["run_id"] for _ in range(3)]
        ...     runs = list(v1.iter_runs(page_size=2))
        >>> [run["run_id"] for run in runs] == ids[::-1]
        True
        """
        cursor = None
        while True:
            page = self.runs(**filters, cursor=cursor)
            yield from page["runs"]
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def events(
        self, run_id: str, *, page_size: int | None = None, cursor: str | None = None
    ) -> dict[str, Any]:
        """One page of a run's events (``GET /v1/expression/run/{run_id}/events``).

        Examples
        --------
        >>> import av, numpy as np
        >>> from humeresearch import server
        >>> from humeresearch.clients import V1RealtimeClient
        >>> from humeresearch.media import encode_jpeg
        >>> gray = av.VideoFrame.from_ndarray(np.full((120, 160, 3), 128, "uint8"), format="rgb24")
        >>> jpeg, *_ = encode_jpeg(gray)
        >>> with server.start(realtime_speed=20) as srv, V1Client(srv.url) as v1:
        ...     rt = V1RealtimeClient(srv.url, speed=20).video([b"not a JPEG", jpeg])
        ...     run_id = rt.sessions[0].session_id
        ...     page = v1.events(run_id)
        >>> [(e["kind"], e["detail"]) for e in page["events"]]
        [('invalid_image_frame', {'detail': 'not a JPEG image'})]
        """
        params = {k: v for k, v in {"page_size": page_size, "cursor": cursor}.items() if v}
        path = f"/v1/expression/run/{run_id}/events"
        return self.http.request("GET", path, idempotent=True, params=params).json()

    def iter_events(self, run_id: str, *, page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """Every event of a run, in order, following ``next_cursor``.

        Examples
        --------
        >>> import av, numpy as np
        >>> from humeresearch import server
        >>> from humeresearch.clients import V1RealtimeClient
        >>> from humeresearch.media import encode_jpeg
        >>> gray = av.VideoFrame.from_ndarray(np.full((120, 160, 3), 128, "uint8"), format="rgb24")
        >>> jpeg, *_ = encode_jpeg(gray)
        >>> with server.start(realtime_speed=20) as srv, V1Client(srv.url) as v1:
        ...     rt = V1RealtimeClient(srv.url, speed=20).video([b"not a JPEG", jpeg])
        ...     run_id = rt.sessions[0].session_id
        ...     kinds = [e["kind"] for e in v1.iter_events(run_id, page_size=1)]
        >>> kinds
        ['invalid_image_frame']
        """
        cursor = None
        while True:
            page = self.events(run_id, page_size=page_size, cursor=cursor)
            yield from page["events"]
            cursor = page.get("next_cursor")
            if not cursor:
                return
