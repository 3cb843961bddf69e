"""humeresearch.testing: every builder returns valid, deterministic contract tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import humeresearch as hr
from humeresearch import define, testing

ALL_MODELS = list(define.MODELS)
SEVERAL = dict(
    sources={"batch.zip": ["a.mp4", "b.mp4"], "c.mp4": ["c.mp4"]},
    models=ALL_MODELS,
    tracks={"face": ["face_0", "face_1"], "prosody": ["spk_0", "spk_1"]},
)


@pytest.mark.parametrize("kwargs", [{}, SEVERAL, dict(models=["prosody"], gap=0.5, span=1.0)])
def test_every_builder_validates(kwargs):
    long = testing.long_table(**kwargs)
    assert hr.validate(long, "long") is long
    hr.validate(testing.spans_table(**kwargs), "spans")
    hr.validate(testing.wide_table(**kwargs), "wide")
    m = testing.measurements(**kwargs)
    assert isinstance(m, hr.Measurements)
    hr.validate(m.long(), "long")
    hr.validate(m.spans(), "spans")
    hr.validate(m.errors(), "errors")
    assert m.errors().empty


def test_long_dtypes_are_the_contract_dtypes():
    long = testing.long_table(**SEVERAL)
    for column in ("source", "file", "track", "model", "family", "name"):
        assert isinstance(long[column].dtype, pd.CategoricalDtype), column
    assert long["span_id"].dtype == np.int64
    for column in ("begin", "end", "score"):
        assert long[column].dtype == np.float64, column
    assert list(long.columns) == hr.validate(long, "long").columns.tolist()


def test_keys_cover_sources_files_models_tracks():
    spans = testing.spans_table(**SEVERAL)
    series = spans[["source", "file", "model", "track"]].astype(str).drop_duplicates()
    assert set(map(tuple, series.to_numpy())) == {
        (source, file, model, track)
        for source, files in SEVERAL["sources"].items()
        for file in files
        for model in ALL_MODELS
        for track in SEVERAL["tracks"].get(
            model,
            ["face_0"] if model in ("face", "facemesh", "video") else ["unknown"],
        )
    }


def test_instants_are_frames_at_k_over_fps():
    spans = testing.spans_table(models=["face", "facemesh", "video"], duration=2.0, fps=2.5)
    for _, one in spans.groupby("model", observed=True):
        np.testing.assert_array_equal(one["begin"], [0.0, 0.4, 0.8, 1.2, 1.6])
        np.testing.assert_array_equal(one["end"], one["begin"])
        assert one["frame"].tolist() == [0, 1, 2, 3, 4]
        assert one["span_id"].tolist() == [0, 1, 2, 3, 4]
    assert spans["frame"].dtype == "Int64"


def test_spans_are_consecutive_with_gap_and_end_by_duration():
    spans = testing.spans_table(models=["prosody"], duration=6.0, span=1.5, gap=0.5)
    assert spans["begin"].tolist() == [0.0, 2.0, 4.0]
    assert spans["end"].tolist() == [1.5, 3.5, 5.5]
    assert spans["frame"].isna().all()
    overlapping = testing.spans_table(models=["prosody"], duration=4.0, span=2.0, gap=-1.0)
    assert overlapping["begin"].tolist() == [0.0, 1.0, 2.0]
    assert overlapping["end"].tolist() == [2.0, 3.0, 4.0]
    touching = testing.spans_table(models=["burst"], duration=6.0, span=1.5)
    assert touching["begin"].tolist() == [0.0, 1.5, 3.0, 4.5]
    assert touching["end"].tolist() == [1.5, 3.0, 4.5, 6.0]


def test_api_frame_and_text_columns():
    spans = testing.spans_table(models=ALL_MODELS, duration=3.0)
    api = dict(zip(spans["model"].astype(str), spans["api"].astype(str)))
    assert api == {m: ("v1" if m in ("audio", "video") else "v0") for m in ALL_MODELS}
    instant = spans["model"].isin(["face", "facemesh", "video"])
    assert spans.loc[instant, "frame"].notna().all()
    assert spans.loc[~instant, "frame"].isna().all()
    assert spans["text"].dtype == "string"
    assert spans["text"].isna().all()


def test_names_family_and_score_range():
    long = testing.long_table(**SEVERAL, family="facs", names=["AU1", "AU4"])
    assert set(long["name"].astype(str)) == {"AU1", "AU4"}
    assert set(long["family"].astype(str)) == {"facs"}
    assert long["score"].between(0, 1).all()
    wide = testing.wide_table(family="facs", names=["AU1", "AU4"])
    assert {"facs:AU1", "facs:AU4"} <= set(wide.columns)
    # one score per span and name
    spans = testing.spans_table(**SEVERAL)
    assert len(long) == 2 * len(spans)


def test_long_spans_wide_describe_the_same_data():
    m = testing.measurements(**SEVERAL, seed=3)
    pdt.assert_frame_equal(testing.long_table(**SEVERAL, seed=3), m.long())
    pdt.assert_frame_equal(testing.spans_table(**SEVERAL, seed=3), m.spans())
    pdt.assert_frame_equal(testing.wide_table(**SEVERAL, seed=3), m.wide())


def test_deterministic_in_seed():
    a = testing.long_table(**SEVERAL, seed=7)
    pdt.assert_frame_equal(a, testing.long_table(**SEVERAL, seed=7))
    assert not np.array_equal(a["score"], testing.long_table(**SEVERAL, seed=8)["score"])
    s = testing.study(seed=4)
    pdt.assert_frame_equal(s, testing.study(seed=4))
    assert not np.array_equal(s["score"], testing.study(seed=5)["score"])


def test_provenance_names_the_synthetic_arguments():
    m = testing.measurements(models=["face", "prosody"], seed=2)
    (record,) = m.provenance["inputs"]
    assert record["path"] == "humeresearch.testing"
    assert record["format"] == "synthetic"
    assert record["arguments"]["models"] == ["face", "prosody"]
    assert record["arguments"]["seed"] == 2
    assert m.provenance["humeresearch_version"] == hr.__version__


def test_invalid_arguments_raise():
    with pytest.raises(ValueError, match="models must be one of"):
        testing.long_table(models=["smile"])
    with pytest.raises(ValueError, match="family must be one of"):
        testing.long_table(family="moods")
    with pytest.raises(ValueError, match="fps"):
        testing.long_table(fps=0)
    with pytest.raises(ValueError, match="span \\+ gap"):
        testing.long_table(models=["prosody"], span=1.0, gap=-1.0)
    with pytest.raises(ValueError, match="design must be one of"):
        testing.study(design="mixed")
    with pytest.raises(ValueError, match="Anger"):
        testing.study(effects={"Anger": 0.3})


def test_removing_rows_makes_a_gap_that_stays_valid():
    long = testing.long_table(tracks={"face": ["face_0", "face_1"]}, duration=6.0)
    gap = (long["track"] == "face_1") & long["begin"].between(2.0, 3.0)
    hr.validate(long[~gap].reset_index(drop=True), "long")


# -- study ------------------------------------------------------------------------------


def test_study_is_a_valid_long_table_with_design_columns():
    df = testing.study(subjects=3, trials=2, frames=4)
    hr.validate(df, "long")
    assert df.columns.tolist()[-3:] == ["participant", "condition", "trial"]
    assert df["participant"].dtype == "string"
    assert df["condition"].cat.categories.tolist() == ["control", "treatment"]
    assert df["trial"].dtype == np.int64
    assert set(df["model"].astype(str)) == {"face"}
    assert set(df["track"].astype(str)) == {"face_0"}
    np.testing.assert_allclose(sorted(set(df["begin"])), [0, 1 / 3, 2 / 3, 1.0])
    assert (df["begin"] == df["end"]).all()
    # one source per participant x condition x trial, named after them
    sources = df[["source", "participant", "condition", "trial"]].astype(str).drop_duplicates()
    assert len(sources) == 3 * 2 * 2
    for r in sources.itertuples():
        assert r.source == f"{r.participant}_{r.condition}_{r.trial}.mp4"
    assert len(df) == 3 * 2 * 2 * 4 * 3


def test_study_within_puts_everyone_in_every_condition():
    df = testing.study(subjects=5, conditions=("a", "b", "c"), design="within")
    cells = df.groupby("participant")["condition"].agg(lambda c: sorted(set(c.astype(str))))
    assert cells.tolist() == [["a", "b", "c"]] * 5


def test_study_between_puts_participant_i_in_condition_i_mod_k():
    conditions = ("b", "a", "c")  # order kept, not sorted
    df = testing.study(subjects=7, conditions=conditions, design="between")
    assert df["condition"].cat.categories.tolist() == list(conditions)
    cells = df.groupby("participant")["condition"].agg(lambda c: set(c.astype(str)))
    assert cells.to_dict() == {f"p{i:02d}": {conditions[i % 3]} for i in range(7)}


def test_study_effects_shift_every_condition_but_the_first_exactly():
    df = testing.study(
        subjects=4,
        conditions=("c0", "c1", "c2"),
        effects={"Joy": 0.3, "Sadness": -0.2},
        subject_sd=0.0,
        noise_sd=0.0,
    )
    means = df.groupby(["name", "condition"], observed=True)["score"].mean().unstack()
    np.testing.assert_allclose(means.loc["Joy"], [0.5, 0.8, 0.8])
    np.testing.assert_allclose(means.loc["Sadness"], [0.5, 0.3, 0.3])
    np.testing.assert_allclose(means.loc["Calmness"], [0.5, 0.5, 0.5])


def test_study_effects_with_noise_and_subject_offsets():
    df = testing.study(subjects=40, frames=10, effects={"Joy": 0.4}, seed=1)
    means = df.groupby(["name", "condition"], observed=True)["score"].mean().unstack()
    diff = means["treatment"] - means["control"]
    assert diff["Joy"] == pytest.approx(0.4, abs=0.05)
    assert diff["Calmness"] == pytest.approx(0.0, abs=0.05)
    # subject offsets: every frame of a participant shares one offset per expression
    per_subject = df[df["name"] == "Calmness"].groupby("participant")["score"].mean()
    assert per_subject.std() == pytest.approx(np.sqrt(0.15**2 + 0.2**2 / 20), rel=0.35)


def test_study_scores_are_not_clipped():
    df = testing.study(subjects=10, noise_sd=1.0)
    assert (df["score"] < 0).any() and (df["score"] > 1).any()
    overall = df["score"].to_numpy()
    assert overall.mean() == pytest.approx(0.5, abs=0.1)
