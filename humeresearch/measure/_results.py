"""From stored raw responses to one :class:`Measurements`, only through ``humeresearch.read``.

Each stored response is read with :func:`humeresearch.read`; the pieces of one input
are then placed on the input's clock: the source becomes the input's name, a v1 audio
piece's times move by its offset in the recording, a video request's frames and span
ids continue those of the requests before it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from humeresearch._measurements import Measurements
from humeresearch.measure._inputs import Item
from humeresearch.measure._ledger import Key, Ledger


def _retag(m: Measurements, **kwargs: Any) -> Measurements:
    from humeresearch.clients._clock import place

    return place(m, **kwargs)


def read_input(ledger: Ledger, key: Key, item: Item) -> Measurements:
    """The measurements of one done input, on its own clock."""
    import humeresearch as hr

    project = ledger.project
    row = ledger.row(key)
    assert row is not None and row["state"] == "done"
    record = {"measured_input": item.name, "content_hash": item.content_hash, "api": key[1]}
    if key[1] == "v0" and row["result_path"].endswith("stream.json"):
        from humeresearch.clients import StreamResult

        m = StreamResult.load(project / row["result_path"]).read()
        return _retag(m, source=item.name, record=record)
    if key[1] == "v0":
        m = hr.read(project / row["result_path"], format="v0-predictions")
        return _retag(m, source=item.name, record=record)
    parts = []
    span_ids: dict[str, int] = {}
    for name, piece in sorted(ledger.pieces(key).items()):
        meta, path = piece["meta"], project / piece["path"]
        rec = {**record, "piece": name, "run_id": piece["run_id"]}
        if name.startswith("audio"):
            m = hr.read(path, format="v1", source=item.name)
            m = _retag(m, source=item.name, seconds=meta["offset"], span_ids=span_ids, record=rec)
        else:
            times = meta.get("times")
            options = {"frame_times": times} if times is not None else {}
            m = hr.read(path, format="v1", source=item.name, **options)
            first = int(meta["first"])
            m = _retag(m, source=item.name, frames=first, span_ids=span_ids, record=rec)
        parts.append(m)
    return hr.concat(parts)


def combine(parts: list[Measurements], *, measure: dict[str, Any], path: Path) -> Measurements:
    """One Measurements of every input, its provenance naming the measurement; saved."""
    import humeresearch as hr

    m = hr.concat(parts)
    m = dataclasses.replace(m, provenance={**m.provenance, "measure": measure})
    m.to_parquet(path)
    return m
