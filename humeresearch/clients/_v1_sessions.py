"""Realtime session logs of the v1 API and how they are read on the recording's clock."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from humeresearch._measurements import Measurements


@dataclass
class RealtimeSession:
    """The messages of one realtime session (one WebSocket connection, one run).

    Attributes
    ----------
    session_id : str
        The server's ``session_id`` (= the run's ``run_id``).
    offset : float
        Seconds on the recording's clock of the session's time 0 (audio: the first
        sample this session took; a session opened after ``server_shutdown`` starts
        where the previous one's accepted audio ended).
    messages : list of dict
        Every server message, in order (``error`` messages included).
    frame_times : dict
        Video: ``frame_id`` -> seconds on the recording's clock of the frame answered.
    frames_before : int
        Video: frames measured by the earlier sessions (the ``frame`` column continues).
    reason : str or None
        ``session.closed.reason``, or ``"closed <code>"`` when the connection ended
        without it.
    sent_seconds, accepted_seconds : float
        Audio sent and audio the server reports it took (``session.closed``, else the
        run's ``bytes_received``); they differ only when frames were lost.
    """

    session_id: str
    offset: float = 0.0
    messages: list[dict[str, Any]] = field(default_factory=list)
    frame_times: dict[int, float] = field(default_factory=dict)
    frames_before: int = 0
    reason: str | None = None
    sent_seconds: float = 0.0
    accepted_seconds: float = 0.0


@dataclass
class RealtimeResult:
    """The sessions that measured one recording through a realtime endpoint.

    Examples
    --------
    >>> s = RealtimeSession("s1", offset=4.0, messages=[{"type": "measurement.result",
    ...     "measurement_id": 0, "utterance_id": 0, "audio_start_ms": 500, "audio_end_ms": 1500,
    ...     "trigger": "speech_ended", "expressions": [{"name": "calmness", "probability": 0.5}],
    ...     "voice_attributes": []}])
    >>> m = RealtimeResult("talk.wav", "audio", [s]).read()
    >>> m.spans()[["source", "begin", "end"]].values.tolist()
    [['talk.wav', 4.5, 5.5]]
    """

    source: str
    endpoint: str
    sessions: list[RealtimeSession] = field(default_factory=list)

    def read(self) -> Measurements:
        """Every session read with :func:`humeresearch.read`, placed on the recording's clock.

        Examples
        --------
        >>> s = RealtimeSession("s1", offset=2.0, messages=[{"type": "measurement.result",
        ...     "measurement_id": 0, "utterance_id": 0, "audio_start_ms": 0, "audio_end_ms": 1000,
        ...     "trigger": "speech_ended", "expressions": [{"name": "calmness", "probability": 0.5}],
        ...     "voice_attributes": []}])
        >>> RealtimeResult("talk.wav", "audio", [s]).read().spans()[["begin", "end"]].values.tolist()
        [[2.0, 3.0]]
        """
        return read_sessions(self.sessions, source=self.source)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the result as JSON (see :meth:`load`).

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> result = RealtimeResult("f.mp4", "video", [RealtimeSession("s1", frame_times={0: 0.5})])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     RealtimeResult.load(result.save(Path(tmp) / "f.json")) == result
        True
        """
        path = Path(path)
        body = {"source": self.source, "endpoint": self.endpoint}
        body["sessions"] = [vars(s) for s in self.sessions]
        path.write_text(json.dumps(body), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> RealtimeResult:
        """Read a file written by :meth:`save`."""
        body = json.loads(Path(path).read_text(encoding="utf-8"))
        sessions = []
        for s in body["sessions"]:
            s["frame_times"] = {int(k): v for k, v in s["frame_times"].items()}
            sessions.append(RealtimeSession(**s))
        return cls(body["source"], body["endpoint"], sessions)


def read_sessions(sessions: list[RealtimeSession], *, source: str) -> Measurements:
    """Realtime sessions as one Measurements on the recording's clock.

    Examples
    --------
    >>> s = RealtimeSession("s1", offset=2.0, messages=[{"type": "measurement.result",
    ...     "measurement_id": 0, "utterance_id": 0, "audio_start_ms": 0, "audio_end_ms": 1000,
    ...     "trigger": "speech_ended", "expressions": [{"name": "calmness", "probability": 0.5}],
    ...     "voice_attributes": []}])
    >>> m = read_sessions([s], source="talk.wav")
    >>> m.spans()[["source", "begin", "end"]].values.tolist()
    [['talk.wav', 2.0, 3.0]]
    """
    import humeresearch as hr
    from humeresearch.clients._clock import place

    parts = []
    span_ids: dict[str, int] = {}
    for s in sessions:
        if not any(m.get("type") == "measurement.result" for m in s.messages) and not any(
            m.get("type") == "error" for m in s.messages
        ):
            continue
        options = {"frame_times": dict(s.frame_times)} if s.frame_times else {}
        m = hr.read(list(s.messages), format="v1", source=source, **options)
        seconds = 0.0 if s.frame_times else s.offset
        parts.append(
            place(m, seconds=seconds, frames=s.frames_before, span_ids=span_ids,
                  record={"session_id": s.session_id, "offset": s.offset})
        )  # fmt: skip
    return hr.concat(parts)
