"""Helpers of the reader tests for artifacts, streams, v1, SDK objects and dispatch."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "hume-v0-real"
JOBS = ["interreviewer", "interviewiq", "humegradio"]
KEYS = ["source", "file", "model", "track", "span_id"]


@pytest.fixture(scope="session")
def real() -> Path:
    """The folder of real v0 outputs."""
    if not FIXTURES.is_dir():
        pytest.fail(f"real fixtures not found at {FIXTURES}")
    return FIXTURES


def sorted_long(m, source_map: dict[str, str] | None = None) -> pd.DataFrame:
    """The long table with plain-object keys, mapped sources, sorted by key/family/name."""
    long = m.long()
    for c in ("source", "file", "model", "track", "family", "name"):
        long[c] = long[c].astype(str)
    if source_map:
        long["source"] = long["source"].map(lambda s: source_map.get(s, s))
    order = [*KEYS, "family", "name"]
    return long.sort_values(order).reset_index(drop=True)


def sorted_spans(m, source_map: dict[str, str] | None = None) -> pd.DataFrame:
    spans = m.spans()
    if source_map:
        spans["source"] = spans["source"].map(lambda s: source_map.get(s, s)).astype("string")
    return spans.sort_values(KEYS).reset_index(drop=True)


def assert_same_measurements(a, b, source_map: dict[str, str] | None = None) -> None:
    """Long tables equal (keys exact, values within 1e-6); shared span columns equal."""
    la, lb = sorted_long(a), sorted_long(b, source_map)
    assert len(la) == len(lb)
    cols = [*KEYS, "family", "name"]
    pd.testing.assert_frame_equal(la[cols], lb[cols])
    for c in ("score", "begin", "end"):
        np.testing.assert_allclose(la[c].to_numpy(), lb[c].to_numpy(), atol=1e-6, rtol=0)
    sa, sb = sorted_spans(a), sorted_spans(b, source_map)
    shared = [c for c in sa.columns if c in sb.columns]
    assert {"begin", "end", "frame", "text"} <= set(shared)
    pd.testing.assert_frame_equal(sa[shared], sb[shared], check_exact=False, atol=1e-6)


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    """CSV as Hume writes it: CRLF, quoted when needed, "" for None."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else repr(v) if isinstance(v, float) else v for v in row])
    return buf.getvalue().encode()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def source_url(real: Path, job: str) -> dict[str, str]:
    """Map the zip's basename source to the JSON's URL source (url jobs only)."""
    import json

    doc = json.loads((real / f"{job}_predictions.json").read_text())
    src = doc[0]["source"]
    if src["type"] != "url":
        return {}
    return {src["url"].rsplit("/", 1)[-1]: src["url"]}
