"""The README's ten-line example runs as written, on the bundled example data."""

from __future__ import annotations

import os
import re

import pandas as pd
import pytest

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


def test_readme_measure_example_runs_against_the_local_server(tmp_path, monkeypatch):
    pytest.importorskip("av")
    from humeresearch import server, testing  # noqa: F401

    text = (REPO / "README.md").read_text()
    code = re.search(r"## Measure a study\n.*?```python\n(.*?)```", text, re.S).group(1)
    assert len(code.strip().splitlines()) <= 5
    study = tmp_path / "study"
    study.mkdir()
    for i, seconds in enumerate((1.5, 2.5)):
        (study / f"p{i}.wav").write_bytes(_tone_wav(seconds))
    monkeypatch.chdir(tmp_path)
    with server.start() as srv:
        code = code.replace('project="study-hume"', f'project="study-hume", base_url={srv.url!r}')
        namespace: dict = {"hr": __import__("humeresearch")}
        exec(compile(code, "README.md", "exec"), namespace)
        counters = srv.counters()
    plan, m = namespace["plan"], namespace["m"]
    assert len(plan) == 2 and (plan["requests"] == 1).all()
    assert set(m.long()["source"].astype(str)) == {"study/p0.wav", "study/p1.wav"}
    assert sum(counters["uploads_by_content"].values()) == 2


def _tone_wav(seconds: float, rate: int = 16000) -> bytes:
    import io
    import wave

    import numpy as np

    t = np.arange(int(seconds * rate)) / rate
    pcm = (0.3 * np.sin(2 * np.pi * 220 * t) * (t % 1.0 < 0.6) * 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return out.getvalue()
