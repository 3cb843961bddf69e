"""Figures for multi-level and factorial designs: interaction, faceting, marks, omnibus rows."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

import humeresearch as hr
from humeresearch import testing
from humeresearch.plot._marks import stars


@pytest.fixture
def three() -> pd.DataFrame:
    """Twelve participants in three conditions, Joy raised in low and high."""
    return testing.study(subjects=12, conditions=("control", "low", "high"),
                         names=("Joy", "Anger"), effects={"Joy": 0.5}, seed=3)  # fmt: skip


@pytest.fixture
def three_results(three) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return hr.compare(three, within="condition", subject="participant")


def _errorbar_means(ax: Axes) -> list[np.ndarray]:
    return [c.lines[0].get_ydata() for c in ax.containers]


def test_interaction_draws_subject_level_means_and_cis():
    df = testing.study(subjects=8, conditions=("control", "low", "high"), names=("Joy",),
                       trials=2, seed=0)  # fmt: skip
    ax = hr.plot.interaction(df, x="condition", hue="trial", subject="participant")
    means = _errorbar_means(ax)
    subj = df.groupby(["condition", "trial", "participant"], observed=True)["score"].mean()
    cell = subj.groupby(["condition", "trial"], observed=True)
    for trial, drawn in zip((0, 1), means):
        expected = [cell.mean()[(c, trial)] for c in ("control", "low", "high")]
        np.testing.assert_allclose(drawn, expected, rtol=1e-12)
    # the error bar of the first cell: t(0.975, 7) * sd / sqrt(8) over subject means
    from scipy import stats

    vals = subj.loc[("control", 0)].to_numpy()
    half = stats.t.ppf(0.975, 7) * vals.std(ddof=1) / np.sqrt(8)
    seg = ax.containers[0].lines[2][0].get_segments()[0]
    np.testing.assert_allclose(seg[:, 1], [vals.mean() - half, vals.mean() + half], rtol=1e-12)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["control", "low", "high"]


def test_interaction_needs_one_expression(three):
    with pytest.raises(ValueError, match="pick one with name="):
        hr.plot.interaction(three, x="condition", hue="trial")
    ax = hr.plot.interaction(three, x="condition", hue="trial", name="joy")
    assert "Joy" in ax.get_title(loc="right")


def test_distribution_facets_share_axes_and_levels(three):
    axes = hr.plot.distribution(three, x="condition", subject="participant", col="name",
                                kind="box")  # fmt: skip
    assert isinstance(axes, np.ndarray) and axes.shape == (1, 2)
    assert [a.get_title() for a in axes[0]] == ["name = Joy", "name = Anger"]  # categorical order
    assert axes[0, 0].get_ylim() == axes[0, 1].get_ylim()
    for a in axes[0]:
        assert [t.get_text() for t in a.get_xticklabels()] == ["control", "low", "high"]
    assert len({id(a.figure) for a in axes.ravel()}) == 1
    with pytest.raises(ValueError, match="ax= cannot be combined"):
        hr.plot.distribution(three, x="condition", col="name", ax=axes[0, 0])


def test_distribution_rows_and_cols(three):
    axes = hr.plot.distribution(three, x="condition", subject="participant", row="name",
                                col="trial", kind="point")  # fmt: skip
    assert axes.shape == (2, 1)
    assert axes[1, 0].get_title() == "name = Anger \u00b7 trial = 0"


def test_marks_from_compare_result(three, three_results):
    joy = three[three["name"] == "Joy"]
    ax = hr.plot.distribution(joy, x="condition", subject="participant", kind="box",
                              marks=three_results[three_results["name"] == "Joy"])  # fmt: skip
    sig = three_results[(three_results["name"] == "Joy") & (three_results["kind"] == "pairwise")]
    sig = sig[sig["p_adj"] < 0.05]
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == sorted(stars(p) for p in sig["p_adj"])
    assert len(texts) == 2  # control-low and control-high, not low-high
    # brackets sit above every drawn value
    top = joy.groupby(["condition", "participant"], observed=True)["score"].mean().max()
    assert all(t.get_position()[1] > top for t in ax.texts)


def test_marks_inside_hue_groups(three, three_results):
    ax = hr.plot.distribution(three, hue="condition", subject="participant", kind="box",
                              marks=three_results)  # fmt: skip
    sig = three_results[(three_results["kind"] == "pairwise") & (three_results["p_adj"] < 0.05)]
    assert len(ax.texts) == len(sig)
    joy_x = [t.get_text() for t in ax.get_xticklabels()].index("Joy")
    assert all(abs(t.get_position()[0] - joy_x) < 0.5 for t in ax.texts)


def test_stars():
    assert [stars(p) for p in (0.0005, 0.005, 0.03, 0.05, np.nan)] == ["***", "**", "*", "", ""]


def test_forest_and_volcano_draw_only_pairs_of_omnibus_tables(three_results):
    ax = hr.plot.forest(three_results)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 6 and all(" vs " in s for s in labels)
    ax = hr.plot.forest(three_results, kind="omnibus", values=True)
    assert len(ax.get_yticklabels()) == 2
    ax = hr.plot.volcano(three_results)
    assert (
        len(ax.collections[0].get_offsets()) + sum(len(c.get_offsets()) for c in ax.collections[1:])
        == 6
    )
    with pytest.raises(ValueError, match="kind \\['posthoc'\\] not in data"):
        hr.plot.forest(three_results, kind="posthoc")
    with pytest.raises(ValueError, match="no 'kind' column"):
        hr.plot.forest(three_results.drop(columns="kind"), kind="pairwise")


def test_forest_facets_align_rows(three_results):
    axes = hr.plot.forest(three_results, col="other")
    assert axes.shape == (1, 2)
    assert [a.get_title() for a in axes[0]] == ["other = low", "other = high"]
    assert axes[0, 0].get_xlim() == axes[0, 1].get_xlim()
    lines = [t.get_text() for t in axes[0, 0].get_yticklabels()]
    # the same expression and pair on the same line in both panels
    for ax in axes[0]:
        ys = ax.collections[-1].get_offsets()[:, 1]
        assert set(ys) <= set(range(len(lines)))
    assert len(plt.get_fignums()) == 1


def test_faceted_figures_do_not_render_twice(three):
    axes = hr.plot.distribution(three, x="condition", col="name")
    assert not hasattr(axes, "_repr_png_") and not hasattr(axes, "_repr_html_")
