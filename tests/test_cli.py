"""The command line: convert and info, exit statuses, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


def test_a_command_whose_extra_is_missing_is_listed_and_says_what_to_install(monkeypatch, capsys):
    from humeresearch import cli

    monkeypatch.setattr(
        cli, "PLUGINS", {"x": ("not_installed_dependency_xyz", "someextra", "do x")}
    )
    parser, runners = cli.build_parser()
    assert 'needs pip install "humeresearch[someextra]"' in parser.format_help()
    assert runners["x"](parser.parse_args(["x", "anything", "--flag"])) == 2
    assert 'pip install "humeresearch[someextra]"' in capsys.readouterr().err
    monkeypatch.setattr(cli, "PLUGINS", {"x": ("humeresearch.no_such_module", "e", "x")})
    with pytest.raises(ModuleNotFoundError, match="humeresearch.no_such_module"):
        cli.build_parser()


def test_measure_without_its_extra_exits_2_naming_the_install(tmp_path):
    code = (
        "import sys; sys.modules['av'] = None\n"
        "from humeresearch.cli import main\n"
        "sys.exit(main(['measure', 'x.wav', '--project', 'p']))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert proc.returncode == 2
    assert 'pip install "humeresearch[measure]"' in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "p").exists()


def _cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "humeresearch.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


@pytest.mark.parametrize(("suffix", "sep"), [(".csv", ","), (".tsv", "\t")])
def test_convert_writes_the_format_its_suffix_names(fixtures, tmp_path, suffix, sep):
    src = fixtures / "interviewiq_predictions.json"
    out = tmp_path / f"long{suffix}"
    assert main(["convert", str(src), "-o", str(out)]) == 0
    table = pd.read_csv(out, sep=sep)
    assert list(table.columns[:5]) == ["source", "file", "model", "track", "span_id"]
    assert len(table) == len(hr.read(src).long())


@pytest.mark.parametrize("form", ["long", "wide"])
@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_a_csv_written_by_convert_reads_back_with_read(fixtures, tmp_path, form, suffix):
    src = fixtures / "interviewiq_predictions.json"
    out = tmp_path / f"t{suffix}"
    assert main(["convert", str(src), "-o", str(out), "--form", form]) == 0
    back, original = hr.read(out), hr.read(src)
    assert back.provenance["inputs"][0]["format"] == "contract-csv"

    def tidy(t):
        t = t.astype({c: str for c in ("source", "file", "model", "track", "family", "name")})
        keys = ["source", "file", "model", "track", "span_id", "family", "name"]
        return t.sort_values(keys).reset_index(drop=True)

    pd.testing.assert_frame_equal(tidy(back.long()), tidy(original.long()))


@pytest.mark.parametrize("name", ["out.xlsx", "out.txt", "out"])
def test_convert_refuses_an_output_it_cannot_write_as_named(fixtures, tmp_path, name):
    import importlib.util

    if name.endswith(".xlsx") and importlib.util.find_spec("openpyxl") is not None:
        pytest.skip("openpyxl is installed: .xlsx is written")
    proc = _cli("convert", fixtures / "interviewiq_predictions.json", "-o", tmp_path / name)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / name).exists()


def test_convert_never_overwrites_an_input(fixtures, tmp_path):
    import shutil

    data = tmp_path / "predictions.json"
    shutil.copy(fixtures / "interviewiq_predictions.json", data)
    other = tmp_path / "other.json"
    shutil.copy(fixtures / "interreviewer_predictions.json", other)
    link = tmp_path / "link.parquet"
    link.symlink_to(data)
    before = data.read_bytes()
    for args in (
        [data, "-o", data, "--format", "parquet"],
        [data, "-o", link],
        [other, data, "-o", data, "--format", "csv"],
    ):
        proc = _cli("convert", *args)
        assert proc.returncode == 2 and "is the input" in proc.stderr, proc.stderr
    assert data.read_bytes() == before


def test_convert_output_faults_exit_2_in_one_line(fixtures, tmp_path):
    import os

    src = fixtures / "interviewiq_predictions.json"
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        targets = [Path("/sys/humeresearch-test/out.parquet"), Path("/proc/out.csv")]
        if os.geteuid() != 0:  # root may write anywhere
            targets.append(locked / "out.parquet")
        for target in targets:
            proc = _cli("convert", src, "-o", target)
            assert proc.returncode == 2, (target, proc.stderr)
            assert "Traceback" not in proc.stderr
            assert proc.stderr.startswith("humeresearch convert: error: cannot write")
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_convert_creates_a_missing_parent_folder_for_every_format(fixtures, tmp_path, suffix):
    out = tmp_path / "new" / "deeper" / f"out{suffix}"
    assert main(["convert", str(fixtures / "interviewiq_predictions.json"), "-o", str(out)]) == 0
    assert out.stat().st_size > 0


def test_convert_and_info_name_the_inputs_they_skipped(fixtures, tmp_path, capsys):
    import shutil

    folder = tmp_path / "study"
    folder.mkdir()
    shutil.copy(fixtures / "interviewiq_predictions.json", folder / "good.json")
    (folder / "notes.txt").write_text("not a Hume output")
    (folder / "broken.json").write_text('{"source": ')
    assert main(["convert", str(folder), "-o", str(tmp_path / "out.parquet")]) == 0
    err = capsys.readouterr().err
    assert "skipped 2 input(s)" in err and "notes.txt" in err and "broken.json" in err
    assert main(["info", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "None" not in out and "skipped: 2" in out and "notes.txt" in out


def test_convert_choices_come_from_define(capsys):
    from humeresearch import define

    with pytest.raises(SystemExit):
        main(["convert", "x", "-o", "y", "--form", "bogus"])
    err = capsys.readouterr().err
    assert all(repr(f) in err for f in define.FORMS)


def test_python_entry_points_name_their_missing_extra(tmp_path):
    code = (
        "import sys; sys.modules['av'] = None; sys.modules['uvicorn'] = None\n"
        "from humeresearch import media, server\n"
        "for call in (lambda: media.probe('x.mp4'), lambda: server.start()):\n"
        "    try:\n"
        "        call()\n"
        "    except ImportError as exc:\n"
        "        print(exc)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2
    assert 'pip install "humeresearch[measure]"' in lines[0]
    assert 'pip install "humeresearch[server]"' in lines[1]


def test_convert_into_a_dataset_appends_each_input_once(fixtures, tmp_path, capsys):
    from humeresearch import dataset

    src = str(fixtures / "interviewiq_predictions.json")
    folder = tmp_path / "corpus"
    assert main(["convert", src, "--dataset", str(folder)]) == 0
    assert main(["convert", src, "--dataset", str(folder)]) == 0
    assert "0 added, 1 already there" in capsys.readouterr().out
    long = dataset.open_dataset(folder).long()
    assert len(long) == len(hr.read(src).long())
    assert main(["convert", src, "--dataset", str(folder), "-o", str(tmp_path / "x.csv")]) == 2
