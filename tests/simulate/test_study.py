"""Simulated studies: design, planted effects recoverable with a plain t-test, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from humeresearch.simulate import Effect, study

from ._helpers import check_v0, items


@pytest.fixture(scope="module")
def planted():
    return study(
        participants=16,
        effects=[
            Effect("Joy", "treatment", 0.1, model="face"),
            Effect("Laugh", "treatment", 0.15, model="burst"),
        ],
        seed=11,
    )


def _participant_means(s, model: str, name: str, family: str = "emotions") -> pd.DataFrame:
    """Brute force from the JSON: mean score of ``name`` per recording, then per participant."""
    rows = []
    for rec, entry in zip(s.design.itertuples(), s.predictions):
        vals = [
            sc["score"] for _, p in items([entry], model) for sc in p[family] if sc["name"] == name
        ]
        rows.append((rec.participant, rec.condition, float(np.mean(vals))))
    df = pd.DataFrame(rows, columns=["participant", "condition", "score"])
    return df.groupby(["participant", "condition"])["score"].mean().unstack()


def test_design(planted):
    d = planted.design
    assert list(d.columns) == ["participant", "condition", "recording", "source"]
    assert d.dtypes.astype(str).tolist() == ["string", "string", "int64", "string"]
    assert len(d) == 32 and d["source"].is_unique
    per = d.groupby("participant")["condition"].apply(lambda c: tuple(sorted(c)))
    assert set(per) == {("control", "treatment")} and len(per) == 16
    files = [e["results"]["predictions"][0]["file"] for e in planted.predictions]
    assert files == d["source"].tolist() == [e["source"]["filename"] for e in planted.predictions]


def test_shape_and_content(planted, vocab):
    check_v0(planted.predictions, vocab)
    entry = planted.predictions[0]
    models = entry["results"]["predictions"][0]["models"]
    assert sorted(models) == ["burst", "face", "language", "prosody"]
    faces = [p for _, p in items([entry], "face")]
    assert [g for g, _ in items([entry], "face")] == ["face_0"] * 90
    assert np.allclose([p["time"] for p in faces], np.arange(90) / 3)
    speakers = [
        g for g, _ in sorted(items([entry], "prosody"), key=lambda gp: gp[1]["time"]["begin"])
    ]
    assert speakers[:4] == ["spk_0", "spk_1", "spk_0", "spk_1"]
    assert all(p["sentiment"] is not None for _, p in items([entry], "language"))
    assert 2 <= len(items([entry], "burst")) <= 4


def test_planted_effects_are_recovered(planted):
    joy = _participant_means(planted, "face", "Joy")
    res = stats.ttest_rel(joy["treatment"], joy["control"])
    assert res.pvalue < 0.01
    assert 0.05 < (joy["treatment"] - joy["control"]).mean() < 0.15
    laugh = _participant_means(planted, "burst", "Laugh", "descriptions")
    assert stats.ttest_rel(laugh["treatment"], laugh["control"]).pvalue < 0.01
    for null_model, null_name in (("face", "Anger"), ("prosody", "Joy"), ("face", "Calmness")):
        m = _participant_means(planted, null_model, null_name)
        assert stats.ttest_rel(m["treatment"], m["control"]).pvalue > 0.05


def test_truth(planted):
    t = planted.truth()
    assert t.to_dict("records") == [
        {
            "model": "face",
            "family": "emotion",
            "name": "Joy",
            "condition": "treatment",
            "shift": 0.1,
        },
        {
            "model": "burst",
            "family": "description",
            "name": "Laugh",
            "condition": "treatment",
            "shift": 0.15,
        },
    ]
    every = study(participants=2, duration=4.0, effects=[Effect("Joy", "control", -0.05)]).truth()
    assert every["model"].tolist() == ["face", "prosody", "language", "burst"]


def test_deterministic():
    design = {
        "participants": 3,
        "conditions": ("a", "b", "c"),
        "recordings": 2,
        "duration": 5.0,
        "models": ("face", "prosody"),
    }
    a = study(**design, seed=4)
    b = study(**design, seed=4)
    c = study(**design, seed=5)
    assert a.predictions == b.predictions and a.design.equals(b.design)
    assert a.predictions != c.predictions
    assert len(a.design) == 18 and sorted(a.design["recording"].unique()) == [1, 2]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"participants": 0}, "participants"),
        ({"conditions": ("a", "a")}, "conditions"),
        ({"models": ("face", "voice")}, "unknown model 'voice'"),
        ({"effects": [Effect("Joy", "placebo", 0.1)]}, "condition 'placebo'"),
        ({"effects": [Effect("Gratitude", "treatment", 0.1, model="face")]}, "'Gratitude'"),
        ({"effects": [Effect("Joy", "treatment", 0.1, model="ner")]}, "not simulated"),
    ],
)
def test_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        study(**{"participants": 2, "duration": 3.0, **kwargs})
