"""The registry of input formats that :func:`humeresearch.read` detects.

Each format says whether it recognises an input (from the first bytes, or from an
already-decoded object) and how to read it into a :class:`~humeresearch._build.Builder`.
Formats are tried in registration order; the first that recognises an input wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from humeresearch._build import Builder
from humeresearch.readers._source import Input

#: bytes sniffed from the start of an input
PREFIX = 4096


@dataclass(frozen=True)
class Format:
    """One input format.

    Attributes
    ----------
    name : str
        The value users pass as ``format=``.
    read : callable
        ``read(input, builder, **options) -> dict | None``: add the input's spans,
        scores and errors to ``builder``; return extra provenance (e.g. a config).
    sniff : callable, optional
        ``sniff(prefix: bytes, input) -> bool`` for byte inputs.
    sniff_obj : callable, optional
        ``sniff_obj(obj) -> bool`` for decoded objects.
    description : str
        One line for ``--help`` and error messages.
    """

    name: str
    read: Callable[..., dict[str, Any] | None]
    sniff: Callable[[bytes, Input], bool] | None = None
    sniff_obj: Callable[[Any], bool] | None = None
    description: str = ""


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add (or replace) a format in the registry."""
    FORMATS[fmt.name] = fmt
    return fmt


def detect(inp: Input) -> Format | None:
    """The first registered format that recognises ``inp``."""
    if inp.data is not None:
        prefix = inp.data[:PREFIX]
        for fmt in FORMATS.values():
            if fmt.sniff is not None and fmt.sniff(prefix, inp):
                return fmt
    else:
        for fmt in FORMATS.values():
            if fmt.sniff_obj is not None and fmt.sniff_obj(inp.obj):
                return fmt
    return None


def read_v0_predictions_input(inp: Input, builder: Builder, **_: Any) -> None:
    from humeresearch.readers import v0_predictions as v0

    entries = v0.decode(inp.name, data=inp.data, obj=inp.obj)
    v0.read_v0_predictions(inp.name, entries, builder)


def _sniff_v0(prefix: bytes, _: Input) -> bool:
    from humeresearch.readers.v0_predictions import sniff

    return sniff(prefix)


def _sniff_v0_obj(obj: Any) -> bool:
    from humeresearch.readers.v0_predictions import looks_like

    return (isinstance(obj, list) and not obj) or looks_like(obj)


register(
    Format(
        "v0-predictions",
        read_v0_predictions_input,
        sniff=_sniff_v0,
        sniff_obj=_sniff_v0_obj,
        description="v0 batch predictions JSON (GET /v0/batch/jobs/{id}/predictions)",
    )
)
