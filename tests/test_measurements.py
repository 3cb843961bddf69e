"""The Measurements container: tables, Parquet round trip, concat, immutability."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import humeresearch as hr
from humeresearch import testing
from humeresearch.errors import ContractError


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


def test_model_selects_one_or_several_models_in_every_table():
    m = testing.measurements(
        sources=["a.mp4", "b.mp4"],
        models=["face", "prosody", "language"],
        tracks={"face": ["face_0", "face_1"]},
        names=["Joy", "Calmness"],
    )
    long, spans, wide = m.long(), m.spans(), m.wide()
    for chosen in ("prosody", ["prosody", "language"], ("face",)):
        wanted = [chosen] if isinstance(chosen, str) else list(chosen)
        keep = long["model"].isin(wanted)
        got = m.long(model=chosen)
        assert got["score"].tolist() == long.loc[keep, "score"].tolist()
        assert got["model"].astype(str).tolist() == long.loc[keep, "model"].astype(str).tolist()
        assert sorted(got["model"].cat.categories) == sorted(wanted)
        hr.validate(got, "long")
        sel = m.spans(model=chosen)
        assert sel["begin"].tolist() == spans.loc[spans["model"].isin(wanted), "begin"].tolist()
        assert sorted(sel["model"].cat.categories) == sorted(wanted)
        hr.validate(sel, "spans")
        w = m.wide(model=chosen)
        expected = wide.loc[wide["model"].isin(wanted)].reset_index(drop=True)
        pd.testing.assert_frame_equal(
            w[["Joy", "Calmness"]], expected[["Joy", "Calmness"]], check_dtype=True
        )
        assert sorted(w["model"].cat.categories) == sorted(wanted)
        hr.validate(w, "wide")


def test_selection_keeps_only_present_categories():
    m = testing.measurements(models=["face", "audio"], family="facs", names=["AU1"])
    long = m.long(model="audio")
    assert long["model"].cat.categories.tolist() == ["audio"]
    assert long["family"].cat.categories.tolist() == ["facs"]
    assert long["track"].cat.categories.tolist() == ["unknown"]
    assert m.spans(model="audio")["api"].cat.categories.tolist() == ["v1"]
    # without a selection the categories are the contract's, as read
    assert "emotion" in m.long()["family"].cat.categories


def test_model_is_keyword_only_and_checked():
    m = testing.measurements(models=["face", "prosody"])
    with pytest.raises(TypeError):
        m.wide("face")  # type: ignore[misc]
    with pytest.raises(TypeError):
        m.long("face")  # type: ignore[misc]
    with pytest.raises(
        ValueError, match=r"'burst' is not in these measurements; models: \['face', 'prosody'\]"
    ):
        m.long(model=["face", "burst"])
    with pytest.raises(ValueError, match="models"):
        m.spans(model="video")
