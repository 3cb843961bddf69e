"""Exceptions and warnings of the simulator."""

from __future__ import annotations


class SimulationError(Exception):
    """A request the simulated service rejects.

    Attributes
    ----------
    code : str
        The service's error code (v1 snake_case codes such as ``unsupported_media_type``).
    message : str
        Human-readable explanation.

    Examples
    --------
    >>> err = SimulationError("audio_decode_failed", "empty input")
    >>> err.code, str(err)
    ('audio_decode_failed', 'audio_decode_failed: empty input')
    """

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


class SimulationWarning(UserWarning):
    """The simulator had to guess (e.g. media it cannot decode got a duration from its size)."""
