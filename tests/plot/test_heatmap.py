"""heatmap: binned values, row order, clustering, colour map by data range."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import QuadMesh

import humeresearch as hr

from .conftest import NAMES, n_figures


def mesh(ax: Axes) -> QuadMesh:
    (m,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    return m


def cells(ax: Axes) -> np.ndarray:
    m = mesh(ax)
    arr = np.ma.filled(m.get_array().astype(float), np.nan)
    n_rows = len(ax.get_yticks())
    return arr.reshape(n_rows, -1)


def test_time_bins_hold_the_mean_of_their_frames_tracks_equally(long):
    face = long[long["model"] == "face"]
    before = n_figures()
    ax = hr.plot.heatmap(face, step=5.0)
    assert isinstance(ax, Axes) and n_figures() == before + 1
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(labels) == sorted(NAMES)
    got = cells(ax)
    assert got.shape == (6, 6)
    for i, name in enumerate(labels):
        for k in range(6):
            per_track = []
            for track in ("face_0", "face_1"):
                r = face[(face["name"] == name) & (face["track"] == track)]
                inside = r[(r["begin"] >= 5 * k) & (r["begin"] < 5 * k + 5)]["score"]
                if len(inside):
                    per_track.append(inside.mean())
            assert got[i, k] == pytest.approx(np.mean(per_track))
    # default row order: highest mean first
    means = np.nanmean(got, axis=1)
    assert np.all(np.diff(means) <= 1e-12)
    assert ax.get_xlabel() == "time (s)"
    assert ax.get_xlim() == pytest.approx((0.0, 30.0))


def test_spans_are_weighted_by_their_overlap_with_the_bin(long):
    spk = long[(long["track"] == "spk_1") & (long["name"] == "Joy")]
    ax = hr.plot.heatmap(spk, step=2.0)
    row = cells(ax)[0]
    # spans [10, 13] and [14.5, 18]; bin 12-14 holds only the first (1 s of overlap)
    s0, s1 = spk.sort_values("begin")["score"].to_numpy()
    edges = np.arange(10.0, 18.0 + 1e-9, 2.0)
    expected = []
    for lo in edges[:-1]:
        w0 = max(0.0, min(13.0, lo + 2) - max(10.0, lo))
        w1 = max(0.0, min(18.0, lo + 2) - max(14.5, lo))
        expected.append((w0 * s0 + w1 * s1) / (w0 + w1))
    np.testing.assert_allclose(row, expected)


def test_categorical_x_aggregates_and_annotates(study):
    ax = hr.plot.heatmap(study, x="participant", agg="median")
    got = cells(ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    parts = [t.get_text() for t in ax.get_xticklabels()]
    assert parts == sorted(study["participant"].unique())
    for i, name in enumerate(labels):
        for j, p in enumerate(parts):
            r = study[(study["name"] == name) & (study["participant"] == p)]["score"]
            assert got[i, j] == pytest.approx(r.median())
    assert len(ax.texts) == got.size  # 60 cells: annotated by default
    assert ax.texts[0].get_text() == f"{got[0, 0]:.2f}"


def test_name_keeps_its_order_and_top_k_picks_the_highest(long):
    face = long[long["model"] == "face"]
    ax = hr.plot.heatmap(face, name=["sadness", "Joy"], step=10)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Sadness", "Joy"]
    ax = hr.plot.heatmap(face, top_k=2, step=10)
    means = face.groupby("name", observed=True)["score"].mean().sort_values(ascending=False)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(means.index[:2])


def test_several_models_get_their_own_rows(long):
    ax = hr.plot.heatmap(long, name="Joy", step=5)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "face \u00b7 Joy",
        "prosody \u00b7 Joy",
        "language \u00b7 Joy",
    ]


def test_cluster_puts_similar_rows_together():
    t = np.arange(0, 100.0)
    shapes = {
        "Joy": np.sin(t / 10),
        "Anger": np.cos(t / 10),
        "Amusement": np.sin(t / 10) + 0.01,
        "Fear": np.cos(t / 10) + 0.02,
        "Awe": -np.sin(t / 10),
    }
    df = pd.concat(
        [
            pd.DataFrame(
                {
                    "source": "a",
                    "file": "a",
                    "model": "face",
                    "track": "face_0",
                    "span_id": np.arange(100),
                    "begin": t,
                    "end": t,
                    "family": "emotion",
                    "name": n,
                    "score": s,
                }
            )
            for n, s in shapes.items()
        ]
    )
    plain = hr.plot.heatmap(df, step=1)
    clustered = hr.plot.heatmap(df, step=1, cluster=True)
    order = [t.get_text() for t in clustered.get_yticklabels()]
    assert sorted(order) == sorted(shapes)
    assert abs(order.index("Joy") - order.index("Amusement")) == 1
    assert abs(order.index("Anger") - order.index("Fear")) == 1
    plain_order = [t.get_text() for t in plain.get_yticklabels()]
    assert plain_order == sorted(shapes, key=lambda n: -shapes[n].mean())  # highest mean first
    # diverging map centred at 0 for data on both sides of 0
    norm = mesh(clustered).norm
    assert norm.vmin == pytest.approx(-norm.vmax)
    assert mesh(clustered).cmap.name.startswith("vlag")


def test_one_signed_data_gets_a_sequential_map_over_its_range(long):
    ax = hr.plot.heatmap(long[long["model"] == "face"], step=5)
    m = mesh(ax)
    values = cells(ax)
    assert m.cmap.name.startswith("rocket")
    assert m.norm.vmin == pytest.approx(np.nanmin(values))
    assert m.norm.vmax == pytest.approx(np.nanmax(values))
    ax2 = hr.plot.heatmap(long[long["model"] == "face"], step=5, center=0.3)
    assert mesh(ax2).norm.vmin + mesh(ax2).norm.vmax == pytest.approx(0.6)


def test_draws_into_given_axes(long):
    fig, ax = plt.subplots()
    before = n_figures()
    out = hr.plot.heatmap(long, x="track", cbar=False)
    out2 = hr.plot.heatmap(long, x="track", ax=ax, cbar=False)
    assert out2 is ax and n_figures() == before + 1 and out is not ax


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"agg": "sum"}, "agg must be one of"),
        ({"step": -1.0}, "step must be a positive number"),
        ({"x": "nope"}, "has no column"),
    ],
)
def test_bad_options(long, kwargs, message):
    with pytest.raises(ValueError, match=message):
        hr.plot.heatmap(long, **kwargs)


def test_time_rows_must_be_series_columns(study):
    with pytest.raises(ValueError, match="rows \\(y=\\) must be among"):
        hr.plot.heatmap(study, y=["condition", "name"])
    ax = hr.plot.heatmap(study, y=["track", "name"], step=1.0, name=["Joy"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["face_0 \u00b7 Joy"]
