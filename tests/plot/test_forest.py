"""forest and volcano: effects with CIs, significance after correction."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba

import humeresearch as hr
from humeresearch.plot import color

from .conftest import n_figures


def scatter_points(ax):
    out = []
    for c in ax.collections:
        if isinstance(c, PathCollection):
            out.append(c)
    return out


def test_forest_sorted_with_cis_and_filled_significant_markers(compare_results):
    before = n_figures()
    ax = hr.plot.forest(compare_results)
    assert n_figures() == before + 1
    finite = compare_results.dropna(subset=["effect"]).sort_values("effect")
    # largest effect on top: tick labels run bottom to top
    assert [t.get_text() for t in ax.get_yticklabels()] == list(finite["name"])
    (points,) = scatter_points(ax)
    np.testing.assert_allclose(points.get_offsets()[:, 0], finite["effect"])
    np.testing.assert_allclose(points.get_offsets()[:, 1], np.arange(len(finite)))
    (cis,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    for seg, row in zip(cis.get_segments(), finite.itertuples()):
        np.testing.assert_allclose(seg[:, 0], [row.ci_low, row.ci_high])
    faces = points.get_facecolors()
    for face, row in zip(faces, finite.itertuples()):
        if row.p_adj < 0.05:
            assert tuple(face) == pytest.approx(to_rgba(color(row.name)))
        else:
            assert tuple(face) == pytest.approx((1, 1, 1, 1))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["p_adj < .05 (fdr_bh)", "not significant"]
    assert ax.get_xlabel() == "Cohen's $d_z$ (treatment \u2212 control)"
    assert [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"][0].get_xdata()[0] == 0.0


def test_forest_raw_p_unsorted_and_values(compare_results):
    ax = hr.plot.forest(compare_results, p="p", sort=False, values=True, alpha=0.02)
    finite = compare_results.dropna(subset=["effect"])
    assert [t.get_text() for t in ax.get_yticklabels()] == list(finite["name"])[::-1]
    (points,) = scatter_points(ax)
    filled = [tuple(f) != (1, 1, 1, 1) for f in points.get_facecolors()]
    assert filled == list((finite["p"] < 0.02).to_numpy()[::-1])
    texts = [t.get_text() for t in ax.texts]
    assert texts[0] == " 0.60 [ 0.20,  1.00]" and len(texts) == len(finite) + 1


def test_forest_mixed_detects_estimate_and_drops_intercepts(mixed_results):
    ax = hr.plot.forest(mixed_results)
    effects = mixed_results[mixed_results["term"] != "Intercept"].sort_values("estimate")
    assert [t.get_text() for t in ax.get_yticklabels()] == list(effects["name"])
    assert ax.get_xlabel() == "estimate: condition[T.treatment]"
    both = hr.plot.forest(mixed_results, term=["Intercept", "condition[T.treatment]"])
    labels = [t.get_text() for t in both.get_yticklabels()]
    assert len(labels) == 12 and "Joy \u00b7 Intercept" in labels
    with pytest.raises(ValueError, match="term \\['time'\\] not in data"):
        hr.plot.forest(mixed_results, term="time")


def test_forest_with_given_axes_and_errors(compare_results):
    fig, ax = plt.subplots()
    before = n_figures()
    assert hr.plot.forest(compare_results, ax=ax) is ax and n_figures() == before
    with pytest.raises(ValueError, match="neither an 'effect'"):
        hr.plot.forest(compare_results.drop(columns="effect"))
    with pytest.raises(ValueError, match="has no column"):
        hr.plot.forest(compare_results.drop(columns="ci_low"))
    with pytest.raises(ValueError, match="no row with a finite"):
        hr.plot.forest(compare_results.assign(effect=np.nan))


def test_volcano_heights_colours_and_labels(compare_results):
    ax = hr.plot.volcano(compare_results, label=True)
    finite = compare_results.dropna(subset=["effect", "p_adj"])
    pts = np.concatenate([c.get_offsets() for c in scatter_points(ax)])
    assert len(pts) == len(finite)
    want = np.column_stack([finite["effect"], -np.log10(finite["p_adj"])])
    np.testing.assert_allclose(pts[np.lexsort(pts.T[::-1])], want[np.lexsort(want.T[::-1])])
    sig = finite[finite["p_adj"] < 0.05]
    labels = {t.get_text() for t in ax.texts if t.get_text() in set(finite["name"])}
    assert labels == set(sig["name"])
    threshold = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"][0]
    assert threshold.get_ydata()[0] == pytest.approx(-np.log10(0.05))
    one = hr.plot.volcano(compare_results, label=1)
    assert {t.get_text() for t in one.texts} & set(finite["name"]) == {"Joy"}
    named = hr.plot.volcano(compare_results, label=["Anger", "Joy"])
    assert {t.get_text() for t in named.texts} & set(finite["name"]) == {"Anger", "Joy"}


def test_volcano_moves_overlapping_labels_apart(compare_results):
    res = compare_results.assign(effect=[-0.5, -0.51, -0.52, -0.53, -0.54, np.nan], p_adj=0.01)
    ax = hr.plot.volcano(res, label=True)
    labels = [t for t in ax.texts if t.get_text() in set(res["name"])]
    assert len(labels) == 5
    boxes = [t.get_window_extent(ax.figure.canvas.get_renderer()) for t in labels]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_volcano_p_zero_is_drawn_as_a_triangle(compare_results):
    res = compare_results.copy()
    res.loc[0, "p_adj"] = 0.0
    ax = hr.plot.volcano(res)
    tri = [
        c
        for c in scatter_points(ax)
        if len(c.get_offsets()) == 1
        and c.get_offsets()[0, 0] == pytest.approx(res.loc[0, "effect"])
    ]
    assert len(tri) == 1
    height = tri[0].get_offsets()[0, 1]
    assert np.isfinite(height) and height == pytest.approx(-np.log10(0.03 / 10))


def test_real_compare_and_mixed_outputs(study):
    res = hr.compare(study, within="condition", subject="participant")
    ax = hr.plot.forest(res)
    assert len(ax.get_yticklabels()) == res["effect"].notna().sum()
    joy = res[res["name"] == "Joy"].iloc[0]
    assert joy["p_adj"] < 0.05  # the planted effect
    (points,) = scatter_points(ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert tuple(points.get_facecolors()[labels.index("Joy")]) != (1, 1, 1, 1)
    per = study.groupby(["name", "participant", "condition"], observed=True)["score"].mean()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fits = hr.mixed(per.reset_index(), formula="score ~ condition", subject="participant")
    ax = hr.plot.forest(fits)
    assert len(ax.get_yticklabels()) == (fits["term"] != "Intercept").sum()
    assert hr.plot.volcano(fits).get_xlabel().startswith("estimate")
