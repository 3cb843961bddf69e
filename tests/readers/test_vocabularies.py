"""humeresearch.vocabularies: packaged lists, check() and the explicit v0/v1 name map."""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import pytest

import humeresearch as hr
from humeresearch import vocabularies as voc

from .conftest import FIXTURES


def test_lists_match_the_spec_file():
    spec = json.loads((FIXTURES.parent.parent / "spec" / "vocabularies.json").read_text())
    for key in voc.keys():
        assert list(voc.names(key)) == spec[key]["names"]
    assert len(voc.V0_EMOTIONS) == 48 and len(voc.V0_FACS) == 36
    assert set(voc.V0_EMOTIONS) == set(voc.V0_EMOTIONS_CSV_ORDER)
    assert set(voc.V0_LANGUAGE_EMOTIONS) - set(voc.V0_EMOTIONS) == {
        "Annoyance",
        "Disapproval",
        "Enthusiasm",
        "Gratitude",
        "Sarcasm",
    }
    with pytest.raises(ValueError, match="v0_facs_36"):
        voc.names("v0_facs")
    with pytest.raises(ValueError, match="v0/face"):
        voc.families("v0", "video")


def test_real_outputs_hold_only_known_names(real):
    m = hr.read(real / "interreviewer_predictions.json")
    for model in ("face", "prosody", "language"):
        assert voc.check(m, api="v0", model=model).empty


def test_check_finds_a_mixed_up_model(real):
    language = hr.read(real / "interreviewer_predictions.json").long()
    language = language[language["model"] == "language"].copy()
    language["model"] = "face"  # as if a language table had been labelled face
    report = voc.check(language, api="v0", model="face")
    counts = Counter(
        (f, n)
        for f, n in zip(language["family"].astype(str), language["name"].astype(str))
        if not (f == "emotion" and n in voc.V0_EMOTIONS)
    )
    assert dict(zip(zip(report["family"], report["name"]), report["count"])) == dict(counts)
    assert report["count"].is_monotonic_decreasing
    row = report[report["name"] == "Sarcasm"].iloc[0]
    assert "v0_language_emotions_53" in row["known_in"]
    assert report[report["family"] == "sentiment"]["known_in"].str.contains("v0_sentiment").all()


def test_check_rejects_what_it_cannot_read():
    with pytest.raises(TypeError, match="Measurements"):
        voc.check([1, 2], api="v0", model="face")
    with pytest.raises(ValueError, match="family"):
        voc.check(pd.DataFrame({"model": ["face"], "name": ["Joy"]}), api="v0", model="face")


def test_map_names_is_case_insensitive_and_reports_both_sides():
    v1 = ["joy", "awe", "neutral", "surprise (positive)"]
    nm = voc.map_names(voc.V0_EMOTIONS, v1)
    assert nm.as_dict() == {
        "Awe": "awe",
        "Joy": "joy",
        "Surprise (positive)": "surprise (positive)",
    }
    assert nm.v1_only == ("neutral",)
    assert len(nm.v0_only) == 48 - 3 and "Awe" not in nm.v0_only
    assert list(nm.table.columns) == ["v0", "v1"]
    assert nm.table["v0"].tolist() == [n for n in voc.V0_EMOTIONS if n in nm.as_dict()]
    with pytest.raises(ValueError, match="differ only in case"):
        voc.map_names(["Joy", "JOY"], ["joy"])


def test_public_module_is_reachable_from_the_package():
    assert hr.vocabularies.V0_TOXICITY == voc.V0_TOXICITY
