"""The Measurements container: tables, Parquet round trip, concat, immutability."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import humeresearch as hr
from humeresearch._errors import ContractError


@pytest.fixture(scope="module")
def interview(fixtures):
    return hr.read(fixtures / "interreviewer_predictions.json")


def test_parquet_round_trip(interview, tmp_path):
    path = interview.to_parquet(tmp_path / "m.parquet")
    back = hr.read_parquet(path)
    pd.testing.assert_frame_equal(back.spans(), interview.spans())
    pd.testing.assert_frame_equal(back.long(), interview.long())
    pd.testing.assert_frame_equal(back.wide(), interview.wide())
    pd.testing.assert_frame_equal(back.errors(), interview.errors())
    assert back.provenance == interview.provenance
    # provenance sits in the file's key-value metadata under "humeresearch"
    meta = json.loads(pq.read_schema(path).metadata[b"humeresearch"])
    assert meta["inputs"][0]["sha256"] == interview.provenance["inputs"][0]["sha256"]
    assert meta["humeresearch_version"] == hr.__version__
    # read() recognises the Parquet file too
    pd.testing.assert_frame_equal(hr.read(path).long(), interview.long())


def test_parquet_round_trip_keeps_errors_and_empty(tmp_path):
    m = hr.read([{"source": {"type": "url", "url": "u"}, "error": "gone"}])
    back = hr.read_parquet(m.to_parquet(tmp_path / "e.parquet"))
    pd.testing.assert_frame_equal(back.errors(), m.errors())
    assert len(back) == 0 and back.provenance == m.provenance


def test_read_parquet_refuses_foreign_files(tmp_path):
    path = tmp_path / "plain.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(path)
    with pytest.raises(hr.FormatError, match="not written by humeresearch"):
        hr.read_parquet(path)
    (tmp_path / "junk.parquet").write_bytes(b"nope")
    with pytest.raises(hr.FormatError, match="junk.parquet"):
        hr.read_parquet(tmp_path / "junk.parquet")


def test_concat(fixtures):
    a = hr.read(fixtures / "interviewiq_predictions.json")
    b = hr.read(fixtures / "humegradio_predictions.json")
    both = hr.concat([a, b])
    assert len(both) == len(a) + len(b)
    expected = pd.concat([a.long(), b.long()], ignore_index=True)
    got = both.long()
    for column in got.columns:
        assert got[column].astype(object).tolist() == expected[column].astype(object).tolist(), (
            column
        )
    assert [i["name"] for i in both.provenance["inputs"]] == [
        str(fixtures / "interviewiq_predictions.json"),
        str(fixtures / "humegradio_predictions.json"),
    ]
    hr.validate(both.long(), "long")
    with pytest.raises(ContractError, match="more than one input"):
        hr.concat([a, a])
    assert len(hr.concat([])) == 0


def test_tables_are_copies(interview):
    spans = interview.spans()
    spans.loc[0, "begin"] = -1.0
    assert interview.spans().loc[0, "begin"] != -1.0
    with pytest.raises(AttributeError):
        interview.provenance = {}  # type: ignore[misc]


def test_wide_model_selects_rows_and_columns(interview):
    wide = interview.wide(model="language")
    assert set(wide["model"].astype(str)) == {"language"}
    assert "sentiment:5" in wide.columns and "Annoyance" in wide.columns
    face = interview.wide(model="face")
    assert "sentiment:5" not in face.columns and len(face) == 516
    assert face.filter(like="Joy").notna().all().all()
    f32 = interview.wide(dtype=np.float32)
    assert f32["Joy"].dtype == np.float32
    with pytest.raises(ValueError, match="models"):
        interview.wide(model="video")


def test_repr_names_counts(interview):
    text = repr(interview)
    assert "564 spans" in text and "face=516" in text and "27408 scores" in text
