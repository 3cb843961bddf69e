"""The command line: convert and info, exit statuses, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

import humeresearch as hr
from humeresearch.cli import main


def test_info_text_and_json(fixtures, capsys):
    assert main(["info", str(fixtures / "interreviewer_predictions.json")]) == 0
    out = capsys.readouterr().out
    assert "spans: 564" in out and "spk_0, spk_1" in out
    assert (
        main(
            [
                "info",
                "--json",
                str(fixtures / "interreviewer_predictions.json"),
                str(fixtures / "interviewiq_predictions.json"),
            ]
        )
        == 0
    )
    info = json.loads(capsys.readouterr().out)
    assert info["spans"] == 564 + 74 and info["files"] == 2
    assert info["models"]["prosody"]["tracks"] == ["spk_0", "spk_1", "unknown"]
    assert info["models"]["face"]["spans"] == 516 + 65


@pytest.mark.parametrize("form", ["long", "wide", "spans", "errors"])
def test_convert_csv_and_parquet(fixtures, tmp_path, form):
    src = str(fixtures / "interviewiq_predictions.json")
    m = hr.read(src)
    expected = getattr(m, form)()
    assert main(["convert", src, "-o", str(tmp_path / "t.csv"), "--form", form]) == 0
    assert len(pd.read_csv(tmp_path / "t.csv")) == len(expected)
    assert main(["convert", src, "-o", str(tmp_path / "t.parquet"), "--form", form]) == 0
    back = pd.read_parquet(tmp_path / "t.parquet")
    assert list(back.columns) == list(expected.columns) and len(back) == len(expected)


def test_convert_measurements_round_trip(fixtures, tmp_path):
    src = str(fixtures / "interreviewer_predictions.json")
    assert main(["convert", src, "-o", str(tmp_path / "m.parquet")]) == 0
    pd.testing.assert_frame_equal(
        hr.read_parquet(tmp_path / "m.parquet").long(), hr.read(src).long()
    )


def test_convert_many_inputs_with_glob(fixtures, tmp_path):
    pattern = str(fixtures / "*_predictions.json")
    assert main(["convert", pattern, "-o", str(tmp_path / "all.parquet")]) == 0
    m = hr.read_parquet(tmp_path / "all.parquet")
    assert m.spans()["source"].nunique() == 5


def test_bad_input_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "predictions.json"
    bad.write_text(
        '[{"source": {"type": "url", "url": "u"}, "results": {"errors": [], "predictions": [{"file": "f", '
        '"models": {"face": {"grouped_predictions": [{"id": "x", "predictions": [{"frame": 0, "time": 0, '
        '"emotions": [{"name": "Joy", "score": "abc"}]}]}]}}}]}}]'
    )
    proc = subprocess.run(
        [sys.executable, "-m", "humeresearch.cli", "info", str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr
    assert (
        "models.face.grouped_predictions[0].predictions[0].emotions[0].score: expected a number"
        in proc.stderr
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "humeresearch.cli",
            "convert",
            str(tmp_path / "missing.json"),
            "-o",
            str(tmp_path / "x.parquet"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "no such file" in proc.stderr


@pytest.mark.parametrize("command", [[], ["convert"], ["info"]])
def test_help_everywhere(command):
    proc = subprocess.run(
        [sys.executable, "-m", "humeresearch.cli", *command, "--help"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and "usage:" in proc.stdout


def test_plugins_skip_missing_optional_dependencies_only(monkeypatch):
    from humeresearch import cli

    monkeypatch.setattr(cli, "PLUGINS", {"x": ("not_installed_dependency_xyz", "add", "run")})
    _, runners = cli.build_parser()
    assert set(runners) == {"convert", "info"}
    monkeypatch.setattr(cli, "PLUGINS", {"x": ("humeresearch.no_such_module", "add", "run")})
    with pytest.raises(ModuleNotFoundError, match="humeresearch.no_such_module"):
        cli.build_parser()


def test_convert_choices_come_from_define(capsys):
    from humeresearch import define

    with pytest.raises(SystemExit):
        main(["convert", "x", "-o", "y", "--form", "bogus"])
    err = capsys.readouterr().err
    assert all(repr(f) in err for f in define.FORMS)
