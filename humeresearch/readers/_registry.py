"""The one registry of input formats that :func:`humeresearch.read` detects.

Each format says whether it recognises an input (from the first bytes, from an
already-decoded object, or from a whole folder), how to read it into a
:class:`~humeresearch._build.Builder`, and which keyword options its readers take.
Formats are tried in registration order; the first that recognises an input wins.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from humeresearch.readers._source import Input

#: bytes sniffed from the start of an input
PREFIX = 4096


@dataclass(frozen=True)
class Format:
    """One input format of :func:`humeresearch.read`.

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
    folder : callable, optional
        ``folder(path) -> bool``: whether a whole folder is one input of this format.
    read_folder : callable, optional
        ``read_folder(path, builder, **options) -> dict``: read such a folder.
    options : tuple of str or None
        The keyword options ``read`` and ``read_folder`` take; None: every option is
        passed on (a format that hands its input to another one).
    description : str
        One line for ``--help`` and error messages.

    Examples
    --------
    >>> from humeresearch.readers import FORMATS
    >>> FORMATS["v1"].options
    ('source', 'fps', 'frame_times')
    >>> FORMATS["v0-predictions"].folder is None
    True
    """

    name: str
    read: Callable[..., dict[str, Any] | None]
    sniff: Callable[[bytes, Input], bool] | None = None
    sniff_obj: Callable[[Any], bool] | None = None
    folder: Callable[[Path], bool] | None = None
    read_folder: Callable[..., dict[str, Any]] | None = None
    options: tuple[str, ...] | None = ()
    description: str = ""


#: every registered format by name, in registration (= detection) order.
FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add (or replace) a format in the registry.

    Parameters
    ----------
    fmt : Format
        The format; a format of the same name is replaced in place.

    Returns
    -------
    Format
        ``fmt``.

    Examples
    --------
    >>> from humeresearch.readers import FORMATS, Format, register
    >>> def read_nothing(inp, builder):
    ...     return {"note": "read nothing"}
    >>> fmt = register(Format("nothing", read_nothing, description="an example"))
    >>> list(FORMATS)[-1]
    'nothing'
    >>> del FORMATS["nothing"]
    """
    if not isinstance(fmt, Format):
        raise TypeError(f"register: fmt must be a Format; got {type(fmt).__name__}")
    FORMATS[fmt.name] = fmt
    return fmt


def detect(inp: Input) -> Format | None:
    """The first registered format that recognises ``inp`` (bytes or a decoded object)."""
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


def detect_folder(path: Path, format: str = "auto") -> Format | None:
    """The format whose whole-folder input ``path`` is (``format``: "auto" or a name)."""
    for fmt in FORMATS.values():
        if fmt.folder is None or format not in ("auto", fmt.name):
            continue
        if fmt.folder(path):
            return fmt
    return None


def option_names(format: str = "auto") -> tuple[str, ...]:
    """The keyword options of one format, or of every format for ``"auto"``."""
    if format != "auto" and FORMATS[format].options is not None:
        return FORMATS[format].options  # type: ignore[return-value]
    names: dict[str, None] = {}
    for fmt in FORMATS.values():
        names.update(dict.fromkeys(fmt.options or ()))
    return tuple(names)


def check_options(options: Mapping[str, Any], format: str, *, func: str) -> None:
    """Raise a TypeError naming an option no reader of ``format`` takes, and the valid ones."""
    valid = option_names(format)
    unknown = [k for k in options if k not in valid]
    if unknown:
        listed = ", ".join(repr(v) for v in sorted(valid)) or "none"
        scope = "any format" if format == "auto" else f"format {format!r}"
        raise TypeError(
            f"{func}: unexpected keyword option {unknown[0]!r} (not an option of {scope}); "
            f"valid options: {listed}"
        )


def options_for(
    fmt: Format, options: Mapping[str, Any], *, name: str, strict: bool
) -> dict[str, Any]:
    """The options ``fmt`` takes; with ``strict``, any other option is a TypeError."""
    if fmt.options is None:
        return dict(options)
    rest = [k for k in options if k not in fmt.options]
    if strict and rest:
        listed = ", ".join(repr(v) for v in fmt.options) or "none"
        raise TypeError(
            f"read: option {rest[0]!r} does not apply to {name}, which is {fmt.name} "
            f"(its options: {listed})"
        )
    return {k: v for k, v in options.items() if k in fmt.options}
