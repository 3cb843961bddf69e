"""radar: one closed polygon per group, radii = group profiles, fixed axis order."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Polygon

import humeresearch as hr
from humeresearch.plot import group_palette

from .conftest import n_figures


def test_one_polygon_per_group_with_subject_level_profiles(study):
    before = n_figures()
    ax = hr.plot.radar(study, hue="condition", subject="participant", top_k=5)
    assert ax.name == "polar" and n_figures() == before + 1
    means = study.groupby("name", observed=True)["score"].mean().sort_values(ascending=False)
    names = sorted(means.index[:5], key=str.casefold)
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    lines = ax.get_lines()
    assert len(lines) == 2
    assert len([p for p in ax.patches if isinstance(p, Polygon)]) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["control", "treatment"]
    colours = group_palette(["control", "treatment"])
    for line, cond in zip(lines, ["control", "treatment"]):
        theta, r = line.get_xdata(), line.get_ydata()
        assert len(r) == len(names) + 1 and r[0] == r[-1] and theta[0] == theta[-1]
        np.testing.assert_allclose(theta[:-1], np.arange(len(names)) * 2 * np.pi / len(names))
        sub = study[study["condition"] == cond]
        for k, name in enumerate(names):
            per = sub[sub["name"] == name].groupby("participant", observed=True)["score"].mean()
            assert r[k] == pytest.approx(per.mean())
        assert tuple(line.get_color()) == pytest.approx(colours[cond])
    assert ax.get_ylim()[0] == 0.0


def test_name_fixes_the_axis_order_and_no_hue_gives_one_polygon(study):
    ax = hr.plot.radar(study, name=["Sadness", "joy", "Anger"], fill=False)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Sadness", "Joy", "Anger"]
    (line,) = ax.get_lines()
    assert len(ax.patches) == 0 and ax.get_legend() is None
    r = line.get_ydata()
    for k, name in enumerate(["Sadness", "Joy", "Anger"]):
        assert r[k] == pytest.approx(study[study["name"] == name]["score"].mean())


def test_draws_into_a_given_polar_axes_only(study):
    fig = plt.figure()
    polar = fig.add_subplot(121, projection="polar")
    flat = fig.add_subplot(122)
    before = n_figures()
    assert hr.plot.radar(study, hue="condition", ax=polar) is polar
    assert n_figures() == before
    with pytest.raises(ValueError, match="polar Axes"):
        hr.plot.radar(study, ax=flat)


def test_needs_three_names(study):
    with pytest.raises(ValueError, match="at least 3 names"):
        hr.plot.radar(study, name=["Joy", "Anger"])
    with pytest.raises(ValueError, match="agg must be one of"):
        hr.plot.radar(study, agg="max")
