"""palette, color, group_palette, style: stable colours, no global side effects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.colors import to_rgb

import humeresearch as hr
from humeresearch.plot import PALETTE, Style, color, group_palette, palette, style


def vocab() -> dict:
    text = resources.files("humeresearch").joinpath("data/vocabularies.json").read_text("utf-8")
    return json.loads(text)


def test_every_v0_emotion_has_its_own_colour_and_v1_spelling_shares_it():
    v = vocab()
    names = list(
        dict.fromkeys(v["v0_emotions_48"]["names"] + v["v0_language_emotions_53"]["names"])
    )
    colours = [color(n) for n in names]
    assert len(set(colours)) == len(names) == 53
    assert all(c in {to_rgb(p) for p in PALETTE} for c in colours)
    for name in v["v1_video_expressions_seen"]["names"]:  # lower-case v1 names
        match = [n for n in names if n.casefold() == name.casefold()]
        assert match and color(name) == color(match[0])
    assert color("  JOY ") == color("Joy")


def test_facs_and_face_descriptions_are_distinct_among_themselves():
    v = vocab()
    face = v["v0_facs_36"]["names"] + v["v0_face_descriptions_27"]["names"]
    assert len({color(n) for n in face}) == len(set(face))


def test_fresh_process_same_colours_and_no_rcparams_changed_by_import():
    """Hashed colours do not depend on PYTHONHASHSEED; importing changes no rcParams."""
    names = ["brand new expression", "Wistfulness", "voice: husky", "Joy"]
    here = [list(color(n)) for n in names]
    code = (
        "import json, matplotlib as mpl; before = dict(mpl.rcParams); "
        "import humeresearch as hr; from humeresearch.plot import color; hr.plot.palette(); "
        f"print(json.dumps([[list(color(n)) for n in {names!r}], before == dict(mpl.rcParams)]))"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345", MPLBACKEND="Agg")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)  # fmt: skip
    colours, unchanged = json.loads(out.stdout)
    assert colours == here
    assert unchanged is True


def test_sentiment_ramp_runs_from_red_to_blue():
    ramp = np.array([color(str(i)) for i in range(1, 10)])
    assert ramp[0][0] > ramp[0][2] and ramp[-1][2] > ramp[-1][0]
    assert np.all(np.diff(ramp[:, 2]) >= 0)  # blue rises monotonically


def test_palette_keeps_order_and_applies_overrides():
    out = palette(["Sadness", "joy", "Joy"], overrides={"JOY": "#000000", "Sadness": "red"})
    assert list(out) == ["Sadness", "joy", "Joy"]
    assert out["Sadness"] == (1.0, 0.0, 0.0)
    assert out["joy"] == out["Joy"] == (0.0, 0.0, 0.0)
    assert len(palette()) == 53
    with pytest.raises(TypeError):
        palette(["Joy"], {"joy": "black"})  # overrides is keyword-only


def test_group_palette_runs_light_to_dark():
    shades = group_palette(["a", "b", "c"], overrides={"c": "black"})
    light = [sum(shades[k]) for k in ("a", "b")]
    assert light[0] > light[1]
    assert shades["c"] == (0.0, 0.0, 0.0)
    assert len(group_palette(["only"])) == 1
    with pytest.raises(TypeError):
        group_palette(["a"], {"a": "black"})  # overrides is keyword-only


def test_style_applies_paper_defaults_and_restores_as_context():
    before = dict(mpl.rcParams)
    with style("talk", font_scale=1.5, rc={"axes.grid": True}) as s:
        assert isinstance(s, Style)
        assert mpl.rcParams["font.size"] == pytest.approx(8 * 1.6 * 1.5)
        assert mpl.rcParams["pdf.fonttype"] == 42 and mpl.rcParams["svg.fonttype"] == "none"
        assert mpl.rcParams["axes.grid"] is True
        assert s.rc["axes.grid"] is True
    assert dict(mpl.rcParams) == before
    with pytest.raises(ValueError, match="style: context must be one of 'paper', 'notebook'"):
        style("journal")
    with pytest.raises(ValueError, match="font_scale"):
        style(font_scale=0)


def test_style_as_a_function_keeps_its_values_until_restored():
    before = dict(mpl.rcParams)
    s = style("poster")
    try:
        assert isinstance(s, Style) and len(s.rc) == 25
        assert mpl.rcParams["font.size"] == pytest.approx(16.0)
        assert repr(s) == "<humeresearch.plot.Style: 25 rcParams>"
    finally:
        with s:  # leaving the context restores what the call replaced
            pass
    assert dict(mpl.rcParams) == before


def test_figures_use_the_session_palette(long, compare_results):
    axes = hr.plot.timeline(long, name=["Joy"], model="face", palette={"joy": "black"})
    assert axes[0].get_lines()[0].get_color() == (0.0, 0.0, 0.0)
    ax = hr.plot.forest(compare_results)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    edge = ax.collections[-1].get_edgecolors()[labels.index("Anger")]
    assert tuple(edge[:3]) == pytest.approx(color("Anger"))
