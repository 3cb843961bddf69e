"""Configuration objects of the v1 API (``hume-v1.md`` §4.1, §5.1, §6).

Validated at construction (a :class:`ConfigError` names the field); ``to_dict()`` gives
the upload's ``config`` part with unset fields omitted (``None`` when nothing is set:
omit the part), ``session_update()`` the realtime ``session.update`` message.

Examples
--------
>>> from humeresearch.clients import AudioConfig, VideoConfig
>>> AudioConfig(measurement_timer_ms=5000).to_dict()
{'measurement_timer_ms': 5000}
>>> VideoConfig(threshold=0.8, return_face_state=True).to_json()
'{"face":{"threshold":0.8,"return_face_state":true}}'
>>> AudioConfig(measurement_timer_ms=2000)
Traceback (most recent call last):
...
humeresearch.errors.ConfigError: measurement_timer_ms: must be an integer in 3000-10000, got 2000
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from humeresearch.clients import _check as check
from humeresearch.clients._errors import ConfigError

#: the only audio format v1 accepts (``session.update`` ``audio``).
AUDIO_FORMAT: dict[str, Any] = {
    "type": "audio/pcm",
    "encoding": "s16le",
    "sample_rate": 16000,
    "channels": 1,
}
#: the only image format v1 accepts.
IMAGE_FORMAT: dict[str, str] = {"type": "image/jpeg"}


@dataclass(frozen=True)
class AudioConfig:
    """v1 audio options (upload ``config`` part and realtime ``session.update``).

    Parameters
    ----------
    measurement_timer_ms : int, optional
        Milliseconds of speech between measurements, 3000-10000 (server default 3000).

    Examples
    --------
    >>> AudioConfig().to_dict() is None
    True
    >>> AudioConfig(measurement_timer_ms=4000).session_update()
    {'type': 'session.update', 'measurement_timer_ms': 4000}
    """

    measurement_timer_ms: int | None = None

    def __post_init__(self) -> None:
        check.number(
            self.measurement_timer_ms, "measurement_timer_ms", lo=3000, hi=10000, integer=True
        )

    def to_dict(self) -> dict[str, Any] | None:
        """The ``config`` part, or None when every field is unset (omit the part).

        Examples
        --------
        >>> AudioConfig(measurement_timer_ms=3000).to_dict(), AudioConfig().to_dict()
        ({'measurement_timer_ms': 3000}, None)
        """
        return check.compact({"measurement_timer_ms": self.measurement_timer_ms}) or None

    def to_json(self) -> str | None:
        """:meth:`to_dict` as compact JSON (None: omit the part).

        Examples
        --------
        >>> AudioConfig(measurement_timer_ms=3000).to_json(), AudioConfig().to_json()
        ('{"measurement_timer_ms":3000}', None)
        """
        data = self.to_dict()
        return None if data is None else check.dumps(data)

    def session_update(self) -> dict[str, Any]:
        """The realtime ``session.update`` message (it replaces the whole session config).

        Examples
        --------
        >>> AudioConfig().session_update()
        {'type': 'session.update'}
        """
        return {"type": "session.update"} | (self.to_dict() or {})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> AudioConfig:
        """Read a ``config`` part; unknown fields are errors (the server rejects them too)."""
        data = data or {}
        check.only_keys(data, ("measurement_timer_ms",), "")
        return cls(**data)


@dataclass(frozen=True)
class VideoConfig:
    """v1 video options (image upload ``config`` part and realtime ``session.update``).

    Parameters
    ----------
    threshold : float, optional
        ``face.threshold``, 0-1: minimum detection confidence (server default 0.9).
    min_size : int, optional
        ``face.min_size``, >= 1: shortest bbox side in pixels (server default 60).
    return_face_state : bool, optional
        ``face.return_face_state``: ask for a ``face_state`` (uploads only).
    face_state : str, optional
        A ``face_state`` from an earlier response: ``face_id`` numbering continues
        (uploads only).

    Examples
    --------
    >>> VideoConfig(threshold=0.5, face_state="s1").to_dict()
    {'face': {'threshold': 0.5}, 'face_state': 's1'}
    >>> VideoConfig(min_size=80).session_update()
    {'type': 'session.update', 'face': {'min_size': 80}}
    >>> VideoConfig(threshold=1.2)
    Traceback (most recent call last):
    ...
    humeresearch.errors.ConfigError: face.threshold: must be a number in 0-1, got 1.2
    """

    threshold: float | None = None
    min_size: int | None = None
    return_face_state: bool | None = None
    face_state: str | None = None

    def __post_init__(self) -> None:
        check.number(self.threshold, "face.threshold", lo=0, hi=1)
        check.number(self.min_size, "face.min_size", lo=1, integer=True)
        check.flag(self.return_face_state, "face.return_face_state")
        check.text(self.face_state, "face_state")

    def _face(self) -> dict[str, Any]:
        return check.compact(
            {
                "threshold": None if self.threshold is None else float(self.threshold),
                "min_size": self.min_size,
                "return_face_state": self.return_face_state,
            }
        )

    def to_dict(self) -> dict[str, Any] | None:
        """The ``config`` part, or None when every field is unset (omit the part).

        Examples
        --------
        >>> VideoConfig(min_size=40, return_face_state=True).to_dict()
        {'face': {'min_size': 40, 'return_face_state': True}}
        >>> VideoConfig().to_dict() is None
        True
        """
        face = self._face()
        out = check.compact({"face": face or None, "face_state": self.face_state})
        return out or None

    def to_json(self) -> str | None:
        """:meth:`to_dict` as compact JSON (None: omit the part).

        Examples
        --------
        >>> VideoConfig(face_state="s1").to_json()
        '{"face_state":"s1"}'
        """
        data = self.to_dict()
        return None if data is None else check.dumps(data)

    def replace(self, **changes: Any) -> VideoConfig:
        """A copy with some fields changed (validated again).

        Examples
        --------
        >>> VideoConfig(threshold=0.5).replace(min_size=30)
        VideoConfig(threshold=0.5, min_size=30, return_face_state=None, face_state=None)
        >>> VideoConfig().replace(min_size=0)
        Traceback (most recent call last):
        ...
        humeresearch.errors.ConfigError: face.min_size: must be an integer in 1-inf, got 0
        """
        return dataclasses.replace(self, **changes)

    def session_update(self) -> dict[str, Any]:
        """The realtime ``session.update`` message; face state exists only for uploads.

        Examples
        --------
        >>> VideoConfig(threshold=0.7).session_update()
        {'type': 'session.update', 'face': {'threshold': 0.7}}
        >>> VideoConfig(face_state="s1").session_update()
        Traceback (most recent call last):
        ...
        humeresearch.errors.ConfigError: face_state: exists only for uploads, not for realtime sessions
        """
        for name in ("return_face_state", "face_state"):
            if getattr(self, name) is not None:
                field = "face.return_face_state" if name == "return_face_state" else name
                raise ConfigError(field, "exists only for uploads, not for realtime sessions")
        face = self._face()
        return {"type": "session.update"} | ({"face": face} if face else {})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> VideoConfig:
        """Read a ``config`` part; unknown fields are errors (the server rejects them too)."""
        data = data or {}
        check.only_keys(data, ("face", "face_state"), "")
        face = data.get("face") or {}
        check.only_keys(face, ("threshold", "min_size", "return_face_state"), "face")
        return cls(**face, face_state=data.get("face_state"))


@dataclass(frozen=True)
class V1Config:
    """Both v1 configurations: a video measured with v1 sends its audio and its frames.

    Examples
    --------
    >>> V1Config(audio=AudioConfig(measurement_timer_ms=5000)).to_dict()
    {'audio': {'measurement_timer_ms': 5000}, 'video': None}
    """

    audio: AudioConfig = dataclasses.field(default_factory=AudioConfig)
    video: VideoConfig = dataclasses.field(default_factory=VideoConfig)

    def __post_init__(self) -> None:
        if not isinstance(self.audio, AudioConfig):
            raise ConfigError("audio", f"must be an AudioConfig, got {self.audio!r}")
        if not isinstance(self.video, VideoConfig):
            raise ConfigError("video", f"must be a VideoConfig, got {self.video!r}")

    def to_dict(self) -> dict[str, Any]:
        """``{"audio": <config part or None>, "video": <config part or None>}``.

        Examples
        --------
        >>> V1Config(video=VideoConfig(threshold=0.5)).to_dict()
        {'audio': None, 'video': {'face': {'threshold': 0.5}}}
        """
        return {"audio": self.audio.to_dict(), "video": self.video.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> V1Config:
        """Read ``{"audio": {...}, "video": {...}}`` (either may be absent or null)."""
        check.only_keys(data, ("audio", "video"), "")
        return cls(
            audio=AudioConfig.from_dict(data.get("audio")),
            video=VideoConfig.from_dict(data.get("video")),
        )
