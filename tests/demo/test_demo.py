"""The demo pipeline: report, statistics, planted truth, Parquet tables, command line."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from scipy import stats

import humeresearch as hr
from humeresearch.cli import main
from humeresearch.demo import _analysis
from humeresearch.demo._pipeline import STAGES, _Stages

from .conftest import EFFECTS


def _section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end)]


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S)


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as text (their category dtype may change in a Parquet round trip)."""
    cats = df.select_dtypes("category").columns
    return df.astype({c: str for c in cats}).reset_index(drop=True)


def _brute_participant_means(res, model: str, name: str) -> pd.DataFrame:
    """Per participant x condition mean score, computed from the raw JSON without summarize."""
    doc = json.loads(res.inputs["predictions"].read_text())
    design = pd.read_csv(res.inputs["design"])
    rows = []
    for entry in doc:
        pred = entry["results"]["predictions"][0]
        src = entry["source"]["filename"]
        for group in pred["models"][model]["grouped_predictions"]:
            for p in group["predictions"]:
                score = next(e["score"] for e in p["emotions"] if e["name"] == name)
                if model == "face":
                    weight = 1.0
                else:
                    weight = p["time"]["end"] - p["time"]["begin"]
                rows.append((src, score, weight))
    t = pd.DataFrame(rows, columns=["source", "score", "weight"]).merge(design, on="source")
    out = {}
    for (part, cond), g in t.groupby(["participant", "condition"]):
        out[(part, cond)] = np.average(g["score"], weights=g["weight"])
    return pd.Series(out).unstack()


def test_report_is_self_contained_and_embeds_every_figure(demo_run):
    html = demo_run.report.read_text(encoding="utf-8")
    embedded = re.findall(r"<img [^>]*src='data:image/png;base64,([^']+)'", html)
    assert len(embedded) == len(demo_run.figures) >= 5
    on_disk = {p.read_bytes() for p in demo_run.figures.values()}
    decoded = [base64.b64decode(b) for b in embedded]
    assert all(d.startswith(b"\x89PNG\r\n\x1a\n") for d in decoded)
    assert set(decoded) == on_disk
    # nothing loaded from elsewhere: no external src/href, scripts, stylesheets or fonts
    assert not re.search(r"""(src|href)\s*=\s*['"](?!data:)""", html)
    assert "<script" not in html and "<link" not in html
    assert "@import" not in html and "url(" not in html
    assert "Simulated data." in html and "planted" in html


def test_statistics_table_marks_the_planted_expression_significant_and_planted(demo_run):
    html = demo_run.report.read_text(encoding="utf-8")
    table = _section(html, "<h2>Statistics", "<h2>Mixed")
    joy = [r for r in _rows(table) if "<td>Joy</td><td>face</td>" in r]
    assert len(joy) == 1
    assert "<td>yes</td>" in joy[0] and "planted +0.35" in joy[0]
    cmp = demo_run.comparison
    n_sig = int((cmp["p_adj"] < 0.05).sum())
    assert sum("<td>yes</td>" in r for r in _rows(table)) == n_sig
    truth = _section(html, "<h2>The planted truth", "<h2>What the pipeline")
    joy_truth = [r for r in _rows(truth) if "<td>Joy</td><td>face</td>" in r]
    assert "recovered" in joy_truth[0] and "+0.35" in joy_truth[0]


def test_truth_vs_found_is_computed_from_the_data(demo_run):
    found = demo_run.truth.set_index(["model", "name"])
    planted = found[found["was_planted"]]
    # the planted rows are the test's effects, signed as treatment minus control
    expected = {
        (e.model, e.name): (e.shift if e.condition == "treatment" else -e.shift) for e in EFFECTS
    }
    assert {k: pytest.approx(v) for k, v in planted["planted"].items()} == expected
    for model, name in expected:
        means = _brute_participant_means(demo_run, model, name)
        test = stats.ttest_rel(means["treatment"], means["control"])
        ci = test.confidence_interval(0.95)
        row = found.loc[(model, name)]
        assert row["found"] == pytest.approx((means["treatment"] - means["control"]).mean())
        assert row["found_low"] == pytest.approx(ci.low)
        assert row["found_high"] == pytest.approx(ci.high)
        cmp = demo_run.comparison.astype({"model": str, "name": str})
        p = cmp.loc[(cmp["model"] == model) & (cmp["name"] == name), "p"].item()
        assert p == pytest.approx(test.pvalue)
        assert row["status"] == "recovered"
    # every significant, unplanted expression is listed as a false discovery, and only those
    cmp = demo_run.comparison.astype({"model": str, "name": str})
    sig = set(map(tuple, cmp.loc[cmp["p_adj"] < 0.05, ["model", "name"]].to_numpy()))
    false = set(found.index[found["status"] == "false discovery"])
    assert false == sig - set(expected)


def test_truth_vs_found_statuses():
    truth = pd.DataFrame(
        {"model": ["face", "face", "face"], "family": "emotion", "name": ["Joy", "Awe", "Pain"],
         "condition": ["treatment", "control", "treatment"], "shift": [0.1, 0.1, 0.1]}
    )  # fmt: skip
    cmp = pd.DataFrame(
        {"model": "face", "family": "emotion", "name": ["Joy", "Awe", "Pain", "Fear", "Love"],
         "diff": [0.1, 0.05, 0.0, 0.2, 0.01], "effect": 1.0, "ci_low": 0.0, "ci_high": 2.0,
         "p_adj": [0.01, 0.02, 0.5, 0.001, 0.3]}
    )  # fmt: skip
    per = pd.DataFrame(
        {
            "participant": np.tile(np.repeat(["a", "b", "c"], 2), 5),
            "condition": np.tile(["control", "treatment"], 15),
            "model": "face",
            "family": "emotion",
            "name": np.repeat(["Joy", "Awe", "Pain", "Fear", "Love"], 6),
            "score": np.arange(30, dtype=float) ** 1.5,
        }
    )
    out = _analysis.truth_vs_found(truth, cmp, per, high="treatment").set_index("name")
    assert out["status"].to_dict() == {
        "Joy": "recovered",
        "Awe": "wrong direction",  # planted lower in treatment, found higher
        "Pain": "missed",
        "Fear": "false discovery",
    }
    assert out.loc["Awe", "planted"] == -0.1 and out.loc["Fear", "planted"] == 0.0
    d = per[per["name"] == "Joy"].pivot(index="participant", columns="condition", values="score")
    ci = stats.ttest_rel(d["treatment"], d["control"]).confidence_interval()
    assert (out.loc["Joy", "found_low"], out.loc["Joy", "found_high"]) == pytest.approx(ci)


def test_parquet_tables_read_back(demo_run):
    tables = demo_run.tables
    assert set(tables) == {
        "measurements", "face_on_utterances", "per_participant", "compare", "mixed",
        "truth_vs_found",
    }  # fmt: skip
    m = hr.read_parquet(tables["measurements"])
    pd.testing.assert_frame_equal(m.long(), hr.read(demo_run.inputs["predictions"]).long())
    cmp = pd.read_parquet(tables["compare"])
    pd.testing.assert_frame_equal(_plain(cmp), _plain(demo_run.comparison))
    pd.testing.assert_frame_equal(
        _plain(pd.read_parquet(tables["truth_vs_found"])), _plain(demo_run.truth)
    )
    per = pd.read_parquet(tables["per_participant"])
    assert per["participant"].nunique() == 8 and len(per) == 8 * 2 * len(cmp)
    for path in tables.values():
        meta = json.loads(pq.read_schema(path).metadata[b"humeresearch"])
        assert meta["inputs"][0]["format"] == "v0-predictions"
    meta = json.loads(pq.read_schema(tables["compare"]).metadata[b"humeresearch"])
    assert meta["demo"]["participants"] == 8


def test_face_on_utterances_are_frame_means(demo_run):
    fu = pd.read_parquet(demo_run.tables["face_on_utterances"])
    m = hr.read(demo_run.inputs["predictions"])
    spans, long = m.spans(), m.long()
    utt = spans[spans["model"] == "prosody"].iloc[3]
    face = long[(long["model"] == "face") & (long["source"] == utt["source"])]
    face = face[(face["name"] == "Joy") & (face["begin"] >= utt["begin"])]
    expected = face.loc[face["begin"] < utt["end"], "score"].mean()
    row = fu[
        (fu["source"] == utt["source"]) & (fu["span_id"] == utt["span_id"])
        & (fu["track"] == utt["track"]) & (fu["name"] == "Joy")
    ]  # fmt: skip
    assert row["score"].item() == pytest.approx(expected)


def test_json_and_zip_agree_and_a_difference_is_seen(demo_run):
    a = hr.read(demo_run.inputs["predictions"]).long()
    b = hr.read(demo_run.inputs["artifacts"]).long()
    same = _analysis.same_scores(a, b)
    assert same["matched"] == same["rows_a"] == same["rows_b"] == len(a)
    assert same["max_abs_diff"] == 0.0
    b = b.sample(frac=1.0, random_state=0)  # order must not matter
    b.loc[b.index[5], "score"] += 0.25
    assert _analysis.same_scores(a, b)["max_abs_diff"] == pytest.approx(0.25)


def test_summary_lines_count_from_the_data(demo_run):
    lines = demo_run.summary
    assert len(lines) == 5
    cmp = demo_run.comparison
    assert f"{len(cmp)} expressions" in lines[2]
    assert f"{int((cmp['p_adj'] < 0.05).sum())} significant" in lines[2]
    assert "2 of 2 planted effects recovered" in lines[3]
    effects = demo_run.mixed[demo_run.mixed["term"] != "Intercept"]
    assert f"{int((effects['p_adj'] < 0.05).sum())} of {len(effects)}" in lines[4]


def test_progress_bar_names_the_stages(capsys):
    stage = _Stages(True)
    for name in STAGES[:3]:
        with stage(name):
            pass
    stage.close()
    err = capsys.readouterr().err
    assert all(name in err for name in STAGES[:3])
    assert list(stage.timings) == list(STAGES[:3])


def test_cli_exit_code_prints_paths_and_opens_without_a_browser(tmp_path, capsys, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--participants", "3", "--no-progress", "--open"]) == 0
    text = capsys.readouterr().out
    assert str(out / "report.html") in text and "Tables:" in text
    assert sum(line.startswith("  ") for line in text.splitlines()) == 5
    assert opened == [(out / "report.html").resolve().as_uri()]
    assert (out / "report.html").is_file()


def test_cli_rejects_too_few_participants(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--participants", "1"]) == 2
    assert "--participants" in capsys.readouterr().err


def test_without_statsmodels_the_mixed_models_are_skipped_and_said_so(tmp_path, monkeypatch):
    import importlib.util

    from humeresearch import demo

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "statsmodels" else real(name, *a),
    )
    res = demo.run(tmp_path, participants=3, duration=8.0, progress=False)
    assert res.mixed is None and "mixed" not in res.tables and "mixed" not in res.figures
    assert "statsmodels is not installed" in res.summary[4]
    html = res.report.read_text(encoding="utf-8")
    assert "Skipped: statsmodels is not installed" in html
    assert "MixedLM" not in html
