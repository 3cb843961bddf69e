"""Notebook 06 is stored clean: no outputs, no execution counts, no widget state, no key."""

from __future__ import annotations

import json
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "06_measure_with_widgets.ipynb"


def test_notebook_06_is_stored_without_outputs_or_widget_state():
    raw = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in raw["cells"] if c["cell_type"] == "code"]
    assert len(code) >= 8
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert "widgets" not in raw["metadata"]
    assert raw["metadata"]["kernelspec"]["name"] == "python3"
    source = "".join("".join(c["source"]) for c in raw["cells"])
    assert "panel.plan_button.click()" in source and "panel.submit_button.click()" in source
    assert "Explorer(result)" in source
