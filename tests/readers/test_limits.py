"""Limits on decompressed size, compression ratio and JSON depth (issue 13 item 4)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

import humeresearch as hr
from humeresearch.readers import LIMITS, _v0_artifacts
from tests.readers.test_hostile import face_csv, face_row

MEMBER = "file-0-a.png/csv/a.png/face.csv"


@pytest.fixture(autouse=True)
def _defaults():
    yield
    LIMITS.reset()


def bomb(path: Path, *, mib: int, head: bytes = b"", row: bytes = b"\0") -> Path:
    """A zip whose one member inflates to ``mib`` MiB (written in chunks: small on disk)."""
    chunk = (row * ((1 << 20) // len(row) + 1))[: 1 << 20]
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z,
        z.open(MEMBER, "w", force_zip64=True) as f,
    ):
        f.write(head)
        for _ in range(mib):
            f.write(chunk)
    return path


def peak_mib_reading(path: Path) -> tuple[str, float]:
    """Read ``path`` in a fresh interpreter: (outcome, peak resident MiB)."""
    code = textwrap.dedent(
        f"""
        import humeresearch as hr
        try:
            hr.read({str(path)!r})
            outcome = "read"
        except hr.FormatError as exc:
            outcome = str(exc)
        print(outcome)
        # VmHWM: the peak of this process only (ru_maxrss keeps the forking parent's peak)
        status = open("/proc/self/status").read().split("VmHWM:")[1]
        print(int(status.split()[0]) / 1024)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    outcome, peak = out.stdout.strip().rsplit("\n", 1)
    return outcome, float(peak)


@pytest.mark.slow
def test_gib_of_zeros_is_refused_in_bounded_memory(tmp_path):
    path = bomb(tmp_path / "bomb.zip", mib=1024)
    assert path.stat().st_size < 2 << 20
    outcome, peak = peak_mib_reading(path)
    assert f"member {MEMBER!r}: compression ratio" in outcome
    assert "max_ratio=200.0" in outcome and "LIMITS.max_ratio" in outcome
    assert peak < 400, f"peak resident memory {peak:.0f} MiB"


def test_valid_rows_repeated_are_refused_in_bounded_memory(tmp_path):
    head = face_csv([]).rstrip(b"\r\n") + b"\r\n"
    row = b"face_0,0,0.0,0.9,1.0,1.0,2.0,2.0,0.5,0.25\r\n"
    path = bomb(tmp_path / "rows.zip", mib=256, head=head, row=row)
    outcome, peak = peak_mib_reading(path)
    assert "compression ratio" in outcome and "max_ratio" in outcome
    assert peak < 400, f"peak resident memory {peak:.0f} MiB"


def test_declared_member_size_over_the_limit(tmp_path):
    path = bomb(tmp_path / "b.zip", mib=3)
    LIMITS.max_ratio = 1e9
    LIMITS.max_member_size = 2 << 20
    with pytest.raises(
        hr.FormatError,
        match=r"decompressed size 3145728 bytes \(declared\) "
        r"exceeds the limit max_member_size=2097152",
    ):
        hr.read(path)
    LIMITS.max_member_size = 8 << 20
    LIMITS.max_input_size = 1 << 20
    with pytest.raises(hr.FormatError, match=r"max_input_size=1048576"):
        hr.read(path)


def test_member_that_inflates_past_its_header_is_stopped(tmp_path, monkeypatch):
    """Headers can lie: the chunked read enforces the limits by itself."""
    path = bomb(tmp_path / "b.zip", mib=3)
    monkeypatch.setattr(_v0_artifacts, "_check_sizes", lambda name, infos: None)
    with pytest.raises(hr.FormatError, match=r"compression ratio over 200 exceeds the limit"):
        hr.read(path)
    LIMITS.max_ratio = 1e9
    LIMITS.max_member_size = 2 << 20
    with pytest.raises(hr.FormatError, match=r"decompressed size over 2097152 bytes"):
        hr.read(path)


def test_raising_a_limit_reads_the_input(tmp_path):
    rows = [face_row(k, k / 3) for k in range(20_000)]
    data = face_csv(rows)
    path = tmp_path / "ok.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(MEMBER, data)
    LIMITS.max_member_size = 1 << 20
    with pytest.raises(hr.FormatError, match="max_member_size"):
        hr.read(path)
    LIMITS.max_member_size = 1 << 30
    assert len(hr.read(path).spans()) == 20_000


def test_json_depth_limit_is_configurable():
    doc = [{"source": {"type": "url", "url": "u"}, "error": "e", "x": [[[[[[1]]]]]]}]
    LIMITS.max_json_depth = 5
    with pytest.raises(
        hr.FormatError, match=r"JSON nested 8 deep exceeds the limit max_json_depth=5"
    ):
        hr.read(json.dumps(doc).encode())
    LIMITS.max_json_depth = 8
    assert hr.read(json.dumps(doc).encode()).errors()["message"].tolist() == ["e"]
