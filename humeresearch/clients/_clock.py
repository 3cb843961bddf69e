"""Placing measurements read from one request or session on a recording's clock.

Clients store the raw responses they receive and read them with
:func:`humeresearch.read`; when a recording was sent in pieces (split uploads, v0
stream payloads, realtime sessions restarted after ``server_shutdown``), each piece's
measurements are moved here onto the recording's clock: times by the piece's offset,
frames and span ids so that they continue those of the pieces before it, text
character positions by the piece's offset in the whole text.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from humeresearch._measurements import Measurements


def place(
    m: Measurements,
    *,
    source: str | None = None,
    seconds: float = 0.0,
    frames: int = 0,
    chars: int = 0,
    span_ids: dict[str, int] | None = None,
    record: dict[str, Any] | None = None,
) -> Measurements:
    """``m`` with its source renamed and its clock, frames, characters and span ids shifted.

    Parameters
    ----------
    m : Measurements
        The measurements of one piece.
    source : str, optional
        New ``source`` (and errors ``source``) of every row.
    seconds : float, default 0.0
        Added to ``begin`` and ``end``.
    frames : int, default 0
        Added to ``frame``.
    chars : int, default 0
        Added to ``char_begin`` and ``char_end`` when present.
    span_ids : dict, optional
        Per model, the next free ``span_id``; this piece's span ids start there and the
        mapping is updated (pass the same dict for every piece of one recording).
    record : dict, optional
        Merged into every ``provenance["inputs"]`` entry.

    Examples
    --------
    >>> import humeresearch as hr
    >>> r = {"prosody": {"predictions": [{"time": {"begin": 0.5, "end": 1.0},
    ...       "emotions": [{"name": "Joy", "score": 0.5}]}]}}
    >>> ids = {}
    >>> a = place(hr.read([r], source="rec"), seconds=5.0, span_ids=ids)
    >>> b = place(hr.read([r], source="rec"), seconds=10.0, span_ids=ids)
    >>> s = hr.concat([a, b]).spans()
    >>> s["span_id"].tolist(), s["begin"].tolist(), s["end"].tolist()
    ([0, 1], [5.5, 10.5], [6.0, 11.0])
    """
    spans = m._spans.copy()
    if source is not None:
        spans["source"] = pd.array([source] * len(spans), dtype=spans["source"].dtype)
    if seconds:
        spans["begin"] = spans["begin"] + seconds
        spans["end"] = spans["end"] + seconds
    if frames:
        spans["frame"] = spans["frame"] + frames
    if chars:
        for col in ("char_begin", "char_end"):
            if col in spans:
                spans[col] = spans[col] + chars
    if span_ids is not None and len(spans):
        for model, idx in spans.groupby("model", observed=True).groups.items():
            start = span_ids.get(str(model), 0)
            spans.loc[idx, "span_id"] = spans.loc[idx, "span_id"] + start
            span_ids[str(model)] = int(spans.loc[idx, "span_id"].max()) + 1
    errors = m._errors.copy()
    if source is not None:
        errors["source"] = pd.array([source] * len(errors), dtype=errors["source"].dtype)
    inputs = [{**r, **(record or {})} for r in m.provenance.get("inputs", [])]
    return dataclasses.replace(
        m, _spans=spans, _errors=errors, provenance={**m.provenance, "inputs": inputs}
    )
