"""Limits on what one input may cost, checked before the memory is spent.

:data:`LIMITS` is the one place to read and change them. An input over a limit is
refused with a :class:`~humeresearch.errors.FormatError` naming the limit, its value and
how to raise it. The values are read when an input is read (threads share them; process
workers of ``read(..., executor="process")`` start with the defaults).

Examples
--------
>>> from humeresearch.readers import LIMITS
>>> LIMITS.max_ratio
200.0
>>> LIMITS.max_ratio = 1000.0  # allow more compressible zip members
>>> LIMITS.max_ratio = 200.0
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from humeresearch.errors import FormatError

GIB = 1 << 30


@dataclass
class Limits:
    """Limits of one input.

    Attributes
    ----------
    max_member_size : int
        Decompressed bytes of one zip member (default 1 GiB).
    max_input_size : int
        Decompressed bytes of all members of one zip (default 4 GiB).
    max_ratio : float
        Decompressed / compressed size of one zip member (default 200; real artifacts
        CSVs compress 3 to 10 times, a zip bomb thousands of times). Members smaller
        than 1 MiB are not held to it.
    max_json_depth : int
        Nesting depth of a JSON document (default 64; real Hume outputs nest at most 12
        deep).
    """

    max_member_size: int = GIB
    max_input_size: int = 4 * GIB
    max_ratio: float = 200.0
    max_json_depth: int = 64

    def refuse(self, name: str, where: str, limit: str, what: str) -> FormatError:
        """The FormatError of an input over ``limit`` (a field name)."""
        value = getattr(self, limit)
        return FormatError(
            name,
            where,
            f"{what} exceeds the limit {limit}={value!r}; if the input is trusted, raise it "
            f"with humeresearch.readers.LIMITS.{limit} = <larger value>",
        )

    def reset(self) -> None:
        """Restore every default."""
        for f in fields(self):
            setattr(self, f.name, f.default)


#: the limits every reader applies
LIMITS = Limits()

#: members smaller than this are not held to ``max_ratio``
RATIO_FLOOR = 1 << 20
