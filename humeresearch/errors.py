"""Every exception and warning class of humeresearch, in one place.

All are re-exported at the top level (``humeresearch.FormatError`` ...).

Examples
--------
>>> import humeresearch as hr
>>> issubclass(hr.FormatError, ValueError)
True
"""

from __future__ import annotations


class FormatError(ValueError):
    """An input does not follow the format it claims to be in.

    The message always names the input (its path as given, or ``<bytes>``,
    ``<object>``) and the place of the fault inside it: a JSON path such as
    ``[2].results.predictions[0].models.face.grouped_predictions[1].predictions[17].emotions[3].score``,
    a CSV row and column, or a zip member.

    Attributes
    ----------
    input : str
        Name of the input.
    where : str
        Place of the fault inside the input ("" when the whole input is at fault).
    reason : str
        What is wrong.
    """

    def __init__(self, input: str, where: str, reason: str) -> None:
        self.input = input
        self.where = where
        self.reason = reason
        place = f"{input}: {where}: " if where else f"{input}: "
        super().__init__(place + reason)

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:  # picklable across processes
        return (type(self), (self.input, self.where, self.reason))


class ContractError(ValueError):
    """A table does not follow the humeresearch data contract."""


class PseudoReplicationWarning(UserWarning):
    """Observations that are not independent are being treated as independent."""


class UnmatchedSpansWarning(UserWarning):
    """Some source spans overlap no target span and were left out of an alignment."""


class OutOfRangeWarning(UserWarning):
    """An input holds values outside their documented range (kept, counted, first place named).

    Scores and probabilities outside [0, 1] are kept as the API wrote them; one warning per
    column gives their count and the first place.
    """


class StatsWarning(UserWarning):
    """A statistic could not be computed for some rows (see their ``note`` column)."""


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

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (self.code, self.message))


class SimulationWarning(UserWarning):
    """The simulator had to guess (e.g. media it cannot decode got a duration from its size)."""


# -- clients and media (humeresearch.clients, humeresearch.media) --------------------


class ConfigError(ValueError):
    """A configuration value the API would reject; the message names the field.

    Attributes
    ----------
    field : str
        Dotted path of the offending field (``"models.language.granularity"``).
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (self.field, self.reason))


class HumeClientError(Exception):
    """Base class of every failure of a request to a Hume (or Hume-compatible) server."""


class ApiError(HumeClientError):
    """The server answered with a non-2xx status.

    Attributes
    ----------
    status : int
        HTTP status code.
    code : str or None
        v1 error code (``"config_invalid"``), or None when the body carries none.
    message : str
        The server's message (for humans).
    request_id : str or None
        v1 request id, when given.
    retry_after : float or None
        Seconds from a ``Retry-After`` header.
    """

    def __init__(
        self,
        status: int,
        code: str | None,
        message: str,
        *,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.retry_after = retry_after
        text = f"HTTP {status}" + (f" {code}" if code else "") + f": {message}"
        if request_id:
            text += f" (request_id {request_id})"
        super().__init__(text)


class TransportError(HumeClientError):
    """No usable answer arrived.

    Attributes
    ----------
    sent : bool
        False when the request provably never reached the server (connection refused,
        connect timeout); True when it was sent and the answer was lost, so the server
        may have acted on it (an *ambiguous* failure).
    """

    def __init__(self, message: str, *, sent: bool) -> None:
        self.sent = sent
        super().__init__(message)

    @property
    def ambiguous(self) -> bool:
        """True when the server may have acted although no answer arrived."""
        return self.sent


class MediaError(ValueError):
    """A media input cannot be opened or lacks what was asked of it (e.g. an audio track)."""
