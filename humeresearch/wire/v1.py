"""The v1 wire format: measurements of file responses and realtime messages (hume-v1.md).

``POST /v1/expression/audio/file`` answers ``{"request_id", "run_id", "received",
"utterances", "measurements": [AudioMeasurement ...]}``; the video endpoint answers
``"measurements": [VideoMeasurement ...]``. A realtime session sends typed JSON
messages (:data:`SERVER_MESSAGES`); each ``measurement.result`` message carries the
fields of one measurement. Times are in milliseconds; scores are probabilities named
in lower case, and a list holds only the names the service returned.

Examples
--------
>>> import msgspec
>>> from humeresearch.wire import v1
>>> msg = {"type": "measurement.result", "measurement_id": 0, "utterance_id": 0,
...        "audio_start_ms": 98, "audio_end_ms": 3098, "trigger": "interval",
...        "expressions": [{"name": "calmness", "probability": 0.81}]}
>>> m = msgspec.convert(msg, v1.AudioMeasurement)
>>> m.audio_end_ms - m.audio_start_ms, m.expressions[0].name
(3000.0, 'calmness')
"""

from __future__ import annotations

import msgspec

__all__ = [
    "CLIENT_MESSAGES",
    "SERVER_MESSAGES",
    "AudioMeasurement",
    "Face",
    "Score",
    "VideoMeasurement",
]


class Score(msgspec.Struct, gc=False):
    """One named probability (``{"name": "calmness", "probability": 0.81}``)."""

    name: str
    probability: float


class AudioMeasurement(msgspec.Struct, gc=False):
    """One audio measurement: a stretch of an utterance and its scores.

    ``trigger`` says what closed it (``interval``, ``utterance_end`` ...);
    ``voice_attributes`` are scores of the ``voice_attribute`` family.
    """

    measurement_id: int
    audio_start_ms: float
    audio_end_ms: float
    utterance_id: int | None = None
    trigger: str | None = None
    expressions: list[Score] | None = None
    voice_attributes: list[Score] | None = None


class Face(msgspec.Struct, gc=False):
    """One face of a video frame; ``bbox`` is ``[x0, y0, x1, y1]`` in pixels.

    A face listed without ``face_id`` (too small or unsure) carries no scores.
    """

    face_id: int | None = None
    bbox: list[float] | None = None
    confidence: float | None = None
    expressions: list[Score] | None = None
    descriptions: list[Score] | None = None


class VideoMeasurement(msgspec.Struct, gc=False):
    """The faces measured in one frame (``frame_id``: the frame's position, from 0)."""

    frame_id: int
    faces: list[Face] = msgspec.field(default_factory=list)


#: ``type`` of every message a realtime server sends (audio and video endpoints).
SERVER_MESSAGES: tuple[str, ...] = (
    "session.created",
    "session.updated",
    "utterance.start",
    "measurement.result",
    "utterance.end",
    "session.closed",
    "error",
)

#: ``type`` of every JSON message a realtime client sends (media travels in binary frames).
CLIENT_MESSAGES: tuple[str, ...] = ("session.update", "session.close")
