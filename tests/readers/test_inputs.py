"""What read() takes as several inputs, what it refuses at once, and what collect contains."""

from __future__ import annotations

import hashlib
import io
import os
import threading
from pathlib import Path

import pytest

import humeresearch as hr
from humeresearch.readers import FORMATS, Format, register
from tests.readers.conftest import assert_same_measurements

JOBS = ("interviewiq_predictions.json", "humegradio_predictions.json")


def test_a_list_of_bytes_is_several_inputs(real):
    data = [(real / name).read_bytes() for name in JOBS]
    m = hr.read(data, progress=False)
    assert_same_measurements(hr.concat([hr.read(d) for d in data]), m)
    records = m.provenance["inputs"]
    assert [r["name"] for r in records] == ["<bytes 0>", "<bytes 1>"]
    assert [r["size"] for r in records] == [len(d) for d in data]
    assert [r["sha256"] for r in records] == [hashlib.sha256(d).hexdigest() for d in data]
    assert [r["format"] for r in records] == ["v0-predictions"] * 2
    # the same through read_many, bytearrays and open binary files
    again = hr.readers.read_many([bytearray(data[0]), io.BytesIO(data[1])], progress=False)
    assert_same_measurements(m, again)
    assert [r["name"] for r in again.provenance["inputs"]] == ["<bytes 0>", "<file>"]


def test_a_dict_names_its_bytes(real):
    data = {name: (real / name).read_bytes() for name in JOBS}
    m = hr.read(data, progress=False)
    assert [r["name"] for r in m.provenance["inputs"]] == list(JOBS)
    assert len(m) == len(hr.read(real / JOBS[0])) + len(hr.read(real / JOBS[1]))


def test_bytes_and_paths_mix_and_a_bad_one_is_collected(real):
    good = (real / JOBS[1]).read_bytes()
    m = hr.read([real / JOBS[0], good, b'[{"source": '], progress=False)
    assert len(m) == len(hr.read(real / JOBS[0])) + 1
    (row,) = m.errors().to_dict("records")
    assert row["source"] == "<bytes 2>" and row["message"].startswith("unreadable: <bytes 2>")


def test_a_decoded_json_list_is_still_one_input(real):
    import json

    doc = json.loads((real / JOBS[1]).read_bytes())
    assert len(hr.read(doc)) == 1
    assert hr.read(doc).provenance["inputs"][0]["name"] == "<object>"


def _returns_within(func, seconds: float = 10.0):
    """Run ``func`` in a daemon thread; its result or exception, or fail if it blocks."""
    out: dict = {}

    def target():
        try:
            out["value"] = func()
        except BaseException as exc:
            out["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "read() blocked on a special file"
    return out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_is_refused_without_being_opened(tmp_path, real):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    out = _returns_within(lambda: hr.read(fifo))
    assert isinstance(out["error"], hr.FormatError)
    assert str(out["error"]) == f"{fifo}: not a regular file or folder (a FIFO); not read"
    # among several, it is collected with a complete provenance entry
    out = _returns_within(lambda: hr.read([real / JOBS[1], fifo], progress=False))
    m = out["value"]
    assert len(m) == 1
    record = m.provenance["inputs"][1]
    assert record["name"] == str(fifo) and "a FIFO" in record["error"]
    # a folder holding one is read without it
    (tmp_path / "job.json").write_bytes((real / JOBS[1]).read_bytes())
    out = _returns_within(lambda: hr.read(tmp_path, progress=False))
    assert len(out["value"]) == 1


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused():
    out = _returns_within(lambda: hr.read("/dev/zero"))
    assert isinstance(out["error"], hr.FormatError)
    assert "a character device" in str(out["error"])


@pytest.fixture
def broken_format():
    """A format whose reader fails with something other than a FormatError."""

    def read(inp, builder):
        kind = inp.data[5:].strip()
        raise {b"type": TypeError("unhashable type: 'list'"), b"deep": RecursionError("deep")}[kind]

    register(Format("broken", read, sniff=lambda prefix, inp: prefix.startswith(b"BROKE")))
    yield
    del FORMATS["broken"]


def test_collect_contains_any_exception_of_a_reader(real, broken_format):
    good = (real / JOBS[1]).read_bytes()
    m = hr.read([b"BROKE type", good, b"BROKE deep"], progress=False)
    assert len(m) == 1  # the good input between the two broken ones is read
    messages = m.errors()["message"].tolist()
    assert messages == [
        "unreadable: <bytes 0>: the broken reader failed (TypeError: unhashable type: 'list')",
        "unreadable: <bytes 2>: the broken reader failed (RecursionError: deep)",
    ]
    failed = [r for r in m.provenance["inputs"] if "error" in r]
    assert [r["format"] for r in failed] == ["broken", "broken"]
    assert [r["size"] for r in failed] == [10, 10]
    assert all(len(r["sha256"]) == 64 for r in failed)
    # one input with errors="collect" too; errors="raise" names the input
    one = hr.read(b"BROKE deep", errors="collect")
    assert one.provenance["inputs"][0]["format"] == "broken"
    with pytest.raises(hr.FormatError, match=r"<bytes 0>: the broken reader failed"):
        hr.read([b"BROKE type", good], errors="raise")


def test_unreadable_inputs_have_complete_provenance(tmp_path, real):
    truncated = b'[{"source": {"type": "url", "url": "x"}, "results": {'
    (tmp_path / "a.json").write_bytes(truncated)
    (tmp_path / "b.txt").write_bytes(b"hello")
    (tmp_path / "c.json").write_bytes((real / JOBS[1]).read_bytes())
    m = hr.read(tmp_path, progress=False)
    a, b, c = m.provenance["inputs"]
    assert a["format"] == "v0-predictions" and a["size"] == len(truncated)
    assert a["sha256"] == hashlib.sha256(truncated).hexdigest()
    assert a["name"] == str(tmp_path / "a.json") and "truncated" in a["error"]
    assert b["format"] is None and b["size"] == 5 and "not a recognised" in b["error"]
    assert "error" not in c and c["format"] == "v0-predictions"
    missing = hr.read([tmp_path / "nope.json"], progress=False).provenance["inputs"][0]
    assert missing["size"] is None and "no such file" in missing["error"]
