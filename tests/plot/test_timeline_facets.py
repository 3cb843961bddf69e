"""timeline with col= / row=: one recording per panel on a shared clock and score scale."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import humeresearch as hr
from humeresearch import testing

from .conftest import make_recording, n_figures

LABELS = ["face\nface_0", "face\nface_1", "prosody\nspk_0", "prosody\nspk_1", "language"]


@pytest.fixture
def two() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """a.mp4 (0-30 s) and a shorter b.mp4 (0-20 s), and both in one long table."""
    a, _ = make_recording(source="a.mp4")
    b, _ = make_recording(seed=1, source="b.mp4")
    b = b[b["end"].to_numpy(dtype=float) <= 20.0]
    keys = {"source": str, "file": str}
    both = pd.concat([a.astype(keys), b.astype(keys)])
    return a, b, both.reset_index(drop=True)


def _line(ax) -> np.ndarray:
    return ax.get_lines()[0].get_xydata()


def test_col_source_draws_each_recording_side_by_side(two):
    a, b, both = two
    before = n_figures()
    grid = hr.plot.timeline(both, col="source", name=["Joy", "Calmness"])
    assert isinstance(grid, np.ndarray) and grid.shape == (5, 2)
    assert n_figures() == before + 1
    fig = grid[0, 0].figure
    assert all(ax.figure is fig for ax in grid.ravel())
    assert grid[0, 0].get_title(loc="left") == "source = a.mp4"
    assert grid[0, 1].get_title(loc="left") == "source = b.mp4"
    assert [ax.get_ylabel() for ax in grid[:, 0]] == LABELS
    assert all(ax.get_ylabel() == "" for ax in grid[:, 1])
    assert [ax.get_xlabel() for ax in grid[-1]] == ["time (s)", "time (s)"]
    # each column draws what the single timeline of its recording draws
    for j, (table, source) in enumerate(((a, "a.mp4"), (b, "b.mp4"))):
        alone = hr.plot.timeline(both, source=source, name=["Joy", "Calmness"])
        for k in range(2):  # the face lanes: one line per name
            for got, want in zip(grid[k, j].get_lines(), alone[k].get_lines()):
                np.testing.assert_array_equal(got.get_xydata(), want.get_xydata())
        rows = table[(table["track"] == "face_0") & (table["name"] == "Joy")]
        np.testing.assert_allclose(_line(grid[0, j])[:, 1], rows["score"])
    # one clock: both columns from the earliest to the latest time of the two recordings
    lims = {ax.get_xlim() for ax in grid.ravel()}
    assert len(lims) == 1 and lims.pop() == pytest.approx((0.0, float(a["end"].max())))
    assert float(b["end"].max()) < float(a["end"].max())
    # one score range per model, the same in both columns
    for k in range(5):
        assert grid[k, 0].get_ylim() == grid[k, 1].get_ylim()
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["Joy", "Calmness"]
    plt.close("all")


def test_row_and_col_put_a_study_on_a_grid():
    df = testing.study(subjects=3, names=("Joy", "Anger"), frames=4, seed=2)
    grid = hr.plot.timeline(df, row="participant", col="condition", top_k=None)
    assert grid.shape == (3, 2)  # one lane (face_0) per participant x condition
    assert grid[1, 1].get_title(loc="left") == "participant = p01 \u00b7 condition = treatment"
    for i, person in enumerate(["p00", "p01", "p02"]):
        for j, cond in enumerate(["control", "treatment"]):
            rows = df[(df["participant"] == person) & (df["condition"] == cond)]
            for line in grid[i, j].get_lines():
                name = [n for n in ("Joy", "Anger") if line.get_color() == hr.plot.color(n)]
                want = rows[rows["name"] == name[0]]
                np.testing.assert_allclose(line.get_xydata()[:, 1], want["score"])
    # a combination without rows is an empty panel
    some = df[~((df["participant"] == "p02") & (df["condition"] == "control"))]
    grid = hr.plot.timeline(some, row="participant", col="condition")
    assert not grid[2, 0].axison and grid[2, 1].axison and grid[1, 0].axison
    plt.close("all")


def test_facet_errors(two):
    _, _, both = two
    study = testing.study(subjects=2, names=("Joy",), frames=3)
    with pytest.raises(ValueError, match="panel 'condition = control' holds 2 recordings"):
        hr.plot.timeline(study, col="condition")
    with pytest.raises(ValueError, match="col='model' cannot be a facet"):
        hr.plot.timeline(both, col="model")
    with pytest.raises(ValueError, match="row='track' cannot be a facet"):
        hr.plot.timeline(both, row="track")
    with pytest.raises(ValueError, match="different columns"):
        hr.plot.timeline(both, col="source", row="source")
    _, axes = plt.subplots(5, 1)
    with pytest.raises(ValueError, match="ax= cannot be combined with col= or row="):
        hr.plot.timeline(both, col="source", ax=axes)
    with pytest.raises(ValueError, match="2 recordings; .* col='source'"):
        hr.plot.timeline(both)
    plt.close("all")
