"""Opening media with PyAV: paths, bytes or binary files; :class:`MediaError`; :func:`probe`."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import IO, Any, Union

from humeresearch.errors import MediaError

MediaSource = Union[str, "os.PathLike[str]", bytes, IO[bytes]]
"""A media input: a path, the file's bytes, or an open binary file."""


def _av() -> Any:
    try:
        import av
    except ImportError as exc:  # av is in the measure extra
        raise ImportError(
            "humeresearch.media needs the optional dependency 'av' (PyAV) of the 'measure' "
            'extra; install it with: pip install "humeresearch[measure]"'
        ) from exc
    return av


def name_of(source: MediaSource) -> str:
    """A printable name of a media input (its path, or ``<bytes>``)."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return "<bytes>"


def open_container(source: MediaSource) -> Any:
    """An ``av`` input container for ``source``; MediaError when PyAV cannot open it."""
    av = _av()
    target: Any = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    try:
        return av.open(os.fspath(target) if isinstance(target, os.PathLike) else target)
    except (av.FFmpegError, OSError) as exc:
        raise MediaError(f"{name_of(source)}: cannot open media ({exc})") from None


@dataclass(frozen=True)
class MediaInfo:
    """What a media file holds (from :func:`probe`).

    Attributes
    ----------
    duration : float
        Seconds (0.0 for a still image).
    has_audio, has_video : bool
        Whether an audio / video (or image) stream exists.
    fps : float or None
        Average frame rate of the video stream.
    width, height : int or None
        Pixels of the video stream.
    is_image : bool
        A single still image (JPEG, PNG ...).
    """

    duration: float
    has_audio: bool
    has_video: bool
    fps: float | None
    width: int | None
    height: int | None
    is_image: bool


_IMAGE_FORMATS = ("image2", "jpeg_pipe", "png_pipe", "bmp_pipe", "webp_pipe", "tiff_pipe", "gif")


def probe(source: MediaSource) -> MediaInfo:
    """Describe a media file without decoding it.

    Parameters
    ----------
    source : path, bytes or binary file
        The media.

    Returns
    -------
    MediaInfo

    Examples
    --------
    >>> import numpy as np
    >>> from humeresearch.media import Audio, probe
    >>> tone = (np.sin(np.arange(16000) / 16000 * 2 * np.pi * 440) * 8000).astype("<i2")
    >>> info = probe(Audio(tone.tobytes()).wav())
    >>> info.has_audio, info.has_video, round(info.duration, 2)
    (True, False, 1.0)
    """
    from humeresearch.media._wav import read_wav

    found = read_wav(source, samples=False)
    if found is not None:  # a PCM WAV: its header says it all
        duration = found[0].duration
        return MediaInfo(duration, True, False, None, None, None, False)
    with open_container(source) as container:
        audio = container.streams.audio[0] if container.streams.audio else None
        video = container.streams.video[0] if container.streams.video else None
        is_image = (
            video is not None
            and audio is None
            and any(f in container.format.name.split(",") for f in _IMAGE_FORMATS)
        )
        duration = 0.0
        if not is_image:
            duration = _duration(container, audio, video)
        rate = video.average_rate if video is not None else None
        return MediaInfo(
            duration=duration,
            has_audio=audio is not None,
            has_video=video is not None,
            fps=float(rate) if rate else None,
            width=video.codec_context.width if video is not None else None,
            height=video.codec_context.height if video is not None else None,
            is_image=is_image,
        )


def _duration(container: Any, audio: Any, video: Any) -> float:
    if container.duration is not None:
        return float(container.duration) / 1_000_000
    best = 0.0
    for stream in (audio, video):
        if stream is not None and stream.duration is not None and stream.time_base:
            best = max(best, float(stream.duration * stream.time_base))
    return best
