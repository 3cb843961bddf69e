"""The tutorial notebooks are committed clean: no outputs, no execution counts, no secrets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXPECTED = [
    "01_read_and_explore.ipynb",
    "02_align_and_aggregate.ipynb",
    "03_statistics_for_papers.ipynb",
    "04_local_server.ipynb",
    "05_v0_archives_and_v1.ipynb",
    "06_measure_with_widgets.ipynb",
]


def _load(name: str) -> dict:
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))


def test_every_tutorial_is_listed():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_valid_and_stripped(name):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    raw = _load(name)
    code = [c for c in raw["cells"] if c["cell_type"] == "code"]
    assert code, f"{name} has no code cells"
    for i, cell in enumerate(code):
        assert cell["outputs"] == [], f"{name}: code cell {i} has outputs"
        assert cell["execution_count"] is None, f"{name}: code cell {i} has an execution count"
    assert raw["metadata"]["kernelspec"]["name"] == "python3"
    assert "widgets" not in raw["metadata"], f"{name}: widget state is stored"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_holds_no_key_and_talks_only_to_localhost(name):
    text = "".join("".join(c["source"]) for c in _load(name)["cells"])
    # no literal API key: nothing assigned to a key-like name as a quoted string
    assert not re.search(r"""(?i)(api_?key|hume_api_key)\s*=\s*["'][^"']+["']""", text)
    # the only hosts a notebook may contact are local
    for url in re.findall(r"https?://[^\s\"')]+", text):
        assert re.match(r"https?://(127\.0\.0\.1|localhost)([:/]|$)", url), f"{name}: {url}"
