"""distribution: subject-level values, one body per level, colours, kinds."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection, PolyCollection

import humeresearch as hr
from humeresearch.plot import color, group_palette

from .conftest import n_figures


def subject_means(study, names):
    sub = study[study["name"].isin(names)]
    return sub.groupby(["name", "condition", "participant"], observed=True)["score"].mean()


def test_violin_per_name_and_condition_with_subject_dots(study):
    names = ["Joy", "Anger", "Sadness"]
    before = n_figures()
    ax = hr.plot.distribution(study, hue="condition", subject="participant", name=names)
    assert isinstance(ax, Axes) and n_figures() == before + 1
    bodies = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bodies) == 3 * 2
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    # the dots are the subject means, one per (name, condition, participant)
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    ys = np.sort(np.concatenate([d.get_offsets()[:, 1] for d in dots]))
    np.testing.assert_allclose(ys, np.sort(subject_means(study, names).to_numpy()))
    # conditions in shades of slate, light to dark
    shades = group_palette(["control", "treatment"])
    assert tuple(bodies[0].get_facecolor()[0][:3]) == pytest.approx(shades["control"])
    assert tuple(bodies[1].get_facecolor()[0][:3]) == pytest.approx(shades["treatment"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["control", "treatment"]
    assert ax.get_ylabel() == "score (mean per participant)"


def test_names_without_hue_are_coloured_by_the_palette_and_ranked(study):
    ax = hr.plot.distribution(study, kind="box", top_k=3)
    means = study.groupby("name", observed=True)["score"].mean().sort_values(ascending=False)
    expected = list(means.index[:3])
    assert [t.get_text() for t in ax.get_xticklabels()] == expected
    boxes = ax.patches
    assert len(boxes) == 3
    for patch, name in zip(boxes, expected):
        assert tuple(patch.get_facecolor()[:3]) == pytest.approx(color(name))
    assert ax.get_legend() is None


def test_point_shows_the_mean_of_subject_means(study):
    names = ["Joy", "Calmness"]
    ax = hr.plot.distribution(
        study, hue="condition", subject="participant", kind="point", name=names
    )
    means = subject_means(study, names).groupby(level=[0, 1], observed=True).mean()
    got = []
    for line in ax.get_lines():
        y = line.get_ydata()
        if line.get_marker() not in (None, "None", "") and len(y):
            got.extend(np.asarray(y, float))
    np.testing.assert_allclose(np.sort(got), np.sort(means.to_numpy()))


def test_strip_draws_every_value(study):
    ax = hr.plot.distribution(study, kind="strip", name="Joy")
    (dots,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    joy = study[study["name"] == "Joy"]["score"].to_numpy()
    np.testing.assert_allclose(np.sort(dots.get_offsets()[:, 1]), np.sort(joy))


def test_any_table_with_the_columns_and_given_axes(study):
    per = study.groupby(["participant", "condition"], observed=True)["score"].mean().reset_index()
    fig, ax = plt.subplots()
    before = n_figures()
    out = hr.plot.distribution(per, x="condition", value="score", kind="box", ax=ax)
    assert out is ax and n_figures() == before
    assert [t.get_text() for t in ax.get_xticklabels()] == ["control", "treatment"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "bar"}, "kind must be one of 'violin', 'box', 'strip', 'point'"),
        ({"hue": "name"}, "must be different columns"),
        ({"value": "condition"}, "must be numeric"),
        ({"subject": "nope"}, "has no column"),
    ],
)
def test_bad_options(study, kwargs, message):
    with pytest.raises(ValueError, match=message):
        hr.plot.distribution(study, **kwargs)
