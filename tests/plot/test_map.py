"""expression_map: points, loading arrows along the loadings, labels, variance shares."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.patches import FancyArrowPatch

import humeresearch as hr
from humeresearch.plot import color, group_palette

from .conftest import n_figures


def arrows(ax):
    return [p for p in ax.patches if isinstance(p, FancyArrowPatch)]


def test_points_per_group_and_longest_loadings_as_arrows(embedding):
    before = n_figures()
    ax = hr.plot.expression_map(embedding, hue="condition", n_loadings=3)
    assert n_figures() == before + 1
    groups = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(groups) == 2
    shades = group_palette(["control", "treatment"])
    for coll, cond in zip(groups, ["control", "treatment"]):
        want = embedding.coords[embedding.coords["condition"] == cond][["dim1", "dim2"]]
        np.testing.assert_allclose(coll.get_offsets(), want.to_numpy())
        assert tuple(coll.get_facecolor()[0][:3]) == pytest.approx(shades[cond])
    load = embedding.loadings
    norm = np.hypot(load["dim1"], load["dim2"])
    top = list(norm.sort_values(ascending=False).index[:3])
    assert [t.get_text() for t in ax.texts] == top
    drawn = arrows(ax)
    assert len(drawn) == 3
    tips = []
    for arrow, name in zip(drawn, top):
        (x0, y0), (x1, y1) = arrow._posA_posB
        assert (x0, y0) == (0, 0)
        lx, ly = load.loc[name, "dim1"], load.loc[name, "dim2"]
        assert x1 * ly - y1 * lx == pytest.approx(0.0, abs=1e-12)  # along the loading
        assert x1 * lx + y1 * ly > 0  # same direction
        assert tuple(arrow.get_edgecolor()[:3]) == pytest.approx(color(name))
        tips.append(np.hypot(x1, y1) / np.hypot(lx, ly))
    assert np.allclose(tips, tips[0])  # one common scale
    assert ax.get_xlabel() == "dim1 (42.0% of variance)"
    assert ax.get_ylabel() == "dim2 (21.0% of variance)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["control", "treatment"]


def test_named_arrows_no_hue_and_coordinates_only(embedding):
    ax = hr.plot.expression_map(embedding, name=["sadness", "Joy"])
    assert [t.get_text() for t in ax.texts] == ["Sadness", "Joy"]
    assert ax.get_legend() is None
    ax = hr.plot.expression_map(embedding.coords)
    assert arrows(ax) == [] and ax.get_xlabel() == "dim1"
    ax = hr.plot.expression_map(embedding, n_loadings=0)
    assert arrows(ax) == []


def test_given_axes_and_errors(embedding):
    fig, ax = plt.subplots()
    before = n_figures()
    assert hr.plot.expression_map(embedding, ax=ax) is ax and n_figures() == before
    with pytest.raises(TypeError, match="output of humeresearch.embed"):
        hr.plot.expression_map(object())
    with pytest.raises(ValueError, match="has no column"):
        hr.plot.expression_map(embedding, y="dim3")
    with pytest.raises(ValueError, match="n_loadings"):
        hr.plot.expression_map(embedding, n_loadings=-1)


def test_real_embed_output(study):
    emb = hr.embed(study, by=["participant", "condition"])
    ax = hr.plot.expression_map(emb, hue="condition", n_loadings=4)
    assert len(arrows(ax)) == 4
    share = 100 * emb.explained[0]
    assert ax.get_xlabel() == f"dim1 ({share:.1f}% of variance)"


def test_labels_of_neighbouring_arrows_do_not_overlap(embedding):
    close = embedding.loadings.copy()
    close.loc[:, "dim1"] = [0.80, 0.79, 0.78, 0.77, 0.1, 0.05]
    close.loc[:, "dim2"] = [0.10, 0.11, 0.12, 0.13, 0.0, 0.0]
    emb = type(embedding)(embedding.coords, close, embedding.explained, "pca")
    ax = hr.plot.expression_map(emb, n_loadings=4)
    renderer = ax.figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    assert len(boxes) == 4
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for arrow in arrows(ax):  # arrows longer than the cloud of points still fit
        tx, ty = arrow._posA_posB[1]
        assert x0 < tx < x1 and y0 < ty < y1
