"""From stored raw responses to one :class:`Measurements`, only through ``humeresearch.read``.

Each stored response is read with :func:`humeresearch.read`; the pieces of one input
are then placed on the input's clock: the source becomes the input's name, a v1 audio
piece's times move by its offset in the recording, a video request's frames and span
ids continue those of the requests before it.

v1 audio responses are read many at a time: their stored bytes are joined into one
JSON array (not decoded here) and read once, which :func:`humeresearch.read` takes as
a list of file responses, each under its ``run_id`` as source; the rows are then
renamed and shifted per response. Reading a small response alone costs mostly the
fixed work of building and checking tables, which a batch pays once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from humeresearch._measurements import Measurements
from humeresearch.measure._inputs import Item
from humeresearch.measure._ledger import Key, Ledger

#: v1 audio responses read together (bounds the bytes held at once).
BATCH_PIECES = 512
#: finished inputs (in order) that :class:`Reader` reads while the run goes on.
READ_AHEAD = 100


def _retag(m: Measurements, **kwargs: Any) -> Measurements:
    from humeresearch.clients import place

    return place(m, **kwargs)


@dataclass(frozen=True)
class _Audio:
    """One stored v1 audio response waiting in a batch."""

    item: Item
    name: str
    run_id: str
    path: Path
    offset: float
    record: dict[str, Any]


def read_inputs(ledger: Ledger, done: list[tuple[Key, Item]]) -> list[Measurements]:
    """The measurements of done inputs, in order (v1 audio responses read in batches).

    Equal to :func:`read_input` of each input, concatenated.
    """
    parts: list[Measurements] = []
    batch: list[_Audio] = []
    span_ids: dict[str, dict[str, int]] = {}  # per input: the next free span id per model

    def flush() -> None:
        if len(batch) == 1:  # one response is read alone (a list of one is no list)
            a = batch[0]
            ids = span_ids.setdefault(a.item.name, {})
            piece = {"meta": {"offset": a.offset}}
            parts.append(_read_piece(a.item, a.name, piece, a.path, a.record, ids))
        elif batch:
            parts.append(_read_audio_batch(batch, span_ids))
        batch.clear()

    for key, item in done:
        if key[1] != "v1":
            flush()
            parts.append(read_input(ledger, key, item))
            continue
        record = _record(item, key)
        ids = span_ids.setdefault(item.name, {})
        for name, piece in sorted(ledger.pieces(key).items()):
            run_id = piece["run_id"]
            path = ledger.project / piece["path"]
            rec = {**record, "piece": name, "run_id": run_id}
            if name.startswith("audio") and run_id and run_id != "None":
                if any(a.run_id == run_id for a in batch):
                    flush()  # one run id twice: keep the sources of a batch apart
                batch.append(_Audio(item, name, run_id, path, piece["meta"]["offset"], rec))
                if len(batch) >= BATCH_PIECES:
                    flush()
                continue
            flush()
            parts.append(_read_piece(item, name, piece, path, rec, ids))
    flush()
    return parts


def _record(item: Item, key: Key) -> dict[str, Any]:
    return {"measured_input": item.name, "content_hash": item.content_hash, "api": key[1]}


def _read_piece(
    item: Item,
    name: str,
    piece: dict[str, Any],
    path: Path,
    record: dict[str, Any],
    span_ids: dict[str, int],
) -> Measurements:
    """One v1 response alone, placed on its input's clock."""
    import humeresearch as hr

    meta = piece["meta"]
    if name.startswith("audio"):
        m = hr.read(path, format="v1", source=item.name)
        return _retag(m, source=item.name, seconds=meta["offset"], span_ids=span_ids, record=record)
    times = meta.get("times")
    options = {"frame_times": times} if times is not None else {}
    m = hr.read(path, format="v1", source=item.name, **options)
    first = int(meta["first"])
    return _retag(m, source=item.name, frames=first, span_ids=span_ids, record=record)


def _read_audio_batch(batch: list[_Audio], span_ids: dict[str, dict[str, int]]) -> Measurements:
    """v1 audio responses read as one list, each placed on its input's clock."""
    import humeresearch as hr

    raws = [a.path.read_bytes() for a in batch]
    m = hr.read(b"[" + b",".join(raws) + b"]", format="v1")
    spans = m._spans.copy()
    run = spans["source"].to_numpy(dtype=object)
    local_max = spans.groupby("source", sort=False)["span_id"].max()
    source, shift, offset = {}, {}, {}
    for a in batch:
        ids = span_ids.setdefault(a.item.name, {})
        start = ids.get("audio", 0)
        source[a.run_id], shift[a.run_id], offset[a.run_id] = a.item.name, start, a.offset
        if a.run_id in local_max.index:
            ids["audio"] = start + int(local_max[a.run_id]) + 1
    names = pd.array([source[r] for r in run], dtype=spans["source"].dtype)
    spans["source"] = names
    spans["file"] = names.astype(spans["file"].dtype)
    seconds = np.array([offset[r] for r in run], dtype=np.float64)
    spans["begin"] = spans["begin"] + seconds
    spans["end"] = spans["end"] + seconds
    spans["span_id"] = spans["span_id"] + np.array([shift[r] for r in run], dtype=np.int64)
    errors = m._errors.copy()
    for col in ("source", "file"):
        errors[col] = errors[col].map(lambda r: source.get(r, r)).astype(errors[col].dtype)
    provenance = _batch_provenance(m, batch, raws)
    return dataclasses.replace(m, _spans=spans, _errors=errors, provenance=provenance)


def _batch_provenance(m: Measurements, batch: list[_Audio], raws: list[bytes]) -> dict[str, Any]:
    """One ``inputs`` entry per response, as reading its file alone would give."""
    (entry,) = m.provenance["inputs"]
    responses = entry["responses"]
    inputs = []
    for a, raw, extra in zip(batch, raws, responses, strict=True):
        inputs.append(
            {
                "path": str(a.path),
                "name": str(a.path),
                "size": len(raw),
                "sha256": hashlib.sha256(raw).hexdigest(),
                "format": entry["format"],
                **extra,
                **a.record,
            }
        )
    return {**m.provenance, "inputs": inputs}


def read_input(ledger: Ledger, key: Key, item: Item) -> Measurements:
    """The measurements of one done input, on its own clock."""
    import humeresearch as hr

    project = ledger.project
    row = ledger.row(key)
    assert row is not None and row["state"] == "done"
    record = _record(item, key)
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
        rec = {**record, "piece": name, "run_id": piece["run_id"]}
        parts.append(_read_piece(item, name, piece, project / piece["path"], rec, span_ids))
    return hr.concat(parts)


def combine(parts: list[Measurements], *, measure: dict[str, Any], path: Path) -> Measurements:
    """One Measurements of every input, its provenance naming the measurement; saved."""
    import humeresearch as hr

    m = hr.concat(parts)
    m = dataclasses.replace(m, provenance={**m.provenance, "measure": measure})
    m.to_parquet(path)
    return m


class Reader:
    """Reads the done inputs in input order, a chunk at a time, while others are measured.

    The reading of stored responses costs CPU per input; done during the uploads (which
    mostly wait for the server) instead of after them, it shortens a run. The result is
    that of :func:`read_inputs` on every done input at once (batches never change it).
    """

    def __init__(self, ledger: Ledger, keyed: list[tuple[Key, Item]], todo: set[int]) -> None:
        self.ledger, self.keyed = ledger, keyed
        self.final = [i not in todo for i in range(len(keyed))]
        self.next = 0
        self.parts: list[Measurements] = []
        self.wake = asyncio.Event()
        self.lock = asyncio.Lock()  # one read at a time keeps the parts in order
        self.closed = False

    def finish(self, index: int) -> None:
        """Input ``index`` has reached its last state of this call."""
        self.final[index] = True
        self.wake.set()

    async def run(self) -> None:
        """Read each chunk of finished inputs as it completes, until :meth:`close`."""
        while not self.closed:
            await self.wake.wait()
            self.wake.clear()
            await self._read(READ_AHEAD)

    async def close(self) -> list[Measurements]:
        """Read what is left; the measurements of every done input, in order."""
        self.closed = True
        self.wake.set()
        await self._read(1)
        return self.parts

    async def _read(self, least: int) -> None:
        async with self.lock:
            await self._read_locked(least)

    async def _read_locked(self, least: int) -> None:
        end = self.next
        while end < len(self.keyed) and self.final[end]:
            end += 1
        if end - self.next < least:
            return
        taken, self.next = self.keyed[self.next : end], end
        done = [(k, i) for k, i in taken if (self.ledger.row(k) or {}).get("state") == "done"]
        if done:
            self.parts.extend(await asyncio.to_thread(read_inputs, self.ledger, done))
