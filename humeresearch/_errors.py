"""Exceptions and warnings raised by humeresearch."""

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
