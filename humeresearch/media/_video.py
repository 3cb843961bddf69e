"""Video frames and images to JPEG within the v1 limits, with timestamps and scale factors."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from humeresearch.media._source import MediaError, MediaSource, name_of, open_container

#: the most frames per second v1 measures (realtime pacing; the default rate).
MAX_FPS = 3.0
#: bytes per image of a v1 upload.
IMAGE_LIMIT = 2_000_000
#: pixels per image of a v1 upload (3840 x 2160).
PIXEL_LIMIT = 8_294_400
#: the largest side of a v0 stream image.
STREAM_SIDE = 3000
_QUALITIES = (3, 6, 10, 16, 24, 31)


@dataclass(frozen=True, repr=False)
class Frame:
    """One JPEG image ready to send, placed on the recording's clock.

    Attributes
    ----------
    jpeg : bytes
        The JPEG file.
    time : float
        Seconds on the recording's clock (0.0 for a still image).
    index : int
        Position among the frames taken from the recording.
    width, height : int
        Pixels of the JPEG.
    scale : float
        JPEG width / original width (1.0 when not downscaled): divide returned box
        coordinates by it to get original pixels.
    """

    jpeg: bytes
    time: float
    index: int
    width: int
    height: int
    scale: float = 1.0

    def to_original(self, bbox: list[float]) -> list[float]:
        """A box in this JPEG's pixels, in the original image's pixels.

        Examples
        --------
        >>> Frame(b"", 0.0, 0, 960, 540, scale=0.25).to_original([10, 20, 30, 40])
        [40.0, 80.0, 120.0, 160.0]
        """
        return [float(v) / self.scale for v in bbox]

    def __repr__(self) -> str:
        return (
            f"Frame(time={self.time:.3f}, index={self.index}, {self.width}x{self.height}, "
            f"scale={self.scale:g}, {len(self.jpeg)} bytes)"
        )


def encode_jpeg(
    frame: Any,
    *,
    max_bytes: int = IMAGE_LIMIT,
    max_pixels: int = PIXEL_LIMIT,
    max_side: int | None = None,
) -> tuple[bytes, int, int, float]:
    """Encode an ``av.VideoFrame`` as JPEG within the limits, downscaling when needed.

    Returns ``(jpeg, width, height, scale)``; quality drops first, then the size
    shrinks by 0.8 until the JPEG fits ``max_bytes``.

    Examples
    --------
    >>> import av, numpy as np
    >>> frame = av.VideoFrame.from_ndarray(np.zeros((300, 400, 3), "uint8"), format="rgb24")
    >>> jpeg, width, height, scale = encode_jpeg(frame, max_side=200)
    >>> jpeg[:3], width, height, scale
    (b'\\xff\\xd8\\xff', 200, 150, 0.5)
    """
    w, h = frame.width, frame.height
    scale = min(1.0, math.sqrt(max_pixels / (w * h)))
    if max_side is not None:
        scale = min(scale, max_side / w, max_side / h)
    while True:
        nw, nh = max(1, int(w * scale)), max(1, int(h * scale))
        small = frame.reformat(width=nw, height=nh, format="yuvj420p")
        for q in _QUALITIES:
            data = _mjpeg(small, q)
            if len(data) <= max_bytes:
                return data, nw, nh, nw / w
        if nw == 1 and nh == 1:
            raise MediaError("cannot encode an image within the byte limit")
        scale *= 0.8


def _mjpeg(frame: Any, quality: int) -> bytes:
    import av

    cc = av.CodecContext.create("mjpeg", "w")
    cc.width, cc.height = frame.width, frame.height
    cc.pix_fmt = "yuvj420p"
    cc.time_base = Fraction(1, 25)
    cc.options = {"qmin": str(quality), "qmax": str(quality)}
    packets = cc.encode(frame) + cc.encode(None)
    return b"".join(bytes(p) for p in packets)


def video_frames(
    source: MediaSource,
    *,
    fps: float = MAX_FPS,
    max_bytes: int = IMAGE_LIMIT,
    max_pixels: int = PIXEL_LIMIT,
) -> Iterator[Frame]:
    """Take a video's frames at ``fps`` per second as JPEGs, each with its timestamp.

    The first decoded frame at or after each tick ``t0 + k / fps`` is taken (``t0``:
    the first frame's time), so no more than ``fps`` frames come from any second.

    Parameters
    ----------
    source : path, bytes or binary file
        A video PyAV can decode.
    fps : float, default 3.0
        Frames per second, in (0, 3] (the most v1 measures).
    max_bytes, max_pixels : int
        Per-image limits (v1: 2 MB, 8,294,400 px); larger frames are downscaled and
        carry their ``scale``.

    Yields
    ------
    Frame

    Examples
    --------
    >>> import av, io, numpy as np
    >>> buf = io.BytesIO()
    >>> with av.open(buf, "w", format="matroska") as out:
    ...     s = out.add_stream("mpeg4", rate=10)
    ...     s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
    ...     for i in range(20):
    ...         f = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 10, "uint8"), format="rgb24")
    ...         for p in s.encode(f):
    ...             out.mux(p)
    ...     for p in s.encode(None):
    ...         out.mux(p)
    >>> [round(f.time, 1) for f in video_frames(buf.getvalue(), fps=2)]
    [0.0, 0.5, 1.0, 1.5]
    """
    if not 0 < fps <= MAX_FPS:
        raise ValueError(f"video_frames: fps must be in (0, {MAX_FPS:g}]; got {fps!r}")
    with open_container(source) as container:
        if not container.streams.video:
            raise MediaError(f"{name_of(source)}: no video track")
        stream = container.streams.video[0]
        rate = float(stream.average_rate or 25)
        ticks = _Ticks(fps)
        taken = 0
        for n, frame in enumerate(container.decode(stream)):
            t = float(frame.time) if frame.time is not None else n / rate
            if not ticks.take(t):
                continue
            data, w, h, scale = encode_jpeg(frame, max_bytes=max_bytes, max_pixels=max_pixels)
            yield Frame(data, t, taken, w, h, scale)
            taken += 1


class _Ticks:
    """Takes the first frame at or after each tick ``t0 + k / fps``."""

    def __init__(self, fps: float) -> None:
        self.fps = fps
        self.t0: float | None = None
        self.tick = 0

    def take(self, t: float) -> bool:
        self.t0 = t if self.t0 is None else self.t0
        if t + 1e-6 < self.t0 + self.tick / self.fps:
            return False
        while self.t0 + self.tick / self.fps <= t + 1e-6:
            self.tick += 1
        return True


def frame_times(source: MediaSource, *, fps: float = MAX_FPS) -> list[float]:
    """The times of the frames :func:`video_frames` takes, read without decoding.

    Packets are demuxed (not decoded), so this is cheap enough to plan a study.

    Examples
    --------
    >>> import av, io, numpy as np
    >>> buf = io.BytesIO()
    >>> with av.open(buf, "w", format="matroska") as out:
    ...     s = out.add_stream("mpeg4", rate=10)
    ...     s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
    ...     for i in range(20):
    ...         f = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), "uint8"), format="rgb24")
    ...         for p in s.encode(f):
    ...             out.mux(p)
    ...     for p in s.encode(None):
    ...         out.mux(p)
    >>> [round(t, 1) for t in frame_times(buf.getvalue(), fps=2)]
    [0.0, 0.5, 1.0, 1.5]
    """
    if not 0 < fps <= MAX_FPS:
        raise ValueError(f"frame_times: fps must be in (0, {MAX_FPS:g}]; got {fps!r}")
    with open_container(source) as container:
        if not container.streams.video:
            raise MediaError(f"{name_of(source)}: no video track")
        stream = container.streams.video[0]
        base = stream.time_base
        times = sorted(
            float(p.pts * base) for p in container.demux(stream) if p.pts is not None and p.size
        )
    ticks = _Ticks(fps)
    return [t for t in times if ticks.take(t)]


def prepare_image(
    source: MediaSource,
    *,
    max_bytes: int = IMAGE_LIMIT,
    max_pixels: int = PIXEL_LIMIT,
    max_side: int | None = None,
) -> Frame:
    """An image as a JPEG within the limits; a JPEG already within them passes unchanged.

    Parameters
    ----------
    source : path, bytes or binary file
        Any image PyAV can decode (JPEG, PNG, ...).
    max_bytes, max_pixels : int
        v1 limits (2 MB, 8,294,400 px).
    max_side : int, optional
        Largest side in pixels (v0 stream images: 3000).

    Returns
    -------
    Frame
        ``time`` 0.0, ``index`` 0 and the ``scale`` applied.

    Examples
    --------
    >>> import av, io, numpy as np
    >>> big = av.VideoFrame.from_ndarray(np.zeros((3000, 4000, 3), "uint8"), format="rgb24")
    >>> jpeg, *_ = encode_jpeg(big, max_pixels=10**9)
    >>> img = prepare_image(jpeg)
    >>> img.width, img.height, img.width * img.height <= 8_294_400, round(img.scale, 3)
    (3325, 2494, True, 0.831)
    """
    import av

    with open_container(source) as container:
        if not container.streams.video:
            raise MediaError(f"{name_of(source)}: not an image")
        is_jpeg = "jpeg" in container.format.name or container.format.name == "image2"
        try:
            frame = next(container.decode(video=0))
        except (StopIteration, av.FFmpegError) as exc:
            raise MediaError(f"{name_of(source)}: cannot decode the image ({exc})") from None
    w, h = frame.width, frame.height
    side_ok = max_side is None or max(w, h) <= max_side
    raw = _raw(source) if is_jpeg else None
    if raw is not None and is_jpeg and raw[:3] == b"\xff\xd8\xff" and side_ok:
        if len(raw) <= max_bytes and w * h <= max_pixels:
            return Frame(bytes(raw), 0.0, 0, w, h, 1.0)
    data, nw, nh, scale = encode_jpeg(
        frame, max_bytes=max_bytes, max_pixels=max_pixels, max_side=max_side
    )
    return Frame(data, 0.0, 0, nw, nh, scale)


def _raw(source: MediaSource) -> bytes | None:
    """The file's bytes when ``source`` is bytes or a path (None for an open file)."""
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if isinstance(source, (str, os.PathLike)):
        return Path(source).read_bytes()
    return None
