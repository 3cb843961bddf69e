"""Name lists used by the simulator, read from the package copy of ``vocabularies.json``."""

from __future__ import annotations

import functools
import json
from importlib import resources


@functools.cache
def _all() -> dict:
    text = resources.files("humeresearch").joinpath("data", "vocabularies.json").read_text("utf-8")
    return json.loads(text)


@functools.cache
def names(key: str) -> tuple[str, ...]:
    """Return the ordered name list stored under ``key`` in ``vocabularies.json``.

    Examples
    --------
    >>> len(names("v0_emotions_48"))
    48
    """
    data = _all()
    try:
        return tuple(data[key]["names"])
    except KeyError:
        choices = sorted(k for k, v in data.items() if isinstance(v, dict) and "names" in v)
        raise ValueError(f"unknown vocabulary {key!r}; choose from {choices}") from None


def emotions48() -> tuple[str, ...]:
    """The 48 face/prosody/burst/facemesh emotion names, in JSON (alphabetical) order."""
    return names("v0_emotions_48")


def emotions53() -> tuple[str, ...]:
    """The 53 language/NER emotion names, in JSON (alphabetical) order."""
    return names("v0_language_emotions_53")
