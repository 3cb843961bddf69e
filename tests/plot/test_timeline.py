"""timeline: lanes, instants as broken lines, spans as segments, transcript, legend."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection

import humeresearch as hr
from humeresearch import testing
from humeresearch.plot import color

from .conftest import NAMES, make_recording, n_figures


class FakeMeasurements:
    """Anything with ``.long()`` and ``.spans()`` is taken like a Measurements."""

    def __init__(self, long: pd.DataFrame, spans: pd.DataFrame) -> None:
        self._long, self._spans = long, spans

    def long(self) -> pd.DataFrame:
        return self._long

    def spans(self) -> pd.DataFrame:
        return self._spans


def lane(axes: np.ndarray, label: str) -> Axes:
    matches = [a for a in axes if a.get_ylabel() == label]
    assert len(matches) == 1, [a.get_ylabel() for a in axes]
    return matches[0]


def legend_texts(axes: np.ndarray) -> list[str]:
    (legend,) = axes[0].figure.legends
    return [t.get_text() for t in legend.get_texts()]


def test_one_lane_per_model_and_track_in_contract_order(long):
    before = n_figures()
    axes = hr.plot.timeline(long, name=["Joy", "Calmness"])
    # one Axes per lane, as plt.subplots returns them (no Figure: no second rendering)
    assert isinstance(axes, np.ndarray) and axes.shape == (5,)
    assert all(isinstance(a, Axes) for a in axes)
    assert n_figures() == before + 1
    assert list(axes) == axes[0].figure.axes
    labels = [a.get_ylabel() for a in axes]
    assert labels == [
        "face\nface_0",
        "face\nface_1",
        "prosody\nspk_0",
        "prosody\nspk_1",
        "language",
    ]
    # every lane shares the recording's clock
    lims = {a.get_xlim() for a in axes}
    assert len(lims) == 1
    b, e = long["begin"].min(), long["end"].max()
    assert lims.pop() == pytest.approx((b, e))
    assert axes[-1].get_xlabel() == "time (s)"


def test_instants_are_lines_in_fixed_colours_broken_at_missing_frames(long):
    axes = hr.plot.timeline(long, name=["Joy", "Calmness"])
    for track in ("face_0", "face_1"):
        ax = lane(axes, f"face\n{track}")
        lines = ax.get_lines()
        assert len(lines) == 2
        for line, name in zip(lines, ["Joy", "Calmness"]):
            rows = long[(long["track"] == track) & (long["name"] == name)].sort_values("begin")
            x, y = line.get_xdata(), line.get_ydata()
            finite = np.isfinite(x)
            np.testing.assert_allclose(x[finite], rows["begin"].to_numpy())
            np.testing.assert_allclose(y[finite], rows["score"].to_numpy())
            assert line.get_color() == pytest.approx(color(name)) or line.get_color() == color(name)
            # face_1 has no frames from 10 to 15 s: exactly one break, no line across the gap
            assert int((~finite).sum()) == (1 if track == "face_1" else 0)
            runs = np.split(x, np.flatnonzero(~finite))
            for run in runs:
                run = run[np.isfinite(run)]
                assert np.all(np.diff(run) < 1.0)


def test_spans_are_segments_over_their_whole_extent(long):
    axes = hr.plot.timeline(long, name=["Joy"])
    ax = lane(axes, "prosody\nspk_0")
    assert ax.get_lines() == []  # no points at span midpoints
    cols = [c for c in ax.collections if isinstance(c, LineCollection)]
    rows = long[(long["track"] == "spk_0") & (long["name"] == "Joy")].sort_values("begin")
    horizontal, risers = cols[0].get_segments(), cols[1].get_segments()
    expected = [np.array([[r.begin, r.score], [r.end, r.score]]) for r in rows.itertuples()]
    assert len(horizontal) == len(expected)
    for got, want in zip(horizontal, expected):
        np.testing.assert_allclose(got, want)
    # spk_0: span 1 starts where span 0 ends, span 2 starts inside span 1, span 3 after a gap
    assert len(risers) == 2
    starts = sorted(seg[0, 0] for seg in risers)
    assert starts == [4.0, 6.0]


def test_shared_legend_lists_each_name_once_in_its_colour(long):
    axes = hr.plot.timeline(long, name=["Joy", "Anger", "Calmness"])
    (legend,) = axes[0].figure.legends
    assert [t.get_text() for t in legend.get_texts()] == ["Joy", "Anger", "Calmness"]
    for handle, name in zip(legend.legend_handles, ["Joy", "Anger", "Calmness"]):
        assert tuple(handle.get_color()) == color(name)


def test_top_k_per_model_by_duration_weighted_mean(long):
    axes = hr.plot.timeline(long, top_k=2)
    expected: list[str] = []
    for model in ("face", "prosody", "language"):
        rows = long[long["model"] == model]
        means = {}
        for name in NAMES:
            r = rows[rows["name"] == name]
            w = np.where(r["end"] > r["begin"], r["end"] - r["begin"], 1.0)
            means[name] = float((r["score"] * w).sum() / w.sum())
        best = sorted(means, key=lambda n: -means[n])[:2]
        expected += [n for n in best if n not in expected]
    assert legend_texts(axes) == expected


def test_transcript_from_spans_starts_at_each_span(long, spans):
    axes = hr.plot.timeline(long, name=["Joy"], spans=spans)
    ax = lane(axes, "language")
    texts = sorted(ax.texts, key=lambda t: t.get_position()[0])
    words = spans[spans["model"] == "language"].sort_values("begin")
    assert [t.get_text() for t in texts] == list(words["text"])
    assert [t.get_position()[0] for t in texts] == pytest.approx(list(words["begin"]))
    # the transcript goes once, on the language lane only
    assert all(len(a.texts) == 0 for a in axes if a is not ax)


def test_measurements_supply_text_and_text_false_turns_it_off(long, spans):
    m = FakeMeasurements(long, spans)
    axes = hr.plot.timeline(m, name=["Joy"])
    assert len(lane(axes, "language").texts) == 3
    axes = hr.plot.timeline(m, name=["Joy"], text=False)
    assert len(lane(axes, "language").texts) == 0
    axes = hr.plot.timeline(m, name=["Joy"], text=True)
    assert len(lane(axes, "language").texts) == 3
    with pytest.raises(ValueError, match="spans="):
        hr.plot.timeline(long, name=["Joy"], text=True)


def test_long_text_is_truncated_to_its_room(long, spans):
    spans = spans.copy()
    mask = (spans["model"] == "language").to_numpy()
    spans.loc[mask, "text"] = ["word " * 200] * int(mask.sum())
    axes = hr.plot.timeline(long, name=["Joy"], spans=spans, figsize=(6, 6))
    texts = lane(axes, "language").texts
    assert texts and all(t.get_text().endswith("\u2026") and len(t.get_text()) < 200 for t in texts)


def test_model_track_and_name_select(long):
    axes = hr.plot.timeline(
        long, model=["language", "face"], track=["face_1", "unknown"], name=["joy"]
    )
    assert [a.get_ylabel() for a in axes] == ["language", "face\nface_1"]
    assert legend_texts(axes) == ["Joy"]
    one = hr.plot.timeline(long, model="face", track="face_0", name="Joy")
    assert one.shape == (1,) and one[0].get_ylabel() == "face\nface_0"


def test_draws_into_given_axes_without_new_figure(long):
    fig, axes = plt.subplots(5, 1)
    before = n_figures()
    out = hr.plot.timeline(long, name=["Joy"], ax=axes)
    assert list(out) == list(axes) and n_figures() == before
    assert all(len(a.get_lines()) + len(a.collections) > 0 for a in axes)
    assert fig.legends == [] and axes[0].get_legend() is not None
    with pytest.raises(ValueError, match="one matplotlib Axes per lane"):
        hr.plot.timeline(long, name=["Joy"], ax=axes[0])


def test_wide_input_draws_the_same_lines():
    args = dict(models=["face", "prosody"], tracks={"face": ["face_0", "face_1"]}, names=NAMES)
    long, wide = testing.long_table(**args), testing.wide_table(**args)
    a = hr.plot.timeline(long, name=["Joy"], model="face")
    b = hr.plot.timeline(wide, name=["Joy"], model="face")
    assert len(a) == len(b) == 2
    for la, lb in zip(a, b):
        np.testing.assert_allclose(la.get_lines()[0].get_xydata(), lb.get_lines()[0].get_xydata())


def test_several_recordings_need_a_choice():
    one, _ = make_recording(source="a.mp4")
    two, _ = make_recording(seed=1, source="b.mp4")
    both = pd.concat([one, two], ignore_index=True)
    with pytest.raises(ValueError, match="2 recordings.*a.mp4"):
        hr.plot.timeline(both)
    axes = hr.plot.timeline(both, source="b.mp4", name=["Joy"], model="face")
    rows = two[(two["track"] == "face_0") & (two["name"] == "Joy")]
    np.testing.assert_allclose(axes[0].get_lines()[0].get_ydata(), rows["score"])
    with pytest.raises(ValueError, match="no rows for source='c.mp4'"):
        hr.plot.timeline(both, source="c.mp4")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": ["burst"]}, "model \\['burst'\\] not in the recording"),
        ({"track": "face_9"}, "track \\['face_9'\\] not in the recording"),
        ({"name": ["Nope"]}, "name \\['Nope'\\] not in the data"),
        ({"top_k": 0}, "top_k must be a positive int"),
        ({"family": "facs"}, "no rows of family"),
    ],
)
def test_bad_options_name_the_problem(long, kwargs, message):
    with pytest.raises(ValueError, match=message):
        hr.plot.timeline(long, **kwargs)


def test_untimed_rows_are_left_out_and_all_untimed_raises(long):
    text = long[long["model"] == "language"].assign(begin=np.nan, end=np.nan)
    with pytest.raises(ValueError, match="no row has a time"):
        hr.plot.timeline(text)
    axes = hr.plot.timeline(
        pd.concat([long[long["model"] == "face"], text.assign(source="rec.mp4")]), name=["Joy"]
    )
    assert [a.get_ylabel() for a in axes] == ["face\nface_0", "face\nface_1"]


def test_real_interview_has_a_transcript(fixtures):
    m = hr.read(fixtures / "interreviewer_predictions.json")
    axes = hr.plot.timeline(m)
    labels = [a.get_ylabel() for a in axes]
    assert labels == [
        "face\nface_0",
        "face\nface_1",
        "prosody\nspk_0",
        "prosody\nspk_1",
        "language",
    ]
    assert len(lane(axes, "language").texts) > 5
    assert 5 <= len(legend_texts(axes)) <= 15
