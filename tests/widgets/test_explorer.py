"""Explorer: selectors narrow each other, the selection is the filtered table, the figure follows."""

from __future__ import annotations

import pytest

from humeresearch.testing import measurements
from humeresearch.widgets import Explorer
from humeresearch.widgets._figures import png_of

NAMES = ("Joy", "Sadness", "Calmness", "Anger", "Awe", "Fear", "Interest")


def values(control):
    return tuple(value for _, value in control.options)


@pytest.fixture(scope="module")
def data():
    return measurements(
        sources=("a.mp4", "b.mp4"),
        models=("face", "prosody"),
        tracks={"face": ["face_0", "face_1"]},
        names=NAMES,
        duration=6.0,
    )


def test_defaults_are_the_first_recording_and_its_top_five(data):
    ex = Explorer(data)
    long = data.long()
    assert values(ex.source) == ("a.mp4", "b.mp4") and ex.source.value == "a.mp4"
    assert values(ex.file) == ("a.mp4",)
    assert values(ex.model) == ("(all)", "face", "prosody") and ex.model.value == "(all)"
    assert values(ex.track) == ("(all)", "face_0", "face_1", "spk_0")
    assert values(ex.family) == ("emotion",)
    a = long[long["source"] == "a.mp4"]
    top = a.groupby(a["name"].astype(str))["score"].mean().nlargest(5).index
    assert ex.names.value == tuple(sorted(top))
    assert ex.names.options == tuple(sorted(NAMES))
    assert ex.time.value == (0.0, float(a["end"].max()))
    assert ex.view.value == "timeline"
    axes = ex.last_figure.get_axes()
    assert [ax.get_ylabel() for ax in axes[:3]] == [
        "face\nface_0",
        "face\nface_1",
        "prosody\nspk_0",
    ]
    assert png_of(ex.figure)[:4] == b"\x89PNG"


def test_selection_is_the_filtered_long_table(data):
    ex = Explorer(data)
    ex.source.value = "b.mp4"
    ex.model.value = "face"
    assert values(ex.track) == ("(all)", "face_0", "face_1")
    ex.track.value = "face_1"
    ex.names.value = ("Anger", "Joy")
    ex.time.value = (1.0, 3.0)
    long = data.long()
    expected = long[
        (long["source"] == "b.mp4")
        & (long["model"] == "face")
        & (long["track"] == "face_1")
        & long["name"].isin(["Anger", "Joy"])
        & (long["begin"] <= 3.0)
        & (long["end"] >= 1.0)
    ]
    assert ex.selection.equals(expected)
    assert len(ex.selection) == 2 * 7  # frames at 1, 4/3, ..., 3 s (3 fps), two names
    assert ex.last_figure.get_axes()[0].get_ylabel() == "face\nface_1"


def test_the_figure_changes_with_the_view_and_the_selectors(data):
    ex = Explorer(data, top_k=3)
    timeline = png_of(ex.figure)
    ex.view.value = "heatmap"
    heatmap = png_of(ex.figure)
    assert heatmap != timeline
    rows = [t.get_text() for t in ex.last_figure.get_axes()[0].get_yticklabels()]
    expected = sorted(f"{m} · {n}" for m in ("face", "prosody") for n in ex.names.value)
    assert sorted(rows) == expected  # one row per model and expression
    ex.view.value = "distribution"
    ticks = [t.get_text() for t in ex.last_figure.get_axes()[0].get_xticklabels()]
    assert sorted(ticks) == sorted(ex.names.value)
    before = png_of(ex.figure)
    ex.names.value = ("Fear",)
    assert png_of(ex.figure) != before
    ex.names.value = ()
    assert ex.last_figure is None
    assert "nothing selected" in ex.figure.outputs[0]["data"]["text/plain"]
    assert ex.selection.empty


def test_recordings_are_labelled_by_file_name_when_unique(data):
    long = data.long().copy()
    long["source"] = long["source"].astype(str).map({"a.mp4": "/x/a.mp4", "b.mp4": "/y/a.mp4"})
    long["file"] = long["source"]
    assert Explorer(long).source.options == (("/x/a.mp4", "/x/a.mp4"), ("/y/a.mp4", "/y/a.mp4"))
    long["source"] = long["source"].map({"/x/a.mp4": "/x/a.mp4", "/y/a.mp4": "/x/b.mp4"})
    long["file"] = long["source"]
    assert Explorer(long).source.options == (("a.mp4", "/x/a.mp4"), ("b.mp4", "/x/b.mp4"))


def test_a_long_table_works_and_bad_views_are_refused(data):
    ex = Explorer(data.long(), view="heatmap")
    assert ex.view.value == "heatmap" and ex.last_figure is not None
    with pytest.raises(ValueError, match="view"):
        Explorer(data, view="radar")
