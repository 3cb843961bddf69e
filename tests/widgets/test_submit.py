"""SubmitPanel driven like a user would, against the local server: values set, buttons clicked."""

from __future__ import annotations

import datetime
import subprocess
import sys
import time

import pytest

from humeresearch import define
from humeresearch.measure import ledger_table
from humeresearch.widgets._figures import png_of
from humeresearch.widgets._form import UNSET

from .conftest import KEY, every_widget_state

pytestmark = pytest.mark.filterwarnings("ignore:.*not decoded by the simulator")


def test_plan_shows_the_dry_run_and_sends_nothing(study, serve, panels, tmp_path):
    srv = serve()
    panel = panels(project=tmp_path / "p", base_url=srv.url, inputs=str(study / "*.wav"))
    assert "2 matching files" in panel.inputs.count.value
    panel.plan_button.click()
    table = panel.table_frame
    assert [n.rsplit("/", 1)[-1] for n in table["input"]] == ["a.wav", "b.wav"]
    assert table["media"].tolist() == ["audio", "audio"]
    assert table["duration"].round(2).tolist() == [6.0, 12.0]
    assert table["frames"].tolist() == [0, 0]
    assert table["requests"].tolist() == [1, 1]
    # a 6 s run is billed at the 10 s minimum, a 12 s run at 12 s
    assert table["metered_seconds"].tolist() == [10.0, 12.0]
    assert table["state"].tolist() == ["planned", "planned"]
    summary = panel.plan_summary.value
    assert (
        "2 input(s), 18.0 s of media, 0 frame(s), 2 request(s); estimated billed 22.0 s" in summary
    )
    assert panel.plan_table["within_budget"].tolist() == [True, True]
    panel.budget.value = "15"
    panel.plan_button.click()
    assert panel.table_frame["state"].tolist() == ["planned", "over budget"]
    assert "estimated billed 10.0 s" in panel.plan_summary.value
    assert "1 over the budget" in panel.plan_summary.value
    assert "hr-over-budget" in panel.table_html.value
    assert srv.counters()["requests"] == {}
    assert not (tmp_path / "p" / "ledger.sqlite").exists()


def test_submit_measures_with_live_progress_and_shows_a_timeline(study, serve, panels, tmp_path):
    srv = serve(faults="slow:1.0@0.3")  # every request 0.3 s late: progress is visible
    panel = panels(project=tmp_path / "p", base_url=srv.url, inputs=str(study))
    panel.connection.key.value = KEY  # as typed into the password field
    t0 = time.monotonic()
    panel.submit_button.click()
    assert time.monotonic() - t0 < 1.0 and panel.running  # the kernel is not blocked
    assert panel.submit_button.disabled and not panel.cancel_button.disabled
    seen = set()
    while panel.running:
        seen |= set(panel.table_frame["state"])
        time.sleep(0.05)
    result = panel.wait(timeout=60)
    assert panel.error is None, panel.error
    assert "submitted" in seen
    table = panel.table_frame
    assert table["state"].tolist() == ["done", "done"]
    assert table["run_id"].str.len().tolist() == [36, 36]  # one v1 run each, ids shown
    assert (table["elapsed"] >= 0.3).all()
    assert panel.table_html.value.count("hr-state hr-done") == 2
    assert (panel.progress.value, panel.progress.max) == (2, 2)
    assert panel.progress_label.value.startswith("2/2 finished")
    assert "finished: 2 measured, 0 already measured, 0 failed; billed 22.0 s" in panel.status.value
    sources = sorted(s.rsplit("/", 1)[-1] for s in result.long()["source"].unique())
    assert sources == ["a.wav", "b.wav"]
    assert result.provenance["measure"]["base_url"] == srv.url
    assert png_of(panel.figure)[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(srv.counters()["uploads_by_content"].values()) == [1, 1]
    assert not panel.submit_button.disabled and panel.cancel_button.disabled


def test_reopening_the_project_shows_what_is_measured_and_skips_it(study, serve, panels, tmp_path):
    srv = serve()
    first = panels(project=tmp_path / "p", base_url=srv.url, api_key=KEY, inputs=str(study))
    first.submit_button.click()
    first.wait(timeout=60)
    again = panels(project=tmp_path / "p", base_url=srv.url, api_key=KEY, inputs=str(study))
    assert again.table_frame["state"].tolist() == ["done", "done"]
    assert again.table_frame["metered_seconds"].tolist() == [10.0, 12.0]
    assert "already holds 2 measured input(s) of 2" in again.status.value
    again.plan_button.click()
    assert again.table_frame["state"].tolist() == ["done", "done"]
    assert "2 already measured" in again.plan_summary.value
    again.submit_button.click()
    result = again.wait(timeout=60)
    assert again.table_frame["state"].tolist() == ["done", "done"]
    assert again.table_frame["reason"].tolist() == ["already measured"] * 2
    assert result.provenance["measure"]["summary"]["skipped"] == 2
    assert sum(srv.counters()["uploads_by_content"].values()) == 2  # nothing sent twice


def test_invalid_options_are_reported_by_their_field_and_nothing_is_sent(
    study, serve, panels, tmp_path
):
    srv = serve()
    panel = panels(project=tmp_path / "p", base_url=srv.url, api_key=KEY, inputs=str(study))
    v1 = panel.forms["v1"]
    v1.controls["audio.measurement_timer_ms"].value = "2000"
    v1.controls["video.threshold"].value = "high"
    assert panel.submit() is False
    assert v1.errors == {
        "audio.measurement_timer_ms": "must be an integer in 3000-10000, got 2000",
        "video.threshold": "not a number: 'high'",
    }
    assert "3000-10000" in v1.messages["audio.measurement_timer_ms"].value
    assert v1.messages["audio.measurement_timer_ms"].layout.display is None  # shown
    assert "fix the fields" in panel.status.value
    panel.connection.api.value = "v0"
    v0 = panel.forms["v0"]
    v0.controls["language"].value = True
    v0.controls["language.granularity"].value = "passage"
    assert "stream only" in v0.messages["language.granularity"].value  # live, before a click
    panel.inputs.urls.value = "ftp://example.org/a.mp4"
    panel.plan_button.click()
    assert panel.plan_table is None
    assert list(v0.errors) == ["language.granularity"]
    assert panel.inputs.errors == {"urls": "not an http(s) URL: ftp://example.org/a.mp4"}
    panel.connection.api.value = "v1"
    v1.controls["audio.measurement_timer_ms"].value = "5000"
    v1.controls["video.threshold"].value = "0.5"
    panel.inputs.urls.value = "https://example.org/a.mp4"
    assert panel.submit() is False
    assert panel.inputs.errors == {"urls": "URLs are measured with v0 only"}
    assert srv.counters()["requests"] == {}
    assert not (tmp_path / "p" / "ledger.sqlite").exists()


def test_options_are_generated_from_the_configuration_objects(panels, tmp_path):
    panel = panels(project=tmp_path / "p", base_url="http://127.0.0.1:9")
    v1, v0 = panel.forms["v1"], panel.forms["v0"]
    assert sorted(v1.controls) == [
        "audio.measurement_timer_ms",
        "video.face_state",
        "video.min_size",
        "video.return_face_state",
        "video.threshold",
    ]
    assert set(define.V0_MODELS) <= set(v0.controls)
    options = v0.controls["prosody.granularity"].options
    assert tuple(label for label, _ in options) == ("default", *define.GRANULARITIES)
    language = [value for _, value in v0.controls["language.granularity"].options]
    assert language == [UNSET, "word", "sentence", "utterance", "conversational_turn", "passage"]
    assert [v for _, v in v0.controls["transcription"].options] == [UNSET, False, "set"]
    assert v0.controls["notify"].value == UNSET  # shown as "default", sent as nothing
    v0.controls["face"].value = True
    v0.controls["face.identify_faces"].value = True
    v0.controls["face.fps_pred"].value = "0"
    v0.controls["prosody"].value = True
    v0.controls["prosody.window"].value = True
    v0.controls["prosody.window.length"].value = "0.2"
    assert v0.value() is None
    assert v0.errors == {"prosody.window.length": "must be a number in 0.5-inf, got 0.2"}
    v0.controls["prosody.window.length"].value = "2"
    v0.controls["transcription"].value = False
    assert v0.value().to_dict() == {
        "models": {
            "face": {"fps_pred": 0.0, "identify_faces": True},
            "prosody": {"window": {"length": 2.0, "step": 1.0}},
        },
        "transcription": None,
    }


def test_failed_inputs_show_their_reason(study, serve, panels, tmp_path):
    srv = serve()
    (study / "broken.wav").write_bytes(b"RIFF not really a wav")
    panel = panels(project=tmp_path / "p", base_url=srv.url, api_key=KEY, inputs=str(study))
    panel.submit_button.click()
    panel.wait(timeout=60)
    table = panel.table_frame.set_index(panel.table_frame["input"].str.rsplit("/", n=1).str[-1])
    assert table.loc[["a.wav", "b.wav", "broken.wav"], "state"].tolist() == [
        "done",
        "done",
        "failed",
    ]
    assert table.loc["broken.wav", "reason"]
    assert "hr-state hr-failed" in panel.table_html.value
    assert "1 failed" in panel.status.value


def test_cancel_stops_and_a_later_submit_resumes(serve, panels, tmp_path):
    srv = serve(processing_delay=0.8)
    panel = panels(project=tmp_path / "p", base_url=srv.url, api_key=KEY, api="v0")
    panel.inputs.texts.value = "\n".join(f"Sentence number {i} is here." for i in range(4))
    panel.concurrency.value = 1
    panel.forms["v0"].controls["language"].value = True
    panel.submit_button.click()
    while panel.running and "done" not in set(panel.table_frame["state"]):
        time.sleep(0.05)
    panel.cancel_button.click()
    panel.wait(timeout=60)
    states = panel.table_frame["state"].tolist()
    assert states.count("done") >= 1 and "cancelled" in states
    assert panel.table_frame["job_id"].notna().sum() >= 1  # v0 job ids are shown
    panel.submit_button.click()
    panel.wait(timeout=60)
    assert panel.table_frame["state"].tolist() == ["done"] * 4
    assert sorted(srv.counters()["jobs_by_content"].values()) == [1, 1, 1, 1]
    assert set(ledger_table(tmp_path / "p")["state"]) == {"done"}


def test_uploads_are_saved_into_the_project_and_leave_the_widget(study, panels, tmp_path):
    panel = panels(project=tmp_path / "p", base_url="http://127.0.0.1:9")
    data = (study / "a.wav").read_bytes()
    panel.inputs.upload.value = (
        {"name": "up.wav", "type": "audio/wav", "size": len(data), "content": memoryview(data),
         "last_modified": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)},
    )  # fmt: skip
    saved = tmp_path / "p" / "uploads" / "up.wav"
    assert saved.read_bytes() == data
    assert panel.inputs.upload.value == ()
    assert "1 uploaded: up.wav" in panel.inputs.upload_note.value
    assert panel.inputs.collect("v1") == [str(saved)]
    panel.inputs.path.value = str(study / "*.mp4")
    assert "0 matching files" in panel.inputs.count.value
    assert panel.inputs.collect("v1") is None
    assert panel.inputs.errors == {"path": "no media file matches"}


def test_the_key_is_in_no_widget_state(study, serve, panels, tmp_path, monkeypatch):
    srv = serve()
    panel = panels(project=tmp_path / "p", base_url=srv.url, inputs=str(study))
    panel.connection.key.value = KEY
    assert panel.connection.key.value == ""
    assert "a key is set (hidden)" in panel.connection.key_note.value
    panel.submit_button.click()
    panel.wait(timeout=60)
    assert panel.table_frame["state"].tolist() == ["done", "done"]  # the key was used
    given = panels(project=tmp_path / "q", base_url=srv.url, api_key=KEY + "-given")
    given.plan_button.click()
    monkeypatch.setenv("HUME_API_KEY", KEY + "-env")
    env = panels(project=tmp_path / "r", base_url=srv.url)
    assert "using $HUME_API_KEY" in env.connection.key_note.value
    state = every_widget_state()
    assert "sk-widgets-secret" not in state
    assert "sk-widgets-secret" not in repr(panel) + repr(panel.connection)


def test_the_key_is_not_in_a_notebook_saved_after_use(study, serve, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    srv = serve()
    monkeypatch.setenv("HR_TYPED_KEY", KEY)
    source = [
        "import os\nfrom humeresearch.widgets import SubmitPanel",
        f"panel = SubmitPanel(project={str(tmp_path / 'p')!r}, base_url={srv.url!r},"
        f" inputs={str(study)!r})\npanel",
        "panel.connection.key.value = os.environ['HR_TYPED_KEY']  # as typed\n"
        "panel.submit_button.click()\nresult = panel.wait(timeout=60)\npanel.table_frame['state'].tolist()",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in source])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", store_widget_state=True
    )
    client.execute()
    path = tmp_path / "used.ipynb"
    nbformat.write(nb, path)
    text = path.read_text(encoding="utf-8")
    assert "['done', 'done']" in text  # the key was used
    assert "application/vnd.jupyter.widget-state+json" in text  # the widget state is saved
    assert "sk-widgets-secret" not in text


def test_import_without_ipywidgets_names_the_extra():
    code = "import sys; sys.modules['ipywidgets'] = None\nimport humeresearch.widgets"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 1
    assert 'pip install "humeresearch[widgets]"' in proc.stderr
    assert "ImportError" in proc.stderr
