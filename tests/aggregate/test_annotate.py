"""annotate against the design rows, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import humeresearch as hr


def test_annotate(face_long):
    meta = pd.DataFrame(
        {"source": ["rec0.mp4", "rec1.mp4"], "participant": ["P1", "P2"], "age": [30, 41]}
    )
    out = hr.annotate(face_long, meta)
    expected = {"rec0.mp4": ("P1", 30), "rec1.mp4": ("P2", 41)}
    for r in out.to_dict("records"):
        assert (r["participant"], r["age"]) == expected[r["source"]]
    assert len(out) == len(face_long)
    pd.testing.assert_frame_equal(out[face_long.columns], face_long.reset_index(drop=True))


def test_annotate_refuses_missing_and_ambiguous(face_long):
    partial = pd.DataFrame({"source": ["rec0.mp4"], "participant": ["P1"]})
    with pytest.raises(ValueError, match="rec1.mp4"):
        hr.annotate(face_long, partial)
    kept = hr.annotate(face_long, partial, missing="keep")
    assert kept.loc[kept["source"] == "rec1.mp4", "participant"].isna().all()
    assert len(kept) == len(face_long)
    dropped = hr.annotate(face_long, partial, missing="drop")
    assert set(dropped["source"].astype(str)) == {"rec0.mp4"}
    twice = pd.DataFrame({"source": ["rec0.mp4", "rec0.mp4", "rec1.mp4"], "c": [1, 2, 3]})
    with pytest.raises(ValueError, match="rec0.mp4"):
        hr.annotate(face_long, twice)
    first = hr.annotate(face_long, twice, ambiguous="first")
    assert set(first.loc[first["source"] == "rec0.mp4", "c"]) == {1}
    with pytest.raises(ValueError, match="already has"):
        hr.annotate(face_long, pd.DataFrame({"source": ["rec0.mp4"], "score": [1]}))
    with pytest.raises(ValueError, match=r"annotate: design has no column\(s\) \['source'\]"):
        hr.annotate(face_long, meta_without_key := pd.DataFrame({"x": [1]}))
    assert len(meta_without_key) == 1
    with pytest.raises(ValueError, match="annotate: missing must be one of 'raise', 'keep'"):
        hr.annotate(face_long, partial, missing="fill")


def test_annotate_on_two_keys(face_long):
    meta = pd.DataFrame(
        {"source": ["rec0.mp4", "rec1.mp4"], "file": ["rec0.mp4", "rec1.mp4"], "session": [1, 2]}
    )
    out = hr.annotate(face_long, meta, on=["source", "file"])
    assert (out["session"] == np.where(out["source"] == "rec0.mp4", 1, 2)).all()
