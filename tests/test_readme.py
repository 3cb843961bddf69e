"""The README's ten-line example runs as written, on the bundled example data."""

from __future__ import annotations

import os
import re

import pandas as pd

from .conftest import REPO


def test_readme_example_runs(monkeypatch):
    text = (REPO / "README.md").read_text()
    code = re.search(r"## In ten lines\n\n```python\n(.*?)```", text, re.S).group(1)
    assert len(code.strip().splitlines()) <= 12
    monkeypatch.chdir(REPO)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    result = namespace["result"]
    joy = result[(result["model"] == "face") & (result["name"] == "Joy")].iloc[0]
    assert (
        joy["effect_type"].startswith("cohen") and joy["mean_other"] > joy["mean_reference"]
    )  # Joy planted in treatment; control is the reference (first level)
    assert isinstance(namespace["face_on_utterances"], pd.DataFrame) and len(
        namespace["face_on_utterances"]
    )
    assert os.getcwd() == str(REPO)
