"""The ``measure`` subcommand (add_parser / run) and its exit statuses."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from humeresearch.measure.cli import add_parser, run

from .conftest import KEY

pytestmark = pytest.mark.filterwarnings("ignore:.*not decoded by the simulator")


def parse(*argv):
    parser = argparse.ArgumentParser(prog="humeresearch")
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["measure", *argv])


def test_dry_run_then_measure_then_failure(study, serve, tmp_path, monkeypatch):
    monkeypatch.setenv("HUME_API_KEY", KEY)
    srv = serve()
    common = ["--project", str(tmp_path), "--base-url", srv.url, "--quiet"]
    out = io.StringIO()
    assert run(parse(str(study), *common, "--dry-run"), out=out) == 0
    assert "total metered seconds: 42" in out.getvalue()
    out = io.StringIO()
    assert run(parse(str(study), *common), out=out) == 0
    assert "measured: 3" in out.getvalue() and "billed seconds: 42" in out.getvalue()
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video at all")
    out = io.StringIO()
    assert run(parse(str(bad), *common), out=out) == 1
    assert "failed: 1" in out.getvalue() and "bad.mp4" in out.getvalue()


def test_bad_usage_is_2(tmp_path, capsys):
    assert run(parse("/no/such.wav", "--project", str(tmp_path))) == 2
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"audio": {"measurement_timer_ms": 1}}))
    assert run(parse("x", "--project", str(tmp_path), "--config", str(config))) == 2
    assert "measurement_timer_ms" in capsys.readouterr().err
