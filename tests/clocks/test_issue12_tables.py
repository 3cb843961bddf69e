"""One overlap policy, carried design columns, categories present (issue 12: 11, 12, 13)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import humeresearch as hr
from humeresearch import testing
from humeresearch.errors import UnmatchedSpansWarning


@pytest.fixture(scope="module")
def interview(fixtures):
    return hr.read(str(fixtures / "interreviewer_predictions.json"))


def test_one_overlap_policy_on_the_real_interview(interview):
    # Hume pads prosody segments by 0.2 s: consecutive utterances overlap
    prosody = interview.long(model="prosody")
    calls = {
        "resample": lambda **kw: hr.resample(prosody, step=1.0, **kw),
        "summarize": lambda **kw: hr.summarize(prosody, **kw),
        "smooth": lambda **kw: hr.smooth(prosody, window=2.0, **kw),
    }
    for func, call in calls.items():
        with pytest.raises(ValueError, match=rf"^{func}: prosody track 'spk_0' .* overlapping"):
            call(overlapping="raise")
        # the default is the documented "allow", the same in every function
        pd.testing.assert_frame_equal(call(), call(overlapping="allow"))
        with pytest.raises(ValueError, match=f"{func}: overlapping must be one of"):
            call(overlapping="yes")
    # allow: each span keeps its full duration (brute force on one speaker)
    spans = interview.spans(model="prosody").query("track == 'spk_0'")
    joy = prosody.query("track == 'spk_0' and name == 'Joy'")
    w = (spans["end"] - spans["begin"]).to_numpy()
    mean = hr.summarize(prosody, overlapping="allow").query("track == 'spk_0' and name == 'Joy'")
    assert mean["score"].item() == pytest.approx(np.sum(w * joy["score"].to_numpy()) / w.sum())
    # touching spans and instants are not overlaps
    touching = testing.long_table(models=["prosody", "face"], span=1.5, gap=0.0)
    assert len(hr.summarize(touching)) and len(hr.smooth(touching, window=1.0))


def test_align_carries_design_and_target_columns(interview):
    design = pd.DataFrame(
        {
            "source": ["p1.mp4", "p2.mp4"],
            "participant": ["P1", "P2"],
            "condition": ["control", "stress"],
            "recording": [1, 2],
        }
    )
    face = hr.annotate(testing.long_table(sources=("p1.mp4", "p2.mp4"), seed=2), design)
    utterances = testing.spans_table(sources=("p1.mp4", "p2.mp4"), models=["prosody"], span=2.0)
    utterances["text"] = [f"u{i}" for i in range(len(utterances))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnmatchedSpansWarning)
        out = hr.align(face, utterances)
    assert {"participant", "condition", "recording", "text"} <= set(out.columns)
    by_source = dict(zip(design["source"], design["participant"]))
    assert (out["participant"] == out["source"].astype(str).map(by_source)).all()
    assert (out["recording"] == out["source"].astype(str).map({"p1.mp4": 1, "p2.mp4": 2})).all()
    text = utterances.set_index(["source", "span_id"])["text"]
    keys = list(zip(out["source"].astype(str), out["span_id"]))
    assert out["text"].tolist() == text.loc[keys].tolist()
    # a column that varies within a recording is not carried; NA-only target columns neither
    face["frame_no"] = np.arange(len(face))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnmatchedSpansWarning)
        out = hr.align(face, utterances.assign(box_x=np.nan))
    assert "frame_no" not in out.columns and "box_x" not in out.columns


def test_readme_example_keeps_participant_and_condition():
    m = hr.read("data/example/predictions.json")
    design = pd.read_csv("data/example/design.csv")
    face = hr.annotate(m.long(model="face"), design, on="source")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnmatchedSpansWarning)
        out = hr.align(face, m.spans().query("model == 'prosody'"))
    assert out[["participant", "condition"]].notna().all().all()
    summary = hr.summarize(out, by=["participant", "condition", "from_model"])
    assert summary["participant"].nunique() == design["participant"].nunique()


def test_outputs_hold_only_the_categories_present():
    m = testing.measurements(models=["face", "prosody"], names=("Joy", "Sadness"))
    long = m.long()
    face = long.query("model == 'face' and name == 'Joy'")  # pandas keeps every category
    assert len(face["name"].cat.categories) == 2
    outputs = {
        "summarize": hr.summarize(face),
        "top_k": hr.top_k(face, k=1),
        "dominant": hr.dominant(face),
        "resample": hr.resample(face, step=1.0),
        "smooth": hr.smooth(face, window=1.0),
        "composite": hr.composite(face, mapping={"pos": ["Joy"]}),
        "embed": hr.embed(long.query("model == 'face'"), by=["source", "track"], n=1).coords,
    }
    for func, out in outputs.items():
        for column in ("model", "name", "source", "track"):
            if column in out.columns and isinstance(out[column].dtype, pd.CategoricalDtype):
                present = set(out[column].dropna().astype(str))
                assert set(out[column].cat.categories) == present, (func, column)
    assert hr.summarize(face)["name"].value_counts().to_dict() == {"Joy": 1}
    # user categoricals keep their declared levels
    study = testing.study(subjects=2, frames=2)
    treated = study[study["condition"] == "treatment"]
    summary = hr.summarize(treated, by=["participant", "condition"])
    assert summary["condition"].cat.categories.tolist() == ["control", "treatment"]


def test_mixed_categories_are_accepted():
    a = testing.long_table(sources=("a.mp4",), names=("Joy", "Sadness"), seed=1)
    b = testing.long_table(sources=("b.mp4",), names=("Awe",), seed=2)
    both = pd.concat([a, b], ignore_index=True)  # pandas turns differing categories to object
    assert not isinstance(both["name"].dtype, pd.CategoricalDtype)
    parts = pd.concat([hr.summarize(a), hr.summarize(b)], ignore_index=True)
    got = hr.summarize(both)
    for column in ("source", "name"):
        assert got[column].astype(str).tolist() == parts[column].astype(str).tolist()
    np.testing.assert_array_equal(got["score"], parts["score"])
    # composites next to the measured names
    comp = hr.composite(a, mapping={"composite": ["Joy", "Sadness"]})
    with_comp = pd.concat([a, comp[a.columns]], ignore_index=True)
    assert "composite" in set(hr.summarize(with_comp)["name"].astype(str))
    # onto with other categories than data
    onto = testing.spans_table(sources=("b.mp4", "a.mp4"), models=["prosody"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnmatchedSpansWarning)
        aligned = hr.align(a, onto)
    assert set(aligned["source"].astype(str)) == {"a.mp4"}
    assert aligned["source"].cat.categories.tolist() == ["a.mp4"]
    # hr.concat of two Measurements: categories of the union
    ma = testing.measurements(sources=("a.mp4",), names=("Joy",))
    mb = testing.measurements(sources=("b.mp4",), names=("Awe",))
    long = hr.concat([ma, mb]).long()
    assert set(long["name"].cat.categories) == {"Joy", "Awe"}
